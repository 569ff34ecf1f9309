"""Every TV state as a :class:`~backbeat.ui.tv.layout.Layout`: what the class
screen says, where, and at what size. The painter draws these; the layout
check reads them."""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor

from backbeat.domain.timetable import Action, Between
from backbeat.engine.display import Display
from backbeat.engine.runner import RunState
from backbeat.ui import theme
from backbeat.ui.qr import spaced_code
from backbeat.ui.tv.layout import (
    BOARD_PAGE_S,
    Column,
    Layout,
    caution_lines,
    fit,
    metrics,
    mmss,
    px_for_cap,
)

#: The coach's menu (Esc or F5), worked with the clicker's buttons.
MENU_ITEMS = ("BACK TO THE CLASS", "END THE CLASS", "LEAVE — RESUME LATER")
#: The answers to "should have started while the TV was off: start it now?".
ASK_ITEMS = ("START NOW", "SKIP IT")
#: The keys as the pause screen lists them: (keys, what they do).
KEY_LINES = (
    ("B  ·  .  ·  SPACE", "start, pause, resume"),
    ("PAGE DOWN  ·  →", "next step"),
    ("hold PAGE DOWN", "15 s more rest (also +)"),
    ("PAGE UP  ·  ←", "back a step"),
    ("ESC  ·  F5", "menu: end the class, leave"),
    ("M  ·  [  ]  ·  F", "mute, volume, full screen"),
)


@dataclass(frozen=True)
class Scene:
    """Everything the TV shows at one instant besides the moving shapes."""

    display: Display
    width: int
    height: int
    blocks: tuple[tuple[float, float], ...] = ()  # the class strip: (start, end) as fractions
    board: tuple = ()  # store.board.BoardLine for the coming exercise
    status: tuple[str, ...] = ()
    choosing: bool = False
    resume_offer: str = ""  # "Interrupted class: …" when one can be resumed
    menu: int | None = None  # the highlighted menu item while the menu is open
    program: str = ""
    day_name: str = ""
    facts: str = ""  # "36 min · 7 blocks · first: Box breathing"
    media: bool = False  # the coming exercise has a picture
    remote: tuple[str, str] | tuple = ()  # (page address with code, code) while the remote is served
    between: Between | None = None  # between classes: the timetable's next class
    ask_choice: int = 0  # the lit answer while the TV asks about a missed class
    extra: tuple = field(default=())

    def key(self) -> tuple:
        d = self.display
        page = (d.elapsed_s // BOARD_PAGE_S) if self.board else 0
        return (self.width, self.height, d.mode, d.state, d.exercise, d.block, d.block_number,
                d.blocks_total, d.set_text, d.rep_text, d.side_text, d.big_label, d.phase,
                d.seconds_left, d.breath_label, d.cues, d.next_title, d.next_set, d.next_detail,
                d.elapsed_s, d.left_s, d.prescription, d.cautions, d.pattern, self.media, page,
                self.board, self.status, self.choosing, self.resume_offer, self.menu, self.program,
                self.day_name, self.facts, self.blocks, self.remote, self.between, self.ask_choice)


def lay_out(scene: Scene) -> Layout:
    d = scene.display
    lay = Layout(scene.width, scene.height)
    u = lay.u
    bottom = _status(lay, scene)
    if scene.between is not None and scene.menu is None:
        _between_classes(lay, scene, bottom)
        return lay
    _top_bar(lay, scene)
    if scene.menu is not None:
        _menu(lay, scene, bottom)
    elif d.state is RunState.READY:
        _ready(lay, scene, bottom)
    elif d.state is RunState.PAUSED and d.mode != "done":
        _paused(lay, scene, bottom)
    elif d.mode == "done":
        _done(lay, scene)
    elif d.mode == "breath":
        _pacer(lay, scene, bottom)
    elif d.mode in ("work", "hold"):
        _active(lay, scene, bottom)
    elif scene.board:
        _between_board(lay, scene, bottom)
    else:
        _between(lay, scene, bottom)
    del u
    return lay


# --- the frame ------------------------------------------------------------------------
def _m(lay: Layout) -> float:
    return 3.5 * lay.u


def _top_bar(lay: Layout, scene: Scene) -> None:
    d, u, w, m = scene.display, lay.u, lay.width, _m(lay)
    inner = w - 2 * m
    left = QRectF(m, 1.5 * u, inner * 0.62, 5.2 * u)
    title = f"BLOCK {d.block_number}/{d.blocks_total} · {d.block.upper()}"
    if lay.text("topbar", title, left, theme.MUTED, 0.028, optional=True) is None:
        lay.text("topbar", f"BLOCK {d.block_number}/{d.blocks_total}", left, theme.MUTED, 0.028)
    lay.text("topbar", f"{mmss(d.elapsed_s)} done  ·  {mmss(d.left_s)} left",
             QRectF(m + inner * 0.64, 1.5 * u, inner * 0.36, 5.2 * u), theme.MUTED, 0.028,
             align="right")
    lay.shape("strip", QRectF(m, 7.6 * u, inner, 2.6 * u), theme.TEXT,
              data=(scene.blocks, d.block_number, d.class_progress))


def _status(lay: Layout, scene: Scene) -> float:
    """What is wrong with the station (sound off, saving failed) on the bottom line;
    returns where the content above it must end."""
    u, m = lay.u, _m(lay)
    if not scene.status:
        return 97 * u
    lay.text("status", "⚠  " + "   ·   ".join(scene.status),
             QRectF(m, 93.2 * u, lay.width - 2 * m, 6 * u), theme.WARNING, 0.03)
    return 92.5 * u


def _caution_band(lay: Layout, texts: list[str], x: float, width: float, bottom: float, *,
                  must: bool = True) -> float | None:
    """The cautions as a band of their own (amber frame, ⚠ and words; a line a swap)
    ending at ``bottom``; returns its top, where the content above must end. None
    when it cannot fit and ``must`` is false (nothing is placed then)."""
    if not texts:
        return bottom
    u = lay.u
    pad = 1.2 * u
    inner = width - 4 * pad
    px = px_for_cap(0.037, lay.height, True)
    px_min = px_for_cap(0.035, lay.height, True)
    line_h = metrics(px, True).lineSpacing()
    heights = []
    for text in texts:
        got = fit(text, inner, 4 * line_h, px, px_min, True, 4)
        if got is None and not must:
            return None
        heights.append(len(got[1]) * metrics(got[0], True).lineSpacing() if got else line_h)
    height = sum(heights) + 0.6 * u * (len(texts) - 1) + 2 * pad
    y = bottom - height + pad
    items = []
    for text, h in zip(texts, heights, strict=True):
        items.append(lay.text("caution", text, QRectF(x + 2 * pad, y, inner, h + 0.01), theme.WARNING,
                              0.037, lines=4))
        y += h + 0.6 * u
    band = QRectF(x, bottom - height, width, height)
    lay.plate(band, theme.CAUTION_BAND, items, radius=u, border=theme.WARNING)
    return band.top() - 1.2 * u


def _cues(col: Column, cues: tuple[str, ...]) -> None:
    for i, cue in enumerate(cues[:3]):
        col.add("cue", "›  " + cue, theme.TEXT if i == 0 else theme.MUTED, 0.038,
                bold=i == 0, gap=0.6)


# --- the class running -------------------------------------------------------------------
def _active(lay: Layout, scene: Scene, bottom: float) -> None:
    d, u, w, m = scene.display, lay.u, lay.width, _m(lay)
    lw = w * 0.62 - m
    rx = w * 0.645
    rw = w - m - rx
    color = _phase_color(d)
    bottom = _caution_band(lay, caution_lines(d.cautions, list(scene.board)), m, w - 2 * m, bottom)
    lay.text("exercise", d.exercise, QRectF(m, 11 * u, lw, 17 * u), theme.TEXT, 0.062, lines=2)
    lay.text("setrep", d.set_text, QRectF(m, 28.5 * u, lw * 0.44, 9 * u), theme.TEXT, 0.053)
    lay.text("setrep", d.rep_text, QRectF(m + lw * 0.47, 28.5 * u, lw * 0.53, 9 * u), theme.TEXT,
             0.053)
    lay.shape("icon", QRectF(m, 41 * u, 13 * u, 20 * u), color,
              data=(d.phase.value if d.phase else "", d.mode))
    top = _phase_word(lay, d.big_label, QRectF(m + 15 * u, 38 * u, lw - 15 * u, 25.5 * u), color)
    col = Column(lay, m, top + 1 * u, lw, bottom)
    col.add("prescription", d.prescription, theme.MUTED, 0.038, optional=False, gap=1.2)
    _cues(col, d.cues)
    # the right: LEFT/RIGHT badge, the phase's ring, the breath
    top = 11 * u
    if d.side_text:
        _side_badge(lay, d.side_text, QRectF(rx + rw * 0.1, top, rw * 0.8, 10 * u))
        top = 22.5 * u
    r = min(rw / 2 - 2 * u, 19 * u)
    cx, cy = rx + rw / 2, top + r + 1.5 * u
    _ring(lay, cx, cy, r, color)
    lay.text("countdown", str(d.seconds_left), QRectF(cx - r + 2.5 * u, cy - 14 * u,
                                                      2 * r - 5 * u, 28 * u),
             theme.TEXT, 0.17, align="center")
    if d.breath_label:
        by = cy + r + 3.5 * u
        bh = min(18 * u, bottom - by)
        if bh > 8 * u:
            color_b = theme.BREATH.get(d.breath_label, theme.TEXT)
            rad = bh * 0.45
            lay.shape("lungs", QRectF(rx, by + bh / 2 - rad, 2 * rad, 2 * rad), color_b, moves=True,
                      data=(0.3,))
            lay.text("breath", d.breath_label, QRectF(rx + 2 * rad + 2 * u, by, rw - 2 * rad - 2 * u,
                                                      bh), color_b, 0.062)


def _phase_word(lay: Layout, word: str, box: QRectF, color: QColor) -> float:
    """The phase word on one line, or two when it is two long words (PULL APART);
    returns where it ends."""
    item = lay.text("phase", word, box, color, 0.15, optional=True)
    if item is None:
        m = metrics(px_for_cap(0.12, lay.height, True), True)
        box = QRectF(box.x(), box.y(), box.width(), 2 * m.lineSpacing() + 0.5 * lay.u)
        item = lay.text("phase", word, box, color, 0.12, lines=2)
    return box.bottom()


def _pacer(lay: Layout, scene: Scene, bottom: float) -> None:
    """Breath drills: one big shape that fills on the inhale and empties on the exhale."""
    d, u, w, m = scene.display, lay.u, lay.width, _m(lay)
    lw = w * 0.55 - m
    color = theme.BREATH.get(d.big_label, theme.MODE["breath"])
    lay.text("exercise", d.exercise, QRectF(m, 11 * u, lw, 17 * u), theme.TEXT, 0.062, lines=2)
    lay.text("setrep", d.rep_text, QRectF(m, 28.5 * u, lw, 9 * u), theme.TEXT, 0.053)
    top = _phase_word(lay, d.big_label, QRectF(m, 38 * u, lw, 25.5 * u), color)
    col = Column(lay, m, top + 1 * u, lw, bottom)
    col.add("prescription", d.pattern, theme.MUTED, 0.038, gap=1.2)
    _cues(col, d.cues)
    cx, cy = w * 0.78, 13 * u + (bottom - 13 * u) / 2
    r = min((bottom - 13 * u) / 2, w - m - cx)
    lay.shape("lungs", QRectF(cx - r, cy - r, 2 * r, 2 * r), color, moves=True, data=(0.25,))
    # over the disc (the painter darkens it while the disc is behind it)
    lay.text("countdown", str(d.seconds_left), QRectF(cx - 15 * u, cy - 14 * u, 30 * u, 28 * u),
             theme.TEXT, 0.15, align="center", over_shape=True)


def _between(lay: Layout, scene: Scene, bottom: float) -> None:
    """Rest, get ready, switch sides: a giant countdown and what comes next."""
    d, u, w, m = scene.display, lay.u, lay.width, _m(lay)
    color = _phase_color(d)
    lw = w * 0.5 - m
    bottom = _caution_band(lay, caution_lines(d.cautions, []), m, w - 2 * m, bottom)
    lay.text("mode", d.big_label, QRectF(m, 11 * u, lw, 12 * u), color, 0.075)
    badge = d.side_text and d.mode == "switch_sides"
    low = bottom - (12 * u if badge else 0)
    r = min(25 * u, (low - 25 * u) / 2 - 1.5 * u, lw / 2)
    cx, cy = m + lw / 2, 25 * u + 1.5 * u + r
    _ring(lay, cx, cy, r, color)
    count = mmss(d.seconds_left) if d.seconds_left >= 60 else str(d.seconds_left)
    lay.text("countdown", count, QRectF(cx - r + 2.5 * u, cy - 16 * u, 2 * r - 5 * u, 32 * u),
             theme.TEXT, 0.21, align="center")
    if badge:
        _side_badge(lay, d.side_text, QRectF(m, low + 1 * u, min(lw, 44 * u), 10 * u))
    x = w * 0.535
    col = Column(lay, x, 12 * u, w - m - x, bottom)
    _next_up(col, d)
    _cues(col, d.cues)
    if scene.media and col.bottom - col.y > 12 * u:
        lay.shape("media", QRectF(x, col.y + u, w - m - x, col.bottom - col.y - u), theme.TEXT,
                  moves=True)


def _next_up(col: Column, d: Display) -> None:
    col.add("label", "NEXT", theme.MUTED, 0.032, gap=0.4, optional=False)
    col.add("next", d.next_title or "—", theme.TEXT, 0.062, optional=False, gap=0.6)
    col.add("prescription", d.next_set, theme.TEXT, 0.042, gap=0.4)
    col.add("prescription", d.next_detail, theme.MUTED, 0.04, gap=1.4)


def _between_board(lay: Layout, scene: Scene, bottom: float) -> None:
    """A rest with athletes checked in: the countdown and next-up at the left, each
    athlete's load for the coming set at the right, the swaps in their own band."""
    d, u, w, m = scene.display, lay.u, lay.width, _m(lay)
    color = _phase_color(d)
    lw = w * 0.47 - m
    bx = w * 0.5
    # the swaps in their own band under the board, which turns pages above it
    band_top = _caution_band(lay, caution_lines(d.cautions, list(scene.board)), bx, w - m - bx,
                             bottom)
    _board(lay, scene, QRectF(bx, 11 * u, w - m - bx, band_top - 11 * u))
    left_bottom = bottom
    lay.text("mode", d.big_label, QRectF(m, 11 * u, lw, 10.5 * u), color, 0.07)
    count = mmss(d.seconds_left) if d.seconds_left >= 60 else str(d.seconds_left)
    badge = d.side_text and d.mode == "switch_sides"
    cw = lw * (0.5 if badge else 1.0)
    lay.text("countdown", count, QRectF(m, 21.5 * u, cw, 27 * u), theme.TEXT, 0.17)
    if badge:
        _side_badge(lay, d.side_text, QRectF(m + lw * 0.52, 28.5 * u, lw * 0.48, 11 * u))
    lay.shape("bar", QRectF(m, 49.5 * u, lw, 1.6 * u), color, moves=True)
    col = Column(lay, m, 53 * u, lw, left_bottom)
    _next_up(col, d)
    _cues(col, d.cues)


def _board(lay: Layout, scene: Scene, area: QRectF) -> float:
    """The rest board in ``area``, a page at a time; returns where its last row ends."""
    u = lay.u
    lines = list(scene.board)
    # how many rows a page holds: rows whose names wrap take two lines
    line_h = metrics(px_for_cap(0.037, lay.height, False), False).lineSpacing()
    legend_h = 7 * u
    pitch = line_h + 0.9 * u
    # with a class running, each athlete's sets logged of this exercise (✓✓· is 2 of 3)
    marked = any(getattr(line, "marks", "") for line in lines)
    name_w, marks_w = (0.44, 0.2) if marked else (0.6, 0.0)
    pages = _paginate(lay, lines, area.width() * name_w, (area.height() - legend_h), pitch, line_h)
    page = (scene.display.elapsed_s // BOARD_PAGE_S) % len(pages)
    legend = "LOADS   ▲ step up   ▼ ease off   ⚠ swap"
    if len(pages) > 1:
        legend += f"   ·   {page + 1}/{len(pages)}"
    lay.text("legend", legend, QRectF(area.x(), area.y(), area.width(), 6 * u), theme.MUTED, 0.032)
    y = area.y() + legend_h
    for line in pages[page]:
        mark = " ▲" if line.note.startswith("Next") else " ▼" if line.note.startswith("Ease") else ""
        what = "⚠ SWAP" if line.caution else (line.load or "—") + mark
        rows = _name_rows(lay, line.athlete, area.width() * name_w)
        h = rows * line_h
        lay.text("board", line.athlete, QRectF(area.x(), y, area.width() * name_w, h), theme.TEXT,
                 0.037, bold=False, lines=2)
        if marked and line.marks:
            lay.text("board", line.marks, QRectF(area.x() + area.width() * (name_w + 0.01), y,
                                                 area.width() * marks_w, h), theme.TEXT, 0.037)
        left = name_w + marks_w + 0.02
        lay.text("board", what, QRectF(area.x() + area.width() * left, y,
                                       area.width() * (1 - left), h),
                 theme.WARNING if line.caution else theme.TEXT, 0.037, align="right")
        y += h + 0.9 * u
    return y


def _name_rows(lay: Layout, name: str, width: float) -> int:
    px = px_for_cap(0.037, lay.height, False)
    return 1 if metrics(px, False).horizontalAdvance(name) <= width else 2


def _paginate(lay: Layout, lines: list, width: float, height: float, pitch: float,
              line_h: float) -> list[list]:
    pages: list[list] = [[]]
    used = 0.0
    for line in lines:
        h = _name_rows(lay, line.athlete, width) * line_h + (pitch - line_h)
        if used + h > height and pages[-1]:
            pages.append([])
            used = 0.0
        pages[-1].append(line)
        used += h
    return pages


def _done(lay: Layout, scene: Scene) -> None:
    d, u, w = scene.display, lay.u, lay.width
    lay.text("phase", d.big_label, QRectF(0, 27 * u, w, 22 * u), theme.MODE["done"], 0.14,
             align="center")
    lay.text("exercise", d.exercise, QRectF(0, 51 * u, w, 10 * u), theme.TEXT, 0.06, align="center")
    lay.text("cue", "Log your sets at the kiosk", QRectF(0, 63 * u, w, 7 * u), theme.MUTED, 0.04,
             align="center")


# --- before the start, paused, the menu ------------------------------------------------------
def _ready(lay: Layout, scene: Scene, bottom: float) -> None:
    """Before the start: which class this is, big, and how to start or pick another."""
    u, w, m = lay.u, lay.width, _m(lay)
    full = w - 2 * m - _remote_pairing(lay, scene, bottom)[0]
    col = Column(lay, m, 13 * u, full, bottom)
    col.add("exercise", scene.program, theme.TEXT, 0.065, align="center", optional=False, gap=0.5)
    col.add("next", scene.day_name, theme.TEXT, 0.05, bold=False, align="center", gap=1)
    col.add("cue", scene.facts, theme.MUTED, 0.037, align="center", gap=2.5)
    col.add("mode", "B OR SPACE TO START", theme.MODE["done"], 0.095, align="center",
            optional=False, gap=2.5)
    if scene.choosing:
        col.add("cue", "◀ PAGE UP  ·  PAGE DOWN ▶   another class", theme.TEXT, 0.037,
                align="center", gap=1)
    col.add("keys", "ESC or F5: menu", theme.MUTED, 0.03, align="center", gap=2)
    if scene.resume_offer:
        col.add("caution", scene.resume_offer, theme.WARNING, 0.037, align="center",
                optional=False)


def _between_classes(lay: Layout, scene: Scene, bottom: float) -> None:
    """No class on this TV: the timetable's next one — the program across the top,
    day, coach and who is checked in at the left, its start time and the countdown
    big at the right — and what happens: it starts by itself, "ready — press
    Start", the question about a class missed while the TV was off, or why nothing
    starts."""
    b = scene.between
    u, w, m = lay.u, lay.width, _m(lay)
    head = "NEXT CLASS" if b.leads else f"NEXT CLASS · LED BY {b.room.upper()}"
    lay.text("label", head, QRectF(m, 2 * u, w * 0.7, 6 * u), theme.MUTED, 0.032)
    if b.clock:
        lay.text("topbar", b.clock, QRectF(w * 0.72, 2 * u, w * 0.28 - m, 6 * u), theme.MUTED,
                 0.032, align="right")
    # the answer lines at the bottom first, so the class's own words stop above them
    low = bottom
    asking = b.leads and b.action is Action.ASK and b.can_start
    if scene.resume_offer and not asking:  # one question at a time: R still takes it up
        item = lay.text("caution", scene.resume_offer, QRectF(m, low - 13 * u, w - 2 * m, 13 * u),
                        theme.WARNING, 0.037, align="center", lines=2)
        low = (item.rect.top() if item else low - 13 * u) - 1.5 * u
    if b.refusal:
        low = _caution_band(lay, ["⚠  " + b.refusal], m, w - 2 * m, low)
    elif asking:
        low = _ask(lay, scene, low)
    else:
        keys = "B or SPACE: start it now   ·   PAGE DOWN: another class   ·   ESC: menu"
        item = lay.text("keys", keys, QRectF(m, low - 6 * u, w - 2 * m, 6 * u), theme.MUTED, 0.03,
                        align="center")
        low = (item.rect.top() if item else low) - 1.5 * u
    top = Column(lay, m, 9 * u, w - 2 * m, low)
    top.add("exercise", b.program, theme.TEXT, 0.065, lines=3, optional=False, gap=1.5)
    # the right: when, big, and what happens then
    rx = w * 0.52
    right = Column(lay, rx, top.y, w - m - rx, low)
    right.add("countdown", b.when, theme.TEXT, 0.15, lines=1, align="right", optional=False, gap=1)
    if b.refusal:
        right.add("mode", "NOTHING STARTS", theme.WARNING, 0.06, align="right", optional=False)
    elif asking:
        pass  # the question below says it
    elif b.action is Action.READY and b.leads:
        right.add("mode", "READY — PRESS START", theme.MODE["done"], 0.06, align="right",
                  optional=False)
    elif b.action is Action.START and b.leads:
        right.add("mode", "STARTING", theme.MODE["done"], 0.07, align="right", optional=False)
    else:
        right.add("mode", b.countdown or "NOW", theme.TEXT, 0.06, lines=1, align="right",
                  optional=False, gap=1)
        how = "starts by itself" if b.occurrence.entry.self_start else "the coach presses Start"
        right.add("cue", how, theme.MUTED, 0.037, align="right")
    # the left: the day, the coach, who is checked in
    left = Column(lay, m, top.y, rx - m - 3 * u, low)
    if b.day_name:  # not today: the weekday first, so 07:00 is not read as this morning
        left.add("mode", b.day_name.upper(), theme.TEXT, 0.055, gap=0.5, optional=False)
    words = (f"Day {b.day}" if b.day else "", f"Coach {b.coach}" if b.coach else "")
    left.add("next", "  ·  ".join(t for t in words if t), theme.TEXT, 0.05, bold=False, gap=2.5)
    if b.checked_in:
        left.add("label", f"CHECKED IN ({len(b.checked_in)})", theme.MUTED, 0.032, gap=0.5)
        names = list(b.checked_in)
        for shown in range(len(names), 0, -1):  # as many names as fit, then how many more
            more = len(names) - shown
            text = ", ".join(names[:shown]) + (f" and {more} more" if more else "")
            if left.add("board", text, theme.TEXT, 0.037, bold=False, lines=5) is not None:
                break
    elif not b.day_name:
        left.add("cue", "Nobody checked in yet: tap in at the kiosk", theme.MUTED, 0.037)


def _ask(lay: Layout, scene: Scene, bottom: float) -> float:
    """The question about a class missed while every TV was off, with its two answers
    worked like the menu; returns where the content above must end."""
    b = scene.between
    u, w, m = lay.u, lay.width, _m(lay)
    keys = lay.text("keys", "PAGE DOWN / PAGE UP: choose   ·   B or SPACE: do it",
                    QRectF(m, bottom - 6 * u, w - 2 * m, 6 * u), theme.MUTED, 0.03, align="center")
    y = (keys.rect.top() if keys else bottom) - 1.5 * u - 11 * u
    bw = (w - 2 * m - 4 * u) / 2
    for i, item in enumerate(ASK_ITEMS):
        chosen = i == scene.ask_choice
        box = QRectF(m + i * (bw + 4 * u), y, bw, 11 * u)
        text = lay.text("menu", ("▶  " if chosen else "") + item, box.adjusted(3 * u, 0, -3 * u, 0),
                        theme.BACKGROUND if chosen else theme.TEXT, 0.058, align="center")
        lay.plate(box, theme.TEXT if chosen else theme.PANEL, text, radius=1.5 * u,
                  border=None if chosen else theme.DIM)
    question = lay.text("caution", b.words, QRectF(m, y - 14 * u, w - 2 * m, 12.5 * u),
                        theme.WARNING, 0.037, align="center", lines=2)
    return (question.rect.top() if question else y - 14 * u) - 1.5 * u


def _paused(lay: Layout, scene: Scene, bottom: float) -> None:
    d, u, w, m = scene.display, lay.u, lay.width, _m(lay)
    word = lay.text("phase", "PAUSED", QRectF(w * 0.3, 12 * u, w * 0.6, 21 * u), theme.TEXT, 0.14)
    if word is not None:  # two bars before the word: the pause shape reads without it
        lay.shape("pause_bars", QRectF(word.rect.x() - 15 * u, word.rect.y() + 3 * u, 11 * u,
                                       word.rect.height() - 6 * u), theme.TEXT)
    at = "  ·  ".join(t for t in (d.exercise, d.set_text.title(), d.big_label.lower()) if t)
    room, remote_top = _remote_pairing(lay, scene, bottom)  # the phone remote, bottom right
    col = Column(lay, m, 34 * u, w - 2 * m, bottom)
    col.add("cue", "at: " + at, theme.MUTED, 0.04, align="center", optional=False, gap=2.5)
    y = col.y
    line_h = metrics(px_for_cap(0.034, lay.height, True), True).lineSpacing()
    for keys, does in KEY_LINES:
        if y + line_h > min(bottom - (9 * u if scene.resume_offer else 0), remote_top):
            break  # (beside the remote's QR code there is no room for a line)
        lay.text("keys", keys, QRectF(m, y, w * 0.5 - m - 2 * u, line_h), theme.TEXT, 0.034,
                 align="right")
        lay.text("keys", does, QRectF(w * 0.5 + 2 * u, y, w * 0.5 - m - 2 * u, line_h),
                 theme.MUTED, 0.034, bold=False)
        y += line_h + 0.5 * u
    if scene.resume_offer:
        lay.text("caution", scene.resume_offer, QRectF(m, bottom - 8 * u, w - 2 * m - room, 8 * u),
                 theme.WARNING, 0.037, align="center", lines=2)


def _remote_pairing(lay: Layout, scene: Scene, bottom: float) -> tuple[float, float]:
    """Bottom right, before the start and while paused: the phone remote's QR
    code (big enough for a phone's camera from a couple of metres) with its
    code in digits beside it. Returns the width it takes from the right and
    the height from which it does (0, bottom when the remote is off)."""
    if not scene.remote:
        return 0.0, bottom
    url, code = scene.remote
    u, w, m = lay.u, lay.width, _m(lay)
    side, label_w = 22 * u, 25 * u
    qr = QRectF(w - m - side, bottom - side, side, side)
    lay.shape("qr", qr, theme.TEXT, data=(url,))
    x = qr.x() - 2 * u - label_w
    lay.text("cue", "PHONE REMOTE", QRectF(x, qr.y(), label_w, 12 * u), theme.MUTED, 0.035,
             align="right", valign="top", lines=2)
    lay.text("cue", spaced_code(code), QRectF(x, qr.y() + 13 * u, label_w, 7 * u), theme.TEXT, 0.04,
             align="right")
    return side + 2 * u + label_w + 2 * u, qr.y() - u


def _menu(lay: Layout, scene: Scene, bottom: float) -> None:
    u, w = lay.u, lay.width
    x, mw = w * 0.2, w * 0.6
    lay.text("mode", "MENU", QRectF(x, 12 * u, mw, 11 * u), theme.TEXT, 0.075, align="center")
    y = 26 * u
    for i, item in enumerate(MENU_ITEMS):
        chosen = i == scene.menu
        box = QRectF(x, y, mw, 13 * u)
        text = lay.text("menu", ("▶  " if chosen else "") + item, box.adjusted(3 * u, 0, -3 * u, 0),
                        theme.BACKGROUND if chosen else theme.TEXT, 0.058, align="center")
        lay.plate(box, theme.TEXT if chosen else theme.PANEL, text, radius=1.5 * u,
                  border=None if chosen else theme.DIM)
        y += 15 * u
    lay.text("keys", "PAGE DOWN / PAGE UP: choose   ·   B or SPACE: do it   ·   ESC: back",
             QRectF(w * 0.05, y + 2 * u, w * 0.9, min(12 * u, bottom - y - 2 * u)), theme.MUTED,
             0.034, align="center", lines=2)


# --- shapes ------------------------------------------------------------------------------------
def _phase_color(d: Display) -> QColor:
    if d.phase is not None:
        return theme.PHASE[d.phase.value]
    return theme.MODE.get(d.mode, theme.TEXT)


def _ring(lay: Layout, cx: float, cy: float, r: float, color: QColor) -> None:
    lay.shape("ring", QRectF(cx - r, cy - r, 2 * r, 2 * r), color, moves=True, data=(2.4 * lay.u,))


def _side_badge(lay: Layout, side: str, rect: QRectF) -> None:
    """The working side, inverted (light plate, dark word) so it reads first."""
    arrow = "◀  " if side == "LEFT" else ""
    tail = "  ▶" if side == "RIGHT" else ""
    u = lay.u
    item = lay.text("side", f"{arrow}{side}{tail}", rect.adjusted(1.5 * u, 0.5 * u, -1.5 * u, -0.5 * u),
                    theme.BACKGROUND, 0.06, align="center")
    lay.plate(rect, theme.TEXT, item, radius=u)
