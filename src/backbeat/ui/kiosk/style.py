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

GOOD = theme.GOOD
BAD = theme.BAD
CAUTION = theme.WARNING.name()  # amber, always with ⚠ and words
ACCENT = theme.ACCENT


def scale_for(width: int, height: int) -> float:
    return max(0.5, min(width / BASE_W, height / BASE_H))


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
    QFrame[role="banner-good"] {{ background: {theme.BANNER_GOOD_BG}; border: {p(3)}px solid {GOOD};
                                  border-radius: {p(14)}px; }}
    QFrame[role="banner-bad"] {{ background: {theme.BANNER_BAD_BG}; border: {p(3)}px solid {BAD};
                                 border-radius: {p(14)}px; }}
    QFrame[role="banner-caution"] {{ background: {theme.BANNER_CAUTION_BG}; border: {p(3)}px solid {CAUTION};
                                     border-radius: {p(14)}px; }}
    QFrame[role="banner-info"] {{ background: {panel}; border: {p(3)}px solid {ACCENT};
                                  border-radius: {p(14)}px; }}
    QFrame[role="panel"] {{ background: {panel}; border-radius: {p(16)}px; }}
    QFrame[role="panel"] QLabel, QFrame[role^="banner"] QLabel {{ background: transparent; }}
    QPushButton {{ background: {dim}; color: {text}; border: none; border-radius: {p(14)}px;
                  min-height: {target}px; min-width: {target}px; padding: 0 {p(18)}px;
                  font-size: {p(30)}px; font-weight: bold; }}
    QPushButton:pressed {{ background: {theme.PRESSED}; }}
    QPushButton:disabled {{ color: {theme.DISABLED_TEXT}; background: {theme.DISABLED_BG}; }}
    QPushButton[role="tile"] {{ background: {panel}; border: {p(3)}px solid {dim};
                               font-size: {p(40)}px; border-radius: {p(18)}px; }}
    QPushButton[role="tile"]:pressed {{ border-color: {ACCENT}; }}
    QPushButton[role="primary"] {{ background: {GOOD}; color: {theme.ON_GOOD}; font-size: {p(44)}px;
                                  min-height: {p(100)}px; }}
    QPushButton[role="primary"]:pressed {{ background: {theme.GOOD_PRESSED}; }}
    QPushButton[role="primary"]:disabled {{ background: {theme.GOOD_DISABLED_BG}; color: {theme.GOOD_DISABLED_TEXT}; }}
    QPushButton[role="undo"] {{ background: {CAUTION}; color: {theme.ON_CAUTION}; font-size: {p(36)}px; }}
    QPushButton[role="stepper"] {{ font-size: {p(44)}px; min-width: {p(96)}px;
                                  min-height: {p(96)}px; padding: 0; }}
    QPushButton[role="stepper-small"] {{ font-size: {p(30)}px; min-width: {p(96)}px;
                                        min-height: {p(96)}px; padding: 0; }}
    QPushButton[role="choice"] {{ font-size: {p(34)}px; padding: 0; background: {panel};
                                 min-width: {p(72)}px;
                                 border: {p(3)}px solid {dim}; }}
    QPushButton[role="choice"]:checked {{ background: {ACCENT}; color: {theme.ON_ACCENT};
                                         border-color: {text}; }}
    QPushButton[role="key"] {{ font-size: {p(48)}px; min-height: {p(100)}px; }}
    QPushButton[role="letter"] {{ font-size: {p(28)}px; min-width: {p(64)}px; padding: 0;
                                 min-height: {p(72)}px; }}
    QPushButton[role="letter"]:checked {{ background: {ACCENT}; color: {theme.ON_ACCENT}; }}
    QPushButton[role="quiet"] {{ background: transparent; color: {muted};
                                border: {p(2)}px solid {dim}; font-size: {p(24)}px; }}
    """


class ScaledStyle:
    """For a kiosk top-level widget: its stylesheet follows its size (:func:`scale_for`),
    set again only when the scale moves. Mixed in before ``QWidget``."""

    _scale = 0.0

    def apply_scale(self, width: int, height: int) -> None:
        scale = round(scale_for(width, height), 2)
        if scale != self._scale:
            self._scale = scale
            self.setStyleSheet(stylesheet(scale))

    def resizeEvent(self, event) -> None:
        self.apply_scale(event.size().width(), event.size().height())
        super().resizeEvent(event)
