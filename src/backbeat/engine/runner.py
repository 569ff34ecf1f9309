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
from backbeat.engine.gymclass import (
    BACK_RESTART_MS,
    EXTEND_STEP_S,
    NS_PER_MS,
    ClassState,
    Timing,
    back_step_ms,
    extendable,
    next_step_ms,
)
from backbeat.engine.timeline import ClassPlan, Segment, Timeline

__all__ = ["BACK_RESTART_MS", "EXTEND_STEP_S", "ClassRunner", "Now", "RunState"]


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

    def now(self, ahead_ns: int = 0) -> Now:
        """The class now — or, with ``ahead_ns``, as it will be that long from now if
        nothing is pressed (a TV frame shows the instant it will be on screen)."""
        pos_ns = self.position_ns()
        if ahead_ns > 0 and self._state is RunState.RUNNING:
            pos_ns = min(pos_ns + ahead_ns, self.duration_ns)
        return self._now(pos_ns)

    def now_at(self, clock_ns: int) -> Now:
        """The class at clock time ``clock_ns`` (running: on its anchor, up to its end;
        paused or ready: where it stands). Changes nothing."""
        self.position_ns()  # reaching the end while running ends the class
        if self._state is not RunState.RUNNING:
            return self._now(self._anchor_pos_ns)
        pos_ns = self._anchor_pos_ns + (clock_ns - self._anchor_clock_ns)
        return self._now(min(max(pos_ns, 0), self.duration_ns))

    def clock_ns_at(self, position_ms: float) -> int | None:
        """The clock time at which the running class reaches ``position_ms`` (None
        while it does not run): an absolute deadline on the class's own clock."""
        if self.state is not RunState.RUNNING:
            return None
        return self._anchor_clock_ns + (round(position_ms * NS_PER_MS) - self._anchor_pos_ns)

    def _now(self, pos_ns: int) -> Now:
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
        self.seek_ms(next_step_ms(self.timeline, self.position_ms()))

    def back(self) -> None:
        self.seek_ms(back_step_ms(self.timeline, self.position_ms()))

    def extend(self, seconds: float = EXTEND_STEP_S) -> bool:
        """Lengthen the current rest (get-ready, transition). False if not in one."""
        index = extendable(self.timeline, self.position_ms())
        if index is None or self.state is RunState.ENDED:
            return False
        self.extensions[index] = self.extensions.get(index, 0) + round(seconds * 1000)
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

    # --- a shared class -------------------------------------------------------------
    def timing(self) -> Timing:
        """This runner as a shared class's timing (its clock is the gym's)."""
        ext = tuple(sorted(self.extensions.items()))
        if self._state is RunState.RUNNING:
            return Timing(ClassState.RUNNING, self._anchor_clock_ns - self._anchor_pos_ns, 0, ext)
        state = ClassState.ENDED if self._state is RunState.ENDED else ClassState.PAUSED
        return Timing(state, 0, self._anchor_pos_ns, ext)

    def adopt(self, timing: Timing) -> None:
        """Take up a shared class's timing (read from the store): the runner's clock
        must be the gym's. Nothing moves (and the epoch stays) when it is already so."""
        if timing == self.timing() and self._state is not RunState.READY:
            return
        if timing.extension_map != self.extensions:
            self.extensions = timing.extension_map
            self.timeline = self.plan.timeline(self.extensions)
        if timing.state is ClassState.RUNNING:
            self._anchor_pos_ns, self._anchor_clock_ns = 0, timing.anchor_ns
            self._state = RunState.RUNNING
        else:
            self._anchor_pos_ns = timing.frozen_ns
            self._anchor_clock_ns = self.clock.now_ns()
            self._state = RunState.ENDED if timing.state is ClassState.ENDED else RunState.PAUSED
            self._clamp()
        self.epoch += 1
        self.position_ns()  # a class taken up past its end has ended

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
