"""`make run` on a laptop: the demo's TV and kiosk side by side, neither covering
the other, on offscreen screens of laptop sizes (each in its own process, as the
screen size is fixed when Qt starts)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

PLACE = r"""
import json, sys
from backbeat.ui.application import application, demo_geometry
from PySide6.QtGui import QGuiApplication
app = application()
from backbeat.engine.clock import FakeClock
from backbeat.engine.runner import ClassRunner
from backbeat.engine.timeline import ClassPlan
from backbeat.domain.program import parse_program
from backbeat.paths import resources_dir
from backbeat.store.seed import builtin_library, open_database
from backbeat.ui.kiosk.app import place_kiosk
from backbeat.ui.kiosk.window import KioskWindow
from backbeat.ui.tv.window import TvWindow
program = parse_program((resources_dir() / "programs" / "precision-back.json").read_text())
from backbeat.ui.application import place_framed
tv = TvWindow(ClassRunner(ClassPlan(program, 1, builtin_library()), FakeClock()))
place_framed(tv, demo_geometry("tv"))  # as run_tv(beside_kiosk=True)
kiosk = KioskWindow(open_database(sys.argv[1]), station="demo", locked=False)
place_kiosk(kiosk, windowed=True, beside_tv=True)  # as run_kiosk(beside_tv=True)
for _ in range(5):
    app.processEvents()
g = lambda w: [w.frameGeometry().x(), w.frameGeometry().y(), w.frameGeometry().width(),
               w.frameGeometry().height()]
area = QGuiApplication.primaryScreen().availableGeometry()
print(json.dumps({"tv": g(tv), "kiosk": g(kiosk), "screen": [area.x(), area.y(), area.width(), area.height()],
                  "tv_screen": [tv.screen_widget.width(), tv.screen_widget.height()],
                  "kiosk_inner": [kiosk.width(), kiosk.height()]}))
kiosk.leave()
"""


@pytest.mark.parametrize("size", [(1366, 768), (1280, 800), (1920, 1080)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_demo_fits_a_laptop_screen(tmp_path, size):
    config = tmp_path / "screen.json"
    config.write_text(json.dumps({"screens": [{"name": "laptop", "x": 0, "y": 0, "width": size[0],
                                               "height": size[1], "logicalDpi": 96, "dpr": 1}]}))
    env = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={config}"}
    out = subprocess.run([sys.executable, "-c", PLACE, f"sqlite:///{tmp_path / 'demo.db'}"], env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout.strip().splitlines()[-1])
    (tx, _, tw, _), (kx, _, kw, _) = got["tv"], got["kiosk"]
    sx, sy, sw, sh = got["screen"]
    assert [sw, sh] == list(size)
    for x, y, w, h in (got["tv"], got["kiosk"]):  # each whole on the screen
        assert sx <= x and sy <= y and x + w <= sx + sw and y + h <= sy + sh, got
    assert tx + tw <= kx or kx + kw <= tx, f"the TV and the kiosk overlap: {got}"
    sw_, sh_ = got["tv_screen"]
    assert abs(sw_ * 9 / 16 - sh_) <= 12 and sw_ >= 480  # the TV in 16:9, big enough to read
    assert kw >= 768  # the kiosk at 60 % of its tablet or more
