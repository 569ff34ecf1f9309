"""Every set logged right, over random days at the kiosk (hypothesis).

Random sequences of check-ins, taps (the class's exercise, a picked one, one
side of one-side work), double taps answered "next set" or "a mistake", undos,
a flagged athlete's substitute, the clock moving on, kiosk restarts and the
database going away and coming back are replayed against a fake class on the
real kiosk window. Afterwards the stored sets are exactly the ones meant, each
once, numbered 1..k per athlete, exercise and side; and a repeat within 20 s
on the same kiosk was never logged without asking.
"""

from __future__ import annotations

import gc
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

import backbeat.store.kiosk as kiosk_store
import backbeat.store.outbox as outbox_module
import backbeat.ui.kiosk.window as window_module
from backbeat.domain.setcount import DOUBLE_TAP_S
from backbeat.engine.timeline import ClassPlan
from backbeat.store.athletes import list_athletes
from backbeat.store.checkins import check_out
from backbeat.store.demo import ensure_demo
from backbeat.store.library import load_library
from backbeat.store.models import ExerciseRow, SetLogRow
from backbeat.store.outbox import Outbox
from backbeat.store.programs import load_program
from backbeat.store.sessions import start_session
from backbeat.ui.kiosk.window import KioskWindow
from tests.live_class import save_live_state

ATHLETES = ("Ana", "Ben", "Dev")  # Dev is flagged: the class's hyperextension is a bird dog
#: what a tap logs: the class's exercise, or one picked, with a side for one-side work
CHOICES = ("class", "face-pull", "row-left", "row-right")
T0 = datetime(2026, 6, 1, 18, 0, tzinfo=UTC)

_tap = st.tuples(st.just("tap"), st.sampled_from(ATHLETES), st.sampled_from(CHOICES),
                 st.sampled_from(["next", "mistake"]))
_again = st.tuples(st.just("again"), st.sampled_from(["next", "mistake"]))  # the same set, at once
ops = st.one_of(  # taps first: hypothesis starts from the first choices
    _tap, _tap, _tap, _again, _tap, _again,
    st.tuples(st.just("check_in"), st.sampled_from(ATHLETES)),
    st.tuples(st.just("undo")),
    st.tuples(st.just("wait"), st.sampled_from([1.0, 5.0, 12.0, 25.0])),
    st.tuples(st.just("restart")),
    st.tuples(st.just("outage"), st.booleans()),
)


class Clock:
    def __init__(self):
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


@pytest.fixture(scope="module")
def gym(tmp_path_factory):
    from backbeat.store.seed import open_database

    db = open_database(f"sqlite:///{tmp_path_factory.mktemp('replay') / 'replay.db'}")
    ensure_demo(db, weeks=1)
    seg = next(s for s in ClassPlan(load_program(db, "Precision Back"), 2, load_library(db)).timeline().segments
               if s.exercise == "weighted-hyperextension" and s.kind == "work")
    yield db, {a.name: a.id for a in list_athletes(db)}, seg.start_ms
    db.close()


class Replay:
    """One example: a fresh class session, the kiosk, and the model of what was meant."""

    def __init__(self, qtbot, db, ids, position_ms, outbox_dir, number):
        self.qtbot, self.db, self.ids = qtbot, db, ids
        self.clock = Clock()
        self.day = T0 + timedelta(days=number)  # each example on a day of its own
        self.station = f"replay-{number}"
        self.session = start_session(db, "Precision Back", 2)
        for aid in ids.values():
            check_out(db, aid)
        save_live_state(db, "tv", {"program": "Precision Back", "day": 2,
                                   "position_ms": position_ms, "state": "paused",
                                   "extensions": {}, "session_id": self.session}, 0)
        self.outbox_dir = outbox_dir
        self.away = False
        self.meant: Counter = Counter()  # (athlete, exercise, side) -> sets meant
        self.undo_scope = None  # what UNDO would take back
        self.taps: dict = {}  # scope -> clock times of the sets logged on this kiosk instance
        self.all_taps: dict = {}  # the same over every instance (the store knows them)
        self.last = None  # (athlete, choice) of the latest tap
        self.w = self.start()

    def wall(self) -> datetime:
        return self.day + timedelta(seconds=self.clock.t)

    def start(self) -> KioskWindow:
        w = KioskWindow(self.db, station=self.station, clock=self.clock, wall=self.wall,
                        today=date.today, outbox=Outbox(self.outbox_dir), locked=False)
        self.qtbot.addWidget(w)
        self.settle(w)
        return w

    def settle(self, w=None) -> None:
        w = w or self.w
        w.tick()  # the kiosk's own timer may fire at any moment in a wait: here, always once
        self.qtbot.waitUntil(lambda: (w.drain_results(), not w.busy())[1], timeout=15_000)

    def touch(self) -> None:
        """A finger on the glass: the kiosk's event filter notes every press (its idle
        return counts from the last one); the replay calls the handlers directly."""
        self.w._last_touch = self.clock()

    # --- the operations ----------------------------------------------------------------
    def check_in(self, name: str) -> None:
        self.touch()
        w, aid = self.w, self.ids[name]
        if aid in w._here() or aid not in w.athletes:
            return
        w.show_check_in()
        w.check_in_tapped(aid)
        self.settle()

    def tap(self, name: str, choice: str, answer: str) -> None:
        self.touch()
        w, aid = self.w, self.ids[name]
        if aid not in w._here() or aid not in w.athletes:
            return  # not on the roster (not checked in, or the roster was never read)
        w.athlete_tapped(aid)
        self.settle()
        self.undo_scope = None  # opening an athlete ends the last one's UNDO
        if w.exercise is None:
            return
        if choice != "class":
            w.exercise_chosen("single-arm-dumbbell-row" if choice.startswith("row") else choice)
            self.settle()
        if choice.startswith("row"):
            w.log.side_row.buttons[choice.removeprefix("row-")].click()
        self.last = (name, choice)
        self.press(answer)

    def again(self, answer: str) -> None:
        self.touch()
        if self.last is None or self.w.exercise is None or self.w.athlete is None:
            return
        if self.w.stack.currentWidget() is not self.w.log:
            return
        if self.last[1].startswith("row"):  # after LEFT the kiosk offers RIGHT: tap LEFT again
            self.w.log.side_row.buttons[self.last[1].removeprefix("row-")].click()
        self.press(answer)

    def press(self, answer: str) -> None:
        w = self.w
        scope = (w.athlete.id, w.exercise.slug, w.log.form.side)
        w.log_tapped()
        self.settle()
        def recent(taps) -> bool:
            return any(self.clock.t - t < DOUBLE_TAP_S for t in taps.get(scope, ()))

        if w.log.asking:  # only ever about a set of the same scope made within 20 s
            assert recent(self.all_taps), "asked about a set that was not a repeat"
            if answer == "mistake":
                w.mistake_tapped()
                return
            w.next_set_tapped()
            self.settle()
        else:  # this kiosk never logs a repeat of its own within 20 s without asking
            assert not recent(self.taps), "a repeat logged without asking"
        assert w.log.message.kind != "bad", w.log.message.text()
        self.meant[scope] += 1
        self.undo_scope = scope
        for taps in (self.taps, self.all_taps):
            taps.setdefault(scope, []).append(self.clock.t)

    def undo(self) -> None:
        self.touch()
        w = self.w
        if w._undo_key is None or self.clock.t > w._undo_until or w.log.asking:
            return
        assert self.undo_scope is not None
        w.undo_tapped()
        self.settle()
        self.meant[self.undo_scope] -= 1
        for taps in (self.taps, self.all_taps):
            taps[self.undo_scope].pop()
        self.undo_scope = None

    def wait(self, seconds: float) -> None:
        self.clock.t += seconds
        self.w.tick()
        self.settle()
        if self.clock.t > self.w._undo_until:
            self.undo_scope = None

    def restart(self) -> None:
        self.w.leave()
        self.taps = {}
        self.undo_scope = None
        self.last = None
        self.w = self.start()

    def outage(self, on: bool) -> None:
        self.away = on
        if not on:
            self.w.sender.retry_now()
            self.settle()

    # --- the end -----------------------------------------------------------------------
    def finish(self) -> None:
        self.outage(False)
        self.qtbot.waitUntil(lambda: (self.w.sender.retry_now(), self.settle(),
                                      len(self.w.sender.outbox) == 0)[2], timeout=30_000)
        self.w.leave()
        with self.db.read() as s:
            rows = s.execute(select(SetLogRow.athlete_id, ExerciseRow.slug, SetLogRow.side,
                                    SetLogRow.set_number, SetLogRow.replaces_id,
                                    SetLogRow.session_id)
                             .join(ExerciseRow, ExerciseRow.id == SetLogRow.exercise_id)
                             .where(SetLogRow.station == self.station,
                                    SetLogRow.undone.is_(False))).all()
        stored: dict = {}
        for r in rows:
            assert r.session_id == self.session
            assert (r.replaces_id is not None) == (r.slug == "bird-dog")
            stored.setdefault((r.athlete_id, r.slug, r.side), []).append(r.set_number)
        meant = {k: n for k, n in self.meant.items() if n}
        assert {k: len(v) for k, v in stored.items()} == meant
        for numbers in stored.values():
            assert sorted(numbers) == list(range(1, len(numbers) + 1))


@settings(max_examples=20, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(steps=st.lists(ops, min_size=6, max_size=16))
def test_replayed_taps_store_exactly_the_sets_meant_numbered_1_to_k(qtbot, gym, tmp_path_factory,
                                                                   monkeypatch, steps):
    db, ids, position_ms = gym
    number = next(_examples)
    replay = Replay(qtbot, db, ids, position_ms, tmp_path_factory.mktemp("outbox"), number)
    real_apply = outbox_module.apply

    def flaky_apply(database, op):
        if replay.away:
            raise OperationalError("INSERT", {}, Exception("unable to open database file"))
        return real_apply(database, op)

    def flaky(read):
        def call(*args, **kwargs):
            if replay.away:
                raise OperationalError("SELECT", {}, Exception("unable to open database file"))
            return read(*args, **kwargs)
        return call

    # The cyclic garbage collector runs here only between examples, with every
    # kiosk's reads back: collected at a random moment while a reader thread
    # was inside SQLAlchemy, the run died in a segmentation fault (2 of about 4
    # full runs; cause not yet found, see the closing note).
    gc.disable()
    try:
        _replay(replay, flaky_apply, flaky, monkeypatch, steps)
    finally:
        gc.enable()
        gc.collect()


def _replay(replay, flaky_apply, flaky, monkeypatch, steps) -> None:
    with monkeypatch.context() as m:
        m.setattr(outbox_module, "apply", flaky_apply)
        for name in ("log_view", "class_now"):
            m.setattr(window_module, name, flaky(getattr(window_module, name)))
        # the roster read itself: a kiosk restarted while the database is away shows the
        # roster (and the class) it kept
        m.setattr(kiosk_store, "roster_view", flaky(kiosk_store.roster_view))
        start = [("check_in", "Ana"), ("check_in", "Ben"), ("check_in", "Dev")]
        for op, *args in [*start, *steps]:
            getattr(replay, op)(*args)
        replay.finish()


_examples = iter(range(10_000))
