"""When to try a message again: exponential backoff with jitter, up to a number of attempts."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """After the n-th failed attempt, wait between half and all of `first_delay × 2^(n-1)`
    (at most `max_delay`); after `max_attempts` attempts, give up."""

    max_attempts: int = 8
    first_delay: timedelta = timedelta(minutes=2)
    max_delay: timedelta = timedelta(hours=6)

    def next_try(self, attempts: int, now: datetime, rng: random.Random) -> datetime | None:
        """When to try again after `attempts` attempts; None when none is left."""
        if attempts >= self.max_attempts:
            return None
        ceiling: timedelta = min(self.max_delay, self.first_delay * 2 ** max(0, attempts - 1))
        delay: timedelta = ceiling * rng.uniform(0.5, 1.0)
        return now + delay
