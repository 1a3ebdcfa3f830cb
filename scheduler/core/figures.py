"""The year's figures for the annual restitution: a pure function of the stored facts.

`year_figures(facts, year, now, timezone)` reads frozen values (meetings with their invitations,
organisations, conventions, imported results) and counts, for one calendar year in the guichet's
time zone:

- meetings: every meeting dated in the year is *held* (attendance recorded), *cancelled*, *to
  come* (not yet begun at `now`) or *unrecorded* (begun, attendance not recorded); by ritual kind
  and by month;
- invitations of the meetings not cancelled: the answer rate (answered / invited), the acceptance
  rate (accepted / invited) and, over held meetings only, the attendance rate (invitees present /
  invitees); people present are the invitees present plus the walk-ins;
- the organisations that took part: one of their people was present at a held meeting;
- per buyer: its programming review of the year (held, or only dated), the held meetings one of
  its people came to, how many of its people came, its convention and renewal;
- conventions in force during the year, new, renewed (a buyer's later convention), ending the
  next year, and their financial participation;
- the scheme's results imported from the monitoring tool, per buyer and in total.

The previous year is the same function called with `year - 1`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import TypeVar
from zoneinfo import ZoneInfo

from scheduler.core.kinds import OccurrenceStatus, OrganisationRole, PartStat, RitualKind
from scheduler.core.text import fold

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


# --- computing -----------------------------------------------------------------------------------


def year_figures(facts: Facts, year: int, now: datetime, timezone: str) -> YearFigures:
    """The figures of `year` (local dates in `timezone`) as known at `now`."""
    zone = ZoneInfo(timezone)
    meetings = sorted(
        (m for m in facts.meetings if m.start.astimezone(zone).year == year),
        key=lambda m: (m.start, m.uid),
    )
    names = {party.id: party for party in facts.organisations}
    outcomes = {m.uid: outcome_of(m, now) for m in meetings}
    by_kind: dict[RitualKind, Tally] = {}
    by_month = [Tally()] * 12
    answers_by_kind: dict[RitualKind, Answers] = {}
    for meeting in meetings:
        one = _tally(outcomes[meeting.uid])
        by_kind[meeting.kind] = by_kind.get(meeting.kind, Tally()) + one
        month = meeting.start.astimezone(zone).month - 1
        by_month[month] = by_month[month] + one
        if outcomes[meeting.uid] is not Outcome.CANCELLED:
            answers = _answers(meeting, outcomes[meeting.uid])
            answers_by_kind[meeting.kind] = answers_by_kind.get(meeting.kind, Answers()) + answers
    held = [m for m in meetings if outcomes[m.uid] is Outcome.HELD]
    conventions = [c for c in facts.conventions if _overlaps(c, year)]
    results = [r for r in facts.results if r.year == year]
    return YearFigures(
        year=year,
        meetings=sum(by_kind.values(), Tally()),
        by_kind=_in_kind_order(by_kind),
        by_month=tuple(by_month),
        answers=sum(answers_by_kind.values(), Answers()),
        answers_by_kind=_in_kind_order(answers_by_kind),
        taking_part=_taking_part(held, names),
        buyers=_buyers(facts, year, meetings, outcomes, names, zone),
        conventions=_conventions(facts.conventions, conventions, year),
        results=_result_totals(results),
        lines=tuple(_line(m, outcomes[m.uid], names) for m in meetings),
    )


def outcome_of(meeting: MeetingFact, now: datetime) -> Outcome:
    """What became of `meeting`, as known at `now`."""
    if meeting.status is OccurrenceStatus.CANCELLED:
        return Outcome.CANCELLED
    if meeting.status is OccurrenceStatus.HELD:
        return Outcome.HELD
    return Outcome.TO_COME if meeting.start >= now else Outcome.UNRECORDED


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _tally(outcome: Outcome) -> Tally:
    return Tally(**{outcome.value: 1})


def _answers(meeting: MeetingFact, outcome: Outcome) -> Answers:
    states = Counter(invitation.partstat for invitation in meeting.invitations)
    held = outcome is Outcome.HELD
    invited = len(meeting.invitations)
    return Answers(
        invited=invited,
        answered=invited - states[PartStat.NEEDS_ACTION],
        accepted=states[PartStat.ACCEPTED],
        declined=states[PartStat.DECLINED],
        tentative=states[PartStat.TENTATIVE],
        invited_to_held=invited if held else 0,
        present=sum(1 for i in meeting.invitations if i.attended) if held else 0,
        walk_ins=meeting.walk_ins if held else 0,
    )


V = TypeVar("V")


def _in_kind_order(values: Mapping[RitualKind, V]) -> dict[RitualKind, V]:
    return {kind: values[kind] for kind in RitualKind if kind in values}


def _taking_part(
    held: Iterable[MeetingFact], names: Mapping[int, Party]
) -> dict[OrganisationRole, tuple[str, ...]]:
    came = {
        names[invitation.organisation]
        for meeting in held
        for invitation in meeting.invitations
        if invitation.attended
        and invitation.organisation is not None
        and invitation.organisation in names
    }
    by_role: dict[OrganisationRole, list[str]] = {role: [] for role in OrganisationRole}
    for party in came:
        by_role[party.role].append(party.name)
    return {role: tuple(sorted(found, key=fold)) for role, found in by_role.items()}


def _overlaps(convention: ConventionFact, year: int) -> bool:
    return convention.start <= date(year, 12, 31) and convention.end >= date(year, 1, 1)


def _conventions(
    every: Sequence[ConventionFact], active: Sequence[ConventionFact], year: int
) -> Conventions:
    first_start = _first_starts(every)
    starting = [c for c in active if c.start.year == year]
    paying = [c for c in active if c.financial_participation_cents]
    return Conventions(
        active=len(active),
        new=sum(1 for c in starting if c.start == first_start[c.buyer]),
        renewed=sum(1 for c in starting if c.start > first_start[c.buyer]),
        ending_next_year=sum(1 for c in every if c.end.year == year + 1),
        with_financial_participation=len(paying),
        financial_participation_cents=sum(c.financial_participation_cents or 0 for c in paying),
    )


def _first_starts(conventions: Iterable[ConventionFact]) -> dict[int, date]:
    first: dict[int, date] = {}
    for convention in conventions:
        known = first.get(convention.buyer)
        first[convention.buyer] = (
            convention.start if known is None else min(known, convention.start)
        )
    return first


def _buyers(
    facts: Facts,
    year: int,
    meetings: Sequence[MeetingFact],
    outcomes: Mapping[str, Outcome],
    names: Mapping[int, Party],
    zone: ZoneInfo,
) -> tuple[BuyerLine, ...]:
    """Every buyer with a convention in force during the year, a meeting of the year or results
    for it, in name order."""
    conventions: dict[int, list[ConventionFact]] = defaultdict(list)
    for convention in sorted(facts.conventions, key=lambda c: c.start):
        conventions[convention.buyer].append(convention)
    results = {r.buyer: r for r in facts.results if r.year == year}
    attended: dict[int, set[str]] = defaultdict(set)
    people: dict[int, set[int]] = defaultdict(set)
    for meeting in meetings:
        if outcomes[meeting.uid] is not Outcome.HELD:
            continue
        for invitation in meeting.invitations:
            if invitation.attended and invitation.organisation is not None:
                attended[invitation.organisation].add(meeting.uid)
                people[invitation.organisation].add(invitation.contact)
    concerned = {m.buyer for m in meetings if m.buyer is not None}
    concerned |= {b for b, terms in conventions.items() if any(_overlaps(c, year) for c in terms)}
    concerned |= set(results) | set(attended)
    buyers = [names[b] for b in concerned if b in names and names[b].role is OrganisationRole.BUYER]
    lines = []
    for party in sorted(buyers, key=lambda p: (fold(p.name), p.id)):
        review = _review(party.id, meetings, outcomes)
        terms = [c for c in conventions.get(party.id, []) if _overlaps(c, year)]
        current = terms[-1] if terms else None
        earlier = conventions.get(party.id, [])
        renewed = next(
            (c.start for c in terms if c.start.year == year and c.start > earlier[0].start), None
        )
        lines.append(
            BuyerLine(
                id=party.id,
                name=party.name,
                review_day=review.start.astimezone(zone).date() if review else None,
                review_held=review is not None and outcomes[review.uid] is Outcome.HELD,
                meetings_attended=len(attended.get(party.id, ())),
                people_present=len(people.get(party.id, ())),
                convention=_state(current, year),
                convention_end=current.end if current else None,
                renewed_on=renewed,
                financial_participation_cents=current.financial_participation_cents
                if current
                else None,
                result=results.get(party.id),
            )
        )
    return tuple(lines)


def _review(
    buyer: int, meetings: Sequence[MeetingFact], outcomes: Mapping[str, Outcome]
) -> MeetingFact | None:
    """The buyer's programming review of the year: a held one, else one still standing."""
    reviews = [
        m
        for m in meetings
        if m.buyer == buyer
        and m.kind is RitualKind.PROGRAMMING_REVIEW
        and outcomes[m.uid] is not Outcome.CANCELLED
    ]
    held = [m for m in reviews if outcomes[m.uid] is Outcome.HELD]
    chosen = held or reviews
    return chosen[0] if chosen else None


def _state(convention: ConventionFact | None, year: int) -> ConventionState:
    if convention is None:
        return ConventionState.NONE
    if convention.end.year <= year:
        return ConventionState.ENDED
    if convention.end.year == year + 1:
        return ConventionState.ENDS_NEXT_YEAR
    return ConventionState.ACTIVE


def _result_totals(results: Sequence[ResultFact]) -> ResultTotals:
    return ResultTotals(
        buyers=len(results),
        contracts=sum(r.contracts for r in results),
        insertion_hours=sum(r.insertion_hours for r in results),
        participants=sum(r.participants for r in results),
        companies=sum(r.companies for r in results),
    )


def _line(meeting: MeetingFact, outcome: Outcome, names: Mapping[int, Party]) -> MeetingLine:
    states = Counter(invitation.partstat for invitation in meeting.invitations)
    held = outcome is Outcome.HELD
    buyer = names.get(meeting.buyer) if meeting.buyer is not None else None
    return MeetingLine(
        uid=meeting.uid,
        kind=meeting.kind,
        buyer_id=meeting.buyer,
        buyer=buyer.name if buyer else None,
        start=meeting.start,
        status=meeting.status,
        outcome=outcome,
        invited=len(meeting.invitations),
        accepted=states[PartStat.ACCEPTED],
        declined=states[PartStat.DECLINED],
        present=sum(1 for i in meeting.invitations if i.attended) + meeting.walk_ins
        if held
        else None,
    )
