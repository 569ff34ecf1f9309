"""The kiosk's first frame, painted before the database and the store's modules
(SQLAlchemy, pydantic) are imported (issue 11, "Start fast"): its roster page as
the kiosk's window first shows it — "Tap your name", the roster being read —
made of the same page and style. ``kiosk/app.start_kiosk`` opens the database on
the event loop's next turn and puts the kiosk's window in its place."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QVBoxLayout, QWidget

from backbeat.ui.kiosk import style
from backbeat.ui.kiosk.roster import RosterPage

#: What the roster page says until the roster is read (the window says the same).
READING = "Reading the roster…"


class FirstFrame(QWidget):
    def __init__(self):
        super().__init__()
        self.setWindowTitle("Backbeat kiosk")
        self.roster = RosterPage()
        self.roster.class_label.setText(READING)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.roster)
        self._scale = None
        self.apply_scale(style.BASE_W, style.BASE_H)

    def apply_scale(self, width: int, height: int) -> None:
        scale = round(style.scale_for(width, height), 2)
        if scale != self._scale:
            self._scale = scale
            self.setStyleSheet(style.stylesheet(scale))

    def resizeEvent(self, event) -> None:
        self.apply_scale(event.size().width(), event.size().height())
        super().resizeEvent(event)


def start_kiosk(open_kiosk: Callable[[FirstFrame], Callable[[], None]], *, windowed: bool,
                screen: int | None) -> int:
    """``backbeat kiosk``: the first frame on screen, then ``open_kiosk(frame)`` on
    the event loop's next turn (``ui/first_frame.paint_then_open``)."""
    from backbeat.ui.application import application
    from backbeat.ui.first_frame import paint_then_open

    application()

    def show(frame: FirstFrame) -> None:
        screens = QGuiApplication.screens()
        target = (screens[screen] if screen is not None and 0 <= screen < len(screens)
                  else QGuiApplication.primaryScreen())
        frame.setGeometry(target.availableGeometry())
        if windowed:
            frame.resize(1280, 800)
            frame.show()
        else:
            frame.showFullScreen()

    return paint_then_open(FirstFrame(), show, open_kiosk)
