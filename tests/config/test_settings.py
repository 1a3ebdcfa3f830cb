"""config.toml into typed settings: defaults, the demo file, and one-line errors."""

from __future__ import annotations

from datetime import time, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scheduler.config import load_settings, parse_duration, parse_time_of_day
from scheduler.core.kinds import RITUALS, OnConflict, RitualKind, Scope
from scheduler.errors import ConfigError

REPO = Path(__file__).resolve().parents[2]


ORGANISATION = '\n[organisation]\nname = "Guichet de test"\n'
FACILITATOR = '\n[[facilitators]]\nid = "camille"\nname = "Camille"\nemail = "c@guichet.example"\n'


def write(tmp_path: Path, text: str, *, complete: bool = True) -> Path:
    """`text` as config.toml; with `complete`, the tables every configuration needs are added
    after it when it has none."""
    if complete and "[organisation]" not in text:
        text += ORGANISATION
    if complete and "[[facilitators]]" not in text:
        text += FACILITATOR
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def error_of(tmp_path: Path, text: str) -> str:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    return str(caught.value)


def test_the_required_tables_alone_are_a_working_configuration(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, ""))
    assert settings.organisation.timezone == "Europe/Paris"
    assert settings.organisation.locale == "fr"
    assert settings.planning.horizon_months == 18
    assert {r.kind for r in settings.ritual_rules()} == set(RITUALS)
    rules = settings.calendar_rules()
    assert [(b.start.month, b.end.month) for b in rules.blackouts] == [(8, 8), (12, 1)]


def test_default_database_is_a_sqlite_file_beside_the_config(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, ""))
    assert settings.database_url == f"sqlite:///{tmp_path.resolve() / 'rituel.db'}"


def test_shipped_demo_config_is_valid() -> None:
    settings = load_settings(REPO / "config.toml")
    assert len(settings.facilitators) >= 2
    after_work = settings.rituals[RitualKind.AFTER_WORK]
    assert after_work.times == [time(18, 0)]
    assert after_work.weekdays == [3]
    assert after_work.on_conflict is OnConflict.SHIFT
    assert after_work.themes


def test_single_forms_time_and_weekday_are_accepted(tmp_path: Path) -> None:
    settings = load_settings(
        write(tmp_path, '[rituals.buyer_club]\ntime = "9h30"\nweekday = "jeudi"\n')
    )
    club = settings.rituals[RitualKind.BUYER_CLUB]
    assert club.times == [time(9, 30)]
    assert club.weekdays == [3]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '[rituals.after_work]\ntime = "25:00"\n',
            "[rituals.after_work] time: '25:00' is not a time of day",
        ),
        ("[rituals.after_work]\ntiem = 1\n", "[rituals.after_work] tiem: unknown key"),
        ("[rituals.apero]\ntime = '18:00'\n", "[rituals] apero: unknown ritual kind"),
        (
            '[organisation]\ntimezone = "Mars/Olympus"\n',
            "[organisation] timezone: 'Mars/Olympus' is not a time zone",
        ),
        (
            '[[facilitators]]\nid = "a"\nname = "A"\nemail = "not-an-address"\n',
            "[facilitators[1]] email: 'not-an-address' is not an e-mail address",
        ),
        (
            '[organisation]\nblackouts = [{ from = "13-01", to = "01-01" }]\n',
            "from: '13-01' is not a day of the year",
        ),
        (
            '[rituals.after_work]\nduration = "two hours"\n',
            "[rituals.after_work] duration: 'two hours' is not a duration",
        ),
        (
            '[rituals.after_work]\non_conflict = "panic"\n',
            "[rituals.after_work] on_conflict: 'panic'",
        ),
        (
            '[rituals.after_work]\nfacilitator = "ghost"\n',
            "[rituals.after_work] facilitator: 'ghost' is not one of the [[facilitators]]",
        ),
        ("[organisation\n", "line 1"),
    ],
)
def test_a_mistake_is_one_line_naming_file_table_and_key(
    tmp_path: Path, text: str, expected: str
) -> None:
    message = error_of(tmp_path, text)
    assert message.startswith(f"{tmp_path / 'config.toml'}: ")
    assert expected in message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "the configuration is empty; it needs at least [organisation] and one"),
        ("\n# truncated by an editor\n", "the configuration is empty"),
        (FACILITATOR, "no [organisation] table"),
        (ORGANISATION, "no [[facilitators]]; at least one facilitator is needed"),
        (ORGANISATION + "facilitators = []\n", "no [[facilitators]]"),
    ],
)
def test_a_configuration_without_organisation_or_facilitators_is_refused(
    tmp_path: Path, text: str, expected: str
) -> None:
    path = write(tmp_path, text, complete=False)
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    assert str(caught.value).startswith(f"{path}: {expected}")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[planning]\nhorizon_months = true\n", "[planning] horizon_months: true is not a whole"),
        (
            '[planning]\nhorizon_months = "18"\n',
            '[planning] horizon_months: "18" is not a whole number (write it without quotes)',
        ),
        ("[planning]\nhorizon_months = 18.0\n", "[planning] horizon_months: 18.0 is not a whole"),
        (
            '[rituals.after_work]\nenabled = "yes"\n',
            '[rituals.after_work] enabled: "yes" is not true or false',
        ),
        ("[rituals.after_work]\nenabled = 1\n", "[rituals.after_work] enabled: 1 is not true or"),
        (
            '[rituals.buyer_club]\nmonths = [3, "10"]\n',
            '[rituals.buyer_club] months.1: "10" is not a whole number',
        ),
        (
            "[rituals.buyer_club]\nwindow_weeks = [8, true]\n",
            "[rituals.buyer_club] window_weeks.1: true is not a whole number",
        ),
        ("[organisation]\nname = 12\n", "[organisation] name: 12 is not text (in quotes)"),
        ('[mail.smtp]\nport = "587"\n', '[mail.smtp] port: "587" is not a whole number'),
        ('[mail]\nlease_seconds = "300"\n', '[mail] lease_seconds: "300" is not a number'),
        ("[web]\nport = false\n", "[web] port: false is not a whole number"),
    ],
)
def test_values_of_the_wrong_type_are_refused_not_converted(
    tmp_path: Path, text: str, expected: str
) -> None:
    message = error_of(tmp_path, text)
    assert message.startswith(f"{tmp_path / 'config.toml'}: {expected}")


def test_numbers_may_be_written_as_integers_where_a_decimal_is_expected(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, "[mail.smtp]\ntimeout_seconds = 10\n"))
    assert settings.mail.smtp.timeout_seconds == 10.0


def test_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such configuration file"):
        load_settings(tmp_path / "absent.toml")


@given(st.integers(0, 23), st.integers(0, 59), st.sampled_from([":", "h", "H"]))
def test_times_of_day_parse_in_both_spellings(hour: int, minute: int, sep: str) -> None:
    assert parse_time_of_day(f"{hour}{sep}{minute:02d}") == time(hour, minute)


@given(st.integers(0, 12), st.integers(0, 59))
def test_durations_parse_as_written(hours: int, minutes: int) -> None:
    expected = timedelta(hours=hours, minutes=minutes)
    if expected:
        assert parse_duration(f"{hours}h{minutes:02d}") == expected
        assert parse_duration(f"{hours * 60 + minutes}min") == expected


@given(st.text(max_size=12))
def test_any_text_is_a_time_or_a_clear_refusal(text: str) -> None:
    message = ""
    try:
        parse_time_of_day(text)
    except ValueError as exc:
        message = str(exc)
    assert message in ("", f"{text!r} is not a time of day")


def test_the_buyer_chooses_the_date_of_its_own_meetings_unless_told_to_impose(
    tmp_path: Path,
) -> None:
    settings = load_settings(
        write(
            tmp_path,
            "[rituals.programming_review]\nslots = 5\n"
            '[rituals.convention_renewal]\nbooking = "impose"\n',
        )
    )
    review = settings.rituals[RitualKind.PROGRAMMING_REVIEW]
    assert (review.booking, review.slots, review.choice_deadline_days) == ("choose", 5, 21)
    assert settings.rituals[RitualKind.INTERNAL_AWARENESS].booking == "choose"
    assert settings.rituals[RitualKind.CONVENTION_RENEWAL].booking == "impose"
    territory = [kind for kind in RitualKind if kind.scope is not Scope.BUYER]
    assert territory
    assert {settings.rituals[kind].booking for kind in territory} == {"impose"}


def test_a_territory_ritual_cannot_be_chosen_by_a_buyer(tmp_path: Path) -> None:
    error = error_of(tmp_path, '[rituals.after_work]\nbooking = "choose"\n')
    assert '[rituals.after_work] booking: "choose" is for a buyer' in error
    assert "slots" in error_of(tmp_path, "[rituals.programming_review]\nslots = 9\n")
