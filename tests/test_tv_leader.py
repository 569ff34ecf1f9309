"""The leading TV's own controls: each reaches the store in the order pressed,
even one pressed before the store has answered the class's start."""

from __future__ import annotations

import os

from backbeat.engine.clock import FakeClock
from backbeat.engine.gymclass import ClassState, position_ms
from backbeat.engine.gymclock import GymClock
from backbeat.engine.runner import ClassRunner, RunState
from backbeat.store.link import StationLink
from backbeat.ui.tv.app import make_plan
from backbeat.ui.tv.window import TvWindow

S = 1_000_000_000


def test_a_control_pressed_before_the_start_is_in_the_store_is_not_lost(qtbot, db):
    clock = FakeClock(1_800_000_000 * S)
    link = StationLink(db, "tv-front", "tv", GymClock(clock, 0), measurer=lambda d, c: None,
                       pid=os.getpid())

    def fresh(program, day):
        return ClassRunner(make_plan(db, program, day), clock)

    def on_start(r):
        link.start_class(r.timeline.program, r.timeline.day, r.timing().anchor_ns)

    window = TvWindow(fresh("Precision Back", 1), make_runner=fresh, on_start=on_start,
                      classes=[("Precision Back", 1)], link=link)
    qtbot.addWidget(window)
    window.resize(1280, 720)
    link.step()
    window.command("resume")  # the coach starts the class …
    clock.advance(0.2)
    window.command("next")  # … and skips the get-ready at once, before the store has the class
    target = window.runner.position_ms()
    assert target >= 10_000  # on the screen at once
    for _ in range(3):  # the link's thread catches up; the screen follows the store
        link.step()
        window.tick()
    view = link.view
    assert view.class_id is not None and view.timing.state is ClassState.RUNNING
    assert position_ms(view.timing, clock.now_ns()) == target  # the store has the skip
    assert window.runner.position_ms() == target  # and the screen did not jump back
    assert window.runner.state is RunState.RUNNING
