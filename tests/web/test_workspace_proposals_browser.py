"""New dates for a buyer, in a real browser (Debian's Chromium, tests/web/browser.py): the buyer
answers that none of the dates suits, the facilitator reads it on the meeting's page and sends
new dates, the old link says they were replaced, the buyer books one of the new ones from the
new mail, and the invitation's REQUEST carries that date (checked by ../shared/tools/ics-check).
Each step is saved under docs/screenshots/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlmodel import col

from scheduler.core.kinds import OccurrenceStatus
from scheduler.core.messages import MessageKind
from scheduler.store.db import read_session
from scheduler.store.models import Message
from tests.conftest import IcsCheck
from tests.web.browser import chromium, follow, screenshot, sign_in, text_of
from tests.web.test_workspace_proposals import (
    MESSAGE,
    Site,
    buyer_link,
    compose,
    offered,
    review,
    site,
    when,
)

__all__ = ["site"]  # the fixture, shared with the HTTP tests

BY = "css selector"


@pytest.fixture
def driver() -> Iterator[object]:
    with chromium() as browser:
        browser.set_window_size(1280, 900)  # type: ignore[attr-defined]
        yield browser


def test_the_facilitator_sends_new_dates_and_the_buyer_books_one(
    driver: object, site: Site, ics_check: IcsCheck, tmp_path: Path
) -> None:
    meeting, _ = review(site)
    refused = offered(site)
    old_link = site.base + buyer_link(site)

    driver.get(old_link)  # type: ignore[attr-defined]
    driver.find_element(BY, "input[name=slot][value=none]").click()  # type: ignore[attr-defined]
    driver.find_element(BY, "#message").send_keys(MESSAGE)  # type: ignore[attr-defined]
    follow(driver, BY, "form button")
    assert "Votre message est transmis" in text_of(driver)

    sign_in(driver, site)
    driver.get(f"{site.base}/rencontres/{meeting.uid}")  # type: ignore[attr-defined]
    page = text_of(driver)
    assert "Aucune de ces dates ne convient à l'acheteur." in page
    assert f"« {MESSAGE} »" in page
    assert all(when(site, start) in page for start in refused)
    screenshot(driver, "rencontre-aucune-date-ne-convient")

    follow(driver, "xpath", "//button[normalize-space()='Proposer de nouvelles dates']")
    page = text_of(driver)
    assert "De nouvelles dates sont proposées à l'acheteur" in page
    fresh = offered(site)
    assert not {d.date() for d in refused} & {d.date() for d in fresh}
    assert all(when(site, start) in page for start in fresh)
    screenshot(driver, "rencontre-nouvelles-dates")

    driver.get(old_link)  # type: ignore[attr-defined]
    assert "Ces dates ont été remplacées par de nouvelles" in text_of(driver)
    assert not driver.find_elements(BY, "input[name=slot]")  # type: ignore[attr-defined]

    default = review(site)[0].start
    chosen = next(start for start in fresh if start != default)
    zone = ZoneInfo(site.world.settings.organisation.timezone)
    local = chosen.astimezone(zone)
    driver.get(site.base + buyer_link(site))  # type: ignore[attr-defined]
    assert when(site, chosen) in text_of(driver)
    driver.find_element(BY, f"input[name=slot][value='{local.isoformat()}']").click()  # type: ignore[attr-defined]
    screenshot(driver, "rdv-nouvelles-dates")
    follow(driver, BY, "form button")
    assert f"La rencontre aura lieu le {when(site, chosen)}" in text_of(driver)

    booked = review(site)[0]
    assert (booked.uid, booked.start) == (meeting.uid, chosen)
    assert booked.status == OccurrenceStatus.ANNOUNCED
    with read_session(site.world.engine) as session:
        invites = list(
            session.execute(
                select(Message)
                .where(col(Message.kind) == MessageKind.INVITE)
                .where(col(Message.occurrence_id) == booked.id)
            ).scalars()
        )
    assert invites
    mail = compose(site, invites[0])
    [part] = [p for p in mail.walk() if p.get_content_type() == "text/calendar"]
    ics = part.get_payload(decode=True)
    assert isinstance(ics, bytes)
    assert "METHOD:REQUEST" in ics.decode()
    assert f"DTSTART;TZID=Europe/Paris:{local:%Y%m%dT%H%M%S}" in ics.decode()
    path = tmp_path / "request.ics"
    path.write_bytes(ics)
    ics_check(path)
