"""[organisation] working_hours: every ritual's meetings fit inside, start to end, unless the
ritual is held after hours (the after-work)."""

from __future__ import annotations

from datetime import time
from pathlib import Path

import pytest

from scheduler.config import load_settings
from scheduler.core.kinds import RitualKind
from scheduler.errors import ConfigError
from tests.factories import write_config

REPO = Path(__file__).resolve().parents[2]
ADVICE = "; choose a time inside them, or set after_hours = true for a meeting held out of hours"


def error_of(tmp_path: Path, extra: str) -> str:
    path = write_config(tmp_path, extra)
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    return str(caught.value)


def test_the_demo_and_the_defaults_fit_in_the_working_hours(tmp_path: Path) -> None:
    demo = load_settings(REPO / "config.toml")
    assert demo.organisation.working_hours.end == time(18, 30)
    assert demo.rituals[RitualKind.AFTER_WORK].times == [time(18, 0)]
    defaults = load_settings(write_config(tmp_path))
    assert defaults.rituals[RitualKind.AFTER_WORK].after_hours
    assert not defaults.rituals[RitualKind.BUYER_CLUB].after_hours


def test_a_meeting_ending_after_closing_time_is_refused(tmp_path: Path) -> None:
    message = error_of(tmp_path, '\n[rituals.buyer_club]\ntime = "17:30"\n')
    assert message == (
        f"{tmp_path / 'config.toml'}: [rituals.buyer_club] time: 17:30 to 19:30 is outside "
        "[organisation] working_hours (09:00 to 18:30)" + ADVICE
    )


def test_a_meeting_starting_before_opening_time_is_refused(tmp_path: Path) -> None:
    message = error_of(tmp_path, '\n[rituals.b2b_meetup]\ntimes = ["09:00", "8h30"]\n')
    assert message == (
        f"{tmp_path / 'config.toml'}: [rituals.b2b_meetup] times: 08:30 to 11:30 is outside "
        "[organisation] working_hours (09:00 to 18:30)" + ADVICE
    )


def test_a_longer_meeting_may_no_longer_fit(tmp_path: Path) -> None:
    message = error_of(tmp_path, '\n[rituals.steering_committee]\nduration = "5h"\n')
    assert "[rituals.steering_committee] times: 14:00 to 19:00 is outside" in message


def test_shorter_working_hours_refuse_the_default_times_that_no_longer_fit(
    tmp_path: Path,
) -> None:
    hours = '\n[organisation.working_hours]\nstart = "08:00"\nend = "16:00"\n'
    path = write_config(tmp_path, hours)
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    assert str(caught.value) == (
        f"{path}: [rituals.programming_review] times: 14:30 to 16:30 is outside "
        "[organisation] working_hours (08:00 to 16:00)" + ADVICE
    )


def test_a_meeting_ending_at_closing_time_fits(tmp_path: Path) -> None:
    settings = load_settings(write_config(tmp_path, '\n[rituals.buyer_club]\ntime = "16:30"\n'))
    assert settings.rituals[RitualKind.BUYER_CLUB].times == [time(16, 30)]


def test_a_meeting_running_past_midnight_is_refused(tmp_path: Path) -> None:
    message = error_of(tmp_path, '\n[rituals.buyer_club]\ntime = "23:00"\n')
    assert "[rituals.buyer_club] time: 23:00 to 01:00 is outside" in message


def test_a_ritual_held_after_hours_may_meet_in_the_evening(tmp_path: Path) -> None:
    extra = '\n[rituals.buyer_club]\ntime = "19:00"\nafter_hours = true\n'
    settings = load_settings(write_config(tmp_path, extra))
    assert settings.rituals[RitualKind.BUYER_CLUB].times == [time(19, 0)]


def test_the_after_work_is_held_to_the_hours_once_it_is_no_longer_after_hours(
    tmp_path: Path,
) -> None:
    message = error_of(tmp_path, "\n[rituals.after_work]\nafter_hours = false\n")
    assert "[rituals.after_work] times: 18:00 to 20:00 is outside" in message


def test_a_disabled_ritual_plans_nothing_so_its_times_are_not_held_to_the_hours(
    tmp_path: Path,
) -> None:
    extra = '\n[rituals.buyer_club]\ntime = "20:00"\nenabled = false\n'
    settings = load_settings(write_config(tmp_path, extra))
    assert not settings.rituals[RitualKind.BUYER_CLUB].enabled


def test_working_hours_must_end_after_they_start(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        '[organisation]\nworking_hours = { start = "18:00", end = "09:00" }\n'
        '[[facilitators]]\nid = "camille"\nname = "Camille"\nemail = "c@guichet.example"\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    assert str(caught.value) == f"{path}: [organisation] working_hours: end must come after start"
