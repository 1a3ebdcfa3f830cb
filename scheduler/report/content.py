"""What a year report shows: the figures of the year and of the one before, with the labels
the renderers need. A value built by the service layer; renderers read nothing else."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from scheduler.core.figures import YearFigures
from scheduler.core.kinds import RitualKind


class ReportFormat(StrEnum):
    """The forms a report is written in."""

    HTML = "html"
    PDF = "pdf"
    XLSX = "xlsx"


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

    @property
    def year(self) -> int:
        """The calendar year reported on."""
        return self.current.year

    def title(self, kind: RitualKind) -> str:
        """The French title of a ritual kind."""
        return self.titles.get(kind, kind.title("fr"))
