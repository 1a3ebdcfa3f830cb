"""Changing the rituals and the team: a preview of the plan first, applied only as previewed
and confirmed; refusals with their reason; the journal; every plan reads the stored values."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update
from sqlmodel import Session, col

from scheduler.config.overlay import facilitator_table, ritual_table
from scheduler.core.kinds import OccurrenceStatus, RitualKind
from scheduler.service.plan.effective import effective_settings
from scheduler.service.plan.planning import plan_and_store
from scheduler.service.plan.settings_change import (
    ChangeRefused,
    SettingsChange,
    apply_change,
    preview_change,
)
from scheduler.store import settings as stored_settings
from scheduler.store.db import read_session
from scheduler.store.models import JournalEntry, Occurrence
from tests.factories import add_buyer
from tests.service.conftest import Store

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
PARIS = ZoneInfo("Europe/Paris")


def months_of(engine: object, kind: RitualKind) -> list[int]:
    with Session(engine) as session:  # type: ignore[arg-type]
        return sorted(
            o.start.astimezone(PARIS).month
            for o in session.execute(
                select(Occurrence).where(col(Occurrence.kind) == kind.value)
            ).scalars()
            if o.status != OccurrenceStatus.CANCELLED and o.start >= NOW
        )


def club_in(settings: object, months: list[int]) -> SettingsChange:
    table = ritual_table(settings.rituals[RitualKind.BUYER_CLUB])  # type: ignore[attr-defined]
    return SettingsChange(rituals={RitualKind.BUYER_CLUB: {**table, "months": months}})


def test_moving_the_buyers_club_to_april_previews_the_moves_then_applies_them(
    store: Store,
) -> None:
    settings, engine = store("")
    plan_and_store(settings, engine, NOW)
    assert set(months_of(engine, RitualKind.BUYER_CLUB)) == {3, 10}

    preview = preview_change(settings, engine, NOW, club_in(settings, [4, 10]))

    moved = preview.of("move")
    assert [m.start.astimezone(PARIS).month for m in moved] == [4, 4]
    assert [m.before_start.astimezone(PARIS).month for m in moved if m.before_start] == [3, 3]
    assert preview.of("cancel") == []
    assert preview.of("create") == []
    assert preview.risks == ()
    assert set(months_of(engine, RitualKind.BUYER_CLUB)) == {3, 10}  # a preview writes nothing

    applied = apply_change(
        settings, engine, NOW, club_in(settings, [4, 10]), digest=preview.digest, actor="camille@x"
    )
    assert applied.done
    assert set(months_of(engine, RitualKind.BUYER_CLUB)) == {4, 10}
    with read_session(engine) as session:
        assert stored_settings.values(session) == {"rituals.buyer_club": {"months": [4, 10]}}
        entry = session.execute(select(JournalEntry)).scalars().one()
    assert (entry.actor, entry.action) == ("camille@x", "ritual_settings")
    assert entry.after == '{"buyer_club.months": "[4, 10]"}'
    assert entry.before == '{"buyer_club.months": "[3, 10]"}'
    # another instance, started from the same config.toml, plans with the stored values
    assert plan_and_store(settings, engine, NOW).writes == 0


def test_a_stale_preview_is_not_applied(store: Store) -> None:
    settings, engine = store("")
    plan_and_store(settings, engine, NOW)
    preview = preview_change(settings, engine, NOW, club_in(settings, [4, 10]))
    other = preview_change(settings, engine, NOW, club_in(settings, [5, 10]))
    assert apply_change(
        settings, engine, NOW, club_in(settings, [5, 10]), digest=other.digest, actor="a@x"
    ).done
    again = apply_change(
        settings, engine, NOW, club_in(settings, [4, 10]), digest=preview.digest, actor="a@x"
    )
    assert again.stale
    assert not again.done
    assert set(months_of(engine, RitualKind.BUYER_CLUB)) == {5, 10}


def test_disabling_a_ritual_with_announced_meetings_needs_a_confirmation(store: Store) -> None:
    settings, engine = store("")
    plan_and_store(settings, engine, NOW)
    with Session(engine) as session:
        first = (
            session.execute(
                select(Occurrence.key)
                .where(col(Occurrence.kind) == "after_work")
                .order_by(col(Occurrence.start))
            )
            .scalars()
            .first()
        )
        session.execute(
            update(Occurrence)
            .where(col(Occurrence.key) == first)
            .values(status=OccurrenceStatus.ANNOUNCED)
        )
        session.commit()
    table = ritual_table(settings.rituals[RitualKind.AFTER_WORK])
    change = SettingsChange(rituals={RitualKind.AFTER_WORK: {**table, "enabled": False}})

    preview = preview_change(settings, engine, NOW, change)
    codes = {risk.code for risk in preview.risks}
    assert codes >= {"disabled_announced", "many_cancelled"}
    announced = [m for m in preview.of("cancel") if m.announced]
    assert [m.key for m in announced] == [first]

    refused = apply_change(settings, engine, NOW, change, digest=preview.digest, actor="a@x")
    assert not refused.done
    assert refused.unconfirmed
    assert months_of(engine, RitualKind.AFTER_WORK)  # nothing cancelled

    applied = apply_change(
        settings, engine, NOW, change, digest=preview.digest, actor="a@x", confirmed=True
    )
    assert applied.done
    assert months_of(engine, RitualKind.AFTER_WORK) == []


def test_values_the_models_refuse_are_refused_with_their_key(store: Store) -> None:
    settings, engine = store("")
    table = ritual_table(settings.rituals[RitualKind.BUYER_CLUB])
    bad = SettingsChange(rituals={RitualKind.BUYER_CLUB: {**table, "times": ["19:30"]}})
    with pytest.raises(ChangeRefused) as refused:
        preview_change(settings, engine, NOW, bad)
    [problem] = refused.value.problems
    assert (problem.table, problem.key, problem.code) == (
        "rituals.buyer_club",
        "times",
        "outside_hours",
    )
    months = SettingsChange(rituals={RitualKind.BUYER_CLUB: {**table, "months": [13]}})
    with pytest.raises(ChangeRefused) as refused:
        preview_change(settings, engine, NOW, months)
    assert refused.value.problems[0].key == "months"


def test_a_new_facilitator_s_capacity_is_respected_and_a_busy_one_cannot_leave(
    store: Store,
) -> None:
    settings, engine = store("")
    for slug in ("ville-a", "ville-b", "ville-c", "ville-d"):
        add_buyer(
            engine, slug, facilitator="lea", convention=(date(2026, 11, 1), date(2028, 12, 31))
        )
    team = [facilitator_table(f) for f in settings.facilitators]
    lea = {
        "id": "lea",
        "name": "Léa Martin",
        "email": "lea@guichet.example",
        "max_per_day": 1,
        "max_per_week": 6,
        "locale": "fr",
    }
    change = SettingsChange(facilitators=[*team, lea])
    preview = preview_change(settings, engine, NOW, change)
    assert apply_change(settings, engine, NOW, change, digest=preview.digest, actor="a@x").done
    with Session(engine) as session:
        days = [
            o.start.astimezone(PARIS).date()
            for o in session.execute(
                select(Occurrence).where(col(Occurrence.facilitator_id) == "lea")
            ).scalars()
        ]
    assert len(days) >= 4
    assert len(days) == len(set(days))  # one meeting a day at most
    with read_session(engine) as session:
        assert [f.id for f in effective_settings(settings, session).facilitators] == [
            "camille",
            "nadia",
            "lea",
        ]

    with pytest.raises(ChangeRefused) as refused:
        preview_change(settings, engine, NOW, SettingsChange(facilitators=team))
    [problem] = refused.value.problems
    assert (problem.key, problem.code) == ("lea", "still_in_charge")
