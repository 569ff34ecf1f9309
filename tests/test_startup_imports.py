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

    def report(*args, **kwargs):  # (a face that paints before its database goes on: not here)
        print("modules:", " ".join(sorted(sys.modules)), flush=True)
        QApplication.quit()

    application.report_first_frame = report
    if sys.argv[1] == "trainer":  # the PIN typed on the gate's first turn, as the benchmark types it
        from PySide6.QtCore import QTimer
        from backbeat.ui.trainer.pin_gate import PinGate

        shown = PinGate.exec

        def typed(gate):
            QTimer.singleShot(0, lambda: (gate.pin.setText("246813"), gate.submit()))
            return shown(gate)

        PinGate.exec = typed
    from backbeat.cli import main
    sys.exit(main(sys.argv[1:]))
""")

#: Heavy and not needed for any face's first frame.
NEVER = ("pyqtgraph", "reportlab", "aiohttp", "alembic", "segno", "sqlalchemy.dialects.postgresql",
         "backbeat.ui.first_run", "backbeat.remote.server")
#: The trainer's first frame is its first tab (Programs): the other tabs, and
#: the modules only they use, are built when first shown.
TRAINER_LATER = ("backbeat.ui.trainer.progress", "backbeat.ui.trainer.charts",
                 "backbeat.ui.trainer.athletes", "backbeat.ui.trainer.remote_tab",
                 "backbeat.ui.trainer.history_import", "backbeat.ui.trainer.sheet",
                 # the Programs tab lists athletes (store.athletes), it reads no logs nor
                 # equipment, and makes spoken names only when a program is saved
                 "backbeat.store.history", "backbeat.domain.analytics",
                 "backbeat.domain.history_import", "backbeat.store.equipment",
                 "backbeat.audio.speech", "backbeat.audio.samples")
#: Opening a database that has its library and checking the trainer PIN (the
#: trainer's path to its gate's answer): the seeding's and the roster's code come later.
OPEN_AND_CHECK_LATER = ("backbeat.domain.exercise", "backbeat.domain.program",
                        "backbeat.store.library", "backbeat.store.programs",
                        "backbeat.store.athletes")
#: The TV's first frame: no sound is rendered (numpy) until the stream opens after it,
#: and the rest board is read (on its thread) once the frame is up.
TV_LATER = ("numpy", "backbeat.audio.render", "backbeat.store.board")
#: The TV and the kiosk paint their first frame from what this computer kept, then open
#: the database on the event loop's next turn: SQLAlchemy, the store's models and the
#: domain's (pydantic) come after it.
BEFORE_THE_DATABASE = ("sqlalchemy", "sqlalchemy.orm", "pydantic", "backbeat.store.db",
                       "backbeat.store.models", "backbeat.domain.program", "backbeat.engine.timeline")


def first_frame_modules(tmp_path, *args: str) -> set[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "BACKBEAT_EXIT_AFTER_FIRST_FRAME": "1",
           "BACKBEAT_DATA_DIR": str(tmp_path), "BACKBEAT_DB": f"sqlite:///{tmp_path / 'gym.db'}"}
    proc = subprocess.run([sys.executable, "-c", CHILD, *args], env=env, capture_output=True,
                          text=True, timeout=120)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("modules:")]
    assert proc.returncode == 0 and lines, f"exit {proc.returncode}\n{proc.stderr[-3000:]}"
    return set(lines[0].split()[1:])


@pytest.fixture
def gym(tmp_path):
    from backbeat.store.auth import set_trainer_pin
    from backbeat.store.seed import open_database

    db = open_database(f"sqlite:///{tmp_path / 'gym.db'}")  # made and migrated beforehand
    set_trainer_pin(db, "246813")
    db.close()
    return tmp_path


def test_the_tv_paints_its_first_frame_without_the_heavy_modules(gym):
    loaded = first_frame_modules(gym, "tv", "--windowed")
    assert "backbeat.ui.tv.first_frame" in loaded  # it did paint the TV's first frame
    later = {*NEVER, *TV_LATER, *BEFORE_THE_DATABASE}
    assert not loaded & later, sorted(loaded & later)


def test_the_kiosk_paints_its_first_frame_without_the_heavy_modules(gym):
    loaded = first_frame_modules(gym, "kiosk", "--windowed")
    assert "backbeat.ui.kiosk.first_frame" in loaded  # it did paint the kiosk's roster page
    later = {*NEVER, *BEFORE_THE_DATABASE, "backbeat.ui.kiosk.window", "backbeat.store.kiosk"}
    assert not loaded & later, sorted(loaded & later)


def test_the_trainer_past_its_gate_builds_only_the_tab_on_screen(gym):
    loaded = first_frame_modules(gym, "trainer", "--windowed")
    assert "backbeat.ui.trainer.program_editor" in loaded  # the Programs tab is on screen
    later = {*NEVER, *TRAINER_LATER, "numpy"}  # (the preview's strip plots just after the frame)
    assert not loaded & later, sorted(loaded & later)


def test_opening_a_set_up_database_and_checking_the_pin_do_without_the_program_code(gym):
    child = textwrap.dedent(f"""
        import sys
        from backbeat.store.seed import open_database
        from backbeat.store.auth import check_trainer_pin
        db = open_database("sqlite:///{gym / 'gym.db'}")
        assert check_trainer_pin(db, "246813").ok
        print("modules:", " ".join(sorted(sys.modules)))
    """)
    proc = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    loaded = set(proc.stdout.split("modules:")[1].split())
    assert "backbeat.store.models" in loaded
    assert not loaded & set(OPEN_AND_CHECK_LATER), sorted(loaded & set(OPEN_AND_CHECK_LATER))
