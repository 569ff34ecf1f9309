"""Renders docs/screenshots/gym-two-tvs-kiosk.png: one class on two TVs and a
kiosk, as each shows it at the same instant (a throw-away SQLite gym).

The TVs' roles come from their own station links (tv-front starts the class and
leads, tv-back joins and follows); the kiosk is the real kiosk window bound to
the class by its link (its line names program, day and the leading TV).
`QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/gym_screens.py OUT.png`
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter

from backbeat.engine.clock import FakeClock, MonotonicClock
from backbeat.engine.gymclock import GymClock
from backbeat.engine.runner import ClassRunner
from backbeat.store.demo import check_in_demo_athletes, ensure_demo
from backbeat.store.link import StationLink
from backbeat.store.outbox import Outbox
from backbeat.store.seed import open_database
from backbeat.ui.application import application
from backbeat.ui.kiosk.app import settle
from backbeat.ui.kiosk.window import KioskWindow
from backbeat.ui.tv.app import make_plan
from backbeat.ui.tv.screen import TvScreen

AT_S = 1000.0  # class time shown: a rest before a set of single-arm rows
TV, KIOSK = QSize(960, 540), QSize(960, 600)


def tv_image(db, link: StationLink, at_ns: int) -> QImage:
    """The TV of ``link`` at gym-clock instant ``at_ns`` (both TVs the same instant)."""
    view = link.view
    runner = ClassRunner(make_plan(db, view.program, view.day), FakeClock(at_ns))
    runner.adopt(view.timing)
    screen = TvScreen(runner)
    screen.status_lines = [f"following {view.leader}"] if view.role == "follower" else []
    screen.resize(TV)
    image = QImage(TV, QImage.Format.Format_RGB32)
    screen.render(image)
    return image


def main(out: str) -> None:
    app = application()
    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(f"sqlite:///{Path(tmp) / 'gym.db'}")
        ensure_demo(db)
        check_in_demo_athletes(db)
        clock = GymClock(MonotonicClock())
        front = StationLink(db, "tv-front", "tv", clock)
        front.start_class("Precision Back", 1, clock.now_ns() - round(AT_S * 1e9))
        front.step()
        back = StationLink(db, "tv-back", "tv", GymClock(MonotonicClock()))
        back.step()
        kiosk = StationLink(db, "rack-1", "kiosk", GymClock())
        window = KioskWindow(db, station="rack-1", outbox=Outbox(Path(tmp) / "outbox"), locked=False,
                             link=kiosk)
        try:
            for link in (front, back, kiosk):
                link.step()
            window.resize(KIOSK)
            window.apply_scale(KIOSK.width(), KIOSK.height())
            window.show()
            settle(app, window)
            at = clock.now_ns()
            shots = [("tv-front — leads the class", tv_image(db, front, at)),
                     ("tv-back — follows it", tv_image(db, back, at))]
            kiosk_shot = QImage(KIOSK, QImage.Format.Format_RGB32)
            window.render(kiosk_shot)
            shots.append(("rack-1 — the kiosk logs into it", kiosk_shot))
        finally:
            window.leave()
            for link in (kiosk, back, front):
                link.close()
            db.close()
    pad, caption = 24, 44
    width = pad * 3 + TV.width() * 2
    height = pad * 3 + caption * 2 + TV.height() + KIOSK.height()
    sheet = QImage(width, height, QImage.Format.Format_RGB32)
    sheet.fill(QColor("#f4f5f7"))
    p = QPainter(sheet)
    font = QFont()
    font.setPixelSize(24)
    font.setBold(True)
    p.setFont(font)
    spots = [(pad, pad), (pad * 2 + TV.width(), pad),
             ((width - KIOSK.width()) // 2, pad * 2 + caption + TV.height())]
    for (title, image), (x, y) in zip(shots, spots, strict=True):
        p.setPen(QColor("#1d2330"))
        p.drawText(QRect(x, y, image.width(), caption), Qt.AlignmentFlag.AlignVCenter, title)
        p.drawImage(x, y + caption, image)
    p.end()
    if not sheet.save(out):
        raise SystemExit(f"cannot write {out}")
    print(f"wrote {out} ({width}x{height}, at class time {AT_S:g} s, {time.strftime('%H:%M')})")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots/gym-two-tvs-kiosk.png")
