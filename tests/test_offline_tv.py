"""A TV that starts while the gym's database server is away (after a power cut
the server boots last) comes up on the class it kept from its last start."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time

AWAY = "postgresql+psycopg://gym@127.0.0.1:1/backbeat"  # nothing listens on port 1


def tv(tmp_path, url):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "BACKBEAT_EXIT_AFTER_FIRST_FRAME": "1",
           "BACKBEAT_DATA_DIR": str(tmp_path / "data")}
    env.pop("BACKBEAT_DB", None)
    return subprocess.run([sys.executable, "-m", "backbeat", "--db", url, "tv", "--windowed"],
                          env=env, capture_output=True, text=True, timeout=120)


def test_a_tv_starts_with_its_server_away_on_the_class_it_kept(tmp_path):
    r = tv(tmp_path, AWAY)  # nothing kept on this computer yet: said in words
    assert r.returncode != 0 and "Traceback" not in r.stderr
    assert "keeps no class called 'Precision Back'" in r.stderr
    r = tv(tmp_path, f"sqlite:///{tmp_path / 'gym.db'}")  # once with its database: the class kept
    assert r.returncode == 0, r.stderr
    kept = tmp_path / "data" / "last-class.json"
    assert kept.is_file() and stat.S_IMODE(kept.stat().st_mode) == 0o600
    r = tv(tmp_path, AWAY)
    assert r.returncode == 0 and "first-frame" in r.stdout, r.stderr
    assert "starting without it" in r.stderr and "Traceback" not in r.stderr


# --- joining the gym when the database is back --------------------------------------------
S = 1_000_000_000


def test_a_class_a_tv_ran_offline_becomes_the_stores_class_as_it_ran(tmp_path):
    """The TV started its kept class while the database was away, on its wall
    clock's guess of the gym's time (7 s slow here); when the database answers,
    the class is stored where the TV had it (not 7 s off), pause and all."""
    from backbeat.engine.clock import FakeClock
    from backbeat.engine.gymclass import Event, position_ms
    from backbeat.engine.gymclock import GymClock, Sample
    from backbeat.store.classes import load_class
    from backbeat.store.db import Database
    from backbeat.store.link import StationLink
    from backbeat.store.seed import open_database

    gym = FakeClock(1_800_000_000 * S)  # the server's clock

    class Local:  # this computer's monotonic clock
        def now_ns(self):
            return gym.now_ns() - 5_000 * S

    away = [True]

    def measurer(db, clock):
        if away[0]:
            raise OSError("the server does not answer")
        clock.set_offset(Sample(clock.local.now_ns(), gym.now_ns(), clock.local.now_ns()))

    share = tmp_path / "share"
    share.write_text("")  # the database's folder cannot be reached
    url = f"sqlite:///{share / 'gym.db'}"
    clock = GymClock(Local())
    link = StationLink(Database.unopened(url), "tv-off", "tv", clock,
                       wall=lambda: gym.now_ns() - 7 * S, measurer=measurer, pid=os.getpid() + 9)
    assert not link.step().in_step
    assert clock.now_ns() == gym.now_ns() - 7 * S  # the wall clock's guess, not the monotonic clock
    started = gym.now_ns()
    link.start_class("Precision Back", 1, clock.now_ns())  # the coach starts the kept class
    gym.advance(20)
    link.record(Event("pause", clock.now_ns()))
    gym.advance(5)
    link.record(Event("resume", clock.now_ns()))
    gym.advance(15)
    assert not link.step().in_step

    share.unlink()  # the database is back
    share.mkdir()
    db = open_database(url)
    away[0] = False
    view = link.step()
    assert view.in_step and view.role == "leader" and view.class_id is not None
    assert position_ms(view.timing, clock.now_ns()) == 35_000  # 20 s, paused 5, 15 more
    info = load_class(db, view.class_id)
    assert info.start_ns == started and info.leader == "tv-off"
    assert [e.kind for e in info.events][-2:] == ["pause", "resume"]
    gym.advance(1)
    assert position_ms(link.step().timing, clock.now_ns()) == 36_000
    link.close()
    db.close()


def test_a_tv_that_came_up_offline_follows_the_gyms_class_when_the_server_is_back(tmp_path):
    """Real TV processes on a throw-away PostgreSQL that is down when tv-b starts."""
    from backbeat.store.classes import start_class
    from backbeat.store.gymclock import gym_now_ns
    from backbeat.store.seed import open_database
    from tests import scripts
    from tests.pg import stoppable_postgres

    bench = scripts.load("benchmarks/bench_gym.py")
    with stoppable_postgres() as server:
        open_database(server.url).close()
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "BACKBEAT_EXIT_AFTER_FIRST_FRAME": "1",
               "BACKBEAT_DATA_DIR": str(tmp_path / "tv-b")}
        subprocess.run([sys.executable, "-m", "backbeat", "--db", server.url, "tv", "--windowed"],
                       env=env, capture_output=True, timeout=120, check=True)  # keeps its class
        server.stop()
        tvs = [bench.Tv(server.url, "tv-b", tmp_path)]
        try:
            tvs[0].wait_for(lambda f: f[2] == "ready")  # up without its database
            server.start()
            db = open_database(server.url)
            tvs.append(bench.Tv(server.url, "tv-a", tmp_path))
            tvs[1].wait_for(lambda f: True)
            class_id = start_class(db, "Precision Back", 1, at_ns=gym_now_ns(db), leader="tv-a")
            tvs[1].wait_for(lambda f: f[2] == "running" and f[3] == "leader")
            tvs[0].wait_for(lambda f: f[2] == "running" and f[3] == "follower", timeout=60)
            time.sleep(1.0)
            offsets = bench.phase_offsets(tvs[1].frames(), tvs[0].frames())
            assert offsets and max(offsets[-30:]) <= 50.0, offsets[-30:]  # in step with the leader
            from backbeat.store.stations import list_stations

            assert {s.name: s for s in list_stations(db)}["tv-b"].class_id == class_id
            db.close()
        finally:
            for tv in tvs:
                tv.stop()
