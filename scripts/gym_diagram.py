"""Draws docs/gym.png, the README's picture of one gym on several computers
(`QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/gym_diagram.py`)."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QImage, QPainter, QPen, QPolygonF

W, H = 1600, 900
INK, MUTED, LINE = QColor("#1d2330"), QColor("#5b6476"), QColor("#3a6fd8")
BOXES = {
    "db": (560, 330, 480, 250, "#fff4d6", "PostgreSQL (one server)",
           ["the gym's clock: clock_timestamp()", "class: program, day, leader,",
            "   start instant + events", "   (pause, resume, seek, extend, stop)",
            "station: settings, heartbeat"]),
    "tv1": (60, 60, 400, 190, "#e3f0ff", "TV front — leader",
            ["backbeat tv --station tv-front", "started the class: its keys", "record events; ends it"]),
    "tv2": (1140, 60, 400, 190, "#e3f0ff", "TV back — follower",
            ["backbeat tv --station tv-back", "same segment, phase, countdown,", "its own speaker; leads after 3 s",
             "of the leader's silence"]),
    "k1": (60, 650, 400, 190, "#e6f7ea", "Kiosk at rack 1",
           ["backbeat kiosk --station rack-1", "logs into the class it shows;", "TV offline after 5 s: logs on"]),
    "cli": (1140, 650, 400, 190, "#f1e9ff", "A script, the remote",
            ["backbeat class pause|next|…", "the same command path", "as the TV's keys"]),
}


def box(p: QPainter, key: str) -> QRectF:
    x, y, w, h, fill, title, lines = BOXES[key]
    r = QRectF(x, y, w, h)
    p.setPen(QPen(INK, 3))
    p.setBrush(QColor(fill))
    p.drawRoundedRect(r, 18, 18)
    p.setFont(QFont("DejaVu Sans", 22, QFont.Weight.Bold))
    p.drawText(QRectF(x + 20, y + 14, w - 40, 40), Qt.AlignmentFlag.AlignLeft, title)
    p.setFont(QFont("DejaVu Sans", 16))
    p.setPen(MUTED if key != "db" else INK)
    for i, line in enumerate(lines):
        p.drawText(QRectF(x + 20, y + 62 + i * 30, w - 40, 30), Qt.AlignmentFlag.AlignLeft, line)
    return r


def arrow(p: QPainter, a: QPointF, b: QPointF, label: str, *, both: bool = True) -> None:
    p.setPen(QPen(LINE, 4))
    p.drawLine(a, b)
    for tip, tail in ((b, a), (a, b)) if both else ((b, a),):
        d = tip - tail
        n = (d.x() ** 2 + d.y() ** 2) ** 0.5
        ux, uy = d.x() / n, d.y() / n
        p.setBrush(LINE)
        p.drawPolygon(QPolygonF([tip, QPointF(tip.x() - 22 * ux + 10 * uy, tip.y() - 22 * uy - 10 * ux),
                                 QPointF(tip.x() - 22 * ux - 10 * uy, tip.y() - 22 * uy + 10 * ux)]))
    mid = (a + b) / 2
    p.setPen(INK)
    p.setFont(QFont("DejaVu Sans", 15))
    p.drawText(QRectF(mid.x() - 190, mid.y() - 58, 380, 36), Qt.AlignmentFlag.AlignCenter, label)


def main(out: str = "docs/gym.png") -> int:
    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    image = QImage(W, H, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    r = {k: box(p, k) for k in BOXES}
    db = r["db"]
    arrow(p, r["tv1"].bottomRight() - QPointF(60, 0), db.topLeft() + QPointF(60, 0),
          "events · heartbeat / NOTIFY")
    arrow(p, r["tv2"].bottomLeft() + QPointF(60, 0), db.topRight() - QPointF(60, 0),
          "heartbeat / NOTIFY · poll")
    arrow(p, r["k1"].topRight() - QPointF(60, 0), db.bottomLeft() + QPointF(60, 0), "sets / the class")
    arrow(p, r["cli"].topLeft() + QPointF(60, 0), db.bottomRight() - QPointF(60, 0), "events")
    p.setPen(MUTED)
    p.setFont(QFont("DejaVu Sans", 16))
    p.drawText(QRectF(0, H - 48, W, 40), Qt.AlignmentFlag.AlignCenter,
               "every station: offset to the server's clock (fastest of 7 round trips, again each minute); "
               "position = gym time − start instant, folded with the events")
    p.end()
    if not image.save(out):
        print(f"cannot write {out}", file=sys.stderr)
        return 1
    print(f"wrote {Path(out)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
