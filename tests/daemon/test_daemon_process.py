"""The real daemon process: it serves, refuses a twin, reloads on SIGHUP, stops on SIGTERM."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from scheduler.config import load_settings
from scheduler.store.db import open_database
from tests.factories import add_buyer, write_config

RITUEL = [sys.executable, "-m", "scheduler.cli"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def daemon_config(tmp_path: Path) -> tuple[Path, int]:
    port = free_port()
    path = write_config(tmp_path, f"\n[web]\nport = {port}\n")
    engine = open_database(load_settings(path).database_url)
    add_buyer(engine, "ville-a", contact_email="achats@ville-a.example")
    engine.dispose()
    return path, port


def start(config: Path, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*RITUEL, "run", "--config", str(config), *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=config.parent,
    )


def wait_healthy(port: int, process: subprocess.Popen[str], timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()[0]
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError("the daemon never answered /healthz")


def stop(process: subprocess.Popen[str], timeout: float = 30) -> tuple[int, str]:
    process.send_signal(signal.SIGTERM)
    output, _ = process.communicate(timeout=timeout)
    return process.returncode, output


def test_daemon_serves_feeds_and_stops_cleanly_on_sigterm(
    daemon_config: tuple[Path, int],
) -> None:
    config, port = daemon_config
    process = start(config)
    try:
        wait_healthy(port, process)
        deadline = time.monotonic() + 20
        while not (config.parent / "calendars" / "territoire.ics").exists():
            assert time.monotonic() < deadline, "the public feed was never exported"
            time.sleep(0.2)
        response = httpx.get(f"http://127.0.0.1:{port}/territoire.ics", timeout=5)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/calendar")
        assert b"BEGIN:VEVENT" in response.content
    finally:
        started = time.monotonic()
        status, output = stop(process)
    assert status == 0, output
    assert time.monotonic() - started < 25
    assert "stopped" in output


def test_a_second_daemon_on_the_same_sqlite_file_refuses_to_start(
    daemon_config: tuple[Path, int],
) -> None:
    config, port = daemon_config
    first = start(config)
    try:
        wait_healthy(port, first)
        second = subprocess.run(
            [*RITUEL, "run", "--no-web", "--config", str(config)],
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert second.returncode != 0
        assert "another rituel daemon" in second.stderr
        assert f"pid {first.pid}" in second.stderr
    finally:
        status, output = stop(first)
    assert status == 0, output


def test_restarts_leave_the_same_jobs(daemon_config: tuple[Path, int]) -> None:
    config, port = daemon_config
    job_lines = []
    for _ in range(3):
        process = start(config)
        wait_healthy(port, process)
        status, output = stop(process)
        assert status == 0, output
        job_lines.append(
            [
                line.split("rituel.daemon: ")[1]
                for line in output.splitlines()
                if "started: jobs" in line
            ]
        )
    assert job_lines[0] == job_lines[1] == job_lines[2]
    assert len(job_lines[0]) == 1


def test_sighup_with_a_broken_config_keeps_the_old_one(daemon_config: tuple[Path, int]) -> None:
    config, port = daemon_config
    process = start(config)
    try:
        wait_healthy(port, process)
        good = config.read_text(encoding="utf-8")
        config.write_text(good + '\n[rituals.after_work]\ntime = "25:00"\n', encoding="utf-8")
        os.kill(process.pid, signal.SIGHUP)
        time.sleep(1.0)
        assert process.poll() is None
        assert httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code == 200
        config.write_text(good, encoding="utf-8")
        os.kill(process.pid, signal.SIGHUP)
        time.sleep(1.0)
    finally:
        status, output = stop(process)
    assert status == 0, output
    assert "reload refused, keeping the running configuration" in output
    assert "'25:00' is not a time of day" in output
    assert "configuration reloaded" in output
