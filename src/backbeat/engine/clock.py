"""The one clock every position is derived from."""

from __future__ import annotations

import time
from typing import Protocol


class Clock(Protocol):
    def now_ns(self) -> int: ...


class MonotonicClock:
    """The process's monotonic clock, in integer nanoseconds (never goes back)."""

    def now_ns(self) -> int:
        return time.monotonic_ns()


class FakeClock:
    """A clock tests move by hand: no sleeps, exact arithmetic."""

    def __init__(self, start_ns: int = 1_000_000_000):
        self._now = start_ns

    def now_ns(self) -> int:
        return self._now

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("a monotonic clock does not go back")
        self._now += round(seconds * 1e9)
