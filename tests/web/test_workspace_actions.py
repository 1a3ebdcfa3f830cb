"""The workspace's actions on one meeting, over real HTTP, in the demo at a fixed instant: a move
onto a public holiday is refused with the rule it breaks, then made once confirmed; a cancel
needs its reason; a cancelled meeting comes back at a new date; the theme, description, place and
video link are edited; every refusal leaves the meeting as it was; two facilitators saving the
same meeting: the second is told « modifiée entre-temps » and nothing of hers is written; a POST
without its CSRF token is refused; every change is in the journal, on the meeting's page and on
its buyer's, with who made it — the CLI's changes too."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select
from sqlmodel import col

from scheduler.cli import main
from scheduler.core.kinds import OccurrenceStatus, PartStat, RitualKind
from scheduler.core.messages import MessageKind, MessageState
from scheduler.service.access import signin
from scheduler.service.publish.feeds import buyer_feed, load_directory
from scheduler.store.db import read_session
from scheduler.store.models import (
    Contact,
    Invitation,
    JournalEntry,
    Message,
    Occurrence,
    Organisation,
)
from scheduler.store.year_facts import year_facts
from scheduler.web import create_app
from tests.web.workspace_world import CAMILLE, NADIA, NOW, NOW_TEXT, DemoWorld, demo_world
from tests.web_server import serving

CSRF = re.compile(r'name="csrf" value="([^"]*)"')
SEQUENCE = re.compile(r'name="sequence" value="([^"]*)"')
HOLIDAY = "2027-07-14"  # Bastille Day, a Wednesday


@pytest.fixture
def world(tmp_path: Path) -> Iterator[DemoWorld]:
    made = demo_world(tmp_path)
    yield made
    made.engine.dispose()


OPEN: list[httpx.Client] = []


@pytest.fixture
def base(world: DemoWorld) -> Iterator[str]:
    with serving(create_app(world.settings, world.engine, clock=lambda: NOW)) as url:
        yield url
        while OPEN:
            OPEN.pop().close()


def browser_for(
    world: DemoWorld, base: str, address: str = CAMILLE, at: datetime = NOW
) -> httpx.Client:
    """A browser signed in as `address` (closed at the end of the test)."""
    browser = httpx.Client(base_url=base, follow_redirects=False, timeout=20)
    OPEN.append(browser)
    issued = signin.mint_link(world.settings, world.engine, address, at)
    path = issued.url.removeprefix(world.settings.feeds.base_url)
    page = browser.get(path)
    assert browser.post(path, data={"csrf": CSRF.findall(page.text)[0]}).status_code == 303
    return browser


def shown(response: httpx.Response) -> str:
    text = re.sub(r"<[^>]+>", " ", response.text)
    return " ".join(html.unescape(text).replace("\u00a0", " ").split())


def invited_meeting(world: DemoWorld) -> Occurrence:
    """The first meeting ahead of a buyer whose invitations went out."""
    with read_session(world.engine) as session:
        found = (
            session.execute(
                select(Occurrence)
                .where(
                    col(Occurrence.start) > NOW,
                    col(Occurrence.organisation_id).is_not(None),
                    col(Occurrence.id).in_(
                        select(col(Message.occurrence_id)).where(
                            col(Message.kind) == MessageKind.INVITE,
                            col(Message.state) == MessageState.SENT,
                        )
                    ),
                )
                .order_by(col(Occurrence.start))
            )
            .scalars()
            .first()
        )
        assert isinstance(found, Occurrence)
        return found


def reread(world: DemoWorld, uid: str) -> Occurrence:
    with read_session(world.engine) as session:
        found = session.execute(select(Occurrence).where(col(Occurrence.uid) == uid)).scalar_one()
        return found


def updates(world: DemoWorld, occurrence_id: int, kind: MessageKind) -> int:
    with read_session(world.engine) as session:
        return int(
            session.execute(
                select(func.count())
                .select_from(Message)
                .where(col(Message.occurrence_id) == occurrence_id, col(Message.kind) == kind)
            ).scalar_one()
        )


def journal_rows(world: DemoWorld) -> int:
    with read_session(world.engine) as session:
        return int(session.execute(select(func.count()).select_from(JournalEntry)).scalar_one())


def form(browser: httpx.Client, uid: str) -> tuple[str, str]:
    """The change form's CSRF token and SEQUENCE."""
    page = browser.get(f"/rencontres/{uid}/modifier")
    assert page.status_code == 200, page.text[:300]
    return CSRF.findall(page.text)[-1], SEQUENCE.findall(page.text)[0]


def test_a_move_onto_a_public_holiday_is_warned_then_made_once_confirmed(
    world: DemoWorld, base: str
) -> None:
    meeting = invited_meeting(world)
    camille = browser_for(world, base)
    csrf, sequence = form(camille, meeting.uid)
    fields = {"csrf": csrf, "sequence": sequence, "date": HOLIDAY, "heure": "10:00"}

    warned = camille.post(f"/rencontres/{meeting.uid}/deplacer", data=fields)
    assert warned.status_code == 409
    assert "un jour férié" in shown(warned)
    assert "Déplacer quand même" in shown(warned)
    unchanged = reread(world, meeting.uid)
    assert (unchanged.start, unchanged.sequence) == (meeting.start, meeting.sequence)
    assert journal_rows(world) == 0

    done = camille.post(f"/rencontres/{meeting.uid}/deplacer", data={**fields, "confirmer": "1"})
    assert done.status_code == 303
    moved = reread(world, meeting.uid)
    assert moved.status == OccurrenceStatus.MOVED
    assert moved.sequence == meeting.sequence + 1
    assert f"{moved.start.astimezone(NOW.tzinfo):%Y-%m-%d}" == HOLIDAY
    assert meeting.id is not None
    assert updates(world, meeting.id, MessageKind.UPDATE) >= 1
    page = shown(camille.get(done.headers["location"]))
    assert "La rencontre est déplacée" in page
    assert "Journal des modifications" in page
    assert "déplacée malgré les règles du calendrier" in page
    assert "Camille Roussel" in page
    assert "mercredi 14 juillet 2027" in page


def test_a_move_into_the_past_or_with_a_bad_date_is_refused_beside_the_field(
    world: DemoWorld, base: str
) -> None:
    meeting = invited_meeting(world)
    camille = browser_for(world, base)
    csrf, sequence = form(camille, meeting.uid)
    for date, hour, message in (
        ("2027-03-01", "10:00", "La nouvelle date est passée."),
        ("31/02/2027", "10:00", "Indiquez une date (jour, mois, année)."),
        ("2027-06-01", "dix heures", "Indiquez une heure, par exemple 14:00."),
    ):
        answer = camille.post(
            f"/rencontres/{meeting.uid}/deplacer",
            data={"csrf": csrf, "sequence": sequence, "date": date, "heure": hour},
        )
        assert answer.status_code == 400
        assert message in shown(answer)
        assert 'aria-invalid="true"' in answer.text
    assert reread(world, meeting.uid).sequence == meeting.sequence
    assert journal_rows(world) == 0


def test_two_saves_of_the_same_meeting_the_second_is_refused_as_changed_meanwhile(
    world: DemoWorld, base: str
) -> None:
    meeting = invited_meeting(world)
    camille = browser_for(world, base, CAMILLE)
    nadia = browser_for(world, base, NADIA)
    camille_csrf, camille_seq = form(camille, meeting.uid)
    nadia_csrf, nadia_seq = form(nadia, meeting.uid)
    assert camille_seq == nadia_seq

    first = camille.post(
        f"/rencontres/{meeting.uid}/modifier",
        data={"csrf": camille_csrf, "sequence": camille_seq, "theme": "Les clauses vertes"},
    )
    assert first.status_code == 303
    second = nadia.post(
        f"/rencontres/{meeting.uid}/modifier",
        data={"csrf": nadia_csrf, "sequence": nadia_seq, "theme": "Les marchés réservés"},
    )
    assert second.status_code == 409
    assert "modifiée entre-temps" in shown(second)
    after = reread(world, meeting.uid)
    assert after.theme == "Les clauses vertes"
    assert after.sequence == meeting.sequence + 1
    # the same for a move and a cancel sent on the old SEQUENCE
    stale_move = nadia.post(
        f"/rencontres/{meeting.uid}/deplacer",
        data={"csrf": nadia_csrf, "sequence": nadia_seq, "date": "2027-06-03", "heure": "10:00"},
    )
    stale_cancel = nadia.post(
        f"/rencontres/{meeting.uid}/annuler",
        data={"csrf": nadia_csrf, "sequence": nadia_seq, "motif": "Salle indisponible"},
    )
    assert (stale_move.status_code, stale_cancel.status_code) == (409, 409)
    assert reread(world, meeting.uid).status != OccurrenceStatus.CANCELLED
    assert journal_rows(world) == 1
    # the refusal shows the present SEQUENCE: saving again from it works
    fresh = SEQUENCE.findall(second.text)[0]
    assert fresh == str(meeting.sequence + 1)
    again = nadia.post(
        f"/rencontres/{meeting.uid}/modifier",
        data={"csrf": nadia_csrf, "sequence": fresh, "theme": "Les marchés réservés"},
    )
    assert again.status_code == 303


def test_a_post_without_its_csrf_token_or_session_changes_nothing(
    world: DemoWorld, base: str
) -> None:
    meeting = invited_meeting(world)
    camille = browser_for(world, base)
    _, sequence = form(camille, meeting.uid)
    for path, extra in (
        ("deplacer", {"date": "2027-06-03", "heure": "10:00", "confirmer": "1"}),
        ("annuler", {"motif": "Salle indisponible"}),
        ("modifier", {"theme": "X"}),
        ("retablir", {"date": "2027-06-03", "heure": "10:00"}),
    ):
        forged = camille.post(
            f"/rencontres/{meeting.uid}/{path}",
            data={"csrf": "0" * 43, "sequence": sequence, **extra},
        )
        assert forged.status_code == 403
        with httpx.Client(base_url=base, timeout=20) as stranger:
            assert stranger.post(f"/rencontres/{meeting.uid}/{path}", data=extra).status_code == 403
        assert camille.get(f"/rencontres/{meeting.uid}/{path}").status_code in (404, 405, 200)
    with httpx.Client(base_url=base, timeout=20, follow_redirects=False) as stranger:
        assert stranger.get(f"/rencontres/{meeting.uid}/modifier").status_code == 303
    after = reread(world, meeting.uid)
    assert (after.sequence, after.status, after.theme) == (
        meeting.sequence,
        meeting.status,
        meeting.theme,
    )
    assert journal_rows(world) == 0


def test_cancel_needs_a_reason_then_restore_brings_it_back_at_a_new_date(
    world: DemoWorld, base: str
) -> None:
    meeting = invited_meeting(world)
    assert meeting.id is not None
    camille = browser_for(world, base)
    csrf, sequence = form(camille, meeting.uid)
    no_reason = camille.post(
        f"/rencontres/{meeting.uid}/annuler", data={"csrf": csrf, "sequence": sequence}
    )
    assert no_reason.status_code == 400
    assert "Indiquez le motif" in shown(no_reason)
    assert reread(world, meeting.uid).status == meeting.status

    cancelled = camille.post(
        f"/rencontres/{meeting.uid}/annuler",
        data={"csrf": csrf, "sequence": sequence, "motif": "Salle indisponible"},
    )
    assert cancelled.status_code == 303
    after = reread(world, meeting.uid)
    assert (after.status, after.cancel_reason) == (OccurrenceStatus.CANCELLED, "Salle indisponible")
    assert updates(world, meeting.id, MessageKind.CANCEL) >= 1

    page = camille.get(f"/rencontres/{meeting.uid}/modifier")
    assert "Rétablir à une nouvelle date" in shown(page)
    seq = SEQUENCE.findall(page.text)[0]
    past = camille.post(
        f"/rencontres/{meeting.uid}/retablir",
        data={"csrf": csrf, "sequence": seq, "date": "2027-01-04", "heure": "10:00"},
    )
    assert past.status_code == 400
    assert "La nouvelle date est passée." in shown(past)
    restored = camille.post(
        f"/rencontres/{meeting.uid}/retablir",
        data={"csrf": csrf, "sequence": seq, "date": "2027-06-03", "heure": "10:00"},
    )
    assert restored.status_code == 303
    back = reread(world, meeting.uid)
    assert back.status == OccurrenceStatus.MOVED
    assert back.cancel_reason is None
    assert back.sequence == meeting.sequence + 2
    text = shown(camille.get(f"/rencontres/{meeting.uid}"))
    assert "rétablie" in text
    assert "Salle indisponible" in text  # the journal keeps the reason


def test_editing_theme_description_place_and_video_reaches_the_feed(
    world: DemoWorld, base: str
) -> None:
    meeting = invited_meeting(world)
    camille = browser_for(world, base)
    csrf, sequence = form(camille, meeting.uid)
    bad = camille.post(
        f"/rencontres/{meeting.uid}/modifier",
        data={"csrf": csrf, "sequence": sequence, "visio": "javascript:alert(1)", "theme": "T"},
    )
    assert bad.status_code == 400
    assert "Une adresse qui commence par https://" in shown(bad)
    long = camille.post(
        f"/rencontres/{meeting.uid}/modifier",
        data={"csrf": csrf, "sequence": sequence, "theme": "x" * 201},
    )
    assert long.status_code == 400
    assert "Ce texte est trop long." in shown(long)
    assert reread(world, meeting.uid).sequence == meeting.sequence

    done = camille.post(
        f"/rencontres/{meeting.uid}/modifier",
        data={
            "csrf": csrf,
            "sequence": sequence,
            "theme": "Les clauses vertes",
            "description": "Apportez vos cahiers des charges.",
            "lieu": "Salle du conseil, mairie de Lisière",
            "visio": "https://visio.example/clauses",
        },
    )
    assert done.status_code == 303
    after = reread(world, meeting.uid)
    assert after.location == "Salle du conseil, mairie de Lisière"
    assert after.video_url == "https://visio.example/clauses"
    assert meeting.organisation_id is not None
    with read_session(world.engine) as session:
        directory = load_directory(session, world.settings, NOW)
    feed = buyer_feed(world.settings, directory, meeting.organisation_id).render()
    unfolded = feed.decode().replace("\r\n ", "")
    assert meeting.uid in unfolded
    assert "Apportez vos cahiers des charges." in unfolded
    assert "Salle du conseil" in unfolded
    assert "https://visio.example/clauses" in unfolded
    page = shown(camille.get(f"/rencontres/{meeting.uid}"))
    assert "Apportez vos cahiers des charges." in page
    assert "thème : — Les clauses vertes" not in page
    assert "Les clauses vertes" in page


def test_the_clis_changes_are_in_the_journal_on_the_buyers_page(
    world: DemoWorld, base: str
) -> None:
    meeting = invited_meeting(world)
    config = str(world.folder / "config.toml")
    assert (
        main(
            [
                "occurrence",
                "cancel",
                meeting.uid,
                "--reason",
                "Grève des transports",
                "--config",
                config,
                "--now",
                NOW_TEXT,
            ]
        )
        == 0
    )
    with read_session(world.engine) as session:
        slug = session.execute(
            select(Organisation.slug).where(col(Organisation.id) == meeting.organisation_id)
        ).scalar_one()
    camille = browser_for(world, base)
    for path in (f"/rencontres/{meeting.uid}", f"/acheteurs/{slug}"):
        text = shown(camille.get(path))
        assert "Journal des modifications" in text
        assert "la ligne de commande" in text
        assert "Grève des transports" in text
    assert RitualKind(meeting.kind)


@dataclass
class MovingClock:
    now: datetime = NOW

    def __call__(self) -> datetime:
        return self.now


def test_attendance_with_two_walk_ins_and_a_headcount_feeds_the_report(
    world: DemoWorld,
) -> None:
    meeting = invited_meeting(world)
    assert meeting.id is not None
    clock = MovingClock()
    with serving(create_app(world.settings, world.engine, clock=clock)) as url:
        camille = browser_for(world, url)
        early = camille.get(f"/rencontres/{meeting.uid}/presences")
        assert "Les présences se notent une fois la rencontre commencée." in shown(early)
        csrf = CSRF.findall(early.text)[-1]
        refused = camille.post(f"/rencontres/{meeting.uid}/presences", data={"csrf": csrf})
        assert refused.status_code == 400
        clock.now = meeting.end + timedelta(hours=1)
        camille = browser_for(world, url, at=clock.now)
        page = camille.get(f"/rencontres/{meeting.uid}/presences")
        invitee = re.findall(r'name="present" value="(\d+)"', page.text)[0]
        csrf = CSRF.findall(page.text)[-1]
        walk_ins = {
            "nom_0": "Jeanne Petit",
            "organisation_0": "Mairie de Lisière",
            "nom_1": "Karim Saïdi",
            "courriel_1": "karim.saidi@example.org",
        }
        for bad, message in (
            ({"courriel_2": "pas-une-adresse"}, "Indiquez le nom de la personne."),
            ({"nom_2": "X", "courriel_2": "pas-une-adresse"}, "n'est pas valide"),
            ({"effectif": "2"}, "L'effectif compte au moins les personnes cochées et ajoutées."),
            ({"effectif": "douze"}, "Indiquez un nombre de personnes."),
        ):
            answer = camille.post(
                f"/rencontres/{meeting.uid}/presences",
                data={"csrf": csrf, "present": invitee, **walk_ins, **bad},
            )
            assert answer.status_code == 400, bad
            assert message in shown(answer)
            assert 'value="Jeanne Petit"' in answer.text  # what she typed is kept
        assert reread(world, meeting.uid).status != OccurrenceStatus.HELD
        forged = camille.post(
            f"/rencontres/{meeting.uid}/presences",
            data={"csrf": "x", "present": invitee, **walk_ins},
        )
        assert forged.status_code == 403

        done = camille.post(
            f"/rencontres/{meeting.uid}/presences",
            data={"csrf": csrf, "present": invitee, **walk_ins, "effectif": "12"},
        )
        assert done.status_code == 303
        text = shown(camille.get(done.headers["location"]))
        assert "Les présences sont enregistrées" in text
        assert "Jeanne Petit (Mairie de Lisière)" in text
        assert "Karim Saïdi — karim.saidi@example.org" in text
        assert "Effectif total : 12" in text
        assert "présences notées" in text
        for client in OPEN:
            client.close()
        OPEN.clear()
    held = reread(world, meeting.uid)
    assert held.status == OccurrenceStatus.HELD
    assert held.headcount == 12
    with read_session(world.engine) as session:
        facts = year_facts(session, meeting.start - timedelta(days=1), meeting.end)
    fact = next(f for f in facts.meetings if f.uid == meeting.uid)
    assert fact.walk_ins == 11  # twelve people, one of them an invitee


def test_a_failed_mail_is_seen_then_retried_one_or_all(world: DemoWorld, base: str) -> None:
    with read_session(world.engine) as session:
        failed = session.execute(
            select(Message).where(col(Message.state) == MessageState.FAILED)
        ).scalar_one()
    camille = browser_for(world, base)
    outbox = camille.get("/courriels?etat=failed")
    assert "Réessayer tous les courriels en échec" in shown(outbox)
    csrf = CSRF.findall(outbox.text)[-1]
    seen = camille.get(f"/courriels/{failed.id}")
    assert seen.status_code == 200
    text = shown(seen)
    assert failed.recipient in text
    assert "text/calendar" in text
    assert camille.get("/courriels/999999").status_code == 404

    assert camille.post("/courriels/reessayer", data={"id": str(failed.id)}).status_code == 403
    assert (
        camille.post("/courriels/reessayer", data={"csrf": csrf, "id": "999999"}).status_code == 404
    )
    with read_session(world.engine) as session:
        assert session.get(Message, failed.id).state == MessageState.FAILED  # type: ignore[union-attr]
    done = camille.post("/courriels/reessayer", data={"csrf": csrf, "id": str(failed.id)})
    assert done.status_code == 303
    assert "Courriels remis dans la file d'envoi : 1." in shown(
        camille.get(done.headers["location"])
    )
    with read_session(world.engine) as session:
        again = session.get(Message, failed.id)
        assert again is not None
        assert (again.state, again.attempts) == (MessageState.PENDING, 0)
    everything = camille.post("/courriels/reessayer", data={"csrf": csrf, "tous": "1"})
    assert everything.status_code == 303


def test_a_buyers_feed_link_is_shown_once_opens_then_is_revoked(
    world: DemoWorld, base: str
) -> None:
    slug = "ville-de-lisiere"
    camille = browser_for(world, base)
    page = camille.get(f"/acheteurs/{slug}")
    assert "Créer le lien du flux" in shown(page)
    csrf = CSRF.findall(page.text)[-1]
    assert camille.post(f"/acheteurs/{slug}/flux", data={"action": "creer"}).status_code == 403
    assert (
        camille.post("/acheteurs/nulle-part/flux", data={"csrf": csrf, "action": "creer"})
    ).status_code == 404
    minted = camille.post(f"/acheteurs/{slug}/flux", data={"csrf": csrf, "action": "creer"})
    assert minted.status_code == 200
    assert minted.headers["cache-control"].startswith("no-store")
    link = re.search(r"<code>(http[^<]+)</code>", minted.text)
    assert link
    path = link[1].removeprefix(world.settings.feeds.base_url)
    with httpx.Client(base_url=base, timeout=20) as calendar:
        assert calendar.get(path).status_code == 200
        again = shown(camille.get(f"/acheteurs/{slug}"))
        assert path not in again  # shown once
        assert "lien du flux créé" in again
        assert "Révoquer le lien du flux" in again
        revoked = camille.post(f"/acheteurs/{slug}/flux", data={"csrf": csrf, "action": "revoquer"})
        assert revoked.status_code == 303
        assert "Le lien du flux est révoqué" in shown(camille.get(revoked.headers["location"]))
        assert calendar.get(path).status_code == 404


def test_one_more_invitee_gets_the_only_new_invitation_and_an_answer_is_recorded_on_behalf(
    world: DemoWorld, base: str
) -> None:
    meeting = invited_meeting(world)
    assert meeting.id is not None
    camille = browser_for(world, base)
    page = camille.get(f"/rencontres/{meeting.uid}")
    csrf = CSRF.findall(page.text)[-1]
    with read_session(world.engine) as session:
        invited = set(
            session.execute(
                select(col(Invitation.contact_id)).where(
                    col(Invitation.occurrence_id) == meeting.id
                )
            ).scalars()
        )
        newcomer = (
            session.execute(
                select(Contact).where(col(Contact.id).not_in(invited)).order_by(col(Contact.id))
            )
            .scalars()
            .first()
        )
        assert newcomer is not None
        messages_before = session.execute(select(func.count()).select_from(Message)).scalar_one()

    unknown = camille.post(
        f"/rencontres/{meeting.uid}/inviter", data={"csrf": csrf, "email": "x@example.org"}
    )
    assert unknown.status_code == 400
    assert "Cette adresse n'est pas dans l'annuaire." in shown(unknown)
    assert (
        camille.post(
            f"/rencontres/{meeting.uid}/inviter", data={"email": newcomer.email}
        ).status_code
        == 403
    )
    done = camille.post(
        f"/rencontres/{meeting.uid}/inviter", data={"csrf": csrf, "email": newcomer.email}
    )
    assert done.status_code == 303
    again = camille.post(
        f"/rencontres/{meeting.uid}/inviter", data={"csrf": csrf, "email": newcomer.email}
    )
    assert "Cette personne est déjà invitée." in shown(again)
    with read_session(world.engine) as session:
        new = list(
            session.execute(
                select(Message).order_by(col(Message.id)).offset(messages_before)
            ).scalars()
        )
    assert {m.recipient for m in new} == {newcomer.email}  # nobody else is written to again
    assert [m.kind for m in new if m.kind == MessageKind.INVITE] == [MessageKind.INVITE]

    declined = camille.post(
        f"/rencontres/{meeting.uid}/reponse",
        data={"csrf": csrf, "contact": str(newcomer.id), "reponse": "DECLINED"},
    )
    assert declined.status_code == 303
    text = shown(camille.get(declined.headers["location"]))
    assert "La réponse est notée, de sa part." in text
    assert "l'équipe du guichet, de sa part" in text
    assert "réponse notée de sa part" in text
    with read_session(world.engine) as session:
        invitation = session.execute(
            select(Invitation).where(
                col(Invitation.occurrence_id) == meeting.id,
                col(Invitation.contact_id) == newcomer.id,
            )
        ).scalar_one()
        assert (invitation.partstat, invitation.answer_source) == (PartStat.DECLINED, "facilitator")
    bad = camille.post(
        f"/rencontres/{meeting.uid}/reponse",
        data={"csrf": csrf, "contact": str(newcomer.id), "reponse": "NEEDS-ACTION"},
    )
    assert bad.status_code == 403


def test_a_csv_upload_without_its_csrf_token_or_not_multipart_is_refused(
    world: DemoWorld, base: str
) -> None:
    camille = browser_for(world, base)
    csrf = CSRF.findall(camille.get("/annuaire/import").text)[-1]
    data = b"nom;type;territoire;contact;email;fonction\nX;PLIE;T;Y;y@example.org;Z\n"
    forged = camille.post(
        "/annuaire/import",
        data={"csrf": "0" * 43, "type": "partenaires"},
        files={"fichier": ("p.csv", data, "text/csv")},
    )
    assert forged.status_code == 403
    assert camille.post("/annuaire/import", data={"csrf": csrf}).status_code == 403
    empty = camille.post(
        "/annuaire/import",
        data={"csrf": csrf, "type": "partenaires"},
        files={"fichier": ("p.csv", b"", "text/csv")},
    )
    assert empty.status_code == 400
    assert "Choisissez un fichier CSV." in shown(empty)
    with read_session(world.engine) as session:
        assert (
            session.execute(select(Organisation).where(col(Organisation.name) == "X")).first()
            is None
        )
