"""A change saved in the workspace is what everything acts on: the sign-in (who may sign in),
the daemon's mail step, the feeds; read from the store on every use, so a second instance on
the same database (its own settings loaded from the same config.toml) sees it at once."""

from __future__ import annotations

from datetime import UTC, datetime
from email import message_from_bytes, policy
from pathlib import Path

import pytest

from scheduler.clock import fixed_clock
from scheduler.config.overlay import facilitator_table, ritual_table
from scheduler.core.kinds import RitualKind
from scheduler.daemon.cycle import export_step, mail_step
from scheduler.errors import ConfigError
from scheduler.service.access import signin
from scheduler.service.plan.effective import effective
from scheduler.service.plan.planning import plan_and_store
from scheduler.service.plan.settings_change import SettingsChange, apply_change, preview_change
from scheduler.store.db import open_database
from tests.factories import add_buyer
from tests.service.conftest import Store

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
LEA = {
    "id": "lea",
    "name": "Léa Martin",
    "email": "lea.martin@guichet.example",
    "max_per_day": 1,
    "max_per_week": 4,
    "locale": "en",
}


def applied(settings: object, engine: object, change: SettingsChange) -> None:
    preview = preview_change(settings, engine, NOW, change)  # type: ignore[arg-type]
    done = apply_change(
        settings,  # type: ignore[arg-type]
        engine,  # type: ignore[arg-type]
        NOW,
        change,
        digest=preview.digest,
        actor="camille@guichet.example",
        confirmed=True,
    )
    assert done.done


def test_a_facilitator_added_in_the_workspace_may_sign_in_on_every_instance(
    store: Store,
) -> None:
    settings, engine = store("")
    assert signin.request_link(settings, engine, LEA["email"], NOW) is None

    team = [facilitator_table(f) for f in settings.facilitators]
    applied(settings, engine, SettingsChange(facilitators=[*team, LEA]))

    # another instance: its own settings from the same file, its own connections
    other_settings = settings.model_copy(deep=True)
    other = open_database(settings.database_url)
    try:
        issued = signin.request_link(other_settings, other, "Lea.Martin@guichet.example", NOW)
        assert issued is not None
        assert (issued.person.name, issued.person.facilitator_id) == ("Léa Martin", "lea")
        token = issued.url.rsplit("/", 1)[1]
        _, cookie = signin.sign_in(other_settings, other, token, NOW)
        assert cookie is not None
        who = signin.current(other_settings, other, cookie, NOW)
        assert who is not None
        assert (who.person.locale, who.person.facilitator_id) == ("en", "lea")
        assert [f.id for f in who.settings.facilitators] == ["camille", "nadia", "lea"]
    finally:
        other.dispose()

    # she leaves the team again: her session closes on the next request
    applied(settings, engine, SettingsChange(facilitators=team))
    assert signin.current(settings, engine, cookie, NOW) is None
    assert signin.request_link(settings, engine, LEA["email"], NOW) is None


async def test_a_ritual_changed_in_the_workspace_reaches_the_mail_step_and_the_feeds(
    store: Store, tmp_path: Path, monkeypatch: object
) -> None:
    monkeypatch.setenv("RITUEL_SECRET", "s" * 40)  # type: ignore[attr-defined]
    settings, engine = store("")
    add_buyer(engine, "ville-a", contact_email="achats@ville-a.example")
    plan_and_store(settings, engine, NOW)
    await mail_step(settings, engine, fixed_clock(NOW))
    outbox = settings.resolve(settings.mail.outbox_dir)
    before = {path.name for path in outbox.glob("*.eml")} if outbox.exists() else set()

    table = ritual_table(settings.rituals[RitualKind.AFTER_WORK])
    change = {**table, "location": "Halle aux grains, Lisière", "invite_days_before": 80}
    applied(settings, engine, SettingsChange(rituals={RitualKind.AFTER_WORK: change}))

    # the daemon's steps, given config.toml's settings, act on the stored values
    report = await mail_step(settings, engine, fixed_clock(NOW))
    assert report.enqueued.added > 0
    new = [path for path in outbox.glob("*.eml") if path.name not in before]
    mails = [message_from_bytes(path.read_bytes(), policy=policy.default) for path in new]
    invitations = [m for m in mails if "After-work" in str(m["Subject"])]
    assert invitations, [str(m["Subject"]) for m in mails]
    assert all(m["To"].addresses[0].addr_spec == "achats@ville-a.example" for m in invitations)
    body = invitations[0].get_body(("plain",))
    assert body is not None
    assert "Halle aux grains" in body.get_content()

    await export_step(settings, engine, NOW)
    public = (settings.resolve(settings.feeds.dir) / "territoire.ics").read_text(encoding="utf-8")
    assert "LOCATION:Halle aux grains\\, Lisière" in public


def test_stored_values_the_file_no_longer_accepts_stop_the_plan_but_lock_nobody_out(
    store: Store,
) -> None:
    settings, engine = store("")
    table = ritual_table(settings.rituals[RitualKind.AFTER_WORK])
    months = ritual_table(settings.rituals[RitualKind.BUYER_CLUB])
    applied(
        settings,
        engine,
        SettingsChange(
            rituals={
                RitualKind.AFTER_WORK: {**table, "facilitator": "nadia"},
                RitualKind.BUYER_CLUB: {**months, "months": [4, 10]},
            }
        ),
    )
    # config.toml edited under the stored values: Nadia is no longer in the file
    edited = settings.model_copy(update={"facilitators": settings.facilitators[:1]})

    with pytest.raises(ConfigError, match=r"rituals\.after_work.*nadia"):
        plan_and_store(edited, engine, NOW)
    assert signin.request_link(edited, engine, "camille@guichet.example", NOW) is not None
    current = effective(edited, engine)
    assert current.rituals[RitualKind.AFTER_WORK].facilitator is None  # left out, logged
    assert list(current.rituals[RitualKind.BUYER_CLUB].months) == [4, 10]  # the rest still applies
    with pytest.raises(ConfigError):
        effective(edited, engine, strict=True)
