"""QR codes painted with QPainter (segno makes the matrix): the remote's
address and pairing code on the TV's pause screen and the trainer's desktop."""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QPainter

#: Modules of white around the code, as the standard asks, so phones find it.
QUIET_ZONE = 2


@lru_cache(maxsize=8)
def qr_matrix(text: str) -> tuple[tuple[bool, ...], ...]:
    import segno  # here: the TV's first frame shows no code

    return tuple(tuple(bool(v) for v in row) for row in segno.make(text, error="m").matrix)


def paint_qr(p: QPainter, rect: QRectF, text: str) -> QRectF:
    """Paint ``text`` as a QR code in the largest square that fits ``rect``
    (whole pixels a module, so phone cameras see sharp edges); returns it."""
    matrix = qr_matrix(text)
    n = len(matrix) + 2 * QUIET_ZONE
    module = max(1, int(min(rect.width(), rect.height()) // n))
    side = module * n
    x0 = round(rect.x() + (rect.width() - side) / 2)
    y0 = round(rect.y() + (rect.height() - side) / 2)
    p.fillRect(QRectF(x0, y0, side, side), QColor("white"))
    black = QColor("black")
    for r, row in enumerate(matrix):
        y = y0 + (r + QUIET_ZONE) * module
        for c, dark in enumerate(row):
            if dark:
                p.fillRect(x0 + (c + QUIET_ZONE) * module, y, module, module, black)
    return QRectF(x0, y0, side, side)


def spaced_code(code: str) -> str:
    """``123456`` → ``123 456``: easier to read out and type."""
    return f"{code[:3]} {code[3:]}" if len(code) == 6 else code
