"""The demo territory as the workspace tests see it: demo/*.csv imported, planned and run once
(invitations mailed as .eml files) at a fixed instant, then a few answers and a failed mail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.engine import Engine
from sqlmodel import col

from scheduler.cli import main
from scheduler.clock import parse_instant
from scheduler.config import Settings, load_settings
from scheduler.core.kinds import PartStat
from scheduler.core.messages import MessageState
from scheduler.store.db import open_database, session_scope
from scheduler.store.models import Contact, Invitation, Message, Occurrence

REPO = Path(__file__).resolve().parents[2]
NOW_TEXT = "2027-03-08T09:00"
NOW = parse_instant(NOW_TEXT)
CAMILLE = "camille.roussel@guichet-lisiere.example"
NADIA = "nadia.benali@guichet-lisiere.example"
ADMIN = "direction@guichet-lisiere.example"
BOUNCED = "Remote server said: 550 5.1.1 mailbox unavailable"


@dataclass
class DemoWorld:
    """The demo's settings and database, and its folder (outbox/ holds the mails)."""

    folder: Path
    settings: Settings
    engine: Engine

    @property
    def outbox(self) -> Path:
        """Where the file transport writes mails."""
        return self.folder / "outbox"


def demo_world(folder: Path, *, english: bool = False) -> DemoWorld:
    """The demo at `NOW`: imported, planned, invited; one answer of each kind, one bounce."""
    text = (REPO / "config.toml").read_text(encoding="utf-8")
    if english:
        text = text.replace(
            'email = "nadia.benali@guichet-lisiere.example"\n',
            'email = "nadia.benali@guichet-lisiere.example"\nlocale = "en"\n',
        )
    text += '\n[[admins]]\nname = "Claire Fontaine"\nemail = "direction@guichet-lisiere.example"\n'
    (folder / "config.toml").write_text(text, encoding="utf-8")
    config = str(folder / "config.toml")
    for kind in ("partners", "suppliers", "buyers", "contacts"):
        assert main(["import", kind, str(REPO / "demo" / f"{kind}.csv"), "--config", config]) == 0
    assert main(["run", "--once", "--no-web", "--config", config, "--now", NOW_TEXT]) == 0
    settings = load_settings(folder / "config.toml")
    engine = open_database(settings.database_url)
    _answers_and_a_bounce(engine)
    return DemoWorld(folder, settings, engine)


def _answers_and_a_bounce(engine: Engine) -> None:
    with session_scope(engine) as session:
        invitations = list(
            session.execute(
                select(Invitation)
                .join(Occurrence, col(Occurrence.id) == col(Invitation.occurrence_id))
                .where(col(Occurrence.start) > NOW)
                .order_by(col(Occurrence.start), col(Invitation.id))
            ).scalars()
        )
        answers = (PartStat.ACCEPTED, PartStat.DECLINED, PartStat.TENTATIVE)
        for invitation, answer in zip(invitations, answers, strict=False):
            invitation.partstat = answer
            invitation.responded_at = NOW - timedelta(hours=2)
            session.add(invitation)
        contact = session.execute(
            select(Contact).where(col(Contact.email) == "helene.marchetti@ville-lisiere.example")
        ).scalar_one()
        contact.unsubscribed_kinds = "reminder"
        session.add(contact)
        first = (
            session.execute(
                select(Message)
                .where(col(Message.state) == MessageState.SENT)
                .order_by(col(Message.id))
            )
            .scalars()
            .first()
        )
        assert first is not None, "the demo run sent no mail"
        session.execute(
            update(Message)
            .where(col(Message.id) == first.id)
            .values(state=MessageState.FAILED, last_error=BOUNCED, sent_at=None)
        )


def at(text: str) -> datetime:
    """An instant written as the guichet's local time."""
    return parse_instant(text)
