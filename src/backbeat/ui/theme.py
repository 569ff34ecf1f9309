"""Colours and type for screens read from across a room.

Every colour here comes with a word or a shape wherever it carries meaning:
colour is never the only signal.
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

FAMILY = "DejaVu Sans"


@lru_cache(maxsize=256)
def font(pixel_size: int, bold: bool = True) -> QFont:
    f = QFont(FAMILY)
    f.setPixelSize(max(6, pixel_size))
    f.setBold(bold)
    f.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
    return f
