"""Chart building blocks for the trainer: dated plots with a hover readout and
a second y axis. Plot items are made once; callers only ``setData``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt

from backbeat.ui import theme

DAY_S = 86400.0
INK = theme.INK
GRID_ALPHA = 0.25


def stamp(d: date) -> float:
    """A day as the x value the charts use (seconds, midday UTC so bars centre on the day)."""
    return datetime(d.year, d.month, d.day, 12, tzinfo=UTC).timestamp()


def stamps(days: Sequence[date]) -> np.ndarray:
    return np.array([stamp(d) for d in days], dtype=float)


def day_text(x: float | date) -> str:
    d = x if isinstance(x, date) else datetime.fromtimestamp(x, UTC)
    return f"{d.day} {d:%b %Y}"


class Readout:
    """Shows the values of the point nearest the mouse: a label and a marker line."""

    def __init__(self, plot: pg.PlotItem):
        self.plot = plot
        self.xs = np.zeros(0)
        self.describe: Callable[[int], str] = str
        self.line = pg.InfiniteLine(angle=90, pen=pg.mkPen(theme.HOVER_LINE, width=1, style=Qt.PenStyle.DotLine))
        self.label = pg.TextItem(color=INK, fill=pg.mkBrush(255, 255, 255, 230),
                                 border=pg.mkPen(theme.HOVER_BORDER), anchor=(0, 0))
        self.label.setZValue(100)
        for item in (self.line, self.label):
            item.setVisible(False)
            plot.addItem(item, ignoreBounds=True)

    def set_points(self, xs: np.ndarray, describe: Callable[[int], str]) -> None:
        """``describe(i)`` is the text for point i, made only when hovered (charts with
        years of points open faster)."""
        self.xs, self.describe = np.asarray(xs, dtype=float), describe
        self.hide()

    def hide(self) -> None:
        self.line.setVisible(False)
        self.label.setVisible(False)

    def show_at(self, x: float) -> str:
        """Point at the value nearest ``x`` (a chart x value); returns the text shown."""
        if not len(self.xs):
            self.hide()
            return ""
        i = int(np.argmin(np.abs(self.xs - x)))
        self.line.setPos(self.xs[i])
        (x0, x1), (y0, y1) = self.plot.vb.viewRange()
        # keep the label inside the plot: flip it left of the line in the right half
        self.label.setAnchor((1, 0) if self.xs[i] > (x0 + x1) / 2 else (0, 0))
        text = self.describe(i)
        self.label.setText(text)
        self.label.setPos(self.xs[i], y1)
        self.line.setVisible(True)
        self.label.setVisible(True)
        return text

    def hover(self, scene_pos: QPointF) -> bool:
        if not self.plot.sceneBoundingRect().contains(scene_pos):
            self.hide()
            return False
        self.show_at(self.plot.vb.mapSceneToView(scene_pos).x())
        return True


class SecondAxis:
    """A right-hand y axis with its own view, x-linked to the plot (pyqtgraph's
    multiple-axes recipe)."""

    def __init__(self, plot: pg.PlotItem, label: str):
        self.plot = plot
        self.view = pg.ViewBox()
        plot.showAxis("right")
        plot.scene().addItem(self.view)
        axis = plot.getAxis("right")
        axis.linkToView(self.view)
        axis.setLabel(label)
        self.view.setXLink(plot)
        self.view.setMouseEnabled(x=False, y=False)
        plot.vb.sigResized.connect(self._sync)
        self._sync()

    def _sync(self) -> None:
        self.view.setGeometry(self.plot.vb.sceneBoundingRect())
        self.view.linkedViewChanged(self.plot.vb, self.view.XAxis)

    def add(self, item) -> None:
        self.view.addItem(item)


def dated_plot(layout: pg.GraphicsLayoutWidget, row: int, col: int, title: str,
               y_label: str) -> pg.PlotItem:
    plot = layout.addPlot(row=row, col=col, axisItems={"bottom": pg.DateAxisItem(utcOffset=0)})
    plot.setTitle(title, color=INK, size="12pt")
    plot.setLabel("left", y_label)
    plot.showGrid(x=False, y=True, alpha=GRID_ALPHA)
    plot.setMenuEnabled(False)
    plot.hideButtons()
    plot.setMouseEnabled(x=False, y=False)
    for name in ("left", "bottom", "right"):
        axis = plot.getAxis(name)
        axis.setPen(pg.mkPen(INK))
        axis.setTextPen(pg.mkPen(INK))
    return plot


def bars(brush: str, pen: str | None = None) -> pg.BarGraphItem:
    return pg.BarGraphItem(x=[], height=[], width=1.0, brush=brush, pen=pg.mkPen(pen or brush))


def set_bars(item: pg.BarGraphItem, xs: np.ndarray, heights: Sequence[float], width: float,
             y0: float | Sequence[float] = 0.0) -> None:
    item.setOpts(x=xs, height=np.asarray(heights, dtype=float), width=width,
                 y0=np.broadcast_to(np.asarray(y0, dtype=float), xs.shape).copy())
