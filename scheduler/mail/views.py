"""What the mail templates see: small frozen values, built by the service from the store."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True, slots=True)
class Person:
    """Someone a mail is addressed to or speaks of."""

    name: str
    email: str


@dataclass(frozen=True, slots=True)
class MeetingView:
    """One meeting, as an invitation, a reminder or a digest line shows it."""

    uid: str
    kind: str
    title: str
    start: datetime
    end: datetime
    facilitator: Person
    theme: str | None = None
    location: str = ""
    video_url: str = ""
    buyer: str | None = None
    sequence: int = 0
    cancel_reason: str | None = None
    rsvp_url: str | None = None
    ritual: str = ""
    """The ritual's title alone, said to the reader (« Sensibilisation de vos services
    internes »), for sentences that name the buyer apart; `title` when empty."""
    yours: bool = False
    """The reader works for the meeting's buyer: texts say « vos services »."""


@dataclass(frozen=True, slots=True)
class ConventionView:
    """A buyer's convention nearing its end."""

    buyer: str
    start: date
    end: date
    days_left: int
    renewal_meeting: datetime | None = None
    """The start of the coming renewal meeting with the buyer, when one is planned."""
    renewal_invited: bool = False
    """The reader is invited to that meeting already (the invitation is out or going out)."""


@dataclass(frozen=True, slots=True)
class ReviewLag:
    """A buyer whose last programming review that took place is over 12 months old."""

    buyer: str
    last: date | None
    """The day of that last review; None when none ever took place."""


@dataclass(frozen=True, slots=True)
class ReviewGapView:
    """A buyer with an active convention and no programming review planned up to the horizon;
    `cause` says why ('no_room', 'convention_ends', 'beyond_horizon': `ReviewGap`), about the
    window from `first` to `last`; `until` is the convention's end, `day` a review's day after
    the horizon."""

    buyer: str
    cause: str
    first: date | None = None
    last: date | None = None
    until: date | None = None
    day: date | None = None


@dataclass(frozen=True, slots=True)
class Answers:
    """How invitees answered so far."""

    accepted: int = 0
    declined: int = 0
    tentative: int = 0
    pending: int = 0


@dataclass(frozen=True, slots=True)
class DigestMeeting:
    """A coming meeting in a facilitator's digest, with the answers so far."""

    meeting: MeetingView
    answers: Answers


@dataclass(frozen=True, slots=True)
class PastMeeting:
    """A meeting of the past week in a facilitator's digest, with the link to record who
    came."""

    meeting: MeetingView
    attendance_url: str
    recorded: bool = False
    """True when attendance is recorded already (the link still corrects it)."""


@dataclass(frozen=True, slots=True)
class FailedDelivery:
    """A message that could not be delivered."""

    recipient: str
    kind: str
    error: str
    at: datetime


@dataclass(frozen=True, slots=True)
class ReplyNote:
    """What an invitee wrote back from their calendar: a comment with their answer, or a
    proposal of another time (iTIP COUNTER), for the facilitator to read."""

    meeting: MeetingView
    person: Person
    comment: str | None = None
    answer: str | None = None
    """accepted, tentative or declined, with a comment; None for a proposal."""
    proposed_start: datetime | None = None
    proposed_end: datetime | None = None


@dataclass(frozen=True, slots=True)
class DigestView:
    """A facilitator's week: what comes, what failed, what needs attention, and the meetings of
    the past week whose attendance to record."""

    period_start: date
    period_end: date
    upcoming: tuple[DigestMeeting, ...] = ()
    failed: tuple[FailedDelivery, ...] = ()
    conventions_ending: tuple[ConventionView, ...] = ()
    buyers_without_review: tuple[ReviewLag, ...] = field(default=())
    reviews_missing: tuple[ReviewGapView, ...] = ()
    horizon_end: date | None = None
    """The last day planned: `reviews_missing` lists the buyers without a review until then."""
    past_week: tuple[PastMeeting, ...] = ()
    replies: tuple[ReplyNote, ...] = ()
    """Comments and proposals received from the invitees' calendars in the past week."""
    mailbox_problem: str | None = None
    """Why the replies mailbox cannot be read, when it cannot."""
    mailbox_failing_since: datetime | None = None
