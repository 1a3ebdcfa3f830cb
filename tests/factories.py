"""Small factories for tests: a configuration file and directory rows in a real database."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy.engine import Engine

from scheduler.config import Settings, load_settings
from scheduler.core.kinds import OrganisationRole
from scheduler.store.db import open_database, session_scope
from scheduler.store.models import Contact, Convention, Organisation

BASE_CONFIG = """
[organisation]
name = "Guichet de test"
uid_domain = "test.example"

[storage]
url = "{url}"

[[facilitators]]
id = "camille"
name = "Camille Roussel"
email = "camille@guichet.example"

[[facilitators]]
id = "nadia"
name = "Nadia Benali"
email = "nadia@guichet.example"

[feeds]
dir = "calendars"

[mail]
outbox_dir = "outbox"
sender = "rituel@guichet.example"
"""


def write_config(folder: Path, extra: str = "", *, url: str = "sqlite:///rituel.db") -> Path:
    """A config.toml in `folder` (its SQLite database beside it unless `url` says otherwise);
    `extra` is appended as is."""
    path = folder / "config.toml"
    path.write_text(BASE_CONFIG.replace("{url}", url) + extra, encoding="utf-8")
    return path


def settings_in(
    folder: Path, extra: str = "", *, url: str = "sqlite:///rituel.db"
) -> tuple[Settings, Engine]:
    """Settings and a migrated database."""
    settings = load_settings(write_config(folder, extra, url=url))
    return settings, open_database(settings.database_url)


def add_buyer(
    engine: Engine,
    slug: str,
    *,
    facilitator: str = "camille",
    programming_month: int = 10,
    convention: tuple[date, date] | None = (date(2026, 1, 1), date(2029, 12, 31)),
    contact_email: str | None = None,
) -> int:
    """A buyer with a convention (and a contact when an address is given); returns its id."""
    with session_scope(engine) as session:
        org = Organisation(
            slug=slug,
            name=slug.replace("-", " ").title(),
            role=OrganisationRole.BUYER,
            kind="commune",
            facilitator_id=facilitator,
            programming_month=programming_month,
        )
        session.add(org)
        session.flush()
        assert org.id is not None
        if convention:
            session.add(
                Convention(organisation_id=org.id, start_date=convention[0], end_date=convention[1])
            )
        if contact_email:
            session.add(
                Contact(organisation_id=org.id, name=f"Contact {slug}", email=contact_email)
            )
        return org.id
