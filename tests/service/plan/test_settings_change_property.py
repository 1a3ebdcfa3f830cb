"""Property: applying a previewed change gives exactly the previewed plan — each meeting the
preview adds or moves is stored where it said, each it cancels is cancelled, nothing else
changes, and a plan right after has nothing left to do."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlmodel import Session

from scheduler.config.overlay import ritual_table
from scheduler.core.kinds import RitualKind
from scheduler.service.plan.planning import plan_and_store
from scheduler.service.plan.settings_change import SettingsChange, apply_change, preview_change
from scheduler.store.models import Occurrence
from tests.factories import settings_in

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def rows(engine: object) -> dict[str, tuple[object, ...]]:
    with Session(engine) as session:  # type: ignore[arg-type]
        return {
            o.key: (o.start, o.status, o.facilitator_id, o.theme)
            for o in session.execute(select(Occurrence)).scalars()
        }


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    months=st.lists(st.integers(1, 12), min_size=1, max_size=4, unique=True),
    themes=st.lists(
        st.sampled_from(["Sourcing", "Marchés réservés", "Critère social"]), max_size=3
    ),
    weekday=st.sampled_from(["monday", "tuesday", "thursday"]),
    enabled=st.booleans(),
)
def test_applying_a_preview_gives_exactly_the_previewed_plan(
    tmp_path_factory: object, months: list[int], themes: list[str], weekday: str, enabled: bool
) -> None:
    folder: Path = tmp_path_factory.mktemp("property")  # type: ignore[attr-defined]
    file_settings, engine = settings_in(folder)
    try:
        plan_and_store(file_settings, engine, NOW)
        club = ritual_table(file_settings.rituals[RitualKind.BUYER_CLUB])
        after_work = ritual_table(file_settings.rituals[RitualKind.AFTER_WORK])
        change = SettingsChange(
            rituals={
                RitualKind.BUYER_CLUB: {**club, "months": sorted(months), "weekdays": [weekday]},
                RitualKind.AFTER_WORK: {**after_work, "themes": themes, "enabled": enabled},
            }
        )
        before = rows(engine)
        preview = preview_change(file_settings, engine, NOW, change)
        applied = apply_change(
            file_settings, engine, NOW, change, digest=preview.digest, actor="t@x", confirmed=True
        )
        assert applied.done
        after = rows(engine)
        touched: set[str] = set()
        for meeting in preview.meetings:
            start, status, facilitator, theme = after[meeting.key]
            touched.add(meeting.key)
            if meeting.action == "cancel":
                assert status == "cancelled"
            else:
                assert (start, status, facilitator, theme) == (
                    meeting.start,
                    "planned",
                    meeting.facilitator,
                    meeting.theme,
                )
            if meeting.before_key is not None:
                touched.add(meeting.before_key)
                assert after[meeting.before_key][1] == "cancelled"
        assert {k: v for k, v in after.items() if k not in touched} == {
            k: v for k, v in before.items() if k not in touched
        }
        assert plan_and_store(file_settings, engine, NOW).writes == 0
    finally:
        engine.dispose()
