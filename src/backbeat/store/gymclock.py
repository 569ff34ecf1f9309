"""Reading the gym's clock from the database server (the arithmetic is
``engine/gymclock.py``'s).

On PostgreSQL the server's ``clock_timestamp()`` is the gym's time: each
sample is one round trip. On SQLite every station is on the one computer, so
the gym's clock is that machine's.
"""

from __future__ import annotations

import time

from sqlalchemy import text

from backbeat.engine.gymclock import REESTIMATE_S, SAMPLES, GymClock, Sample, best_offset
from backbeat.store.db import Database

_SERVER_US = text("SELECT CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000000 AS BIGINT)")


def clock_samples(db: Database, clock: GymClock, n: int = SAMPLES) -> list[Sample]:
    """``n`` round trips to the server, on ``clock``'s local (monotonic) clock."""
    local = clock.local
    if db.engine.dialect.name != "postgresql":
        sent = local.now_ns()
        wall = time.time_ns()
        return [Sample(sent, wall, sent)]
    samples = []
    with db.engine.connect() as conn:
        conn.execute(text("SELECT 1"))  # the connection is warm before the first sample
        for _ in range(n):
            sent = local.now_ns()
            server_us = conn.execute(_SERVER_US).scalar_one()
            received = local.now_ns()
            samples.append(Sample(sent, int(server_us) * 1000, received))
    return samples


def measure(db: Database, clock: GymClock, n: int = SAMPLES) -> Sample:
    """Estimate ``clock``'s offset to the gym's clock now (keeps the fastest round trip)."""
    best = best_offset(clock_samples(db, clock, n))
    clock.set_offset(best)
    return best


_CLOCKS: dict[str, tuple[GymClock, int]] = {}


def gym_now_ns(db: Database) -> int:
    """The gym's time now, for a caller without a clock of its own (measured on
    first use and again every REESTIMATE_S)."""
    clock, measured = _CLOCKS.get(db.url, (None, 0))
    if clock is None or clock.local.now_ns() - measured > REESTIMATE_S * 1e9:
        clock = GymClock()
        measure(db, clock)
        _CLOCKS[db.url] = (clock, clock.local.now_ns())
    return clock.now_ns()
