"""`[mail.imap]`: where the calendar replies are read, with one-line errors naming the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from scheduler.cli import main
from scheduler.config import load_settings
from scheduler.errors import ConfigError

REQUIRED = (
    '[organisation]\nname = "Guichet de test"\n\n'
    '[[facilitators]]\nid = "camille"\nname = "Camille"\nemail = "c@guichet.example"\n\n'
)


def write(tmp_path: Path, text: str) -> Path:
    """`text` as config.toml, after the tables every configuration needs."""
    path = tmp_path / "config.toml"
    path.write_text(REQUIRED + text, encoding="utf-8")
    return path


def test_no_mailbox_by_default(tmp_path: Path) -> None:
    imap = load_settings(write(tmp_path, "")).mail.imap
    assert not imap.enabled
    assert (imap.folder, imap.processed_folder, imap.poll_interval) == (
        "INBOX",
        "Réponses rituel",
        300.0,
    )
    assert imap.placement == "facilitator"


@pytest.mark.parametrize(("security", "port"), [("tls", 993), ("starttls", 143), ("none", 143)])
def test_the_port_follows_the_security(tmp_path: Path, security: str, port: int) -> None:
    text = f'[mail.imap]\nhost = "localhost"\nsecurity = "{security}"\n'
    assert load_settings(write(tmp_path, text)).mail.imap.server_port == port


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '[mail.imap]\nhost = "imap.guichet.example"\nsecurity = "none"\n',
            "[mail.imap] security: 'none' sends the password in clear: only for a loopback "
            "host, not 'imap.guichet.example' (use 'tls' or 'starttls')",
        ),
        (
            '[mail.imap]\nhost = "imap.guichet.example"\nplacement = "organizer"\n',
            "[mail.imap] address: placement 'organizer' needs the address invitations name",
        ),
        (
            '[mail.imap]\nplacement = "shared"\n',
            "[mail.imap] placement: 'shared': Input should be 'organizer' or 'facilitator'",
        ),
        ('[mail.imap]\naddress = "rdv"\n', "[mail.imap] address: 'rdv' is not an e-mail address"),
        ("[mail.imap]\nport = 0\n", "[mail.imap] port: 0: Input should be greater than"),
        ("[mail.imap]\npoll_interval = 0\n", "[mail.imap] poll_interval: 0: Input should be"),
        ('[mail.imap]\nfolders = "INBOX"\n', "[mail.imap] folders: unknown key"),
    ],
)
def test_a_mistake_is_one_line_naming_file_table_and_key(
    tmp_path: Path, text: str, expected: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ")
    assert expected in message
    assert "\n" not in message


def test_the_cli_says_it_in_one_line_and_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, '[mail.imap]\nhost = "imap.example.org"\nsecurity = "none"\n')
    status = main(["check", "--config", str(path)])
    _, err = capsys.readouterr()
    assert status == 2
    assert err.strip().startswith(f"rituel: {path}: [mail.imap] security:")
    assert len(err.strip().splitlines()) == 1
    assert not (tmp_path / "rituel.db").exists()


def test_clear_text_is_allowed_on_loopback(tmp_path: Path) -> None:
    for host in ("localhost", "127.0.0.1", "::1"):
        text = f'[mail.imap]\nhost = "{host}"\nsecurity = "none"\n'
        assert load_settings(write(tmp_path, text)).mail.imap.security == "none"
