"""The session screen: one widget that paints the class from the runner's clock.

Nothing here counts time: each frame asks the runner where the class is and
paints :func:`backbeat.engine.display.describe` of it.
"""

from __future__ import annotations

from collections import OrderedDict
from functools import lru_cache
from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFontMetricsF,
    QImage,
    QMovie,
    QPainter,
    QPainterPath,
    QPen,
    QPixmap,
)
from PySide6.QtWidgets import QWidget

from backbeat.engine.display import Display, describe
from backbeat.engine.runner import ClassRunner, RunState
from backbeat.paths import resources_dir
from backbeat.ui import theme

_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_CENTER = Qt.AlignmentFlag.AlignCenter
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


@lru_cache(maxsize=512)
def _fitted_size(text: str, width: int, height: int, bold: bool) -> int:
    """The largest pixel size (≤ height) at which ``text`` fits ``width``."""
    size = height
    while size > 8:
        if QFontMetricsF(theme.font(size, bold)).horizontalAdvance(text) <= width:
            return size
        size = int(size * 0.92)
    return size


class _TextImages:
    """Rendered text, kept up to a byte budget (least recently used out first)."""

    BUDGET_BYTES = 48 * 1024 * 1024

    def __init__(self) -> None:
        self._images: OrderedDict[tuple, QImage] = OrderedDict()
        self._bytes = 0

    def get(self, text: str, px: int, bold: bool, color: QColor) -> QImage:
        key = (text, px, bold, color.rgba())
        image = self._images.get(key)
        if image is not None:
            self._images.move_to_end(key)
            return image
        font = theme.font(px, bold)
        metrics = QFontMetricsF(font)
        width = max(1, int(metrics.horizontalAdvance(text) + 2))
        height = max(1, int(metrics.height() + 1))
        image = QImage(width, height, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        painter.setFont(font)
        painter.setPen(color)
        painter.drawText(QPointF(0, metrics.ascent()), text)
        painter.end()
        self._images[key] = image
        self._bytes += image.sizeInBytes()
        while self._bytes > self.BUDGET_BYTES and len(self._images) > 1:
            _, old = self._images.popitem(last=False)
            self._bytes -= old.sizeInBytes()
        return image


_TEXT_CACHE = _TextImages()
_MOVIES: dict[str, QMovie | None] = {}


def media_path(name: str | None) -> Path | None:
    """A library media file: absolute, or relative to resources/media/."""
    if not name:
        return None
    path = Path(name)
    if not path.is_absolute():
        path = resources_dir() / "media" / name
    return path if path.is_file() else None


def media_frame(name: str | None) -> QPixmap | None:
    """The current frame of an exercise's image or GIF (GIFs play on their own clock)."""
    if not name:
        return None
    if name not in _MOVIES:
        path = media_path(name)
        movie = QMovie(str(path)) if path else None
        if movie is not None and movie.isValid():
            movie.setCacheMode(QMovie.CacheMode.CacheAll)
            movie.start()
        else:
            movie = None
        _MOVIES[name] = movie
    movie = _MOVIES[name]
    return movie.currentPixmap() if movie is not None else None


def _mmss(seconds: int) -> str:
    m, s = divmod(max(0, seconds), 60)
    return f"{m}:{s:02d}"


class TvScreen(QWidget):
    def __init__(self, runner: ClassRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.runner = runner
        self.status_lines: list[str] = []  # audio off, database unreachable …
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setMinimumSize(640, 360)
        self.last_display: Display | None = None
        self.resume_offer: dict | None = None  # an interrupted class the coach may resume
        self.board: list = []  # store.board.BoardLine for the coming exercise
        self.choosing = False  # before the start: next/back pick another class
        self.on_first_frame = None  # called once after the first paint (start-up benchmark)

    def display(self) -> Display:
        return describe(self.runner.now(), self.runner.timeline)

    # --- painting ---------------------------------------------------------------
    def paintEvent(self, _event) -> None:
        d = self.display()
        self.last_display = d
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        w, h = self.width(), self.height()
        p.fillRect(0, 0, w, h, theme.BACKGROUND)
        u = h / 100.0
        self._top_bar(p, d, w, u)
        if d.mode == "done":
            self._done(p, d, w, u)
        elif d.mode == "breath":
            self._pacer(p, d, w, u)
        elif d.mode in ("work", "hold"):
            self._active(p, d, w, u)
        else:
            self._between(p, d, w, u)
        self._status(p, w, u)
        if d.state is RunState.PAUSED or d.state is RunState.READY:
            self._paused(p, d, w, h, u)
        p.end()
        if self.on_first_frame is not None:
            callback, self.on_first_frame = self.on_first_frame, None
            callback()

    def _text(self, p: QPainter, rect: QRectF, text: str, color: QColor, size: float,
              align=_LEFT, bold: bool = True, fit: bool = True) -> None:
        if not text:
            return
        px = int(size)
        if fit:
            px = _fitted_size(text, int(rect.width()), px, bold)
        # Large glyphs are drawn as paths on every frame; a cached image of the
        # text is blitted instead (texts change at a reading pace, frames at 60 Hz).
        image = _TEXT_CACHE.get(text, px, bold, color)
        w, h = image.width() / image.devicePixelRatio(), image.height() / image.devicePixelRatio()
        if align & Qt.AlignmentFlag.AlignHCenter:
            x = rect.x() + (rect.width() - w) / 2
        elif align & Qt.AlignmentFlag.AlignRight:
            x = rect.right() - w
        else:
            x = rect.x()
        y = rect.y() + (rect.height() - h) / 2
        p.drawImage(QPointF(x, y), image)

    def _top_bar(self, p: QPainter, d: Display, w: float, u: float) -> None:
        m = 4 * u
        self._text(p, QRectF(m, 1.5 * u, w * 0.6, 5 * u),
                   f"BLOCK {d.block_number}/{d.blocks_total} · {d.block.upper()}", theme.MUTED, 3.6 * u)
        self._text(p, QRectF(w * 0.5, 1.5 * u, w * 0.5 - m, 5 * u),
                   f"{_mmss(d.elapsed_s)} done  ·  {_mmss(d.left_s)} left", theme.MUTED, 3.6 * u,
                   align=_RIGHT)
        # the whole class as a strip of blocks, with a marker where we are
        y, bh = 8 * u, 1.6 * u
        timeline = self.runner.timeline
        total = max(1, timeline.duration_ms)
        now_x = m + (w - 2 * m) * d.class_progress
        for i, (_name, start, end) in enumerate(timeline.blocks()):
            x0 = m + (w - 2 * m) * start / total
            x1 = m + (w - 2 * m) * end / total
            rect = QRectF(x0, y, max(1.0, x1 - x0 - 0.5 * u), bh)
            done = QColor(theme.MUTED) if i + 1 < d.block_number else QColor(theme.DIM)
            if i + 1 == d.block_number:
                done = QColor(theme.TEXT)
                done.setAlphaF(0.35)
            p.fillRect(rect, done)
        p.fillRect(QRectF(now_x - 0.3 * u, y - 0.8 * u, 0.6 * u, bh + 1.6 * u), theme.TEXT)

    def _phase_color(self, d: Display) -> QColor:
        if d.phase is not None:
            return theme.PHASE[d.phase.value]
        return theme.MODE.get(d.mode, theme.TEXT)

    def _active(self, p: QPainter, d: Display, w: float, u: float) -> None:
        m = 4 * u
        left_w = w * 0.60 - m
        color = self._phase_color(d)
        self._text(p, QRectF(m, 12 * u, left_w, 11 * u), d.exercise, theme.TEXT, 9 * u)
        info = "   ".join(t for t in (d.set_text, d.rep_text) if t)
        info_rect = QRectF(m, 24 * u, left_w, 8 * u)
        self._text(p, info_rect, info, theme.TEXT, 6.2 * u, bold=True)
        if d.side_text:
            self._side_badge(p, d.side_text, QRectF(m + left_w - 30 * u, 23.5 * u, 30 * u, 9 * u), u)
        # the phase: a shape and a word, both in the phase's colour
        icon = QRectF(m, 37 * u, 18 * u, 22 * u)
        self._phase_icon(p, d, icon, color)
        self._text(p, QRectF(m + 21 * u, 35 * u, left_w - 21 * u, 26 * u), d.big_label, color, 23 * u)
        self._text(p, QRectF(m, 63 * u, left_w, 6 * u), d.prescription, theme.MUTED, 4.4 * u)
        self._cues(p, d.cues, QRectF(m, 71 * u, left_w, 20 * u), u)
        # the ring: the phase's time running out, whole seconds in the middle
        cx, cy, r = w * 0.80, 37 * u, 22 * u
        self._ring(p, QPointF(cx, cy), r, d.progress, color, u)
        self._text(p, QRectF(cx - r, cy - r * 0.7, 2 * r, 1.4 * r), str(d.seconds_left),
                   theme.TEXT, 26 * u, align=_CENTER)
        self._breath(p, d, QRectF(w * 0.62, 64 * u, w * 0.38 - m, 24 * u), u)
        if d.cautions:
            self._text(p, QRectF(m, 89 * u, w - 2 * m, 4 * u), "⚠ " + d.cautions[0],
                       theme.WARNING, 3 * u)

    def _pacer(self, p: QPainter, d: Display, w: float, u: float) -> None:
        """Breath drills: one big shape that fills on the inhale and empties on the exhale."""
        m = 4 * u
        left_w = w * 0.55 - m
        color = theme.BREATH.get(d.big_label, theme.MODE["breath"])
        self._text(p, QRectF(m, 12 * u, left_w, 11 * u), d.exercise, theme.TEXT, 9 * u)
        self._text(p, QRectF(m, 24 * u, left_w, 8 * u), d.rep_text, theme.TEXT, 6.2 * u)
        self._text(p, QRectF(m, 35 * u, left_w, 26 * u), d.big_label, color, 22 * u)
        self._text(p, QRectF(m, 63 * u, left_w, 6 * u), d.pattern, theme.MUTED, 4.6 * u)
        self._cues(p, d.cues, QRectF(m, 71 * u, left_w, 20 * u), u)
        c = QPointF(w * 0.78, 52 * u)
        r = self._lungs(p, c, 36 * u, 0.25, d.breath_level, color, u)
        self._text(p, QRectF(c.x() - 15 * u, c.y() - 12 * u, 30 * u, 24 * u), str(d.seconds_left),
                   theme.BACKGROUND if r > 14 * u else theme.TEXT, 20 * u, align=_CENTER)

    def _media(self, p: QPainter, path: str | None, rect: QRectF) -> None:
        frame = media_frame(path)
        if frame is None or frame.isNull():
            return
        scaled = frame.size().scaled(rect.size().toSize(), Qt.AspectRatioMode.KeepAspectRatio)
        target = QRectF(rect.x(), rect.y(), scaled.width(), scaled.height())
        p.drawPixmap(target.toRect(), frame)

    def _between(self, p: QPainter, d: Display, w: float, u: float) -> None:
        m = 4 * u
        color = self._phase_color(d)
        self._text(p, QRectF(m, 12 * u, w * 0.5, 12 * u), d.big_label, color, 10 * u)
        # a giant countdown, readable from the back of the room
        count = _mmss(d.seconds_left) if d.seconds_left >= 60 else str(d.seconds_left)
        box = QRectF(m, 24 * u, w * 0.46, 52 * u)
        self._ring(p, QPointF(box.center().x(), box.center().y()), 25 * u, d.progress, color, u)
        self._text(p, QRectF(box.center().x() - 22 * u, box.center().y() - 16 * u, 44 * u, 32 * u),
                   count, theme.TEXT, 30 * u, align=_CENTER)
        if d.side_text and d.mode == "switch_sides":
            self._side_badge(p, d.side_text, QRectF(m, 80 * u, 30 * u, 8 * u), u)
        x = w * 0.54
        rw = w - x - m
        self._text(p, QRectF(x, 14 * u, rw, 6 * u), "NEXT", theme.MUTED, 4.5 * u)
        self._text(p, QRectF(x, 21 * u, rw, 12 * u), d.next_title or "—", theme.TEXT, 8.5 * u)
        self._text(p, QRectF(x, 34 * u, rw, 7 * u), d.next_set, theme.TEXT, 5.5 * u)
        self._text(p, QRectF(x, 42 * u, rw, 7 * u), d.next_detail, theme.MUTED, 5.5 * u)
        self._cues(p, d.cues, QRectF(x, 54 * u, rw, 24 * u), u)
        if self.board:
            self._board_band(p, QRectF(m, 79 * u, w - 2 * m, 14 * u), u)
        else:
            self._media(p, d.media, QRectF(x, 62 * u, rw, 22 * u) if d.cues else QRectF(x, 54 * u, rw, 30 * u))
        if d.cautions:
            self._text(p, QRectF(m, 86 * u, w - 2 * m, 5 * u), "⚠ " + d.cautions[0], theme.WARNING, 3.2 * u)

    def _board_band(self, p: QPainter, rect: QRectF, u: float) -> None:
        """Each checked-in athlete's load for the coming set, in up to two rows."""
        lines = self.board[:12]
        per_row = max(1, (len(lines) + 1) // 2)
        cell_w = rect.width() / per_row
        row_h = rect.height() / 2
        for i, line in enumerate(lines):
            r, c = divmod(i, per_row)
            cell = QRectF(rect.x() + c * cell_w, rect.y() + r * row_h, cell_w - u, row_h)
            who = line.athlete
            # ▲ the rule moves this athlete on, ▼ eases off (shape, not only colour)
            mark = " ▲" if line.note.startswith("Next") else " ▼" if line.note.startswith("Ease") else ""
            what = line.note if line.caution else (line.load or "—") + mark
            self._text(p, QRectF(cell.x(), cell.y(), cell.width() * 0.45, cell.height()), who,
                       theme.MUTED, 3.6 * u)
            self._text(p, QRectF(cell.x() + cell.width() * 0.45, cell.y(), cell.width() * 0.55,
                                 cell.height()), ("⚠ " if line.caution else "") + what,
                       theme.WARNING if line.caution else theme.TEXT, 3.6 * u)

    def _done(self, p: QPainter, d: Display, w: float, u: float) -> None:
        self._text(p, QRectF(0, 30 * u, w, 18 * u), d.big_label, theme.MODE["done"], 16 * u, align=_CENTER)
        self._text(p, QRectF(0, 52 * u, w, 10 * u), d.exercise, theme.TEXT, 7 * u, align=_CENTER)
        self._text(p, QRectF(0, 64 * u, w, 6 * u), "Log your sets at the kiosk", theme.MUTED,
                   4.5 * u, align=_CENTER)

    def _cues(self, p: QPainter, cues: tuple[str, ...], rect: QRectF, u: float) -> None:
        line = rect.height() / 3
        for i, cue in enumerate(cues[:3]):
            self._text(p, QRectF(rect.x(), rect.y() + i * line, rect.width(), line),
                       "›  " + cue, theme.TEXT if i == 0 else theme.MUTED, min(line * 0.75, 5 * u),
                       bold=i == 0)

    def _side_badge(self, p: QPainter, side: str, rect: QRectF, u: float) -> None:
        """The working side, inverted (light plate, dark word) so it reads first."""
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(theme.TEXT)
        p.drawRoundedRect(rect, u, u)
        arrow = "◀ " if side == "LEFT" else ""
        tail = " ▶" if side == "RIGHT" else ""
        self._text(p, rect.adjusted(u, 0, -u, 0), f"{arrow}{side}{tail}", theme.BACKGROUND,
                   rect.height() * 0.72, align=_CENTER)

    def _phase_icon(self, p: QPainter, d: Display, rect: QRectF, color: QColor) -> None:
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(color)
        cx, top, bottom = rect.center().x(), rect.top(), rect.bottom()
        half = rect.width() * 0.45
        if d.phase is not None and d.phase.value in ("pause_top", "pause_bottom") or d.mode == "hold":
            bw = rect.width() * 0.25
            p.drawRect(QRectF(cx - half, top + rect.height() * 0.15, bw, rect.height() * 0.7))
            p.drawRect(QRectF(cx + half - bw, top + rect.height() * 0.15, bw, rect.height() * 0.7))
            return
        path = QPainterPath()
        if d.phase is not None and d.phase.value == "concentric":
            path.moveTo(cx, top)
            path.lineTo(cx + half, top + rect.height() * 0.5)
            path.lineTo(cx + half * 0.4, top + rect.height() * 0.5)
            path.lineTo(cx + half * 0.4, bottom)
            path.lineTo(cx - half * 0.4, bottom)
            path.lineTo(cx - half * 0.4, top + rect.height() * 0.5)
            path.lineTo(cx - half, top + rect.height() * 0.5)
        elif d.phase is not None:
            path.moveTo(cx, bottom)
            path.lineTo(cx + half, top + rect.height() * 0.5)
            path.lineTo(cx + half * 0.4, top + rect.height() * 0.5)
            path.lineTo(cx + half * 0.4, top)
            path.lineTo(cx - half * 0.4, top)
            path.lineTo(cx - half * 0.4, top + rect.height() * 0.5)
            path.lineTo(cx - half, top + rect.height() * 0.5)
        else:  # breath drill: a circle that breathes with the class
            size = rect.width() * (0.4 + 0.5 * d.breath_level)
            p.drawEllipse(QPointF(cx, rect.center().y()), size / 2, size / 2)
            return
        path.closeSubpath()
        p.drawPath(path)

    def _ring(self, p: QPainter, c: QPointF, r: float, progress: float, color: QColor, u: float) -> None:
        rect = QRectF(c.x() - r, c.y() - r, 2 * r, 2 * r)
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.setPen(QPen(theme.DIM, 2.4 * u, Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap))
        p.drawEllipse(rect)
        left = 1.0 - progress
        if left > 0:
            p.setPen(QPen(color, 2.4 * u, Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap))
            p.drawArc(rect, 90 * 16, int(round(left * 360 * 16)))

    def _lungs(self, p: QPainter, c: QPointF, max_r: float, least: float, level: float,
               color: QColor, u: float) -> float:
        """A disc that grows on the inhale and shrinks on the exhale, inside its outline."""
        p.setPen(QPen(theme.DIM, 0.5 * u))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawEllipse(c, max_r, max_r)
        fill = QColor(color)
        fill.setAlphaF(0.88)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(fill)
        r = max_r * (least + (1 - least) * level)
        p.drawEllipse(c, r, r)
        return r

    def _breath(self, p: QPainter, d: Display, rect: QRectF, u: float) -> None:
        if not d.breath_label:
            return
        color = theme.BREATH.get(d.breath_label, theme.TEXT)
        max_r = rect.height() * 0.45
        self._lungs(p, QPointF(rect.x() + max_r, rect.center().y()), max_r, 0.3, d.breath_level,
                    color, u)
        self._text(p, QRectF(rect.x() + 2 * max_r + 2 * u, rect.y(), rect.width() - 2 * max_r - 2 * u,
                             rect.height()), d.breath_label, color, 9 * u)

    def _status(self, p: QPainter, w: float, u: float) -> None:
        # what is wrong with the station (sound off, position not saved): readable
        # by the coach at the front, small enough not to compete with the class
        if self.status_lines:
            self._text(p, QRectF(4 * u, 93.5 * u, w - 8 * u, 5 * u),
                       "⚠ " + "  ·  ".join(self.status_lines), theme.WARNING, 3.4 * u)

    def _ready(self, p: QPainter, d: Display, w: float, u: float) -> None:
        """Before the start: which class this is, big, and how to start or pick another."""
        t = self.runner.timeline
        self._text(p, QRectF(4 * u, 13 * u, w - 8 * u, 11 * u), t.program, theme.TEXT, 9 * u,
                   align=_CENTER)
        self._text(p, QRectF(4 * u, 25 * u, w - 8 * u, 8 * u), t.day_name, theme.TEXT, 6 * u,
                   align=_CENTER, bold=False)
        facts = f"{round(t.duration_s / 60)} min  ·  {len(t.blocks())} blocks  ·  first: {d.exercise}"
        self._text(p, QRectF(4 * u, 34 * u, w - 8 * u, 6 * u), facts, theme.MUTED, 4 * u, align=_CENTER)
        self._text(p, QRectF(0, 43 * u, w, 20 * u), "SPACE TO START", theme.MODE["done"], 13 * u,
                   align=_CENTER)
        if self.choosing:
            self._text(p, QRectF(4 * u, 66 * u, w - 8 * u, 7 * u),
                       "◀  ▶   (← → or the clicker)  choose another class", theme.TEXT, 4.4 * u,
                       align=_CENTER)

    def _paused(self, p: QPainter, d: Display, w: float, h: float, u: float) -> None:
        ready = d.state is RunState.READY
        p.fillRect(QRectF(0, 0, w, h), QColor(0, 0, 0, 238 if ready else 215))
        if ready:
            self._ready(p, d, w, u)
            self._resume_offer(p, w, u)
            return
        word = "PAUSED"
        size = 17 * u
        word_w = QFontMetricsF(theme.font(int(size))).horizontalAdvance(word)
        bar_w, gap = 4.5 * u, 3.5 * u
        # two bars beside the word: the pause shape, so the state reads without it
        group = 2 * bar_w + gap + 4 * u + word_w
        x = (w - group) / 2
        for dx in (0, bar_w + gap):
            p.fillRect(QRectF(x + dx, 30 * u, bar_w, 15 * u), theme.TEXT)
        x += 2 * bar_w + gap + 4 * u
        self._text(p, QRectF(x, 26 * u, word_w + u, 23 * u), word, theme.TEXT, size, fit=False)
        keys = "SPACE resume   ·   → next   ·   ← back   ·   + 15 s rest   ·   F full screen   ·   Esc leave"
        self._text(p, QRectF(4 * u, 58 * u, w - 8 * u, 6 * u), keys, theme.TEXT, 3.6 * u,
                   align=_CENTER, bold=False)
        at = f"{d.exercise} · {d.big_label.lower()}"
        self._text(p, QRectF(4 * u, 66 * u, w - 8 * u, 6 * u), at, theme.MUTED, 3.6 * u, align=_CENTER)
        self._resume_offer(p, w, u)

    def _resume_offer(self, p: QPainter, w: float, u: float) -> None:
        offer = self.resume_offer
        if offer is not None:
            where = _mmss(int(float(offer.get("position_ms", 0)) // 1000))
            text = (f"Interrupted class: {offer.get('program')}, day {offer.get('day')} at {where}"
                    "   ·   R resume   ·   SPACE start afresh")
            self._text(p, QRectF(4 * u, 76 * u, w - 8 * u, 7 * u), text, theme.WARNING, 4.2 * u,
                       align=_CENTER)
