"""The year's facts and figures as frozen values: what `scheduler.core.figures.year_figures`
reads (organisations, meetings with their invitations, conventions, imported results) and what it
returns (tallies, answers, per-buyer and per-meeting lines, conventions, result totals).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from scheduler.core.kinds import OccurrenceStatus, OrganisationRole, PartStat, RitualKind

# --- facts ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Party:
    """An organisation: a buyer, an inclusive supplier or a partner."""

    id: int
    name: str
    role: OrganisationRole


@dataclass(frozen=True, slots=True)
class InvitationFact:
    """One person invited to a meeting: their organisation (None for the guichet's own people),
    their answer, and whether they came (None: not recorded)."""

    contact: int
    organisation: int | None
    partstat: PartStat = PartStat.NEEDS_ACTION
    attended: bool | None = None


@dataclass(frozen=True, slots=True)
class MeetingFact:
    """One dated meeting and its invitations."""

    uid: str
    kind: RitualKind
    buyer: int | None
    start: datetime
    status: OccurrenceStatus
    invitations: tuple[InvitationFact, ...] = ()
    walk_ins: int = 0
    """People present who were not invited (0 until the workspace records them)."""


@dataclass(frozen=True, slots=True)
class ConventionFact:
    """A buyer's partnership convention."""

    buyer: int
    start: date
    end: date
    financial_participation_cents: int | None = None


@dataclass(frozen=True, slots=True)
class ResultFact:
    """The scheme's figures for one buyer and one year, from the monitoring tool."""

    buyer: int
    year: int
    contracts: int
    insertion_hours: float
    participants: int
    companies: int


@dataclass(frozen=True)
class Facts:
    """Everything the figures are computed from."""

    organisations: tuple[Party, ...] = ()
    meetings: tuple[MeetingFact, ...] = ()
    conventions: tuple[ConventionFact, ...] = ()
    results: tuple[ResultFact, ...] = ()


# --- figures -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Tally:
    """Meetings by what became of them."""

    held: int = 0
    cancelled: int = 0
    to_come: int = 0
    unrecorded: int = 0

    @property
    def total(self) -> int:
        """Every meeting dated in the period, cancelled ones included."""
        return self.held + self.cancelled + self.to_come + self.unrecorded

    def __add__(self, other: Tally) -> Tally:
        return Tally(
            self.held + other.held,
            self.cancelled + other.cancelled,
            self.to_come + other.to_come,
            self.unrecorded + other.unrecorded,
        )


@dataclass(frozen=True, slots=True)
class Answers:
    """Invitations of the meetings not cancelled, what people answered, and who came."""

    invited: int = 0
    answered: int = 0
    accepted: int = 0
    declined: int = 0
    tentative: int = 0
    invited_to_held: int = 0
    present: int = 0
    walk_ins: int = 0

    @property
    def answer_rate(self) -> float | None:
        """Answered / invited; None when nobody was invited."""
        return _ratio(self.answered, self.invited)

    @property
    def acceptance_rate(self) -> float | None:
        """Accepted / invited."""
        return _ratio(self.accepted, self.invited)

    @property
    def attendance_rate(self) -> float | None:
        """Invitees present / invitees, over the held meetings."""
        return _ratio(self.present, self.invited_to_held)

    @property
    def people_present(self) -> int:
        """Invitees present and walk-ins."""
        return self.present + self.walk_ins

    def __add__(self, other: Answers) -> Answers:
        return Answers(
            *(
                getattr(self, name) + getattr(other, name)
                for name in (
                    "invited",
                    "answered",
                    "accepted",
                    "declined",
                    "tentative",
                    "invited_to_held",
                    "present",
                    "walk_ins",
                )
            )
        )


class Outcome(StrEnum):
    """What became of one meeting, as the figures count it."""

    HELD = "held"
    CANCELLED = "cancelled"
    TO_COME = "to_come"
    UNRECORDED = "unrecorded"


@dataclass(frozen=True, slots=True)
class MeetingLine:
    """One meeting of the year, as a table row."""

    uid: str
    kind: RitualKind
    buyer_id: int | None
    buyer: str | None
    start: datetime
    status: OccurrenceStatus
    outcome: Outcome
    invited: int
    accepted: int
    declined: int
    present: int | None
    """Invitees present and walk-ins; None unless held."""


class ConventionState(StrEnum):
    """Where a buyer's convention stands at the end of the year."""

    ACTIVE = "active"
    ENDS_NEXT_YEAR = "ends_next_year"
    ENDED = "ended"
    """It ended during the year and no later one followed."""
    NONE = "none"


@dataclass(frozen=True, slots=True)
class BuyerLine:
    """One buyer's year."""

    id: int
    name: str
    review_day: date | None
    """The day of its programming review of the year (None: no review that year)."""
    review_held: bool
    meetings_attended: int
    people_present: int
    convention: ConventionState
    convention_end: date | None
    renewed_on: date | None
    """The start of a later convention that began this year."""
    financial_participation_cents: int | None
    result: ResultFact | None


@dataclass(frozen=True, slots=True)
class Conventions:
    """The year's conventions."""

    active: int = 0
    new: int = 0
    renewed: int = 0
    ending_next_year: int = 0
    with_financial_participation: int = 0
    financial_participation_cents: int = 0


@dataclass(frozen=True, slots=True)
class ResultTotals:
    """The scheme's results summed over the buyers."""

    buyers: int = 0
    contracts: int = 0
    insertion_hours: float = 0.0
    participants: int = 0
    companies: int = 0


@dataclass(frozen=True)
class YearFigures:
    """Everything the restitution shows about one calendar year."""

    year: int
    meetings: Tally
    by_kind: Mapping[RitualKind, Tally]
    by_month: tuple[Tally, ...]
    """Twelve tallies, January first."""
    answers: Answers
    answers_by_kind: Mapping[RitualKind, Answers]
    taking_part: Mapping[OrganisationRole, tuple[str, ...]]
    """The names of the organisations one of whose people came, by role, in name order."""
    buyers: tuple[BuyerLine, ...]
    conventions: Conventions
    results: ResultTotals
    lines: tuple[MeetingLine, ...] = field(default=())

    @property
    def has_results(self) -> bool:
        """Whether results were imported for this year."""
        return self.results.buyers > 0


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None
