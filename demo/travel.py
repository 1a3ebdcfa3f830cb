"""Travel through a demo year: the demo territory imported, then every week from September 2026
to the end of 2027 the service runs one cycle (plan, invitations, reminders, feeds) at that
instant, invitees answer through their RSVP links, the facilitator records who came after each
meeting, one after-work is cancelled, and the results of the monitoring tool are imported.
Then `rituel report 2027` is written in each format (the PDF and HTML to hand out, naming only
the buyers that made their commitment public; the workbook naming every buyer), and the PDF's
pages as PNG images.

    .venv/bin/python demo/travel.py /tmp/demo-year [--screenshots docs/screenshots]

Answers and attendance are drawn from a hash of the meeting and the person, so every run gives
the same year.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlmodel import col

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from scheduler.service.attendance import record_attendance  # noqa: E402
from scheduler.service.cycle import run_cycle  # noqa: E402
from scheduler.service.rsvp import answer, rsvp_token  # noqa: E402

from scheduler.cli import main  # noqa: E402
from scheduler.config import load_settings  # noqa: E402
from scheduler.core.kinds import OccurrenceStatus, PartStat, RitualKind  # noqa: E402
from scheduler.store.db import open_database, read_session  # noqa: E402
from scheduler.store.models import Contact, Invitation, Occurrence  # noqa: E402

PARIS = ZoneInfo("Europe/Paris")
START = datetime(2026, 9, 7, 8, 0, tzinfo=PARIS)
END = datetime(2028, 1, 10, 8, 0, tzinfo=PARIS)
REPORT_AT = "2028-01-10T09:00"
PUBLIC_AT = "2027-09-01T09:00"
CANCELLED_AFTER_WORK_MONTH = 5
PUBLIC = {
    "ville-de-lisiere": "Nous réservons une part de nos marchés de travaux à l'insertion.",
    "metropole-de-lisiere": None,
    "lisiere-habitat": "Chaque chantier de réhabilitation comporte une clause d'insertion.",
}


def draw(*parts: object) -> float:
    """A number in [0, 1) fixed by `parts`."""
    digest = hashlib.sha256("|".join(map(str, parts)).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def answer_of(uid: str, email: str) -> PartStat | None:
    roll = draw("answer", uid, email)
    if roll < 0.6:
        return PartStat.ACCEPTED
    if roll < 0.75:
        return PartStat.DECLINED
    if roll < 0.85:
        return PartStat.TENTATIVE
    return None


def came(uid: str, email: str, partstat: PartStat, own: bool) -> bool:
    """Whether an invitee came: a buyer's people come to its own meetings unless they declined."""
    if own:
        return partstat is not PartStat.DECLINED
    chance = {PartStat.ACCEPTED: 0.9, PartStat.TENTATIVE: 0.55}.get(partstat, 0.12)
    return draw("came", uid, email) < chance


def travel(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "config.toml", folder / "config.toml")
    for leftover in ("rituel.db", "rituel.db-wal", "rituel.db-shm"):
        (folder / leftover).unlink(missing_ok=True)
    config = str(folder / "config.toml")
    for kind in ("partners", "suppliers", "buyers", "contacts"):
        run("import", kind, str(REPO / "demo" / f"{kind}.csv"), "--config", config)
    settings = load_settings(Path(config))
    engine = open_database(settings.database_url)
    now = START
    cancelled = False
    while now <= END:
        instant = now.astimezone(UTC)
        asyncio.run(run_cycle(settings, engine, instant))
        answer_invitations(settings, engine, instant)
        record_past_meetings(settings, engine, instant)
        if not cancelled and now.year == 2027 and now.month == CANCELLED_AFTER_WORK_MONTH:
            cancelled = cancel_one_after_work(engine, config, instant)
        if now.year == 2027 and now.month == 3 and now.day <= 7:
            for slug, text in PUBLIC.items():
                extra = ["--text", text] if text else []
                run(
                    "buyers",
                    "publish",
                    slug,
                    *extra,
                    "--config",
                    config,
                    "--now",
                    instant.isoformat(),
                )
        now += timedelta(days=7)
    engine.dispose()
    run("import", "results", str(REPO / "demo" / "results.csv"), "--config", config)
    for fmt in ("pdf", "xlsx", "html"):
        run(
            "report",
            "2027",
            "--format",
            fmt,
            "--out",
            str(folder / f"bilan-2027.{fmt}"),
            "--config",
            config,
            "--now",
            REPORT_AT,
        )
    return folder / "bilan-2027.pdf"


def run(*argv: str) -> None:
    status = main(list(argv))
    if status != 0:
        raise SystemExit(f"rituel {' '.join(argv)} exited {status}")


def answer_invitations(settings, engine, now: datetime) -> None:
    with read_session(engine) as session:
        rows = session.execute(
            select(Invitation.id, Occurrence.uid, Occurrence.end, Contact.email)
            .join(Occurrence, col(Occurrence.id) == col(Invitation.occurrence_id))
            .join(Contact, col(Contact.id) == col(Invitation.contact_id))
            .where(col(Invitation.partstat) == PartStat.NEEDS_ACTION, col(Occurrence.start) > now)
        ).all()
    for invitation_id, uid, end, email in rows:
        chosen = answer_of(uid, email)
        if chosen is not None and draw("when", uid, email, now) < 0.5:
            answer(settings, engine, rsvp_token(settings, invitation_id, end), chosen, now)


def record_past_meetings(settings, engine, now: datetime) -> None:
    with read_session(engine) as session:
        meetings = session.execute(
            select(Occurrence.uid, Occurrence.organisation_id).where(
                col(Occurrence.end) < now,
                col(Occurrence.end) > now - timedelta(days=7),
                col(Occurrence.status).in_(
                    [OccurrenceStatus.ANNOUNCED, OccurrenceStatus.MOVED, OccurrenceStatus.PLANNED]
                ),
            )
        ).all()
        own = {uid for uid, organisation in meetings if organisation is not None}
        invitees = {
            uid: session.execute(
                select(Contact.email, Invitation.partstat)
                .join(Invitation, col(Invitation.contact_id) == col(Contact.id))
                .join(Occurrence, col(Occurrence.id) == col(Invitation.occurrence_id))
                .where(col(Occurrence.uid) == uid)
            ).all()
            for uid, _ in meetings
        }
    for uid, people in invitees.items():
        if draw("forgotten", uid) < 0.06:
            continue  # the facilitator never recorded this one
        present = [
            email for email, partstat in people if came(uid, email, PartStat(partstat), uid in own)
        ]
        if present:
            record_attendance(settings, engine, uid, present, now)


def cancel_one_after_work(engine, config: str, now: datetime) -> bool:
    with read_session(engine) as session:
        uid = (
            session.execute(
                select(Occurrence.uid)
                .where(
                    col(Occurrence.kind) == RitualKind.AFTER_WORK,
                    col(Occurrence.start) > now,
                    col(Occurrence.status) != OccurrenceStatus.CANCELLED,
                )
                .order_by(col(Occurrence.start))
            )
            .scalars()
            .first()
        )
    if uid is None:
        return False
    run(
        "occurrence",
        "cancel",
        uid,
        "--reason",
        "Salle indisponible",
        "--config",
        config,
        "--now",
        now.isoformat(),
    )
    return True


def public_screenshots(config: Path, folder: Path) -> list[Path]:
    """/territoire and /engagements as a visitor sees them, in headless Chromium."""
    from selenium.webdriver.common.by import By

    from scheduler.web import create_app
    from tests.web.browser import chromium
    from tests.web_server import serving

    settings = load_settings(config)
    engine = open_database(settings.database_url)
    at = datetime.fromisoformat(PUBLIC_AT).replace(tzinfo=PARIS)
    shots = []
    try:
        app = create_app(settings, engine, clock=lambda: at)
        with serving(app) as base, chromium() as driver:
            for page in ("territoire", "engagements"):
                driver.get(f"{base}/{page}")
                height = driver.find_element(By.TAG_NAME, "body").size["height"]
                driver.set_window_size(1000, min(height + 160, 1800))
                path = folder / f"public-{page}.png"
                path.write_bytes(driver.get_screenshot_as_png())
                shots.append(path)
    finally:
        engine.dispose()
    return shots


def screenshots(pdf: Path, folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("report-2027-page-*.png"):
        old.unlink()
    prefix = folder / "report-2027-page"
    subprocess.run(["pdftoppm", "-png", "-r", "80", str(pdf), str(prefix)], check=True)
    return sorted(folder.glob("report-2027-page-*.png"))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--screenshots", type=Path)
    arguments = parser.parse_args()
    pdf = travel(arguments.folder)
    print(f"report: {pdf}")
    if arguments.screenshots:
        for page in screenshots(pdf, arguments.screenshots):
            print(f"page: {page}")
        for page in public_screenshots(arguments.folder / "config.toml", arguments.screenshots):
            print(f"page: {page}")
