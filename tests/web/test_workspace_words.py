"""The workspace's words: every text a template writes has its English, French punctuation
gets its no-break space, and no code reaches a reader."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from scheduler.config import Settings, load_settings
from scheduler.core.kinds import OccurrenceStatus, PartStat, RitualKind
from scheduler.core.messages import MessageKind, MessageState
from scheduler.web.workspace.render import TEMPLATES, render
from scheduler.web.workspace.words import ENGLISH, Words

LITERAL = re.compile(r"""_\("((?:[^"\\]|\\.)*)"\)""")
SETTINGS: Settings = load_settings(Path(__file__).resolve().parents[2] / "config.toml")


def template_texts() -> set[str]:
    texts = set()
    for path in TEMPLATES.glob("*.html"):
        source = path.read_text(encoding="utf-8")
        texts.update(LITERAL.findall(source))
        for table in re.findall(r"\{% set titles = (\{.*?\}) %\}", source):
            texts.update(re.findall(r'"[a-z]+": "([^"]+)"', table))
        texts.update(re.findall(r'\("[a-z]+", "/[a-z]*", "([^"]+)"\)', source))
    return texts


def test_every_text_of_every_template_has_its_english() -> None:
    texts = template_texts()
    assert len(texts) > 100
    assert sorted(text for text in texts if text not in ENGLISH) == []


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
