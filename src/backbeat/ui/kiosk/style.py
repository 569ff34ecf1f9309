"""The kiosk's look: touch-sized, high-contrast, scaled to the screen.

Sizes are given for a 1280×800 tablet and scaled by the window (never below
that), so a 1080p wall screen gets bigger targets, not more of them. The
smallest touch target is :data:`MIN_TARGET_PX` at scale 1: about 22 mm at
96 dpi (the rule is 15 mm).
"""

from __future__ import annotations

from backbeat.ui import theme

BASE_W, BASE_H = 1280, 800
#: Smallest button edge at scale 1 (15 mm at 96 dpi is 57 px).
MIN_TARGET_PX = 84

GOOD = "#3DDC97"  # saved: green, always with a ✓ and words
BAD = "#FF5D5D"  # refused: red, always with a ✕ and words
CAUTION = theme.WARNING.name()  # amber, always with ⚠ and words
ACCENT = "#4EA8FF"


def scale_for(width: int, height: int) -> float:
    return max(0.6, min(width / BASE_W, height / BASE_H))


def px(value: float, scale: float) -> int:
    return max(1, round(value * scale))


def stylesheet(scale: float) -> str:
    s = scale

    def p(v: float) -> int:
        return px(v, s)

    bg, panel, text, muted, dim = (theme.BACKGROUND.name(), theme.PANEL.name(), theme.TEXT.name(),
                                   theme.MUTED.name(), theme.DIM.name())
    target = p(MIN_TARGET_PX)
    return f"""
    QWidget {{ background: {bg}; color: {text}; font-family: "{theme.FAMILY}"; font-size: {p(26)}px; }}
    QLabel {{ background: transparent; }}
    QLabel[role="title"] {{ font-size: {p(44)}px; font-weight: bold; }}
    QLabel[role="heading"] {{ font-size: {p(34)}px; font-weight: bold; }}
    QLabel[role="muted"] {{ color: {muted}; font-size: {p(24)}px; }}
    QLabel[role="value"] {{ font-size: {p(64)}px; font-weight: bold; }}
    QLabel[role="unit"] {{ color: {muted}; font-size: {p(26)}px; font-weight: bold; }}
    QLabel[role="caption"] {{ color: {muted}; font-size: {p(22)}px; font-weight: bold;
                             letter-spacing: 1px; }}
    QLabel[role="history"] {{ font-size: {p(24)}px; }}
    QLabel[role="dots"] {{ font-size: {p(60)}px; font-weight: bold; letter-spacing: {p(12)}px; }}
    QFrame[role="banner-good"] {{ background: #123524; border: {p(3)}px solid {GOOD};
                                  border-radius: {p(14)}px; }}
    QFrame[role="banner-bad"] {{ background: #3A1518; border: {p(3)}px solid {BAD};
                                 border-radius: {p(14)}px; }}
    QFrame[role="banner-caution"] {{ background: #3A2A08; border: {p(3)}px solid {CAUTION};
                                     border-radius: {p(14)}px; }}
    QFrame[role="banner-info"] {{ background: {panel}; border: {p(3)}px solid {ACCENT};
                                  border-radius: {p(14)}px; }}
    QFrame[role="panel"] {{ background: {panel}; border-radius: {p(16)}px; }}
    QFrame[role="panel"] QLabel, QFrame[role^="banner"] QLabel {{ background: transparent; }}
    QPushButton {{ background: {dim}; color: {text}; border: none; border-radius: {p(14)}px;
                  min-height: {target}px; min-width: {target}px; padding: 0 {p(18)}px;
                  font-size: {p(30)}px; font-weight: bold; }}
    QPushButton:pressed {{ background: #46505F; }}
    QPushButton:disabled {{ color: #5C6675; background: #1B2029; }}
    QPushButton[role="tile"] {{ background: {panel}; border: {p(3)}px solid {dim};
                               font-size: {p(40)}px; border-radius: {p(18)}px; }}
    QPushButton[role="tile"]:pressed {{ border-color: {ACCENT}; }}
    QPushButton[role="primary"] {{ background: {GOOD}; color: #06140D; font-size: {p(44)}px;
                                  min-height: {p(100)}px; }}
    QPushButton[role="primary"]:pressed {{ background: #2FB57C; }}
    QPushButton[role="primary"]:disabled {{ background: #2A4A3C; color: #8FB5A3; }}
    QPushButton[role="undo"] {{ background: {CAUTION}; color: #1A1200; font-size: {p(36)}px; }}
    QPushButton[role="stepper"] {{ font-size: {p(44)}px; min-width: {p(96)}px;
                                  min-height: {p(96)}px; padding: 0; }}
    QPushButton[role="stepper-small"] {{ font-size: {p(30)}px; min-width: {p(96)}px;
                                        min-height: {p(96)}px; padding: 0; }}
    QPushButton[role="choice"] {{ font-size: {p(34)}px; padding: 0; background: {panel};
                                 min-width: {p(72)}px;
                                 border: {p(3)}px solid {dim}; }}
    QPushButton[role="choice"]:checked {{ background: {ACCENT}; color: #04121F;
                                         border-color: {text}; }}
    QPushButton[role="key"] {{ font-size: {p(48)}px; min-height: {p(100)}px; }}
    QPushButton[role="letter"] {{ font-size: {p(28)}px; min-width: {p(64)}px; padding: 0;
                                 min-height: {p(72)}px; }}
    QPushButton[role="letter"]:checked {{ background: {ACCENT}; color: #04121F; }}
    QPushButton[role="quiet"] {{ background: transparent; color: {muted};
                                border: {p(2)}px solid {dim}; font-size: {p(24)}px; }}
    """
