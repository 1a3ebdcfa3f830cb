"""`rituel check`: is the configuration usable and the database sane?"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from ipaddress import ip_address
from typing import Literal

from sqlalchemy.engine import Engine
from sqlmodel import Session

from scheduler.config import Settings
from scheduler.errors import ConfigError
from scheduler.replies.imap import MailboxError
from scheduler.service.access.signing import secret_problem
from scheduler.service.answer.replies import check_mailbox, placement_warnings
from scheduler.service.plan.effective import effective
from scheduler.service.plan.planning import horizon, missing_reviews
from scheduler.store import directory, occurrences
from scheduler.store.answers import mailbox_status
from scheduler.store.db import read_session, schema_revisions

Level = Literal["ok", "warning", "error"]


@dataclass(frozen=True)
class CheckResult:
    """One line of `rituel check`."""

    name: str
    level: Level
    detail: str


def run_checks(settings: Settings, engine: Engine, now: datetime) -> list[CheckResult]:
    """Every check, in the order the operator reads them, on the effective rituals and team
    (config.toml's overlaid by the workspace's)."""
    schema = _schema(engine)
    stored: list[CheckResult] = []
    if schema.level == "ok":
        try:
            settings = effective(settings, engine, strict=True)
        except ConfigError as exc:
            stored.append(CheckResult("workspace settings", "error", str(exc)))
    results = [_facilitators(settings), schema, *stored]
    results += [_secret(settings), _mail_security(settings)]
    with read_session(engine) as session:
        results += _directory(session, settings, now)
        results.append(_reviews(session, settings, now))
        results += _replies_mailbox(session, settings)
    return results


def _replies_mailbox(session: Session, settings: Settings) -> list[CheckResult]:
    """Can rituel read the mailbox where calendar replies arrive, and could the daemon?"""
    imap = settings.mail.imap
    if not imap.enabled:
        return [
            CheckResult(
                "replies mailbox", "ok", "not configured: answers come only from RSVP links"
            )
        ]
    results = []
    try:
        name = check_mailbox(settings)
    except MailboxError as exc:
        results.append(CheckResult("replies mailbox", "error", str(exc)))
    else:
        results.append(CheckResult("replies mailbox", "ok", f"{name} ({imap.placement}'s)"))
    status = mailbox_status(session)
    if status is not None and status.error:
        since = status.failing_since or status.checked_at
        results.append(
            CheckResult(
                "replies reader",
                "error",
                f"the daemon cannot read it since {since:%Y-%m-%d %H:%M} UTC: {status.error}",
            )
        )
    results += [
        CheckResult("replies placement", "warning", w) for w in placement_warnings(settings)
    ]
    return results


def _facilitators(settings: Settings) -> CheckResult:
    if not settings.facilitators:
        return CheckResult("facilitators", "error", "no [[facilitators]] in the configuration")
    return CheckResult("facilitators", "ok", ", ".join(f.id for f in settings.facilitators))


def _secret(settings: Settings) -> CheckResult:
    problem = secret_problem(settings)
    if problem is not None:
        return CheckResult("signing secret", "error", problem)
    return CheckResult("signing secret", "ok", "usable")


def _mail_security(settings: Settings) -> CheckResult:
    """SMTP AUTH without TLS to another machine sends the password in clear."""
    mail = settings.mail
    if mail.transport != "smtp":
        return CheckResult("mail", "ok", f".eml files in {settings.resolve(mail.outbox_dir)}")
    smtp = mail.smtp
    where = f"{smtp.host}:{smtp.port} ({smtp.security})"
    if smtp.username and smtp.security == "none" and not _loopback(smtp.host):
        return CheckResult(
            "mail",
            "warning",
            f'[mail.smtp] security = "none": the password of {smtp.username} goes in clear '
            f'to {where}; use "starttls" or "tls"',
        )
    return CheckResult("mail", "ok", f"SMTP to {where}")


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _schema(engine: Engine) -> CheckResult:
    current, head = schema_revisions(engine)
    if current != head:
        return CheckResult("schema", "error", f"at {current}, expected {head}")
    return CheckResult("schema", "ok", f"{engine.url.render_as_string()} at {current}")


def _directory(session: Session, settings: Settings, now: datetime) -> list[CheckResult]:
    known = {f.id for f in settings.facilitators}
    buyer_list = directory.buyers(session)
    strangers = [b.slug for b in buyer_list if b.facilitator_id and b.facilitator_id not in known]
    active = directory.with_active_convention(session, now.date())
    without = [b.slug for b in buyer_list if b.id not in active]
    upcoming = occurrences.upcoming_count(session, now)
    return [
        CheckResult(
            "buyers",
            "warning" if not buyer_list else "ok",
            f"{len(buyer_list)} buyers" if buyer_list else "no buyer yet: rituel import buyers",
        ),
        CheckResult(
            "buyer facilitators",
            "error" if strangers else "ok",
            f"unknown facilitator for {', '.join(strangers[:10])}" if strangers else "all known",
        ),
        CheckResult(
            "conventions",
            "warning" if without else "ok",
            f"no active convention: {', '.join(without[:10])}" if without else "all active",
        ),
        CheckResult(
            "plan",
            "ok" if upcoming else "warning",
            f"{upcoming} upcoming meetings" if upcoming else "nothing planned: rituel plan",
        ),
    ]


def _reviews(session: Session, settings: Settings, now: datetime) -> CheckResult:
    """Active buyers that `rituel plan` leaves without a programming review, and why."""
    missing = missing_reviews(settings, session, now)
    if not missing:
        return CheckResult("programming reviews", "ok", "every active buyer has one planned")
    end = horizon(settings, now)[1]
    reasons = "; ".join(f"{m.buyer}: {m.describe(end)}" for m in missing)
    count = f"{len(missing)} active buyer{'s' if len(missing) > 1 else ''}"
    return CheckResult(
        "programming reviews", "warning", f"{count} without one until {end}: {reasons}"
    )
