"""Rendering feeds and iTIP objects: the rules of INTEROP.md, one test each."""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import icalendar
import pytest
from ical.calendar_stream import IcsCalendarStream

from scheduler.calendar import (
    Attendee,
    EventCache,
    EventView,
    FeedInfo,
    Organizer,
    render_cancel,
    render_feed,
    render_request,
)
from scheduler.core.kinds import OccurrenceStatus, PartStat, RitualKind
from tests.conftest import IcsCheck
from tests.ics_text import properties, unfolded

STAMP = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
FEED = FeedInfo(name="Clause sociale — Ville de Lisière", timezone="Europe/Paris")
CAMILLE = Organizer("Camille Roussel", "camille.roussel@guichet.example")
ZOE = Attendee("Zoé Dupont, acheteuse", "zoe.dupont@ville.example")
YANN = Attendee("Yann Le Gall", "yann.legall@metropole.example", PartStat.ACCEPTED)


def meeting(**changes: object) -> EventView:
    """A steering committee on 9 June 2027 at 14:00 Paris time, announced."""
    view = EventView(
        uid="2f0c6f5e-0000-5000-8000-000000000001@guichet.example",
        sequence=0,
        dtstamp=STAMP,
        start=datetime(2027, 6, 9, 12, 0, tzinfo=UTC),
        end=datetime(2027, 6, 9, 14, 30, tzinfo=UTC),
        timezone="Europe/Paris",
        summary="Comité de pilotage du dispositif clause sociale",
        kind=RitualKind.STEERING_COMMITTEE,
        status=OccurrenceStatus.ANNOUNCED,
        description="Le mercredi 9 juin 2027, de 14 h 00 à 16 h 30.\nLieu : salle du conseil",
        location="Hôtel de la Métropole, salle du conseil, 1 place de la Lisière",
        alarm_minutes=30,
    )
    return dataclasses.replace(view, **changes)  # type: ignore[arg-type]


def invitation(**changes: object) -> EventView:
    """The same meeting as sent to two invitees."""
    return meeting(**{"organizer": CAMILLE, "attendees": (ZOE, YANN), **changes})


def write(folder: Path, name: str, content: bytes) -> Path:
    path = folder / name
    path.write_bytes(content)
    return path


def test_lines_end_in_crlf_exactly_once_and_fold_at_75_octets(
    tmp_path: Path, ics_check: IcsCheck
) -> None:
    long_text = "Ordre du jour : " + "clauses d'insertion, marchés réservés, " * 8
    content = render_feed(FEED, [meeting(description=long_text)], EventCache())
    ics_check(write(tmp_path, "feed.ics", content))
    assert content.endswith(b"END:VCALENDAR\r\n")
    assert b"\n" not in content.replace(b"\r\n", b"")
    assert b"\r\r" not in content
    lines = content.split(b"\r\n")[:-1]
    assert all(len(line) <= 75 for line in lines)
    assert any(line.startswith(b" ") for line in lines), "the long description is folded"
    content.decode("utf-8")  # folding never splits a multi-byte character


def test_feed_has_no_method_and_the_refresh_hints(tmp_path: Path, ics_check: IcsCheck) -> None:
    content = render_feed(FEED, [meeting()], EventCache())
    ics_check(write(tmp_path, "feed.ics", content))
    text = unfolded(content)
    assert "METHOD" not in text
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in text
    assert "X-PUBLISHED-TTL:PT1H\r\n" in text
    assert "X-WR-CALNAME:Clause sociale — Ville de Lisière\r\n" in text
    assert "X-WR-TIMEZONE:Europe/Paris\r\n" in text
    assert "VERSION:2.0\r\n" in text
    assert properties(content, "PRODID")


def test_calendar_names_escape_commas_semicolons_and_backslashes(
    tmp_path: Path, ics_check: IcsCheck
) -> None:
    feed = FeedInfo(
        name="Clause sociale — Ville de Lisière, Nord; Sud\\Est",
        timezone="Europe/Paris",
        description="Guichet, Lisière; Val\\Haut",
    )
    content = render_feed(feed, [meeting()], EventCache())
    ics_check(write(tmp_path, "feed.ics", content))
    lines = content.decode("utf-8").replace("\r\n ", "").split("\r\n")
    escaped = "Clause sociale — Ville de Lisière\\, Nord\\; Sud\\\\Est"
    assert f"NAME:{escaped}" in lines
    assert f"X-WR-CALNAME:{escaped}" in lines
    assert "X-WR-CALDESC:Guichet\\, Lisière\\; Val\\\\Haut" in lines


def test_times_carry_a_tzid_with_its_vtimezone_never_floating(
    tmp_path: Path, ics_check: IcsCheck
) -> None:
    content = render_feed(FEED, [meeting()], EventCache())
    ics_check(write(tmp_path, "feed.ics", content))
    assert properties(content, "DTSTART") == ["DTSTART;TZID=Europe/Paris:20270609T140000"]
    assert properties(content, "DTEND") == ["DTEND;TZID=Europe/Paris:20270609T163000"]
    calendar = icalendar.Calendar.from_ical(content)
    assert [tz.tz_name for tz in calendar.timezones] == ["Europe/Paris"]
    assert calendar.get_missing_tzids() == set()
    event = calendar.events[0]
    assert event.start == datetime(2027, 6, 9, 12, 0, tzinfo=UTC)
    assert properties(content, "DTSTAMP") == ["DTSTAMP:20261120T093000Z"]


def test_a_utc_meeting_needs_no_vtimezone() -> None:
    content = render_feed(FEED, [meeting(timezone="UTC")], EventCache())
    assert properties(content, "DTSTART") == ["DTSTART:20270609T120000Z"]
    assert b"BEGIN:VTIMEZONE" not in content


def test_an_empty_feed_is_still_a_valid_calendar(tmp_path: Path, ics_check: IcsCheck) -> None:
    content = render_feed(FEED, [], EventCache())
    ics_check(write(tmp_path, "empty.ics", content))
    assert b"BEGIN:VEVENT" not in content
    assert b"BEGIN:VTIMEZONE" in content


def test_a_feed_is_byte_identical_while_nothing_changes() -> None:
    events = [
        meeting(uid=f"{n}@guichet.example", start=meeting().start + timedelta(days=n))
        for n in range(5)
    ]
    first = render_feed(FEED, events, EventCache())
    again = render_feed(FEED, list(reversed(events)), EventCache())
    assert first == again


def test_the_cache_serves_unchanged_events_and_renders_changed_ones() -> None:
    cache = EventCache()
    events = [meeting(uid=f"{n}@guichet.example") for n in range(3)]
    before = render_feed(FEED, events, cache)
    assert (cache.misses, cache.hits) == (3, 0)
    moved = dataclasses.replace(
        events[1],
        sequence=1,
        dtstamp=STAMP + timedelta(days=1),
        start=events[1].start + timedelta(days=1),
        end=events[1].end + timedelta(days=1),
    )
    after = render_feed(FEED, [events[0], moved, events[2]], cache)
    assert (cache.misses, cache.hits) == (4, 2)
    assert after != before
    assert b"SEQUENCE:1" in after
    assert render_feed(FEED, [events[0], moved, events[2]], EventCache()) == after


def test_an_answer_changes_the_facilitator_feed_without_touching_the_sequence() -> None:
    cache = EventCache()
    asked = invitation()
    answered = invitation(attendees=(dataclasses.replace(ZOE, partstat=PartStat.ACCEPTED), YANN))
    before = render_feed(FEED, [asked], cache)
    after = render_feed(FEED, [answered], cache)
    assert before != after
    assert properties(after, "SEQUENCE") == ["SEQUENCE:0"]
    zoe = [line for line in properties(after, "ATTENDEE") if "zoe.dupont" in line]
    assert "PARTSTAT=ACCEPTED" in zoe[0]


def test_feed_event_properties(tmp_path: Path, ics_check: IcsCheck) -> None:
    view = meeting(url="https://visio.guichet.example/comite")
    content = render_feed(FEED, [view], EventCache())
    ics_check(write(tmp_path, "feed.ics", content))
    event = icalendar.Calendar.from_ical(content).events[0]
    assert str(event["UID"]) == view.uid
    assert event["SEQUENCE"] == 0
    assert str(event["SUMMARY"]) == "Comité de pilotage du dispositif clause sociale"
    assert str(event["DESCRIPTION"]).startswith("Le mercredi 9 juin 2027, de 14 h 00")
    assert str(event["LOCATION"]).startswith("Hôtel de la Métropole, salle du conseil")
    assert str(event["URL"]) == "https://visio.guichet.example/comite"
    assert event.categories == ["Comité de pilotage du dispositif clause sociale"]
    assert str(event["STATUS"]) == "CONFIRMED"
    assert "ATTENDEE" not in event
    assert "ORGANIZER" not in event
    alarm = event.subcomponents[0]
    assert alarm.name == "VALARM"
    assert str(alarm["ACTION"]) == "DISPLAY"
    assert alarm["TRIGGER"].dt == -timedelta(minutes=30)


def test_a_planned_meeting_is_tentative_and_a_cancelled_one_says_so_without_alarm() -> None:
    planned = render_feed(FEED, [meeting(status=OccurrenceStatus.PLANNED)], EventCache())
    assert properties(planned, "STATUS") == ["STATUS:TENTATIVE"]
    cancelled = render_feed(FEED, [meeting(status=OccurrenceStatus.CANCELLED)], EventCache())
    assert properties(cancelled, "STATUS") == ["STATUS:CANCELLED"]
    assert b"BEGIN:VALARM" not in cancelled


def test_request_invites_each_recipient_with_rsvp(tmp_path: Path, ics_check: IcsCheck) -> None:
    content = render_request(invitation())
    ics_check(write(tmp_path, "request.ics", content))
    assert properties(content, "METHOD") == ["METHOD:REQUEST"]
    assert properties(content, "ORGANIZER") == [
        'ORGANIZER;CN="Camille Roussel":mailto:camille.roussel@guichet.example'
    ]
    attendees = properties(content, "ATTENDEE")
    assert len(attendees) == 2
    for line in attendees:
        params = dict(p.split("=", 1) for p in line.split(":mailto:")[0].split(";")[1:])
        assert params["ROLE"] == "REQ-PARTICIPANT"
        assert params["PARTSTAT"] == "NEEDS-ACTION"
        assert params["RSVP"] == "TRUE"
        assert params["CN"]
    assert attendees[0].endswith(":mailto:zoe.dupont@ville.example")
    assert 'CN="Zoé Dupont, acheteuse"' in attendees[0]
    assert "SENT-BY" not in unfolded(content)
    assert properties(content, "SEQUENCE") == ["SEQUENCE:0"]


def test_an_update_is_a_request_with_the_same_uid_and_a_higher_sequence(
    tmp_path: Path, ics_check: IcsCheck
) -> None:
    first = render_request(invitation())
    moved = invitation(
        sequence=1,
        status=OccurrenceStatus.MOVED,
        dtstamp=STAMP + timedelta(days=2),
        start=meeting().start + timedelta(days=7),
        end=meeting().end + timedelta(days=7),
    )
    update = render_request(moved)
    ics_check(write(tmp_path, "request.ics", first), write(tmp_path, "update.ics", update))
    assert properties(update, "METHOD") == ["METHOD:REQUEST"]
    assert properties(update, "UID") == properties(first, "UID")
    assert properties(update, "SEQUENCE") == ["SEQUENCE:1"]
    assert properties(update, "DTSTART") == ["DTSTART;TZID=Europe/Paris:20270616T140000"]
    assert all("PARTSTAT=NEEDS-ACTION" in line for line in properties(update, "ATTENDEE"))


def test_cancel_keeps_the_uid_and_carries_status_organizer_and_attendees(
    tmp_path: Path, ics_check: IcsCheck
) -> None:
    cancelled = invitation(sequence=1, status=OccurrenceStatus.CANCELLED)
    content = render_cancel(cancelled)
    ics_check(write(tmp_path, "cancel.ics", content))
    assert properties(content, "METHOD") == ["METHOD:CANCEL"]
    assert properties(content, "UID") == [f"UID:{cancelled.uid}"]
    assert properties(content, "SEQUENCE") == ["SEQUENCE:1"]
    assert properties(content, "STATUS") == ["STATUS:CANCELLED"]
    assert len(properties(content, "ORGANIZER")) == 1
    assert len(properties(content, "ATTENDEE")) == 2
    assert b"BEGIN:VALARM" not in content


def test_itip_objects_parse_with_ical_and_keep_the_method() -> None:
    for content, method in (
        (render_request(invitation()), "REQUEST"),
        (render_cancel(invitation()), "CANCEL"),
    ):
        calendar = IcsCalendarStream.calendar_from_ics(content.decode("utf-8"))
        assert calendar.method == method
        assert calendar.events[0].uid == invitation().uid
        assert calendar.events[0].organizer is not None


@pytest.mark.parametrize("render", [render_request, render_cancel])
def test_itip_needs_an_organizer_and_an_attendee(render: object) -> None:
    assert callable(render)
    with pytest.raises(ValueError, match="organizer"):
        render(meeting(attendees=(ZOE,)))
    with pytest.raises(ValueError, match="attendee"):
        render(meeting(organizer=CAMILLE))


def test_display_names_cannot_break_a_parameter() -> None:
    tricky = Attendee('Anne "la" Fée;\r\nX-EVIL:1', "anne@ville.example")
    content = render_request(invitation(attendees=(tricky,)))
    (line,) = properties(content, "ATTENDEE")
    assert "X-EVIL:1" in line  # stays inside the quoted CN, not a property of its own
    assert not re.search(rb"\r\nX-EVIL", content)
    assert (
        icalendar.Calendar.from_ical(content)
        .events[0]["ATTENDEE"]
        .params["CN"]
        .startswith("Anne 'la' Fée")
    )
