"""`rituel outbox …` and `rituel mail …` as the operator runs them (file transport)."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from sqlmodel import select

from scheduler.cli import main
from scheduler.config import load_settings
from scheduler.core.messages import MessageState
from scheduler.store.db import open_database, session_scope
from scheduler.store.models import Message, Occurrence
from tests.factories import add_buyer, write_config

PLANNED_AT = "2026-11-25T09:00"
IMPOSED = '[rituals.programming_review]\nbooking = "impose"\n'


@pytest.fixture
def config(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = write_config(tmp_path, IMPOSED)  # the outbox of an invitation, not a proposal
    engine = open_database(load_settings(path).database_url)
    add_buyer(engine, "ville-a", programming_month=3, contact_email="achats@ville-a.example")
    engine.dispose()
    assert main(["plan", "--config", str(path), "--now", PLANNED_AT]) == 0
    capsys.readouterr()
    return path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def first_review(config: Path) -> Occurrence:
    engine = open_database(load_settings(config).database_url)
    with session_scope(engine) as session:
        occurrence = session.exec(
            select(Occurrence)
            .where(Occurrence.kind == "programming_review")
            .order_by(Occurrence.start)  # type: ignore[arg-type]
        ).first()
    engine.dispose()
    assert occurrence is not None
    return occurrence


def test_outbox_send_writes_eml_files_and_list_shows_them(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    when = (first_review(config).start - timedelta(days=44)).isoformat()
    status, out, err = run(capsys, "outbox", "send", "--config", str(config), "--now", when)
    assert status == 0, err
    assert "sent 1" in out or "sent 2" in out
    files = sorted((config.parent / "outbox").glob("*.eml"))
    assert files
    status, out, _ = run(capsys, "outbox", "list", "--json", "--config", str(config))
    rows = json.loads(out)
    assert {row["state"] for row in rows} >= {"sent"}
    invite = next(row for row in rows if row["kind"] == "invite")
    written = [f for f in files if invite["message_id"].strip("<>") in f.name]
    assert len(written) == 1


def test_outbox_list_by_state(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "outbox", "list", "--state", "failed", "--config", str(config))
    assert status == 0
    assert "id" in out


def test_outbox_retry_needs_ids_or_failed(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, "outbox", "retry", "--config", str(config))
    assert status == 2
    assert "--failed" in err


def test_outbox_retry_failed_queues_them_again(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    when = (first_review(config).start - timedelta(days=44)).isoformat()
    assert run(capsys, "outbox", "send", "--config", str(config), "--now", when)[0] == 0
    engine = open_database(load_settings(config).database_url)
    with session_scope(engine) as session:
        for row in session.exec(select(Message)):
            row.state = MessageState.FAILED
            session.add(row)
    engine.dispose()
    status, out, _ = run(capsys, "outbox", "retry", "--failed", "--config", str(config))
    assert status == 0
    assert "queued again" in out
    status, out, _ = run(
        capsys, "outbox", "list", "--state", "pending", "--json", "-c", str(config)
    )
    assert json.loads(out)


def test_mail_preview_prints_the_invitation(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    review = first_review(config)
    status, out, err = run(
        capsys, "mail", "preview", "invite", "--occurrence", review.uid, "--config", str(config),
        "--now", PLANNED_AT,
    )  # fmt: skip
    assert status == 0, err
    assert re.search(r"Subject: Invitation : rencontre du \d+ \w+ \d{4} — Rendez-vous annuel", out)
    assert "text/calendar" in out
    status, out, _ = run(
        capsys, "mail", "preview", "invite", "--occurrence", review.uid, "--locale", "en",
        "--config", str(config), "--now", PLANNED_AT,
    )  # fmt: skip
    assert re.search(r"Subject: Invitation: meeting on \d+ \w+ \d{4} — Annual procurement", out)


def test_mail_preview_writes_an_eml(
    config: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    output = tmp_path / "digest.eml"
    status, _, err = run(
        capsys, "mail", "preview", "digest", "-o", str(output), "--config", str(config),
        "--now", PLANNED_AT,
    )  # fmt: skip
    assert status == 0, err
    message = message_from_bytes(output.read_bytes(), policy=policy.default)
    assert message["To"].addresses[0].addr_spec == "camille@guichet.example"


def test_mail_preview_of_an_unknown_meeting_is_one_line(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _, err = run(
        capsys, "mail", "preview", "reminder", "--occurrence", "nope", "--config", str(config)
    )
    assert status == 3
    assert err.startswith("rituel: no meeting with UID")


def test_mail_test_goes_through_the_configured_transport(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(capsys, "mail", "test", "moi@example.org", "--config", str(config))
    assert status == 0, err
    [written] = (config.parent / "outbox").glob("*.eml")
    message = message_from_bytes(written.read_bytes(), policy=policy.default)
    assert message["To"].addresses[0].addr_spec == "moi@example.org"
    assert "sent <" in out


def test_mail_test_refuses_a_bad_address(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, "mail", "test", "not-an-address", "--config", str(config))
    assert status == 2
    assert "not an e-mail address" in err
