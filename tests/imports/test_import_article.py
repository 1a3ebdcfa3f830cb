"""An optional « article » column gives an organisation's article when the grammar would guess
it wrong (issue 9, item 16); an empty cell keeps what is stored, a wrong one is a problem."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from scheduler.core.kinds import OrganisationRole
from scheduler.errors import InputError
from scheduler.service.directory.directory import import_organisations
from scheduler.store.models import Organisation
from tests.imports.conftest import csv_file, engine  # noqa: F401 (the fixture)

HEADER = "nom;type;article"


def import_partners(engine: Engine, data: bytes) -> None:  # noqa: F811 (the fixture)
    import_organisations(
        engine, data, file="partners.csv", role=OrganisationRole.PARTNER, facilitators=()
    )


def articles(engine: Engine) -> dict[str, str | None]:  # noqa: F811 (the fixture)
    with Session(engine) as session:
        return {o.name: o.article for o in session.exec(select(Organisation))}


def test_the_article_column_is_stored_and_a_blank_keeps_it(engine: Engine) -> None:  # noqa: F811
    import_partners(
        engine,
        csv_file(HEADER, "DDETS de la Haute-Lisière;DDETS;la", "Cap emploi Lisière;Cap emploi;-"),
    )
    assert articles(engine) == {"DDETS de la Haute-Lisière": "la", "Cap emploi Lisière": ""}
    import_partners(engine, csv_file(HEADER, "DDETS de la Haute-Lisière;DDETS;"))
    assert articles(engine)["DDETS de la Haute-Lisière"] == "la"


def test_a_wrong_article_is_a_problem_with_its_line(engine: Engine) -> None:  # noqa: F811
    with pytest.raises(InputError) as raised:
        import_partners(engine, csv_file(HEADER, "Mission locale;Mission locale;the"))
    [problem] = raised.value.problems
    assert "2" in problem
    assert "not an article" in problem


def test_without_the_column_the_article_is_left_to_the_grammar(engine: Engine) -> None:  # noqa: F811
    import_partners(engine, csv_file("nom;type", "Mission locale de Lisière;Mission locale"))
    assert articles(engine) == {"Mission locale de Lisière": None}
