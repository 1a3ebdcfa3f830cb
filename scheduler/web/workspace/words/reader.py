"""`Words`: the workspace's labels and dates for one reader, French first, English for a
person whose locale is `en`, times in the guichet's zone; French typography (no-break spaces
before « : ; ! ? » and around the « h » of a time) applied as the text is written."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel.dates import format_date
from babel.numbers import format_currency

from scheduler.config import Settings
from scheduler.core.kinds import OccurrenceStatus, OrganisationRole, PartStat, RitualKind
from scheduler.core.messages import MessageKind, MessageState
from scheduler.i18n import format_day, format_time, format_when, supported
from scheduler.imports.reading import Problem
from scheduler.store.history import Source
from scheduler.web.workspace.words.english import ENGLISH
from scheduler.web.workspace.words.import_problems import french
from scheduler.web.workspace.words.names import (
    ACTION,
    ANSWER,
    CONVENTION_STATUS,
    FIELD,
    IMPORT_KIND,
    MESSAGE_KIND,
    MESSAGE_STATE,
    ORGANISATION_KIND,
    RENEWAL,
    ROLE,
    ROLES,
    RULE,
    SOURCE,
    STATUS,
    TABLE,
)


def _french_spacing(text: str) -> str:
    """A no-break space before « : ; ! ? » (French typography)."""
    for mark in ":;!?":
        text = text.replace(f" {mark}", f"\u00a0{mark}")
    return text


def _keep_time_together(text: str) -> str:
    """« 10 h 00 » never broken across lines (no-break spaces around « h »)."""
    return text.replace(" h ", "\u00a0h\u00a0")


@lru_cache(maxsize=16_384)
def _when(moment: datetime, locale: str, zone: str) -> str:
    """format_when, memoised: a page shows the same meetings request after request."""
    return _keep_time_together(format_when(moment, locale, zone))


@lru_cache(maxsize=16_384)
def _time(moment: datetime, locale: str, zone: str) -> str:
    return _keep_time_together(format_time(moment, locale, zone))


@lru_cache(maxsize=4_096)
def _day(value: date, locale: str) -> str:
    return format_day(value, locale)


class Words:
    """Labels and dates for one reader: `locale` "fr" or "en", times in the guichet's zone."""

    def __init__(self, settings: Settings, locale: str) -> None:
        self.settings = settings
        self.locale = supported(locale)
        self.zone = settings.organisation.timezone
        self._index = 0 if self.locale == "fr" else 1

    def __call__(self, french: str) -> str:
        """The template text `french`, in the reader's language."""
        if self._index == 0:
            return _french_spacing(french)
        return ENGLISH[french]

    @property
    def colon(self) -> str:
        """« : » with its no-break space in French, ": " in English."""
        return "\u00a0: " if self._index == 0 else ": "

    def _pick(self, pair: tuple[str, str]) -> str:
        return pair[self._index]

    def status(self, status: OccurrenceStatus | str) -> str:
        """« prévue », « annoncée »…"""
        return self._pick(STATUS[OccurrenceStatus(status)])

    def kind(self, kind: RitualKind | str) -> str:
        """A ritual kind by its configured title."""
        ritual = self.settings.rituals[RitualKind(kind)]
        return ritual.title if self._index == 0 else ritual.title_en

    def named(self, kind: RitualKind | str, theme: str | None) -> str:
        """What a meeting is called in short: its kind's title, or for a meeting of another
        kind the title typed for it."""
        if RitualKind(kind) is RitualKind.OTHER and theme:
            return theme
        return self.kind(kind)

    def meeting(self, kind: RitualKind | str, theme: str | None) -> str:
        """What a meeting is called: its kind's title and its theme (« After-work — Les achats
        de fournitures »), or for a meeting of another kind the title typed for it."""
        named = self.named(kind, theme)
        return f"{named} — {theme}" if theme and named != theme else named

    def answer(self, partstat: PartStat | str) -> str:
        """« participera », « sans réponse »…"""
        return self._pick(ANSWER[PartStat(partstat)])

    def message_kind(self, kind: MessageKind | str) -> str:
        """« invitation », « rappel »…"""
        return self._pick(MESSAGE_KIND[MessageKind(kind)])

    def message_state(self, state: MessageState | str) -> str:
        """« envoyé », « en échec »…"""
        return self._pick(MESSAGE_STATE[MessageState(state)])

    def role(self, role: OrganisationRole | str) -> str:
        """« acheteur », « fournisseur », « partenaire »."""
        return self._pick(ROLE[OrganisationRole(role)])

    def roles(self, role: OrganisationRole | str) -> str:
        """« Acheteurs »…"""
        return self._pick(ROLES[OrganisationRole(role)])

    def organisation_kind(self, kind: str) -> str:
        """« Commune », « SIAE »…"""
        pair = ORGANISATION_KIND.get(kind)
        return self._pick(pair) if pair else kind

    def convention_status(self, status: str) -> str:
        """« en vigueur »…"""
        pair = CONVENTION_STATUS.get(status)
        return self._pick(pair) if pair else status

    def renewal(self, renewal: str | None) -> str:
        """How a convention goes on after its end: « reconduction tacite »…; « — » unsaid."""
        pair = RENEWAL.get(renewal or "")
        return self._pick(pair) if pair else "—"

    def euros(self, cents: int) -> str:
        """« 1 500,00 € » (« €1,500.00 » in English)."""
        return str(format_currency(cents / 100, "EUR", locale=self.locale))

    def source(self, source: Source | str) -> str:
        """Who made a change: « par le planificateur »…"""
        return self._pick(SOURCE[Source(source)])

    def rule(self, rule: str) -> str:
        """A broken calendar rule: « un jour férié »…"""
        pair = RULE.get(str(rule))
        return self._pick(pair) if pair else str(rule)

    def action(self, action: str) -> str:
        """A journal entry's change: « déplacée »…"""
        pair = ACTION.get(action)
        return self._pick(pair) if pair else action

    def field(self, name: str) -> str:
        """A changed field's name: « thème »…"""
        pair = FIELD.get(name)
        return self._pick(pair) if pair else name

    def actor(self, actor: str) -> str:
        """Who made a change: a facilitator's or an admin's name, or the terminal."""
        if actor == "cli":
            return "la ligne de commande" if self._index == 0 else "the command line"
        for facilitator in self.settings.facilitators:
            if facilitator.email.lower() == actor.lower():
                return facilitator.name
        for admin in self.settings.admins:
            if admin.email.lower() == actor.lower():
                return admin.name
        return actor

    def value(self, name: str, text: str) -> str:
        """A changed field's value as a reader reads it."""
        if not text:
            return "—"
        if name == "start":
            try:
                return self.when(datetime.fromisoformat(text))
            except ValueError:
                return text
        if name == "status" and text in OccurrenceStatus.__members__.values():
            return self.status(text)
        if name == "answer" and text in PartStat.__members__.values():
            return self.answer(text)
        if name in ("kinds", "unsubscribed_kinds"):
            return ", ".join(self.unsubscribed_from(text))
        if name == "locale":
            return self.language(text)
        if name in ("unsubscribed", "confidential", "financial_participation"):
            return self._pick(("oui", "yes"))
        return self._directory_value(name, text)

    def _directory_value(self, name: str, text: str) -> str:
        """An organisation's or a convention's changed field as a reader reads it."""
        if name in ("start_date", "end_date", "signed_on"):
            try:
                return self.day(date.fromisoformat(text))
            except ValueError:
                return text
        if name == "amount":
            return self.euros(round(float(text) * 100))
        readers: dict[str, Callable[[str], str]] = {
            "convention_status": self.convention_status,
            "renewal": self.renewal,
            "kind": self.organisation_kind,
            "facilitator": self.facilitator,
            "programming_month": lambda t: self.month_name(int(t)),
        }
        shown = readers.get(name)
        return shown(text) if shown is not None else text

    def import_problem(self, problem: Problem) -> str:
        """A problem of an imported file: « ligne 3, colonne « Début » : … » (the import's
        English, scheduler.imports.wording, for a reader in English)."""
        params = dict(problem.params)
        if self._index == 0:
            where = f"ligne {problem.line}"
            if problem.column:
                where += f", colonne «\u00a0{problem.column}\u00a0»"
            what = french(problem.key, params) or problem.message
        else:
            where = f"line {problem.line}"
            if problem.column:
                where += f", column “{problem.column}”"
            what = problem.message
        return f"{where}{self.colon}{what}"

    def table(self, name: str) -> str:
        """A directory table named in an import's report."""
        pair = TABLE.get(name)
        return self._pick(pair) if pair else name

    def import_kind(self, kind: str) -> str:
        """A kind of directory file."""
        pair = IMPORT_KIND.get(kind)
        return self._pick(pair) if pair else kind

    def unsubscribed_from(self, codes: str) -> list[str]:
        """The message kinds (or ritual kinds) a contact no longer receives, named."""
        names = []
        for code in filter(None, (part.strip() for part in codes.split(","))):
            if code in MessageKind.__members__.values():
                names.append(self.message_kind(code))
            elif code in RitualKind.__members__.values():
                names.append(self.kind(code))
            else:
                names.append(code)
        return names

    def language(self, code: str) -> str:
        """A locale by its name: « français », « anglais »."""
        return self._pick(("anglais", "English") if code == "en" else ("français", "French"))

    def facilitator(self, facilitator_id: str | None) -> str:
        """A facilitator's name (their id when no longer configured)."""
        if facilitator_id is None:
            return "—"
        found = self.settings.facilitator(facilitator_id)
        return found.name if found else facilitator_id

    def when(self, moment: datetime | None) -> str:
        """« mardi 14 septembre 2027 à 10 h 00 »."""
        return _when(moment, self.locale, self.zone) if moment else "—"

    def day(self, value: date | datetime | None) -> str:
        """« mardi 14 septembre 2027 »."""
        if value is None:
            return "—"
        if isinstance(value, datetime):
            value = value.astimezone(ZoneInfo(self.zone)).date()
        return _day(value, self.locale)

    def time(self, moment: datetime) -> str:
        """« 10 h 00 »."""
        return _time(moment, self.locale, self.zone)

    def month(self, value: date) -> str:
        """« mars 2027 »."""
        return str(format_date(value, "LLLL y", locale=self.locale))

    def month_name(self, month: int) -> str:
        """« octobre »."""
        return str(format_date(date(2000, month, 1), "LLLL", locale=self.locale))

    def weekday_short(self, value: date) -> str:
        """« lun. »."""
        return str(format_date(value, "EEE", locale=self.locale))

    def number(self, value: int) -> str:
        """« 1 500 » (a narrow no-break space between thousands in French)."""
        text = f"{value:,}"
        return text.replace(",", "\u202f") if self._index == 0 else text
