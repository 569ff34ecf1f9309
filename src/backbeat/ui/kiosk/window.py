"""The athletes' kiosk: roster → (PIN) → log a set, locked down for the gym floor.

The window reads the store for what to show and hands every tap to a
:class:`~backbeat.store.outbox.TapSender`, which commits it on its own thread;
the confirmation shows only when the sender reports the set durably stored
(or durably queued on this kiosk while the database is away). Time comes
from an injected monotonic clock: the timers only look at it (undo window,
idle return, roster refresh), so tests drive it without waiting.
"""

from __future__ import annotations

import queue
import time
import uuid
from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QMainWindow, QStackedWidget

from backbeat.domain.athlete import Athlete
from backbeat.domain.errors import InvalidInput
from backbeat.domain.exercise import Exercise, Library
from backbeat.domain.pin import lockout_s, verify_pin
from backbeat.domain.setlog import (
    SetEntry,
    Units,
    check_set,
    format_load,
    loggable_exercises,
    units_of,
)
from backbeat.engine.offer import (
    ClassSet,
    first_reps,
    first_side,
    logged_tempo,
    next_side,
    prescription_line,
    set_words,
    swap_for,
)
from backbeat.store.athletes import athlete_pin_hash, list_athletes
from backbeat.store.auth import check_trainer_pin, has_trainer_pin
from backbeat.store.checkins import check_in, checked_in
from backbeat.store.db import Database
from backbeat.store.equipment import get_equipment
from backbeat.store.library import load_library
from backbeat.store.live import class_now
from backbeat.store.logs import recent_logs, suggested_load
from backbeat.store.outbox import Outbox, TapOp, TapResult, TapSender, TapStatus
from backbeat.store.settings import get_setting
from backbeat.ui.kiosk import style
from backbeat.ui.kiosk.logset import LogPage, SetForm, side_word
from backbeat.ui.kiosk.roster import CheckInPage, PickerPage, RosterPage, TrainerPage
from backbeat.ui.kiosk.widgets import PinPad

#: How long UNDO stays offered after a set is confirmed.
UNDO_S = 10.0
#: A passing message ("you're checked in", "3 taps reached the database") goes after this.
MESSAGE_S = 8.0
#: With nobody touching it, the kiosk goes back to the roster after this long.
IDLE_S = 45.0
#: A tap with no answer from the sender after this long gets the button back
#: (the tap stays with the sender, which answers when it can).
SAVING_TIMEOUT_S = 20.0
#: How often the roster re-reads check-ins and the class (other kiosks, the TV).
ROSTER_REFRESH_S = 5.0
#: The timer only repaints countdowns and looks at the clock.
TICK_MS = 250


class _Bridge(QObject):
    """Wakes the GUI thread when the sender has news (the news itself waits in a
    queue that the GUI thread drains, also on every tick: nothing is lost if a
    wake-up is)."""

    wake = Signal()


class KioskWindow(QMainWindow):
    def __init__(self, db: Database, *, station: str = "kiosk",
                 clock: Callable[[], float] = time.monotonic,
                 today: Callable[[], date] = date.today,
                 outbox: Outbox | None = None, locked: bool = True):
        super().__init__()
        self.setWindowTitle("Backbeat — kiosk")
        self.db = db
        self.station = station
        self.clock = clock
        self.today = today
        self.locked = locked
        self._may_close = not locked
        self.units: Units = units_of(get_setting(db, "units"))
        self.library: Library = load_library(db)
        self.bridge = _Bridge()
        self.bridge.wake.connect(self.drain_results)
        self._results: queue.SimpleQueue[TapResult] = queue.SimpleQueue()
        self.sender = TapSender(db, self._from_sender, outbox=outbox)
        self.pending = len(self.sender.outbox)

        self.stack = QStackedWidget()
        self.setCentralWidget(self.stack)
        self.roster = RosterPage()
        self.checkin = CheckInPage()
        self.pin = PinPad()
        self.picker = PickerPage()
        self.log = LogPage(self.units)
        self.trainer = TrainerPage()
        for page in (self.roster, self.checkin, self.pin, self.picker, self.log, self.trainer):
            self.stack.addWidget(page)

        self.roster.athlete_tapped.connect(self.athlete_tapped)
        self.roster.check_in_tapped.connect(self.show_check_in)
        self.roster.trainer_tapped.connect(self.trainer_tapped)
        self.checkin.athlete_tapped.connect(self.check_in_tapped)
        self.checkin.back_tapped.connect(self.show_roster)
        self.pin.entered.connect(self._pin_entered)
        self.pin.cancelled.connect(self.show_roster)
        self.picker.exercise_tapped.connect(self.exercise_chosen)
        self.picker.back_tapped.connect(self._picker_back)
        self.log.log_tapped.connect(self.log_tapped)
        self.log.undo_tapped.connect(self.undo_tapped)
        self.log.done_tapped.connect(self.show_roster)
        self.log.change_tapped.connect(self.show_picker)
        self.trainer.leave_tapped.connect(self.leave)
        self.trainer.window_tapped.connect(self.toggle_window)
        self.trainer.back_tapped.connect(self.show_roster)

        self.athletes: dict[int, Athlete] = {}
        self.athlete: Athlete | None = None
        self.exercise: Exercise | None = None
        self.class_set: ClassSet | None = None
        self._pin_for: tuple[str, int | None] | None = None  # ("athlete"|"checkin"|"trainer", id)
        self._pin_failures: dict[int, tuple[int, float]] = {}
        self._in_flight: str | None = None  # key of the tap being committed
        self._undo_key: str | None = None
        self._undo_until = 0.0
        self._last_touch = clock()
        self._last_refresh = -1e9
        self._scale = 0.0
        self._last_entry: SetEntry | None = None
        self._delivered_note = ""
        self._roster_message_until = 0.0
        self._delivered_until = 0.0

        QApplication.instance().installEventFilter(self)
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self.tick)
        self._timer.start()
        self.apply_scale(style.BASE_W, style.BASE_H)
        self.show_roster()

    # --- look ----------------------------------------------------------------------
    def apply_scale(self, width: int, height: int) -> None:
        scale = round(style.scale_for(width, height), 2)
        if scale != self._scale:
            self._scale = scale
            self.setStyleSheet(style.stylesheet(scale))

    def resizeEvent(self, event) -> None:
        self.apply_scale(event.size().width(), event.size().height())
        super().resizeEvent(event)

    # --- lockdown: no keyboard, no leaving without the trainer PIN -------------------------
    def keyPressEvent(self, event) -> None:
        event.accept()  # a kiosk has no keyboard; a plugged-in one does nothing

    def closeEvent(self, event) -> None:
        if not self._may_close:
            event.ignore()
            return
        self._timer.stop()
        QApplication.instance().removeEventFilter(self)
        self.sender.close()
        super().closeEvent(event)

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.WindowStateChange and self._lost_screen():
            QTimer.singleShot(0, self.reclaim_screen)

    def hideEvent(self, event) -> None:
        super().hideEvent(event)
        if self.locked and not self._may_close:
            QTimer.singleShot(0, self.reclaim_screen)  # "show desktop", a window manager's hide

    def _lost_screen(self) -> bool:
        """Locked, yet minimized, hidden or out of full screen."""
        return (self.locked and not self._may_close
                and (self.isMinimized() or not self.isVisible() or not self.isFullScreen()))

    def reclaim_screen(self) -> None:
        """A locked kiosk takes its screen back (checked on every tick too, for
        window managers that hide it without telling)."""
        if not self._lost_screen():
            return
        self.setWindowState((self.windowState() & ~Qt.WindowState.WindowMinimized)
                            | Qt.WindowState.WindowFullScreen | Qt.WindowState.WindowActive)
        self.showFullScreen()
        self.raise_()
        self.activateWindow()

    def eventFilter(self, watched, event) -> bool:
        if event.type() in (QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin):
            self._last_touch = self.clock()
        return False

    def trainer_tapped(self) -> None:
        if not has_trainer_pin(self.db):
            self.show_trainer("No trainer PIN is set, so this kiosk is not locked: set one on "
                              "the trainer desktop (backbeat trainer).")
            return
        self._ask_pin("trainer", None, "Trainer PIN")

    def show_trainer(self, warning: str = "") -> None:
        if warning:
            self.trainer.message.show_message("caution", warning)
        else:
            self.trainer.message.clear()
        self.trainer.window_button.setText("SHOW IN A WINDOW" if self.isFullScreen()
                                           else "FULL SCREEN")
        self.stack.setCurrentWidget(self.trainer)

    def leave(self) -> None:
        self._may_close = True
        self.close()

    def toggle_window(self) -> None:
        if self.isFullScreen():
            self.locked = False
            self.showNormal()
        else:
            self.locked = True
            self.showFullScreen()
        self.show_roster()

    # --- roster and check-in ---------------------------------------------------------
    def refresh(self) -> None:
        self._last_refresh = self.clock()
        self.athletes = {a.id: a for a in list_athletes(self.db)}
        self.class_set = class_now(self.db)
        cs = self.class_set
        if cs is not None:
            here = checked_in(self.db, day=self.today())
            items = [(a.id, a.name) for a in self.athletes.values() if a.id in here]
            paused = "" if cs.running else " (paused)"
            now = f"{cs.exercise_name}, set {cs.set_number} of {cs.sets}" if cs.set_number else ""
            self.roster.class_label.setText(
                f"{cs.program} · day {cs.day}{paused}" + (f" — now: {now}" if now else ""))
            self.roster.check_in_button.show()
            empty = "Nobody has checked in yet: tap CHECK IN, then your name."
        else:
            items = [(a.id, a.name) for a in self.athletes.values()]
            self.roster.class_label.setText("No class running: everyone can log a set.")
            self.roster.check_in_button.hide()
            empty = "No athletes yet: the trainer adds them on the trainer desktop."
        if not items or [k for k, _ in items] != [k for k, _ in self.roster.grid.items]:
            self.roster.grid.set_items(items, empty)  # rebuilt only when the roster changed
        self._show_status()

    def show_roster(self) -> None:
        self.athlete = None
        self._pin_for = None
        self.roster.message.clear()
        self.refresh()
        self.stack.setCurrentWidget(self.roster)

    def show_check_in(self) -> None:
        here = checked_in(self.db, day=self.today())
        items = [(a.id, a.name) for a in self.athletes.values() if a.id not in here]
        self.checkin.message.clear()
        self.checkin.grid.set_items(items, "Everyone is checked in.")
        self.stack.setCurrentWidget(self.checkin)

    def check_in_tapped(self, athlete_id: int) -> None:
        athlete = self.athletes[athlete_id]
        if athlete.has_pin:
            self._ask_pin("checkin", athlete_id, f"{athlete.name}: your PIN")
            return
        self._do_check_in(athlete)

    def _do_check_in(self, athlete: Athlete) -> None:
        try:
            check_in(self.db, athlete.id, day=self.today(), station=self.station,
                     session_id=self.class_set.session_id if self.class_set else None)
        except Exception as exc:  # the database is away: say so, nothing is pretended
            self.checkin.message.show_message(
                "bad", f"Check-in not saved: the database cannot be reached ({type(exc).__name__}). "
                       "Try again in a moment.")
            self.stack.setCurrentWidget(self.checkin)
            return
        self.show_roster()
        self._roster_message_until = self.clock() + MESSAGE_S
        self.roster.message.show_message("good", f"{athlete.name}, you're checked in. Tap your name "
                                                 "to log a set.")

    def athlete_tapped(self, athlete_id: int) -> None:
        athlete = self.athletes.get(athlete_id)
        if athlete is None:
            return
        if athlete.has_pin:
            self._ask_pin("athlete", athlete_id, f"{athlete.name}: your PIN")
            return
        self.open_athlete(athlete)

    # --- PINs --------------------------------------------------------------------------
    def _ask_pin(self, purpose: str, athlete_id: int | None, title: str) -> None:
        self._pin_for = (purpose, athlete_id)
        self.pin.reset(title, "4 digits, then OK" if purpose != "trainer" else "then OK")
        self.pin.set_locked(False)
        self.stack.setCurrentWidget(self.pin)

    def _pin_entered(self, pin: str) -> None:
        if self._pin_for is None:
            return
        purpose, athlete_id = self._pin_for
        if purpose == "trainer":
            result = check_trainer_pin(self.db, pin)
            if result.ok:
                self._pin_for = None
                self.show_trainer()
            else:
                self.pin.reset("Trainer PIN", result.message)
            return
        athlete = self.athletes[athlete_id]
        count, last = self._pin_failures.get(athlete_id, (0, 0.0))
        wait = last + lockout_s(count) - self.clock()
        if wait > 0:
            self.pin.reset(f"{athlete.name}: your PIN", f"Too many wrong PINs: wait {wait:.0f} s")
            return
        stored = athlete_pin_hash(self.db, athlete_id)
        if stored and verify_pin(pin, stored):
            self._pin_failures.pop(athlete_id, None)
            self._pin_for = None
            if purpose == "checkin":
                self._do_check_in(athlete)
            else:
                self.open_athlete(athlete)
            return
        self._pin_failures[athlete_id] = (count + 1, self.clock())
        wait = lockout_s(count + 1)
        self.pin.reset(f"{athlete.name}: your PIN",
                       "Wrong PIN" + (f": wait {wait:.0f} s" if wait else ", try again"))

    # --- choosing the exercise -----------------------------------------------------------
    def open_athlete(self, athlete: Athlete) -> None:
        self.athlete = athlete
        self.class_set = class_now(self.db)
        if self.class_set is not None:
            self.open_log(self.class_set.exercise)
        else:
            self.show_picker()

    def show_picker(self) -> None:
        slugs = list(self.class_set.exercises) if self.class_set else []
        slugs += [s for s in loggable_exercises(self.library) if s not in slugs]
        items = [(s, self.library.get(s).name) for s in slugs]
        self.picker.title.setText(f"{self.athlete.name}: what are you logging?"
                                  if self.athlete else "What are you logging?")
        self.picker.grid.set_items(items)
        self.stack.setCurrentWidget(self.picker)

    def _picker_back(self) -> None:
        if self.exercise is not None and self.athlete is not None:
            self.stack.setCurrentWidget(self.log)
        else:
            self.show_roster()

    def exercise_chosen(self, slug: str) -> None:
        self.open_log(slug, swap=False)

    # --- the log screen ---------------------------------------------------------------------
    def open_log(self, slug: str, *, swap: bool = True) -> None:
        athlete = self.athlete
        assert athlete is not None
        asked = self.library.get(slug)
        chosen = swap_for(athlete, asked, self.library, swap=swap)
        exercise = self.exercise = chosen.exercise
        cs = self.class_set if self.class_set and self.class_set.exercise == slug else None
        side = first_side(exercise, cs)
        history = recent_logs(self.db, athlete.id, exercise.slug, limit=4)
        reps = first_reps(cs, history[0].reps if history else None)
        load = self._suggested(exercise.slug, side, cs)
        form = SetForm(reps=reps, load_kg=load, side=side)
        same = None if chosen.swapped(asked) else cs  # the class's words fit its own exercise
        self.log.open(athlete, exercise, set_text=set_words(same),
                      prescription=prescription_line(exercise, same, load, self.units),
                      form=form, caution=chosen.caution, caution_text=chosen.caution_text,
                      menu=get_equipment(self.db).menu_for(exercise))
        self._in_flight = None
        self._undo_key = None
        self.log.show_history(history, self.today())
        self.stack.setCurrentWidget(self.log)
        self._show_status()

    def _suggested(self, slug: str, side: str | None, cs: ClassSet | None) -> float | None:
        load = suggested_load(self.db, self.athlete.id, slug, side=side)
        if load is None and cs is not None:
            load = cs.load_kg  # never logged it: start from what the class prescribes
        return load

    def log_tapped(self) -> None:
        if self._in_flight is not None or self.athlete is None or self.exercise is None:
            return  # a double tap while the first is being saved
        form = self.log.form
        effort = float(form.effort) if form.effort is not None else None
        try:
            check_set(self.exercise, reps=form.reps, load_kg=form.load_kg, side=form.side,
                      effort=effort, form=form.form, units=self.units)
        except InvalidInput as exc:
            self.log.message.show_message("bad", exc.reason[:1].upper() + exc.reason[1:] + ".")
            return
        cs = self.class_set if self.class_set and self.class_set.exercise == self.exercise.slug else None
        entry = SetEntry(
            key=uuid.uuid4().hex, athlete_id=self.athlete.id, exercise=self.exercise.slug,
            reps=form.reps, load_kg=form.load_kg or None, side=form.side, effort=effort,
            form=form.form, set_number=cs.set_number if cs else None,
            tempo=logged_tempo(self.exercise, cs),
            session_id=cs.session_id if cs else None, station=self.station,
        )
        self._in_flight = entry.key
        self._in_flight_since = self.clock()
        self._last_entry = entry
        self.log.log_button.setEnabled(False)
        self.log.log_button.setText("SAVING…")
        self.log.message.clear()
        self.sender.send_log(entry)

    def undo_tapped(self) -> None:
        if self._undo_key is None or self.clock() > self._undo_until:
            return
        key, self._undo_key = self._undo_key, None
        self.log.undo_button.hide()
        self.log.message.show_message("info", "Undoing…")
        self.sender.send_undo(key)

    # --- what the sender reports ----------------------------------------------------------------
    def _from_sender(self, result: TapResult) -> None:
        """Called on the sender's thread."""
        self._results.put(result)
        self.bridge.wake.emit()

    def drain_results(self) -> None:
        while True:
            try:
                result = self._results.get_nowait()
            except queue.Empty:
                return
            self.on_result(result)

    def on_result(self, result: TapResult) -> None:
        if result.status in (TapStatus.QUEUED, TapStatus.DELIVERED):
            self.pending = result.pending
        if result.op is TapOp.DELIVER:
            note = (f"✓ {result.count} tap{'s' * (result.count != 1)} kept on this kiosk "
                    "reached the database.")
            self._delivered_note = note
            self._delivered_until = self.clock() + MESSAGE_S
            self._show_status()
            return
        if result.op is TapOp.LOG and result.key == self._in_flight:
            self._in_flight = None
            self.log.log_button.setEnabled(True)
            self.log.log_button.setText("LOG SET")
            if result.status is TapStatus.REFUSED:
                self.log.message.show_message("bad", f"Not saved: {result.message}.")
                return
            entry = self._last_entry
            what = f"{entry.reps} × {format_load(entry.load_kg, self.units)}"
            if entry.side:
                what += f" · {side_word(entry.side)}"
            if result.status is TapStatus.QUEUED:
                self.log.message.show_message(
                    "caution", f"Kept on this kiosk: {what}. It is sent when the database "
                               f"takes it ({result.message}).")
            else:
                self.log.message.show_message("good", f"Saved: {what}")
            self._undo_key = result.key
            self._undo_until = self.clock() + UNDO_S
            self.log.undo_button.show()
            self._refresh_undo()
            other = next_side(self.exercise, entry.side)
            if other is not None:
                self.log.set_side(other)  # the other side comes next
                self.log.set_load(self._suggested(self.exercise.slug, other, None)
                                  or entry.load_kg)
            self._refresh_history()
        elif result.op is TapOp.UNDO:
            if result.status is TapStatus.REFUSED:
                self.log.message.show_message("bad", f"Not undone: {result.message}.")
            elif result.status is TapStatus.QUEUED:
                self.log.message.show_message("caution", "Undone on this kiosk; the database "
                                                         "hears of it when it is back.")
            else:
                self.log.message.show_message("good", "Undone: that set is off your log.")
            self._refresh_history()
        self._show_status()

    def _refresh_history(self) -> None:
        if self.athlete is None or self.exercise is None:
            return
        try:
            rows = recent_logs(self.db, self.athlete.id, self.exercise.slug, limit=4)
        except Exception:
            return  # the database is away: the last list stays up
        self.log.show_history(rows, self.today())

    def _show_status(self) -> None:
        if self.pending:
            text = (f"⚠ {self.pending} tap{'s' * (self.pending != 1)} kept safe on this kiosk, "
                    "waiting for the database: they are sent when it is back.")
        else:
            text = self._delivered_note
        aside = len(self.sender.outbox.set_aside())
        notes = [self.sender.disk_note] if self.sender.disk_note else []
        if aside:
            notes.append(f"⚠ {aside} kept tap{'s' * (aside != 1)} could not be sent and "
                         f"{'are' if aside != 1 else 'is'} kept aside for the trainer "
                         f"({self.sender.outbox.folder}).")
        text = "\n".join([*notes, text]) if text else "\n".join(notes)
        read_only = self.db.read_only_note()
        if read_only:
            text = f"{read_only}\n{text}" if text else read_only
        self.roster.status_label.setText(text)
        self.log.status_label.setText(text)
        self.log.status_label.setVisible(bool(text))

    # --- the clock -------------------------------------------------------------------------
    def _refresh_undo(self) -> None:
        left = self._undo_until - self.clock()
        if self._undo_key is None or left <= 0:
            self._undo_key = None
            self.log.undo_button.hide()
            return
        self.log.undo_button.setText(f"UNDO  {int(left + 0.999)}")

    def tick(self) -> None:
        self.drain_results()
        if self._in_flight is not None and self.clock() - self._in_flight_since > SAVING_TIMEOUT_S:
            self._in_flight = None  # never "SAVING…" for good: the sender keeps the tap
            self.log.log_button.setEnabled(True)
            self.log.log_button.setText("LOG SET")
            self.log.message.show_message("caution", "No answer from the database yet: the set is "
                                                     "kept on this kiosk and sent when it answers.")
        if self._lost_screen():
            self.reclaim_screen()
        now = self.clock()
        # a banner goes when its cause has gone
        if self.roster.message.kind and now >= self._roster_message_until:
            self.roster.message.clear()
        if self._delivered_note and now >= self._delivered_until:
            self._delivered_note = ""
            self._show_status()
        if self.stack.currentWidget() is self.log:
            self._refresh_undo()
        current = self.stack.currentWidget()
        if current is not self.roster and now - self._last_touch >= IDLE_S and self._in_flight is None:
            self.show_roster()
        elif current is self.roster and now - self._last_refresh >= ROSTER_REFRESH_S:
            try:
                self.refresh()
            except Exception as exc:
                self.roster.status_label.setText(
                    f"⚠ The database cannot be reached ({type(exc).__name__}): showing the last "
                    "roster.")
