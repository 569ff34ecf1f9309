"""Starting the kiosk, and rendering it offscreen for docs and reviews."""

from __future__ import annotations

import socket
import tempfile
import time
from pathlib import Path

from PySide6.QtCore import QSize
from PySide6.QtGui import QGuiApplication, QImage

from backbeat.domain.errors import InvalidInput
from backbeat.store.db import Database
from backbeat.store.seed import open_database
from backbeat.ui.application import application
from backbeat.ui.kiosk.window import KioskWindow

VIEWS = ("roster", "checkin", "log", "caution")


def default_station() -> str:
    return f"kiosk@{socket.gethostname()}"


def run_kiosk(db: Database, *, windowed: bool = False, screen: int | None = None,
              station: str | None = None, beside_tv: bool = False) -> int:
    """The kiosk, fullscreen and locked (leaving needs the trainer PIN) unless windowed."""
    app = application()
    window = KioskWindow(db, station=station or default_station(), locked=not windowed)
    screens = QGuiApplication.screens()
    target = screens[screen] if screen is not None and 0 <= screen < len(screens) else \
        QGuiApplication.primaryScreen()
    window.setGeometry(target.availableGeometry())
    if beside_tv:  # backbeat demo: the kiosk beside the TV on one screen
        from backbeat.ui.application import demo_geometry

        window.setGeometry(demo_geometry("kiosk"))
        window.show()
    elif windowed:
        window.resize(1280, 800)
        window.show()
    else:
        window.showFullScreen()
    return app.exec()


def snapshot_kiosk(*, view: str, size: QSize, at_s: float | None = None,
                   program: str = "Precision Back", day: int = 1) -> QImage:
    """The kiosk on the demo gym (in a throw-away database), as ``view`` shows it.

    ``at_s``: a class is running on the TV at that class time (else none runs).
    """
    from backbeat.store.athletes import list_athletes
    from backbeat.store.checkins import check_in
    from backbeat.store.demo import ensure_demo
    from backbeat.store.live import save_live_state
    from backbeat.store.outbox import Outbox

    app = application()
    if view not in VIEWS:
        raise InvalidInput(f"a kiosk view is one of {', '.join(VIEWS)}, not {view!r}", "view")
    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(f"sqlite:///{Path(tmp) / 'kiosk-snapshot.db'}")
        ensure_demo(db)
        athletes = {a.name: a for a in list_athletes(db)}
        if at_s is not None:
            save_live_state(db, "tv", {"program": program, "day": day, "position_ms": at_s * 1000,
                                       "state": "paused", "extensions": {}, "session_id": None}, 0)
            for name in ("Ana", "Ben", "Chloé", "Dev", "Farah", "Hana"):
                check_in(db, athletes[name].id, station="snapshot")
        window = KioskWindow(db, station="snapshot", outbox=Outbox(Path(tmp) / "outbox"),
                             locked=False)
        window.resize(size)
        window.apply_scale(size.width(), size.height())
        if view == "checkin":
            window.show_check_in()
        elif view == "log":
            window.open_athlete(athletes["Ana"])
            if window.stack.currentWidget() is window.picker:
                window.exercise_chosen("single-arm-dumbbell-row")
            window.log.effort_row.set_value(8)
            window.log.form.effort = 8
            window.log.form_row.set_value(4)
            window.log.form.form = 4
            window.log_tapped()
            deadline = time.monotonic() + 10
            while window._in_flight is not None and time.monotonic() < deadline:
                app.processEvents()
                window.drain_results()
                time.sleep(0.005)  # waiting for the sender's thread to commit
        elif view == "caution":
            window.open_athlete(athletes["Dev"])
            if window.stack.currentWidget() is window.picker:
                window.exercise_chosen("weighted-hyperextension")
                window.open_log("weighted-hyperextension")
        window.show()
        app.processEvents()
        image = QImage(size, QImage.Format.Format_RGB32)
        window.render(image)
        window.leave()
        db.close()
        return image
