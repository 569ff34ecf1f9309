"""The trainer's start (issue 11, "Start fast"): the PIN gate is on screen before
the store is imported, the database opens on a worker thread, and a PIN typed
before the database (so the PIN's hash) is there is checked when it arrives."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
import time

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


# -- the PIN's hash read before the store: scrypt while the store loads ---------------------

def test_the_hint_is_the_stored_hash_read_without_the_store(db, db_url, tmp_path):
    from backbeat.store.pin_hint import trainer_pin_hash

    assert trainer_pin_hash(db_url) is None  # no PIN set yet
    set_trainer_pin(db, "246813")
    assert trainer_pin_hash(db_url) == get_setting(db, "trainer.pin")
    missing = tmp_path / "none.db"
    assert trainer_pin_hash(f"sqlite:///{missing}") is None and not missing.exists()  # made by nobody
    other = tmp_path / "other.db"
    other.write_bytes(b"not a database at all" * 100)
    assert trainer_pin_hash(f"sqlite:///{other}") is None
    assert trainer_pin_hash("postgresql://gym/backbeat") is None  # read once the store is open
    assert trainer_pin_hash("sqlite://") is None


def test_reading_the_hint_imports_no_store(db_url):
    child = ("import sys; from backbeat.store.pin_hint import trainer_pin_hash; "
             f"trainer_pin_hash({db_url!r}); print(' '.join(sorted(sys.modules)))")
    loaded = set(subprocess.run([sys.executable, "-c", child], capture_output=True, text=True,
                                timeout=60, check=True).stdout.split())
    assert "backbeat.store.pin_hint" in loaded
    assert not {m for m in loaded if m.split(".")[0] in NOT_AT_THE_GATE or m in NOT_AT_THE_GATE}


@pytest.fixture
def scrypts(monkeypatch):
    """Each scrypt run (domain.pin.verify_pin), as (pin, hash)."""
    from backbeat.domain import pin

    runs, real = [], pin.verify_pin
    monkeypatch.setattr(pin, "verify_pin", lambda p, stored: runs.append((p, stored)) or real(p, stored))
    return runs


def test_a_pin_typed_early_runs_through_scrypt_before_the_database_and_only_once(gate, db, scrypts):
    set_trainer_pin(db, "246813")
    stored = get_setting(db, "trainer.pin")
    gate.hint(stored)
    gate.pin.setText("246813")
    gate.submit()
    assert gate.submitted_early and scrypts == [("246813", stored)]  # begun before the store
    gate.arrived(TrainerContext(db))
    assert gate.result() == PinGate.DialogCode.Accepted
    assert scrypts == [("246813", stored)]  # the store's check took that answer


def test_the_hint_may_come_after_the_pin_and_a_wrong_pin_is_still_counted(gate, db, scrypts):
    set_trainer_pin(db, "246813")
    gate.pin.setText("135791")
    gate.submit()
    assert scrypts == []  # no hash yet
    gate.hint(get_setting(db, "trainer.pin"))
    assert len(scrypts) == 1
    gate.arrived(TrainerContext(db))
    assert gate.result() != PinGate.DialogCode.Accepted and "Wrong PIN" in gate.message.text()
    assert get_setting(db, "trainer.pin_failures")["count"] == 1 and len(scrypts) == 1


def test_an_early_answer_is_never_taken_for_another_hash_or_past_the_back_off(qtbot, db, scrypts):
    from backbeat.domain.pin import TRAINER_COST, hash_pin

    set_trainer_pin(db, "246813")
    stale = hash_pin("246813", TRAINER_COST)  # the right PIN, but not the stored hash
    gate = PinGate()
    qtbot.addWidget(gate)
    gate.hint(stale)
    gate.pin.setText("246813")
    gate.submit()
    gate.arrived(TrainerContext(db))
    assert gate.result() == PinGate.DialogCode.Accepted
    assert [s for _p, s in scrypts] == [stale, get_setting(db, "trainer.pin")]  # checked afresh

    for _ in range(4):  # locked out now
        assert not check_trainer_pin(db, "111111").ok
    locked = PinGate()
    qtbot.addWidget(locked)
    locked.hint(get_setting(db, "trainer.pin"))
    locked.pin.setText("246813")
    locked.submit()
    locked.arrived(TrainerContext(db))
    assert locked.result() != PinGate.DialogCode.Accepted  # right PIN, early answer yes: still waits
    assert "Too many wrong PINs" in locked.message.text()


def test_backbeat_trainer_reads_the_hint_before_the_database_opens(qtbot, db, monkeypatch):
    """run_trainer: ``pin_hint()`` on the worker thread before ``open_db()``, handed to the gate."""
    import backbeat.ui.application as application
    from backbeat.ui.trainer import app
    from backbeat.ui.trainer import pin_gate as gates

    set_trainer_pin(db, "246813")
    stored = get_setting(db, "trainer.pin")
    order, begun = [], []
    shown = PinGate.exec

    def typed(gate):
        from PySide6.QtCore import QTimer

        QTimer.singleShot(0, lambda: (gate.pin.setText("246813"), gate.submit()))
        return shown(gate)

    class Recorded(gates.VerifyAhead):
        def __init__(self, pin, hashed):
            begun.append((pin, hashed, list(order)))
            super().__init__(pin, hashed)

    def open_db():
        deadline = time.monotonic() + 30
        while not begun and time.monotonic() < deadline:  # the PIN in scrypt before the database
            threading.Event().wait(0.01)
        order.append("open")
        return db

    monkeypatch.setattr(PinGate, "exec", typed)
    monkeypatch.setattr(gates, "VerifyAhead", Recorded)
    monkeypatch.setattr(application, "first_frame_reported", lambda: True)
    monkeypatch.setattr(application, "report_first_frame",
                        lambda *a, **k: application.QApplication.exit(0))
    assert app.run_trainer(open_db, windowed=True,
                           pin_hint=lambda: order.append("hint") or stored) == 0
    assert begun == [("246813", stored, ["hint"])]
    assert get_setting(db, "trainer.pin_failures")["count"] == 0
    from backbeat.ui.trainer.window import TrainerWindow

    windows = [w for w in application.QApplication.topLevelWidgets() if isinstance(w, TrainerWindow)]
    assert windows  # past the gate
    for window in windows:
        window.confirm_discard = lambda _what: True
        window.close()
        window.deleteLater()
