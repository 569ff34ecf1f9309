"""The trainer's start (issue 11, "Start fast"): the PIN gate is on screen before
the store is imported, the database opens on a worker thread, and a PIN typed
before the database (so the PIN's hash) is there is checked when it arrives."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from backbeat.store.auth import check_trainer_pin, has_trainer_pin, set_trainer_pin
from backbeat.store.settings import get_setting
from backbeat.ui.trainer.context import TrainerContext
from backbeat.ui.trainer.pin_gate import PinGate

#: `backbeat trainer` in a child process, its database opened only once the gate
#: has painted its first frame (so what the gate's frame needs is all that is
#: loaded then); the PIN (argv[1]) is typed and submitted at that frame, before
#: the database, the hash and the store are there.
CHILD = textwrap.dedent("""
    import sys, threading
    import backbeat.cli as cli
    import backbeat.ui.application as application
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication
    from backbeat.ui.trainer.pin_gate import PinGate

    painted = threading.Event()
    real_open = cli._open_db

    def open_after_the_gate(args, **kw):
        painted.wait(60)
        return real_open(args, **kw)

    cli._open_db = open_after_the_gate
    shown = PinGate.exec

    class FirstPaint(QObject):
        def eventFilter(self, watched, event):
            if event.type() == QEvent.Type.Paint and not painted.is_set():
                print("gate-modules:", " ".join(sorted(sys.modules)), flush=True)
                watched.pin.setText(sys.argv[1])
                watched.submit()
                print("early:", watched.submitted_early, flush=True)
                painted.set()
            return False

    def exec_(gate):
        gate._probe = FirstPaint(gate)
        gate.installEventFilter(gate._probe)
        return shown(gate)

    PinGate.exec = exec_

    def opened():
        print("trainer-open", flush=True)
        QApplication.quit()

    application.report_first_frame = opened
    sys.exit(cli.main(["trainer", "--windowed"]))
""")

#: Not needed to paint the gate: the store and what it is built on.
NOT_AT_THE_GATE = ("sqlalchemy", "pydantic", "backbeat.store.db", "backbeat.store.models",
                   "backbeat.store.auth", "backbeat.ui.trainer.window")


def test_the_gate_paints_before_the_store_loads_and_an_early_pin_opens_the_trainer(tmp_path):
    from backbeat.store.seed import open_database

    db = open_database(f"sqlite:///{tmp_path / 'gym.db'}")
    set_trainer_pin(db, "246813")
    db.close()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "BACKBEAT_EXIT_AFTER_FIRST_FRAME": "1",
           "BACKBEAT_DATA_DIR": str(tmp_path), "BACKBEAT_DB": f"sqlite:///{tmp_path / 'gym.db'}"}
    proc = subprocess.run([sys.executable, "-c", CHILD, "246813"], env=env, capture_output=True,
                          text=True, timeout=120)
    out = proc.stdout.splitlines()
    assert proc.returncode == 0 and "trainer-open" in out, f"exit {proc.returncode}\n{proc.stderr[-3000:]}"
    gate = set(next(line for line in out if line.startswith("gate-modules:")).split()[1:])
    assert "backbeat.ui.trainer.pin_gate" in gate
    assert not {m for m in gate if m.split(".")[0] in NOT_AT_THE_GATE or m in NOT_AT_THE_GATE}
    assert "early: True" in out  # the PIN was in before the hash


@pytest.fixture
def gate(qtbot):
    gate = PinGate()  # shown before the database is open
    qtbot.addWidget(gate)
    gate.show()
    return gate


def test_a_pin_typed_before_the_hash_is_checked_when_it_arrives(gate, db):
    set_trainer_pin(db, "246813")
    gate.pin.setText("246813")
    gate.submit()
    assert gate.result() != PinGate.DialogCode.Accepted and gate.submitted_early
    assert "Opening" in gate.message.text()
    gate.arrived(TrainerContext(db))
    assert gate.result() == PinGate.DialogCode.Accepted


def test_a_wrong_pin_typed_early_is_refused_and_counted(gate, db):
    set_trainer_pin(db, "246813")
    gate.pin.setText("135791")
    gate.submit()
    gate.arrived(TrainerContext(db))
    assert gate.result() != PinGate.DialogCode.Accepted
    assert "Wrong PIN" in gate.message.text() and gate.pin.text() == ""
    assert get_setting(db, "trainer.pin_failures")["count"] == 1
    gate.pin.setText("246813")
    gate.submit()
    assert gate.result() == PinGate.DialogCode.Accepted


def test_no_pin_set_yet_the_gate_asks_for_a_new_one_when_the_database_arrives(gate, db):
    gate.pin.setText("246813")
    gate.submit()
    gate.arrived(TrainerContext(db))
    assert gate.first_run and gate.result() != PinGate.DialogCode.Accepted
    assert not has_trainer_pin(db)  # one PIN typed once is not a new PIN
    gate.repeat.setText("246813")
    gate.submit()
    assert gate.result() == PinGate.DialogCode.Accepted and check_trainer_pin(db, "246813").ok


def test_a_database_that_does_not_open_is_raised_once_the_gate_is_down(qtbot):
    from backbeat.store.db import StoreError
    from backbeat.ui.trainer.app import run_trainer

    def away():
        raise StoreError("the gym's database server does not answer")

    with pytest.raises(StoreError, match="does not answer"):
        run_trainer(away, windowed=True)


def test_a_set_up_due_gives_way_to_the_set_up_and_the_gate_is_asked_again(qtbot, db, monkeypatch):
    from backbeat.ui.trainer import app

    set_trainer_pin(db, "246813")
    gates, set_up = [], []
    monkeypatch.setattr(app, "open_trainer", lambda context: gates.append(context.db) or None)
    assert app.run_trainer(lambda: db, windowed=True, setup=set_up.append,
                           setup_due=lambda _db: True) == 0
    assert set_up == [db] and gates == [db]  # the set-up first, then the gate on the same database


def test_the_pin_is_checked_on_its_own_thread_and_its_answer_comes_back(gate, db, qtbot):
    """As `backbeat trainer` checks it: scrypt off the GUI thread, the window built meanwhile."""
    set_trainer_pin(db, "246813")
    gate.check_elsewhere = True
    checking = []
    gate.checking.connect(lambda: checking.append(gate.result()))
    gate.arrived(TrainerContext(db))
    gate.pin.setText("135791")
    gate.submit()
    assert checking == [0] and "Checking" in gate.message.text()  # asked, not answered yet
    qtbot.waitUntil(lambda: "Wrong PIN" in gate.message.text())
    assert gate.result() != PinGate.DialogCode.Accepted
    assert get_setting(db, "trainer.pin_failures")["count"] == 1
    gate.pin.setText("246813")
    gate.submit()
    qtbot.waitUntil(lambda: gate.result() == PinGate.DialogCode.Accepted)
    assert get_setting(db, "trainer.pin_failures")["count"] == 0
