"""What a face imports before its first frame (issue 11, "Start fast"): the
heavy modules its first frame does without are imported later, on first use.

Each face is started as `backbeat` starts it, in a child process, on a set-up
database; at its first painted frame the child prints the modules it has
imported and quits. A module listed here that shows up again means an import
crept back into the start-up path (benchmarks/bench_startup.py times it)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

CHILD = textwrap.dedent("""
    import sys
    import backbeat.ui.application as application
    from PySide6.QtWidgets import QApplication

    def report():
        print("modules:", " ".join(sorted(sys.modules)), flush=True)
        QApplication.quit()

    application.report_first_frame = report
    from backbeat.cli import main
    sys.exit(main(sys.argv[1:]))
""")

#: Heavy and not needed for any face's first frame.
NEVER = ("pyqtgraph", "reportlab", "aiohttp", "alembic", "segno", "sqlalchemy.dialects.postgresql",
         "backbeat.ui.first_run", "backbeat.remote.server")
#: The TV's first frame: no sound is rendered (numpy) until the stream opens after it.
TV_LATER = ("numpy", "backbeat.audio.render")


def first_frame_modules(tmp_path, *args: str, stdin: str = "") -> set[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "BACKBEAT_EXIT_AFTER_FIRST_FRAME": "1",
           "BACKBEAT_DATA_DIR": str(tmp_path), "BACKBEAT_DB": f"sqlite:///{tmp_path / 'gym.db'}"}
    proc = subprocess.run([sys.executable, "-c", CHILD, *args], env=env, capture_output=True,
                          text=True, timeout=120, input=stdin)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("modules:")]
    assert proc.returncode == 0 and lines, f"exit {proc.returncode}\n{proc.stderr[-3000:]}"
    return set(lines[0].split()[1:])


@pytest.fixture
def gym(tmp_path):
    from backbeat.store.seed import open_database

    open_database(f"sqlite:///{tmp_path / 'gym.db'}").close()  # made and migrated beforehand
    return tmp_path


def test_the_tv_paints_its_first_frame_without_the_heavy_modules(gym):
    loaded = first_frame_modules(gym, "tv", "--windowed")
    assert "backbeat.ui.tv.screen" in loaded  # it did paint the TV
    assert not loaded & {*NEVER, *TV_LATER}, sorted(loaded & {*NEVER, *TV_LATER})


def test_the_kiosk_paints_its_first_frame_without_the_heavy_modules(gym):
    loaded = first_frame_modules(gym, "kiosk", "--windowed")
    assert "backbeat.ui.kiosk.window" in loaded
    assert not loaded & set(NEVER), sorted(loaded & set(NEVER))
