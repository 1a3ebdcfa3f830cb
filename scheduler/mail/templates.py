"""Mail texts from `mail_templates/LOCALE/`: a subject, a plain text and an HTML body per kind.

For a message of kind KIND about a meeting of ritual kind RITUAL, each part is looked up first as
`KIND.RITUAL.PART` then as `KIND.PART` (PART is `subject.txt`, `txt` or `html`), so a ritual kind
may override any part. Undefined names are errors (StrictUndefined); HTML is autoescaped.
Dates go through the `when`, `day`, `short_day` and `time_of_day` filters, written the reader's
way; names of organisations through `le`, `Le`, `de` and `a` (« le Département », « du
Département », « au Département »: scheduler.core.french), which take a plain name too.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import (
    Environment,
    FileSystemLoader,
    StrictUndefined,
    Template,
    TemplateNotFound,
    select_autoescape,
)
from jinja2 import TemplateError as JinjaError

from scheduler.core.french import NAME_FILTERS
from scheduler.errors import RituelError
from scheduler.i18n import (
    LOCALES,
    format_day,
    format_short_day,
    format_time,
    format_when,
    supported,
)

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "mail_templates"
PARTS = ("subject.txt", "txt", "html")
RELOAD_CHECK_SECONDS = 1.0
"""How often the template files are looked at for a change."""


class TemplateError(RituelError):
    """A mail template is missing or cannot be rendered with the values given."""


@dataclass(frozen=True, slots=True)
class RenderedMail:
    """A subject on one line, and the same body as plain text and as HTML."""

    subject: str
    text: str
    html: str


class MailTemplates:
    """The template sets of every locale, with date filters in the guichet's time zone."""

    def __init__(self, root: Path = TEMPLATES_DIR, timezone: str = "Europe/Paris") -> None:
        self.root = root
        self.timezone = timezone
        self._environments = {locale: _environment(root, locale, timezone) for locale in LOCALES}
        self._selected: dict[tuple[str, str, str | None, str], Template] = {}
        self._checked = -RELOAD_CHECK_SECONDS

    def render(
        self,
        kind: str,
        locale: str,
        context: Mapping[str, Any],
        ritual_kind: str | None = None,
    ) -> RenderedMail:
        """Subject, text and HTML of a `kind` mail in `locale` (French when unknown)."""
        self._reload_changed()
        loc = supported(locale)
        values = {"locale": loc, "kind": kind, **context}
        parts = [self._render_part(loc, kind, ritual_kind, part, values) for part in PARTS]
        subject, text, html = parts
        return RenderedMail(subject=" ".join(subject.split()), text=text, html=html)

    def _reload_changed(self) -> None:
        """Forget the compiled templates when one of their files changed: looked at once per
        RELOAD_CHECK_SECONDS rather than at every render (jinja's own check reads the files'
        modification times each time a template or its layout is used)."""
        now = time.monotonic()
        if now - self._checked < RELOAD_CHECK_SECONDS:
            return
        self._checked = now
        for environment in self._environments.values():
            cache = environment.cache
            known = [*(cache.values() if cache is not None else ()), *self._selected.values()]
            if not all(template.is_up_to_date for template in known):
                if cache is not None:
                    cache.clear()
                self._selected.clear()

    def _render_part(
        self,
        locale: str,
        kind: str,
        ritual_kind: str | None,
        part: str,
        values: Mapping[str, Any],
    ) -> str:
        names = [f"{kind}.{part}"]
        if ritual_kind:
            names.insert(0, f"{kind}.{ritual_kind}.{part}")
        try:
            key = (locale, kind, ritual_kind, part)
            template = self._selected.get(key)
            if template is None:
                template = self._environments[locale].select_template(names)
                self._selected[key] = template
            return template.render(values)
        except TemplateNotFound:
            raise TemplateError(f"no mail template {names[-1]!r} in {self.root}") from None
        except JinjaError as exc:
            raise TemplateError(f"mail template {names[-1]!r}: {exc}") from exc


@lru_cache(maxsize=32)
def _environment(root: Path, locale: str, zone: str) -> Environment:
    """The template environment of a locale, shared by every MailTemplates on the same folder
    and zone, so templates are compiled once per process (and recompiled when their file
    changes: `MailTemplates` looks; a plain dict, not an LRU whose every hit walks its queue).
    Date filters are memoised."""
    environment = Environment(
        auto_reload=False,
        cache_size=-1,
        loader=FileSystemLoader(root / locale),
        undefined=StrictUndefined,
        autoescape=select_autoescape(enabled_extensions=("html",), default=False),
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )

    @lru_cache(maxsize=4096)
    def when(moment: datetime) -> str:
        return format_when(moment, locale, zone)

    @lru_cache(maxsize=4096)
    def day(value: date) -> str:
        return format_day(value, locale)

    @lru_cache(maxsize=4096)
    def time_of_day(moment: datetime) -> str:
        return format_time(moment, locale, zone)

    @lru_cache(maxsize=4096)
    def short_day(value: date | datetime) -> str:
        if isinstance(value, datetime):
            return format_short_day(value, locale, zone)
        return format_short_day(value, locale)

    environment.filters.update(
        when=when, day=day, short_day=short_day, time_of_day=time_of_day, **NAME_FILTERS
    )
    return environment
