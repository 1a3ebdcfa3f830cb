"""Directory: buyers, suppliers, partners, contacts and conventions imported from spreadsheets, and
each buyer's yearly results."""

from scheduler.service.directory.directory import (
    BuyerSummary,
    ImportReport,
    import_contacts,
    import_organisations,
    list_buyers,
)
from scheduler.service.directory.results import import_results

__all__ = [
    "BuyerSummary",
    "ImportReport",
    "import_contacts",
    "import_organisations",
    "import_results",
    "list_buyers",
]
