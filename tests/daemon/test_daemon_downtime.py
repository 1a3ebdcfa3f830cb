"""Three days of downtime, travelled through with `rituel run --once --now`: the reminders of a
meeting that passed meanwhile are recorded as skipped, never sent; the invitations that came due
meanwhile are sent, once."""

from __future__ import annotations

import json
import subprocess
from datetime import datetime, timedelta
from email import message_from_bytes, policy
from pathlib import Path

from sqlmodel import col, select

from scheduler.config import load_settings
from scheduler.core.kinds import RITUALS, RitualKind
from scheduler.store.db import open_database, session_scope
from scheduler.store.models import Occurrence
from tests.daemon.process import RITUEL, add_partners

OTHER_KINDS = "".join(
    f"\n[rituals.{kind.value}]\nenabled = false\n"
    for kind in RITUALS
    if kind not in (RitualKind.STEERING_COMMITTEE, RitualKind.BUYER_CLUB)
)


def write_config(folder: Path, club_invite_days: int) -> Path:
    """The steering committee in June (invitations 30 days before, reminders 7 and 1 day
    before) and the buyers' club in September, for partners; mails as .eml files."""
    path = folder / "config.toml"
    path.write_text(
        f"""
[organisation]
name = "Guichet de test"
uid_domain = "test.example"

[[facilitators]]
id = "camille"
name = "Camille Roussel"
email = "camille@guichet.example"

[mail]
outbox_dir = "outbox"
sender = "rituel@guichet.example"

[rituals.steering_committee]
months = [6]
audience = ["partner"]
invite_days_before = 30
reminders_days_before = [7, 1]

[rituals.buyer_club]
cadence = "yearly"
months = [9]
audience = ["partner"]
invite_days_before = {club_invite_days}
reminders_days_before = [7, 1]
{OTHER_KINDS}
""",
        encoding="utf-8",
    )
    return path


def rituel(config: Path, *args: str) -> str:
    done = subprocess.run(
        [*RITUEL, *args, "--config", str(config)],
        capture_output=True,
        text=True,
        cwd=config.parent,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def run_once(config: Path, now: datetime) -> None:
    rituel(config, "run", "--once", "--now", now.isoformat())


def outbox(config: Path) -> list[dict[str, object]]:
    """`rituel outbox list --json`, but the facilitator's weekly digests (their days vary)."""
    rows = json.loads(rituel(config, "outbox", "list", "--json", "--limit", "1000"))
    assert isinstance(rows, list)
    return [row for row in rows if row["kind"] != "digest"]


def eml_message_ids(folder: Path) -> list[str]:
    return [
        str(message_from_bytes(path.read_bytes(), policy=policy.default)["Message-ID"])
        for path in sorted(folder.glob("*.eml"))
    ]


def meetings(config: Path) -> dict[str, datetime]:
    """The start of each kind's first meeting."""
    engine = open_database(load_settings(config).database_url)
    with session_scope(engine) as session:
        found: dict[str, datetime] = {}
        for occurrence in session.exec(select(Occurrence).order_by(col(Occurrence.start))):
            found.setdefault(occurrence.kind, occurrence.start)
    engine.dispose()
    return found


def test_three_days_of_downtime_skip_past_reminders_and_send_due_invitations_once(
    tmp_path: Path,
) -> None:
    # Plan once in March to learn the dates, then set the club's invitation to go out on the
    # morning of the steering committee: in the middle of the downtime.
    config = write_config(tmp_path, club_invite_days=30)
    emails = add_partners(config, 3)
    run_once(config, datetime.fromisoformat("2027-03-01T10:00:00+01:00"))
    dates = meetings(config)
    committee = dates[RitualKind.STEERING_COMMITTEE.value]
    club = dates[RitualKind.BUYER_CLUB.value]
    write_config(tmp_path, club_invite_days=(club.date() - committee.date()).days)

    before = committee - timedelta(days=3)
    run_once(config, before)
    rows = outbox(config)
    sent_before = {str(r["message_id"]) for r in rows if r["state"] == "sent"}
    kinds_before = sorted(str(r["kind"]) for r in rows if r["state"] == "sent")
    assert kinds_before == ["invite"] * 3 + ["reminder"] * 3, rows  # invitation, 7-day reminder

    # Down for three days: the committee took place meanwhile; the club's invitation came due.
    after = before + timedelta(days=3, hours=2)
    run_once(config, after)
    rows = outbox(config)
    committee_id = rows_about(config, RitualKind.STEERING_COMMITTEE)
    club_id = rows_about(config, RitualKind.BUYER_CLUB)
    late_reminders = [
        r
        for r in rows
        if r["occurrence_id"] == committee_id and r["kind"] == "reminder"
        and str(r["message_id"]) not in sent_before
    ]  # fmt: skip
    assert len(late_reminders) == 3, rows
    assert {r["state"] for r in late_reminders} == {"skipped"}, late_reminders
    assert all("started" in str(r["last_error"]) for r in late_reminders), late_reminders
    club_invites = [r for r in rows if r["occurrence_id"] == club_id and r["kind"] == "invite"]
    assert sorted(str(r["recipient"]) for r in club_invites) == emails, rows
    assert {r["state"] for r in club_invites} == {"sent"}, club_invites

    # A third run, an hour later, sends nothing more.
    run_once(config, after + timedelta(hours=1))
    assert outbox(config) == rows
    sent = {str(r["message_id"]) for r in rows if r["state"] == "sent"}
    files = [m for m in eml_message_ids(tmp_path / "outbox") if m in sent]
    assert sorted(files) == sorted(sent), "each sent message is one .eml file, none twice"
    assert len(files) == 9, files  # 3 invitations, 3 reminders, 3 club invitations
    skipped = {str(r["message_id"]) for r in late_reminders}
    assert not skipped & set(files)


def rows_about(config: Path, kind: RitualKind) -> int:
    engine = open_database(load_settings(config).database_url)
    with session_scope(engine) as session:
        found = session.exec(
            select(Occurrence.id)
            .where(col(Occurrence.kind) == kind)
            .order_by(col(Occurrence.start))
        ).first()
    engine.dispose()
    assert found is not None
    return found
