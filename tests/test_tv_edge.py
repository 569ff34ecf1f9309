"""The frame of a phase change, on a fake clock: made ahead, woken for at an
absolute deadline worked out after the tick's own work, shown at the boundary by
one blit of a frame that is pixel for pixel the one a full repaint of that instant
draws — and never taken back by the next frame. (No timing: the clock is moved by
hand; how soon after its sound the frame is really painted is benchmarks/bench_audio.py's.)"""

from __future__ import annotations

import math

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtGui import QImage, QPainter, QRegion

from backbeat.domain.program import parse_program
from backbeat.engine.clock import FakeClock
from backbeat.engine.pacing import NS_PER_MS, PREPARE_NS
from backbeat.engine.runner import ClassRunner
from backbeat.engine.timeline import ClassPlan
from backbeat.paths import resources_dir
from backbeat.ui.tv.screen import TvScreen
from backbeat.ui.tv.window import REPAINT_MS, TvWindow

W, H = 1280, 720


@pytest.fixture
def class_tv(qtbot, library):
    program = parse_program((resources_dir() / "programs" / "precision-back.json").read_text())
    plan = ClassPlan(program, 1, library)
    clock = FakeClock()
    runner = ClassRunner(plan, clock)
    window = TvWindow(runner)
    qtbot.addWidget(window)
    window.resize(W, H)
    window.show()
    qtbot.waitExposed(window)
    runner.seek_ms(426_500)  # in a set: a phase change every 1–3 s
    runner.play()
    window.tick()
    window.screen_widget.repaint()
    return window, runner, clock, plan


def frames_until(window, runner, clock, position_ms):
    """60 Hz frames as the repaint timer drives them, up to ``position_ms``."""
    while runner.position_ms() + REPAINT_MS <= position_ms:
        clock.advance(REPAINT_MS / 1000)
        window.tick()
        window.screen_widget.repaint(window._region)
    clock.advance((position_ms - runner.position_ms()) / 1000)


def full_frame(plan, position_ms) -> QImage:
    """A whole frame of the class at ``position_ms``, drawn afresh by another screen."""
    runner = ClassRunner(plan, FakeClock())
    runner.seek_ms(position_ms)
    runner.play()
    screen = TvScreen(runner)
    screen.resize(W, H)
    image = QImage(W, H, QImage.Format.Format_RGB32)
    screen.render(image)
    return image


def next_edge(runner):
    return runner.now().segment.end_ms


def test_the_wake_is_worked_out_from_the_clock_after_the_ticks_work(class_tv):
    window, runner, clock, _ = class_tv
    edge = next_edge(runner)
    frames_until(window, runner, clock, edge - 30)
    window._edge_for = None
    window.on_frame = lambda now: clock.advance(0.005)  # a tick whose work took 5 ms
    window.tick()
    assert window._edge_timer.isActive()
    # aimed at the boundary from the clock as the work left it: 25 ms, not 30
    assert window._edge_timer.interval() == math.ceil(edge - runner.position_ms()) == 25


def test_a_phase_change_is_made_ahead_and_blitted_at_its_boundary(class_tv):
    window, runner, clock, plan = class_tv
    screen = window.screen_widget
    edge = next_edge(runner)
    nxt = runner.now().segment.index + 1
    frames_until(window, runner, clock, edge - 120)
    made = screen.counts["prepared"]
    frames_until(window, runner, clock, edge - 1)
    assert screen.counts["prepared"] == made + 1, "the coming phase was not made ahead"
    assert edge - runner.position_ms() < PREPARE_NS / NS_PER_MS
    before_ms = screen.painted_now.position_ms
    assert screen.painted_now.segment.index == nxt - 1  # the old phase is still on screen
    on_screen = full_frame(plan, before_ms)
    pre = screen._prepared
    made_frame, region = pre.frame.copy(), QRegion(pre.region)
    counts = dict(screen.counts)
    clock.advance(0.001)  # the edge timer fires on the boundary (a fake clock: no lead)
    window._at_edge()
    assert screen.painted_now.segment.index == nxt
    assert screen.painted_now.position_ms == edge
    assert screen.counts["swap"] == counts["swap"] + 1
    # at the boundary nothing was laid out or drawn into the layer: the frame was made
    assert screen.counts["lay_out"] == counts["lay_out"]
    assert screen.counts["patch"] == counts["patch"] and screen.counts["layer"] == counts["layer"]
    # what the screen shows now: the old frame, and the frame made ahead where it repainted —
    # pixel for pixel a whole frame of the boundary drawn afresh
    p = QPainter(on_screen)
    p.setClipRegion(region)
    p.drawImage(QPoint(0, 0), made_frame)
    p.end()
    assert on_screen == full_frame(plan, edge)


def test_a_regular_frame_reaching_the_phase_first_swaps_the_layer_made_ahead(class_tv):
    window, runner, clock, _ = class_tv
    screen = window.screen_widget
    edge = next_edge(runner)
    frames_until(window, runner, clock, edge - 2)
    assert screen._prepared is not None
    counts = dict(screen.counts)
    clock.advance(0.004)  # the repaint timer comes first
    window.tick()
    screen.repaint(window._region)
    assert screen.painted_now.position_ms >= edge
    assert screen.counts["swap"] == counts["swap"] + 1
    assert screen.counts["patch"] == counts["patch"]


def test_a_frame_woken_ahead_of_the_boundary_is_not_taken_back(class_tv):
    window, runner, clock, _ = class_tv
    screen = window.screen_widget
    for _ in range(8):
        window.edge_lead.add(4 * NS_PER_MS)  # lately 4 ms from waking to the screen
    edge = next_edge(runner)
    nxt = runner.now().segment.index + 1
    frames_until(window, runner, clock, edge - 40)
    assert window._wake_ns == runner.clock_ns_at(edge) - 4 * NS_PER_MS
    frames_until(window, runner, clock, edge - 4)  # woken 4 ms before the boundary
    window._at_edge()
    assert screen.painted_now.segment.index == nxt
    window.tick()  # the next frame, still 4 ms before the boundary on the clock
    screen.repaint(window._region)
    assert screen.painted_now.segment.index == nxt and screen.painted_now.position_ms >= edge


def test_a_layer_changed_since_it_was_made_is_not_blitted(class_tv):
    window, runner, clock, _ = class_tv
    screen = window.screen_widget
    edge = next_edge(runner)
    frames_until(window, runner, clock, edge - 50)
    assert screen.prepared() is not None
    screen.status_lines = ["SOUND OFF: no sound device found"]  # the scene changed since
    assert screen.prepared() is None
    clock.advance(0.050)
    window._at_edge()  # made again now, then shown: the new phase with the new line
    assert screen.painted_now.segment.index == runner.now().segment.index
    assert any("SOUND OFF" in t.lines[0] for t in screen._layer_layout.texts)
