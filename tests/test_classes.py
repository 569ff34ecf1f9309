"""Classes and stations in the store: leader and followers driven on a fake
clock (pause, failover, three followers racing), the station names, the
migration of the old live state, and the ``backbeat class``/``status`` contract."""

from __future__ import annotations

import json
import os
import threading
import time

import pytest
from sqlalchemy import text

from backbeat.cli import main
from backbeat.domain.errors import InvalidInput
from backbeat.engine.clock import FakeClock
from backbeat.engine.gymclass import ClassState, Event, command, position_ms
from backbeat.engine.gymclock import GymClock
from backbeat.store.classes import (
    append_event,
    claim_lead,
    class_timeline,
    load_class,
    running_classes,
    send_command,
    start_class,
)
from backbeat.store.link import StationLink
from backbeat.store.seed import open_database
from backbeat.store.stations import (
    StationTaken,
    list_stations,
    register_station,
    set_station_setting,
    station_setting,
)

S = 1_000_000_000
T0 = 1_800_000_000 * S


class Gym:
    """Stations on one fake gym clock; each may have its own skew (its offset
    to the gym's clock is measured exactly, as on a quiet network)."""

    def __init__(self, db):
        self.db = db
        self.base = FakeClock(T0)

    def station(self, name, *, skew_s=0.0, wall_off_s=0.0, kind="tv"):
        base = self.base
        skew = round(skew_s * S)

        class Local:
            def now_ns(self):
                return base.now_ns() + skew

        clock = GymClock(Local(), -skew)
        link = StationLink(self.db, name, kind, clock, wall=lambda: base.now_ns() - round(wall_off_s * S),
                           measurer=lambda db, c: None, pid=os.getpid() + len(name))
        return link

    def advance(self, s):
        self.base.advance(s)


@pytest.fixture
def gym(db):
    return Gym(db)


def _cmd(link, cmd):
    """A TV key: the same command path as the CLI, recorded through the link."""
    view = link.view
    tl = class_timeline(link.db, view.program, view.day, view.timing.extension_map)
    event = command(view.timing, tl, cmd, link.clock.now_ns())
    link.record(event)
    return event


def test_a_second_tv_follows_the_first_and_a_pause_reaches_it(gym):
    a, b = gym.station("tv-front"), gym.station("tv-back", skew_s=3.0)
    a.start_class("Precision Back", 1, gym.base.now_ns())
    assert a.step().role == "leader"
    gym.advance(42.5)
    a.step()  # its heartbeat (every 0.5 s on its own thread)
    vb = b.step()
    assert (vb.role, vb.class_id, vb.leader) == ("follower", a.view.class_id, "tv-front")
    assert vb.resume_offer is None  # never offered: its leader is alive
    now_a, now_b = a.clock.now_ns(), b.clock.now_ns()
    assert now_a == now_b  # 3 s apart locally, one time for the gym
    assert position_ms(vb.timing, now_b) == position_ms(a.step().timing, now_a) == 42_500
    gym.advance(1)
    _cmd(a, "pause")
    a.step()
    gym.advance(0.1)
    vb = b.step()
    assert vb.timing.state is ClassState.PAUSED and position_ms(vb.timing, b.clock.now_ns()) == 43_500
    # a command from the follower (or the CLI) reaches the leader the same way
    _cmd(b, "resume")
    b.step()
    assert a.step().timing.state is ClassState.RUNNING


def test_a_silent_leader_is_replaced_by_one_follower_and_returns_as_a_follower(gym):
    a = gym.station("tv-1")
    followers = [gym.station(f"tv-{i}") for i in (2, 3, 4)]
    a.start_class("Precision Back", 1, gym.base.now_ns())
    a.step()
    for f in followers:
        assert f.step().role == "follower"
    gym.advance(2.9)  # a is killed: no more heartbeats
    for f in followers:
        f.step()
        assert f.view.role == "follower"  # not yet: 3 s of silence
    gym.advance(0.2)
    roles = [f.step().role for f in followers]
    assert roles.count("leader") == 1 and roles == ["leader", "follower", "follower"]
    new = followers[0]
    info = load_class(gym.db, new.view.class_id)
    assert info.leader == "tv-2" and info.timing.state is ClassState.RUNNING  # the class went on
    assert position_ms(info.timing, gym.base.now_ns()) == 3_100
    gym.advance(1)
    for f in followers:
        f.step()
    assert a.step().role == "follower"  # the old leader is back: it follows
    assert load_class(gym.db, info.id).leader == "tv-2"


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_three_stations_claiming_at_once_give_one_leader(backend, db, request):
    database = db if backend == "sqlite" else request.getfixturevalue("pg_db")
    class_id = start_class(database, "Precision Back", 1, at_ns=T0, leader="gone")
    barrier = threading.Barrier(3)
    won = []

    def claim(name):
        barrier.wait()
        won.append((name, claim_lead(database, class_id, name, was="gone")))

    threads = [threading.Thread(target=claim, args=(f"tv-{i}",)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    winners = [n for n, ok in won if ok]
    assert len(winners) == 1 and load_class(database, class_id).leader == winners[0]
    append_event(database, class_id, Event("stop", T0 + S), station="test")


def test_on_postgres_a_notification_wakes_a_follower_and_a_kiosk_long_before_the_poll(pg_db):
    """LISTEN/NOTIFY is what brings a pause: with the poll (and the heartbeat, which
    also steps the link) 30 s apart, a pause still reaches both links within 2 s."""
    from backbeat.store.gymclock import measure

    clock = GymClock()
    measure(pg_db, clock)
    leader = StationLink(pg_db, "tv-lead-notify", "tv", clock).start()  # beats: the lead stays
    leader.start_class("Precision Back", 1, clock.now_ns())
    slow = {"poll_s": 30.0, "heartbeat_s": 30.0}
    links = [leader]
    try:
        _until(lambda: leader.view.role == "leader")
        follower = StationLink(pg_db, "tv-follow-notify", "tv", GymClock(), **slow).start()
        links.append(follower)
        kiosk = StationLink(pg_db, "kiosk-notify", "kiosk", GymClock(), **slow).start()
        links.append(kiosk)
        class_id = leader.view.class_id
        _until(lambda: follower.view.role == "follower" and kiosk.view.class_id == class_id)
        for cmd, state in (("pause", ClassState.PAUSED), ("resume", ClassState.RUNNING)) * 2:
            send_command(pg_db, cmd, clock, station="test", class_id=class_id)
            sent = time.monotonic()
            _until(lambda s=state: all(v.timing is not None and v.timing.state is s
                                       for v in (follower.view, kiosk.view)), timeout=2.0)
            assert time.monotonic() - sent < 2.0
        assert follower.view.role == "follower"
    finally:
        for link in reversed(links):
            link.close()
        for info in running_classes(pg_db):
            append_event(pg_db, info.id, Event("stop", clock.now_ns()), station="test")


def _until(predicate, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


def test_a_tv_started_after_its_leader_died_offers_to_resume(gym):
    a = gym.station("tv-1")
    a.start_class("Precision Back", 1, gym.base.now_ns())
    a.step()
    gym.advance(20)
    a.step()  # last heartbeat at 20 s
    gym.advance(10)
    b = gym.station("tv-2")
    vb = b.step()
    assert vb.class_id is None and vb.resume_offer is not None
    assert position_ms(vb.resume_offer.timing, vb.extra["resume_at_ns"]) == 20_000
    b.take_up(vb.resume_offer)
    vb = b.step()
    assert vb.role == "leader" and vb.timing.state is ClassState.PAUSED
    assert position_ms(vb.timing, gym.base.now_ns()) == 20_000  # where the old TV last showed it


def test_the_database_away_leaves_the_class_running_and_the_follower_not_in_step(gym, monkeypatch):
    a, b = gym.station("tv-1"), gym.station("tv-2")
    a.start_class("Precision Back", 1, gym.base.now_ns())
    a.step()
    b.step()
    import backbeat.store.link as link_module

    def away(*_a, **_k):
        raise OSError("server closed the connection")

    monkeypatch.setattr(link_module, "changed_classes", away)
    gym.advance(5)
    vb = b.step()
    assert not vb.in_step and vb.error and vb.role == "follower"
    assert vb.timing is not None  # it runs on from the last anchor
    monkeypatch.undo()
    assert b.step().in_step and b.view.role == "follower"  # the leader gets 3 s to beat again
    a.step()
    gym.advance(2.5)
    assert b.step().role == "follower" and a.step().role == "leader"


def test_a_clock_ten_minutes_off_is_followed_and_warned_about(gym):
    a, b = gym.station("tv-1"), gym.station("tv-2", skew_s=-700, wall_off_s=-700)
    a.start_class("Precision Back", 1, gym.base.now_ns())
    a.step()
    gym.advance(2)
    vb = b.step()
    assert position_ms(vb.timing, b.clock.now_ns()) == 2000
    assert "clock is 12 min fast" in vb.clock_warning
    assert a.step().clock_warning is None


def test_a_kiosks_link_binds_to_a_class_asks_when_two_run_and_says_tv_offline(gym):
    front = gym.station("tv-front")
    front.start_class("Precision Back", 1, gym.base.now_ns())
    front.step()
    kiosk = gym.station("rack-1", kind="kiosk")
    view = kiosk.step()
    assert view.class_id is not None and view.leader == "tv-front" and not view.tv_offline
    back = gym.station("tv-back")
    back.start_class("Precision Back", 2, gym.base.now_ns())
    back.step()
    view = kiosk.step()
    assert view.class_id is None and len(view.classes) == 2  # two rooms: the kiosk must be told
    second = view.classes[1].id
    kiosk.bind(second)
    view = kiosk.step()
    assert view.class_id == second and view.leader == "tv-back"
    assert station_setting(gym.db, "rack-1", "class") == second  # remembered
    gym.advance(5.5)  # every TV of its class silent for 5 s
    front.step()
    assert kiosk.step().tv_offline


# --- station names and their settings -------------------------------------------------
def test_a_second_station_under_one_name_is_refused_naming_the_first(db):
    register_station(db, "tv-front", "tv", T0, host="rack-pc", pid=4242)
    with pytest.raises(StationTaken, match="'tv-front' is already running: a tv on rack-pc"):
        register_station(db, "tv-front", "tv", T0 + S, host="desk-pc", pid=77)
    # once silent for 3 s the name is free (a crashed station comes back)
    register_station(db, "tv-front", "tv", T0 + 4 * S, host="desk-pc", pid=77)
    with pytest.raises(InvalidInput, match="1 to 60 characters"):
        register_station(db, "x" * 61, "tv", T0)


def test_a_kiosks_choice_of_class_is_kept_on_its_station(db):
    set_station_setting(db, "kiosk-rack-1", "class", 4)
    assert station_setting(db, "kiosk-rack-1", "class") == 4
    assert station_setting(db, "kiosk-rack-2", "class") is None  # the default: its own
    with pytest.raises(KeyError):
        station_setting(db, "kiosk-rack-1", "units")


def test_the_old_live_state_and_settings_move_to_a_class_and_a_station(db_url):
    import socket

    from alembic import command as alembic

    from backbeat.store.db import alembic_config, make_engine

    engine = make_engine(db_url)
    cfg = alembic_config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        alembic.upgrade(cfg, "0007")
    open_database(db_url).close()  # (seeded at head) … then the old rows put back at 0007
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        alembic.downgrade(cfg, "0007")
        conn.execute(text("INSERT INTO setting (key, value) VALUES ('units', '{\"v\": \"lb\"}')"))
        conn.execute(text("INSERT INTO live_state (station, state, segment_index, updated_at) VALUES "
                          "('tv', :s, 3, '2026-11-30 10:00:00')"),
                     {"s": json.dumps({"program": "Precision Back", "day": 2, "position_ms": 95_000,
                                       "state": "running", "extensions": {"4": 15000}})})
    engine.dispose()
    db = open_database(db_url)
    [info] = running_classes(db)
    assert (info.program, info.day, info.state) == ("Precision Back", 2, "paused")
    assert info.timing.frozen_ns == 95_000 * 1_000_000 and info.timing.extension_map == {4: 15000}
    tv = f"tv@{socket.gethostname()}"
    assert info.leader == tv and tv in {s.name for s in list_stations(db)}
    from backbeat.store.settings import get_setting

    assert get_setting(db, "units") == "lb"  # the gym's settings stay
    db.close()


# --- the command line contract ---------------------------------------------------------
def _run(db_url, *args):
    return main(["--db", db_url, *args])


def test_class_commands_and_status_json(db_url, db, capsys):
    assert _run(db_url, "class", "pause") == 2
    assert "no class is running" in capsys.readouterr().err
    assert _run(db_url, "class", "start", "Precision Back", "--day", "1", "--station", "tv-front") == 0
    out = capsys.readouterr().out
    class_id = running_classes(db)[0].id
    assert f"class {class_id} started" in out
    assert _run(db_url, "class", "pause") == 0 and "paused at" in capsys.readouterr().out
    revision = load_class(db, class_id).revision
    assert _run(db_url, "class", "pause") == 2
    assert "already paused" in capsys.readouterr().err
    assert load_class(db, class_id).revision == revision  # nothing changed
    assert _run(db_url, "class", "resume") == 0
    assert _run(db_url, "class", "next", "--class", str(class_id)) == 0
    assert _run(db_url, "class", "back") == 0
    assert _run(db_url, "class", "next") == 0
    assert _run(db_url, "class", "extend", "20") == 2  # in a set, not a rest
    assert "nothing to lengthen now" in capsys.readouterr().err
    assert _run(db_url, "class", "next") == 0
    assert _run(db_url, "class", "extend") == 0
    assert "rest extended by 15 s" in capsys.readouterr().out
    register_station(db, "tv-front", "tv", time.time_ns())
    assert _run(db_url, "status", "--json") == 0
    status = json.loads(capsys.readouterr().out)
    assert set(status) == {"stations", "classes"}
    [st] = status["stations"]
    assert set(st) == {"name", "kind", "role", "class_id", "state", "position_s", "clock_offset_ms",
                       "last_seen_s"}
    assert st["name"] == "tv-front" and st["kind"] == "tv" and 0 <= st["last_seen_s"] < 60
    [c] = status["classes"]
    assert set(c) == {"id", "program", "day", "state", "leader", "position_s"}
    assert (c["id"], c["program"], c["day"], c["state"], c["leader"]) == (
        class_id, "Precision Back", 1, "running", "tv-front")
    assert c["position_s"] > 10  # two steps on: past the get-ready
    # a second class: commands must say which
    assert _run(db_url, "class", "start", "Precision Back", "--day", "2") == 0
    capsys.readouterr()
    assert _run(db_url, "class", "pause") == 2
    assert "2 classes are running: choose one with --class ID" in capsys.readouterr().err
    assert _run(db_url, "class", "stop", "--class", str(class_id)) == 0
    assert _run(db_url, "class", "resume", "--class", str(class_id)) == 2
    assert "has ended" in capsys.readouterr().err
    assert _run(db_url, "class", "pause", "--class", "999") == 2
    assert "there is no class 999" in capsys.readouterr().err
    assert _run(db_url, "class", "start", "No Such", "--day", "1") == 2
    assert _run(db_url, "class", "start", "Precision Back", "--day", "9") == 2
    assert "days 1 to 2, not 9" in capsys.readouterr().err
    assert _run(db_url, "status") == 0
    assert "led by nobody yet" in capsys.readouterr().out


def test_send_command_is_the_one_path(db):
    clock = FakeClock(T0)
    class_id = start_class(db, "Precision Back", 1, at_ns=T0, leader="tv-front")
    clock.advance(5)
    info, event = send_command(db, "pause", clock, station="cli")
    assert event == Event("pause", T0 + 5 * S) and info.timing.state is ClassState.PAUSED
    assert load_class(db, class_id).timing == info.timing
    assert [s.name for s in list_stations(db)] == []
