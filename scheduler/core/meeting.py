"""One meeting, as every part that shows or tells of it reads it: a stored occurrence with the
name of the buyer it concerns and, for the message policy, its invitees. Built once from a row
and its facts (`scheduler.store.meetings`); the calendar's event views and the mail's meeting
views are made from it. Pure: no I/O.

A per-buyer ritual's texts may speak of « l'acheteur » (« Dans les locaux de l'acheteur »): said
of a meeting, they name its buyer (`said_of`), since a calendar or a digest is read by more than
the buyer's own people.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from scheduler.core.french import speak_of_buyer
from scheduler.core.kinds import OccurrenceStatus, PartStat, RitualKind, Scope
from scheduler.core.readers import Reader

AUTO_CANCEL_REASON = "no longer planned"
"""The reason the planner gives a meeting it cancels itself (gone from the plan): readers are
never shown it, and a meeting cancelled by hand is one with any other reason."""


@dataclass(frozen=True, slots=True)
class Invitee:
    """A reader invited to one meeting, with their answer and whether the invitation went."""

    reader: Reader
    partstat: PartStat = PartStat.NEEDS_ACTION
    invited: bool = False
    """An invitation was sent (or is being sent): updates and cancellations go to them."""
    current: bool = False
    """Their invitation was written at the meeting's current SEQUENCE, so it carried this
    version already: no update is due to them (a meeting moved before anyone was invited)."""
    removed_at: datetime | None = None
    """When the facilitator took them off this meeting: only their CANCEL is due then."""


@dataclass(frozen=True, slots=True)
class Meeting:
    """One stored occurrence, with the name of the buyer it concerns (None for the territory's
    rituals) and what the message policy reads of it."""

    occurrence_id: int
    uid: str
    kind: RitualKind
    facilitator_id: str
    start: datetime
    end: datetime
    status: OccurrenceStatus
    sequence: int
    changed_at: datetime
    organisation_id: int | None = None
    buyer: str | None = None
    """The buyer's name (a `FrenchName`, with the directory's article, where the store gave
    it); None for a meeting of the territory."""
    theme: str | None = None
    cancel_reason: str | None = None
    location: str | None = None
    """This meeting's own place (None: the ritual's)."""
    video_url: str | None = None
    """This meeting's own video link (None: the ritual's)."""
    description: str | None = None
    """A note for this meeting only."""
    invitees: tuple[Invitee, ...] = ()
    """Who is invited, for the policy (empty where nobody asked the store for them)."""
    booked_at: datetime | None = None
    """When the buyer booked this meeting's date from a proposal: its invitation goes then,
    not only at lead time."""

    @property
    def cancelled(self) -> bool:
        """True once the meeting is cancelled."""
        return self.status is OccurrenceStatus.CANCELLED

    @property
    def named_buyer(self) -> str | None:
        """The buyer the meeting's texts name: a per-buyer ritual's, never a territory's."""
        return self.buyer if self.kind.scope is Scope.BUYER else None

    @property
    def reason_to_show(self) -> str | None:
        """The reason of a cancellation made by hand (the planner's own is never shown)."""
        reason = self.cancel_reason
        return reason if reason and reason != AUTO_CANCEL_REASON else None


def said_of(text: str, meeting: Meeting) -> str:
    """A configured text that speaks of « l'acheteur », said of the meeting's buyer to anyone
    (« Dans les locaux de la Ville de Lisière »)."""
    return speak_of_buyer(text, meeting.named_buyer, yours=False)


def title_of(meeting: Meeting, ritual_title: str) -> str:
    """The ritual's title (in the reader's language), then the theme of an after-work or the
    buyer's name for a per-buyer ritual: « Club des acheteurs — Le sourcing inclusif »; a meeting
    of another kind is called by the title typed for it."""
    if meeting.kind is RitualKind.OTHER and meeting.theme:
        return meeting.theme
    said = said_of(ritual_title, meeting)
    if said != ritual_title:  # the title names the buyer already (« … de la Ville de Lisière »)
        return f"{said} — {meeting.theme}" if meeting.theme else said
    detail = meeting.theme or meeting.named_buyer
    return f"{ritual_title} — {detail}" if detail else ritual_title
