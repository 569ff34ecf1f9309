"""The session screen: one widget that paints the class from the runner's clock.

Nothing here counts time: each frame asks the runner where the class is,
lays :func:`backbeat.engine.display.describe` of it out
(:func:`backbeat.ui.tv.scenes.lay_out`: every text with its role, box and
size) and paints that. What stays still — the texts, plates and fixed shapes —
is drawn once into a cached layer, at the screen's own pixel density, and
patched where the layout changes (about once a second); each frame then
repaints only where the moving shapes (the ring, the breathing disc, the rest
bar) changed, over the layer, for the display its region was measured for.

A frame shows the class as it will be when it is on screen
(:mod:`backbeat.engine.pacing`: the clock plus the measured time from a
frame's state being read to its paint being done). The frame of a phase change
is prepared ahead (:meth:`TvScreen.prepare`: laid out, the still layer's
patched copy drawn) and, at the boundary, painted by swapping that layer in:
what is left to do then is the blit of what changed and the moving shapes.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache

from PySide6.QtCore import QPointF, QRect, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFontMetricsF,
    QImage,
    QMovie,
    QPainter,
    QPainterPath,
    QPen,
    QPixmap,
    QPolygonF,
    QRegion,
)
from PySide6.QtWidgets import QWidget

from backbeat.engine.display import Display, describe
from backbeat.engine.pacing import Latency
from backbeat.engine.runner import ClassRunner, Now, RunState
from backbeat.paths import media_path
from backbeat.ui import theme
from backbeat.ui.qr import paint_qr
from backbeat.ui.tv.layout import Layout, Shape, TextBox, metrics, mmss
from backbeat.ui.tv.scenes import MENU_ITEMS, Scene, lay_out


class _TextImages:
    """Rendered text, kept up to a byte budget (least recently used out first). Texts
    with digits in them (the clock, the countdowns: a new one every second, seldom
    needed again) have a budget of their own, so they never push out the words (the
    phase words, names and cues a class shows again and again)."""

    BUDGET_BYTES = 48 * 1024 * 1024
    DIGITS_BUDGET_BYTES = 16 * 1024 * 1024

    def __init__(self) -> None:
        self._pools = {False: _Pool(self.BUDGET_BYTES), True: _Pool(self.DIGITS_BUDGET_BYTES)}
        self.made = 0  # texts rendered (not found in the cache)

    def get(self, text: str, px: int, bold: bool, color: QColor, dpr: float = 1.0) -> QImage:
        key = (text, px, bold, color.rgba(), dpr)
        pool = self._pools[any(c.isdigit() for c in text)]
        image = pool.get(key)
        if image is not None:
            return image
        self.made += 1
        font = theme.font(px, bold)
        metrics = QFontMetricsF(font)
        width = max(1, int(metrics.horizontalAdvance(text) + 2))
        height = max(1, int(metrics.height() + 1))
        # drawn at the screen's pixel density: a 4K TV at 200 % gets 4K glyphs, not 1080p ones
        image = QImage(math.ceil(width * dpr), math.ceil(height * dpr),
                       QImage.Format.Format_ARGB32_Premultiplied)
        image.setDevicePixelRatio(dpr)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        painter.setFont(font)
        painter.setPen(color)
        painter.drawText(QPointF(0, metrics.ascent()), text)
        painter.end()
        pool.put(key, image)
        return image


class _Pool:
    """Images by key up to a byte budget, the least recently used out first."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self._images: OrderedDict[tuple, QImage] = OrderedDict()
        self._bytes = 0

    def get(self, key: tuple) -> QImage | None:
        image = self._images.get(key)
        if image is not None:
            self._images.move_to_end(key)
        return image

    def put(self, key: tuple, image: QImage) -> None:
        self._images[key] = image
        self._bytes += image.sizeInBytes()
        while self._bytes > self.budget and len(self._images) > 1:
            _, old = self._images.popitem(last=False)
            self._bytes -= old.sizeInBytes()


_TEXT_CACHE = _TextImages()
_MOVIES: dict[str, QMovie | None] = {}


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


@dataclass(frozen=True)
class _Prepared:
    """A phase change's frame made ahead: the instant it shows, the still layer as it
    will be (a patched copy of the layer it was made from), its layout, and the
    whole frame composed (that layer with the moving shapes of the instant)."""

    at: Now
    display: Display
    line: tuple  # (runner, epoch) it was made for
    base_key: tuple  # the layout the layer held when this was made
    key: tuple  # the scene it is for
    layout: Layout
    layer: QImage
    frame: QImage
    changed: QRegion  # where its still layer differs from the one it was made from
    region: QRegion  # what its frame repaints: that, and every moving shape


#: Layouts kept by scene (the one on screen, the prepared next one, the one before).
_LAYOUTS_KEPT = 4


class TvScreen(QWidget):
    def __init__(self, runner: ClassRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.runner = runner
        self.status_lines: list[str] = []  # audio off, database unreachable …
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setMinimumSize(480, 270)  # the demo's TV beside the kiosk on a laptop
        self.last_display: Display | None = None
        self.resume_offer: dict | None = None  # an interrupted class the coach may resume
        self.board: list = []  # store.board.BoardLine for the coming exercise
        self.choosing = False  # before the start: next/back pick another class
        self.menu: int | None = None  # the coach's menu is open on this item
        self.on_first_frame = None  # called once after the first paint (start-up benchmark)
        self._layout: Layout | None = None
        self._layout_key: tuple | None = None
        self._layer: QImage | None = None
        self._layer_key: tuple | None = None
        self._painted: Display | None = None  # what the last frame showed
        self._layer_layout: Layout | None = None  # what the layer holds
        self.remote_pairing: tuple[str, str] | None = None  # (page address with code, code)
        self.between = None  # domain.timetable.Between: no class here, the timetable's next one
        self.ask_choice = 0  # the lit answer while the TV asks about a missed class
        self._pending: Display | None = None  # what dirty_region measured: the next frame paints it
        self._pending_now: Now | None = None  # the class instant that display is of
        #: the class instant the last painted frame shows (what is on screen)
        self.painted_now: Now | None = None
        self._painted_line: tuple | None = None  # (runner, epoch) of painted_now
        #: frames show the class this much ahead of the clock: the measured time from
        #: choosing a frame's instant (dirty_region) to its paint being done
        self.latency = Latency()
        self.pace = True  # False: every frame shows the clock's now (snapshots, tests)
        self._sampled_ns: int | None = None
        self._layouts: OrderedDict[tuple, Layout] = OrderedDict()
        self._prepared: _Prepared | None = None
        self._spare: QImage | None = None  # the layer before the last swap, drawn into next
        self._frame: QImage | None = None  # the buffer a frame made ahead is composed in
        self._blit: _Prepared | None = None  # the frame made ahead the next paint shows
        #: How often the still layer was drawn whole, patched, and the scene laid out: a
        #: running set draws its layer once, patches it when a text changes (about once a
        #: second) and lays out once a second (the layout check in the tests reads these).
        self.counts = {"layer": 0, "patch": 0, "lay_out": 0, "prepared": 0, "swap": 0}

    def display(self) -> Display:
        return describe(self.runner.now(), self.runner.timeline)

    def _frame_now(self) -> Now:
        """The instant the next frame shows: the clock plus the measured latency — and
        never an instant before the one already on screen (a phase change painted on
        its deadline is not taken back by the next frame)."""
        at = self.runner.now(self.ahead_ns())
        shown = self.painted_now
        if (shown is not None and self._painted_line == (id(self.runner), at.epoch)
                and at.state is RunState.RUNNING and shown.state is RunState.RUNNING
                and at.position_ms < shown.position_ms):
            return shown
        return at

    def ahead_ns(self) -> int:
        """How far ahead of the clock the next frame shows (0 when not pacing)."""
        return self.latency.ns() if self.pace else 0

    # --- layout -------------------------------------------------------------------
    def scene(self, d: Display | None = None) -> Scene:
        d = d or self.display()
        t = self.runner.timeline
        total = max(1, t.duration_ms)
        blocks = tuple((start / total, end / total) for _name, start, end in t.blocks())
        offer = ""
        if self.resume_offer is not None:
            where = mmss(int(float(self.resume_offer.get("position_ms", 0)) // 1000))
            offer = (f"Interrupted class: {self.resume_offer.get('program')}, day "
                     f"{self.resume_offer.get('day')} at {where}   ·   R resume   ·   "
                     "B or SPACE start afresh")
        facts = ""
        if d.state is RunState.READY:
            facts = (f"{round(t.duration_s / 60)} min  ·  {len(blocks)} blocks  ·  "
                     f"first: {d.exercise}")
        return Scene(d, self.width(), self.height(), blocks=blocks, board=tuple(self.board[:12]),
                     status=tuple(self.status_lines), choosing=self.choosing, resume_offer=offer,
                     menu=self.menu, program=t.program, day_name=t.day_name, facts=facts,
                     media=media_path(d.media) is not None, remote=self.remote_pairing or (),
                     between=self.between, ask_choice=self.ask_choice)

    def layout(self, d: Display | None = None) -> Layout:
        """Every text on screen now, with its role, box and size (what paint draws)."""
        scene = self.scene(d)
        key = scene.key()
        if key != self._layout_key or self._layout is None:
            self._layout = self._laid_out(scene, key)
            self._layout_key = key
        return self._layout

    def _laid_out(self, scene: Scene, key: tuple) -> Layout:
        lay = self._layouts.get(key)
        if lay is None:
            lay = self._layouts[key] = lay_out(scene)
            self.counts["lay_out"] += 1
            while len(self._layouts) > _LAYOUTS_KEPT:
                self._layouts.popitem(last=False)
        else:
            self._layouts.move_to_end(key)
        return lay

    # --- the frame of a phase change, made ahead ---------------------------------
    def prepare(self, at: Now) -> bool:
        """Make the frame of instant ``at`` (the coming phase) ahead of it: its layout,
        a copy of the still layer patched to it, and the whole frame composed on that
        copy — so at the boundary the frame is one blit of what changes. False when
        there is nothing to make ahead (nothing painted yet, or nothing still changes)."""
        if not self._layer_fits() or self._painted is None or self._layer_layout is None:
            return False
        d = describe(at, self.runner.timeline)
        scene = self.scene(d)
        key = scene.key()
        if key == self._layer_key:
            return False
        lay = self._laid_out(scene, key)
        changed = _difference(self._layer_layout, lay)
        layer = _copy_into(self._spare, self._layer)
        self._spare = None
        self._draw_into(layer, lay, d, changed)
        frame = self._frame = _copy_into(self._frame, layer)
        p = QPainter(frame)
        self._draw_moving(p, lay, d, None, frame.devicePixelRatio())
        p.end()
        region = QRegion(changed)
        for layout in (self._layer_layout, lay):  # where moving things are, and were
            for shape in layout.shapes:
                if shape.moves:
                    region += _grow(shape.rect, layout.u).toAlignedRect()
            for item in layout.texts:
                if item.over_shape:
                    region += item.rect.toAlignedRect()
        self._prepared = _Prepared(at, d, (id(self.runner), at.epoch), self._layer_key, key, lay,
                                   layer, frame, changed, region & QRegion(self.rect()))
        self.counts["prepared"] += 1
        return True

    def layer_changes(self) -> bool:
        """Whether the frame dirty_region measured changes the still layer."""
        return not self._layer_fits() or self._layout_key != self._layer_key

    def prepared(self) -> Now | None:
        """The instant of the frame made ahead, while it can still be shown as made:
        the same class and line, the layer it was made from, the same scene."""
        pre = self._prepared
        if (pre is None or pre.line != (id(self.runner), self.runner.epoch)
                or pre.base_key != self._layer_key or not self._layer_fits()
                or self.scene(pre.display).key() != pre.key):
            return None
        return pre.at

    def show_now(self) -> bool:
        """Paint the frame made ahead now (not on the event loop's next turn): one blit
        of what it changes. False (nothing painted) when it can no longer be shown as
        made — the caller then paints the usual way."""
        if self.prepared() is None:
            return False
        self._blit = self._prepared
        self._sampled_ns = None  # woken for a deadline: measured by the caller
        self.repaint(self._prepared.region)
        return True

    def dirty_region(self) -> QRegion:
        """What the next frame must repaint: where the moving shapes changed since the
        last painted frame, and where the layout changed (a second, a word, a state):
        only the texts, plates and shapes that differ, not the whole screen."""
        full = QRegion(self.rect())
        self._sampled_ns = self.runner.clock.now_ns()
        at = self._pending_now = self._frame_now()
        d = self._pending = describe(at, self.runner.timeline)
        lay = self.layout(d)
        if not self._layer_fits() or self._painted is None:
            return full
        u = lay.u
        region = QRegion()
        if self._layout_key != self._layer_key:
            region += _difference(self._layer_layout, lay)  # a moved or recoloured shape too
        if _disc_behind_digits(d) != _disc_behind_digits(self._painted):
            for item in lay.texts:  # the digits over the breathing disc change colour
                if item.over_shape:
                    region += item.rect.toAlignedRect()
        for shape in lay.shapes:
            if shape.moves:
                region += _changed(shape, self._painted, d, u)
        return region

    # --- painting ---------------------------------------------------------------
    def paintEvent(self, event) -> None:
        if self._blit is not None:
            self._paint_made_ahead(event)
            return
        # the display the repaint region was measured for (a moment ago, this tick), so
        # the region covers exactly what changes; a paint nobody measured asks the clock
        if self._pending is None:
            self._pending_now = self._frame_now()
            self._pending = describe(self._pending_now, self.runner.timeline)
        d, self._pending = self._pending, None
        self.last_display = d
        lay = self.layout(d)
        pre = self._prepared
        if not self._layer_fits():
            self._layer = self._draw_layer(lay, d)
        elif self._layer_key != self._layout_key:
            if pre is not None and pre.base_key == self._layer_key and pre.key == self._layout_key:
                # the frame made ahead: its layer swapped in, nothing drawn into it now
                self._spare, self._layer = self._layer, pre.layer
                changed = pre.changed
                self.counts["swap"] += 1
            else:
                changed = _difference(self._layer_layout, lay)
                self._draw_into(self._layer, lay, d, changed)
                self.counts["patch"] += 1
            if not event.region().contains(changed.boundingRect()):
                self.update(changed)  # painted for another reason: show the change too
        self._layer_key, self._layer_layout = self._layout_key, lay
        region = event.region()
        p = QPainter(self)
        p.setClipRegion(region)
        dpr = _draw_pixels(p, self._layer, region.boundingRect())
        self._draw_moving(p, lay, d, region, dpr)
        p.end()
        self._painted = d
        self.painted_now = self._pending_now
        self._painted_line = (id(self.runner), self._pending_now.epoch)
        if pre is not None and pre.base_key != self._layer_key:
            self._prepared = None  # made from a layer that is no longer there, or used
        if self._sampled_ns is not None:
            self.latency.add(self.runner.clock.now_ns() - self._sampled_ns)
            self._sampled_ns = None
        if self.on_first_frame is not None:
            callback, self.on_first_frame = self.on_first_frame, None
            callback()

    def _draw_moving(self, p: QPainter, lay: Layout, d: Display, region: QRegion | None,
                     dpr: float) -> None:
        """The moving shapes of ``d`` and the texts over them (where ``region`` says)."""
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        for shape in lay.shapes:
            if shape.moves and (region is None
                                or region.intersects(_grow(shape.rect, lay.u).toAlignedRect())):
                self._moving(p, shape, d, lay.u)
        for item in lay.texts:
            if item.over_shape and (region is None or region.intersects(item.rect.toAlignedRect())):
                color = theme.BACKGROUND if _disc_behind_digits(d) else item.color
                _draw_text(p, item, color, dpr)

    def _paint_made_ahead(self, event) -> None:
        """The frame made ahead, blitted: its layer becomes the still layer."""
        pre, self._blit = self._blit, None
        region = event.region()
        p = QPainter(self)
        p.setClipRegion(region)
        _draw_pixels(p, pre.frame, region.boundingRect())
        p.end()
        self._spare, self._layer = self._layer, pre.layer
        self._layer_key, self._layer_layout = pre.key, pre.layout
        self._layout, self._layout_key = pre.layout, pre.key
        self._prepared = None
        self._pending = None
        self._painted = self.last_display = pre.display
        self.painted_now = pre.at
        self._painted_line = pre.line
        self.counts["swap"] += 1

    @property
    def painted(self) -> bool:
        """Whether a frame has been painted yet."""
        return self._painted is not None

    def _layer_fits(self) -> bool:
        """The still layer is there, for this size and pixel density."""
        return (self._layer is not None
                and self._layer.deviceIndependentSize().toSize() == self.size()
                and self._layer.devicePixelRatio() == self.devicePixelRatioF())

    def _draw_layer(self, lay: Layout, d: Display) -> QImage:
        dpr = self.devicePixelRatioF()
        image = QImage(self.size() * dpr, QImage.Format.Format_RGB32)
        image.setDevicePixelRatio(dpr)
        self._draw_into(image, lay, d, None)
        self.counts["layer"] += 1
        return image

    def _draw_into(self, image: QImage, lay: Layout, d: Display, region: QRegion | None) -> None:
        """The still part of ``lay`` into the layer ``image``: all of it, or (``region``)
        only there — the same pixels either way."""
        p = QPainter(image)
        if region is not None:
            p.setClipRegion(region)
            p.fillRect(region.boundingRect(), theme.BACKGROUND)
        else:
            p.fillRect(QRect(0, 0, lay.width, lay.height), theme.BACKGROUND)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        u = lay.u

        def touched(rect: QRectF) -> bool:  # what lies outside the region is clipped away anyway
            return region is None or region.intersects(rect.toAlignedRect())

        for plate in lay.plates:
            edge = 0.35 * u + 2
            if not touched(plate.rect.adjusted(-edge, -edge, edge, edge)):
                continue
            p.setPen(QPen(plate.border, 0.35 * u) if plate.border else Qt.PenStyle.NoPen)
            p.setBrush(plate.color)
            p.drawRoundedRect(plate.rect, plate.radius, plate.radius)
        for shape in lay.shapes:
            if touched(_grow(shape.rect, u)):
                self._still(p, shape, d, u)
        for item in lay.texts:
            if not item.over_shape and (region is None
                                        or region.intersects(item.rect.toAlignedRect())):
                _draw_text(p, item, item.color, image.devicePixelRatio())
        p.end()

    # --- shapes -----------------------------------------------------------------
    def _still(self, p: QPainter, shape: Shape, d: Display, u: float) -> None:
        r = shape.rect
        if shape.kind == "strip":
            blocks, current, progress = shape.data
            for i, (start, end) in enumerate(blocks):
                x0 = r.x() + r.width() * start
                x1 = r.x() + r.width() * end
                color = QColor(theme.MUTED) if i + 1 < current else QColor(theme.DIM)
                if i + 1 == current:
                    color = QColor(theme.TEXT)
                    color.setAlphaF(0.35)
                p.fillRect(QRectF(x0, r.y() + 0.5 * u, max(1.0, x1 - x0 - 0.5 * u), 1.6 * u), color)
            now_x = r.x() + r.width() * progress
            p.fillRect(QRectF(now_x - 0.3 * u, r.y() - 0.3 * u, 0.6 * u, r.height() + 0.6 * u),
                       theme.TEXT)
        elif shape.kind == "ring":
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.setPen(QPen(theme.DIM, shape.data[0], Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap))
            p.drawEllipse(r)
        elif shape.kind == "lungs":
            p.setPen(QPen(theme.DIM, 0.5 * u))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawEllipse(r)
        elif shape.kind == "bar":
            p.fillRect(r, theme.DIM)
        elif shape.kind == "icon":
            _phase_icon(p, shape.data[0], shape.data[1], r, shape.color)
        elif shape.kind == "qr":
            paint_qr(p, r, shape.data[0])
        elif shape.kind == "pause_bars":
            bw = r.width() * 0.36
            p.fillRect(QRectF(r.x(), r.y(), bw, r.height()), shape.color)
            p.fillRect(QRectF(r.right() - bw, r.y(), bw, r.height()), shape.color)

    def _moving(self, p: QPainter, shape: Shape, d: Display, u: float) -> None:
        r = shape.rect
        if shape.kind == "ring":
            left = 1.0 - d.progress
            if left > 0:
                p.fillPath(_arc_path(r, shape.data[0], left), shape.color)
        elif shape.kind == "lungs":
            least = shape.data[0]
            fill = QColor(shape.color)
            fill.setAlphaF(0.88)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(fill)
            radius = r.width() / 2 * (least + (1 - least) * d.breath_level)
            p.drawEllipse(r.center(), radius, radius)
        elif shape.kind == "bar":
            p.fillRect(QRectF(r.x(), r.y(), r.width() * (1.0 - d.progress), r.height()), shape.color)
        elif shape.kind == "media":
            frame = media_frame(d.media)
            if frame is not None and not frame.isNull():
                size = frame.size().scaled(r.size().toSize(), Qt.AspectRatioMode.KeepAspectRatio)
                p.drawPixmap(QRect(int(r.x()), int(r.y()), size.width(), size.height()), frame)


def _arc_path(r: QRectF, stroke: float, left: float) -> QPainterPath:
    """The ring's coloured part: from 12 o'clock anticlockwise over ``left`` of the turn,
    with its corners on whole degrees, so the part that stays from one frame to the
    next is drawn with the very same edges (the corners are worked out once a ring)."""
    span = 360.0 * left
    outer_pts, inner_pts = _ring_corners(r.x(), r.y(), r.width(), r.height(), stroke)
    whole = int(span)
    c, outer, inner = r.center(), r.width() / 2 + stroke / 2, r.width() / 2 - stroke / 2
    rad = math.radians(90 + span)
    cos, sin = math.cos(rad), math.sin(rad)
    end_out = QPointF(c.x() + outer * cos, c.y() - outer * sin)
    end_in = QPointF(c.x() + inner * cos, c.y() - inner * sin)
    points = [*outer_pts[:whole], end_out, end_in, *reversed(inner_pts[:whole])]
    path = QPainterPath()
    path.addPolygon(QPolygonF(points))
    path.closeSubpath()
    return path


@lru_cache(maxsize=16)
def _ring_corners(x: float, y: float, w: float, h: float, stroke: float
                  ) -> tuple[tuple[QPointF, ...], tuple[QPointF, ...]]:
    """The ring's outer and inner corners on each whole degree from 12 o'clock."""
    r = QRectF(x, y, w, h)
    c, outer, inner = r.center(), r.width() / 2 + stroke / 2, r.width() / 2 - stroke / 2
    outs, ins = [], []
    for a in range(360):
        rad = math.radians(90 + float(a))
        outs.append(QPointF(c.x() + outer * math.cos(rad), c.y() - outer * math.sin(rad)))
        ins.append(QPointF(c.x() + inner * math.cos(rad), c.y() - inner * math.sin(rad)))
    return tuple(outs), tuple(ins)


def _draw_pixels(p: QPainter, image: QImage, bounds: QRect) -> float:
    """``image``'s pixels under ``bounds`` (widget coordinates), one to one with the
    screen's at the image's own density; that density."""
    dpr = image.devicePixelRatio()
    if dpr == 1.0:
        p.drawImage(bounds, image, bounds)
    else:
        p.drawImage(QRectF(bounds), image, QRectF(bounds.x() * dpr, bounds.y() * dpr,
                                                  bounds.width() * dpr, bounds.height() * dpr))
    return dpr


def _copy_into(image: QImage | None, source: QImage) -> QImage:
    """``source``'s pixels in ``image`` (reused when it has the same size and density)."""
    if (image is None or image.size() != source.size()
            or image.devicePixelRatio() != source.devicePixelRatio()):
        return source.copy()
    p = QPainter(image)
    p.setCompositionMode(QPainter.CompositionMode.CompositionMode_Source)
    p.drawImage(QPointF(0, 0), source)
    p.end()
    return image


def _pieces(lay: Layout) -> dict[tuple, QRectF]:
    """Each drawn thing of a layout by what it looks like, with the box it inks."""
    u, out = lay.u, {}
    pad = 2.0
    for t in lay.texts:
        r = t.rect
        out[("text", t.role, t.lines, t.px, t.bold, t.color.rgba(), r.x(), r.y(), r.width(),
             r.height(), t.align, t.over_shape)] = r.adjusted(-pad, -pad, pad, pad)
    for pl in lay.plates:
        r = pl.rect
        edge = 0.35 * u + pad
        out[("plate", r.x(), r.y(), r.width(), r.height(), pl.color.rgba(), pl.radius,
             pl.border.rgba() if pl.border else None)] = r.adjusted(-edge, -edge, edge, edge)
    for sh in lay.shapes:
        r = sh.rect
        out[("shape", sh.kind, r.x(), r.y(), r.width(), r.height(), sh.color.rgba(), sh.moves,
             repr(sh.data))] = _grow(r, u)
    return out


def _difference(before: Layout | None, after: Layout) -> QRegion:
    """Where two layouts draw differently: the boxes of what one has and the other not."""
    if before is None or (before.width, before.height) != (after.width, after.height):
        return QRegion(0, 0, after.width, after.height)
    old, new = _pieces(before), _pieces(after)
    region = QRegion()
    for key in old.keys() ^ new.keys():
        region += (old.get(key) or new[key]).toAlignedRect()
    return region


def _disc_behind_digits(d: Display) -> bool:
    return 0.25 + 0.75 * d.breath_level > 0.45


def _changed(shape: Shape, before: Display, now: Display, u: float) -> QRegion:
    """The pixels of a moving shape that differ between two frames."""
    r = shape.rect
    edge = 2.0  # antialiased edges spill a pixel or two
    if shape.kind == "ring":
        if before.progress == now.progress:
            return QRegion()
        stroke = shape.data[0]
        # the arc between the two ends: the box round a few points along it
        a0, a1 = sorted((1.0 - before.progress, 1.0 - now.progress))
        cx, cy, rad = r.center().x(), r.center().y(), r.width() / 2
        steps = max(2, int((a1 - a0) * 64) + 2)
        xs, ys = [], []
        for i in range(steps + 1):
            ang = math.radians(90 + 360 * (a0 + (a1 - a0) * i / steps))
            for rr in (rad - stroke / 2, rad + stroke / 2):
                xs.append(cx + rr * math.cos(ang))
                ys.append(cy - rr * math.sin(ang))
        # the flat cap's corners reach past the sampled points by up to half the stroke
        box = QRectF(min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys))
        return QRegion(box.adjusted(-stroke / 2 - edge, -stroke / 2 - edge,
                                    stroke / 2 + edge, stroke / 2 + edge).toAlignedRect())
    if shape.kind == "lungs":
        least = shape.data[0]
        r0, r1 = sorted(r.width() / 2 * (least + (1 - least) * lvl)
                        for lvl in (before.breath_level, now.breath_level))
        if r0 == r1:
            return QRegion()
        c = r.center()
        return _annulus(c.x(), c.y(), r0 - edge - 1, r1 + edge, max(24, round(1.5 * u)))
    if shape.kind == "bar":
        x0, x1 = sorted(r.x() + r.width() * (1.0 - p) for p in (before.progress, now.progress))
        if x0 == x1:
            return QRegion()
        return QRegion(QRectF(x0 - edge, r.y(), x1 - x0 + 2 * edge, r.height()).toAlignedRect())
    return QRegion(_grow(r, u).toAlignedRect())  # media: its frame may change any time


def _annulus(cx: float, cy: float, r_in: float, r_out: float, band: int) -> QRegion:
    """Every pixel between two circles (and a few more): a rectangle or two a band of
    rows ``band`` tall — a region of a hundred-odd rectangles, not one a row."""
    rects = []
    y, end = math.floor(cy - r_out), math.ceil(cy + r_out) + 1
    while y < end:
        y1 = min(end, y + band)
        far = max(abs(y - cy), abs(y1 - cy))  # the band's rows farthest from and nearest to the centre
        near = 0.0 if y <= cy <= y1 else min(abs(y - cy), abs(y1 - cy))
        xo = math.sqrt(max(0.0, r_out * r_out - near * near))
        left, width = math.floor(cx - xo), math.ceil(cx + xo) - math.floor(cx - xo) + 1
        if r_in > far:  # the inner circle spans the band: its two sides
            xi = math.sqrt(r_in * r_in - far * far)
            side = math.ceil(xo - xi) + 2
            rects.append(QRect(left, y, side, y1 - y))
            rects.append(QRect(left + width - side, y, side, y1 - y))
        else:
            rects.append(QRect(left, y, width, y1 - y))
        y = y1
    region = QRegion()
    for rect in rects:
        region += rect
    return region


def _grow(rect: QRectF, u: float) -> QRectF:
    """A moving shape's rect with room for its stroke (the ring's pen is centred on it)."""
    return rect.adjusted(-1.6 * u, -1.6 * u, 1.6 * u, 1.6 * u)


def _draw_text(p: QPainter, item: TextBox, color: QColor, dpr: float = 1.0) -> None:
    # Large glyphs are drawn as paths; a cached image of each line is blitted instead
    # (texts change at a reading pace, frames at 60 Hz).
    line_h = item.line_height
    for i, line in enumerate(item.lines):
        image = _TEXT_CACHE.get(line, item.px, item.bold, color, dpr)
        lw = metrics(item.px, item.bold).horizontalAdvance(line)
        if item.align == "center":
            x = item.rect.x() + (item.rect.width() - lw) / 2
        elif item.align == "right":
            x = item.rect.right() - lw
        else:
            x = item.rect.x()
        p.drawImage(QPointF(x, item.rect.y() + i * line_h), image)


def _phase_icon(p: QPainter, phase: str, mode: str, rect: QRectF, color: QColor) -> None:
    """The phase as a shape: an arrow up for the pull, down for the lowering, two bars
    for a pause or hold."""
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(color)
    cx, top, bottom = rect.center().x(), rect.top(), rect.bottom()
    half = rect.width() * 0.45
    if phase in ("pause_top", "pause_bottom") or mode == "hold":
        bw = rect.width() * 0.25
        p.drawRect(QRectF(cx - half, top + rect.height() * 0.15, bw, rect.height() * 0.7))
        p.drawRect(QRectF(cx + half - bw, top + rect.height() * 0.15, bw, rect.height() * 0.7))
        return
    if not phase:
        return
    up = phase == "concentric"
    tip, base = (top, bottom) if up else (bottom, top)
    mid = top + rect.height() * 0.5
    path = QPainterPath()
    path.moveTo(cx, tip)
    path.lineTo(cx + half, mid)
    path.lineTo(cx + half * 0.4, mid)
    path.lineTo(cx + half * 0.4, base)
    path.lineTo(cx - half * 0.4, base)
    path.lineTo(cx - half * 0.4, mid)
    path.lineTo(cx - half, mid)
    path.closeSubpath()
    p.drawPath(path)


__all__ = ["MENU_ITEMS", "TvScreen", "media_frame"]
