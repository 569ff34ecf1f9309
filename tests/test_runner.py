import functools
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backbeat.domain.program import parse_program
from backbeat.engine.clock import FakeClock
from backbeat.engine.runner import BACK_RESTART_MS, ClassRunner, RunState
from backbeat.engine.timeline import ClassPlan, SegmentKind


@pytest.fixture
def plan(library):
    return ClassPlan(parse_program(json.dumps({
        "format": "backbeat.program/1", "name": "T",
        "days": [{"name": "D", "get_ready_s": 10, "blocks": [
            {"name": "A", "items": [{"exercise": "face-pull", "sets": 2, "reps": 2,
                                     "tempo": "3-1-1-2", "rest_s": 60}]},
            {"name": "B", "items": [{"exercise": "scapular-retraction-hold", "sets": 2,
                                     "duration_s": 20, "rest_s": 30}]},
        ]}]})), 1, library)


def test_position_comes_from_the_clock(plan):
    clock = FakeClock()
    r = ClassRunner(plan, clock)
    assert r.state is RunState.READY and r.position_ms() == 0
    clock.advance(5)
    assert r.position_ms() == 0  # not started
    r.play()
    clock.advance(12.5)
    now = r.now()
    assert now.position_ms == 12_500
    assert now.segment.kind is SegmentKind.WORK and now.segment.rep == 1
    assert now.segment.label == "SQUEEZE"  # face pull: 10 s ready, 1 s pull, then the squeeze
    assert now.segment_left_ms == 500


def test_pause_freezes_and_resume_continues(plan):
    clock = FakeClock()
    r = ClassRunner(plan, clock)
    r.play()
    clock.advance(3)
    r.pause()
    clock.advance(100)
    assert r.position_ms() == 3000 and r.state is RunState.PAUSED
    r.toggle()
    clock.advance(1.25)
    assert r.position_ms() == 4250


def test_next_and_back_move_by_steps(plan):
    clock = FakeClock()
    r = ClassRunner(plan, clock)
    r.play()
    r.next()  # get ready -> set 1
    assert r.now().segment.kind is SegmentKind.WORK and r.position_ms() == 10_000
    r.next()  # -> rest
    assert r.now().segment.kind is SegmentKind.REST
    clock.advance(BACK_RESTART_MS / 1000 + 1)
    r.back()  # well into the rest: restart it
    assert r.now().segment.kind is SegmentKind.REST and r.now().segment_left_ms == 60_000
    r.back()  # at its start: previous step (set 1)
    assert r.now().segment.kind is SegmentKind.WORK and r.now().segment.set == 1


def test_extend_rest_moves_everything_after(plan):
    clock = FakeClock()
    r = ClassRunner(plan, clock)
    before = r.timeline.duration_ms
    r.play()
    r.next()
    assert r.extend() is False  # in a set: refused
    r.next()
    pos = r.position_ms()
    assert r.extend(15)
    assert r.position_ms() == pos
    assert r.now().segment_left_ms == 75_000
    assert r.timeline.duration_ms == before + 15_000


def test_get_ready_is_extendable(plan):
    r = ClassRunner(plan, FakeClock())
    assert r.now().segment.kind is SegmentKind.GET_READY
    assert r.extend()  # the coach may hold the class before it starts


def test_runs_to_the_end(plan):
    clock = FakeClock()
    r = ClassRunner(plan, clock)
    r.play()
    clock.advance(10_000)
    assert r.state is RunState.ENDED and r.position_ms() == r.timeline.duration_ms
    r.next()
    assert r.state is RunState.ENDED


def test_state_round_trips_for_resume(plan):
    clock = FakeClock()
    r = ClassRunner(plan, clock)
    r.play()
    r.next()
    r.next()
    r.extend(15)
    clock.advance(7)
    state = json.loads(json.dumps(r.to_state()))
    again = ClassRunner.from_state(plan, FakeClock(), state)
    assert again.state is RunState.PAUSED
    assert again.position_ms() == r.position_ms()
    assert again.timeline.duration_ms == r.timeline.duration_ms


@functools.cache
def _sample_plan():
    from backbeat.paths import resources_dir
    from backbeat.store.seed import builtin_library

    text = (resources_dir() / "programs" / "precision-back.json").read_text()
    return ClassPlan(parse_program(text), 1, builtin_library())


ops = st.lists(
    st.tuples(
        st.sampled_from(["advance", "pause", "play", "next", "back", "extend", "seek"]),
        st.floats(0, 400, allow_nan=False),
    ),
    max_size=80,
)


@settings(max_examples=150, deadline=None)
@given(ops)
def test_position_never_drifts_from_the_schedule(steps):
    """Model: the position only moves by real time while running, or by jumps
    we can compute from the schedule. After any sequence, the runner agrees
    with the model to the nanosecond and the segment contains the position."""
    clock = FakeClock()
    r = ClassRunner(_sample_plan(), clock)
    r.play()
    expected_ns = 0
    for op, x in steps:
        tl = r.timeline
        total_ns = tl.duration_ms * 1_000_000
        running = r.state is RunState.RUNNING
        if op == "advance":
            ns = round(x * 1e9)
            clock.advance(x)
            if running:
                expected_ns = min(expected_ns + ns, total_ns)
        elif op == "pause":
            r.pause()
        elif op == "play":
            r.play()
        elif op == "next":
            seg = tl.segment_at_ms(expected_ns / 1e6)
            r.next()
            expected_ns = (tl.step_start_ms(seg.step + 1) if seg.step + 1 < tl.step_count
                           else tl.duration_ms) * 1_000_000
        elif op == "back":
            r.back()
            expected_ns = round(r.position_ms() * 1e6)
            assert expected_ns % 1_000_000 == 0  # always lands on a step start
            assert any(s.start_ms * 1_000_000 == expected_ns for s in r.timeline.segments)
        elif op == "extend":
            r.extend(15)
        elif op == "seek":
            r.seek_ms(x * 1000)
            expected_ns = min(round(x * 1000 * 1_000_000), total_ns)
        assert r.position_ns() == expected_ns, (op, x)
        now = r.now()
        seg = now.segment
        if now.position_ms < r.timeline.duration_ms:
            assert seg.start_ms <= now.position_ms < seg.end_ms
    # at the end, the screen's position equals the plan's, exactly
    assert r.position_ns() == expected_ns
