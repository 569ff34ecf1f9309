"""What a gym's admin sees when something goes wrong: one line that says what
to do (never a traceback), the trace in the log file, a crash dump, and a
database that is migrated once however many stations open it, and refused in
words (untouched) when a newer Backbeat made it."""

import hashlib
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from backbeat.cli import main


def run_cli(*args, env=None, timeout=120):
    return subprocess.run([sys.executable, "-m", "backbeat", *args], capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, **(env or {})})


def test_version_names_the_release():
    from backbeat import __version__

    out = run_cli("--version")
    assert out.returncode == 0 and out.stdout.strip() == f"backbeat {__version__}"


def test_missing_postgresql_support_is_one_line_saying_what_to_install(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "psycopg", None)  # not installed
    code = main(["--db", "postgresql+psycopg://gym@server/backbeat", "plan", "Precision Back"])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert "pip install 'backbeat[postgres]'" in err


@pytest.mark.parametrize("where, says", [
    ("missing-folder/b.db", "does not exist"),
    (".", "is a folder"),
])
def test_a_bad_backup_path_is_one_line(db_url, tmp_path, capsys, where, says):
    main(["--db", db_url, "db", "check"])
    capsys.readouterr()
    target = tmp_path / where
    code = main(["--db", db_url, "db", "backup", str(target)])
    err = capsys.readouterr().err
    assert code == 2 and says in err and str(target) in err and len(err.strip().splitlines()) == 1


def _newer(db_url: str) -> Path:
    """A database a future Backbeat (schema 9999) left behind."""
    import sqlite3

    from backbeat.store.seed import open_database

    open_database(db_url).close()
    path = Path(db_url.split("///", 1)[1])
    conn = sqlite3.connect(path)
    conn.execute("UPDATE alembic_version SET version_num = '9999_future'")
    conn.commit()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return path


def test_a_database_from_a_newer_backbeat_is_refused_in_words_and_left_alone(db_url):
    path = _newer(db_url)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    out = run_cli("--db", db_url, "plan", "Precision Back")
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1
    assert "newer Backbeat" in out.stderr and "9999_future" in out.stderr
    assert "update Backbeat" in out.stderr and "not changed" in out.stderr
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    engine = create_engine(db_url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "9999_future"
    engine.dispose()


OPEN_AT_ONCE = textwrap.dedent("""
    import sys, time
    from backbeat.store.db import Database
    from backbeat.store.seed import open_database
    start = float(sys.argv[2])
    while time.time() < start:
        time.sleep(0.001)
    db = Database(sys.argv[1])
    print("migrated" if db.migrated else "found it done", flush=True)
""")


def _open_at_once(url: str, n: int) -> list[str]:
    import time

    start = str(time.time() + 3)  # every process imported and waiting, then all open at once
    procs = [subprocess.Popen([sys.executable, "-c", OPEN_AT_ONCE, url, start], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(n)]
    results = []
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err[-3000:]
        results.append(out.strip())
    return results


def test_stations_opening_a_new_sqlite_database_at_once_migrate_it_once(tmp_path):
    url = f"sqlite:///{tmp_path / 'gym.db'}"
    results = _open_at_once(url, 4)
    assert sorted(results) == ["found it done"] * 3 + ["migrated"]


def test_stations_opening_a_new_postgresql_database_at_once_migrate_it_once(pg_server):
    name = "t_migrate_once"
    admin = create_engine(pg_server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    results = _open_at_once(pg_server.replace("/postgres?", f"/{name}?", 1), 3)
    assert sorted(results) == ["found it done"] * 2 + ["migrated"]


def test_an_unexpected_error_is_one_line_on_screen_and_a_trace_in_the_log(tmp_path):
    code = textwrap.dedent("""
        from backbeat import diagnostics
        diagnostics.setup("test")
        shown = []
        diagnostics.on_screen(shown.append)
        def fail():
            raise RuntimeError("the projector caught fire")
        try:
            fail()
        except RuntimeError as exc:
            import sys
            sys.excepthook(type(exc), exc, exc.__traceback__)
        print("SHOWN", shown[0])
        import threading
        t = threading.Thread(target=fail, name="worker")
        t.start(); t.join()
        raise ValueError("never caught")
    """)
    data = tmp_path / "d"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                         env={**os.environ, "BACKBEAT_DATA_DIR": str(data)})
    assert out.returncode == 1
    assert "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 3  # one line per problem
    log = (data / "log" / "backbeat.log").read_text()
    assert "the projector caught fire" in out.stdout and str(data / "log" / "backbeat.log") in out.stdout
    assert log.count("Traceback") == 3 and "in fail" in log and "never caught" in log
    assert "thread worker" in log


def test_a_hard_crash_leaves_a_dump_in_the_log_folder(tmp_path):
    code = "from backbeat import diagnostics; diagnostics.setup('test'); import ctypes; ctypes.string_at(0)"
    data = tmp_path / "d"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                         env={**os.environ, "BACKBEAT_DATA_DIR": str(data)})
    assert out.returncode != 0
    dump = (data / "log" / "faults.log").read_text()
    assert "Segmentation fault" in dump and "<string>" in dump


def test_the_log_rotates(tmp_path, monkeypatch):
    from backbeat import diagnostics

    monkeypatch.setattr(diagnostics, "MAX_BYTES", 2000)
    monkeypatch.setattr(diagnostics, "_handler", None)
    path = diagnostics.setup("rotation")
    try:
        for i in range(200):
            diagnostics.log.info("line %d of the rotation test", i)
        files = sorted(p.name for p in path.parent.glob("backbeat.log*"))
        assert files == ["backbeat.log", "backbeat.log.1", "backbeat.log.2", "backbeat.log.3"]
        assert all(p.stat().st_size <= 2100 for p in path.parent.glob("backbeat.log*"))
    finally:
        diagnostics.log.removeHandler(diagnostics._handler)
        diagnostics._handler.close()
        diagnostics._handler = None
        sys.excepthook = sys.__excepthook__


def test_the_trainer_s_about_box_names_release_database_and_log(qtbot, db):
    from backbeat import __version__
    from backbeat.diagnostics import log_file
    from backbeat.ui.trainer.context import TrainerContext
    from backbeat.ui.trainer.window import TrainerWindow

    window = TrainerWindow(TrainerContext(db))
    qtbot.addWidget(window)
    [about] = [a for m in window.menuBar().actions() if m.menu() for a in m.menu().actions()
               if a.text() == "&About Backbeat"]
    assert about.isEnabled()
    text = window.about_text()
    assert f"Backbeat {__version__}" in text and db.describe() in text
    assert str(log_file()) in text and "MIT" in text


def test_an_error_in_a_qt_slot_reaches_the_screen_as_a_plain_message(tmp_path):
    code = textwrap.dedent("""
        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QApplication, QMessageBox
        from backbeat import diagnostics
        from backbeat.ui.application import application
        diagnostics.setup("test")
        app = application()
        def boom():
            raise RuntimeError("the kiosk lost its marbles")
        def look():
            boxes = [w for w in QApplication.topLevelWidgets()
                     if isinstance(w, QMessageBox) and w.isVisible()]
            print("BOX", boxes[0].text() if boxes else None, flush=True)
            app.quit()
        QTimer.singleShot(0, boom)
        QTimer.singleShot(200, look)
        app.exec()
    """)
    data = tmp_path / "d"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                         env={**os.environ, "BACKBEAT_DATA_DIR": str(data), "QT_QPA_PLATFORM": "offscreen"})
    assert out.returncode == 0, out.stderr
    assert "BOX Backbeat hit an unexpected problem (RuntimeError: the kiosk lost its marbles)" in out.stdout
    assert "Traceback" not in out.stderr
    assert "the kiosk lost its marbles" in (data / "log" / "backbeat.log").read_text()
