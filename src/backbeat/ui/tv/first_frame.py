"""The TV's first frame, painted before the database and the class's modules
(SQLAlchemy, the store's models, pydantic) are imported (issue 11, "Start fast").

It is the TV's before-the-start screen from what this computer kept: the
program and day of the class kept in ``last-class.json`` (store/classcache.py)
when it is the one asked for, otherwise the program asked for; the line at the
bottom says the TV is connecting. ``tv/app.start_tv`` opens the database on the
event loop's next turn and puts the real TV window in its place."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QWidget

from backbeat.ui import theme
from backbeat.ui.tv.layout import Column, Layout, metrics

#: The bottom line while the database is opened (it shows for a moment).
CONNECTING = "connecting to the gym's database…"


def first_frame_layout(width: int, height: int, program: str, day_name: str) -> Layout:
    """The before-the-start screen's words (as ``scenes._ready`` places them), and
    the connecting line where the TV's status line goes."""
    lay = Layout(width, height)
    u, m = lay.u, 3.5 * lay.u
    lay.text("status", CONNECTING, QRectF(m, 93.2 * u, width - 2 * m, 6 * u), theme.MUTED, 0.03)
    col = Column(lay, m, 13 * u, width - 2 * m, 92.5 * u)
    col.add("exercise", program, theme.TEXT, 0.065, align="center", optional=False, gap=0.5)
    col.add("next", day_name, theme.TEXT, 0.05, bold=False, align="center", gap=1)
    return lay


class FirstFrame(QWidget):
    """The TV's screen until its window is built (see the module's words)."""

    def __init__(self, program: str, day_name: str = ""):
        super().__init__()
        self.setWindowTitle("Backbeat TV")
        self.program, self.day_name = program, day_name

    def paintEvent(self, event) -> None:
        lay = first_frame_layout(self.width(), self.height(), self.program, self.day_name)
        p = QPainter(self)
        p.fillRect(self.rect(), theme.BACKGROUND)
        p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        for item in lay.texts:
            p.setFont(theme.font(item.px, item.bold))
            p.setPen(item.color)
            line_h = metrics(item.px, item.bold).lineSpacing()
            ascent = metrics(item.px, item.bold).ascent()
            for i, line in enumerate(item.lines):
                lw = metrics(item.px, item.bold).horizontalAdvance(line)
                x = {"center": item.rect.x() + (item.rect.width() - lw) / 2,
                     "right": item.rect.right() - lw}.get(item.align, item.rect.x())
                p.drawText(QPointF(x, item.rect.y() + i * line_h + ascent), line)
        p.end()


def title(program: str, day: int) -> tuple[str, str]:
    """(program, day name) for the first frame: the kept class's words when it is
    the program asked for, else the name asked for and the day's number."""
    from backbeat.store.classcache import kept_title

    return kept_title(program, day) or (program, f"Day {day}")


def start_tv(open_tv: Callable[[FirstFrame], Callable[[], None]], *, program: str, day: int,
             windowed: bool, screen: int | None) -> int:
    """``backbeat tv``: the first frame on screen, then ``open_tv(frame)`` on the
    event loop's next turn (``ui/first_frame.paint_then_open``)."""
    from backbeat.ui.application import application
    from backbeat.ui.first_frame import paint_then_open, show_on

    application()
    return paint_then_open(FirstFrame(*title(program, day)),
                           lambda frame: show_on(frame, screen, windowed=windowed, size=(1280, 720)),
                           open_tv)
