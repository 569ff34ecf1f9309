"""Touch widgets for the kiosk: big buttons, steppers, choice rows, a PIN pad,
banners and a paged grid of name tiles. Nothing here needs a keyboard."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

_EXPAND = QSizePolicy.Policy.Expanding


def button(text: str, role: str = "", on_click: Callable[[], None] | None = None,
           name: str = "") -> QPushButton:
    b = QPushButton(text)
    b.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # touch only: no focus rings, no keyboard
    if role:
        b.setProperty("role", role)
    if name:
        b.setObjectName(name)
    if on_click is not None:
        b.clicked.connect(lambda _checked=False: on_click())
    return b


def label(text: str = "", role: str = "", *, wrap: bool = False,
          align: Qt.AlignmentFlag | None = None) -> QLabel:
    lab = QLabel(text)
    if role:
        lab.setProperty("role", role)
    lab.setWordWrap(wrap)
    lab.setTextFormat(Qt.TextFormat.PlainText)
    if align is not None:
        lab.setAlignment(align)
    return lab


class Banner(QFrame):
    """A message that is never colour alone: a symbol and words in a frame."""

    SYMBOLS = {"good": "✓", "bad": "✕", "caution": "⚠", "info": "ℹ"}

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.kind = ""
        self.text_label = label("", "heading", wrap=True)
        self.row = QHBoxLayout(self)
        self.row.setContentsMargins(18, 10, 18, 10)
        self.row.addWidget(self.text_label, 1)
        self.hide()

    def show_message(self, kind: str, text: str) -> None:
        self.kind = kind
        self.setProperty("role", f"banner-{kind}")
        self.style().unpolish(self)
        self.style().polish(self)
        self.text_label.setText(f"{self.SYMBOLS[kind]}  {text}")
        self.show()

    def clear(self) -> None:
        self.kind = ""
        self.text_label.setText("")
        self.hide()

    def text(self) -> str:
        return self.text_label.text()


class MessageSlot(QStackedWidget):
    """A message shown *in place of* a header (``normal``), never inserted into the
    page: the tiles below do not move when it comes or goes, just as a finger is
    on its way to them. The slot is as tall as the taller of the two."""

    def __init__(self, normal: QWidget):
        super().__init__()
        self.normal = normal
        self.banner = Banner()
        self.addWidget(normal)
        self.addWidget(self.banner)
        self.banner.show()
        self.setCurrentWidget(normal)

    @property
    def kind(self) -> str:
        return self.banner.kind

    def show_message(self, kind: str, text: str) -> None:
        self.banner.show_message(kind, text)
        self.setCurrentWidget(self.banner)

    def clear(self) -> None:
        self.banner.clear()
        self.banner.show()  # hidden pages of a stack are the stack's business
        self.setCurrentWidget(self.normal)

    def text(self) -> str:
        return self.banner.text()


def _captioned_row(widget: QWidget, caption: str) -> tuple[QLabel, QHBoxLayout]:
    """A small caption (hidden when empty) over a row of buttons; returns both."""
    col = QVBoxLayout(widget)
    col.setContentsMargins(0, 0, 0, 0)
    col.setSpacing(4)
    caption_label = label(caption, "caption")
    col.addWidget(caption_label)
    caption_label.setVisible(bool(caption))
    row = QHBoxLayout()
    row.setSpacing(10)
    col.addLayout(row)
    return caption_label, row


class Stepper(QWidget):
    """− value + with optional big steps either side; the caller owns the value."""

    stepped = Signal(int, bool)  # steps (±1), big step

    def __init__(self, caption: str, *, small: str = "1", big: str | None = None):
        super().__init__()
        self.caption, row = _captioned_row(self, caption)
        self.buttons: dict[str, QPushButton] = {}

        def add(key: str, text: str, steps: int, is_big: bool) -> None:
            role = "stepper-small" if big else "stepper"
            b = button(text, role, lambda: self.stepped.emit(steps, is_big), name=key)
            self.buttons[key] = b
            row.addWidget(b)

        if big:
            add("down_big", f"−{big}", -1, True)
        add("down", "−" if not big else f"−{small}", -1, False)
        self.value_label = label("", "value", align=Qt.AlignmentFlag.AlignCenter)
        self.value_label.setMinimumWidth(120)
        self.value_label.setSizePolicy(_EXPAND, QSizePolicy.Policy.Preferred)
        self.unit_label = label("", "unit", align=Qt.AlignmentFlag.AlignCenter)
        value_box = QVBoxLayout()
        value_box.setSpacing(0)
        value_box.addWidget(self.value_label)
        value_box.addWidget(self.unit_label)
        row.addLayout(value_box, 1)
        add("up", "+" if not big else f"+{small}", 1, False)
        if big:
            add("up_big", f"+{big}", 1, True)

    def show_value(self, text: str, unit: str = "") -> None:
        self.value_label.setText(text)
        self.unit_label.setText(unit)
        self.unit_label.setVisible(bool(unit))


class ChoiceRow(QWidget):
    """One-of-n toggle buttons (tap the chosen one again to clear it when optional)."""

    changed = Signal(object)

    def __init__(self, caption: str, options: Sequence[tuple[object, str]], *,
                 optional: bool = True):
        super().__init__()
        self.caption, row = _captioned_row(self, caption)
        self.optional = optional
        self.group = QButtonGroup(self)
        self.group.setExclusive(False)
        self.buttons: dict[object, QPushButton] = {}
        for value, text in options:
            b = button(text, "choice")
            b.setCheckable(True)
            b.clicked.connect(lambda checked, v=value: self._clicked(v, checked))
            b.setSizePolicy(_EXPAND, QSizePolicy.Policy.Fixed)
            self.buttons[value] = b
            row.addWidget(b)
        self._value: object = None

    def _clicked(self, value: object, checked: bool) -> None:
        if not checked and not self.optional:
            self.buttons[value].setChecked(True)
            return
        self.set_value(value if checked else None)
        self.changed.emit(self._value)

    def set_value(self, value: object) -> None:
        self._value = value
        for v, b in self.buttons.items():
            b.setChecked(v == value)

    def value(self) -> object:
        return self._value


class PinPad(QWidget):
    """Digits by touch: the PIN shows as dots; OK sends it."""

    entered = Signal(str)
    cancelled = Signal()

    def __init__(self, max_digits: int = 8):
        super().__init__()
        self.max_digits = max_digits
        self.digits = ""
        col = QVBoxLayout(self)
        col.setSpacing(12)
        self.title = label("", "title", align=Qt.AlignmentFlag.AlignCenter)
        self.dots = label("", "dots", align=Qt.AlignmentFlag.AlignCenter)
        self.message = label("", "muted", wrap=True, align=Qt.AlignmentFlag.AlignCenter)
        col.addWidget(self.title)
        col.addWidget(self.dots)
        col.addWidget(self.message)
        grid = QGridLayout()
        grid.setSpacing(12)
        keys = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "⌫", "0", "OK"]
        self.keys: dict[str, QPushButton] = {}
        for i, key in enumerate(keys):
            b = button(key, "key", lambda k=key: self.press(k))
            b.setSizePolicy(_EXPAND, _EXPAND)
            self.keys[key] = b
            grid.addWidget(b, i // 3, i % 3)
        pad = QHBoxLayout()
        pad.addStretch(1)
        pad.addLayout(grid, 2)
        pad.addStretch(1)
        col.addLayout(pad, 1)
        self.cancel_button = button("◀  BACK", "quiet", self.cancelled.emit)
        col.addWidget(self.cancel_button, 0, Qt.AlignmentFlag.AlignLeft)
        self._refresh()

    def reset(self, title: str, message: str = "") -> None:
        self.digits = ""
        self.title.setText(title)
        self.message.setText(message)
        self._refresh()

    def press(self, key: str) -> None:
        if key == "⌫":
            self.digits = self.digits[:-1]
        elif key == "OK":
            if self.digits:
                pin, self.digits = self.digits, ""
                self._refresh()
                self.entered.emit(pin)
                return
        elif len(self.digits) < self.max_digits:
            self.digits += key
        self._refresh()

    def set_locked(self, locked: bool) -> None:
        for b in self.keys.values():
            b.setEnabled(not locked)

    def _refresh(self) -> None:
        self.dots.setText("●" * len(self.digits) + "○" * max(0, 4 - len(self.digits)))


class TileButton(QPushButton):
    """A name tile that always shows its whole name: on one line, else broken over
    two or three, else in a smaller size — never cropped (a safe exercise variant
    must be told from the risky one by its name)."""

    LEAST = 0.62  # the smallest size, as a fraction of the tile style's size

    def __init__(self, name: str):
        super().__init__(name)
        self.name = name
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setProperty("role", "tile")
        self._base_px = 0
        self._fitted: tuple | None = None

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.fit()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.fit()

    def fit(self) -> None:
        """Break and size the name for the tile's current size."""
        if not self._base_px:
            self.ensurePolished()
            self._base_px = self.font().pixelSize()
            if self._base_px <= 0:
                return
        key = (self.width(), self.height(), self._base_px)
        if key == self._fitted:
            return
        self._fitted = key
        pad = max(8, round(self._base_px * 0.9))  # the style's side padding and border
        width, height = self.width() - 2 * pad, self.height() - pad
        px = self._base_px
        least = max(8, round(self._base_px * self.LEAST))
        while True:
            font = QFont(self.font())
            font.setPixelSize(px)
            m = QFontMetrics(font)
            lines = _break(self.name, m, width, max(1, min(3, height // max(1, m.height()))))
            if lines is not None or px <= least:
                break
            px = max(least, int(px * 0.92))
        text = "\n".join(lines) if lines else self.name
        self.setStyleSheet("" if px == self._base_px else f"font-size: {px}px;")
        if text != self.text():
            self.setText(text)


def _break(name: str, m: QFontMetrics, width: int, lines: int) -> list[str] | None:
    """The name on at most ``lines`` lines no wider than ``width``, as even as can be."""
    words = name.split()
    if m.horizontalAdvance(name) <= width:
        return [name]
    best = None
    for n in range(2, lines + 1):
        for cut in _cuts(len(words), n):
            parts = [" ".join(words[a:b]) for a, b in zip((0, *cut), (*cut, len(words)), strict=True)]
            widest = max(m.horizontalAdvance(part) for part in parts)
            if widest <= width and (best is None or widest < best[0]):
                best = (widest, parts)
        if best:
            return best[1]
    return None


def _cuts(count: int, n: int):
    """Every way to cut ``count`` words into ``n`` non-empty runs (their cut points)."""
    from itertools import combinations

    return combinations(range(1, count), n - 1)


class TileGrid(QWidget):
    """Big name tiles in pages of ``columns × rows``, with a letter filter when long."""

    chosen = Signal(object)  # the tile's key

    def __init__(self, columns: int = 4, rows: int = 3):
        super().__init__()
        self.columns, self.rows = columns, rows
        self.items: list[tuple[object, str]] = []
        self.letter: str | None = None
        self.page = 0
        col = QVBoxLayout(self)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(12)
        self.letters_row = QHBoxLayout()
        self.letters_row.setSpacing(8)
        self.letters_box = QWidget()
        self.letters_box.setLayout(self.letters_row)
        self.letters_row.setContentsMargins(0, 0, 0, 0)
        col.addWidget(self.letters_box)
        self.grid = QGridLayout()
        self.grid.setSpacing(14)
        col.addLayout(self.grid, 1)
        self.empty = label("", "heading", wrap=True, align=Qt.AlignmentFlag.AlignCenter)
        col.addWidget(self.empty)
        nav = QHBoxLayout()
        self.prev_button = button("◀  MORE", "", lambda: self.turn(-1))
        self.next_button = button("MORE  ▶", "", lambda: self.turn(1))
        self.page_label = label("", "muted", align=Qt.AlignmentFlag.AlignCenter)
        nav.addWidget(self.prev_button)
        nav.addWidget(self.page_label, 1)
        nav.addWidget(self.next_button)
        col.addLayout(nav)
        self.tiles: list[TileButton] = []
        self._spacers: list[QWidget] = []
        self.letter_buttons: dict[str, QPushButton] = {}
        self._build_letters([])
        self._fill()  # empty until its items come: no letters, no MORE

    @property
    def per_page(self) -> int:
        return self.columns * self.rows

    def set_items(self, items: list[tuple[object, str]], empty_text: str = "") -> None:
        self.items = items
        self.empty.setText(empty_text)
        letters = sorted({name[:1].upper() for _, name in items if name})
        if self.letter not in letters:
            self.letter = None
        self._build_letters(letters if len(items) > self.per_page else [])
        self.page = 0
        self._fill()

    def visible_items(self) -> list[tuple[object, str]]:
        if self.letter is None:
            return self.items
        return [(k, n) for k, n in self.items if n[:1].upper() == self.letter]

    def choose_letter(self, letter: str | None) -> None:
        self.letter = letter
        for key, b in self.letter_buttons.items():
            b.setChecked(key == (letter or "ALL"))
        self.page = 0
        self._fill()

    def turn(self, pages: int) -> None:
        count = max(1, -(-len(self.visible_items()) // self.per_page))
        self.page = min(max(0, self.page + pages), count - 1)
        self._fill()

    def _build_letters(self, letters: list[str]) -> None:
        while self.letters_row.count():
            w = self.letters_row.takeAt(0).widget()
            if w is not None:
                w.hide()
                w.deleteLater()
        self.letter_buttons = {}
        self.letters_box.setVisible(bool(letters))
        for key in ["ALL", *letters]:
            b = button(key, "letter", lambda k=key: self.choose_letter(None if k == "ALL" else k))
            b.setCheckable(True)
            b.setChecked(key == (self.letter or "ALL"))
            self.letter_buttons[key] = b
            self.letters_row.addWidget(b)
            b.show()  # at once, not on the next event-loop turn
        self.letters_row.addStretch(1)

    def _fill(self) -> None:
        for t in [*self.tiles, *self._spacers]:
            self.grid.removeWidget(t)
            t.hide()  # gone at once, not on the next event-loop turn
            t.deleteLater()
        self.tiles, self._spacers = [], []
        items = self.visible_items()
        pages = max(1, -(-len(items) // self.per_page))
        shown = items[self.page * self.per_page:(self.page + 1) * self.per_page]
        for i, (key, name) in enumerate(shown):
            tile = TileButton(name)
            tile.clicked.connect(lambda _checked=False, k=key: self.chosen.emit(k))
            tile.setSizePolicy(_EXPAND, _EXPAND)
            tile.setMinimumWidth(1)  # the name breaks to fit; it never widens the grid
            self.tiles.append(tile)
            self.grid.addWidget(tile, i // self.columns, i % self.columns)
            tile.show()
        if shown:  # empty cells keep their place so a short roster keeps tile size
            for i in range(len(shown), self.per_page):
                spacer = QWidget()
                spacer.setSizePolicy(_EXPAND, _EXPAND)
                self._spacers.append(spacer)
                self.grid.addWidget(spacer, i // self.columns, i % self.columns)
        for c in range(self.columns):
            self.grid.setColumnStretch(c, 1)
        for r in range(self.rows):
            self.grid.setRowStretch(r, 1)
        self.empty.setVisible(not items and bool(self.empty.text()))
        many = pages > 1
        self.prev_button.setVisible(many)
        self.next_button.setVisible(many)
        self.prev_button.setEnabled(self.page > 0)
        self.next_button.setEnabled(self.page < pages - 1)
        self.page_label.setText(f"page {self.page + 1} of {pages}" if many else "")

    def tile(self, name: str) -> QPushButton:
        for t in self.tiles:
            if t.name == name:
                return t
        raise LookupError(f"no tile {name!r} on this page")
