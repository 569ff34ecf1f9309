"""A class whose TV is offline (killed, unplugged: every TV of it silent for
TV_OFFLINE_S and no follower leading) still runs (it was not stopped, and a TV
that takes it up resumes it), but nobody can say where it is: a set logged
meanwhile, at a kiosk or at the trainer's desk, goes to open gym and says why;
once a TV shows the class again, sets go into it."""

from __future__ import annotations

import os
import time

import pytest

from backbeat.cli import main
from backbeat.engine.gymclass import TV_OFFLINE_S, tv_offline
from backbeat.store.athletes import list_athletes
from backbeat.store.classes import start_class
from backbeat.store.demo import ensure_demo
from backbeat.store.live import class_now
from backbeat.store.logs import recent_logs
from backbeat.store.stations import heartbeat, register_station
from tests.test_kiosk import clock, make_kiosk, pick, press_log, tap_tile  # noqa: F401  (fixtures)

S = 1_000_000_000


def test_the_rule_every_tv_silent_for_5_s_and_a_class_no_tv_showed_yet():
    now = 1_800_000_000 * S
    assert not tv_offline(now - 4 * S, now)
    assert tv_offline(now - round(TV_OFFLINE_S * S), now)
    assert not tv_offline(None, now)  # started from the command line for a TV on its way


@pytest.fixture
def gym(db):
    ensure_demo(db, weeks=1)
    return {a.name: a for a in list_athletes(db)}


def _class_led_by_a_tv(db, *, silent_s: float) -> int:
    now = time.time_ns()  # SQLite: the gym's clock is this machine's
    class_id = start_class(db, "Precision Back", 1, at_ns=now, leader="tv-a", paused=False)
    register_station(db, "tv-a", "tv", now, pid=os.getpid() + 77)
    beat(db, class_id, silent_s)
    return class_id


def beat(db, class_id: int, ago_s: float) -> None:
    heartbeat(db, "tv-a", time.time_ns() - round(ago_s * S), role="leader", class_id=class_id,
              state="running", position_s=1.0, clock_offset_ms=0.0)


def test_the_desk_logs_open_gym_while_the_classs_tv_is_offline(db, db_url, gym, capsys):
    class_id = _class_led_by_a_tv(db, silent_s=30)  # the TV was killed half a minute ago
    cs = class_now(db)
    assert cs is not None and cs.session_id == class_id and cs.tv_offline and cs.logs_to is None
    assert main(["--db", db_url, "log", "Ben", "face-pull", "--reps", "8"]) == 0  # no check-in asked
    assert "(open gym (the running class's TV is offline))" in capsys.readouterr().out
    row = recent_logs(db, gym["Ben"].id, "face-pull", limit=1)[0]
    assert row.session_id is None and row.set_number == 1
    beat(db, class_id, 0)  # a TV shows the class again: sets go into it (Ben must check in)
    assert not class_now(db).tv_offline and class_now(db).logs_to == class_id
    assert main(["--db", db_url, "log", "Ben", "face-pull", "--reps", "8"]) == 2
    assert "not checked in for the running class" in capsys.readouterr().err


def test_the_kiosk_says_tv_offline_and_logs_open_gym(qtbot, db, gym, make_kiosk):  # noqa: F811
    from backbeat.store.checkins import check_in

    class_id = _class_led_by_a_tv(db, silent_s=10)
    check_in(db, gym["Ana"].id, station="k", session_id=class_id)
    w = make_kiosk()
    assert "TV offline" in w.roster.class_label.text()
    tap_tile(qtbot, w.roster.grid, "Ana")
    if w.stack.currentWidget() is w.picker:
        pick(qtbot, w, "face-pull")
    assert "open gym: the class's TV is offline" in w.log.set_label.text(), w.log.set_label.text()
    press_log(qtbot, w)
    row = recent_logs(db, gym["Ana"].id, w.exercise.slug, limit=1)[0]
    assert row.session_id is None
