"""The workspace's words: every text a template writes has its English, French punctuation
gets its no-break space, and no code reaches a reader."""

from __future__ import annotations

import re

import pytest

from scheduler.config import Settings
from scheduler.core.kinds import OccurrenceStatus, PartStat, RitualKind
from scheduler.core.messages import MessageKind, MessageState
from scheduler.web.workspace import words
from scheduler.web.workspace.render import TEMPLATES, render
from scheduler.web.workspace.words import ENGLISH, Words

LITERAL = re.compile(r"""_\("((?:[^"\\]|\\.)*)"\)""")
SETTINGS = Settings.model_validate(
    {
        "organisation": {"name": "Guichet de test", "uid_domain": "test.example"},
        "facilitators": [
            {"id": "camille", "name": "Camille Roussel", "email": "camille@guichet.example"}
        ],
    }
)


AREAS = {
    "signin": {"signin"},
    "home": {"home"},
    "meetings": {"agenda", "meeting", "meeting_edit", "meeting_new", "meeting_attendance"},
    "directory": {"buyers", "organisations", "organisation", "contacts", "contact", "feed_link"}
    | {"import", "contact_form", "organisation_form", "convention_form", "feeds"},
    "outbox": {"outbox", "mail"},
    "bilan": {"bilan"},
    "settings": {
        "rituals",
        "ritual_edit",
        "settings_preview",
        "_settings_words",
        "team",
        "team_edit",
    },
}
"""Which templates each module of scheduler.web.workspace.words words; the rest (the layout,
the macros, the error page) is the frame's: `common`."""


def texts_of(source: str) -> set[str]:
    """The French texts a template writes through `_`."""
    texts = set(LITERAL.findall(source))
    for table in re.findall(r"\{% set titles = (\{.*?\}) %\}", source):
        texts.update(re.findall(r'"[a-z]+": "([^"]+)"', table))
    texts.update(re.findall(r'\("[a-z]+", "/[a-z]*", "([^"]+)"\)', source))
    return texts


def template_texts() -> set[str]:
    texts = set()
    for path in TEMPLATES.glob("*.html"):
        texts.update(texts_of(path.read_text(encoding="utf-8")))
    return texts


def test_every_text_of_every_template_has_its_english() -> None:
    texts = template_texts()
    assert len(texts) > 100
    assert sorted(text for text in texts if text not in ENGLISH) == []


def test_a_text_is_in_the_module_of_the_one_area_that_shows_it_or_in_common() -> None:
    shown_by: dict[str, set[str]] = {}
    for path in TEMPLATES.glob("*.html"):
        area = next((a for a, names in AREAS.items() if path.stem in names), "common")
        for text in texts_of(path.read_text(encoding="utf-8")):
            shown_by.setdefault(text, set()).add(area)
    misplaced = []
    for text, areas in sorted(shown_by.items()):
        expected = areas.pop() if len(areas) == 1 else "common"
        if text not in getattr(words, expected).ENGLISH:
            misplaced.append((text, expected))
    assert misplaced == []


@pytest.mark.parametrize("page", ["ask", "sent", "busy", "valid", "expired", "used", "unknown"])
@pytest.mark.parametrize("locale", ["fr", "en"])
def test_the_sign_in_pages_render_in_both_languages(page: str, locale: str) -> None:
    answer = render(SETTINGS, "signin.html", locale=locale, page=page, csrf="x", notice=None)
    body = bytes(answer.body).decode()
    assert f'<html lang="{locale}">' in body
    assert ("Espace du guichet" in body) == (locale == "fr")


def test_french_punctuation_gets_a_no_break_space() -> None:
    words = Words(SETTINGS, "fr")
    assert words("Votre session a pris fin : connectez-vous de nouveau.") == (
        "Votre session a pris fin\u00a0: connectez-vous de nouveau."
    )
    assert words.colon == "\u00a0: "
    assert Words(SETTINGS, "en").colon == ": "
    assert words.number(1500) == "1\u202f500"


def test_statuses_answers_and_kinds_are_words_never_codes() -> None:
    french = Words(SETTINGS, "fr")
    assert [french.status(s) for s in OccurrenceStatus] == [
        "prévue",
        "annoncée",
        "déplacée",
        "tenue",
        "annulée",
    ]
    assert french.answer(PartStat.NEEDS_ACTION) == "sans réponse"
    assert french.kind(RitualKind.AFTER_WORK) == "After-work achat socialement responsable"
    assert french.message_state(MessageState.FAILED) == "en échec"
    assert french.unsubscribed_from("reminder,invite") == ["rappel", "invitation"]
    assert french.unsubscribed_from("after_work") == ["After-work achat socialement responsable"]
    english = Words(SETTINGS, "en")
    assert english.status(OccurrenceStatus.MOVED) == "moved"
    assert english.kind(RitualKind.BUYER_CLUB) == "Socially responsible buyers' club"
    assert french.message_kind(MessageKind.RENEWAL_NOTICE) == "avis de renouvellement"


def test_times_never_break_between_hour_and_minutes() -> None:
    from datetime import UTC, datetime

    moment = datetime(2027, 3, 9, 9, 0, tzinfo=UTC)
    assert Words(SETTINGS, "fr").when(moment).endswith("10\u00a0h\u00a000")
