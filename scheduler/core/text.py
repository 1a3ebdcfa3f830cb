"""Small text rules shared by configuration and imports: e-mail addresses, slugs, folding."""

from __future__ import annotations

import re
import unicodedata

_EMAIL = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+")


def is_email(text: str) -> bool:
    """True for a plain address such as 'camille.roussel@guichet.example' (no name, no CR/LF)."""
    return len(text) <= 254 and _EMAIL.fullmatch(text) is not None


def fold(text: str) -> str:
    """Lower case without accents and with single spaces: 'Établissement  Public' → 'etablissement
    public'."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.lower().split())


def slugify(text: str) -> str:
    """A URL-safe identifier: 'Ville de Lisière-sur-Mer' → 'ville-de-lisiere-sur-mer'."""
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")[:80]
