"""Starting the kiosk, and rendering it offscreen for docs and reviews."""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from PySide6.QtCore import QSize
from PySide6.QtGui import QImage

from backbeat.domain.errors import InvalidInput
from backbeat.store.db import Database
from backbeat.store.seed import open_database
from backbeat.store.stations import station_name
from backbeat.ui.application import application, exit_after_first_frame, run_event_loop
from backbeat.ui.kiosk import style
from backbeat.ui.kiosk.window import KioskWindow

VIEWS = ("roster", "checkin", "log", "change", "caution", "pin", "substitute", "double-tap",
         "choose-class", "tv-offline")


def run_kiosk(db: Database, *, windowed: bool = False, screen: int | None = None,
              station: str | None = None, beside_tv: bool = False) -> int:
    """The kiosk, fullscreen and locked (leaving needs the trainer PIN) unless windowed
    (``backbeat kiosk`` paints its first frame before the database is opened:
    ``first_frame.start_kiosk`` and :func:`open_kiosk`)."""
    application()
    finish = open_kiosk(db, windowed=windowed, screen=screen, station=station, beside_tv=beside_tv)
    try:
        return run_event_loop()
    finally:
        finish()


def open_kiosk(db: Database, *, windowed: bool = False, screen: int | None = None,
               station: str | None = None, beside_tv: bool = False,
               first_frame=None) -> Callable[[], None]:
    """The kiosk's window on ``db``, shown (in place of ``first_frame``, the frame
    painted before the database was opened, which it closes); returns what is to
    be done once the event loop has ended."""
    from backbeat.engine.gymclock import GymClock
    from backbeat.store.link import StationLink

    app = application()
    name = station_name("kiosk", station)
    link = StationLink(db, name, "kiosk", GymClock())  # refuses a name another kiosk runs under
    window = KioskWindow(db, station=name, locked=not windowed, link=link)
    link.start()  # the kiosk's class, heartbeat and choice of class, off the GUI thread
    # (a first frame painted before the database has been reported already)
    exit_after_first_frame(window, "first-frame" if first_frame is None else "window-frame")
    place_kiosk(window, windowed=windowed, screen=screen, beside_tv=beside_tv)
    if first_frame is not None:
        first_frame.close()
        if first_frame.trainer_tapped:  # tapped while the database was opened: not lost
            window.trainer_tapped_early()
    if db.offline:
        print("backbeat: the kiosk shows the roster it kept and keeps every tap until the "
              "database is back", file=sys.stderr)
    if os.environ.get("BACKBEAT_EXIT_AFTER_ROSTER"):  # start-up checks (tests)
        _leave_once_shown(app, window)

    def finish() -> None:
        link.close()

    finish.keep = (window, link)  # held for the window's life (see tv/app.open_tv)
    return finish


def _leave_once_shown(app, window: KioskWindow) -> None:
    """Start-up checks: once the roster shows (read or kept), say what it shows and leave."""
    from PySide6.QtCore import QTimer

    timer = QTimer(window)

    def check() -> None:
        if window.view is None and not window.roster.status_label.text():
            return
        timer.stop()
        view = window.view
        print(f"kiosk-roster athletes={len(view.athletes) if view else 0} "
              f"kept={view is not None and view.kept_at is not None}", flush=True)
        window.leave()
        app.quit()

    timer.timeout.connect(check)
    timer.start(50)


def place_kiosk(window: KioskWindow, *, windowed: bool = False, screen: int | None = None,
                beside_tv: bool = False) -> None:
    """Fullscreen on its screen; in a window; or (the demo) beside the TV on one screen."""
    if beside_tv:  # backbeat demo: the kiosk beside the TV on one screen, scaled to its room
        from backbeat.ui.application import demo_geometry, place_framed

        rect = demo_geometry("kiosk")
        window.apply_scale(rect.width(), rect.height() - 40)  # less a title bar
        place_framed(window, rect)
    else:
        from backbeat.ui.first_frame import show_on

        show_on(window, screen, windowed=windowed, size=(style.BASE_W, style.BASE_H))


@contextmanager
def kiosk_view(*, view: str, size: QSize, at_s: float | None = None,
               program: str = "Precision Back", day: int = 1,
               extra_athletes: tuple[str, ...] = ()) -> Iterator[KioskWindow]:
    """The kiosk on the demo gym (in a throw-away database), showing ``view``, laid
    out at ``size``; closed afterwards. ``at_s``: a class is running, led by the TV
    ``tv-front``, at that class time (else none runs; ``choose-class``: a second
    one led by ``tv-back`` too, ``tv-offline``: its TV silent). ``extra_athletes``
    join the demo gym (and check in when a class runs). The kiosk's station link
    reads the gym once, on this thread (a snapshot has no frames to keep)."""
    from backbeat.engine.gymclass import TV_OFFLINE_S
    from backbeat.engine.gymclock import GymClock
    from backbeat.store.athletes import add_athlete, list_athletes
    from backbeat.store.checkins import check_in
    from backbeat.store.classes import start_class
    from backbeat.store.demo import ensure_demo
    from backbeat.store.link import StationLink
    from backbeat.store.outbox import Outbox
    from backbeat.store.stations import heartbeat, register_station

    app = application()
    if view not in VIEWS:
        raise InvalidInput(f"a kiosk view is one of {', '.join(VIEWS)}, not {view!r}", "view")
    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(f"sqlite:///{Path(tmp) / 'kiosk-snapshot.db'}")
        ensure_demo(db)
        for name in extra_athletes:
            add_athlete(db, name)
        athletes = {a.name: a for a in list_athletes(db)}
        if view == "choose-class" and at_s is None:
            at_s = 0.0
        now = time.time_ns()  # SQLite: the gym's clock is this machine's
        if at_s is not None:
            rooms = [("tv-front", day)] + ([("tv-back", day % 2 + 1)] if view == "choose-class" else [])
            for tv, room_day in rooms:
                class_id = start_class(db, program, room_day, at_ns=now, leader=tv,
                                       position_ms=at_s * 1000, paused=True)
                register_station(db, tv, "tv", now)
                # a TV that beat just now, or (tv-offline) longer ago than a kiosk waits
                seen = now - round((TV_OFFLINE_S + 1) * 1e9) if view == "tv-offline" else now
                heartbeat(db, tv, seen, role="leader", class_id=class_id, state="paused",
                          position_s=at_s, clock_offset_ms=0.0)
            for name in ("Ana", "Ben", "Chloé", "Dev", "Farah", "Hana", *extra_athletes):
                check_in(db, athletes[name].id, station="snapshot")
        link = StationLink(db, "snapshot", "kiosk", GymClock())
        window = KioskWindow(db, station="snapshot", outbox=Outbox(Path(tmp) / "outbox"),
                             locked=False, link=link)
        try:
            link.step()
            window.resize(size)
            window.apply_scale(size.width(), size.height())
            _show_view(app, window, view, athletes)
            window.show()
            app.processEvents()
            yield window
        finally:
            settle(app, window)  # nothing still reading from the file about to go
            window.leave()
            link.close()
            db.close()


def settle(app, window: KioskWindow, limit_s: float = 10.0) -> None:
    """Wait for what the kiosk asked of its threads (reads off the GUI thread, commits)."""
    deadline = time.monotonic() + limit_s
    while True:
        app.processEvents()
        window.drain_results()
        if not window.busy() or time.monotonic() > deadline:
            return
        time.sleep(0.005)


def _show_view(app, window: KioskWindow, view: str, athletes: dict) -> None:
    settle(app, window)  # the first roster read

    def open_log(name: str, slug: str) -> None:
        window.open_athlete(athletes[name])
        settle(app, window)
        if window.stack.currentWidget() is window.picker:
            window.exercise_chosen(slug)
            settle(app, window)

    if view == "choose-class":
        window.show_choose_class()
    elif view == "checkin":
        window.show_check_in()
    elif view in ("log", "change", "double-tap"):
        open_log("Ana", "single-arm-dumbbell-row")
        if view == "change":  # CHANGE EXERCISE: the picker, every loggable exercise
            window.show_picker()
            return
        window.log.effort_row.set_value(8)
        window.log.form.effort = 8
        window.log.form_row.set_value(4)
        window.log.form.form = 4
        window.log_tapped()
        settle(app, window)
        if view == "double-tap":  # the same side again, at once: the kiosk asks
            window.log.side_row.buttons[window._last_entry.side].click()
            window.log_tapped()
    elif view == "caution":
        open_log("Dev", "weighted-hyperextension")
        if window.exercise.slug != "weighted-hyperextension":
            window.open_log("weighted-hyperextension", swap=False)
            settle(app, window)
    elif view == "substitute":  # the coach's swap, with its own prescription
        open_log("Dev", "weighted-hyperextension")
        if window.exercise.slug == "weighted-hyperextension":
            window.open_log("weighted-hyperextension")
            settle(app, window)
    elif view == "pin":
        ana = athletes["Ana"]
        window._ask_pin("athlete", ana.id, f"{ana.name}: your PIN")
        for digit in "12":
            window.pin.press(digit)
    settle(app, window)


def snapshot_kiosk(*, view: str, size: QSize, at_s: float | None = None,
                   program: str = "Precision Back", day: int = 1) -> QImage:
    """The kiosk on the demo gym as ``view`` shows it, rendered offscreen."""
    with kiosk_view(view=view, size=size, at_s=at_s, program=program, day=day) as window:
        image = QImage(size, QImage.Format.Format_RGB32)
        window.render(image)
        return image
