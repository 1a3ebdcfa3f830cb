"""Who messages go to, and what they stopped: a reader is a contact of the directory or a
facilitator. Pure.

A reader may stop a kind of message, every message about a ritual kind, or every mail; but the
meetings of their own convention (the per-buyer rituals: programming review, internal
awareness, convention renewal) are part of what the buyer signed for and are not unsubscribable:
those go unless the reader stopped every mail (`stoppable`).
"""

from __future__ import annotations

from dataclasses import dataclass

from scheduler.core.kinds import RitualKind, Scope
from scheduler.core.messages import MessageKind


@dataclass(frozen=True, slots=True)
class Reader:
    """Someone messages go to: a contact (with an id) or a facilitator (with theirs)."""

    email: str
    name: str = ""
    locale: str = "fr"
    contact_id: int | None = None
    facilitator_id: str | None = None
    unsubscribed_from: frozenset[MessageKind] = frozenset()
    unsubscribed_rituals: frozenset[RitualKind] = frozenset()
    """Ritual kinds this reader stopped every message about."""
    unsubscribed_all: bool = False
    """This reader stopped every mail (their directory entry says so)."""
    organisation_id: int | None = None
    """The organisation a contact works for (None: the guichet's own people, a facilitator)."""

    def wants(self, kind: MessageKind) -> bool:
        """False when this reader asked to stop receiving `kind`."""
        return not self.unsubscribed_all and kind not in self.unsubscribed_from

    def wants_about(self, kind: MessageKind, ritual: RitualKind) -> bool:
        """False when this reader stopped `kind` or every message about `ritual`, and a reader
        may stop those (see `stoppable`)."""
        if self.unsubscribed_all:
            return False
        if not stoppable(ritual):
            return True
        return kind not in self.unsubscribed_from and ritual not in self.unsubscribed_rituals

    def works_for(self, organisation_id: int | None) -> bool:
        """True when this reader is one of the people of the organisation `organisation_id`."""
        return organisation_id is not None and self.organisation_id == organisation_id


def stoppable(ritual: RitualKind | None) -> bool:
    """Whether a reader may stop messages about meetings of `ritual` (by message kind or by
    ritual kind): not those of their own convention — a per-buyer ritual is part of what the
    buyer signed for. Messages about no meeting (notices, digests) follow their kind only."""
    return ritual is None or ritual.scope is not Scope.BUYER
