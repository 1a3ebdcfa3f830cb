"""Answers: the one place where an invitee's answer is recorded, whatever brought it — the RSVP
link (`web`), their calendar client's iTIP REPLY (`calendar`), later the facilitator on their
behalf (`facilitator`) or the slot page (`slot`).

Every answer is kept (the `answer` table), with when it was given: the web form's instant, or
the reply's DTSTAMP. The invitation shows the one given last, whatever order they arrive in: a
late reply stamped before the answer already recorded is kept but changes nothing (a decline,
then an accept that was sent earlier, leaves the decline). A reply naming an older SEQUENCE
still counts: an answer is the person's, not the version's.

When the shown answer changes, the invitation's PARTSTAT, `responded_at` and `answer_source`
change, and the meeting's `changed_at` is stamped, so the facilitator's feed shows it at the
next export; the SEQUENCE never moves (RFC 5546 §2.1.4). The reminder policy reads the PARTSTAT:
a decline stops that person's reminders. An answer for a cancelled or past meeting is kept and
changes nothing. A COUNTER (a proposal of another time) is kept for the facilitator and never
applied.

`meeting_answers` is the meeting as `rituel occurrence show` prints it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy.engine import Engine
from sqlmodel import Session

from scheduler.core.kinds import AnswerSource, OccurrenceStatus, PartStat
from scheduler.errors import NotFoundError
from scheduler.service import wake
from scheduler.store import answers as store
from scheduler.store.db import read_session
from scheduler.store.models import Answer, CounterProposal, Invitation, Occurrence

ANSWERS = frozenset({PartStat.ACCEPTED, PartStat.TENTATIVE, PartStat.DECLINED})


class AnswerOutcome(StrEnum):
    """What recording an answer did."""

    APPLIED = "applied"
    """The invitation now shows this answer."""
    UNCHANGED = "unchanged"
    """Kept; the invitation already showed this answer."""
    SUPERSEDED = "superseded"
    """Kept; an answer given later by the same person stands."""
    CLOSED = "closed"
    """Kept; the meeting is cancelled or over, so nothing changes."""
    DUPLICATE = "duplicate"
    """Already recorded (the same mail read twice): nothing written."""


def is_closed(occurrence: Occurrence, now: datetime) -> bool:
    """True when answers can no longer change anything: cancelled, held or ended."""
    return (
        occurrence.status in (OccurrenceStatus.CANCELLED, OccurrenceStatus.HELD)
        or now >= occurrence.end
    )


def record_answer(
    session: Session,
    invitation: Invitation,
    occurrence: Occurrence,
    partstat: PartStat,
    *,
    source: AnswerSource,
    answered_at: datetime,
    now: datetime,
    sequence: int | None = None,
    comment: str | None = None,
    message_id: str | None = None,
) -> AnswerOutcome:
    """Record that the invitee of `invitation` answered `partstat` at `answered_at`, learnt
    at `now` from `source`; the caller holds the invitation and meeting (locked)."""
    if partstat not in ANSWERS:
        raise ValueError(f"{partstat.value} is not an answer")
    assert invitation.id is not None
    if store.has_answer(session, invitation.id, source.value, answered_at, partstat.value):
        return AnswerOutcome.DUPLICATE
    closed = is_closed(occurrence, now)
    latest = store.latest_answer_at(session, invitation.id)
    superseded = latest is not None and answered_at < latest
    session.add(
        Answer(
            invitation_id=invitation.id,
            partstat=partstat,
            source=source.value,
            answered_at=answered_at,
            recorded_at=now,
            applied=not closed and not superseded,
            sequence=sequence,
            comment=(comment or None) and comment[:2000],
            message_id=(message_id or None) and (message_id or "")[:250],
        )
    )
    if closed:
        return AnswerOutcome.CLOSED
    if superseded:
        return AnswerOutcome.SUPERSEDED
    if invitation.partstat == partstat:
        return AnswerOutcome.UNCHANGED
    invitation.partstat = partstat
    invitation.responded_at = answered_at
    invitation.answer_source = source.value
    occurrence.changed_at = max(occurrence.changed_at, now)
    session.add(invitation)
    session.add(occurrence)
    wake.on_commit(session, f"answer ({source.value})", [invitation.occurrence_id])
    return AnswerOutcome.APPLIED


def record_proposal(
    session: Session,
    invitation: Invitation,
    *,
    proposed_at: datetime,
    start: datetime | None,
    end: datetime | None,
    comment: str | None,
    now: datetime,
    message_id: str | None = None,
) -> bool:
    """Keep a COUNTER for the facilitator; False when it was already kept."""
    assert invitation.id is not None
    if store.has_proposal(session, invitation.id, proposed_at, start):
        return False
    session.add(
        CounterProposal(
            invitation_id=invitation.id,
            start=start,
            end=end,
            comment=(comment or None) and (comment or "")[:2000],
            proposed_at=proposed_at,
            received_at=now,
            message_id=(message_id or None) and (message_id or "")[:250],
        )
    )
    return True


# --- a meeting and its answers -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class InviteeAnswer:
    """One invitee of a meeting and where they stand."""

    email: str
    name: str
    answer: PartStat
    answered_at: datetime | None
    source: str | None
    comment: str | None
    attended: bool | None


@dataclass(frozen=True, slots=True)
class Proposal:
    """A proposal of another time, for the facilitator to decide."""

    email: str
    start: datetime | None
    end: datetime | None
    comment: str | None
    received_at: datetime


@dataclass(frozen=True, slots=True)
class MeetingAnswers:
    """A meeting with its invitees, their answers and attendance."""

    uid: str
    kind: str
    status: OccurrenceStatus
    sequence: int
    start: datetime
    end: datetime
    facilitator_id: str
    invitees: tuple[InviteeAnswer, ...]
    proposals: tuple[Proposal, ...]

    def as_json(self) -> dict[str, object]:
        """The meeting for `--json`: answers as lower-case words (`needs-action`…)."""
        return {
            "uid": self.uid,
            "kind": self.kind,
            "status": self.status.value,
            "sequence": self.sequence,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "facilitator": self.facilitator_id,
            "invitees": [
                {
                    "email": i.email,
                    "name": i.name,
                    "answer": i.answer.value.lower(),
                    "answered_at": i.answered_at.isoformat() if i.answered_at else None,
                    "source": i.source,
                    "comment": i.comment,
                    "attended": i.attended,
                }
                for i in self.invitees
            ],
            "proposals": [
                {
                    "email": p.email,
                    "start": p.start.isoformat() if p.start else None,
                    "end": p.end.isoformat() if p.end else None,
                    "comment": p.comment,
                    "received_at": p.received_at.isoformat(),
                }
                for p in self.proposals
            ],
        }


def meeting_answers(engine: Engine, uid: str) -> MeetingAnswers:
    """The meeting `uid` with its invitees and their answers; NotFoundError when unknown."""
    with read_session(engine) as session:
        occurrence = store.occurrence_by_uid(session, uid.strip())
        if occurrence is None or occurrence.id is None:
            raise NotFoundError(f"no meeting with UID {uid!r}")
        invitees = tuple(
            InviteeAnswer(
                email=row.contact.email,
                name=row.contact.name,
                answer=PartStat(row.invitation.partstat),
                answered_at=row.invitation.responded_at,
                source=row.invitation.answer_source,
                comment=row.comment,
                attended=row.invitation.attended,
            )
            for row in store.invitees_of(session, occurrence.id)
        )
        proposals = tuple(
            Proposal(contact.email, p.start, p.end, p.comment, p.received_at)
            for p, contact in store.proposals_of(session, occurrence.id)
        )
        return MeetingAnswers(
            uid=occurrence.uid,
            kind=occurrence.kind,
            status=OccurrenceStatus(occurrence.status),
            sequence=occurrence.sequence,
            start=occurrence.start,
            end=occurrence.end,
            facilitator_id=occurrence.facilitator_id,
            invitees=invitees,
            proposals=proposals,
        )
