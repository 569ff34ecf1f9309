"""The gym's clock: one time for every station, the database server's.

A station measures its offset to the server NTP-style: a few round trips,
each a sample ``(sent, server, received)``; the sample with the smallest round
trip is the truest, and the server's reading is taken to be from the middle of
it. The offset maps the station's *monotonic* clock onto the server's epoch
time, so a wall clock set wrong (or stepped by hand mid-class) moves nothing.
``store/gymclock.py`` takes the samples; this module only does the arithmetic.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from backbeat.engine.clock import Clock, MonotonicClock

#: How often a station measures its offset again.
REESTIMATE_S = 60.0
#: Round trips per estimate; the fastest one counts.
SAMPLES = 7


@dataclass(frozen=True)
class Sample:
    sent_ns: int  # the station's monotonic clock when the question left
    server_ns: int  # the server's clock (Unix epoch ns) in its answer
    received_ns: int  # the station's monotonic clock when the answer came

    @property
    def rtt_ns(self) -> int:
        return self.received_ns - self.sent_ns

    @property
    def offset_ns(self) -> int:
        return self.server_ns - (self.sent_ns + self.received_ns) // 2


def best_offset(samples: list[Sample]) -> Sample:
    """The sample with the smallest round trip (its offset is the estimate)."""
    if not samples:
        raise ValueError("no clock samples")
    return min(samples, key=lambda s: s.rtt_ns)


class GymClock:
    """The gym's time (Unix epoch ns of the database server) read on this station.

    ``now_ns()`` is the local monotonic clock plus the measured offset; set a
    new estimate with :meth:`set_offset`. Thread-safe: the offset is replaced
    whole.
    """

    def __init__(self, local: Clock | None = None, offset_ns: int = 0):
        self.local = local or MonotonicClock()
        self._offset_ns = offset_ns
        self.rtt_ns: int | None = None
        self._lock = threading.Lock()

    def now_ns(self) -> int:
        return self.local.now_ns() + self._offset_ns

    @property
    def offset_ns(self) -> int:
        return self._offset_ns

    def set_offset(self, sample: Sample) -> None:
        with self._lock:
            self._offset_ns, self.rtt_ns = sample.offset_ns, sample.rtt_ns

    def guess_from_wall(self, wall_ns: int) -> None:
        """No server to measure (a start while it is away): this computer's wall
        clock is the best guess of the gym's until the first measurement."""
        with self._lock:
            self._offset_ns, self.rtt_ns = wall_ns - self.local.now_ns(), None


def wall_offset_ms(gym_now_ns: int, wall_now_ns: int) -> float:
    """How far this station's wall clock is from the gym's (positive: the gym is ahead)."""
    return (gym_now_ns - wall_now_ns) / 1e6
