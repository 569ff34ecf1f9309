"""A TV process is killed mid-class (as by a power cut) and `backbeat tv
--resume` takes the class up where it was, within a second."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest


def _live(path, station="tv-front"):
    """What the TV station last showed (its heartbeat), and when (s, gym clock)."""
    conn = sqlite3.connect(path, timeout=10)
    try:
        row = conn.execute("SELECT state, position_s, class_id, last_seen_ns FROM station "
                           "WHERE name = ?", (station,)).fetchone()
    except sqlite3.OperationalError:
        return None
    finally:
        conn.close()
    if row is None or row[3] is None:
        return None
    return {"state": row[0], "position_ms": (row[1] or 0) * 1000, "session_id": row[2]}, row[3] / 1e9


def _wait_for(predicate, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("timed out")


def _start(db_path, *args, tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "BACKBEAT_DATA_DIR": str(tmp_path / "data")}
    return subprocess.Popen([sys.executable, "-m", "backbeat", "--db", f"sqlite:///{db_path}", *args],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


@pytest.mark.slow
def test_killed_tv_resumes_within_a_second(tmp_path):
    db = tmp_path / "gym.db"
    tv = _start(db, "demo", "--no-kiosk", "--station", "tv-front", tmp_path=tmp_path)
    try:
        # let the class run a few seconds of real time
        _wait_for(lambda: (s := _live(db)) and s[0]["state"] == "running"
                  and s[0]["position_ms"] >= 2500)
        tv.send_signal(signal.SIGKILL)
        killed_at = time.time()
        tv.wait(timeout=10)
    finally:
        if tv.poll() is None:
            tv.kill()
    state, updated = _live(db)
    assert state["state"] == "running"  # it died running: nothing had a chance to pause it
    position_at_kill = state["position_ms"] + (killed_at - updated) * 1000

    resumed = _start(db, "tv", "--resume", "--windowed", "--station", "tv-front", tmp_path=tmp_path)
    try:
        new_state, _ = _wait_for(lambda: (s := _live(db)) and s[1] > killed_at + 0.01
                                 and s[0]["state"] == "paused" and s)
    finally:
        resumed.terminate()
        out, err = resumed.communicate(timeout=20)
    assert new_state["state"] == "paused", err.decode()[-2000:]
    assert abs(new_state["position_ms"] - position_at_kill) < 1000
    assert new_state["session_id"] == state["session_id"]


@pytest.mark.slow
def test_demo_opens_the_tv_and_a_kiosk_that_ends_with_it(tmp_path):
    db = tmp_path / "gym.db"
    demo = _start(db, "demo", "--station", "tv-front", tmp_path=tmp_path)
    try:
        _wait_for(lambda: (s := _live(db)) and s[0]["state"] == "running")

        def kiosk_pids():
            found = []
            for proc in Path("/proc").iterdir():
                try:
                    ppid = int((proc / "stat").read_text().split(")")[-1].split()[1])
                    cmd = (proc / "cmdline").read_bytes().split(b"\0")
                except (OSError, ValueError):
                    continue
                if ppid == demo.pid and b"kiosk" in cmd:
                    found.append(int(proc.name))
            return found

        [kiosk] = _wait_for(kiosk_pids)
        demo.send_signal(signal.SIGKILL)  # even a hard kill takes the kiosk with it
        demo.wait(timeout=10)

        def gone():
            try:
                os.kill(kiosk, 0)
            except ProcessLookupError:
                return True
            with open(f"/proc/{kiosk}/stat") as f:  # a zombie waiting for its reaper is gone too
                return f.read().split(")")[-1].split()[0] == "Z"
        assert _wait_for(gone, timeout=20)
    finally:
        if demo.poll() is None:
            demo.kill()
