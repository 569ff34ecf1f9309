"""Where every word of the TV goes, and at what size: a layout pass that the
painter draws and the layout check in the test suite reads.

Sizes are cap heights as fractions of the screen height (on a 55" TV 1 % is
about 6.8 mm). Each text has a role; a role has a size it is laid out at and a
minimum (:data:`ROLE_MIN`). A text that does not fit its box at its size wraps
to a second line, then shrinks — never below its role's minimum, and it is
never elided or cropped. Optional texts (a third cue) that find no room are
left out whole; nothing is drawn over anything else.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QFontMetricsF

from backbeat.ui import theme

#: The least cap height of each role, as a fraction of the screen height.
ROLE_MIN: dict[str, float] = {
    "phase": 0.12,  # the phase word (PULL, LOWER, INHALE), PAUSED, WELL DONE
    "countdown": 0.12,
    "exercise": 0.05,
    "setrep": 0.05,  # SET 2 / 3, REP 5 / 8
    "breath": 0.05,  # INHALE / EXHALE / BRACE beside the breathing disc
    "mode": 0.05,  # REST, GET READY, SWITCH SIDES, the start prompt
    "next": 0.05,  # the next-up exercise's name
    "side": 0.05,  # the LEFT / RIGHT badge
    "menu": 0.05,
    "cue": 0.035,
    "prescription": 0.035,  # reps · tempo · load, the coming set
    "board": 0.035,  # the rest board's rows
    "caution": 0.035,
}
#: Nothing on the TV is smaller than this.
FLOOR = 0.025

BOARD_PAGE_S = 6  # a rest board longer than the screen turns a page this often


def role_min(role: str) -> float:
    return ROLE_MIN.get(role, FLOOR)


@lru_cache(maxsize=1024)
def metrics(px: int, bold: bool) -> QFontMetricsF:
    return QFontMetricsF(theme.font(px, bold))


@lru_cache(maxsize=1024)
def px_for_cap(cap: float, height: int, bold: bool) -> int:
    """The smallest whole pixel size whose capital letters are ``cap`` of ``height`` tall."""
    target = cap * height
    px = max(6, math.floor(target / 0.73) - 1)
    while metrics(px, bold).capHeight() < target - 1e-6:
        px += 1
    return px


def _wrap(words: list[str], width: float, m: QFontMetricsF, lines: int) -> tuple[str, ...] | None:
    """The words on at most ``lines`` lines no wider than ``width`` (balanced for two)."""
    one = " ".join(words)
    if m.horizontalAdvance(one) <= width:
        return (one,)
    if lines < 2 or len(words) < 2:
        return None
    if lines == 2:
        best = None
        for i in range(1, len(words)):
            a, b = " ".join(words[:i]), " ".join(words[i:])
            widest = max(m.horizontalAdvance(a), m.horizontalAdvance(b))
            if widest <= width and (best is None or widest < best[0]):
                best = (widest, (a, b))
        return best[1] if best else None
    out, line = [], ""
    for word in words:
        trial = f"{line} {word}" if line else word
        if m.horizontalAdvance(trial) <= width:
            line = trial
            continue
        if not line:
            return None
        out.append(line)
        line = word
        if m.horizontalAdvance(line) > width:
            return None
    out.append(line)
    return tuple(out) if len(out) <= lines else None


@lru_cache(maxsize=4096)
def fit(text: str, width: float, height: float, px_max: int, px_min: int, bold: bool,
        max_lines: int) -> tuple[int, tuple[str, ...]] | None:
    """(pixel size, lines) for ``text`` in a ``width`` × ``height`` box: its size on one
    line, else on more lines, else smaller — not below ``px_min``. None if it cannot fit."""
    words = text.split()
    px = max(px_max, px_min)
    while True:
        m = metrics(px, bold)
        for n in range(1, max_lines + 1):
            if n * m.lineSpacing() > height + 0.01:
                break
            lines = _wrap(words, width, m, n)
            if lines is not None:
                return px, lines
        if px <= px_min:
            return None
        px = max(px_min, min(px - 1, int(px * 0.96)))


@dataclass(frozen=True)
class TextBox:
    role: str
    text: str
    lines: tuple[str, ...]
    px: int
    bold: bool
    color: QColor
    box: QRectF  # the room it was given
    rect: QRectF  # what its lines take up, inside ``box``
    align: str = "left"  # left, center, right
    over_shape: bool = False  # drawn every frame over a moving shape (not cached)

    @property
    def line_height(self) -> float:
        return metrics(self.px, self.bold).lineSpacing()


@dataclass(frozen=True)
class Plate:
    """A filled rounded box behind one text (a badge, the caution band, a menu item)."""

    rect: QRectF
    color: QColor
    owner: tuple[int, ...]  # the indexes of its texts in :attr:`Layout.texts`
    radius: float = 0.0
    border: QColor | None = None


@dataclass(frozen=True)
class Shape:
    """A drawn thing: static ones are cached with the texts; moving ones
    (``moves``) are drawn every frame inside ``rect`` only."""

    kind: str  # ring, lungs, icon, bar, strip, media, pause_bars, qr
    rect: QRectF
    color: QColor
    moves: bool = False
    data: tuple = ()


@dataclass
class Layout:
    width: int
    height: int
    texts: list[TextBox] = field(default_factory=list)
    plates: list[Plate] = field(default_factory=list)
    shapes: list[Shape] = field(default_factory=list)

    @property
    def u(self) -> float:
        return self.height / 100.0

    def text(self, role: str, text: str, box: QRectF, color: QColor, cap: float | None = None, *,
             bold: bool = True, align: str = "left", valign: str = "center", lines: int = 1,
             optional: bool = False, over_shape: bool = False) -> TextBox | None:
        """Lays ``text`` out in ``box`` at cap height ``cap`` (a fraction of the screen
        height; the role's minimum when None). None when empty, or optional and it
        does not fit; a text that must be shown and cannot fit is placed at its
        minimum anyway, where the layout check finds it."""
        if not text:
            return None
        least = role_min(role)
        cap = max(cap or least, least)
        px_max = px_for_cap(cap, self.height, bold)
        px_min = px_for_cap(least, self.height, bold)
        # sizes to an eighth of a pixel: the cache sees few distinct boxes
        got = fit(text, math.floor(box.width() * 8) / 8, math.floor(box.height() * 8) / 8 + 0.125,
                  px_max, px_min, bold, lines)
        if got is None:
            if optional:
                return None
            got = (px_min, (text,))
        px, text_lines = got
        m = metrics(px, bold)
        tw = max(m.horizontalAdvance(line) for line in text_lines)
        th = len(text_lines) * m.lineSpacing()
        x = {"left": box.x(), "right": box.right() - tw}.get(align, box.x() + (box.width() - tw) / 2)
        y = box.y() if valign == "top" else box.y() + (box.height() - th) / 2
        item = TextBox(role, text, text_lines, px, bold, color, QRectF(box),
                       QRectF(x, y, tw, th), align, over_shape)
        self.texts.append(item)
        return item

    def plate(self, rect: QRectF, color: QColor, owner: TextBox | list[TextBox] | None,
              radius: float = 0.0, border: QColor | None = None) -> None:
        owners = [owner] if isinstance(owner, TextBox) else [o for o in owner or [] if o]
        if owners:
            self.plates.append(Plate(rect, color, tuple(self.texts.index(o) for o in owners),
                                     radius, border))

    def shape(self, kind: str, rect: QRectF, color: QColor, *, moves: bool = False,
              data: tuple = ()) -> None:
        self.shapes.append(Shape(kind, rect, color, moves, data))


class Column:
    """Texts stacked top-down in a column; what finds no room is left out."""

    def __init__(self, layout: Layout, x: float, y: float, width: float, bottom: float):
        self.layout, self.x, self.y, self.width, self.bottom = layout, x, y, width, bottom

    def add(self, role: str, text: str, color: QColor, cap: float | None = None, *, lines: int = 2,
            bold: bool = True, gap: float = 0.0, optional: bool = True,
            align: str = "left") -> TextBox | None:
        u = self.layout.u
        room = self.bottom - self.y
        if not text or room <= 0:
            return None
        item = self.layout.text(role, text, QRectF(self.x, self.y, self.width, room), color, cap,
                                bold=bold, align=align, valign="top", lines=lines,
                                optional=optional)
        if item is not None:
            # the box is what it took: the next text starts below it
            self.layout.texts[-1] = item = TextBox(
                item.role, item.text, item.lines, item.px, item.bold, item.color,
                QRectF(self.x, self.y, self.width, item.rect.height()), item.rect, item.align)
            self.y += item.rect.height() + gap * u
        return item

    def skip(self, amount: float) -> None:
        self.y += amount * self.layout.u


def mmss(seconds: int) -> str:
    m, s = divmod(max(0, seconds), 60)
    return f"{m}:{s:02d}"


def board_pages(lines: list, fits: int) -> int:
    return max(1, -(-len(lines) // max(1, fits)))


def caution_lines(display_cautions: tuple[str, ...], board: list) -> list[str]:
    """Who must swap and to what ("⚠ Ana, Dev: Bird dog instead — disc history"), one
    line a swap, from the rest board when flagged athletes are checked in, else the
    exercise's own caution. Nothing when the exercise is not risky."""
    if not display_cautions:
        return []
    groups: dict[tuple[str, str], list[str]] = {}
    for line in board:
        if line.caution:
            groups.setdefault((line.substitute, line.why), []).append(line.athlete)
    if not groups:
        return ["⚠  " + display_cautions[0]]
    out = []
    for (swap, why), names in groups.items():
        what = f"{swap} instead" if swap else "see the coach"
        out.append(f"⚠  {', '.join(names)}: {what}" + (f" — {why}" if why else ""))
    return out


def overlaps(a: QRectF, b: QRectF) -> bool:
    """True when two boxes share area (touching edges do not count)."""
    return a.intersected(b).width() > 0.5 and a.intersected(b).height() > 0.5


def centre(rect: QRectF) -> QPointF:
    return rect.center()
