"""The workspace's words: French first, English for a person whose locale is `en`.

Templates write their French text through `_("…")`; `ENGLISH` maps each of those texts to
English (a missing one is an error, caught by the tests that render every page in English).
A text's English is in the module of the page area that shows it: `signin`, `home`, `meetings`
(the agenda, a meeting and its forms), `directory` (buyers, organisations, contacts, the feed
link, the import), `outbox`, `bilan`; or in `common` when the frame or several areas show it.
Each text once: `english` gathers them and refuses a text given twice.

Statuses, kinds, answers and roles never reach a reader as codes: `names` names them, and
`Words` (`reader`) speaks to one reader.
"""

from __future__ import annotations

from scheduler.web.workspace.words.english import ENGLISH
from scheduler.web.workspace.words.reader import Words

__all__ = ["ENGLISH", "Words"]
