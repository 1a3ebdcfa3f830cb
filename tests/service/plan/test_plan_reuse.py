"""A plan whose inputs did not change gives the last plan's outcome back without planning; every
kind of change (a directory import, a meeting edited, moved or cancelled in the workspace, a
stored settings change, a new day, a meeting that started, a write from another process) makes
the next plan do the work, and after it the store is what a fresh plan would make of it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.engine import Engine
from sqlmodel import col

from scheduler.config import Settings
from scheduler.config.overlay import ritual_table
from scheduler.core.kinds import RITUALS, OccurrenceStatus, OrganisationRole, RitualKind
from scheduler.service.directory.directory import import_organisations
from scheduler.service.plan.changes import Details
from scheduler.service.plan.effective import effective_settings
from scheduler.service.plan.occurrences import (
    cancel_occurrence,
    edit_occurrence,
    move_occurrence,
)
from scheduler.service.plan.planning import (
    PlanReport,
    missing_reviews,
    plan_and_store,
    plan_is_current,
    reconcile_in,
)
from scheduler.service.plan.settings_change import SettingsChange, apply_change, preview_change
from scheduler.store.db import make_engine, read_session, session_scope
from scheduler.store.models import Occurrence, Organisation
from tests.factories import add_buyer
from tests.imports.conftest import csv_file
from tests.service.conftest import Store

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
HEADER = (
    "nom;type;territoire;contact;email;fonction;début convention;fin convention;"
    "mois programmation;référent"
)


def planned(store: Store, buyers: int = 3) -> tuple[Settings, Engine, PlanReport]:
    """A store with `buyers` buyers (one without convention: a missing review), planned."""
    settings, engine = store("")
    for i in range(buyers):
        add_buyer(engine, f"ville-{i}", programming_month=3 + i)
    add_buyer(engine, "sans-convention", convention=None)
    first = plan_and_store(settings, engine, NOW)
    assert not first.reused
    assert first.writes > 0
    return settings, engine, first


def in_line(settings: Settings, engine: Engine, now: datetime) -> bool:
    """True when a fresh plan (no reuse) would change nothing in the store."""
    with read_session(engine) as session:
        _, _, changes = reconcile_in(session, effective_settings(settings, session), now)
    return not (changes.create or changes.adjust or changes.cancel or changes.restore)


def replanned(settings: Settings, engine: Engine, now: datetime = NOW) -> PlanReport:
    """The next plan, which must have planned (not reused), leaving the store in line."""
    assert not plan_is_current(settings, engine, now)
    report = plan_and_store(settings, engine, now)
    assert not report.reused
    assert in_line(settings, engine, now)
    again = plan_and_store(settings, engine, now)
    assert again.reused
    assert again.writes == 0
    assert again.planned == report.planned
    return report


def a_meeting(engine: Engine, kind: RitualKind = RitualKind.PROGRAMMING_REVIEW) -> Occurrence:
    with read_session(engine) as session:
        return (
            session.execute(
                select(Occurrence)
                .where(col(Occurrence.kind) == kind.value, col(Occurrence.start) > NOW)
                .order_by(col(Occurrence.start))
            )
            .scalars()
            .first()
        )  # type: ignore[return-value]


def test_nothing_changed_gives_the_last_outcome_back_without_planning(store: Store) -> None:
    settings, engine, first = planned(store)
    assert plan_is_current(settings, engine, NOW)
    again = plan_and_store(settings, engine, NOW)
    assert again.reused
    assert again.writes == 0
    assert again.counts == {}
    assert (again.planned, again.unplaced, again.missing_reviews) == (
        first.planned,
        first.unplaced,
        first.missing_reviews,
    )
    with read_session(engine) as session:
        assert missing_reviews(settings, session, NOW) == first.missing_reviews
    # a dry run on the same inputs reuses it too; a few minutes later, nothing started: too
    assert plan_and_store(settings, engine, NOW, dry_run=True).reused
    assert plan_and_store(settings, engine, NOW + timedelta(minutes=5)).reused


def test_a_directory_import_is_planned(store: Store) -> None:
    settings, engine, first = planned(store)
    data = csv_file(
        HEADER,
        "Ville de Lisière;Commune;Lisière;;;;01/01/2026;31/12/2029;mai;camille",
    )
    import_organisations(
        engine, data, file="b.csv", role=OrganisationRole.BUYER, facilitators=("camille", "nadia")
    )
    report = replanned(settings, engine)
    assert report.planned > first.planned
    # an import that only changes a buyer's programming month moves its review
    moved = csv_file(
        HEADER,
        "Ville de Lisière;Commune;Lisière;;;;01/01/2026;31/12/2029;septembre;camille",
    )
    import_organisations(
        engine, moved, file="b.csv", role=OrganisationRole.BUYER, facilitators=("camille",)
    )
    assert replanned(settings, engine).writes > 0


def test_a_buyer_changed_by_hand_is_planned(store: Store) -> None:
    settings, engine, _ = planned(store)
    with session_scope(engine) as session:
        session.execute(
            update(Organisation)
            .where(col(Organisation.slug) == "ville-0")
            .values(programming_month=11)
        )
    assert replanned(settings, engine).writes > 0


def test_meetings_edited_moved_and_cancelled_in_the_workspace_are_planned(store: Store) -> None:
    settings, engine, _ = planned(store)
    meeting = a_meeting(engine)
    edit_occurrence(engine, meeting.uid, Details("Bilan", None, None, None), NOW)
    replanned(settings, engine)

    meeting = a_meeting(engine)
    move_occurrence(
        engine, meeting.uid, meeting.start + timedelta(days=1), NOW, settings=settings, force=True
    )
    replanned(settings, engine)

    meeting = a_meeting(engine, RitualKind.AFTER_WORK)
    cancel_occurrence(engine, meeting.uid, NOW, reason="salle indisponible")
    replanned(settings, engine)
    with read_session(engine) as session:  # cancelled by hand: the plan keeps it cancelled
        status = session.execute(
            select(col(Occurrence.status)).where(col(Occurrence.uid) == meeting.uid)
        ).scalar_one()
    assert status == OccurrenceStatus.CANCELLED


def test_a_stored_settings_change_is_planned(store: Store) -> None:
    settings, engine, _ = planned(store)
    club = ritual_table(settings.rituals[RitualKind.BUYER_CLUB])
    change = SettingsChange(rituals={RitualKind.BUYER_CLUB: {**club, "months": [4, 10]}})
    preview = preview_change(settings, engine, NOW, change)
    assert apply_change(settings, engine, NOW, change, digest=preview.digest, actor="a@x").done
    replanned(settings, engine)


def test_a_changed_configuration_file_is_planned(store: Store) -> None:
    _settings, engine, _ = planned(store)
    later, _ = store('\n[rituals.after_work]\ntime = "17:30"\n')
    assert replanned(later, engine).writes > 0


def test_a_new_day_is_planned(store: Store) -> None:
    settings, engine, _ = planned(store)
    replanned(settings, engine, NOW + timedelta(days=1))
    replanned(settings, engine, NOW + timedelta(days=40))


def test_a_meeting_that_started_since_is_planned(store: Store) -> None:
    settings, engine, _ = planned(store)
    first = a_meeting(engine, RitualKind.AFTER_WORK)
    same_day = first.start.replace(hour=0, minute=0) + timedelta(hours=23)
    before, after = first.start - timedelta(minutes=1), first.start + timedelta(minutes=1)
    assert before.date() == after.date() == same_day.date()
    replanned(settings, engine, before)
    replanned(settings, engine, after)


def test_a_write_from_another_process_is_planned_and_a_rolled_back_one_is_not(
    store: Store,
) -> None:
    settings, engine, _ = planned(store)
    other = make_engine(str(engine.url.render_as_string(hide_password=False)))
    try:
        with other.connect() as connection, connection.begin() as transaction:
            connection.execute(
                update(Organisation)
                .where(col(Organisation.slug) == "ville-1")
                .values(programming_month=12)
            )
            transaction.rollback()
        assert plan_and_store(settings, engine, NOW).reused
        with other.begin() as connection:
            connection.execute(
                update(Organisation)
                .where(col(Organisation.slug) == "ville-1")
                .values(programming_month=12)
            )
    finally:
        other.dispose()
    assert replanned(settings, engine).writes > 0


def test_a_refused_plan_is_not_remembered(store: Store) -> None:
    settings, engine, _ = planned(store)
    off, _ = store("".join(f"\n[rituals.{kind.value}]\nenabled = false\n" for kind in RITUALS))
    refused = plan_and_store(off, engine, NOW)
    assert refused.refused is not None
    assert not refused.reused
    again = plan_and_store(off, engine, NOW)
    assert again.refused is not None
    assert not again.reused
    assert plan_and_store(settings, engine, NOW).reused


def test_a_new_convention_is_planned(store: Store) -> None:
    settings, engine, _ = planned(store)
    add_buyer(engine, "hopital-z", convention=(date(2026, 12, 1), date(2028, 12, 1)))
    assert replanned(settings, engine).writes > 0
