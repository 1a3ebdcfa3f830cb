"""A real IMAP server for tests: Debian's Dovecot, started as an unprivileged process on a free
loopback port with a generated configuration — its own base_dir, a passwd-file user with a
password, a Maildir in a temporary folder, STARTTLS with a certificate made by `openssl` for
127.0.0.1, the log in a file (no syslog).

When Dovecot is absent the tests skip and say what to install, except under CI (`CI` set),
where they fail: CI must run them (`.ci/run` installs `dovecot-imapd`). Run as root (CI, these
machines), the server runs as `nobody`, since Dovecot refuses to serve logins as root.
"""

from __future__ import annotations

import grp
import os
import pwd
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from imapclient import IMAPClient

DOVECOT = Path("/usr/sbin/dovecot")
INSTALL = "apt-get install -y dovecot-imapd"
USER = "camille"
PASSWORD = "mot-de-passe-de-test"


@dataclass(frozen=True)
class Dovecot:
    """A running test server and how to reach it."""

    host: str
    port: int
    username: str
    password: str
    ca_file: Path
    log: Path

    def client(self) -> IMAPClient:
        """A logged-in connection for the test's own setup and checks (STARTTLS)."""
        client = IMAPClient(self.host, port=self.port, ssl=False, timeout=10)
        client.starttls(ssl.create_default_context(cafile=str(self.ca_file)))
        client.login(self.username, self.password)
        return client

    def config(self, *, password_env: str, extra: str = "") -> str:
        """The `[mail.imap]` table that reads this server's INBOX."""
        return f"""
[mail.imap]
host = "{self.host}"
port = {self.port}
security = "starttls"
username = "{self.username}"
password_env = "{password_env}"
ca_file = "{self.ca_file}"
poll_interval = 300
timeout_seconds = 10
{extra}
"""


def require_dovecot() -> None:
    """Skip without Dovecot (fail under CI), saying what to install."""
    missing = [str(p) for p in (DOVECOT,) if not p.exists()]
    if shutil.which("openssl") is None:
        missing.append("openssl")
    if not missing:
        return
    message = f"{', '.join(missing)} missing: {INSTALL} (and openssl)"
    if os.environ.get("CI"):
        pytest.fail(f"the IMAP tests must run under CI; {message}")
    pytest.skip(message)


def free_port() -> int:
    """A TCP port nobody listens on at the moment."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def start_dovecot() -> Iterator[Dovecot]:
    """A Dovecot serving one user on 127.0.0.1, stopped (by its pid) and removed afterwards."""
    require_dovecot()
    root = Path(tempfile.mkdtemp(prefix="rituel-dovecot-"))
    root.chmod(0o755)
    run_as = "nobody" if os.geteuid() == 0 else pwd.getpwuid(os.geteuid()).pw_name
    account = pwd.getpwnam(run_as)
    group = grp.getgrgid(account.pw_gid).gr_name
    port = free_port()
    _certificate(root)
    (root / "users").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n", encoding="utf-8")
    config = root / "dovecot.conf"
    config.write_text(_CONFIG.format(root=root, port=port, user=run_as, group=group))
    if os.geteuid() == 0:
        for path in (root, *root.rglob("*")):
            os.chown(path, account.pw_uid, account.pw_gid)
    process = subprocess.Popen(
        [str(DOVECOT), "-F", "-c", str(config)],
        user=account.pw_uid if os.geteuid() == 0 else None,
        group=account.pw_gid if os.geteuid() == 0 else None,
        extra_groups=[] if os.geteuid() == 0 else None,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    server = Dovecot("127.0.0.1", port, USER, PASSWORD, root / "cert.pem", root / "dovecot.log")
    try:
        _wait_until_listening(server, process)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
        if process.stderr is not None:
            process.stderr.close()
        shutil.rmtree(root, ignore_errors=True)


def _certificate(root: Path) -> None:
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1,DNS:localhost",
            "-keyout",
            str(root / "key.pem"),
            "-out",
            str(root / "cert.pem"),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )


def _wait_until_listening(server: Dovecot, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log = server.log.read_text() if server.log.exists() else ""
            raise RuntimeError(f"dovecot exited at start ({process.returncode}):\n{log}")
        try:
            client = server.client()
        except Exception:  # not up yet
            time.sleep(0.1)
            continue
        client.logout()
        return
    raise RuntimeError(f"dovecot did not answer on port {server.port}")


_CONFIG = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <{root}/cert.pem
ssl_key = <{root}/key.pem
default_login_user = {user}
default_internal_user = {user}
default_internal_group = {group}
auth_mechanisms = plain login
auth_failure_delay = 0
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/users
}}
userdb {{
  driver = static
  args = home={root}/home/%u
}}
mail_location = maildir:{root}/mail/%u
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
"""
