"""Starting the Qt faces: application object, screens, wiring to store and audio."""

from __future__ import annotations

import sys

from PySide6.QtCore import QSize
from PySide6.QtGui import QGuiApplication, QImage
from PySide6.QtWidgets import QApplication

from backbeat.engine.clock import FakeClock, MonotonicClock
from backbeat.engine.runner import ClassRunner
from backbeat.engine.timeline import ClassPlan
from backbeat.store.db import Database
from backbeat.store.library import load_library
from backbeat.store.live import LiveStateWriter, load_live_state
from backbeat.store.programs import load_program
from backbeat.store.settings import get_setting, set_setting

TV_STATION = "tv"


def application() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Backbeat")
    app.setDesktopFileName("backbeat")
    return app


def make_plan(db: Database, program: str, day: int) -> ClassPlan:
    return ClassPlan(load_program(db, program), day, load_library(db))


def run_tv(db: Database, *, program: str, day: int = 1, windowed: bool = False,
           screen: int | None = None, resume: bool = False, autostart: bool = False) -> int:
    from backbeat.ui.tv.window import TvWindow

    app = application()
    clock = MonotonicClock()
    saved = load_live_state(db, TV_STATION) if resume else None
    if saved is not None:
        plan = make_plan(db, saved["program"], int(saved["day"]))
        runner = ClassRunner.from_state(plan, clock, saved)
        runner.play()
    else:
        runner = ClassRunner(make_plan(db, program, day), clock)
        if autostart:
            runner.play()
    writer = LiveStateWriter(db, TV_STATION)

    def status() -> list[str]:
        return [writer.error] if writer.error else []

    window = TvWindow(runner, save=writer.submit, status=status)
    screens = QGuiApplication.screens()
    if screen is not None:
        set_setting(db, "tv.screen", screen)
    chosen = screen if screen is not None else int(get_setting(db, "tv.screen"))
    target = screens[chosen] if 0 <= chosen < len(screens) else QGuiApplication.primaryScreen()
    window.setGeometry(target.availableGeometry())
    if windowed:
        window.resize(1280, 720)
        window.show()
    else:
        window.showFullScreen()
    code = app.exec()
    writer.close()
    return code


def snapshot_tv(db: Database, *, program: str, day: int, at_s: float, size: QSize,
                paused: bool = False) -> QImage:
    """The TV at class time ``at_s``, rendered offscreen."""
    from backbeat.ui.tv.screen import TvScreen

    application()
    runner = ClassRunner(make_plan(db, program, day), FakeClock())
    runner.play()
    runner.seek_ms(at_s * 1000)
    if paused:
        runner.pause()
    widget = TvScreen(runner)
    widget.resize(size)
    image = QImage(size, QImage.Format.Format_RGB32)
    widget.render(image)
    return image
