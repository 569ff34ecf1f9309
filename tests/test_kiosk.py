"""The kiosk, tapped through offscreen: check-in, logging (both sides and per
side), undo, refusals, a flagged athlete's caution, PINs, lockdown, idle, and
a database that goes away. Time is a fake clock; commits are waited for, not
slept for."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import Qt
from sqlalchemy.exc import OperationalError

from backbeat.domain.pin import hash_pin
from backbeat.store.athletes import add_athlete, list_athletes
from backbeat.store.auth import set_trainer_pin
from backbeat.store.checkins import check_in, checked_in
from backbeat.store.classes import start_class
from backbeat.store.demo import ensure_demo
from backbeat.store.logs import count_logs, find_log, recent_logs, suggested_load
from backbeat.store.outbox import Outbox
from backbeat.ui.kiosk.window import IDLE_S, UNDO_S, KioskWindow
from tests.live_class import save_live_state


class FakeClock:
    def __init__(self):
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += seconds


@pytest.fixture
def gym(db):
    ensure_demo(db, weeks=1)
    return {a.name: a for a in list_athletes(db)}


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def make_kiosk(qtbot, db, tmp_path, clock):
    windows = []

    def make() -> KioskWindow:
        w = KioskWindow(db, station="kiosk-test", clock=clock, outbox=Outbox(tmp_path / "outbox"),
                        locked=False)
        qtbot.addWidget(w)
        w.resize(1280, 800)
        w.show()
        windows.append(w)
        qtbot.waitUntil(settled(w), timeout=10_000)  # the first roster read
        return w

    yield make
    for w in windows:
        w.leave()


def tap(qtbot, widget) -> None:
    """Tap, then wait for what the tap asked of the kiosk's threads (reads, commits)."""
    assert widget.isVisible() and widget.isEnabled(), widget.text()
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)
    w = widget.window()
    if isinstance(w, KioskWindow):
        qtbot.waitUntil(settled(w), timeout=10_000)


def tap_tile(qtbot, grid, name: str) -> None:
    tap(qtbot, grid.tile(name))


def pick(qtbot, w: KioskWindow, slug: str) -> None:
    """Tap the exercise's tile, turning the picker's pages (MORE ▶) until it is there."""
    grid, name = w.picker.grid, w.library.get(slug).name
    for _ in range(10):
        if any(t.name == name for t in grid.tiles):
            break
        tap(qtbot, grid.next_button)
    tap_tile(qtbot, grid, name)


def settled(w: KioskWindow, check=lambda: True):
    """A waitUntil predicate: takes in what the sender reported (as the window's
    tick does) and then checks."""

    def predicate() -> bool:
        w.drain_results()
        return not w.busy() and check()

    return predicate


def refresh(qtbot, w: KioskWindow) -> None:
    w.refresh()
    qtbot.waitUntil(settled(w), timeout=10_000)


def press_log(qtbot, w: KioskWindow) -> None:
    tap(qtbot, w.log.log_button)
    qtbot.waitUntil(settled(w), timeout=10_000)


def class_at(db, exercise: str, *, day: int = 1, set_no: int = 1, side: str | None = None):
    """The TV's class, paused in the given set."""
    from backbeat.engine.timeline import ClassPlan
    from backbeat.store.library import load_library
    from backbeat.store.programs import load_program

    tl = ClassPlan(load_program(db, "Precision Back"), day, load_library(db)).timeline()
    seg = next(s for s in tl.segments if s.exercise == exercise and s.kind == "work"
               and s.set == set_no and (side is None or (s.side and s.side.value == side)))
    start_class(db, "Precision Back", day, at_ns=time.time_ns(), leader="tv1",
                position_ms=seg.start_ms + 50, paused=True)


# --- roster and check-in ---------------------------------------------------------
def test_check_in_on_the_kiosk_puts_the_athlete_on_the_roster(qtbot, db, gym, make_kiosk):
    class_at(db, "lat-pulldown")
    w = make_kiosk()
    assert w.stack.currentWidget() is w.roster
    assert w.roster.check_in_button.isVisible()
    assert w.roster.grid.tiles == [] and "Nobody has checked in" in w.roster.grid.empty.text()
    assert f"{w.library.get('lat-pulldown').name}, set 1 of 3" in w.roster.class_label.text()
    tap(qtbot, w.roster.check_in_button)
    assert w.stack.currentWidget() is w.checkin
    assert len(w.checkin.grid.tiles) == 8
    tap_tile(qtbot, w.checkin.grid, "Ana")
    assert w.stack.currentWidget() is w.roster
    assert "Ana, you're checked in" in w.roster.message.text()
    assert [t.text() for t in w.roster.grid.tiles] == ["Ana"]
    assert checked_in(db) == {gym["Ana"].id}
    tap(qtbot, w.roster.check_in_button)  # Ana is no longer offered
    assert "Ana" not in [t.text() for t in w.checkin.grid.tiles]


def test_messages_take_the_headers_place_and_go_when_their_cause_goes(qtbot, db, gym, make_kiosk,
                                                                     clock):
    from PySide6.QtWidgets import QApplication

    from backbeat.ui.kiosk.window import MESSAGE_S

    class_at(db, "lat-pulldown")
    check_in(db, gym["Ben"].id)
    w = make_kiosk()
    refresh(qtbot, w)
    QApplication.processEvents()
    where = [t.mapTo(w, t.rect().topLeft()) for t in w.roster.grid.tiles]
    tap(qtbot, w.roster.check_in_button)
    tap_tile(qtbot, w.checkin.grid, "Ana")
    QApplication.processEvents()
    assert w.roster.message.kind == "good" and w.roster.message.banner.isVisible()
    assert not w.roster.title.isVisible()  # shown in the header's place …
    now = [t.mapTo(w, t.rect().topLeft()) for t in w.roster.grid.tiles]
    assert now[0] == where[0]  # … so the tiles under a finger did not move
    clock.advance(MESSAGE_S + 0.1)
    w.tick()
    assert not w.roster.message.kind and w.roster.title.isVisible()  # gone with its moment
    # a refused set's message goes as soon as the athlete changes the value
    tap_tile(qtbot, w.roster.grid, "Ana")
    while w.log.form.reps > 0:
        tap(qtbot, w.log.reps_stepper.buttons["down"])
    tap(qtbot, w.log.log_button)
    assert w.log.message.kind == "bad"
    tap(qtbot, w.log.reps_stepper.buttons["up"])
    assert not w.log.message.kind and not w.log.message.isVisible()


def test_with_no_class_everyone_is_on_the_roster_and_long_rosters_get_letters(
        qtbot, db, gym, make_kiosk):
    w = make_kiosk()
    assert not w.roster.check_in_button.isVisible()
    assert "No class running" in w.roster.class_label.text()
    assert len(w.roster.grid.tiles) == 8 and not w.roster.grid.letters_box.isVisible()
    for name in ("Bo", "Bea", "Cara", "Kai", "Lena", "Mo"):
        add_athlete(db, name)
    refresh(qtbot, w)
    assert w.roster.grid.letters_box.isVisible()
    assert len(w.roster.grid.tiles) == 12 and w.roster.grid.next_button.isVisible()
    tap(qtbot, w.roster.grid.letter_buttons["B"])
    assert [t.text() for t in w.roster.grid.tiles] == ["Bea", "Ben", "Bo"]


# --- logging -------------------------------------------------------------------------------
def test_log_a_bilateral_set_and_undo_it(qtbot, db, gym, make_kiosk, clock):
    w = make_kiosk()
    ana = gym["Ana"].id
    before = count_logs(db)
    last = recent_logs(db, ana, "lat-pulldown", limit=1)[0]
    tap_tile(qtbot, w.roster.grid, "Ana")
    assert w.stack.currentWidget() is w.picker  # no class: a choice of exercise
    pick(qtbot, w, "lat-pulldown")
    assert w.stack.currentWidget() is w.log
    assert not w.log.side_row.isVisible()
    start = suggested_load(db, ana, "lat-pulldown")
    assert start is not None and w.log.form.load_kg == start  # the store's suggestion
    assert w.log.load_stepper.value_label.text() == f"{start:g}"
    tap(qtbot, w.log.reps_stepper.buttons["up"])
    tap(qtbot, w.log.load_stepper.buttons["up_big"])
    tap(qtbot, w.log.effort_row.buttons[8])
    tap(qtbot, w.log.form_row.buttons[4])
    press_log(qtbot, w)
    assert "Saved: set 1 · 9 × " in w.log.message.text()
    assert count_logs(db) == before + 1
    row = recent_logs(db, ana, "lat-pulldown", limit=1)[0]
    assert (row.reps, row.load_kg, row.side, row.effort, row.form, row.station) == (
        9, start + 2.5, None, 8.0, 4, "kiosk-test")
    assert w.log.history_labels[0].text().startswith("set 1 · 9 × ")  # today's: by its number
    clock.advance(UNDO_S - 1)
    w.tick()
    assert w.log.undo_button.isVisible() and w.log.undo_button.text() == "UNDO  1"
    tap(qtbot, w.log.undo_button)
    qtbot.waitUntil(settled(w, lambda: "Undone" in w.log.message.text()), timeout=10_000)
    assert find_log(db, row.key).undone
    assert recent_logs(db, ana, "lat-pulldown", limit=1)[0].key == last.key


def test_undo_is_offered_for_ten_seconds_only(qtbot, db, gym, make_kiosk, clock):
    w = make_kiosk()
    tap_tile(qtbot, w.roster.grid, "Ben")
    pick(qtbot, w, "face-pull")
    press_log(qtbot, w)
    key = w._last_entry.key
    clock.advance(UNDO_S + 0.1)
    w.tick()
    assert not w.log.undo_button.isVisible()
    w.undo_tapped()  # even a late tap that reached the button does nothing
    assert not find_log(db, key).undone


def test_log_per_side_from_the_running_class(qtbot, db, gym, make_kiosk):
    class_at(db, "single-arm-dumbbell-row", set_no=2, side="left")
    w = make_kiosk()
    tap(qtbot, w.roster.check_in_button)
    tap_tile(qtbot, w.checkin.grid, "Chloé")
    tap_tile(qtbot, w.roster.grid, "Chloé")
    assert w.stack.currentWidget() is w.log  # straight to the class's set
    # her own first set, whatever set the class is on
    assert w.log.set_label.text() == "Set 1 of 3 for you · the class is on set 2"
    assert "8 reps each side" in w.log.prescription_label.text()
    assert "tempo 3-1-1-2" in w.log.prescription_label.text()
    assert w.log.side_row.isVisible() and w.log.form.side == "left"
    press_log(qtbot, w)
    assert "LEFT side" in w.log.message.text()
    assert w.log.form.side == "right"  # the other side comes next
    tap(qtbot, w.log.reps_stepper.buttons["down"])
    press_log(qtbot, w)
    rows = recent_logs(db, gym["Chloé"].id, "single-arm-dumbbell-row", limit=2)
    assert [(r.side, r.reps, r.set_number) for r in rows] == [("right", 7, 1), ("left", 8, 1)]


def test_out_of_range_values_are_refused_in_the_gyms_words(qtbot, db, gym, make_kiosk):
    w = make_kiosk()
    before = count_logs(db)
    tap_tile(qtbot, w.roster.grid, "Eli")
    pick(qtbot, w, "chest-supported-row")
    while w.log.form.reps > 0:
        tap(qtbot, w.log.reps_stepper.buttons["down"])
    tap(qtbot, w.log.log_button)
    assert w.log.message.kind == "bad"
    assert "0 reps is not a set" in w.log.message.text()
    tap(qtbot, w.log.reps_stepper.buttons["up"])
    while w.log.form.load_kg <= 300:
        tap(qtbot, w.log.load_stepper.buttons["up_big"])
    tap(qtbot, w.log.log_button)
    assert "kg is more than this gym logs (300 kg at most)" in w.log.message.text()
    # a side on a bilateral exercise, however it got there
    tap(qtbot, w.log.load_stepper.buttons["down_big"])
    w.log.form.side = "left"
    tap(qtbot, w.log.log_button)
    assert "works both sides at once" in w.log.message.text()
    assert w._in_flight is None and count_logs(db) == before


def test_a_flagged_athlete_sees_the_caution_and_the_coachs_swap(qtbot, db, gym, make_kiosk):
    class_at(db, "weighted-hyperextension", day=2)
    w = make_kiosk()
    tap(qtbot, w.roster.check_in_button)
    tap_tile(qtbot, w.checkin.grid, "Dev")
    tap_tile(qtbot, w.roster.grid, "Dev")
    assert w.log.caution.isVisible() and w.log.caution.kind == "caution"
    text = w.log.caution.text()
    assert text.startswith("⚠") and "Disc history" in text
    assert "Your coach's swap: Bird dog" in text
    assert w.exercise.slug == "bird-dog" and "Bird dog" in w.log.athlete_label.text()
    press_log(qtbot, w)
    assert recent_logs(db, gym["Dev"].id, "bird-dog", limit=1)[0].reps == w.log.form.reps
    # an athlete without the flag does the class's exercise, no caution
    tap(qtbot, w.log.done_button)
    tap(qtbot, w.roster.check_in_button)
    tap_tile(qtbot, w.checkin.grid, "Ana")
    tap_tile(qtbot, w.roster.grid, "Ana")
    assert w.exercise.slug == "weighted-hyperextension" and not w.log.caution.isVisible()


def test_an_athlete_pin_guards_the_log(qtbot, db, gym, make_kiosk):
    pinned = add_athlete(db, "Zoe", pin_hash=hash_pin("2468"))
    w = make_kiosk()
    tap_tile(qtbot, w.roster.grid, "Zoe")
    assert w.stack.currentWidget() is w.pin
    for key in "1111":
        tap(qtbot, w.pin.keys[key])
    tap(qtbot, w.pin.keys["OK"])
    assert "Wrong PIN" in w.pin.message.text() and w.stack.currentWidget() is w.pin
    for key in "2468":
        tap(qtbot, w.pin.keys[key])
    assert w.pin.dots.text() == "●●●●"
    tap(qtbot, w.pin.keys["OK"])
    assert w.stack.currentWidget() is w.picker and w.athlete.id == pinned


def test_idle_returns_to_the_roster(qtbot, db, gym, make_kiosk, clock):
    w = make_kiosk()
    tap_tile(qtbot, w.roster.grid, "Gus")
    pick(qtbot, w, "face-pull")
    clock.advance(IDLE_S - 1)
    w.tick()
    assert w.stack.currentWidget() is w.log
    tap(qtbot, w.log.reps_stepper.buttons["up"])  # a touch restarts the wait
    clock.advance(IDLE_S - 1)
    w.tick()
    assert w.stack.currentWidget() is w.log
    clock.advance(2)
    w.tick()
    assert w.stack.currentWidget() is w.roster and w.athlete is None


# --- lockdown --------------------------------------------------------------------------------
def test_lockdown_needs_the_trainer_pin_to_leave(qtbot, db, gym, make_kiosk):
    set_trainer_pin(db, "975319")
    w = make_kiosk()
    w.locked = True
    w._may_close = False
    w.close()
    assert w.isVisible()  # closing is refused
    qtbot.keyClick(w, Qt.Key.Key_Escape)
    assert w.isVisible() and w.stack.currentWidget() is w.roster  # and keys do nothing
    tap(qtbot, w.roster.trainer_button)
    assert w.stack.currentWidget() is w.pin
    for key in "1234":
        tap(qtbot, w.pin.keys[key])
    tap(qtbot, w.pin.keys["OK"])
    assert "wrong pin" in w.pin.message.text().lower()
    assert w.stack.currentWidget() is w.pin
    from backbeat.store.settings import get_setting

    # the try went the taps' way: counted in the database, as the trainer desktop counts it
    assert get_setting(db, "trainer.pin_failures")["count"] == 1
    for key in "975319":
        tap(qtbot, w.pin.keys[key])
    tap(qtbot, w.pin.keys["OK"])
    assert w.stack.currentWidget() is w.trainer
    assert get_setting(db, "trainer.pin_failures")["count"] == 0
    tap(qtbot, w.trainer.leave_button)
    assert not w.isVisible()


def test_without_a_trainer_pin_the_kiosk_says_it_is_not_locked(qtbot, db, gym, make_kiosk):
    w = make_kiosk()
    tap(qtbot, w.roster.trainer_button)
    assert w.stack.currentWidget() is w.trainer
    assert "No trainer PIN is set" in w.trainer.message.text()


# --- the database goes away --------------------------------------------------------------------
@pytest.fixture
def away(monkeypatch):
    """The database cannot be written (every tap the sender tries fails) while ``on``."""
    import backbeat.store.outbox as outbox_module

    real_apply = outbox_module.apply
    state = {"on": True}

    def flaky_apply(database, op):
        if state["on"]:
            raise OperationalError("INSERT", {}, Exception("unable to open database file"))
        return real_apply(database, op)

    monkeypatch.setattr(outbox_module, "apply", flaky_apply)
    return state


def test_a_tap_while_the_database_is_away_is_kept_and_sent_later(qtbot, db, gym, make_kiosk, away):
    w = make_kiosk()
    before = count_logs(db)
    tap_tile(qtbot, w.roster.grid, "Hana")
    pick(qtbot, w, "face-pull")
    press_log(qtbot, w)
    assert w.log.message.kind == "caution"
    assert "Kept on this kiosk" in w.log.message.text()
    assert "1 tap kept safe on this kiosk" in w.log.status_label.text()
    assert count_logs(db) == before and len(w.sender.outbox) == 1
    key = w._last_entry.key
    away["on"] = False
    w.sender.retry_now()
    qtbot.waitUntil(settled(w, lambda: "reached the database" in w.log.status_label.text()),
                    timeout=10_000)
    assert w.pending == 0 and len(w.sender.outbox) == 0
    assert count_logs(db) == before + 1 and find_log(db, key) is not None


def test_a_pound_gym_steps_and_shows_pounds_and_stores_kg(qtbot, db, gym, make_kiosk):
    from backbeat.domain.setlog import KG_PER_LB
    from backbeat.store.settings import set_setting

    set_setting(db, "units", "lb")
    w = make_kiosk()
    tap_tile(qtbot, w.roster.grid, "Farah")
    pick(qtbot, w, "face-pull")
    shown = float(w.log.load_stepper.value_label.text())
    assert w.log.load_stepper.unit_label.text() == "lb"
    assert w.log.load_stepper.buttons["up_big"].text() == "+5"
    tap(qtbot, w.log.load_stepper.buttons["up_big"])
    tap(qtbot, w.log.load_stepper.buttons["up"])
    assert float(w.log.load_stepper.value_label.text()) == shown + 6
    press_log(qtbot, w)
    assert f"× {shown + 6:g} lb" in w.log.message.text()
    row = recent_logs(db, gym["Farah"].id, "face-pull", limit=1)[0]
    assert row.load_kg == pytest.approx((shown + 6) * KG_PER_LB)


def test_every_touch_target_is_at_least_15_mm(qtbot, db, gym, make_kiosk):
    """15 mm at 96 dpi is 57 px: every button on every screen, at a 1280×800 tablet."""
    from PySide6.QtWidgets import QPushButton

    class_at(db, "single-arm-dumbbell-row")
    w = make_kiosk()
    for name in "BCDEFGHIJKLMN":  # a long roster: the letter row and page buttons show
        add_athlete(db, f"{name}ora")
    refresh(qtbot, w)
    seen = 0
    for show in (w.show_roster, w.show_check_in, lambda: w.athlete_tapped(gym["Ana"].id),
                 w.show_picker, lambda: w._ask_pin("trainer", None, "Trainer PIN"),
                 w.show_trainer):
        show()
        qtbot.wait(1)  # let the layout settle
        for b in w.stack.currentWidget().findChildren(QPushButton):
            if b.isVisible():
                seen += 1
                assert min(b.width(), b.height()) >= 57, (b.text(), b.size())
    assert seen > 40


# --- every set logged right ------------------------------------------------------------------
def class_at_s(db, at_s: float, *, session_id: int | None = None) -> None:
    save_live_state(db, "tv", {"program": "Precision Back", "day": 1, "position_ms": at_s * 1000,
                               "state": "paused", "extensions": {}, "session_id": session_id}, 0)


def test_now_means_what_runs_now(qtbot, db, gym, make_kiosk):
    class_at_s(db, 20)  # the opening breathing drill
    w = make_kiosk()
    assert "now: 90/90 breathing · next to log: Lat pulldown" in w.roster.class_label.text()


def test_a_double_tap_asks_next_set_or_mistake_and_logs_nothing_twice(qtbot, db, gym, make_kiosk,
                                                                        clock):
    w = make_kiosk()
    ben = gym["Ben"].id
    before = count_logs(db)
    tap_tile(qtbot, w.roster.grid, "Ben")
    pick(qtbot, w, "face-pull")
    assert w.log.set_label.text() == "Set 1 · open gym"
    press_log(qtbot, w)
    assert w.log.set_label.text() == "Set 2 · open gym"
    clock.advance(2)
    tap(qtbot, w.log.log_button)  # 2 s later: a double tap?
    assert w.log.asking and not w.log.log_button.isVisible()
    assert "ago: is this your next set?" in w.log.question.text()
    assert count_logs(db) == before + 1
    tap(qtbot, w.log.mistake_button)
    assert count_logs(db) == before + 1 and "Not logged" in w.log.message.text()
    assert w.log.log_button.isVisible() and not w.log.asking
    clock.advance(2)
    tap(qtbot, w.log.log_button)
    assert w.log.asking
    tap(qtbot, w.log.next_set_button)  # yes: the next set
    qtbot.waitUntil(settled(w), timeout=10_000)
    assert count_logs(db) == before + 2 and "Saved: set 2" in w.log.message.text()
    assert [r.set_number for r in recent_logs(db, ben, "face-pull", limit=2)] == [2, 1]
    # undo still works, for 10 s, and the next set is 2 again
    tap(qtbot, w.log.undo_button)
    assert find_log(db, w._last_entry.key).undone
    assert w.log.set_label.text() == "Set 2 · open gym"
    clock.advance(21)  # after 20 s a new tap is just the next set
    w.tick()
    press_log(qtbot, w)
    assert not w.log.asking and count_logs(db, undone=False) == before + 2


def _dev_at_the_hyperextension(qtbot, db, make_kiosk, *, set_no: int):
    """A class session on day 2 at the hyperextension's set ``set_no``; Dev (disc history)
    checks in and taps his name. Returns (session, kiosk)."""
    from backbeat.store.sessions import start_session

    session = start_session(db, "Precision Back", 2)
    class_at(db, "weighted-hyperextension", day=2, set_no=set_no)
    save_live_state(db, "tv", {**_live(db), "session_id": session}, 0)
    w = make_kiosk()
    tap(qtbot, w.roster.check_in_button)
    tap_tile(qtbot, w.checkin.grid, "Dev")
    tap_tile(qtbot, w.roster.grid, "Dev")
    return session, w


def test_a_substitute_is_logged_as_itself_with_its_own_prescription(qtbot, db, gym, make_kiosk):

    session, w = _dev_at_the_hyperextension(qtbot, db, make_kiosk, set_no=2)
    assert w.exercise.slug == "bird-dog"
    # the trainer's prescription for the swap (10 reps, 2-1-2-2), not the hyperextension's 8 × 5 kg
    assert w.log.form.reps == 10 and w.log.form.load_kg is None
    text = w.log.prescription_label.text()
    assert "10 reps" in text and "tempo 2-1-2-2" in text and "instead of Weighted hyperextension" in text
    assert w.log.set_label.text() == "Set 1 of 3 for you · the class is on set 2"
    press_log(qtbot, w)
    row = find_log(db, w._last_entry.key)
    assert (row.exercise, row.replaces, row.session_id, row.set_number, row.reps) == (
        "bird-dog", "weighted-hyperextension", session, 1, 10)
    assert w._last_entry.tempo == "2-1-2-2"


def _live(db) -> dict:
    from tests.live_class import load_live_state

    return load_live_state(db, "tv")


def test_the_kiosk_offers_a_safe_substitute_when_the_trainer_chose_none(qtbot, db, gym, make_kiosk):
    from backbeat.store.athletes import remove_substitution

    remove_substitution(db, gym["Dev"].id, "weighted-hyperextension")
    class_at(db, "weighted-hyperextension", day=2)
    w = make_kiosk()
    tap(qtbot, w.roster.check_in_button)
    tap_tile(qtbot, w.checkin.grid, "Dev")
    tap_tile(qtbot, w.roster.grid, "Dev")
    assert w.exercise.slug == "weighted-hyperextension" and "Suggested swap: Bird dog" in \
        w.log.caution.text()
    tap(qtbot, w.log.swap_button)
    assert w.exercise.slug == "bird-dog" and w.log.form.reps == 8  # the library's default
    press_log(qtbot, w)
    assert find_log(db, w._last_entry.key).replaces == "weighted-hyperextension"


def test_athlete_pin_lockouts_survive_a_restart(qtbot, db, gym, make_kiosk):
    add_athlete(db, "Zoe", pin_hash=hash_pin("2468"))
    w = make_kiosk()
    for _ in range(4):
        tap_tile(qtbot, w.roster.grid, "Zoe")
        for key in "1111":
            tap(qtbot, w.pin.keys[key])
        tap(qtbot, w.pin.keys["OK"])
        tap(qtbot, w.pin.cancel_button)
        qtbot.waitUntil(settled(w), timeout=10_000)
    w.leave()
    again = make_kiosk()  # a restarted kiosk reads the back-off from the database
    tap_tile(qtbot, again.roster.grid, "Zoe")
    for key in "2468":
        tap(qtbot, again.pin.keys[key])
    tap(qtbot, again.pin.keys["OK"])
    assert "Too many wrong PINs: wait" in again.pin.message.text()
    assert again.stack.currentWidget() is again.pin


def test_a_check_in_while_the_database_is_away_is_kept_and_sent_later(qtbot, db, gym, make_kiosk,
                                                                        away):
    class_at(db, "lat-pulldown")
    w = make_kiosk()
    tap(qtbot, w.roster.check_in_button)
    tap_tile(qtbot, w.checkin.grid, "Gus")
    assert "Checked in on this kiosk" in w.roster.message.text()
    assert "Gus" in [t.text() for t in w.roster.grid.tiles]  # on the roster at once
    assert gym["Gus"].id not in checked_in(db)
    away["on"] = False
    w.sender.retry_now()
    qtbot.waitUntil(settled(w, lambda: gym["Gus"].id in checked_in(db)), timeout=10_000)


def test_nothing_on_the_gui_thread_touches_the_database(qtbot, db, gym, make_kiosk, clock):
    """Tapping through check-in, PINs, logging, a double tap, undo and roster
    refreshes: every SQL statement runs on another thread than the screen's."""
    import threading

    from sqlalchemy import event

    add_athlete(db, "Zoe", pin_hash=hash_pin("2468"))
    class_at(db, "single-arm-dumbbell-row")
    on_gui: list[str] = []
    watching = {"on": False}

    def seen(_conn, _cursor, statement, *_args) -> None:
        if watching["on"] and threading.current_thread() is threading.main_thread():
            on_gui.append(statement)

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        watching["on"] = True
        w = make_kiosk()
        tap(qtbot, w.roster.check_in_button)
        tap_tile(qtbot, w.checkin.grid, "Zoe")
        for key in "2468":
            tap(qtbot, w.pin.keys[key])
        tap(qtbot, w.pin.keys["OK"])
        tap_tile(qtbot, w.roster.grid, "Zoe")
        for key in "2468":
            tap(qtbot, w.pin.keys[key])
        tap(qtbot, w.pin.keys["OK"])
        assert w.stack.currentWidget() is w.log
        press_log(qtbot, w)
        press_log(qtbot, w)  # the right side
        clock.advance(1)
        tap(qtbot, w.log.log_button)
        tap(qtbot, w.log.mistake_button)
        tap(qtbot, w.log.undo_button)
        tap(qtbot, w.log.change_button)
        pick(qtbot, w, "face-pull")
        tap(qtbot, w.log.done_button)
        clock.advance(6)
        w.tick()
        qtbot.waitUntil(settled(w), timeout=10_000)
        tap(qtbot, w.roster.trainer_button)
        watching["on"] = False
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    assert on_gui == []


def test_the_load_shows_how_to_build_it_and_the_warm_up(qtbot, db, gym, make_kiosk):
    from backbeat.domain.equipment import STARTER_EQUIPMENT, Equipment
    from backbeat.store.equipment import get_equipment, save_equipment

    assert get_equipment(db) == STARTER_EQUIPMENT  # the demo gym records its equipment
    w = make_kiosk()
    tap_tile(qtbot, w.roster.grid, "Ana")
    pick(qtbot, w, "romanian-deadlift")
    w.log.set_load(61.0)  # an odd total: 20.5 kg a side cannot be made
    assert w.log.build_panel.isVisible()
    assert "61 kg cannot be built" in w.log.build_label.text()
    assert [b.text() for b in w.log.nearest_buttons] == ["60 kg", "62.5 kg"]
    assert not w.log.warmup_label.isVisible()
    tap(qtbot, w.log.nearest_buttons[1])
    assert w.log.form.load_kg == 62.5
    assert w.log.build_label.text() == "LOAD IT:  Olympic bar 20 kg + 20 · 1.25 kg each side"
    assert not w.log.nearest_buttons[0].isVisible()
    # bar, 45 %, 65 %, 85 % of 62.5 kg, each on a load the gym can build
    assert w.log.warmup_label.text() == "WARM-UP  bar → 27.5 → 40 → 52.5 kg"
    # a dumbbell exercise names the dumbbell; a machine says nothing about plates
    tap(qtbot, w.log.change_button)
    pick(qtbot, w, "single-arm-dumbbell-row")
    w.log.set_load(16.0)
    assert w.log.build_label.text() == "LOAD IT:  16 kg dumbbell"
    assert not w.log.warmup_label.isVisible()
    tap(qtbot, w.log.change_button)
    pick(qtbot, w, "lat-pulldown")
    assert not w.log.build_panel.isVisible()
    # equipment not recorded: nothing is said about plates
    save_equipment(db, Equipment())
    tap(qtbot, w.log.change_button)
    pick(qtbot, w, "romanian-deadlift")
    assert not w.log.build_panel.isVisible()


def test_a_timed_hold_substitute_is_logged_in_seconds_held(qtbot, db, gym, make_kiosk):
    """The trainer gives Dev a scapular hold (30 s prescribed as its number) instead of
    the hyperextension: the kiosk counts seconds held, and the log says so."""
    from backbeat.store.athletes import set_substitution

    set_substitution(db, gym["Dev"].id, "weighted-hyperextension", "scapular-retraction-hold",
                     reps=30)
    session, w = _dev_at_the_hyperextension(qtbot, db, make_kiosk, set_no=1)
    assert w.exercise.slug == "scapular-retraction-hold"
    assert w.log.form.hold_s == 30 and "s held" in w.log.reps_stepper.unit_label.text()
    tap(qtbot, w.log.reps_stepper.buttons["up"])  # seconds in steps of 5
    assert w.log.form.hold_s == 35
    press_log(qtbot, w)
    assert "35 s hold" in w.log.message.text(), w.log.message.text()
    row = find_log(db, w._last_entry.key)
    assert (row.exercise, row.replaces, row.session_id, row.reps, row.hold_s) == (
        "scapular-retraction-hold", "weighted-hyperextension", session, 1, 35)
    assert "35 s hold" in w.log.history_labels[0].text()
