from __future__ import annotations

import gc
import os
import sys
import threading
import time

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

#: How long a test's threads get to finish after it (a closed sender, a
#: stopped pool) before they count as leaked.
LEAK_GRACE_S = 2.0


#: Qt objects already reported as left running (a leak fails one test, not every later one)
_REPORTED: set[int] = set()


def _running_qt_objects() -> list[str]:
    """QTimers and QThreads still running, of the Python objects alive."""
    from PySide6.QtCore import QCoreApplication, QEvent, QThread, QTimer
    from shiboken6 import isValid

    if QCoreApplication.instance() is not None:
        # widgets closed by the test are deleted now, with their timers
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    out = []
    for obj in gc.get_objects():
        if not isinstance(obj, QTimer | QThread) or id(obj) in _REPORTED or not isValid(obj):
            continue
        try:
            if isinstance(obj, QTimer) and obj.isActive():
                parent = obj.parent()
                owner = f" of {type(parent).__name__}" if parent is not None else ""
                out.append(f"a running QTimer{owner} ({obj.interval()} ms)")
            elif isinstance(obj, QThread) and obj.isRunning():
                out.append(f"a running QThread {obj.objectName() or type(obj).__name__!r}")
            else:
                continue
        except RuntimeError:  # deleted under us
            continue
        _REPORTED.add(id(obj))
    return out


#: Fixtures of tests that make Qt objects (only these pay for the look at them).
QT_FIXTURES = {"qtbot", "qapp"}


def _quit_left_pending() -> bool:
    """A ``QApplication.quit()``/``exit()`` made while no ``app.exec()`` ran stays
    pending: every later ``QEventLoop.exec`` — a dialog's ``exec``, qtbot's waits —
    returns at once, until the next ``app.exec()``. Found here (and cleared), so the
    test that made it fails, not the tests after it: a Quit still queued is taken
    first (the next test's first turn of events would take it), and the loop that
    clears it is ended with ``exit``, not ``quit`` — ``quit`` closes every window
    still open and, as the last one closes, posts the very Quit this clears."""
    from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop, QTimer

    app = QCoreApplication.instance()
    if app is None:
        return False
    QCoreApplication.processEvents()
    loop = QEventLoop()
    QTimer.singleShot(0, loop, loop.quit)
    if loop.exec() == 0:
        return False
    QTimer.singleShot(0, app, lambda: QCoreApplication.exit(0))
    app.exec()  # a run of the main loop clears it
    QCoreApplication.removePostedEvents(app, QEvent.Type.Quit)
    return True


@pytest.fixture(autouse=True)
def _no_leaks(request):
    """A test that leaves a Python thread, a QThread or a running QTimer behind fails:
    whatever it started, it stops (windows closed, senders and pools shut down)."""
    before = set(threading.enumerate())
    yield
    qt = QT_FIXTURES & set(request.fixturenames) and "PySide6.QtCore" in sys.modules
    if qt:  # widgets the test closed are deleted now (their pools and timers with them)
        from PySide6.QtCore import QCoreApplication, QEvent

        if QCoreApplication.instance() is not None:
            QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    deadline = time.monotonic() + LEAK_GRACE_S
    leaked = []
    for thread in threading.enumerate():
        if thread in before or thread is threading.current_thread():
            continue
        thread.join(max(0.0, deadline - time.monotonic()))
        if thread.is_alive():
            leaked.append(f"thread {thread.name!r}")
    if qt:
        leaked += _running_qt_objects()
    if "PySide6.QtCore" in sys.modules and _quit_left_pending():  # any test that ran Qt
        leaked.append("an event loop told to quit while none ran (QCoreApplication.exit): "
                      "later dialogs and waits would return at once")
    if leaked:
        pytest.fail("left running after the test: " + ", ".join(leaked), pytrace=False)


def pytest_terminal_summary(terminalreporter, config):
    """The order's seed, also under -q, so a failing order can be run again."""
    seed = getattr(config.option, "randomly_seed", None)
    if seed is not None and not isinstance(seed, str):
        terminalreporter.write_line(f"test order: --randomly-seed={seed}")


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path, monkeypatch):
    """Every test gets its own data dir and never touches the user's database."""
    monkeypatch.setenv("BACKBEAT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("BACKBEAT_DB", raising=False)


@pytest.fixture
def db_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'backbeat.db'}"


@pytest.fixture
def db(db_url):
    from backbeat.store.seed import open_database

    database = open_database(db_url)
    yield database
    database.close()


@pytest.fixture(scope="session")
def library():
    from backbeat.store.seed import builtin_library

    return builtin_library()


@pytest.fixture(scope="session")
def sample_program():
    from backbeat.domain.program import parse_program
    from backbeat.paths import resources_dir

    return parse_program((resources_dir() / "programs" / "precision-back.json").read_text())


@pytest.fixture(scope="session")
def pg_server():
    """One throw-away PostgreSQL server for the whole run (tests/pg.py)."""
    from tests.pg import postgres_server

    with postgres_server() as url:
        yield url


@pytest.fixture(scope="module")
def pg_url(pg_server, request):
    """A fresh database on that server for each test module."""
    from sqlalchemy import create_engine, text

    name = "t_" + request.module.__name__.rsplit(".", 1)[-1].lower()
    admin = create_engine(pg_server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    yield pg_server.replace("/postgres?", f"/{name}?", 1)


@pytest.fixture(scope="module")
def pg_db(pg_url):
    from backbeat.store.seed import open_database

    database = open_database(pg_url)
    yield database
    database.close()
