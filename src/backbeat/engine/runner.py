"""Runs a compiled class against a monotonic clock.

Where the class is comes from the clock alone: ``position = anchor_position +
(now - anchor_time)`` while playing, a frozen position while paused. Every
control (pause, next, back, extend, seek) just sets a new anchor, so nothing
accumulates and nothing drifts. All arithmetic is in integer nanoseconds.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from backbeat.engine.clock import Clock
from backbeat.engine.timeline import EXTENDABLE, ClassPlan, Segment, Timeline

NS_PER_MS = 1_000_000

#: "Back" within this long of a step's start goes to the previous step; later it
#: restarts the current one (as a music player's back button does).
BACK_RESTART_MS = 2_000

#: What the coach's "+" key adds to a rest.
EXTEND_STEP_S = 15


class RunState(StrEnum):
    READY = "ready"
    RUNNING = "running"
    PAUSED = "paused"
    ENDED = "ended"


@dataclass(frozen=True)
class Now:
    """Everything a screen needs about this instant, derived in one go."""

    position_ms: float
    state: RunState
    segment: Segment
    segment_left_ms: float
    class_left_ms: float
    epoch: int  # changes when the schedule or position jumps (audio re-renders)


class ClassRunner:
    def __init__(
        self,
        plan: ClassPlan,
        clock: Clock,
        *,
        position_ms: float = 0,
        extensions: dict[int, int] | None = None,
    ):
        self.plan = plan
        self.clock = clock
        self.extensions: dict[int, int] = dict(extensions or {})
        self.timeline: Timeline = plan.timeline(self.extensions)
        self._state = RunState.READY
        self._anchor_pos_ns = round(position_ms * NS_PER_MS)
        self._anchor_clock_ns = clock.now_ns()
        self.epoch = 0
        #: changes only when the position jumps (seek, next, back): pause, play and
        #: extend keep the class on one line, so sound already heard is not repeated
        self.jumps = 0
        self._clamp()

    # --- where are we --------------------------------------------------------
    @property
    def state(self) -> RunState:
        if self._state is RunState.RUNNING:
            self.position_ns()  # reaching the end while running ends the class
        return self._state

    @property
    def duration_ns(self) -> int:
        return self.timeline.duration_ms * NS_PER_MS

    def position_ns(self) -> int:
        if self._state is RunState.RUNNING:
            pos = self._anchor_pos_ns + (self.clock.now_ns() - self._anchor_clock_ns)
            if pos >= self.duration_ns:
                self._set_anchor(self.duration_ns)
                self._state = RunState.ENDED
                return self.duration_ns
            return pos
        return self._anchor_pos_ns

    def position_ms(self) -> float:
        return self.position_ns() / NS_PER_MS

    def anchor_ns(self) -> tuple[int, int]:
        """(class position, clock) of the current anchor: while running, the
        position at clock time ``c`` is ``pos + (c - clock)``."""
        self.position_ns()  # reaching the end re-anchors there
        return self._anchor_pos_ns, self._anchor_clock_ns

    def now(self) -> Now:
        pos_ns = self.position_ns()
        pos_ms = pos_ns / NS_PER_MS
        seg = self.timeline.segment_at_ms(pos_ms)
        return Now(
            position_ms=pos_ms,
            state=self.state,
            segment=seg,
            segment_left_ms=max(0.0, seg.end_ms - pos_ms),
            class_left_ms=max(0.0, self.timeline.duration_ms - pos_ms),
            epoch=self.epoch,
        )

    # --- controls -------------------------------------------------------------
    def play(self) -> None:
        if self.state in (RunState.READY, RunState.PAUSED):
            self._anchor_clock_ns = self.clock.now_ns()
            self._state = RunState.RUNNING
            self.epoch += 1

    def pause(self) -> None:
        if self.state is RunState.RUNNING:
            self._set_anchor(self.position_ns())
            if self.state is RunState.RUNNING:
                self._state = RunState.PAUSED
            self.epoch += 1

    def toggle(self) -> None:
        if self.state is RunState.RUNNING:
            self.pause()
        else:
            self.play()

    def next(self) -> None:
        seg = self.timeline.segment_at_ms(self.position_ms())
        if seg.step + 1 >= self.timeline.step_count:
            self.seek_ms(self.timeline.duration_ms)
        else:
            self.seek_ms(self.timeline.step_start_ms(seg.step + 1))

    def back(self) -> None:
        pos = self.position_ms()
        seg = self.timeline.segment_at_ms(min(pos, self.timeline.duration_ms - 1))
        start = self.timeline.step_start_ms(seg.step)
        if pos - start > BACK_RESTART_MS or seg.step == 0:
            self.seek_ms(start)
        else:
            self.seek_ms(self.timeline.step_start_ms(seg.step - 1))

    def extend(self, seconds: float = EXTEND_STEP_S) -> bool:
        """Lengthen the current rest (get-ready, transition). False if not in one."""
        pos_ms = self.position_ms()
        seg = self.timeline.segment_at_ms(pos_ms)
        if seg.kind not in EXTENDABLE or self.state is RunState.ENDED:
            return False
        self.extensions[seg.index] = self.extensions.get(seg.index, 0) + round(seconds * 1000)
        # The position stays where it is; everything after it moves later.
        self.timeline = self.plan.timeline(self.extensions)
        self.epoch += 1
        return True

    def seek_ms(self, position_ms: float) -> None:
        self._set_anchor(round(position_ms * NS_PER_MS))
        self._clamp()
        if self._anchor_pos_ns >= self.duration_ns:
            self._state = RunState.ENDED
        elif self.state is RunState.ENDED:
            self._state = RunState.PAUSED
        self.epoch += 1
        self.jumps += 1

    def end(self) -> None:
        self._set_anchor(self.position_ns())
        self._state = RunState.ENDED
        self.epoch += 1

    # --- persistence ------------------------------------------------------------
    def to_state(self) -> dict:
        """What the store keeps so a class can resume after a crash."""
        return {
            "program": self.plan.program.name,
            "day": self.plan.day_number,
            "position_ms": self.position_ns() / NS_PER_MS,
            "state": self.state.value,
            "extensions": {str(k): v for k, v in self.extensions.items()},
        }

    @classmethod
    def from_state(cls, plan: ClassPlan, clock: Clock, state: dict) -> ClassRunner:
        runner = cls(
            plan,
            clock,
            position_ms=float(state.get("position_ms", 0)),
            extensions={int(k): int(v) for k, v in state.get("extensions", {}).items()},
        )
        if state.get("state") == RunState.ENDED.value:
            runner._state = RunState.ENDED
        elif state.get("state") in (RunState.RUNNING.value, RunState.PAUSED.value):
            runner._state = RunState.PAUSED
        return runner

    # --- internals ----------------------------------------------------------------
    def _set_anchor(self, pos_ns: int) -> None:
        self._anchor_pos_ns = pos_ns
        self._anchor_clock_ns = self.clock.now_ns()

    def _clamp(self) -> None:
        self._anchor_pos_ns = min(max(self._anchor_pos_ns, 0), self.duration_ns)
