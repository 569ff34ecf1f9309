"""What the TV's frames cost, counted rather than timed: a running set draws its
still layer once and then only patches it where a text changed (about once a
second); it lays its texts out once a second, renders a text once, and paints at
the screen's own pixel density. (Timing is the benchmark's: benchmarks/bench_tv.py.)"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from PySide6.QtGui import QImage

from backbeat.engine.clock import FakeClock
from backbeat.engine.runner import ClassRunner
from backbeat.engine.timeline import ClassPlan
from backbeat.ui.tv import screen as tv_screen
from backbeat.ui.tv.screen import TvScreen

ROOT = Path(__file__).resolve().parents[1]


def frames(screen: TvScreen, runner: ClassRunner, image: QImage, n: int, step_s: float = 1 / 60):
    """``n`` frames as the TV paints them: the region its repaint timer asks for."""
    for _ in range(n):
        runner.clock.advance(step_s)
        region = screen.dirty_region()
        before = (dict(screen.counts), tv_screen._TEXT_CACHE.made)
        screen.render(image, region.boundingRect().topLeft(), region)
        yield before


def test_a_running_set_draws_its_layer_once_and_lays_out_once_a_second(qtbot, library,
                                                                       sample_program):
    runner = ClassRunner(ClassPlan(sample_program, 1, library), FakeClock())
    screen = TvScreen(runner)
    qtbot.addWidget(screen)
    screen.resize(1920, 1080)
    runner.play()
    work = [s for s in runner.timeline.segments if s.kind.value == "work"]
    first = work[0]
    set_end = max(s.end_ms for s in work if s.step == first.step)
    runner.seek_ms(first.start_ms + 100)
    image = QImage(1920, 1080, QImage.Format.Format_RGB32)
    screen.render(image)  # the first frame: the layer is drawn whole
    start = dict(screen.counts)
    assert start["layer"] == 1
    n = 4 * 60  # four seconds of a set at 60 frames a second
    assert runner.position_ms() + n * 1000 / 60 < set_end, "the frames stay inside one set"
    keys = set()
    for before, made in frames(screen, runner, image, n):
        keys.add(screen.scene().key())
        if screen.counts["patch"] == before["patch"]:  # no text changed: nothing rendered anew
            assert tv_screen._TEXT_CACHE.made == made, "a text was rendered on a frame that kept it"
    assert screen.counts["layer"] == 1, "the still layer was drawn whole again"
    laid = screen.counts["lay_out"] - start["lay_out"]
    assert laid == len(keys) - 1 or laid == len(keys), "laid out more often than its texts changed"
    assert 4 <= laid <= 4 * 4, laid  # the seconds, reps and phases of four seconds, not 240 frames
    assert screen.counts["patch"] - start["patch"] <= laid


def test_a_resize_draws_the_layer_again_once(qtbot, library, sample_program):
    runner = ClassRunner(ClassPlan(sample_program, 1, library), FakeClock())
    screen = TvScreen(runner)
    qtbot.addWidget(screen)
    screen.resize(1280, 720)
    runner.play()
    runner.seek_ms(430_000)
    screen.render(QImage(1280, 720, QImage.Format.Format_RGB32))
    screen.resize(1920, 1080)
    image = QImage(1920, 1080, QImage.Format.Format_RGB32)
    screen.render(image)
    list(frames(screen, runner, image, 30))
    assert screen.counts["layer"] == 2


def test_a_hidpi_screen_gets_a_layer_at_its_own_pixels(tmp_path):
    """A 4K TV at 200 %: the layer and the texts are drawn at 3840x2160, not drawn at
    1920x1080 and scaled up each frame; a partial frame is still the full one."""
    script = textwrap.dedent("""
        import sys
        import numpy as np
        from PySide6.QtGui import QImage
        from backbeat.domain.program import parse_program
        from backbeat.engine.clock import FakeClock
        from backbeat.engine.runner import ClassRunner
        from backbeat.engine.timeline import ClassPlan
        from backbeat.paths import resources_dir
        from backbeat.store.seed import builtin_library
        from backbeat.ui.application import application
        from backbeat.ui.tv.screen import TvScreen

        def pixels(image):
            image = image.convertToFormat(QImage.Format.Format_RGB32)
            data = np.frombuffer(image.constBits(), dtype=np.uint8, count=image.sizeInBytes())
            return data.reshape(image.height(), image.bytesPerLine())[:, : image.width() * 4]

        app = application()
        program = parse_program((resources_dir() / "programs" / "precision-back.json").read_text())
        runner = ClassRunner(ClassPlan(program, 1, builtin_library()), FakeClock())
        screen = TvScreen(runner)
        screen.resize(960, 540)
        runner.play()
        runner.seek_ms(430_000)
        assert screen.devicePixelRatioF() == 2.0
        image = QImage(1920, 1080, QImage.Format.Format_RGB32)
        image.setDevicePixelRatio(2.0)
        screen.render(image)
        layer = screen._layer
        assert (layer.width(), layer.height(), layer.devicePixelRatio()) == (1920, 1080, 2.0)
        for _ in range(20):
            runner.clock.advance(0.05)
            region = screen.dirty_region()
            screen.render(image, region.boundingRect().topLeft(), region)
            full = screen.grab().toImage()
            assert (full.width(), full.height()) == (1920, 1080)
            assert (pixels(image) == pixels(full)).all(), "the partial frame differs"
        assert screen.counts["layer"] == 1
        print("ok")
    """)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "QT_SCALE_FACTOR": "2",
           "BACKBEAT_DATA_DIR": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True,
                         timeout=120, cwd=ROOT)
    assert out.returncode == 0 and out.stdout.strip().endswith("ok"), out.stderr[-2000:]
