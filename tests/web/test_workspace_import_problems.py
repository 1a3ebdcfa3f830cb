"""An imported file's problems in the workspace: each with its line and column, in French for
a French reader and in the CLI's English for an English one, nothing written; every problem
the import can name has its French (scheduler.imports.wording → words.import_problems)."""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from sqlalchemy import func, select

from scheduler.imports.reading import Problem
from scheduler.imports.wording import ENGLISH
from scheduler.store.db import read_session
from scheduler.store.models import Organisation
from scheduler.web import create_app
from scheduler.web.workspace.words import Words
from scheduler.web.workspace.words.import_problems import FRENCH
from tests.web.test_workspace_actions import CSRF, OPEN, browser_for, shown
from tests.web.test_workspace_words import SETTINGS
from tests.web_server import serving
from tests.world import CAMILLE, NADIA, demo_world
from tests.world import DEMO_NOW as NOW

BAD = (
    "nom;type;territoire;contact;email;fonction;mois de programmation\n"
    "Mission locale des Coteaux;Mission locale;Métropole de Lisière;Ana Costa;"
    "ana.costa@ml-coteaux.example;Conseillère;\n"
    "Cap Emploi Lisière;Cap emploi;Métropole de Lisière;Luc Bernard;pas-une-adresse;Chargé;\n"
    "PLIE du Val;Bal masqué;;;;;\n"
    "Mission locale des Coteaux;PLIE;;;;;\n"
).encode()
FRENCH_LINES = (
    "ligne 3, colonne « email » : « pas-une-adresse » n'est pas une adresse électronique",
    "ligne 4, colonne « type » : « Bal masqué » n'est pas un type d'organisation connu pour un "
    "partenaire (l'un de : france_travail, plie, mission_locale, cap_emploi, ddets, autre)",
    "ligne 5, colonne « nom » : « Mission locale des Coteaux » figure déjà à la ligne 2",
)
ENGLISH_LINES = (
    "line 3, column “email”: 'pas-une-adresse' is not an e-mail address",
    "line 5, column “nom”: 'Mission locale des Coteaux' is already on line 2",
)


def organisations(world_engine: object) -> int:
    with read_session(world_engine) as session:  # type: ignore[arg-type]
        return int(session.execute(select(func.count()).select_from(Organisation)).scalar_one())


@pytest.mark.parametrize(
    ("address", "expected", "absent"),
    [(CAMILLE, FRENCH_LINES, "is not an e-mail address"), (NADIA, ENGLISH_LINES, "ligne 3")],
)
def test_a_bad_files_problems_are_shown_by_line_and_column_in_the_readers_language(
    tmp_path: Path, address: str, expected: tuple[str, ...], absent: str
) -> None:
    world = demo_world(tmp_path, english=True)  # Nadia reads English, Camille French
    with serving(create_app(world.settings, world.engine, clock=lambda: NOW)) as base:
        try:
            browser = browser_for(world, base, address)
            csrf = CSRF.findall(browser.get("/annuaire/import").text)[-1]
            before = organisations(world.engine)
            refused = browser.post(
                "/annuaire/import",
                data={"csrf": csrf, "type": "partenaires"},
                files={"fichier": ("partenaires.csv", BAD, "text/csv")},
            )
            assert refused.status_code == 400
            text = shown(refused)
            for line in expected:
                assert line in text
            assert absent not in text
            assert organisations(world.engine) == before  # nothing written
        finally:
            while OPEN:
                OPEN.pop().close()
            world.engine.dispose()


def test_every_problem_the_import_names_has_its_french() -> None:
    assert set(FRENCH) == set(ENGLISH)
    for key, english in ENGLISH.items():
        names = {name for _, name, _, _ in string.Formatter().parse(english) if name}
        french = {name for _, name, _, _ in string.Formatter().parse(FRENCH[key]) if name}
        assert french == names, key


@pytest.mark.parametrize("key", sorted(ENGLISH))
def test_each_problem_reads_in_french_with_its_values_and_never_as_a_code(key: str) -> None:
    names = {name for _, name, _, _ in string.Formatter().parse(ENGLISH[key]) if name}
    values = {name: "2027-03-15" if name in ("start", "end") else "valeur" for name in names}
    if "role" in values:
        values["role"] = "supplier"
    problem = Problem.worded(4, "Début", key, **values)
    text = Words(SETTINGS, "fr").import_problem(problem)
    assert text.startswith("ligne 4, colonne «\u00a0Début\u00a0»\u00a0: ")
    assert key not in text
    assert "supplier" not in text
    if key == "end_not_after_start":
        assert "le lundi 15 mars 2027 n'est pas après le lundi 15 mars 2027" in text
    assert Words(SETTINGS, "en").import_problem(problem) == (
        f"line 4, column “Début”: {problem.message}"
    )


def test_a_file_in_two_encodings_is_refused_in_french_naming_both_lines() -> None:
    from scheduler.imports.rows import parse_contacts

    data = "nom;email\nÉlise Martin;elise@example.org\n".encode() + "Zoé;z@example.org\n".encode(
        "cp1252"
    )
    [problem] = parse_contacts(data).problems
    text = Words(SETTINGS, "fr").import_problem(problem)
    assert text == (
        "ligne 3, colonne «\u00a0nom\u00a0»\u00a0: l'octet 0xE9 (position 44) n'est pas de "
        "l'UTF-8, alors que la ligne 2 l'est\u00a0: le fichier mêle deux encodages\u00a0; "
        "enregistrez-le de nouveau au format «\u00a0CSV UTF-8\u00a0»"
    )
