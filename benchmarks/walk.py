"""A coach's random class, for the drift measures (bench_tv, soak).

Time passes in random steps, and now and then the coach pauses or resumes,
skips to the next step, adds 15 s or goes back; the walk keeps, beside the
runner, where the class must be by the plan, so that the screen's drift is
``|runner.position − expected|`` at any moment.
"""

from __future__ import annotations

import random


class RandomWalk:
    """Drives a ClassRunner on a FakeClock one random control at a time."""

    def __init__(self, runner, clock, rng: random.Random, dt_s: tuple[float, float]) -> None:
        self.runner, self.clock, self.rng, self.dt_s = runner, clock, rng, dt_s
        self.expected_ns = 0

    def step(self) -> None:
        from backbeat.engine.runner import RunState

        runner, op = self.runner, self.rng.random()
        total_ns = runner.timeline.duration_ms * 1_000_000
        if op < 0.80:
            dt = self.rng.uniform(*self.dt_s)
            self.clock.advance(dt)
            if runner.state is RunState.RUNNING:
                self.expected_ns = min(self.expected_ns + round(dt * 1e9), total_ns)
        elif op < 0.88:
            runner.toggle()
        elif op < 0.93:
            seg = runner.timeline.segment_at_ms(self.expected_ns / 1e6)
            runner.next()
            tl = runner.timeline
            self.expected_ns = (tl.step_start_ms(seg.step + 1) if seg.step + 1 < tl.step_count
                                else tl.duration_ms) * 1_000_000
        elif op < 0.96:
            runner.extend(15)
        else:
            runner.back()
            self.expected_ns = round(runner.position_ms() * 1e6)

    def drift_ms(self) -> float:
        return abs(self.runner.position_ns() - self.expected_ns) / 1e6
