"""The year report for the annual restitution, rendered from values: French HTML with SVG
charts, an A4 PDF made from that HTML, and an XLSX workbook for the facilitator to rework.

    content   YearReport: the year's and the previous year's figures, with the labels to show
    french    French words and numbers for what the report writes
    charts    the charts (matplotlib, SVG)
    html      the HTML page; pdf: that page as an A4 PDF (WeasyPrint)
    xlsx      the workbook (openpyxl)
"""

from __future__ import annotations

from scheduler.report.content import ReportFormat, YearReport

__all__ = ["ReportFormat", "YearReport"]
