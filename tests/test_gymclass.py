"""A shared class on the gym's clock, as pure rules: folding events into a
position, the commands, and the clock's NTP-style estimate (fake clocks only)."""

from __future__ import annotations

import json

import pytest

from backbeat.domain.program import parse_program
from backbeat.engine.clock import FakeClock
from backbeat.engine.gymclass import (
    ClassState,
    CommandRefused,
    Event,
    command,
    fold,
    position_ms,
    silent,
    state_at,
)
from backbeat.engine.gymclock import GymClock, Sample, best_offset, wall_offset_ms
from backbeat.engine.runner import ClassRunner, RunState
from backbeat.engine.timeline import ClassPlan

S = 1_000_000_000
T0 = 1_800_000_000 * S  # a gym-clock instant (Unix epoch ns)


@pytest.fixture
def plan(library):
    program = parse_program(json.dumps({
        "format": "backbeat.program/1", "name": "Shared",
        "days": [{"name": "D", "get_ready_s": 10, "blocks": [
            {"name": "Rows", "items": [{"exercise": "chest-supported-row", "sets": 2, "reps": 2,
                                        "tempo": "2-0-2-0", "rest_s": 30}]}]}]}))
    return ClassPlan(program, 1, library)


def test_position_is_the_time_since_the_anchor_frozen_by_a_pause(plan):
    timeline = plan.timeline()
    timing = fold(T0, [])
    assert position_ms(timing, T0 + 5 * S) == 5000
    events = [Event("pause", T0 + 5 * S)]
    timing = fold(T0, events)
    assert timing.state is ClassState.PAUSED
    assert position_ms(timing, T0 + 500 * S) == 5000  # frozen however long the pause
    events.append(Event("resume", T0 + 65 * S))
    assert position_ms(fold(T0, events), T0 + 66 * S) == 6000
    events.append(Event("seek", T0 + 70 * S, {"to_ms": 30_000}))
    assert position_ms(fold(T0, events), T0 + 71 * S) == 31_000
    assert state_at(fold(T0, events), T0 + 10_000 * S, timeline.duration_ms) is ClassState.ENDED
    assert position_ms(fold(T0, events), T0 + 10_000 * S, timeline.duration_ms) == timeline.duration_ms


def test_commands_make_the_events_the_keys_used_to_make(plan):
    clock = FakeClock(T0)
    runner = ClassRunner(plan, clock)
    runner.play()
    events: list[Event] = []
    # the same controls through the runner's own methods and through command()
    for advance, cmd in [(3, "next"), (1, "pause"), (10, "resume"), (2, "next"), (1, "extend"),
                         (1, "back"), (0.5, "back")]:
        clock.advance(advance)
        timing = fold(T0, events)
        tl = plan.timeline(timing.extension_map)
        event = command(timing, tl, cmd, clock.now_ns())
        events.append(event)
        {"next": runner.next, "pause": runner.pause, "resume": runner.play, "extend": runner.extend,
         "back": runner.back}[cmd]()
        assert position_ms(fold(T0, events), clock.now_ns()) == pytest.approx(runner.position_ms())
        assert fold(T0, events) == runner.timing()


def test_commands_refuse_what_does_not_apply(plan):
    tl = plan.timeline()
    working = fold(T0, [])
    with pytest.raises(CommandRefused, match="nothing to lengthen"):
        command(working, tl, "extend", T0 + 12 * S)  # in the first set
    with pytest.raises(CommandRefused, match="already running"):
        command(working, tl, "resume", T0 + S)
    paused = fold(T0, [Event("pause", T0 + S)])
    with pytest.raises(CommandRefused, match="already paused"):
        command(paused, tl, "pause", T0 + 2 * S)
    with pytest.raises(CommandRefused, match="ended"):
        command(working, tl, "pause", T0 + 10_000 * S)
    stopped = fold(T0, [Event("stop", T0 + S)])
    with pytest.raises(CommandRefused, match="ended"):
        command(stopped, tl, "resume", T0 + 2 * S)
    with pytest.raises(CommandRefused, match="unknown"):
        command(working, tl, "jump", T0)
    assert command(working, tl, "extend", T0 + S, 20).data == {"segment": 0, "ms": 20_000}


def test_a_follower_on_a_skewed_clock_shows_the_leaders_position(plan):
    """Two stations' local clocks 3 s apart (and the wall clock 10 minutes off):
    once each knows its offset to the gym's clock they agree to the nanosecond."""
    base = FakeClock(5 * S)

    class Skewed:
        def __init__(self, skew_ns):
            self.skew_ns = skew_ns

        def now_ns(self):
            return base.now_ns() + self.skew_ns

    gym_offset = T0 - base.now_ns()
    leader_clock = GymClock(base, gym_offset)
    follower_clock = GymClock(Skewed(3 * S), gym_offset - 3 * S)
    leader = ClassRunner(plan, leader_clock)
    follower = ClassRunner(plan, follower_clock)
    leader.play()
    follower.adopt(leader.timing())
    for step in (0.016, 1.3, 7.25, 11.0):
        base.advance(step)
        assert follower.position_ns() == leader.position_ns()
        assert follower.now().segment.phase == leader.now().segment.phase
    leader.pause()
    follower.adopt(leader.timing())
    base.advance(30)
    assert follower.state is RunState.PAUSED and follower.position_ns() == leader.position_ns()
    # the warning is about the wall clock, which the class never reads
    assert wall_offset_ms(follower_clock.now_ns(), follower_clock.now_ns() - 601 * S) == 601_000


def test_adopting_the_same_timing_changes_nothing(plan):
    clock = FakeClock(T0)
    runner = ClassRunner(plan, clock)
    runner.play()
    epoch = runner.epoch
    runner.adopt(runner.timing())
    assert runner.epoch == epoch  # audio is not restarted by every poll
    runner.adopt(fold(runner.timing().anchor_ns, [Event("pause", clock.now_ns())]))
    assert runner.state is RunState.PAUSED and runner.epoch == epoch + 1


def test_the_fastest_round_trip_gives_the_offset():
    # server 2.5 s ahead; the slow samples' asymmetric delays would mislead
    samples = [Sample(0, 2_500_000_000 + 40_000_000, 50_000_000),
               Sample(100_000_000, 2_600_000_000 + 1_000_000, 102_000_000),
               Sample(200_000_000, 2_700_000_000 + 90_000_000, 300_000_000)]
    best = best_offset(samples)
    assert best.rtt_ns == 2_000_000 and best.offset_ns == 2_500_000_000
    clock = GymClock(FakeClock(0))
    clock.set_offset(best)
    assert clock.now_ns() == 2_500_000_000 and clock.rtt_ns == 2_000_000
    with pytest.raises(ValueError):
        best_offset([])


def test_a_station_is_silent_after_three_seconds():
    assert silent(None, T0)
    assert not silent(T0, T0 + 2_999_000_000)
    assert silent(T0, T0 + 3 * S)
