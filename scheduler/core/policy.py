"""The message policy: from meetings, their invitees, conventions, facilitators and `now`, the
messages that should exist. Pure: the service turns its answer into outbox rows.

- an invitation `invite_days_before` the meeting (per kind), at the guichet's morning send time;
  one still ahead after downtime is sent at once, never one for a meeting that has started;
- reminders at `reminders_days_before` offsets to invitees who have not declined; a reminder
  whose meeting has started, or that a later reminder has overtaken, is recorded as skipped;
- an update at once to those already invited when an announced meeting moves (SEQUENCE in the
  key, so every move gives one), a cancellation at once when it is cancelled;
- a cancellation at once to an invitee taken off one meeting (if their invitation went), and
  nothing else about it: RFC 5546 §3.2.5, a CANCEL naming only them; the others hear nothing;
- renewal notices 120 and 60 days (configurable) before a convention's end, to the readers the
  service gives: the buyer's contacts (a notice speaks to the buyer, not to the guichet's people);
- a weekly digest to each facilitator (Monday 08:00 local by default).

A message is rendered when it goes, and the policy says again then whether it still goes
(`meeting_verdict`, `renewal_verdict`): not once its meeting started, was cancelled or moved
since, nor to a reader who stopped it or declined.

Nobody gets a kind they unsubscribed from, nor any message about a ritual kind they stopped —
except about the meetings of their own convention (the per-buyer rituals: programming review,
internal awareness, convention renewal), which are part of what the buyer signed for and are not
unsubscribable: those go unless the reader stopped every mail
(`scheduler.core.readers.stoppable`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from scheduler.core.kinds import OccurrenceStatus, PartStat, RitualKind
from scheduler.core.meeting import Meeting
from scheduler.core.messages import MessageKind, MessageState
from scheduler.core.readers import Reader

DIGEST_GRACE = timedelta(days=1)
"""A digest more than a day late (downtime) is recorded as skipped: next week's will come."""


@dataclass(frozen=True, slots=True)
class MessageIntent:
    """One message the policy wants in the outbox; `key` makes enqueuing it idempotent."""

    kind: MessageKind
    key: str
    recipient: str
    due_at: datetime
    recipient_name: str = ""
    locale: str = "fr"
    occurrence_id: int | None = None
    convention_id: int | None = None
    contact_id: int | None = None
    facilitator_id: str | None = None
    sequence: int = 0
    offset_days: int | None = None
    skip_reason: str | None = None
    """Set when the message is recorded as skipped, never sent (a reminder caught up late)."""


@dataclass(frozen=True, slots=True)
class ConventionFacts:
    """A buyer's convention and who hears about its renewal (the buyer's contacts)."""

    convention_id: int
    end: date
    active: bool
    readers: tuple[Reader, ...] = ()


@dataclass(frozen=True, slots=True)
class MessageRules:
    """The configuration the policy follows."""

    timezone: str = "Europe/Paris"
    invite_days_before: Mapping[RitualKind, int] = field(default_factory=dict)
    reminders_days_before: Mapping[RitualKind, tuple[int, ...]] = field(default_factory=dict)
    renewal_notice_days: tuple[int, ...] = (120, 60)
    digest_weekday: int = 0
    digest_time: time = time(8, 0)
    send_time: time = time(9, 0)
    """Local time at which day-counted messages (invitations, reminders, notices) go out."""

    def invite_days(self, kind: RitualKind) -> int:
        """Days before a meeting of `kind` its invitation goes (30 unless configured)."""
        return self.invite_days_before.get(kind, 30)

    def reminder_days(self, kind: RitualKind) -> tuple[int, ...]:
        """Reminder offsets for `kind`, largest first (7 and 1 unless configured)."""
        return tuple(sorted(set(self.reminders_days_before.get(kind, (7, 1))), reverse=True))


@dataclass(frozen=True, slots=True)
class Verdict:
    """A message that will not be sent after all, and why: the state that closes it."""

    state: MessageState
    reason: str


def message_key(kind: MessageKind, subject: str, recipient: str, detail: str = "") -> str:
    """'occ:12/reminder/s1-7d/elise@ville.example': what a message is about, its kind, (for an
    update, a reminder or a notice) its SEQUENCE or offset, and to whom."""
    parts = [subject, kind.value, *([detail] if detail else []), recipient.lower()]
    return "/".join(parts)


def due_messages(
    meetings: Iterable[Meeting],
    conventions: Iterable[ConventionFacts],
    facilitators: Iterable[Reader],
    rules: MessageRules,
    now: datetime,
) -> list[MessageIntent]:
    """Every message the policy wants to exist at `now`."""
    intents: list[MessageIntent] = []
    for meeting in meetings:
        intents.extend(meeting_messages(meeting, rules, now))
    for convention in conventions:
        intents.extend(renewal_notices(convention, rules, now))
    for facilitator in facilitators:
        intents.extend(weekly_digest(facilitator, rules, now))
    return intents


def meeting_messages(meeting: Meeting, rules: MessageRules, now: datetime) -> list[MessageIntent]:
    """Invitations, updates, reminders or cancellations for one meeting."""
    if meeting.status is OccurrenceStatus.HELD:
        return []
    removed = _removals(meeting, now)
    meeting = replace(meeting, invitees=tuple(i for i in meeting.invitees if i.removed_at is None))
    if meeting.status is OccurrenceStatus.CANCELLED:
        return [*_cancellations(meeting, now), *removed]
    return [
        *_invitations(meeting, rules, now),
        *_updates(meeting, now),
        *_reminders(meeting, rules, now),
        *removed,
    ]


def _removals(meeting: Meeting, now: datetime) -> list[MessageIntent]:
    """A CANCEL to each invitee taken off the meeting whose invitation went, at the moment of
    their removal; its own key (`removed`), so a later cancellation of the whole meeting sends
    them nothing more."""
    return [
        _about(
            meeting,
            MessageKind.CANCEL,
            invitee.reader,
            invitee.removed_at,
            detail="removed",
            skip_reason="the meeting had started" if meeting.start <= now else None,
        )
        for invitee in meeting.invitees
        if invitee.removed_at is not None
        and invitee.invited
        and invitee.reader.wants_about(MessageKind.CANCEL, meeting.kind)
    ]


def _invitations(meeting: Meeting, rules: MessageRules, now: datetime) -> list[MessageIntent]:
    due = min(_at_send_time(meeting.start, rules.invite_days(meeting.kind), rules), meeting.start)
    if meeting.booked_at is not None:
        due = min(due, meeting.booked_at)
    late = "the meeting had started" if meeting.start <= now else None
    return [
        _about(meeting, MessageKind.INVITE, invitee.reader, due, skip_reason=late)
        for invitee in meeting.invitees
        if invitee.reader.wants_about(MessageKind.INVITE, meeting.kind)
        and invitee.partstat != PartStat.DECLINED
    ]


def _updates(meeting: Meeting, now: datetime) -> list[MessageIntent]:
    if meeting.sequence == 0 or meeting.status not in (
        OccurrenceStatus.ANNOUNCED,
        OccurrenceStatus.MOVED,
    ):
        return []
    late = "the meeting had started" if meeting.start <= now else None
    return [
        _about(
            meeting,
            MessageKind.UPDATE,
            invitee.reader,
            meeting.changed_at,
            detail=f"s{meeting.sequence}",
            skip_reason=late,
        )
        for invitee in meeting.invitees
        if invitee.invited
        and not invitee.current
        and invitee.reader.wants_about(MessageKind.UPDATE, meeting.kind)
    ]


def _reminders(meeting: Meeting, rules: MessageRules, now: datetime) -> list[MessageIntent]:
    """Reminders after the invitation, to those who have not declined. Of the ones already due,
    only the latest goes: a meeting is never announced late nor twice in a row."""
    offsets = [d for d in rules.reminder_days(meeting.kind) if d < rules.invite_days(meeting.kind)]
    dues = {d: min(_at_send_time(meeting.start, d, rules), meeting.start) for d in offsets}
    started = "the meeting had started" if meeting.start <= now else None
    skips = _latest_due_only(dues, now, "reminder", closed=started)
    intents = []
    for offset in offsets:
        skip = skips[offset]
        for invitee in meeting.invitees:
            if invitee.partstat == PartStat.DECLINED:
                continue
            if not invitee.reader.wants_about(MessageKind.REMINDER, meeting.kind):
                continue
            intents.append(
                _about(
                    meeting,
                    MessageKind.REMINDER,
                    invitee.reader,
                    dues[offset],
                    detail=f"s{meeting.sequence}-{offset}d",
                    offset_days=offset,
                    skip_reason=skip,
                )
            )
    return intents


def _cancellations(meeting: Meeting, now: datetime) -> list[MessageIntent]:
    late = "the meeting had started" if meeting.start <= now else None
    return [
        _about(
            meeting,
            MessageKind.CANCEL,
            invitee.reader,
            meeting.changed_at,
            detail=f"s{meeting.sequence}",
            skip_reason=late,
        )
        for invitee in meeting.invitees
        if invitee.invited and invitee.reader.wants_about(MessageKind.CANCEL, meeting.kind)
    ]


def renewal_notices(
    convention: ConventionFacts, rules: MessageRules, now: datetime
) -> list[MessageIntent]:
    """Notices before an active convention ends; of those already due only the latest goes."""
    if not convention.active:
        return []
    zone = ZoneInfo(rules.timezone)
    today = now.astimezone(zone).date()
    offsets = sorted(set(rules.renewal_notice_days), reverse=True)
    dues = {
        d: datetime.combine(convention.end - timedelta(days=d), rules.send_time, zone)
        for d in offsets
    }
    ended = "the convention had ended" if convention.end < today else None
    skips = _latest_due_only(dues, now, "notice", closed=ended)
    intents = []
    for offset in offsets:
        skip = skips[offset]
        for reader in convention.readers:
            if not reader.wants(MessageKind.RENEWAL_NOTICE):
                continue
            intents.append(
                MessageIntent(
                    kind=MessageKind.RENEWAL_NOTICE,
                    key=message_key(
                        MessageKind.RENEWAL_NOTICE,
                        f"conv:{convention.convention_id}",
                        reader.email,
                        f"{offset}d",
                    ),
                    recipient=reader.email,
                    due_at=dues[offset],
                    recipient_name=reader.name,
                    locale=reader.locale,
                    convention_id=convention.convention_id,
                    contact_id=reader.contact_id,
                    facilitator_id=reader.facilitator_id,
                    offset_days=offset,
                    skip_reason=skip,
                )
            )
    return intents


def weekly_digest(facilitator: Reader, rules: MessageRules, now: datetime) -> list[MessageIntent]:
    """This week's digest for `facilitator`, once its time has come."""
    if not facilitator.wants(MessageKind.DIGEST):
        return []
    zone = ZoneInfo(rules.timezone)
    local = now.astimezone(zone)
    monday = local.date() - timedelta(days=(local.weekday() - rules.digest_weekday) % 7)
    due = datetime.combine(monday, rules.digest_time, zone)
    if due > now:
        due = datetime.combine(monday - timedelta(weeks=1), rules.digest_time, zone)
    year, week, _ = due.date().isocalendar()
    late = "sent more than a day late" if now - due > DIGEST_GRACE else None
    return [
        MessageIntent(
            kind=MessageKind.DIGEST,
            key=message_key(
                MessageKind.DIGEST,
                f"fac:{facilitator.facilitator_id}",
                facilitator.email,
                f"{year}-W{week:02d}",
            ),
            recipient=facilitator.email,
            due_at=due,
            recipient_name=facilitator.name,
            locale=facilitator.locale,
            facilitator_id=facilitator.facilitator_id,
            skip_reason=late,
        )
    ]


def _latest_due_only(
    dues: dict[int, datetime], now: datetime, word: str, *, closed: str | None
) -> dict[int, str | None]:
    """Why each offset's message is skipped, if it is: all of them once `closed` says so;
    otherwise, of those already due, every one but the latest (the nearest offset) — a
    message is never sent late nor twice in a row."""
    latest_due = min((d for d, due in dues.items() if due <= now), default=None)
    return {
        offset: closed
        or (
            f"overtaken by the {latest_due}-day {word}"
            if latest_due is not None and offset > latest_due
            else None
        )
        for offset in dues
    }


def _at_send_time(start: datetime, days_before: int, rules: MessageRules) -> datetime:
    """`days_before` the meeting's local day, at the morning send time."""
    zone = ZoneInfo(rules.timezone)
    day = start.astimezone(zone).date() - timedelta(days=days_before)
    return datetime.combine(day, rules.send_time, zone)


def _about(
    meeting: Meeting,
    kind: MessageKind,
    reader: Reader,
    due: datetime,
    *,
    detail: str = "",
    offset_days: int | None = None,
    skip_reason: str | None = None,
) -> MessageIntent:
    return MessageIntent(
        kind=kind,
        key=message_key(kind, f"occ:{meeting.occurrence_id}", reader.email, detail),
        recipient=reader.email,
        due_at=due,
        recipient_name=reader.name,
        locale=reader.locale,
        occurrence_id=meeting.occurrence_id,
        contact_id=reader.contact_id,
        sequence=meeting.sequence,
        offset_days=offset_days,
        skip_reason=skip_reason,
    )


# --- at send time: does the message still go ----------------------------------------------------


def meeting_verdict(
    kind: MessageKind,
    sequence: int,
    meeting: Meeting,
    reader: Reader | None,
    partstat: PartStat | None,
    now: datetime,
    *,
    removed: bool = False,
) -> Verdict | None:
    """Why a message of `kind` written at `sequence` about `meeting`, to `reader` (who answered
    `partstat`; `removed`: taken off the meeting since), must not go at `now`; None when it
    goes. Someone removed gets their CANCEL only, whether the meeting is cancelled or not."""
    if removed and kind is not MessageKind.CANCEL:
        return Verdict(MessageState.CANCELLED, "the invitee was removed from the meeting")
    if kind is MessageKind.CANCEL and not meeting.cancelled and not removed:
        return Verdict(MessageState.CANCELLED, "the meeting is no longer cancelled")
    if kind is not MessageKind.CANCEL and meeting.cancelled:
        return Verdict(MessageState.CANCELLED, "the meeting was cancelled")
    if meeting.start <= now:
        return Verdict(MessageState.SKIPPED, "the meeting has already started")
    if kind is MessageKind.REMINDER and sequence != meeting.sequence:
        return Verdict(MessageState.CANCELLED, "the meeting moved since")
    if kind is MessageKind.UPDATE and sequence < meeting.sequence:
        return Verdict(MessageState.CANCELLED, "a later update supersedes it")
    if reader is not None and not reader.wants_about(kind, meeting.kind):
        return Verdict(MessageState.SKIPPED, f"unsubscribed from {kind.value}")
    if kind is MessageKind.REMINDER and partstat == PartStat.DECLINED:
        return Verdict(MessageState.SKIPPED, "declined")
    return None


def renewal_verdict(
    convention: ConventionFacts | None, to_buyer: bool, today: date
) -> Verdict | None:
    """Why a renewal notice about `convention` must not go `today` (`to_buyer`: its reader is
    one of the buyer's contacts, not the guichet's); None when it goes."""
    if convention is None or not convention.active:
        return Verdict(MessageState.CANCELLED, "the convention is no longer active")
    if not to_buyer:
        return Verdict(MessageState.CANCELLED, "renewal notices go to the buyer's contacts")
    if convention.end < today:
        return Verdict(MessageState.SKIPPED, "the convention has ended")
    return None
