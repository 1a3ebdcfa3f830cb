"""The public pages over real HTTP: /territoire (agenda, subscription links, one .ics per
meeting) and /engagements (only the buyers that chose to be shown), with nothing personal on
either: no e-mail address, no person's name, no buyer that did not publish its commitment."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from scheduler.errors import InputError, NotFoundError
from scheduler.service.publish.public import publish, unpublish
from scheduler.web import create_app
from tests.conftest import IcsCheck
from tests.factories import settings_in
from tests.web_server import serving
from tests.year_world import PEOPLE, YearWorld, build_year

MARCH = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
EMBED = """
[web]
embed_origins = ["https://www.ville-lisiere.example", "http://127.0.0.1:*"]
"""


@pytest.fixture
def world(tmp_path: Path) -> Iterator[YearWorld]:
    settings, engine = settings_in(tmp_path, EMBED)
    try:
        yield build_year(settings, engine, tmp_path)
    finally:
        engine.dispose()


@pytest.fixture
def site(world: YearWorld) -> Iterator[httpx.Client]:
    publish(world.engine, "ville-de-lisiere", MARCH, "Europe/Paris", "Nos chantiers insèrent.")
    publish(world.engine, "metropole-de-lisiere", MARCH, "Europe/Paris")
    unpublish(world.engine, "metropole-de-lisiere")
    app = create_app(world.settings, world.engine, clock=lambda: MARCH)
    with serving(app) as base, httpx.Client(base_url=base) as client:
        yield client


def nothing_personal(body: str, *, host_named: bool = False) -> None:
    """No address and no invitee's name; the facilitator's name only where the public feed
    already names the host of a meeting ("Animé par …")."""
    assert not EMAIL.search(body), EMAIL.search(body)
    for name, _ in PEOPLE.values():
        assert name not in body
    assert ("Camille Roussel" in body) == host_named


def test_the_territory_agenda_lists_the_territory_meetings_in_french(site: httpx.Client) -> None:
    page = site.get("/territoire")
    assert page.status_code == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    body = page.text
    assert "<h1>Agenda du territoire</h1>" in body
    assert "jeudi 11 mars 2027, de 9 h 30 à 11 h 30" in body
    assert "Club des acheteurs socialement responsables" in body
    assert "Annulée" in body  # the after-work of 18 March
    assert "jeudi 16 décembre 2027, de 18 h 00 à 20 h 00" in body
    assert "Rendez-vous annuel" not in body  # a buyer's own meeting is never public
    nothing_personal(body)


def test_the_agenda_offers_both_forms_of_the_subscription_link(site: httpx.Client) -> None:
    body = site.get("/territoire").text
    assert 'href="webcal://127.0.0.1:8080/territoire.ics"' in body
    assert 'href="http://127.0.0.1:8080/territoire.ics"' in body
    assert body.count("Ajouter à mon agenda") == 2  # not for the cancelled meeting


def test_add_to_my_calendar_gives_that_meeting_alone(
    site: httpx.Client, world: YearWorld, tmp_path: Path, ics_check: IcsCheck
) -> None:
    key = world.uids["club"].split("@")[0]
    answer = site.get(f"/territoire/evenements/{key}.ics")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/calendar; charset=utf-8"
    assert answer.headers["content-disposition"].startswith("attachment;")
    text = answer.content.decode()
    assert text.count("BEGIN:VEVENT") == 1
    assert f"UID:{world.uids['club']}" in text
    assert "ATTENDEE" not in text
    assert "ORGANIZER" not in text
    unfolded = text.replace("\r\n ", "")
    nothing_personal(
        "\n".join(line for line in unfolded.splitlines() if not line.startswith("UID:")),
        host_named=True,
    )
    path = tmp_path / "rencontre.ics"
    path.write_bytes(answer.content)
    ics_check(path)


def test_no_ics_for_a_buyers_own_meeting_or_an_unknown_key(
    site: httpx.Client, world: YearWorld
) -> None:
    review = world.uids["review"].split("@")[0]
    assert site.get(f"/territoire/evenements/{review}.ics").status_code == 404
    assert site.get("/territoire/evenements/not-a-meeting.ics").status_code == 404
    unknown = "00000000-0000-0000-0000-000000000000"
    assert site.get(f"/territoire/evenements/{unknown}.ics").status_code == 404


def test_engagements_show_only_the_buyers_that_chose_to(site: httpx.Client) -> None:
    page = site.get("/engagements")
    assert page.status_code == 200
    body = page.text
    assert "Ville de Lisière" in body
    assert "Partenaire depuis janvier 2024" in body
    assert "Nos chantiers insèrent." in body
    assert "Métropole de Lisière" not in body  # published, then withdrawn
    assert "Hôpital discret" not in body  # never published
    nothing_personal(body)


def test_engagements_refuse_frames_unless_embedded(site: httpx.Client) -> None:
    page = site.get("/engagements")
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY"
    embedded = site.get("/engagements", params={"integration": "1"})
    policy = embedded.headers["content-security-policy"]
    assert "frame-ancestors https://www.ville-lisiere.example http://127.0.0.1:*" in policy
    assert "x-frame-options" not in embedded.headers
    assert "<header>" not in embedded.text
    assert "Ville de Lisière" in embedded.text
    nothing_personal(embedded.text)


def test_public_pages_may_be_cached_and_load_nothing_from_elsewhere(site: httpx.Client) -> None:
    for path in ("/territoire", "/engagements"):
        page = site.get(path)
        assert page.headers["cache-control"] == "public, max-age=300"
        assert "default-src 'none'" in page.headers["content-security-policy"]
        assert not re.search(r"(src|href)=\"https?://(?!127\.0\.0\.1)", page.text)


def test_a_commitment_is_confidential_until_published(tmp_path: Path) -> None:
    settings, engine = settings_in(tmp_path)
    try:
        build_year(settings, engine, tmp_path)
        from scheduler.service.publish.public import commitments

        assert commitments(engine, MARCH.date()) == []
        with pytest.raises(NotFoundError):
            publish(engine, "nobody", MARCH, "Europe/Paris")
        with pytest.raises(InputError, match="at most 400"):
            publish(engine, "ville-de-lisiere", MARCH, "Europe/Paris", "x" * 401)
        shown = publish(engine, "hopital-discret", MARCH, "Europe/Paris")
        assert [c.name for c in commitments(engine, MARCH.date())] == [shown.name]
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    "origin", ["www.ville.example", "https://www.ville.example/page", "javascript:alert(1)", "*"]
)
def test_an_embedding_site_must_be_an_origin(tmp_path: Path, origin: str) -> None:
    from scheduler.config import load_settings
    from scheduler.errors import ConfigError
    from tests.factories import write_config

    path = write_config(tmp_path, f'\n[web]\nembed_origins = ["{origin}"]\n')
    with pytest.raises(ConfigError, match=r"\[web\] embed_origins.*is not a site's origin"):
        load_settings(path)
