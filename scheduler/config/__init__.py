"""config.toml into typed settings.

Types are strict: a number, a boolean or a string must be written as one (`horizon_months =
true` or `"18"` is an error, not 1 or 18). Every key has a default, but a configuration needs an
`[organisation]` table and at least one `[[facilitators]]`: an empty or truncated file (an editor
that truncates before writing, a failed deploy) is refused, never read as "all defaults". A
mistake is reported as one line naming the file, the table and the key:

    config.toml: [rituals.after_work] time: '25:00' is not a time of day

The package, top-down: `types` (times, durations, weekdays… as written in TOML), `organisation`
(the guichet and its people), `rituals` (the ritual catalogue and its defaults), `mail`,
`settings` (the whole configuration and the core's views of it), `loading` (file → `Settings`,
cross-table checks) and `errors` (a validation error as one line).
"""

from __future__ import annotations

from scheduler.config.errors import describe_error
from scheduler.config.loading import (
    CONFIG_ENV,
    DEFAULT_CONFIG,
    config_path,
    load_settings,
    settings_from_dict,
)
from scheduler.config.mail import ImapSettings, MailSettings, SmtpSettings
from scheduler.config.organisation import (
    AdminSettings,
    BlackoutSettings,
    FacilitatorSettings,
    HolidaySettings,
    OrganisationSettings,
    WorkingHours,
)
from scheduler.config.rituals import RITUAL_DEFAULTS, RitualSettings
from scheduler.config.settings import (
    DaemonSettings,
    FeedSettings,
    PlanningSettings,
    Settings,
    StorageSettings,
    WebSettings,
)
from scheduler.config.types import (
    WEEKDAYS,
    parse_duration,
    parse_month_day,
    parse_time_of_day,
    parse_weekday,
)

__all__ = [
    "CONFIG_ENV",
    "DEFAULT_CONFIG",
    "RITUAL_DEFAULTS",
    "WEEKDAYS",
    "AdminSettings",
    "BlackoutSettings",
    "DaemonSettings",
    "FacilitatorSettings",
    "FeedSettings",
    "HolidaySettings",
    "ImapSettings",
    "MailSettings",
    "OrganisationSettings",
    "PlanningSettings",
    "RitualSettings",
    "Settings",
    "SmtpSettings",
    "StorageSettings",
    "WebSettings",
    "WorkingHours",
    "config_path",
    "describe_error",
    "load_settings",
    "parse_duration",
    "parse_month_day",
    "parse_time_of_day",
    "parse_weekday",
    "settings_from_dict",
]
