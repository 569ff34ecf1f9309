"""The kiosk's first frame, painted before the database and the store's modules
(SQLAlchemy, pydantic) are imported (issue 11, "Start fast"): its roster page as
the kiosk's window first shows it — "Tap your name", the roster being read, no
CHECK IN until a class is known — made of the same page and style.
``kiosk/app.open_kiosk`` opens the database on the event loop's next turn and
puts the kiosk's window in its place. A tap on TRAINER meanwhile is not lost:
the window opens the trainer's PIN pad as soon as it shows."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QVBoxLayout, QWidget

from backbeat.ui.kiosk import style
from backbeat.ui.kiosk.roster import RosterPage

#: What the roster page says until the roster is read (the window says the same).
READING = "Reading the roster…"


class FirstFrame(style.ScaledStyle, QWidget):
    def __init__(self):
        super().__init__()
        self.setWindowTitle("Backbeat kiosk")
        self.roster = RosterPage()
        self.roster.class_label.setText(READING)
        self.roster.check_in_button.hide()  # the window shows it once a class is running
        #: TRAINER was tapped on this frame: the window opens the PIN pad when it shows
        self.trainer_tapped = False
        self.roster.trainer_tapped.connect(self._trainer)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.roster)
        self.apply_scale(style.BASE_W, style.BASE_H)

    def _trainer(self) -> None:
        self.trainer_tapped = True
        self.roster.status_label.setText("The trainer's PIN pad opens in a moment…")


def start_kiosk(open_kiosk: Callable[[FirstFrame], Callable[[], None]], *, windowed: bool,
                screen: int | None) -> int:
    """``backbeat kiosk``: the first frame on screen, then ``open_kiosk(frame)`` on
    the event loop's next turn (``ui/first_frame.paint_then_open``)."""
    from backbeat.ui.application import application
    from backbeat.ui.first_frame import paint_then_open, show_on

    application()
    return paint_then_open(
        FirstFrame(),
        lambda frame: show_on(frame, screen, windowed=windowed, size=(style.BASE_W, style.BASE_H)),
        open_kiosk)
