"""The kiosk bound to a class through its station link: it names the class it
logs into (program, day, leading TV), asks once on CHOOSE CLASS when two run
(two rooms) and keeps the choice on its station, says "TV offline" when the
class's TVs have been silent 5 s and logs on as open gym, and reads nothing on its GUI
thread (the link's news is posted to it)."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import event

from backbeat.engine.clock import FakeClock
from backbeat.engine.gymclass import ClassState, Event
from backbeat.engine.gymclock import GymClock
from backbeat.store.classes import append_event, running_classes, send_command, start_class
from backbeat.store.demo import ensure_demo
from backbeat.store.link import StationLink
from backbeat.store.logs import find_log
from backbeat.store.outbox import Outbox
from backbeat.store.stations import heartbeat, register_station, station_setting
from backbeat.ui.kiosk.window import KioskWindow
from tests.test_kiosk import FakeClock as FakeMonotonic
from tests.test_kiosk import press_log, settled, tap, tap_tile

S = 1_000_000_000
T0 = 1_800_000_000 * S
KIOSK = "kiosk-rack-1"


class Rooms:
    """Two classes, each led by its TV, on one fake gym clock the kiosk's link reads."""

    def __init__(self, db, *, rooms=(("tv-front", 1), ("tv-back", 2)), t0: int = T0):
        self.db = db
        self.base = FakeClock(t0)
        self.ids = {}
        for tv, day in rooms:
            self.ids[tv] = start_class(db, "Precision Back", day, at_ns=t0, leader=tv)
            register_station(db, tv, "tv", t0, pid=4000 + day)
        self.beat()

    def beat(self) -> None:
        for tv, class_id in self.ids.items():
            heartbeat(self.db, tv, self.base.now_ns(), role="leader", class_id=class_id,
                      state="running", position_s=0.0, clock_offset_ms=0.0)

    def link(self) -> StationLink:
        base = self.base

        class Local:
            def now_ns(self):
                return base.now_ns()

        return StationLink(self.db, KIOSK, "kiosk", GymClock(Local(), 0), measurer=lambda db, c: None,
                           wall=base.now_ns, pid=5000)


@pytest.fixture
def gym(db):
    ensure_demo(db, weeks=1)  # the demo's athletes (Ana, Ben, Chloé …)


@pytest.fixture
def kiosk(qtbot, db, tmp_path):
    made = []

    def make(link: StationLink) -> KioskWindow:
        w = KioskWindow(db, station=KIOSK, clock=FakeMonotonic(), outbox=Outbox(tmp_path / "outbox"),
                        locked=False, link=link)
        qtbot.addWidget(w)
        w.resize(1280, 800)
        w.show()
        made.append((w, link))
        qtbot.waitUntil(settled(w), timeout=10_000)
        return w

    yield make
    for w, link in made:
        w.leave()
        link.close()


def step(qtbot, w: KioskWindow, link: StationLink) -> None:
    """One round of the link (here on the test's thread), and the kiosk taking it in."""
    link.step()
    qtbot.waitUntil(settled(w), timeout=10_000)


def test_two_classes_the_kiosk_asks_once_which_and_keeps_the_choice(qtbot, db, gym, kiosk):
    rooms = Rooms(db)
    link = rooms.link()
    w = kiosk(link)
    step(qtbot, w, link)
    assert w.stack.currentWidget() is w.choose  # two rooms: it asks
    tiles = {t.name: t for t in w.choose.grid.tiles}
    assert set(tiles) == {"Precision Back, day 1 · TV tv-front", "Precision Back, day 2 · TV tv-back"}
    assert min(t.height() for t in tiles.values()) >= 200  # a target for a chalky thumb
    tap_tile(qtbot, w.choose.grid, "Precision Back, day 2 · TV tv-back")
    assert w.stack.currentWidget() is w.roster
    step(qtbot, w, link)
    back = rooms.ids["tv-back"]
    assert station_setting(db, KIOSK, "class") == back  # kept on the station
    assert w.roster.class_label.text().startswith("Precision Back · day 2 · TV tv-back — now:")
    assert w.roster.class_button.isVisible()  # it can be changed
    # an athlete checks in and logs into that class (its day's exercise, its session)
    tap(qtbot, w.roster.check_in_button)
    tap_tile(qtbot, w.checkin.grid, "Ana")
    tap_tile(qtbot, w.roster.grid, "Ana")
    assert w.stack.currentWidget() is w.log and w.class_set.session_id == back
    assert w.class_set.day == 2
    press_log(qtbot, w)
    assert find_log(db, w._last_entry.key).session_id == back
    w.leave()
    link.close()
    # the kiosk started again: it remembers, and does not ask
    again = rooms.link()
    w2 = kiosk(again)
    step(qtbot, w2, again)
    assert w2.stack.currentWidget() is w2.roster
    assert "day 2 · TV tv-back" in w2.roster.class_label.text()


def test_choose_class_is_asked_once_and_again_when_the_classes_change(qtbot, db, gym, kiosk):
    rooms = Rooms(db)
    link = rooms.link()
    w = kiosk(link)
    step(qtbot, w, link)
    assert w.stack.currentWidget() is w.choose
    tap(qtbot, w.choose.findChild(type(w.roster.trainer_button), "back"))  # not now
    rooms.base.advance(1)
    rooms.beat()
    step(qtbot, w, link)
    assert w.stack.currentWidget() is w.roster  # asked once for these two classes
    assert "2 classes are running: tap CHOOSE CLASS" in w.roster.class_label.text()
    assert not w.roster.check_in_button.isVisible() and w.roster.class_button.isVisible()
    # a third room starts: the kiosk asks again
    third = start_class(db, "Precision Back", 1, at_ns=rooms.base.now_ns(), leader="tv-gym")
    register_station(db, "tv-gym", "tv", rooms.base.now_ns(), pid=4009)
    rooms.ids["tv-gym"] = third
    rooms.beat()
    step(qtbot, w, link)
    assert w.stack.currentWidget() is w.choose and len(w.choose.grid.tiles) == 3
    # two stop: the one left is the kiosk's, without asking
    for tv in ("tv-front", "tv-back"):
        append_event(db, rooms.ids.pop(tv), Event("stop", rooms.base.now_ns()), station="test")
    step(qtbot, w, link)
    assert w.stack.currentWidget() is w.roster
    assert w.linked.class_id == third and "day 1 · TV tv-gym" in w.roster.class_label.text()
    assert not w.roster.class_button.isVisible()


def test_tv_offline_after_5_s_of_silence_and_the_kiosk_logs_on(qtbot, db, gym, kiosk):
    rooms = Rooms(db, rooms=(("tv-front", 1),))
    link = rooms.link()
    w = kiosk(link)
    step(qtbot, w, link)
    assert w.stack.currentWidget() is w.roster
    assert "TV tv-front" in w.roster.class_label.text() and "offline" not in w.roster.class_label.text()
    rooms.base.advance(4.5)
    step(qtbot, w, link)
    assert "offline" not in w.roster.class_label.text()  # 4.5 s is not yet gone
    rooms.base.advance(1.0)
    step(qtbot, w, link)
    assert "TV offline: sets are logged as open gym" in w.roster.class_label.text()
    tap(qtbot, w.roster.check_in_button)
    tap_tile(qtbot, w.checkin.grid, "Ben")
    tap_tile(qtbot, w.roster.grid, "Ben")
    press_log(qtbot, w)
    assert find_log(db, w._last_entry.key).session_id is None  # logged on, as open gym
    w.show_roster()
    rooms.beat()  # the TV is back
    step(qtbot, w, link)
    assert "offline" not in w.roster.class_label.text()


def test_with_a_running_link_nothing_on_the_gui_thread_reads_and_a_pause_is_posted_to_it(
        qtbot, db, gym, tmp_path):
    """The link on its own thread, two classes: the kiosk asks, binds, logs, and a
    pause reaches its class line through a posted wake, with no SQL on the GUI thread."""
    now = time.time_ns()  # SQLite: the gym's clock is this machine's
    ids = {}
    for tv, day in (("tv-front", 1), ("tv-back", 2)):
        ids[tv] = start_class(db, "Precision Back", day, at_ns=now, leader=tv)
        register_station(db, tv, "tv", now, pid=4000 + day)
        heartbeat(db, tv, now, role="leader", class_id=ids[tv], state="running", position_s=0.0,
                  clock_offset_ms=0.0)
    on_gui: list[str] = []

    def seen(_conn, _cursor, statement, *_args) -> None:
        if threading.current_thread() is threading.main_thread():
            on_gui.append(statement)

    link = StationLink(db, KIOSK, "kiosk", GymClock())  # registers before the window: start-up
    event.listen(db.engine, "before_cursor_execute", seen)
    w = KioskWindow(db, station=KIOSK, clock=FakeMonotonic(), outbox=Outbox(tmp_path / "outbox"),
                    locked=False, link=link)
    qtbot.addWidget(w)
    try:
        w.resize(1280, 800)
        w.show()
        link.start()
        qtbot.waitUntil(lambda: w.stack.currentWidget() is w.choose, timeout=10_000)
        tap_tile(qtbot, w.choose.grid, "Precision Back, day 1 · TV tv-front")
        qtbot.waitUntil(lambda: "day 1 · TV tv-front" in w.roster.class_label.text(), timeout=10_000)
        tap(qtbot, w.roster.check_in_button)
        tap_tile(qtbot, w.checkin.grid, "Chloé")
        tap_tile(qtbot, w.roster.grid, "Chloé")
        press_log(qtbot, w)
        tap(qtbot, w.log.done_button)
        coach = threading.Thread(target=send_command, args=(db, "pause", GymClock()),
                                 kwargs={"station": "test", "class_id": ids["tv-front"]})
        coach.start()  # the coach's command, off the kiosk's thread
        coach.join()
        # the link's 0.1 s poll, then a wake posted to the window (nothing else re-reads the class)
        qtbot.waitUntil(lambda: "(paused)" in w.roster.class_label.text(), timeout=5_000)
        assert w.linked.timing.state is ClassState.PAUSED
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
        w.leave()
        link.close()
        for info in running_classes(db):
            append_event(db, info.id, Event("stop", time.time_ns()), station="test")
    assert not on_gui, on_gui


def test_the_kiosk_dates_sets_and_check_ins_on_the_gym_s_clock_and_day(qtbot, db, gym, kiosk):
    """This computer's wall clock is not the gym's: a set is logged at the gym's time
    (the database server's, through the link) and a check-in counts for the gym's day
    in the timetable's zone — 00:30 in Berlin is already tomorrow there."""
    from datetime import UTC, date, datetime, timedelta

    from backbeat.domain.timetable import Timetable
    from backbeat.store.checkins import checked_in
    from backbeat.store.timetable import save_timetable

    save_timetable(db, Timetable(timezone="Europe/Berlin"))
    gym_now = datetime(2026, 12, 1, 23, 30, tzinfo=UTC)  # 00:30 on 2 December in Berlin
    link = Rooms(db, rooms=(("tv-front", 1),), t0=int(gym_now.timestamp()) * S).link()
    w = kiosk(link)
    step(qtbot, w, link)
    assert w.today() == date(2026, 12, 2)
    tap(qtbot, w.roster.check_in_button)
    tap_tile(qtbot, w.checkin.grid, "Ana")
    qtbot.waitUntil(settled(w, lambda: "Ana" in [t.text() for t in w.roster.grid.tiles]), timeout=10_000)
    ana = w.view.athletes and next(a.id for a in w.view.athletes.values() if a.name == "Ana")
    assert ana in checked_in(db, day=date(2026, 12, 2))
    assert ana not in checked_in(db, day=date(2026, 12, 1))
    tap_tile(qtbot, w.roster.grid, "Ana")
    assert w.stack.currentWidget() is w.log
    press_log(qtbot, w)
    logged = find_log(db, w._last_entry.key).logged_at
    logged = logged if logged.tzinfo else logged.replace(tzinfo=UTC)
    assert abs(logged - gym_now) < timedelta(seconds=5)
