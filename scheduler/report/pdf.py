"""The report's HTML printed on A4 by WeasyPrint (which needs Pango: Debian's libpango-1.0-0
and libpangoft2-1.0-0)."""

from __future__ import annotations


def render_pdf(html: str) -> bytes:
    """The PDF of the report's HTML page."""
    from weasyprint import HTML  # imported here: it loads Pango, which the other formats skip

    document: bytes = HTML(string=html).write_pdf()
    return document
