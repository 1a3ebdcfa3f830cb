"""`rituel organisations add|edit` and `rituel conventions add|edit`: the same service functions
as the workspace's forms, so the same rules (a refusal names each wrong field in one line and
writes nothing) and the same journal; an edit changes only what is given."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlmodel import col

from scheduler.cli import main
from scheduler.errors import InputError, NotFoundError
from scheduler.store.db import read_session
from scheduler.store.models import Convention, JournalEntry, Organisation
from tests.world import World, make_world


@pytest.fixture
def world(tmp_path: Path) -> World:
    return make_world(tmp_path)


def run(world: World, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    config = str(world.folder / "config.toml")
    status = main([*args, "--config", config, "--now", "2026-11-25T10:00"])
    out, err = capsys.readouterr()
    return status, out, err


def stored(world: World, slug: str) -> tuple[Organisation, list[Convention]]:
    with read_session(world.engine) as session:
        organisation = session.execute(
            select(Organisation).where(col(Organisation.slug) == slug)
        ).scalar_one()
        conventions = list(
            session.execute(
                select(Convention).where(col(Convention.organisation_id) == organisation.id)
            ).scalars()
        )
    return organisation, conventions


def test_a_buyer_and_its_convention_are_added_then_changed_field_by_field(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run(
        world,
        capsys,
        "organisations",
        "add",
        "buyer",
        "Ville de Brumaire",
        "--kind",
        "Ville",
        "--facilitator",
        "camille",
        "--month",
        "octobre",
    )
    assert (status, out) == (0, "buyer ville-de-brumaire added.\n")
    assert (
        run(world, capsys, "organisations", "edit", "ville-de-brumaire", "--territory", "Val")[0]
        == 0
    )
    buyer, _ = stored(world, "ville-de-brumaire")
    assert (buyer.kind, buyer.programming_month, buyer.territory, buyer.facilitator_id) == (
        "commune",
        10,
        "Val",
        "camille",
    )

    status, out, _ = run(
        world,
        capsys,
        "conventions",
        "add",
        "ville-de-brumaire",
        "--start",
        "01/01/2027",
        "--end",
        "2029-12-31",
        "--amount",
        "1 500",
        "--renewal",
        "tacit",
    )
    assert (status, out) == (0, "convention of ville-de-brumaire from 01/01/2027 added.\n")
    status, _, _ = run(
        world,
        capsys,
        "conventions",
        "edit",
        "ville-de-brumaire",
        "2027-01-01",
        "--no-amount",
        "--document",
        "CONV-2027-014",
    )
    assert status == 0
    _, [convention] = stored(world, "ville-de-brumaire")
    assert (
        convention.financial_participation_cents,
        convention.document_reference,
        convention.renewal,
        convention.confidential,
    ) == (None, "CONV-2027-014", "tacit", True)
    with read_session(world.engine) as session:
        actions = list(
            session.execute(
                select(col(JournalEntry.action), col(JournalEntry.actor)).order_by(
                    col(JournalEntry.id)
                )
            ).all()
        )
    assert [tuple(a) for a in actions] == [
        ("organisation_create", "cli"),
        ("organisation_edit", "cli"),
        ("convention_create", "cli"),
        ("convention_edit", "cli"),
    ]


def test_a_refusal_names_each_wrong_field_on_its_line_and_writes_nothing(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    with read_session(world.engine) as session:
        before = session.execute(select(func.count()).select_from(Organisation)).scalar_one()
    status, _, err = run(
        world, capsys, "organisations", "add", "buyer", "Ville X", "--kind", "bal", "--month", "13"
    )
    assert status == InputError.exit_code
    assert err.splitlines() == [
        "rituel: 3 fields wrong; nothing was written",
        "  kind: 'bal' is not a kind of buyer (one of: commune, epci, departement, region, etat,"
        " etablissement_public, bailleur_social, hopital, acheteur_national, autre)",
        "  facilitator: '' is not a configured facilitator (camille, nadia)",
        "  programming_month: '13' is not a month (1 to 12, or a name such as 'octobre')",
    ]
    with read_session(world.engine) as session:
        assert (
            session.execute(select(func.count()).select_from(Organisation)).scalar_one() == before
        )
    status, _, err = run(world, capsys, "conventions", "edit", "nulle-part", "2027-01-01")
    assert status == NotFoundError.exit_code
    assert err == "rituel: nulle-part has no convention starting on 2027-01-01\n"
