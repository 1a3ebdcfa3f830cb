"""Attendance on SQLite and PostgreSQL: from the command's addresses and from the signed link."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from scheduler.core.kinds import OccurrenceStatus, PartStat, RitualKind
from scheduler.errors import InputError
from scheduler.service.access.signing import SECRET_ENV
from scheduler.service.answer.attendance import (
    SheetState,
    attendance_of,
    attendance_sheet,
    attendance_url,
    record_attendance,
    record_sheet,
)
from scheduler.store.models import Occurrence
from tests.feed_factories import RITUALS, World, at
from tests.service.conftest import Store

AFTER = at("2027-03-11 12:00")


@pytest.fixture(autouse=True)
def _no_secret_in_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(SECRET_ENV, raising=False)


@pytest.fixture
def both(store: Store, tmp_path: Path) -> World:
    settings, engine = store(RITUALS)
    return World(settings, engine, tmp_path)


def club(world: World) -> tuple[Occurrence, dict[str, int]]:
    buyer = world.buyer("ville-a", "Ville A")
    row = world.occurrence(RitualKind.BUYER_CLUB, at("2027-03-11 09:30"))
    contacts = {}
    for email in ("zoe@ville-a.example", "ali@ville-a.example"):
        contacts[email] = world.contact(buyer, email, email.split("@")[0].title())
        world.invite(row, contacts[email], PartStat.ACCEPTED)
    return row, contacts


def test_recording_by_address_marks_present_absent_and_held(both: World) -> None:
    row, _ = club(both)
    report = record_attendance(both.settings, both.engine, row.uid, [" ZOE@ville-a.example"], AFTER)
    assert [i.email for i in report.present] == ["zoe@ville-a.example"]
    assert [i.email for i in report.absent] == ["ali@ville-a.example"]
    assert report.status is OccurrenceStatus.HELD
    again = attendance_of(both.engine, row.uid)
    assert again == report
    stored = both.stored(row.uid)
    assert (stored.status, stored.sequence, stored.changed_at) == (
        OccurrenceStatus.HELD,
        row.sequence,
        row.changed_at,
    )


def test_recording_from_the_link_takes_contact_ids_and_refuses_strangers(both: World) -> None:
    row, contacts = club(both)
    assert row.id is not None
    token = attendance_url(both.settings, row.id, row.end).rsplit("/", 1)[1]
    assert attendance_sheet(both.settings, both.engine, token, AFTER).state is SheetState.OPEN
    with pytest.raises(InputError):
        record_sheet(both.settings, both.engine, token, [max(contacts.values()) + 1], AFTER)
    assert attendance_of(both.engine, row.uid).present == ()
    sheet = record_sheet(
        both.settings, both.engine, token, [contacts["ali@ville-a.example"]], AFTER
    )
    assert sheet.recorded
    assert sheet.report is not None
    assert [i.email for i in sheet.report.present] == ["ali@ville-a.example"]
    late = row.end + timedelta(days=30)
    assert attendance_sheet(both.settings, both.engine, token, late).state is SheetState.CLOSED
    before = row.start - timedelta(minutes=1)
    assert attendance_sheet(both.settings, both.engine, token, before).state is (
        SheetState.NOT_STARTED
    )
    assert record_sheet(both.settings, both.engine, token, [], before).recorded is False
    assert attendance_sheet(both.settings, both.engine, "forged", AFTER).state is (
        SheetState.UNKNOWN
    )
