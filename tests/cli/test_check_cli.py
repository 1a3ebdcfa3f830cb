"""`rituel check` as the operator runs it: exit 1 when it shows an error, and it catches what
would stop `plan` or `run` later; configuration errors are one line and exit 2 everywhere."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import col, select

from scheduler.cli import main
from scheduler.config import load_settings
from scheduler.core.messages import MessageState
from scheduler.store.db import open_database, read_session
from scheduler.store.models import Message, Occurrence
from tests.factories import BASE_CONFIG, add_buyer, write_config

NOW = "2026-11-25T09:00"
GOOD_SECRET = "a-secret-long-enough-for-the-signing-key-0123456789"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def words(text: str) -> str:
    """The table's text with its rules dropped and every run of white space as one space, so
    that a cell wrapped over several lines reads as one."""
    return " ".join(re.sub(r"[│┃]", " ", text).split())


def test_check_exits_1_when_it_shows_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path)
    engine = open_database(load_settings(config).database_url)
    add_buyer(engine, "ville-a", facilitator="zoe")
    engine.dispose()
    status, out, _ = run(capsys, "check", "--config", str(config), "--now", NOW)
    assert "unknown facilitator for ville-a" in words(out)
    assert status == 1


def test_check_exits_0_when_all_is_well(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = write_config(tmp_path)
    engine = open_database(load_settings(config).database_url)
    add_buyer(engine, "ville-a")
    engine.dispose()
    status, out, _ = run(capsys, "check", "--config", str(config), "--now", NOW)
    assert status == 0, out
    assert "error" not in out


BASE = BASE_CONFIG.replace("{url}", "sqlite:///rituel.db")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            BASE.replace("[organisation]\n", '[organisation]\nholidays = { country = "ZZ" }\n'),
            "[organisation.holidays] country: 'ZZ' is not a country code with public holidays "
            "(such as 'FR')",
        ),
        (
            BASE + '\n[organisation.holidays]\ncountry = "FR"\nsubdivision = "99"\n',
            "[organisation.holidays] subdivision: '99' is not a subdivision of FR "
            "(such as '57', '6AE', '971', '972')",
        ),
        (
            BASE.replace("sqlite:///rituel.db", "mysql://rituel:hunter2@db.example/rituel"),
            "[storage] url: 'mysql' databases are not supported: write sqlite:///PATH or "
            "postgresql+psycopg://USER@HOST/DB",
        ),
        (
            BASE.replace("sqlite:///rituel.db", "rituel.db"),
            "[storage] url: not a database URL (write sqlite:///PATH)",
        ),
    ],
)
@pytest.mark.parametrize("command", ["check", "plan", "agenda"])
def test_what_plan_would_crash_on_is_a_configuration_error_for_every_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, expected: str, command: str
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(text, encoding="utf-8")
    status, _, err = run(capsys, command, "--config", str(config), "--now", NOW)
    assert status == 2
    assert err.splitlines() == [f"rituel: {config}: {expected}"]
    assert "hunter2" not in err
    assert sorted(path.name for path in tmp_path.iterdir()) == ["config.toml"]


@pytest.fixture
def invitations_due(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, str]:
    """A planned programming review whose invitation is due at the instant returned."""
    config = write_config(tmp_path)
    engine = open_database(load_settings(config).database_url)
    add_buyer(engine, "ville-a", programming_month=3, contact_email="achats@ville-a.example")
    assert main(["plan", "--config", str(config), "--now", NOW]) == 0
    with read_session(engine) as session:
        review = session.exec(
            select(Occurrence)
            .where(col(Occurrence.kind) == "programming_review")
            .order_by(col(Occurrence.start))
        ).first()
    engine.dispose()
    assert review is not None
    capsys.readouterr()
    return config, (review.start - timedelta(days=44)).isoformat()


def outbox_states(config: Path) -> list[MessageState]:
    engine = open_database(load_settings(config).database_url)
    with read_session(engine) as session:
        states = [MessageState(m.state) for m in session.exec(select(Message))]
    engine.dispose()
    return states


@pytest.mark.parametrize(
    "command", [["run", "--once", "--no-web"], ["outbox", "send"]], ids=["run", "send"]
)
def test_a_short_secret_stops_sending_before_any_message_is_claimed(
    invitations_due: tuple[Path, str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    command: list[str],
) -> None:
    config, when = invitations_due
    monkeypatch.setenv("RITUEL_SECRET", "too-short")
    status, _, err = run(capsys, *command, "--config", str(config), "--now", when)
    assert status == 2
    (line,) = err.strip().splitlines()
    assert line.startswith("rituel: RITUEL_SECRET must hold at least 32 characters")
    assert MessageState.SENDING not in outbox_states(config)
    assert not list((config.parent / "outbox").glob("*.eml"))

    monkeypatch.setenv("RITUEL_SECRET", GOOD_SECRET)
    status, _, err = run(capsys, *command, "--config", str(config), "--now", when)
    assert status == 0, err
    assert MessageState.SENT in outbox_states(config)
    assert MessageState.SENDING not in outbox_states(config)


def test_check_reports_a_short_secret(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    config = write_config(tmp_path)
    monkeypatch.setenv("RITUEL_SECRET", "too-short")
    status, out, _ = run(capsys, "check", "--config", str(config), "--now", NOW)
    assert status == 1
    assert "RITUEL_SECRET must hold at least 32 characters" in words(out)
    monkeypatch.setenv("RITUEL_SECRET", GOOD_SECRET)
    status, out, _ = run(capsys, "check", "--config", str(config), "--now", NOW)
    assert "signing secret ok usable" in words(out)


@pytest.mark.parametrize(
    ("host", "warned"),
    [
        ("smtp.guichet.example", True),
        ("192.0.2.10", True),
        ("127.0.0.1", False),
        ("localhost", False),
    ],
)
def test_check_warns_of_a_password_sent_in_clear(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], host: str, warned: bool
) -> None:
    config = write_config(
        tmp_path,
        f'transport = "smtp"\n\n[mail.smtp]\nhost = "{host}"\nport = 25\nsecurity = "none"\n'
        'username = "rituel"\n',
    )
    status, out, _ = run(capsys, "check", "--config", str(config), "--now", NOW)
    text = words(out)
    assert ("the password of rituel goes in clear" in text) is warned
    assert status == 0  # a warning, not an error
