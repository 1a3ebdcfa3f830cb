"""A link copied with the `.` that ended its sentence, or the `)` that closed its parenthesis,
still opens its page (issue 9, item 15): RSVP, unsubscribe and attendance pages."""

from __future__ import annotations

import pytest

from scheduler.core.kinds import PartStat
from scheduler.core.messages import MessageKind
from tests.service.conftest import store  # noqa: F401 (the fixture)
from tests.web.test_web_rsvp import Club, Guichet, club, guichet  # noqa: F401 (fixtures)
from tests.web.test_web_unsubscribe import Site, site  # noqa: F401 (the fixture)


@pytest.mark.parametrize("tail", [".", ")", ")."])
def test_an_rsvp_link_with_a_trailing_dot_or_parenthesis_opens_and_answers(
    guichet: Guichet,  # noqa: F811 (the fixture imported above)
    tail: str,
) -> None:
    page = guichet.page + tail
    shown = guichet.client.get(page)
    assert shown.status_code == 200
    assert "Rendez-vous annuel sur la programmation des achats" in shown.text
    answered = guichet.client.post(page, data={"answer": "accepted"})
    assert answered.status_code == 200
    assert guichet.invitation().partstat == PartStat.ACCEPTED


def test_an_attendance_link_with_a_trailing_dot_opens(
    club: Club,  # noqa: F811 (the fixture imported above)
) -> None:
    assert club.client.get(club.path + ".").status_code == 200


def test_other_trailing_characters_are_still_part_of_the_token(
    guichet: Guichet,  # noqa: F811 (the fixture imported above)
) -> None:
    assert guichet.client.get(guichet.page + "x").status_code == 404


def test_an_unsubscribe_link_with_a_trailing_dot_opens_and_stops(
    site: Site,  # noqa: F811 (the fixture imported above)
) -> None:
    path = f"/unsubscribe/{site.token(MessageKind.REMINDER)})."
    assert "<h1>Ne plus recevoir les rappels ?</h1>" in site.client.get(path).text
    assert site.client.post(path).status_code == 200
    assert site.contact().unsubscribed_kinds == "reminder"
