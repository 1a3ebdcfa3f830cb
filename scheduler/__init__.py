"""rituel: keeps the rhythm of a guichet clause sociale's partnership with its public buyers."""

from __future__ import annotations

__version__ = "0.1.0"
