"""The compiled class at a glance: total time, a timeline strip, Start on TV.

The strip is a pyqtgraph plot (pan along the class, hover names what runs),
built just after the preview's first paint: pyqtgraph and numpy take longer to
load than the rest of the trainer's first frame, which shows the title, the
totals and Start on TV without them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from backbeat.engine.timeline import WORKING, SegmentKind, Timeline
from backbeat.ui import theme

if TYPE_CHECKING:
    import pyqtgraph as pg

#: What the strip calls each kind of segment, and its colour (a legend names them).
KINDS = {
    SegmentKind.WORK: ("work (reps)", theme.PHASE["concentric"]),
    SegmentKind.HOLD: ("hold", theme.MODE["hold"]),
    SegmentKind.BREATH: ("breathing", theme.MODE["breath"]),
    SegmentKind.REST: ("rest", theme.MODE["rest"]),
    SegmentKind.GET_READY: ("get ready / switch / change over", theme.PREVIEW_BETWEEN),
}
_SETUP = {SegmentKind.GET_READY, SegmentKind.SWITCH_SIDES, SegmentKind.TRANSITION}


def clock(seconds: float) -> str:
    m, s = divmod(round(seconds), 60)
    return f"{m}:{s:02d}"


def runs(timeline: Timeline) -> dict[SegmentKind, list[tuple[float, float]]]:
    """Consecutive segments of one kind merged: {kind: [(start_min, length_min)]}."""
    out: dict[SegmentKind, list[list[float]]] = {k: [] for k in KINDS}
    last = None
    for seg in timeline.segments:
        kind = SegmentKind.GET_READY if seg.kind in _SETUP else seg.kind
        if kind is last:
            out[kind][-1][1] += seg.duration_s / 60
        else:
            out[kind].append([seg.start_s / 60, seg.duration_s / 60])
        last = kind
    return {k: [tuple(r) for r in v] for k, v in out.items()}


class ClassPreview(QWidget):
    start_on_tv = Signal()

    def __init__(self):
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        head = QHBoxLayout()
        self.title = QLabel()
        font = self.title.font()
        font.setPointSize(font.pointSize() + 2)
        font.setBold(True)
        self.title.setFont(font)
        self.total = QLabel()
        self.total.setObjectName("preview-total")
        self.total.setFont(font)
        self.start = QPushButton("▶  Start on TV")
        self.start.setMinimumHeight(36)
        self.start.clicked.connect(self.start_on_tv)
        head.addWidget(self.title, 1)
        head.addWidget(self.total)
        head.addWidget(self.start)
        layout.addLayout(head)
        #: the strip's place until the plot is built (:meth:`build_plot`)
        self.strip = _StripPlace(self)
        self.strip.setFixedHeight(STRIP_HEIGHT)
        self.plot: pg.PlotWidget | None = None
        self.legend = QLabel("   ".join(
            f'<span style="color:{color.name()}; font-size:16pt">■</span> {label}'
            for label, color in KINDS.values()))
        self.block_lines: list = []
        self.note = QLabel()
        self.note.setWordWrap(True)
        layout.addWidget(self.strip)
        layout.addWidget(self.legend)
        layout.addWidget(self.note)
        self.timeline: Timeline | None = None
        self._why_not = ""

    def build_plot(self) -> pg.PlotWidget:
        """The strip's plot (built once; the class shown so far drawn on it)."""
        if self.plot is not None:
            return self.plot
        import pyqtgraph as pg

        self.plot = pg.PlotWidget(background="w")
        self.plot.setMouseEnabled(x=True, y=False)
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        self.plot.getAxis("left").hide()
        self.plot.setLabel("bottom", "minutes into the class")
        self.plot.setYRange(-0.1, 1.35, padding=0)
        self.plot.setFixedHeight(STRIP_HEIGHT)
        self.bars: dict[SegmentKind, pg.BarGraphItem] = {}
        for kind, (_label, color) in KINDS.items():
            bar = pg.BarGraphItem(x0=[], width=[], y0=[], height=[], brush=color,
                                  pen=pg.mkPen(color.darker(130)))
            self.plot.addItem(bar)
            self.bars[kind] = bar
        self.hover = pg.TextItem(color="k", anchor=(0, 1))
        self.plot.addItem(self.hover)
        self.plot.scene().sigMouseMoved.connect(self._hovered)
        self.layout().replaceWidget(self.strip, self.plot)
        self.strip.hide()
        self.strip.deleteLater()
        self._draw_strip()
        return self.plot

    def show_timeline(self, timeline: Timeline | None, why_not: str = "") -> None:
        self.timeline, self._why_not = timeline, why_not
        self._draw_strip()
        if timeline is None:
            self.title.setText("Class preview")
            self.total.setText("")
            self.note.setText(why_not)
            return
        name = timeline.day_name
        day = f"Day {timeline.day}"
        self.title.setText(name if name.casefold().startswith(day.casefold()) else f"{day}: {name}")
        work = sum(s.duration_s for s in timeline.segments
                   if s.kind in WORKING)
        self.total.setText(f"{clock(timeline.duration_s)} in all · {clock(work)} under work")
        blocks = ", ".join(f"{chr(65 + n) if n < 26 else n + 1} {name}"
                           for n, (name, _s, _e) in enumerate(timeline.blocks()))
        self.note.setText(f"Blocks: {blocks}")

    def _draw_strip(self) -> None:
        """The shown class (or none) on the plot, once it is built."""
        if self.plot is None:
            return
        import numpy as np
        import pyqtgraph as pg

        timeline = self.timeline
        for line in self.block_lines:
            self.plot.removeItem(line)
        self.block_lines = []
        self.hover.setText("")
        if timeline is None:
            for bar in self.bars.values():
                bar.setOpts(x0=[], width=[], y0=[], height=[])
            return
        for kind, spans in runs(timeline).items():
            x0 = np.array([s for s, _ in spans], dtype=float)
            width = np.array([w for _, w in spans], dtype=float)
            self.bars[kind].setOpts(x0=x0, width=width, y0=np.zeros(len(spans)),
                                    height=np.ones(len(spans)))
        for n, (name, start_ms, _end_ms) in enumerate(timeline.blocks()):
            line = pg.InfiniteLine(pos=start_ms / 60000, angle=90,
                                   pen=pg.mkPen(theme.RULE, width=1, style=pg.QtCore.Qt.PenStyle.DashLine))
            label = pg.TextItem(f"{chr(65 + n) if n < 26 else n + 1}", color=theme.RULE, anchor=(0, 0))
            label.setPos(start_ms / 60000, 1.02 + 0.0)
            label.setToolTip(name)
            self.plot.addItem(line)
            self.plot.addItem(label)
            self.block_lines += [line, label]
        self.plot.setXRange(0, max(timeline.duration_s / 60, 0.1), padding=0.01)

    def describe_at(self, minutes: float) -> str:
        """What the class is doing at ``minutes`` (the hover text)."""
        if self.timeline is None or not self.timeline.segments:
            return ""
        seg = self.timeline.segment_at_ms(minutes * 60000)
        what = seg.exercise_name or seg.kind.value.replace("_", " ")
        detail = f"set {seg.set}/{seg.sets}" if seg.set else ""
        return f"{clock(seg.start_s)} {seg.block}: {what} {detail}".strip()

    def _hovered(self, pos) -> None:
        if self.timeline is None or self.plot is None:
            return
        point = self.plot.getPlotItem().vb.mapSceneToView(pos)
        minutes = point.x()
        if 0 <= minutes <= self.timeline.duration_s / 60:
            self.hover.setText(self.describe_at(minutes))
            self.hover.setPos(minutes, 1.33)
        else:
            self.hover.setText("")


#: The strip's height in pixels.
STRIP_HEIGHT = 120


class _StripPlace(QWidget):
    """Where the strip goes: white, as the plot's background; its first paint
    asks for the plot (on the event loop's next turn, after the first frame)."""

    def __init__(self, preview: ClassPreview):
        super().__init__()
        self.preview = preview
        self.setStyleSheet("background: white;")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self._asked = False

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        if not self._asked:
            self._asked = True
            QTimer.singleShot(0, self.preview, self.preview.build_plot)  # not once it is gone
