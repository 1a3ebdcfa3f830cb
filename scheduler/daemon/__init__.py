"""The daemon: one process that sleeps until the next due instant; its cycle, the inputs'
fingerprint, the instance lock and the health check."""

from scheduler.daemon.runner import Daemon

__all__ = ["Daemon"]
