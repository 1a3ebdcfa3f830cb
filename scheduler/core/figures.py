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

The values live in scheduler.core.year_values; they are importable from here too.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import TypeVar
from zoneinfo import ZoneInfo

from scheduler.core.kinds import OccurrenceStatus, OrganisationRole, PartStat, RitualKind
from scheduler.core.text import fold
from scheduler.core.year_values import (
    Answers,
    BuyerLine,
    ConventionFact,
    Conventions,
    ConventionState,
    Facts,
    InvitationFact,
    MeetingFact,
    MeetingLine,
    Outcome,
    Party,
    ResultFact,
    ResultTotals,
    Tally,
    YearFigures,
)

__all__ = [
    "Answers",
    "BuyerLine",
    "ConventionFact",
    "ConventionState",
    "Conventions",
    "Facts",
    "InvitationFact",
    "MeetingFact",
    "MeetingLine",
    "Outcome",
    "Party",
    "ResultFact",
    "ResultTotals",
    "Tally",
    "YearFigures",
    "outcome_of",
    "year_figures",
]


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
