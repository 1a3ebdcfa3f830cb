"""The workspace's actions in a real browser (Debian's Chromium, JavaScript off, as in
test_workspace_browser): move a meeting onto a public holiday (warned, then confirmed), cancel
it then restore it at a new date, record attendance with two walk-ins. Each step is saved under
docs/screenshots/."""

from __future__ import annotations

import email
import email.message
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select
from sqlmodel import col

from scheduler.cli import main
from scheduler.core.kinds import OccurrenceStatus
from scheduler.store.db import read_session
from scheduler.store.models import Organisation
from tests.conftest import IcsCheck
from tests.web.browser import BY, Select, Site, follow, screenshot, set_value, sign_in, text_of
from tests.web.browser import browser as browser  # the fixtures
from tests.web.browser import site as site
from tests.web.test_workspace_actions import invited_meeting, reread
from tests.world import DEMO_NOW_TEXT as NOW_TEXT

INVITEE = "helene.marchetti@ville-lisiere.example"


def test_move_onto_a_holiday_is_warned_then_confirmed_then_cancel_and_restore(
    browser: object, site: Site
) -> None:
    driver = browser
    meeting = invited_meeting(site.world)
    sign_in(driver, site)
    driver.get(f"{site.base}/rencontres/{meeting.uid}")  # type: ignore[attr-defined]
    follow(driver, "link text", "Déplacer, modifier ou annuler")
    set_value(driver, "form[action$=deplacer] input[name=date]", "2027-07-14")
    set_value(driver, "form[action$=deplacer] input[name=heure]", "10:00")
    follow(driver, BY, "form[action$=deplacer] button")
    warned = text_of(driver)
    assert "À cette date, la rencontre tomberait sur :" in warned
    assert "un jour férié" in warned
    screenshot(driver, "deplacer-jour-ferie")
    assert reread(site.world, meeting.uid).sequence == meeting.sequence

    follow(driver, "xpath", "//button[normalize-space()='Déplacer quand même']")
    moved = text_of(driver)
    assert "La rencontre est déplacée" in moved
    assert "mercredi 14 juillet 2027 à 10 h 00" in moved
    assert "déplacée malgré les règles du calendrier" in moved
    screenshot(driver, "rencontre-deplacee")

    follow(driver, "link text", "Déplacer, modifier ou annuler")
    set_value(driver, "input[name=motif]", "Salle indisponible")
    follow(driver, BY, "form[action$=annuler] button")
    assert "La rencontre est annulée" in text_of(driver)
    assert reread(site.world, meeting.uid).status == OccurrenceStatus.CANCELLED

    follow(driver, "link text", "Rétablir à une nouvelle date")
    set_value(driver, "form[action$=retablir] input[name=date]", "2027-07-15")
    set_value(driver, "form[action$=retablir] input[name=heure]", "14:00")
    screenshot(driver, "retablir")
    follow(driver, BY, "form[action$=retablir] button")
    restored = text_of(driver)
    assert "La rencontre est rétablie" in restored
    assert "jeudi 15 juillet 2027 à 14 h 00" in restored
    assert "Salle indisponible" in restored  # in the journal
    back = reread(site.world, meeting.uid)
    assert back.status == OccurrenceStatus.MOVED
    assert back.sequence == meeting.sequence + 3


def test_attendance_with_two_walk_ins(browser: object, site: Site) -> None:
    driver = browser
    meeting = invited_meeting(site.world)
    site.clock.now = meeting.end + timedelta(hours=1)
    sign_in(driver, site)
    driver.get(f"{site.base}/rencontres/{meeting.uid}")  # type: ignore[attr-defined]
    follow(driver, "link text", "Noter les présences")
    boxes = driver.find_elements(BY, "input[name=present]")  # type: ignore[attr-defined]
    assert boxes
    boxes[0].click()
    driver.find_element(BY, "#nom_0").send_keys("Jeanne Petit")  # type: ignore[attr-defined]
    driver.find_element(BY, "#organisation_0").send_keys("Mairie de Lisière")  # type: ignore[attr-defined]
    driver.find_element(BY, "#nom_1").send_keys("Karim Saïdi")  # type: ignore[attr-defined]
    driver.find_element(BY, "#courriel_1").send_keys("karim.saidi@example.org")  # type: ignore[attr-defined]
    screenshot(driver, "presences")
    follow(driver, "xpath", "//button[normalize-space()='Enregistrer les présences']")
    page = text_of(driver)
    assert "Les présences sont enregistrées : la rencontre est tenue." in page
    assert "Venues sans invitation (2)" in page
    assert "Jeanne Petit (Mairie de Lisière)" in page
    assert "Karim Saïdi — karim.saidi@example.org" in page
    assert "tenue" in page
    screenshot(driver, "rencontre-tenue")
    assert reread(site.world, meeting.uid).status == OccurrenceStatus.HELD


def calendar_of(path: Path) -> tuple[email.message.Message, bytes]:
    """A mail and its text/calendar part (b"" when it has none)."""
    message = email.message_from_bytes(path.read_bytes())
    for part in message.walk():
        if part.get_content_type() == "text/calendar":
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            return message, payload
    return message, b""


def test_a_one_off_meeting_is_created_its_invitation_mailed_and_its_event_in_the_feed(
    browser: object, site: Site, ics_check: IcsCheck, tmp_path: Path
) -> None:
    driver = browser
    world = site.world
    sign_in(driver, site)
    driver.get(site.base + "/agenda")  # type: ignore[attr-defined]
    follow(driver, "link text", "Nouvelle rencontre")
    Select(driver.find_element(BY, "#type")).select_by_value("after_work")  # type: ignore[attr-defined]
    driver.find_element(BY, "#theme").send_keys("Les achats de fournitures")  # type: ignore[attr-defined]
    set_value(driver, "#date", "2027-03-25")
    set_value(driver, "#heure", "18:00")
    set_value(driver, "#duree", "120")
    driver.find_element(BY, "#lieu").send_keys("Tiers-lieu La Fabrique")  # type: ignore[attr-defined]
    driver.find_element(BY, "#invites").send_keys(INVITEE + "\ninconnu@example.org")  # type: ignore[attr-defined]
    follow(driver, BY, "form[action='/rencontres/nouvelle'] button")
    refused = text_of(driver)
    assert "Ces adresses ne sont pas dans l'annuaire :" in refused
    assert "inconnu@example.org" in refused
    screenshot(driver, "nouvelle-rencontre-refusee")
    field = driver.find_element(BY, "#invites")  # type: ignore[attr-defined]
    field.clear()
    field.send_keys(INVITEE)
    screenshot(driver, "nouvelle-rencontre")
    follow(driver, BY, "form[action='/rencontres/nouvelle'] button")
    page = text_of(driver)
    assert "La rencontre est ajoutée" in page
    assert "jeudi 25 mars 2027 à 18 h 00 – 20 h 00" in page
    assert "Tiers-lieu La Fabrique" in page
    uid = driver.current_url.split("/rencontres/")[1].split("?")[0]  # type: ignore[attr-defined]
    screenshot(driver, "rencontre-ajoutee")

    config = str(world.folder / "config.toml")
    before = set(world.outbox.glob("*.eml"))
    assert main(["outbox", "send", "--config", config, "--now", NOW_TEXT]) == 0
    invitations = [
        (message, payload)
        for message, payload in map(calendar_of, set(world.outbox.glob("*.eml")) - before)
        if uid.encode() in payload
    ]
    assert len(invitations) == 1, "one invitation, to the one invitee"
    message, payload = invitations[0]
    assert INVITEE in message["To"]
    invitation = tmp_path / "invitation.ics"
    invitation.write_bytes(payload)
    assert b"METHOD:REQUEST" in payload
    assert b"Tiers-lieu La Fabrique" in payload.replace(b"\r\n ", b"")

    feeds = list((world.folder / world.settings.feeds.dir).rglob("*.ics"))
    public = [p for p in feeds if uid in p.read_text("utf-8")]
    assert public, "the territory meeting is in the public feed"
    ics_check(invitation, *public)

    # the planner leaves it alone
    assert main(["run", "--once", "--no-web", "--config", config, "--now", NOW_TEXT]) == 0
    kept = reread(world, uid)
    assert kept.status != OccurrenceStatus.CANCELLED
    assert kept.theme == "Les achats de fournitures"


HEADER = "nom;type;territoire;contact;email;fonction\n"


def test_a_bad_csv_shows_its_problems_by_line_and_writes_nothing_then_a_good_one_imports(
    browser: object, site: Site, tmp_path: Path
) -> None:
    driver = browser
    bad = tmp_path / "partenaires-faux.csv"
    bad.write_text(
        HEADER
        + "Mission locale des Coteaux;Mission locale;Métropole de Lisière;Ana Costa;"
        + "ana.costa@ml-coteaux.example;Conseillère\n"
        + "Cap Emploi Lisière;Cap emploi;Métropole de Lisière;Luc Bernard;pas-une-adresse;"
        + "Chargé de mission\n",
        encoding="utf-8",
    )
    good = tmp_path / "partenaires.csv"
    good.write_text(
        HEADER
        + "Mission locale des Coteaux;Mission locale;Métropole de Lisière;Ana Costa;"
        + "ana.costa@ml-coteaux.example;Conseillère\n",
        encoding="utf-8",
    )
    sign_in(driver, site)
    driver.get(site.base + "/organisations")  # type: ignore[attr-defined]
    follow(driver, "link text", "Importer des fichiers")
    Select(driver.find_element(BY, "#type")).select_by_value("partenaires")  # type: ignore[attr-defined]
    driver.find_element(BY, "#fichier").send_keys(str(bad))  # type: ignore[attr-defined]
    follow(driver, "xpath", "//button[normalize-space()='Vérifier le fichier']")
    refused = text_of(driver)
    assert "Le fichier n'est pas importé ; rien n'a été écrit." in refused
    assert (
        "ligne 3, colonne « email » : « pas-une-adresse » n'est pas une adresse électronique"
        in refused
    )
    screenshot(driver, "import-refuse")
    with read_session(site.world.engine) as session:
        assert (
            session.execute(
                select(Organisation).where(col(Organisation.name) == "Mission locale des Coteaux")
            ).first()
            is None
        )

    Select(driver.find_element(BY, "#type")).select_by_value("partenaires")  # type: ignore[attr-defined]
    driver.find_element(BY, "#fichier").send_keys(str(good))  # type: ignore[attr-defined]
    follow(driver, "xpath", "//button[normalize-space()='Vérifier le fichier']")
    preview = text_of(driver)
    assert "Aperçu : ce que l'import changerait (1 ligne)" in preview
    screenshot(driver, "import-apercu")
    with read_session(site.world.engine) as session:
        assert (
            session.execute(
                select(Organisation).where(col(Organisation.name) == "Mission locale des Coteaux")
            ).first()
            is None
        )  # a preview writes nothing
    follow(driver, "xpath", "//button[normalize-space()='Importer ce fichier']")
    assert "Le fichier est importé." in text_of(driver)
    with read_session(site.world.engine) as session:
        assert (
            session.execute(
                select(Organisation).where(col(Organisation.name) == "Mission locale des Coteaux")
            ).first()
            is not None
        )
