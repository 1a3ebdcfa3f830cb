"""The team as a change: a newcomer's identifier from their name, one person added, replaced in
place, or removed; the rest of the team as it is."""

from __future__ import annotations

from scheduler.config import Settings
from scheduler.service.plan.team import new_id, team_change

SETTINGS = Settings.model_validate(
    {
        "organisation": {"name": "Guichet de test", "uid_domain": "test.example"},
        "facilitators": [
            {"id": "camille", "name": "Camille Roussel", "email": "camille@guichet.example"},
            {"id": "nadia", "name": "Nadia Benali", "email": "nadia@guichet.example"},
        ],
    }
)
LEA = {"id": "lea", "name": "Léa", "email": "lea@guichet.example", "max_per_day": 1}


def test_a_newcomer_s_identifier_comes_from_the_name_and_is_never_taken() -> None:
    assert new_id("Léa Martin", []) == "lea-martin"
    assert new_id("Léa Martin", ["lea-martin", "lea-martin-2"]) == "lea-martin-3"
    assert new_id("Nouvelle", []) == "nouvelle-2"  # the newcomer form's own path
    assert new_id("   ", []) == "animateur"


def test_one_person_is_added_replaced_in_place_or_removed() -> None:
    added = team_change(SETTINGS, LEA)
    assert [t["id"] for t in added.facilitators or ()] == ["camille", "nadia", "lea"]
    replaced = team_change(SETTINGS, {**LEA, "id": "camille"}, replacing="camille")
    assert [t["name"] for t in replaced.facilitators or ()] == ["Léa", "Nadia Benali"]
    removed = team_change(SETTINGS, None, replacing="camille")
    assert [t["id"] for t in removed.facilitators or ()] == ["nadia"]
    assert removed.action == "team_settings"
