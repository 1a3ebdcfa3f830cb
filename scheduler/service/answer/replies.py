"""Answers from the invitees' own calendars: iMIP replies, from saved files or from the IMAP
folder where the ORGANIZER's mail arrives, recorded through `record_answer` (source
`calendar`), the same path as an RSVP link's answer.

A mail is matched by the UID of each reply it carries (one of our meetings) and by its ATTENDEE
(an invitee of that meeting, compared case-insensitively); a reply with no ATTENDEE names the
mail's From: address instead, and only when that address is an invitee. A REPLY's PARTSTAT
(accepted, tentative, declined) is recorded as an answer made at its DTSTAMP (the mail's date
when it has none; never later than the instant it is read); a COUNTER is kept as a proposal for
the facilitator. Each mail is one transaction.

A mail is *processed* when every reply in it was recorded (or already was): the poller then
moves it to the processed folder. A reply for an unknown UID, from someone not invited, or with
another PARTSTAT (DELEGATED…) is logged and left where it is, as is any mail that is not a
reply: rituel never touches what it did not process.

`ReplyWatcher` is the daemon's side: it keeps a connection, looks at new mail as it arrives
(IDLE, or every `poll_interval`), and on any failure logs it once, records it for `rituel check`
and the digest, and retries with exponential backoff; it never stops the daemon.
"""

from __future__ import annotations

import email
import email.policy
import os
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from scheduler.clock import Clock
from scheduler.config import ImapSettings, Settings
from scheduler.core.kinds import AnswerSource, PartStat
from scheduler.errors import InputError
from scheduler.logs import get_logger
from scheduler.replies import MailReading, ReplyFacts, ReplyKind, read_mail
from scheduler.replies.imap import ImapMailbox, MailboxAddress, MailboxError
from scheduler.service.answer.answers import ANSWERS, AnswerOutcome, record_answer, record_proposal
from scheduler.service.plan.effective import effective_settings
from scheduler.store import answers as store
from scheduler.store.db import session_scope

log = get_logger("replies")

BACKOFF_SECONDS = (5.0, 900.0)
"""The first wait after a mailbox failure, and the longest; it doubles in between."""


# --- one mail ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReplyOutcome:
    """What became of one reply in a mail."""

    applied: bool
    """It changed what the meeting shows (an answer), or was kept as a new proposal."""
    handled: bool
    """It is recorded, now or before: the mail may leave the folder."""
    detail: str


@dataclass(frozen=True, slots=True)
class MailOutcome:
    """What became of one mail."""

    replies: tuple[ReplyOutcome, ...] = ()
    problem: str | None = None
    """Why the mail holds no reply rituel reads."""
    subject: str = ""

    @property
    def processed(self) -> bool:
        """True when every reply in it is recorded: it may move to the processed folder."""
        return bool(self.replies) and all(r.handled for r in self.replies)

    @property
    def applied(self) -> bool:
        """True when something changed for the facilitator."""
        return any(r.applied for r in self.replies)

    def describe(self) -> str:
        """`applied: …` or `ignored: …`, one line."""
        if not self.replies:
            return f"ignored: {self.problem or 'no reply'}"
        label = "applied" if self.applied else "ignored"
        return f"{label}: " + "; ".join(r.detail for r in self.replies)


def parse_mail(raw: bytes, timezone: str) -> MailReading:
    """The replies in a raw mail."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    return read_mail(message, timezone)


def process_mail(settings: Settings, engine: Engine, raw: bytes, now: datetime) -> MailOutcome:
    """Record the answers and proposals a raw mail carries, in one transaction."""
    reading = parse_mail(raw, settings.organisation.timezone)
    if not reading.replies:
        return MailOutcome(problem=reading.problem, subject=reading.subject)
    with session_scope(engine) as session:
        settings = effective_settings(settings, session)
        outcomes = tuple(_apply(session, reading, fact, now) for fact in reading.replies)
    return MailOutcome(outcomes, subject=reading.subject)


_WORDS = {
    PartStat.ACCEPTED: "accepted",
    PartStat.TENTATIVE: "tentative",
    PartStat.DECLINED: "declined",
}


def _apply(session: Session, reading: MailReading, fact: ReplyFacts, now: datetime) -> ReplyOutcome:
    occurrence = store.occurrence_by_uid(session, fact.uid)
    if occurrence is None or occurrence.id is None:
        return ReplyOutcome(False, False, f"no meeting has UID {fact.uid}")
    who = fact.attendee
    if who is None:
        if reading.sender is None:
            return ReplyOutcome(False, False, f"no ATTENDEE and no From: for {fact.uid}")
        who = reading.sender
    rows = store.invitation_of(session, occurrence.id, who, lock=True)
    if rows is None:
        how = "" if fact.attendee else " (no ATTENDEE; From:)"
        return ReplyOutcome(False, False, f"{who}{how} is not invited to {fact.uid}")
    stamp = min(fact.dtstamp or reading.date or now, now)
    if fact.kind is ReplyKind.COUNTER:
        kept = record_proposal(
            session,
            rows.invitation,
            proposed_at=stamp,
            start=fact.proposed_start,
            end=fact.proposed_end,
            comment=fact.comment,
            now=now,
            message_id=reading.message_id,
        )
        what = "kept for the facilitator" if kept else "already kept"
        return ReplyOutcome(kept, True, f"{who} proposes another time for {fact.uid}: {what}")
    partstat = _partstat(fact.partstat)
    if partstat is None:
        return ReplyOutcome(
            False, False, f"{who} answered {fact.partstat or 'nothing'} for {fact.uid}"
        )
    outcome = record_answer(
        session,
        rows.invitation,
        rows.occurrence,
        partstat,
        source=AnswerSource.CALENDAR,
        answered_at=stamp,
        now=now,
        sequence=fact.sequence,
        comment=fact.comment,
        message_id=reading.message_id,
    )
    word = _WORDS[partstat]
    detail = {
        AnswerOutcome.APPLIED: f"{who} {word} {fact.uid}",
        AnswerOutcome.UNCHANGED: f"{who} {word} {fact.uid} (as already recorded)",
        AnswerOutcome.SUPERSEDED: f"{who} {word} {fact.uid}, but a later answer stands",
        AnswerOutcome.CLOSED: f"{who} {word} {fact.uid}, which is cancelled or over",
        AnswerOutcome.DUPLICATE: f"{who} {word} {fact.uid}: already recorded",
    }[outcome]
    applied = outcome in (AnswerOutcome.APPLIED, AnswerOutcome.UNCHANGED)
    return ReplyOutcome(applied, True, detail)


def _partstat(value: str | None) -> PartStat | None:
    try:
        partstat = PartStat(value or "")
    except ValueError:
        return None
    return partstat if partstat in ANSWERS else None


# --- saved files ---------------------------------------------------------------------------------


def import_file(settings: Settings, engine: Engine, path: Path, now: datetime) -> MailOutcome:
    """Process a saved mail (`.eml`) as the poller would; InputError when it cannot be read."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot be read: {exc.strerror or exc}") from None
    return process_mail(settings, engine, raw, now)


# --- the mailbox ---------------------------------------------------------------------------------


def mailbox_address(settings: ImapSettings, base_dir: Path) -> MailboxAddress:
    """Where `[mail.imap]` says to read, the password taken from its variable."""
    password = os.environ.get(settings.password_env, "")
    if settings.username and not password:
        raise MailboxError(
            f"[mail.imap] password_env: the variable {settings.password_env} is not set"
        )
    ca_file = None
    if settings.ca_file:
        ca_file = Path(settings.ca_file)
        ca_file = ca_file if ca_file.is_absolute() else base_dir / ca_file
    return MailboxAddress(
        host=settings.host,
        port=settings.server_port,
        security=settings.security,
        username=settings.username,
        password=password,
        folder=settings.folder,
        processed_folder=settings.processed_folder,
        timeout=settings.timeout_seconds,
        ca_file=ca_file,
    )


@dataclass
class PollReport:
    """What one look at the folder did."""

    last_uid: int
    """The highest UID looked at: the next look starts after it."""
    examined: int = 0
    processed: int = 0
    applied: int = 0
    left: list[str] = field(default_factory=list)


def poll_once(
    settings: Settings, engine: Engine, mailbox: ImapMailbox, now: datetime, after_uid: int = 0
) -> PollReport:
    """Read the replies that arrived after `after_uid`, record them, move the processed ones."""
    last = max(after_uid, mailbox.last_uid())
    uids = mailbox.calendar_messages(after_uid)
    report = PollReport(last_uid=last, examined=len(uids))
    processed = []
    for uid, raw in sorted(mailbox.read(uids).items()):
        try:
            outcome = process_mail(settings, engine, raw, now)
        except SQLAlchemyError:
            raise  # the database is down: this pass stops and the mail is read again later
        except Exception:  # a mail nobody foresaw must not stop the others: leave it there
            log.exception("left in the mailbox: message %d could not be read", uid)
            report.left.append(f"ignored: message {uid} could not be read")
            continue
        if outcome.processed:
            processed.append(uid)
            report.applied += outcome.applied
            log.info("reply %s", outcome.describe())
        elif outcome.replies:
            report.left.append(outcome.describe())
            log.info("left in the mailbox (%s): %s", outcome.subject, outcome.describe())
    mailbox.move_to_processed(processed)
    report.processed = len(processed)
    return report


def check_mailbox(settings: Settings) -> str:
    """Connect, log in and open the folder once; the mailbox's name, or MailboxError."""
    imap = settings.mail.imap
    address = mailbox_address(imap, settings.base_dir)
    with ImapMailbox(address):
        return address.name


def placement_warnings(settings: Settings) -> list[str]:
    """What may keep replies from reaching the mailbox rituel reads."""
    imap = settings.mail.imap
    warnings = []
    if imap.placement == "facilitator" and len(settings.facilitators) > 1:
        warnings.append(
            "placement 'facilitator': replies go to each facilitator's own address, and only "
            "one mailbox is read; use placement 'organizer' for several facilitators"
        )
    if imap.placement == "organizer" and imap.address != settings.mail.sender:
        warnings.append(
            f"the ORGANIZER {imap.address} differs from [mail] sender {settings.mail.sender}: "
            "some clients then show an unknown organizer; send from the organizer address"
        )
    return warnings


class ReplyWatcher:
    """Reads the replies mailbox until told to stop (run it in a thread)."""

    def __init__(
        self,
        settings: Callable[[], Settings],
        engine: Engine,
        clock: Clock,
        *,
        on_applied: Callable[[], None] | None = None,
        backoff: tuple[float, float] = BACKOFF_SECONDS,
    ) -> None:
        self.settings = settings
        self.engine = engine
        self.clock = clock
        self.on_applied = on_applied
        self.backoff = backoff
        self.failures = 0
        self._last_error: str | None = None
        self._after_uid = 0
        self._uidvalidity: int | None = None

    def run(self, stop: threading.Event) -> None:
        """Watch until `stop` is set (or the mailbox is no longer configured)."""
        while not stop.is_set():
            settings = self.settings()
            if not settings.mail.imap.enabled:
                return
            try:
                self._watch(settings, stop)
            except MailboxError as exc:
                self._failed(str(exc), stop)
            except Exception as exc:  # never let the thread die: log, back off, retry
                self._failed(f"{type(exc).__name__}: {exc}", stop, unexpected=True)

    def _watch(self, settings: Settings, stop: threading.Event) -> None:
        imap = settings.mail.imap
        address = mailbox_address(imap, settings.base_dir)
        with ImapMailbox(address) as mailbox:
            if mailbox.uidvalidity != self._uidvalidity:
                self._uidvalidity, self._after_uid = mailbox.uidvalidity, 0
            while not stop.is_set():
                report = poll_once(settings, self.engine, mailbox, self.clock(), self._after_uid)
                self._after_uid = report.last_uid
                self._succeeded(address.name)
                if report.applied and self.on_applied is not None:
                    self.on_applied()
                if self.settings() is not settings:
                    return  # reloaded: reconnect with the new settings
                mailbox.wait_for_mail(imap.poll_interval, stop)

    def _succeeded(self, name: str) -> None:
        if self.failures:
            log.info("replies mailbox %s reachable again after %d failures", name, self.failures)
        self._save(name, None)
        self.failures = 0
        self._last_error = ""

    def _failed(self, error: str, stop: threading.Event, *, unexpected: bool = False) -> None:
        """Log a failure once (until it changes or reading recovers), record it, back off."""
        self.failures += 1
        if error != self._last_error:
            log.error("replies mailbox: %s (retrying with backoff)", error, exc_info=unexpected)
            self._last_error = error
        try:
            imap = self.settings().mail.imap
            self._save(_name(imap), error)
        except Exception:  # the database may be what fails: the log says it already
            log.debug("replies mailbox: status not saved", exc_info=True)
        first, longest = self.backoff
        delay = min(longest, first * 2 ** min(self.failures - 1, 20))
        stop.wait(delay * random.uniform(0.8, 1.0))

    def _save(self, name: str, error: str | None) -> None:
        with session_scope(self.engine) as session:
            store.save_mailbox_status(session, name, self.clock(), error)


def _name(imap: ImapSettings) -> str:
    return f"{imap.username or '-'}@{imap.host}:{imap.server_port}/{imap.folder}"
