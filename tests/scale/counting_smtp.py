"""An SMTP server that accepts every message and writes its Message-ID to a file, one a line,
flushed as it goes: what the multi-instance scenario counts deliveries with.

    python -m tests.scale.counting_smtp PORT FILE      (stops on SIGTERM or SIGINT)
"""

from __future__ import annotations

import re
import signal
import sys
from typing import IO

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

MESSAGE_ID = re.compile(rb"^Message-ID:\s*(<[^>]+>)", re.IGNORECASE | re.MULTILINE)


class Recorder:
    """Accept, note the Message-ID (or `-` when there is none), drop."""

    def __init__(self, out: IO[str]) -> None:
        self.out = out

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or b""
        head = content.split(b"\r\n\r\n", 1)[0]
        found = MESSAGE_ID.search(head)
        self.out.write((found.group(1).decode() if found else "-") + "\n")
        self.out.flush()
        return "250 OK"


def main() -> None:
    port, path = int(sys.argv[1]), sys.argv[2]
    stop = {signal.SIGTERM, signal.SIGINT}
    signal.pthread_sigmask(signal.SIG_BLOCK, stop)
    with open(path, "a", encoding="ascii") as out:
        controller = Controller(Recorder(out), hostname="127.0.0.1", port=port)
        controller.start()
        print("ready", flush=True)
        signal.sigwait(stop)
        controller.stop()


if __name__ == "__main__":
    main()
