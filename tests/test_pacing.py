"""Frame pacing on a fake clock: which instant a TV frame shows, and when it wakes for
a phase change (engine.pacing, the runner's instants ahead). No timing: the clock
is moved by hand."""

from __future__ import annotations

import os
import threading

import pytest

from backbeat.engine.clock import FakeClock
from backbeat.engine.pacing import (
    FRAME_NS,
    MAX_AHEAD_NS,
    MAX_LEAD_NS,
    NS_PER_MS,
    Latency,
    shown_at,
    wake_in_ms,
)
from backbeat.engine.runner import ClassRunner, RunState
from backbeat.engine.timeline import ClassPlan
from backbeat.threads import background, latency_sensitive


def test_the_latency_is_a_quantile_of_the_recent_measures_within_its_cap():
    lat = Latency(cap_ns=8 * NS_PER_MS, window=4)
    assert lat.ns() == 0  # nothing measured: the clock itself
    for ms in (1, 3, 2):
        lat.add(ms * NS_PER_MS)
    assert lat.ns() == 2 * NS_PER_MS
    lat.add(-5)  # a clock read out of order is no negative latency
    assert min(lat._recent) == 0
    for ms in (30, 30, 30, 30):  # a stretch of slow frames: the estimate follows, capped
        lat.add(ms * NS_PER_MS)
    assert lat.ns() == 8 * NS_PER_MS
    q3 = Latency(cap_ns=FRAME_NS, window=8, quantile=0.75)
    for ms in (1, 1, 1, 1, 1, 9, 9, 9):
        q3.add(ms * NS_PER_MS)
    assert q3.ns() == 9 * NS_PER_MS  # the upper quartile, not the median
    assert MAX_AHEAD_NS < FRAME_NS and MAX_LEAD_NS < FRAME_NS  # never a frame early


@pytest.mark.parametrize("now_ns, edge_ns, lead_ns", [
    (0, 100 * NS_PER_MS, 0), (123_456, 100 * NS_PER_MS, 3_200_000),
    (99_999_999, 100 * NS_PER_MS, 0), (0, 10 * NS_PER_MS, 11 * NS_PER_MS)])
def test_the_wake_is_an_absolute_deadline_never_early(now_ns, edge_ns, lead_ns):
    ms = wake_in_ms(now_ns, edge_ns, lead_ns)
    woken = now_ns + ms * NS_PER_MS  # a timer that never fires early fires here or later
    assert woken >= edge_ns - lead_ns or ms == 0
    assert woken < max(edge_ns - lead_ns, now_ns) + NS_PER_MS  # and no whole ms after


def test_a_frame_shows_the_clock_plus_its_latency_and_a_woken_one_not_before_its_edge():
    assert shown_at(1_000, None, 500) == 1_500
    assert shown_at(1_000, 5_000, 500) == 5_000  # woken ahead of the boundary: its frame
    assert shown_at(9_000, 5_000, 500) == 9_500  # woken late: as late as it is


def test_the_runner_tells_the_class_ahead_and_at_a_clock_time(library, sample_program):
    clock = FakeClock()
    r = ClassRunner(ClassPlan(sample_program, 1, library), clock)
    seg = r.timeline.segments[3]
    r.seek_ms(seg.start_ms - 5)
    assert r.now(ahead_ns=10 * NS_PER_MS).position_ms == r.now().position_ms  # not running
    assert r.clock_ns_at(seg.start_ms) is None
    r.play()
    edge = r.clock_ns_at(seg.start_ms)
    assert edge == clock.now_ns() + 5 * NS_PER_MS  # on the class's own clock
    assert r.now().segment.index == seg.index - 1
    assert r.now(ahead_ns=4 * NS_PER_MS).segment.index == seg.index - 1
    assert r.now(ahead_ns=5 * NS_PER_MS).segment.index == seg.index  # the frame's instant
    assert r.now_at(edge).position_ms == seg.start_ms
    assert r.now_at(edge - 1).segment.index == seg.index - 1
    assert r.now().position_ms == seg.start_ms - 5  # asking ahead moved nothing
    end = r.clock_ns_at(r.timeline.duration_ms)
    assert r.now_at(end + 10**12).position_ms == r.timeline.duration_ms  # no further than the end
    assert r.now(ahead_ns=10**15).position_ms == r.timeline.duration_ms
    assert r.state is RunState.RUNNING


def _in_a_thread(work):
    out = []
    t = threading.Thread(target=lambda: out.append(work()))
    t.start()
    t.join()
    return out[0]


def test_the_gui_thread_asks_for_a_short_slice_and_workers_yield():
    def slice_asked():
        took = latency_sensitive(500_000)
        try:
            with open("/proc/thread-self/sched") as f:
                line = next((ln for ln in f if ln.startswith("se.slice")), None)
        except OSError:
            line = None
        return took, line, os.sched_getscheduler(0) if hasattr(os, "sched_getscheduler") else None

    took, line, policy = _in_a_thread(slice_asked)
    if took and line is not None:  # a kernel with custom slices (EEVDF, 6.12+) took it
        assert int(line.split(":")[1]) == 500_000
    if policy is not None:
        assert policy == os.SCHED_OTHER  # the same policy and share: only the slice
    if hasattr(os, "SCHED_BATCH"):
        def batch():
            background()
            return os.sched_getscheduler(0)
        assert _in_a_thread(batch) == os.SCHED_BATCH
