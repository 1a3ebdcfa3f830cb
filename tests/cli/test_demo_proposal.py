"""The demo shows a proposal: run once at an instant a programming review's proposal is due, and
the outbox holds the mail « Choisissez la date de notre rendez-vous annuel » with its link."""

from __future__ import annotations

import email
import re
import shutil
from email.header import decode_header, make_header
from pathlib import Path

import pytest

from scheduler.cli import main
from scheduler.service.access.signing import SECRET_ENV

REPO = Path(__file__).resolve().parents[2]
NOW = "2026-12-14T09:30:00+01:00"


@pytest.fixture(autouse=True)
def _no_secret_in_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(SECRET_ENV, raising=False)


def test_the_demo_writes_a_proposal_mail_when_one_is_due(tmp_path: Path) -> None:
    shutil.copy(REPO / "config.toml", tmp_path / "config.toml")
    config = str(tmp_path / "config.toml")
    for kind in ("partners", "suppliers", "buyers", "contacts"):
        assert main(["import", kind, str(REPO / "demo" / f"{kind}.csv"), "--config", config]) == 0
    assert main(["run", "--once", "--config", config, "--now", NOW]) == 0
    subjects = {}
    for path in (tmp_path / "outbox").glob("*.eml"):
        message = email.message_from_bytes(path.read_bytes())
        subjects[str(make_header(decode_header(message["Subject"])))] = message
    proposal = next(m for s, m in subjects.items() if s.startswith("Choisissez la date"))
    assert "Centre hospitalier de Lisière" in str(make_header(decode_header(proposal["Subject"])))
    [text] = [p for p in proposal.walk() if p.get_content_type() == "text/plain"]
    payload = text.get_payload(decode=True)
    assert isinstance(payload, bytes)
    body = payload.decode("utf-8")
    link = re.compile(r"http://127\.0\.0\.1:8080/rdv/[A-Za-z0-9_-]{64}")
    assert any(link.fullmatch(line) for line in body.splitlines())  # on its own line
