"""Real `backbeat tv` processes (offscreen) sharing one class: a follower joins
mid-class in step, a pause reaches it, and when the leader is killed with
SIGKILL the follower leads on; the old leader comes back as a follower. On
SQLite, and on the throw-away PostgreSQL with the follower's clock 3 s wrong
(faketime)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time

import pytest

from backbeat.store.classes import load_class, send_command, start_class
from backbeat.store.gymclock import gym_now_ns
from backbeat.store.seed import open_database
from backbeat.store.stations import list_stations
from tests import scripts

bench = scripts.load("benchmarks/bench_gym.py")


def _gym(url, tmp_path, *, fake_s=None, kiosk=False):
    db = open_database(url)
    lead = bench.Tv(url, "tv-a", tmp_path)
    tvs = [lead]
    rack = None
    try:
        lead.wait_for(lambda f: True)  # up, idle
        class_id = start_class(db, "Precision Back", 1, at_ns=gym_now_ns(db), leader="tv-a")
        lead.wait_for(lambda f: f[2] == "running" and f[3] == "leader")
        if kiosk:  # a kiosk process logs into the class (its heartbeat names it)
            env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "BACKBEAT_DATA_DIR": str(tmp_path / "rack")}
            rack = subprocess.Popen([sys.executable, "-m", "backbeat", "--db", url, "kiosk", "--windowed",
                                     "--station", "rack-1"], env=env, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.PIPE)
            _until(lambda: {s.name: s for s in list_stations(db)}.get("rack-1")
                   and {s.name: s for s in list_stations(db)}["rack-1"].class_id == class_id)
        time.sleep(1.0)
        follow = bench.Tv(url, "tv-b", tmp_path, fake_s=fake_s)  # joins mid-class
        tvs.append(follow)
        follow.wait_for(lambda f: f[2] == "running" and f[3] == "follower")
        time.sleep(1.5)
        offsets = bench.phase_offsets(lead.frames(), follow.frames())
        assert offsets and max(offsets) <= 17.0, offsets[-20:]  # the same phase, within a frame
        # a pause from the command line reaches both screens, frozen at one position
        send_command(db, "pause", _Clock(db), station="test", class_id=class_id)
        a = lead.wait_for(lambda f: f[2] == "paused", timeout=10)
        b = follow.wait_for(lambda f: f[2] == "paused", timeout=10)
        assert abs(a[1] - b[1]) < 1.0
        send_command(db, "resume", _Clock(db), station="test", class_id=class_id)
        follow.wait_for(lambda f: f[2] == "running", timeout=10)
        time.sleep(0.6)  # a heartbeat of the follower in the running class
        # the leader dies hard: the follower takes over and the class goes on
        lead.kill()
        killed = time.monotonic()
        frame = follow.wait_for(lambda f: f[3] == "leader", timeout=15)
        assert frame[2] == "running" and time.monotonic() - killed < 10
        assert load_class(db, class_id).leader == "tv-b"
        back = bench.Tv(url, "tv-a", tmp_path)  # the old leader returns: it follows
        tvs.append(back)
        back.wait_for(lambda f: f[3] == "follower" and f[2] == "running")
        assert load_class(db, class_id).leader == "tv-b"
        if rack is not None:
            assert rack.poll() is None, rack.stderr.read().decode()[-2000:]  # the kiosk ran through it all
        return {s.name: s for s in list_stations(db)}
    finally:
        for tv in tvs:
            tv.stop()
        if rack is not None:
            rack.terminate()
            rack.wait(10)
        db.close()


def _until(predicate, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError("timed out")


class _Clock:
    def __init__(self, db):
        self.db = db

    def now_ns(self):
        return gym_now_ns(self.db)


@pytest.mark.slow
def test_tv_processes_share_a_class_on_sqlite(tmp_path):
    _gym(f"sqlite:///{tmp_path / 'gym.db'}", tmp_path, kiosk=True)  # a kiosk process registers and beats


@pytest.mark.slow
def test_tv_processes_share_a_class_on_postgres_with_a_wrong_clock(pg_url, tmp_path):
    assert shutil.which("faketime"), "faketime is missing: scripts/system-deps.sh installs it"
    stations = _gym(pg_url, tmp_path, fake_s=3.0)
    assert stations["tv-b"].clock_offset_ms == pytest.approx(-3000, abs=200)  # measured, and ignored
