"""The TV acting on the week's timetable, on a fake gym clock: the next class between
classes, a self-starting class started on its minute (DST days included), a manual
one waiting for Start, a class missed while every TV was off asked about, a deleted
program said in words, and two TVs of which only the room's starts the class."""

from __future__ import annotations

import os
from datetime import UTC, datetime, time, timedelta

import pytest
from PySide6.QtCore import Qt

from backbeat.domain.timetable import Action, Entry, Timetable, between
from backbeat.engine.clock import FakeClock
from backbeat.engine.gymclock import GymClock
from backbeat.engine.runner import ClassRunner, RunState
from backbeat.engine.timeline import SegmentKind
from backbeat.store.classes import running_classes
from backbeat.store.link import StationLink
from backbeat.store.programs import delete_program, load_program, save_program
from backbeat.store.timetable import handled, mark_handled, save_timetable, tv_timetable
from backbeat.ui.tv.app import make_plan
from backbeat.ui.tv.window import TimetableSource, TvWindow
from tests.layout_check import texts_of

BERLIN = "Europe/Berlin"
S = 1_000_000_000


def ns(dt: datetime) -> int:
    return round(dt.timestamp()) * S


def entry(weekday=1, at="18:00", room="tv-front", program="Precision Back", self_start=True, **kw):
    h, m = map(int, at.split(":"))
    return Entry(weekday=weekday, start=time(h, m), room=room, program=program,
                 self_start=self_start, **kw)


def local(*args) -> datetime:
    from zoneinfo import ZoneInfo

    return datetime(*args, tzinfo=ZoneInfo(BERLIN)).astimezone(UTC)


# --- the rule, without a screen ------------------------------------------------------------

def test_between_classes_the_room_decides_and_another_tv_only_shows():
    tt = Timetable(timezone=BERLIN, entries=(entry(coach="Mara"),))  # Tuesdays 18:00
    classes = {tt.entries[0].key: ("Precision Back", 2)}
    at = local(2026, 12, 1, 17, 47, 30)
    b = between(tt, "tv-front", at, set(), classes, ["Ana", "Ben"])
    assert (b.action, b.leads, b.program, b.day, b.when, b.countdown, b.coach) == (
        Action.WAIT, True, "Precision Back", 2, "18:00", "in 12 min 30 s", "Mara")
    assert b.checked_in == ("Ana", "Ben") and b.clock == "17:47" and not b.starts
    assert between(tt, "tv-front", local(2026, 12, 1, 18, 0), set(), classes).starts
    # a TV of no room: the gym's next class, shown, never started from there
    other = between(tt, "tv-back", local(2026, 12, 1, 18, 0), set(), classes)
    assert not other.leads and other.action is Action.WAIT and not other.starts
    # a class on another day: its weekday, and nobody checked in for it yet
    later = between(tt, "tv-front", local(2026, 11, 30, 12, 0), set(), classes, ["Ana"])
    assert (later.day_name, later.when, later.checked_in) == ("Tuesday", "18:00", ())
    # nothing in the timetable at all: nothing to show
    assert between(Timetable(timezone=BERLIN), "tv-front", at, set(), {}).occurrence is None


def test_a_manual_class_waits_for_start_however_late_and_a_deleted_program_never_starts():
    tt = Timetable(timezone=BERLIN, entries=(entry(self_start=False),))
    key = tt.entries[0].key
    late = between(tt, "tv-front", local(2026, 12, 1, 18, 25), set(), {key: ("Precision Back", 1)})
    assert late.action is Action.READY and not late.starts and late.can_start
    gone = "Tuesday 18:00: the program 'Precision Back' is no longer in the database, so nothing starts"
    tt = Timetable(timezone=BERLIN, entries=(entry(),))
    b = between(tt, "tv-front", local(2026, 12, 1, 18, 0), set(), {tt.entries[0].key: gone})
    assert b.action is Action.START and b.refusal == gone and not b.starts and not b.can_start


# --- the TV window on a fake gym clock ---------------------------------------------------------

class Tv:
    """A TV window whose gym clock is a fake one, reading the timetable from ``db``."""

    def __init__(self, qtbot, db, clock, station="tv-front", link=None):
        self.db, self.clock, self.qtbot = db, clock, qtbot

        def fresh(program, day):
            return ClassRunner(make_plan(db, program, day), clock)

        on_start = None
        if link is not None:
            def on_start(r):
                link.start_class(r.timeline.program, r.timeline.day, r.timing().anchor_ns)

        self.window = TvWindow(fresh("Precision Back", 1), make_runner=fresh, on_start=on_start,
                               classes=[("Precision Back", 1), ("Precision Back", 2)], link=link,
                               timetable=TimetableSource(station, clock.now_ns,
                                                         lambda now: tv_timetable(db, now),
                                                         lambda o, what, now: mark_handled(db, o, what, now)))
        qtbot.addWidget(self.window)
        self.window.resize(1280, 720)
        self.read()

    def read(self):
        """Tick until a timetable read made at or after this instant is in (it runs off the GUI thread)."""
        w = self.window
        w._tt_asked = -1e9
        w.tick()
        self.qtbot.waitUntil(lambda: (w.tick(), w._tt_future is None and w._tt_read is not None)[1],
                             timeout=5000)
        w.tick()

    def advance(self, s):
        self.clock.advance(s)
        self.window.tick()

    @property
    def between(self):
        return self.window.screen_widget.between

    def key(self, key):
        self.qtbot.keyClick(self.window, key)


def _clock_at(dt: datetime) -> FakeClock:
    return FakeClock(ns(dt))


def test_a_self_starting_class_starts_at_its_minute_with_its_get_ready(qtbot, db):
    save_timetable(db, Timetable(timezone=BERLIN, entries=(entry(),)))
    start = local(2026, 12, 1, 18, 0)
    tv = Tv(qtbot, db, _clock_at(start - timedelta(seconds=90)))
    assert tv.between.action is Action.WAIT and tv.between.countdown == "in 1 min 30 s"
    lay = tv.window.screen_widget.layout()
    assert "Precision Back" in texts_of(lay, "exercise") and "18:00" in texts_of(lay, "countdown")
    tv.advance(89.999)
    assert tv.window.runner.state is RunState.READY  # not a millisecond early
    tv.advance(0.001)
    r = tv.window.runner
    assert r.state is RunState.RUNNING and tv.window.screen_widget.between is None
    assert r.timing().anchor_ns == ns(start)  # position 0 at 18:00:00.000 on the gym's clock
    assert r.now().segment.kind is SegmentKind.GET_READY and r.now().position_ms == 0
    qtbot.waitUntil(lambda: any(v["what"] == "started" for v in handled(db).values()), timeout=5000)
    # handled: when this class ends, the TV does not start it again
    r.end()
    tv.window.tick()
    tv.advance(59)
    assert tv.between is None and "WELL DONE" in texts_of(tv.window.screen_widget.layout(), "phase")
    tv.read()
    tv.advance(2)  # a minute of WELL DONE, then the next class
    assert tv.between.action is Action.WAIT
    assert tv.between.occurrence.at == start + timedelta(days=7)


@pytest.mark.parametrize("sunday", [(2026, 3, 29), (2026, 10, 25)], ids=["spring", "autumn"])
def test_on_the_days_the_clocks_change_a_0630_class_starts_at_0630_local(qtbot, db, sunday):
    save_timetable(db, Timetable(timezone=BERLIN, entries=(entry(weekday=6, at="06:30"),)))
    start = local(*sunday, 6, 30)
    # summer time after the spring change (04:30 UTC), winter time after the autumn one (05:30 UTC)
    assert start.hour == (4 if sunday[1] == 3 else 5)
    tv = Tv(qtbot, db, _clock_at(start - timedelta(hours=1, seconds=1)))
    tv.advance(1)  # 06:30 on the other side of the change: nothing
    assert tv.window.runner.state is RunState.READY and tv.between.countdown == "in 1 h 00 min"
    tv.advance(3599)
    assert tv.window.runner.state is RunState.READY
    tv.advance(1)
    assert tv.window.runner.state is RunState.RUNNING
    assert tv.window.runner.timing().anchor_ns == ns(start)


def test_a_class_whose_program_was_deleted_is_said_and_nothing_starts(qtbot, db):
    save_program(db, load_program(db, "Precision Back").model_copy(update={"name": "Old back"}))
    save_timetable(db, Timetable(timezone=BERLIN, entries=(entry(program="Old back"),)))
    delete_program(db, "Old back")
    start = local(2026, 12, 1, 18, 0)
    tv = Tv(qtbot, db, _clock_at(start - timedelta(seconds=5)))
    tv.advance(5)
    assert tv.window.runner.state is RunState.READY
    assert "no longer in the database, so nothing starts" in tv.between.refusal
    lay = tv.window.screen_widget.layout()
    assert any("'Old back' is no longer in the database" in t for t in texts_of(lay, "caution"))
    assert "NOTHING STARTS" in texts_of(lay, "mode")
    tv.key(Qt.Key.Key_B)  # Start does nothing either
    tv.advance(120)
    assert tv.window.runner.state is RunState.READY and running_classes(db) == []


def test_a_class_missed_while_the_tv_was_off_is_asked_about_and_can_be_skipped(qtbot, db):
    save_timetable(db, Timetable(timezone=BERLIN, entries=(entry(),)))
    tv = Tv(qtbot, db, _clock_at(local(2026, 12, 1, 18, 20)))  # switched on 20 min late
    assert tv.between.action is Action.ASK and tv.window.runner.state is RunState.READY
    lay = tv.window.screen_widget.layout()
    assert texts_of(lay, "menu") == ["▶  START NOW", "SKIP IT"]
    assert any("should have started at 18:00" in t for t in texts_of(lay, "caution"))
    tv.advance(30)
    assert tv.window.runner.state is RunState.READY  # asked, never started by surprise
    tv.key(Qt.Key.Key_PageDown)  # the clicker: to SKIP IT
    assert texts_of(tv.window.screen_widget.layout(), "menu") == ["START NOW", "▶  SKIP IT"]
    tv.key(Qt.Key.Key_B)
    assert tv.window.runner.state is RunState.READY
    assert tv.between.action is Action.WAIT  # next week's
    qtbot.waitUntil(lambda: [v["what"] for v in handled(db).values()] == ["skipped"], timeout=5000)


def test_a_missed_class_started_now_starts_from_its_beginning_now(qtbot, db):
    save_timetable(db, Timetable(timezone=BERLIN, entries=(entry(),)))
    now = local(2026, 12, 1, 18, 20)
    tv = Tv(qtbot, db, _clock_at(now))
    tv.key(Qt.Key.Key_B)  # START NOW is lit first
    r = tv.window.runner
    assert r.state is RunState.RUNNING and r.timing().anchor_ns == ns(now) and r.position_ms() == 0


def test_a_manual_class_shows_ready_and_start_is_the_keys_path(qtbot, db):
    save_timetable(db, Timetable(timezone=BERLIN, entries=(entry(self_start=False, day=2),)))
    tv = Tv(qtbot, db, _clock_at(local(2026, 12, 1, 18, 0)))
    tv.advance(90)
    assert tv.between.action is Action.READY and tv.window.runner.state is RunState.READY
    lay = tv.window.screen_widget.layout()
    assert "READY — PRESS START" in texts_of(lay, "mode")
    tv.key(Qt.Key.Key_Space)
    r = tv.window.runner
    assert r.state is RunState.RUNNING and r.timeline.day == 2
    assert r.timing().anchor_ns == tv.clock.now_ns()


def test_next_on_the_next_class_screen_chooses_another_class_by_hand(qtbot, db):
    save_timetable(db, Timetable(timezone=BERLIN, entries=(entry(),)))
    tv = Tv(qtbot, db, _clock_at(local(2026, 12, 1, 17, 0)))
    assert tv.between is not None
    tv.key(Qt.Key.Key_PageDown)
    assert tv.between is None and tv.window.runner.timeline.day == 2  # the chooser, one on
    tv.key(Qt.Key.Key_B)
    assert tv.window.runner.state is RunState.RUNNING and tv.window.runner.timeline.day == 2


def _two_tvs(qtbot, db, base):
    """tv-front and tv-back, each with its station link on the fake gym clock ``base``."""
    def link(name):
        return StationLink(db, name, "tv", GymClock(base, 0), measurer=lambda d, c: None,
                           pid=os.getpid() + len(name))

    front_link, back_link = link("tv-front"), link("tv-back")
    return (Tv(qtbot, db, base, "tv-front", front_link), Tv(qtbot, db, base, "tv-back", back_link),
            front_link, back_link)

def test_two_tvs_only_the_rooms_station_starts_the_class_and_the_other_follows(qtbot, db):
    save_timetable(db, Timetable(timezone=BERLIN, entries=(entry(room="tv-front"),)))
    start = local(2026, 12, 1, 18, 0)
    base = FakeClock(ns(start) - 2 * S)

    front, back, front_link, back_link = _two_tvs(qtbot, db, base)
    assert back.between.occurrence.entry.room == "tv-front" and not back.between.leads
    lay = back.window.screen_widget.layout()
    assert any("LED BY TV-FRONT" in t for t in texts_of(lay, "label"))
    base.advance(2)
    back.window.tick()  # at 18:00 the back TV starts nothing
    assert back.window.runner.state is RunState.READY
    front.window.tick()
    assert front.window.runner.state is RunState.RUNNING
    front_link.step()  # the class in the store, led by tv-front
    back.window.tick()
    back_link.step()
    base.advance(5)
    front_link.step()
    back_link.step()
    back.window.tick()
    (info,) = running_classes(db)
    assert info.leader == "tv-front" and back_link.view.role == "follower"
    assert back.window.runner.state is RunState.RUNNING
    assert back.window.runner.position_ms() == front.window.runner.position_ms() == 5000
    front_link.close()
    back_link.close()


def test_snapshot_tv_between_classes(qapp, db, db_url, tmp_path, capsys):
    from PySide6.QtGui import QImage

    from backbeat.cli import main

    out = tmp_path / "between.png"
    args = ["--db", db_url, "snapshot", "tv", "--between-classes", "--station", "tv-front",
            "--now", "2026-12-01T17:47:30+01:00", "--size", "1280x720", "--out", str(out)]
    assert main(args) == 2
    assert "no classes in the timetable" in capsys.readouterr().err and not out.exists()
    save_timetable(db, Timetable(timezone=BERLIN, entries=(entry(coach="Mara"),)))
    assert main(args) == 0
    assert "tv-front between classes at 2026-12-01 16:47 UTC" in capsys.readouterr().out
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1280, 720)
    assert len({image.pixel(x, y) for x in range(0, 1280, 8) for y in range(0, 720, 8)}) > 20  # drawn
    assert main(args[:7] + ["--now", "18:00"] + args[9:]) == 2
    assert "--now '18:00' is not a date and time" in capsys.readouterr().err


def test_a_class_running_over_a_slot_takes_it_the_timetables_is_not_asked_about_after(qtbot, db):
    save_timetable(db, Timetable(timezone=BERLIN, entries=(entry(),)))
    tv = Tv(qtbot, db, _clock_at(local(2026, 12, 1, 17, 55)))
    tv.key(Qt.Key.Key_PageDown)  # another class, by hand
    tv.key(Qt.Key.Key_B)
    assert tv.window.runner.state is RunState.RUNNING
    tv.advance(300)  # 18:00: the TV is busy with it
    tv.advance(1)
    qtbot.waitUntil(lambda: [v["what"] for v in handled(db).values()] == ["another class ran"],
                    timeout=5000)
    tv.window.runner.end()
    tv.window.tick()
    tv.read()
    tv.advance(61)
    assert tv.between.action is Action.WAIT  # next week's, not "should have started at 18:00"
    assert tv.between.occurrence.at == local(2026, 12, 8, 18, 0)


def test_a_tv_following_another_rooms_class_leaves_it_for_its_own_on_the_minute(qtbot, db):
    save_timetable(db, Timetable(timezone=BERLIN, entries=(
        entry(room="tv-front"), entry(at="18:10", room="tv-back"))))
    start = local(2026, 12, 1, 18, 0)
    base = FakeClock(ns(start) - S)

    front, back, front_link, back_link = _two_tvs(qtbot, db, base)
    base.advance(1)
    front.window.tick()
    front_link.step()
    back_link.step()
    back.window.tick()
    assert back_link.view.role == "follower" and back.window.runner.state is RunState.RUNNING
    base.advance(599)
    for tv in (front, back):
        tv.read()
    front_link.step()
    back_link.step()
    back.window.tick()
    assert back_link.view.role == "follower"  # 18:09:59: still following
    base.advance(1)
    back.window.tick()  # 18:10: its own class, led from here, from its beginning
    assert back.window.runner.timing().anchor_ns == ns(start) + 600 * S
    back_link.step()
    front_link.step()
    classes = {c.leader: c for c in running_classes(db)}
    assert set(classes) == {"tv-front", "tv-back"} and back_link.view.role == "leader"
    assert front.window.runner.position_ms() == 600_000  # the front room's class goes on
    front_link.close()
    back_link.close()
