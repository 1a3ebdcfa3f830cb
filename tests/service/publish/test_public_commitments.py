"""Public commitments and the territory agenda from SQLite and PostgreSQL: the read model's
queries give the same answers on both."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from scheduler.service.publish.public import commitments, public_agenda, publish, unpublish
from tests.service.conftest import Store
from tests.year_world import build_year

MARCH = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


def test_only_the_published_convention_in_force_is_shown(store: Store, tmp_path: Path) -> None:
    settings, engine = store()
    build_year(settings, engine, tmp_path)
    assert commitments(engine, MARCH.date()) == []
    publish(engine, "ville-de-lisiere", MARCH, "Europe/Paris", "  Nos   chantiers insèrent. ")
    publish(engine, "metropole-de-lisiere", MARCH, "Europe/Paris")
    shown = commitments(engine, MARCH.date())
    assert [(c.name, c.since, c.text) for c in shown] == [
        ("Métropole de Lisière", date(2024, 1, 1), None),
        ("Ville de Lisière", date(2024, 1, 1), "Nos chantiers insèrent."),
    ]
    assert [c.name for c in commitments(engine, date(2028, 7, 1))] == ["Ville de Lisière"]
    unpublish(engine, "ville-de-lisiere")
    assert [c.name for c in commitments(engine, MARCH.date())] == ["Métropole de Lisière"]


def test_the_public_agenda_holds_territory_meetings_only(store: Store, tmp_path: Path) -> None:
    settings, engine = store()
    build_year(settings, engine, tmp_path)
    entries = public_agenda(settings, engine, MARCH)
    assert [(e.title, e.day, e.cancelled) for e in entries] == [
        ("Club des acheteurs socialement responsables", "jeudi 11 mars 2027", False),
        ("After-work achat socialement responsable", "jeudi 18 mars 2027", True),
        ("After-work achat socialement responsable", "jeudi 16 décembre 2027", False),
    ]
