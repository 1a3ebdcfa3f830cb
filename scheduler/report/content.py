"""What a year report shows: the figures of the year and of the one before, with the labels
the renderers need. A value built by the service layer; renderers read nothing else.

Confidentiality first: a report names only the buyers in `named` (those that made their
commitment public, for a report handed out at the restitution); the others are summed on one
line, « Autres acheteurs partenaires ». `named=None` names every buyer (the guichet's own copy).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from scheduler.core.figures import BuyerLine, MeetingLine, ResultTotals, YearFigures
from scheduler.core.kinds import OrganisationRole, RitualKind

OTHER_BUYER = "Autre acheteur partenaire"


class ReportFormat(StrEnum):
    """The forms a report is written in."""

    HTML = "html"
    PDF = "pdf"
    XLSX = "xlsx"


@dataclass(frozen=True, slots=True)
class OtherBuyers:
    """The buyers a report does not name, summed."""

    count: int
    reviews: int
    """How many of them had a programming review in the year."""
    reviews_held: int
    meetings_attended: int
    """Held meetings attended, summed over the buyers."""
    people_present: int
    results: ResultTotals

    @property
    def label(self) -> str:
        """« Autres acheteurs partenaires (9) »."""
        return f"Autres acheteurs partenaires ({self.count})"


@dataclass(frozen=True)
class YearReport:
    """One year's restitution."""

    guichet: str
    current: YearFigures
    previous: YearFigures
    titles: Mapping[RitualKind, str]
    """Each ritual kind's French title, as configured."""
    timezone: str
    made_at: datetime
    named: frozenset[int] | None = None
    """The buyers the report may name; None: every buyer."""

    @property
    def year(self) -> int:
        """The calendar year reported on."""
        return self.current.year

    def title(self, kind: RitualKind) -> str:
        """The French title of a ritual kind."""
        return self.titles.get(kind, kind.title("fr"))

    def names(self, buyer: int | None) -> bool:
        """Whether the report may name this buyer."""
        return self.named is None or buyer in self.named

    @property
    def buyers(self) -> tuple[BuyerLine, ...]:
        """The year's buyers the report names."""
        return tuple(line for line in self.current.buyers if self.names(line.id))

    @property
    def others(self) -> OtherBuyers | None:
        """The year's other buyers, summed; None when every buyer is named."""
        hidden = [line for line in self.current.buyers if not self.names(line.id)]
        if not hidden:
            return None
        results = [line.result for line in hidden if line.result is not None]
        return OtherBuyers(
            count=len(hidden),
            reviews=sum(1 for line in hidden if line.review_day is not None),
            reviews_held=sum(1 for line in hidden if line.review_held),
            meetings_attended=sum(line.meetings_attended for line in hidden),
            people_present=sum(line.people_present for line in hidden),
            results=ResultTotals(
                buyers=len(results),
                contracts=sum(r.contracts for r in results),
                insertion_hours=sum(r.insertion_hours for r in results),
                participants=sum(r.participants for r in results),
                companies=sum(r.companies for r in results),
            ),
        )

    def taking_part(self, role: OrganisationRole) -> tuple[tuple[str, ...], int]:
        """The names of the organisations of `role` that took part and may be named, and how
        many others of that role took part."""
        every = self.current.taking_part[role]
        if role is not OrganisationRole.BUYER or self.named is None:
            return every, 0
        shown = {line.name for line in self.buyers}
        named = tuple(name for name in every if name in shown)
        return named, len(every) - len(named)

    def buyer_of(self, line: MeetingLine) -> str:
        """The buyer a meeting concerns, as the report may write it ('' for the territory)."""
        if line.buyer_id is None:
            return ""
        return (line.buyer or "") if self.names(line.buyer_id) else OTHER_BUYER
