"""`plan_and_store`: the plan reaches the store once, re-plans write nothing, announced meetings
never move, and what disappears is cancelled with a higher SEQUENCE."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select, update
from sqlmodel import Session, col

from scheduler.core.kinds import RITUALS, OccurrenceStatus, RitualKind
from scheduler.service.plan.planning import plan_and_store
from scheduler.store.models import Occurrence
from tests.factories import add_buyer
from tests.service.conftest import Store

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def rows(engine: object) -> dict[str, tuple[object, ...]]:
    with Session(engine) as session:  # type: ignore[arg-type]
        return {
            o.key: (o.uid, o.start, o.end, o.status, o.sequence, o.changed_at, o.facilitator_id)
            for o in session.execute(select(Occurrence)).scalars()
        }


def test_first_plan_creates_every_kind_and_a_replan_writes_nothing(store: Store) -> None:
    settings, engine = store("")
    for slug in ("ville-a", "metropole-b", "hopital-c"):
        add_buyer(engine, slug, convention=(date(2026, 11, 1), date(2027, 12, 31)))
    first = plan_and_store(settings, engine, NOW)
    assert first.writes == first.planned > 0
    assert set(first.counts) == set(RITUALS)
    before = rows(engine)

    second = plan_and_store(settings, engine, NOW)
    assert second.writes == 0
    assert second.planned == first.planned
    assert rows(engine) == before


def test_dry_run_writes_nothing(store: Store) -> None:
    settings, engine = store("")
    add_buyer(engine, "ville-a")
    report = plan_and_store(settings, engine, NOW, dry_run=True)
    assert report.writes > 0
    assert rows(engine) == {}


def test_announced_meeting_stays_put_when_the_config_moves_the_series(store: Store) -> None:
    settings, engine = store("")
    plan_and_store(settings, engine, NOW)
    after_works = sorted((k, v) for k, v in rows(engine).items() if k.startswith("after_work:"))
    announced_key, announced = after_works[0]
    with Session(engine) as session:
        session.execute(
            update(Occurrence)
            .where(col(Occurrence.key) == announced_key)
            .values(status=OccurrenceStatus.ANNOUNCED)
        )
        session.commit()

    moved_settings, _ = store('\n[rituals.after_work]\ntime = "17:30"\n')
    report = plan_and_store(moved_settings, engine, NOW)

    after = rows(engine)
    assert after[announced_key][1] == announced[1]  # the announced one did not move
    assert after[announced_key][4] == 0
    others = [after[k] for k, _ in after_works[1:]]
    assert report.counts[RitualKind.AFTER_WORK].adjusted == len(others)
    zone = settings.organisation.timezone
    from zoneinfo import ZoneInfo

    for _uid, start, *_ in others:
        assert start.astimezone(ZoneInfo(zone)).time() == time(17, 30)  # type: ignore[attr-defined]
    assert all(o[4] == 1 for o in others)  # silently adjusted, SEQUENCE + 1


def test_disabling_a_ritual_cancels_its_future_meetings_and_reenabling_restores_them(
    store: Store,
) -> None:
    settings, engine = store("")
    plan_and_store(settings, engine, NOW)
    disabled, _ = store("\n[rituals.buyer_club]\nenabled = false\n")
    report = plan_and_store(disabled, engine, NOW)
    clubs = {k: v for k, v in rows(engine).items() if k.startswith("buyer_club:")}
    assert clubs
    assert report.counts[RitualKind.BUYER_CLUB].cancelled == len(clubs)
    assert all(v[3] == OccurrenceStatus.CANCELLED and v[4] == 1 for v in clubs.values())

    plan_and_store(settings, engine, NOW)
    restored = {k: v for k, v in rows(engine).items() if k.startswith("buyer_club:")}
    assert all(v[3] == OccurrenceStatus.PLANNED and v[4] == 2 for v in restored.values())
    assert {k: v[0] for k, v in restored.items()} == {k: v[0] for k, v in clubs.items()}


def test_a_meeting_cancelled_by_hand_is_not_brought_back(store: Store) -> None:
    settings, engine = store("")
    plan_and_store(settings, engine, NOW)
    key = next(k for k in rows(engine) if k.startswith("steering_committee:"))
    with Session(engine) as session:
        session.execute(
            update(Occurrence)
            .where(col(Occurrence.key) == key)
            .values(status=OccurrenceStatus.CANCELLED, cancel_reason="salle indisponible")
        )
        session.commit()
    report = plan_and_store(settings, engine, NOW)
    assert report.writes == 0
    assert rows(engine)[key][3] == OccurrenceStatus.CANCELLED


def test_time_passing_leaves_past_meetings_alone_and_extends_the_horizon(store: Store) -> None:
    settings, engine = store("")
    add_buyer(engine, "ville-a")
    plan_and_store(settings, engine, NOW)
    before = rows(engine)
    later = NOW.replace(year=2027, month=3)
    report = plan_and_store(settings, engine, later)
    after = rows(engine)
    assert report.counts  # new meetings at the far end of the horizon
    for key, row in before.items():
        assert after[key] == row  # nothing already planned moved or vanished


def test_a_review_held_early_is_not_planned_again_while_its_window_is_open(store: Store) -> None:
    settings, engine = store("")
    add_buyer(
        engine, "ville-a", programming_month=1, convention=(date(2025, 1, 1), date(2029, 12, 31))
    )
    plan_and_store(settings, engine, datetime(2026, 10, 1, 9, 0, tzinfo=UTC))
    key = "programming_review:ville-a:2027"
    held_on = datetime(2026, 11, 10, 9, 0, tzinfo=UTC)
    with Session(engine) as session:
        session.execute(
            update(Occurrence)
            .where(col(Occurrence.key) == key)
            .values(start=held_on, end=held_on.replace(hour=11), status=OccurrenceStatus.HELD)
        )
        session.commit()
    before = rows(engine)
    for day in (20, 25, 30):
        report = plan_and_store(settings, engine, datetime(2026, 11, day, 9, 0, tzinfo=UTC))
        assert RitualKind.PROGRAMMING_REVIEW not in report.counts
        assert "ville-a" not in {gap.buyer for gap in report.missing_reviews}
    assert rows(engine)[key] == before[key]


def test_a_review_placed_late_in_its_window_is_planned_once(store: Store) -> None:
    settings, engine = store("")
    add_buyer(
        engine, "ville-a", programming_month=1, convention=(date(2025, 1, 1), date(2029, 12, 31))
    )
    key = "programming_review:ville-a:2027"
    plan_and_store(settings, engine, datetime(2026, 12, 1, 9, 0, tzinfo=UTC))
    first = rows(engine)[key]
    assert date(2026, 12, 2) <= first[1].date() <= date(2026, 12, 11)  # type: ignore[attr-defined]
    for day in (2, 5, 8):
        plan_and_store(settings, engine, datetime(2026, 12, day, 9, 0, tzinfo=UTC))
        assert rows(engine)[key] == first
    after = first[1] + timedelta(days=1)  # type: ignore[operator]
    report = plan_and_store(settings, engine, after)
    assert RitualKind.PROGRAMMING_REVIEW not in report.counts
    assert rows(engine)[key] == first
