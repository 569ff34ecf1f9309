"""The layout check: every text on a screen fits its box whole, no two texts
overlap, and (on the TV) each text's capital letters are as tall as its role
needs to be read from across the gym.

The minimums are the product's, written out here on purpose (not read from the
code under test): cap height as a fraction of the screen height.
"""

from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtGui import QFontMetricsF
from PySide6.QtWidgets import QAbstractButton, QAbstractScrollArea, QLabel, QTabBar, QWidget

from backbeat.ui import theme

TV_MIN_CAP = {
    "phase": 0.12, "countdown": 0.12,
    "exercise": 0.05, "setrep": 0.05, "breath": 0.05, "mode": 0.05, "next": 0.05,
    "cue": 0.035, "prescription": 0.035, "board": 0.035, "caution": 0.035,
}
TV_FLOOR = 0.025
TOL = 0.75  # px: sub-pixel rounding of text advances


def tv_problems(layout, where: str) -> list[str]:
    """What is wrong with one TV layout (empty when nothing is)."""
    out = []
    w, h = layout.width, layout.height
    screen = (0, 0, w, h)
    for i, t in enumerate(layout.texts):
        name = f"{where}: {t.role} {t.text!r}"
        m = QFontMetricsF(theme.font(t.px, t.bold))
        if " ".join(t.lines).split() != t.text.split():
            out.append(f"{name}: shown as {t.lines!r}, not the whole text")
        widest = max(m.horizontalAdvance(line) for line in t.lines)
        tall = len(t.lines) * m.lineSpacing()
        r, b = t.rect, t.box
        if widest > r.width() + TOL or tall > r.height() + TOL:
            out.append(f"{name}: needs {widest:.0f}x{tall:.0f} px, has {r.width():.0f}x{r.height():.0f}")
        if (r.left() < b.left() - TOL or r.right() > b.right() + TOL or r.top() < b.top() - TOL
                or r.bottom() > b.bottom() + TOL):
            out.append(f"{name}: runs out of its box")
        if r.left() < screen[0] - TOL or r.right() > w + TOL or r.top() < -TOL or r.bottom() > h + TOL:
            out.append(f"{name}: off the screen")
        cap = m.capHeight() / h
        least = TV_MIN_CAP.get(t.role, TV_FLOOR)
        if cap < least - 1e-6:
            out.append(f"{name}: capitals {cap:.2%} of the height, its role needs {least:.1%}")
        for j in range(i + 1, len(layout.texts)):
            o = layout.texts[j]
            if _overlap(r, o.rect):
                out.append(f"{name} overlaps {o.role} {o.text!r}")
    for plate in layout.plates:
        for i, t in enumerate(layout.texts):
            if i not in plate.owner and _overlap(plate.rect, t.rect):
                owner = layout.texts[plate.owner[0]].text
                out.append(f"{where}: the plate of {owner!r} covers {t.text!r}")
            if i in plate.owner and not plate.rect.contains(t.rect):
                out.append(f"{where}: {t.text!r} runs out of its plate")
    for shape in layout.shapes:
        if shape.kind in ("ring", "strip"):
            continue  # the countdown sits inside its ring by design; the strip has no text
        for t in layout.texts:
            if not t.over_shape and _overlap(shape.rect, t.rect):
                out.append(f"{where}: the {shape.kind} covers {t.text!r}")
    return out


def _scrolls(widget: QWidget, window: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None and parent is not window:
        if isinstance(parent, QAbstractScrollArea):
            return True
        parent = parent.parentWidget()
    return False


def _overlap(a, b) -> bool:
    c = a.intersected(b)
    return c.width() > TOL and c.height() > TOL


def texts_of(layout, role: str) -> list[str]:
    return [t.text for t in layout.texts if t.role == role]


# --- Qt widget screens (kiosk, trainer) ------------------------------------------------------
#: The kiosk, read at arm's length and tapped with chalky fingers: cap height as a fraction
#: of the window's height, by the widget's object name (else the floor), and the smallest
#: button edge at the tablet's size (15 mm at 96 dpi), scaled with the window's height.
KIOSK_MIN_CAP = {"question": 0.035, "next_set": 0.035, "mistake": 0.03, "log": 0.035}
KIOSK_FLOOR = 0.019
KIOSK_TARGET_AT_800 = 57


def kiosk_rules(height: int) -> dict:
    """The kiosk's sizes for :func:`widget_problems` on a window ``height`` px tall."""
    return {"caps": KIOSK_MIN_CAP, "floor": KIOSK_FLOOR,
            "target_px": KIOSK_TARGET_AT_800 * max(1.0, height / 800)}


def widget_problems(window: QWidget, where: str, *, size=None, caps=None, floor: float = 0.0,
                    target_px: float = 0.0) -> list[str]:
    """Every visible label, button and tab of ``window``: its whole text fits,
    nothing cuts it off, and no two of them overlap. ``size``: the window must be
    that size (a screen's worth: laid out bigger it would be cut off by the screen).
    ``caps``/``floor``: each text's cap height, as a fraction of the window's height,
    by the widget's object name; ``target_px``: the smallest button edge."""
    out = []
    boxes: list[tuple[str, QRect, QWidget]] = []
    full = window.rect()
    if size is not None and window.size() != size:
        out.append(f"{where}: the window is {window.width()}x{window.height()}, "
                   f"its screen {size.width()}x{size.height()} (its contents do not fit)")
    for widget in window.findChildren(QWidget):
        if not widget.isVisibleTo(window) or widget.width() <= 1:
            continue
        if isinstance(widget, QLabel):
            text = widget.text()
            if not text or widget.pixmap() is not None and not widget.pixmap().isNull():
                continue
            name = f"{where}: label {text[:60]!r}"
            cr = widget.contentsRect()
            m = widget.fontMetrics()
            if widget.wordWrap():
                need = widget.heightForWidth(widget.width())
                if need > widget.height() + 1:
                    out.append(f"{name}: needs {need} px of height, has {widget.height()}")
                for word in text.split():
                    if m.horizontalAdvance(word) > cr.width() + 1:
                        out.append(f"{name}: the word {word!r} is wider than its box")
            else:
                if widget.sizeHint().width() > widget.width() + 1:  # rich text measured as shown
                    out.append(f"{name}: needs {widget.sizeHint().width()} px, has {widget.width()}")
                if m.height() > cr.height() + 1:
                    out.append(f"{name}: its letters need {m.height()} px of height, it has "
                               f"{cr.height()}")
        elif isinstance(widget, QAbstractButton):
            text = widget.text()
            if not text:
                continue
            name = f"{where}: button {text[:60]!r}"
            hint = widget.sizeHint()
            if hint.width() > widget.width() + 1 or widget.fontMetrics().height() > widget.height():
                out.append(f"{name}: needs {hint.width()} px, has {widget.width()}")
        elif isinstance(widget, QTabBar):
            for i in range(widget.count()):
                if widget.tabRect(i).width() < widget.fontMetrics().horizontalAdvance(widget.tabText(i)):
                    out.append(f"{where}: tab {widget.tabText(i)!r} is cropped")
            continue
        else:
            continue
        least = (caps or {}).get(widget.objectName(), floor)
        cap = widget.fontMetrics().capHeight() / window.height()
        if cap < least - 1e-6:
            out.append(f"{name}: capitals {cap:.2%} of the height, its role needs {least:.1%}")
        if isinstance(widget, QAbstractButton) and min(widget.width(), widget.height()) < target_px:
            out.append(f"{name}: a {widget.width()}x{widget.height()} px target, "
                       f"a finger needs {target_px:.0f} px")
        rect = QRect(widget.mapTo(window, widget.rect().topLeft()), widget.size())
        if _scrolls(widget, window):
            continue  # in a scroll area: scrolled to, not cut off
        if not full.contains(rect):
            out.append(f"{name}: runs off the window")
        seen = widget.visibleRegion().boundingRect()
        if seen.size() != widget.size():
            out.append(f"{name}: cut off (shows {seen.width()}x{seen.height()} of "
                       f"{widget.width()}x{widget.height()})")
        boxes.append((name, rect, widget))
    for i, (name, rect, widget) in enumerate(boxes):
        for other_name, other, other_widget in boxes[i + 1:]:
            if widget.isAncestorOf(other_widget) or other_widget.isAncestorOf(widget):
                continue
            if rect.intersects(other):
                out.append(f"{name} overlaps {other_name.split(': ', 1)[1]}")
    return out
