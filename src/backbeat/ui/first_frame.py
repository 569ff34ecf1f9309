"""A face's first frame before its database (issue 11, "Start fast"): the TV and
the kiosk show a frame of their own screen, made only of Qt and what this
computer kept, and open the database on the event loop's next turn — SQLAlchemy,
the store's models and the domain's (pydantic) are imported after that frame
(tests/test_startup_imports.py). The faces' frames: ``ui/tv/first_frame.py``
and ``ui/kiosk/first_frame.py``."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget


def show_on(frame: QWidget, screen: int | None, *, windowed: bool, size: tuple[int, int]) -> None:
    """The frame on screen ``screen`` (the primary one when it is not there):
    full screen, or ``windowed`` at ``size`` — where the face's window will be."""
    screens = QGuiApplication.screens()
    target = (screens[screen] if screen is not None and 0 <= screen < len(screens)
              else QGuiApplication.primaryScreen())
    frame.setGeometry(target.availableGeometry())
    if windowed:
        frame.resize(*size)
        frame.show()
    else:
        frame.showFullScreen()


def paint_then_open(frame: QWidget, show: Callable[[QWidget], None],
                    open_face: Callable[[QWidget], Callable[[], None]]) -> int:
    """``show(frame)``; once it has painted, on the event loop's next turn,
    ``open_face(frame)`` (the database opened, the face's window shown in the
    frame's place; it returns what is to be done after the loop). The loop's exit
    code; what ``open_face`` raised is raised here, after the loop, as it was
    before there was a first frame."""
    from backbeat.ui import application as faces

    app = faces.application()
    started: dict = {}

    def go() -> None:
        try:
            started["finish"] = open_face(frame)
        except BaseException as exc:  # noqa: BLE001 (raised again after the loop)
            started["error"] = exc
            frame.close()
            app.quit()

    class _Painted(QObject):
        def eventFilter(self, watched, event) -> bool:
            if event.type() == QEvent.Type.Paint:
                frame.removeEventFilter(self)
                if faces.first_frame_reported():  # the start-up benchmark times this frame
                    QTimer.singleShot(0, lambda: faces.report_first_frame(leave=False))
                QTimer.singleShot(0, go)
            return False

    painted = _Painted(frame)
    frame.installEventFilter(painted)
    show(frame)
    code = faces.run_event_loop()
    if "error" in started:
        raise started["error"]
    if "finish" in started:
        started["finish"]()
    return code
