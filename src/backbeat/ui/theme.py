"""Backbeat's one palette and type: the screens read from across a room (TV,
kiosk) and the trainer's desk (light windows, charts, the printed sheet).

Every colour here comes with a word or a shape wherever it carries meaning:
colour is never the only signal. No other module writes a colour.
"""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtGui import QColor, QFont

BACKGROUND = QColor("#0B0E13")
PANEL = QColor("#151A22")
TEXT = QColor("#F4F6FA")
MUTED = QColor("#9AA4B2")
DIM = QColor("#2A313C")
WARNING = QColor("#FFB020")

PHASE = {
    "eccentric": QColor("#4EA8FF"),  # lowering / return: blue, arrow down
    "concentric": QColor("#FF8C3A"),  # pull / lift: orange, arrow up
    "pause_top": QColor("#C792EA"),  # squeeze: violet, two bars
    "pause_bottom": QColor("#C792EA"),
}
MODE = {
    "rest": QColor("#3DDC97"),
    "get_ready": QColor("#FFD23F"),
    "switch_sides": QColor("#FFD23F"),
    "transition": QColor("#FFD23F"),
    "hold": QColor("#FF5D8F"),
    "breath": QColor("#6FD3FF"),
    "done": QColor("#3DDC97"),
}
BREATH = {
    "INHALE": QColor("#6FD3FF"),
    "EXHALE": QColor("#FFB36B"),
    "BRACE": QColor("#C792EA"),
    "HOLD": QColor("#C792EA"),
    "BREATHE": QColor("#9AA4B2"),
}

# -- the kiosk (dark, on the gym floor) --------------------------------------------------------
GOOD = "#3DDC97"  # saved: green, always with a ✓ and words
BAD = "#FF5D5D"  # refused: red, always with a ✕ and words
ACCENT = "#4EA8FF"  # chosen, pressed
BANNER_GOOD_BG = "#123524"
BANNER_BAD_BG = "#3A1518"
BANNER_CAUTION_BG = "#3A2A08"
PRESSED = "#46505F"
DISABLED_TEXT = "#5C6675"
DISABLED_BG = "#1B2029"
ON_GOOD = "#06140D"  # text on a green button
GOOD_PRESSED = "#2FB57C"
GOOD_DISABLED_BG = "#2A4A3C"
GOOD_DISABLED_TEXT = "#8FB5A3"
ON_CAUTION = "#1A1200"  # text on an amber button
ON_ACCENT = "#04121F"  # text on a blue button
CAUTION_BAND = QColor("#2E2206")  # the TV's caution band, behind amber words
SETUP_TEXT = QColor("#FFD23F")  # first start: a screen's big number

# -- the trainer's desk (light windows, dark ink) ------------------------------------------
INK = "#1F2933"  # titles and text drawn on charts
PROBLEM = "#B00020"
CAUTION_TEXT = "#8A5300"
DONE = "#1B5E20"
PROBLEM_STYLE = f"color: {PROBLEM}; font-weight: bold;"
WARNING_STYLE = f"color: {CAUTION_TEXT}; font-weight: bold;"
DONE_STYLE = f"color: {DONE}; font-weight: bold;"
RULE = "#333A44"  # dashed block boundaries, diagram labels
MARK = "#212529"  # points and the zero line on charts
DIAGRAM_TEXT = "#101418"
FRAME = MUTED.name()  # the border of a picture
HOVER_LINE = "#52606D"
HOVER_BORDER = "#9AA5B1"
SERIES_ORANGE, SERIES_BLUE, SERIES_GREEN, SERIES_VIOLET, SERIES_GREY = (
    "#D9480F", "#1864AB", "#2B8A3E", "#7048E8", "#868E96")
BAR_FILL, BAR_EDGE = "#ADB5BD", "#495057"
PREVIEW_BETWEEN = QColor("#C9CED6")  # get ready / switch / change over in the class preview
SHEET_HEADER_BG = "#DDE3EA"
SHEET_BLOCK_BG = "#F1F3F6"

FAMILY = "DejaVu Sans"


@lru_cache(maxsize=256)
def font(pixel_size: int, bold: bool = True) -> QFont:
    f = QFont(FAMILY)
    f.setPixelSize(max(6, pixel_size))
    f.setBold(bold)
    f.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
    return f
