"""One meeting value: what its texts say of its buyer, its title, and which cancellation reason
readers may see."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from scheduler.core.french import FrenchName
from scheduler.core.kinds import OccurrenceStatus, RitualKind
from scheduler.core.meeting import AUTO_CANCEL_REASON, said_of, title_of
from scheduler.core.readers import Reader
from tests.core.meetings import stored_meeting

START = datetime(2027, 9, 16, 8, 0, tzinfo=UTC)
VILLE = FrenchName("Ville de Lisière")
REVIEW = replace(
    stored_meeting(1, RitualKind.PROGRAMMING_REVIEW, START, OccurrenceStatus.ANNOUNCED, 0, START),
    organisation_id=3,
    buyer=VILLE,
)
AWARENESS = replace(REVIEW, kind=RitualKind.INTERNAL_AWARENESS)
CLUB = replace(
    stored_meeting(2, RitualKind.BUYER_CLUB, START, OccurrenceStatus.ANNOUNCED, 0, START),
    theme="Le sourcing inclusif",
)


def test_a_per_buyer_meeting_is_titled_with_its_buyer() -> None:
    assert title_of(REVIEW, "Rendez-vous annuel") == "Rendez-vous annuel — Ville de Lisière"


def test_a_title_that_speaks_of_the_buyer_names_it_in_place() -> None:
    title = "Sensibilisation des services internes de l'acheteur"
    assert title_of(AWARENESS, title) == (
        "Sensibilisation des services internes de la Ville de Lisière"
    )
    themed = replace(AWARENESS, theme="Les marchés réservés")
    assert title_of(themed, title) == (
        "Sensibilisation des services internes de la Ville de Lisière — Les marchés réservés"
    )


def test_a_territory_meeting_is_titled_with_its_theme_and_never_a_buyer() -> None:
    assert title_of(CLUB, "Club des acheteurs") == "Club des acheteurs — Le sourcing inclusif"
    with_buyer = replace(CLUB, buyer=VILLE, theme=None)
    assert with_buyer.named_buyer is None
    assert title_of(with_buyer, "Club des acheteurs") == "Club des acheteurs"
    assert said_of("Dans les locaux de l'acheteur", with_buyer) == "Dans les locaux de l'acheteur"


def test_a_place_is_said_of_the_buyer_to_anyone() -> None:
    assert said_of("Dans les locaux de l'acheteur", REVIEW) == (
        "Dans les locaux de la Ville de Lisière"
    )


def test_readers_never_see_the_planners_own_cancellation_reason() -> None:
    cancelled = replace(REVIEW, status=OccurrenceStatus.CANCELLED, cancel_reason="Salle prise")
    assert cancelled.cancelled
    assert cancelled.reason_to_show == "Salle prise"
    assert replace(cancelled, cancel_reason=AUTO_CANCEL_REASON).reason_to_show is None
    assert replace(cancelled, cancel_reason="").reason_to_show is None


def test_a_reader_works_for_the_organisation_of_their_directory_entry() -> None:
    elise = Reader("elise@ville.example", organisation_id=3)
    assert elise.works_for(REVIEW.organisation_id)
    assert not elise.works_for(4)
    assert not elise.works_for(None)
    assert not Reader("camille@guichet.example").works_for(None)
