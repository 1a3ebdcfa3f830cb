"""What the mail templates see: small frozen values, built by the service from the store (a
meeting's from the core's `Meeting`, by `scheduler.service.deliver.views`). People are
`Mailbox`es: a name and an address."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime

from scheduler.core.french import speak_of_buyer
from scheduler.mail.mime import Mailbox


@dataclass(frozen=True, slots=True)
class MailMeeting:
    """One meeting, as an invitation, a reminder or a digest line shows it."""

    uid: str
    kind: str
    title: str
    start: datetime
    end: datetime
    facilitator: Mailbox
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

    def told_to(self, *, yours: bool, rsvp_url: str | None = None) -> MailMeeting:
        """This view as one reader reads it: « vos services », « vos locaux » when they work for
        the meeting's buyer (`yours`), « les locaux de la Ville de Lisière » otherwise; with
        their own RSVP link."""
        return replace(
            self,
            rsvp_url=rsvp_url,
            yours=yours,
            ritual=speak_of_buyer(self.ritual, self.buyer, yours=yours),
            location=speak_of_buyer(self.location, self.buyer, yours=yours),
        )


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
class AnswerCounts:
    """How invitees answered so far."""

    accepted: int = 0
    declined: int = 0
    tentative: int = 0
    pending: int = 0


@dataclass(frozen=True, slots=True)
class DigestMeeting:
    """A coming meeting in a facilitator's digest, with the answers so far."""

    meeting: MailMeeting
    answers: AnswerCounts


@dataclass(frozen=True, slots=True)
class PastMeeting:
    """A meeting of the past week in a facilitator's digest, with the link to record who
    came."""

    meeting: MailMeeting
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
class CalendarNote:
    """What an invitee wrote back from their calendar: a comment with their answer, or a
    proposal of another time (iTIP COUNTER), for the facilitator to read."""

    meeting: MailMeeting
    person: Mailbox
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
    replies: tuple[CalendarNote, ...] = ()
    """Comments and proposals received from the invitees' calendars in the past week."""
    mailbox_problem: str | None = None
    """Why the replies mailbox cannot be read, when it cannot."""
    mailbox_failing_since: datetime | None = None
    none_suits: tuple[NoneSuits, ...] = ()
    """Buyers who answered a proposal that none of its dates suits them."""


@dataclass(frozen=True, slots=True)
class NoneSuits:
    """A buyer for whom none of the dates offered suits: who wrote what, and when."""

    buyer: str
    title: str
    contact: str
    message: str
    at: datetime
    deadline: datetime


@dataclass(frozen=True, slots=True)
class ProposalView:
    """The dates a buyer may choose its meeting from, as the proposal mail shows them."""

    meeting: MailMeeting
    """The meeting, at its default date."""
    slots: tuple[datetime, ...]
    """The starts of the dates offered, in order."""
    deadline: datetime
    url: str
    """The reader's own link to the page where they choose."""
    reminder: bool = False
    new_dates: bool = False
    """New dates, sent by the facilitator after the buyer said none of the first ones suited
    them (the link of the earlier mail no longer books)."""
