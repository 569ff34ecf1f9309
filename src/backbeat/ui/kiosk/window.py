"""The athletes' kiosk: roster → (PIN) → log a set, locked down for the gym floor.

Nothing on the GUI thread touches the database. What the screens show is read
on a reader thread (``store.kiosk``: the roster with the class every 5 s, the
log screen's numbers when an athlete opens it) and PINs are checked on their
own thread; every tap, check-in and PIN try goes to a
:class:`~backbeat.store.outbox.TapSender`, which commits it on its own thread
and keeps it on this kiosk while the database is away. The confirmation shows
only when the sender reports the set durably stored (or durably queued). Both
threads hand their news to a queue the GUI thread drains. Time comes from an
injected monotonic clock: the timers only look at it (undo window, double
taps, idle return, roster refresh), so tests drive it without waiting.

With a station link (``backbeat kiosk``), the class comes from the link, never
from a read here: the link's thread reads the kiosk's class and its compiled day
and, when that changes, posts a wake to this thread (a queued signal), which
computes the set from them on the gym's clock. The roster names the class
(program, day, leading TV), says "TV offline" when its TVs have all been silent
for 5 s (logging goes on), and with two classes running asks once, on CHOOSE
CLASS, which one this kiosk is in (the choice is kept on its station).
"""

from __future__ import annotations

import contextlib
import queue
import time
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, date, datetime, tzinfo

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QMainWindow, QStackedWidget

from backbeat.domain.athlete import Athlete
from backbeat.domain.errors import InvalidInput
from backbeat.domain.exercise import Exercise, Laterality, Library, Side
from backbeat.domain.pin import lockout_s, verify_pin
from backbeat.domain.setcount import (
    DOUBLE_TAP_S,
    RecentTap,
    class_line,
    double_tap_of,
    next_set_number,
    set_caption,
    zone_named,
)
from backbeat.domain.setlog import (
    DEFAULT_HOLD_S,
    SetEntry,
    Units,
    check_set,
    format_load,
    is_hold,
    loggable_exercises,
    set_words,
)
from backbeat.engine.offer import (
    ClassSet,
    Swap,
    class_set_now,
    first_reps,
    first_side,
    logged_tempo,
    next_side,
    prescription_line,
    swap_for,
    swap_line,
)
from backbeat.store.athletes import PinState
from backbeat.store.db import Database
from backbeat.store.kiosk import LogView, RosterView, log_view, roster_or_kept
from backbeat.store.live import class_now
from backbeat.store.outbox import Outbox, TapOp, TapResult, TapSender, TapStatus
from backbeat.ui.kiosk import style
from backbeat.ui.kiosk.first_frame import READING
from backbeat.ui.kiosk.logset import LogPage, SetForm, side_word
from backbeat.ui.kiosk.roster import CheckInPage, ClassPage, PickerPage, RosterPage, TrainerPage
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
    """Wakes the GUI thread when the sender or a reader has news (the news itself
    waits in a queue that the GUI thread drains, also on every tick: nothing is
    lost if a wake-up is)."""

    wake = Signal()
    linked = Signal()  # the station link has news (emitted on the link's thread)


def _gym_wall(clock) -> Callable[[], datetime]:
    """Now on the gym's clock (``GymClock``: epoch ns of the database server)."""
    return lambda: datetime.fromtimestamp(clock.now_ns() / 1e9, UTC)


class KioskWindow(style.ScaledStyle, QMainWindow):
    def __init__(self, db: Database, *, station: str = "kiosk",
                 clock: Callable[[], float] = time.monotonic,
                 today: Callable[[], date] | None = None,
                 wall: Callable[[], datetime] | None = None,
                 outbox: Outbox | None = None, locked: bool = True, link=None):
        super().__init__()
        self.setWindowTitle("Backbeat — kiosk")
        self.db = db
        self.station = station
        self.clock = clock
        # the gym's time and day (the database server's clock, the timetable's zone), not
        # this computer's: a set logged here is dated as every station dates it
        self.zone: tzinfo = UTC  # the gym's, with each roster read
        self.wall = wall or (_gym_wall(link.clock) if link is not None else lambda: datetime.now(UTC))
        self.today = today or (lambda: self.wall().astimezone(self.zone).date())
        self.locked = locked
        self._may_close = not locked
        # units and the library come with the first roster read; until then kg and none
        self.units: Units = Units.KG
        self.library: Library = Library(exercises=[])
        self.bridge = _Bridge()
        self.bridge.wake.connect(self.drain_results)
        self._results: queue.SimpleQueue = queue.SimpleQueue()
        self.sender = TapSender(db, self._from_sender, outbox=outbox)
        self.pending = len(self.sender.outbox)
        # the database is read on one thread, PINs are checked (scrypt) on another
        self._reader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kiosk-read")
        self._pin_checker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kiosk-pin")
        self._reads = 0  # reads (and PIN checks) asked for and not yet taken in
        self._roster_reading = False
        self._closed = False

        self.stack = QStackedWidget()
        self.setCentralWidget(self.stack)
        self.roster = RosterPage()
        self.checkin = CheckInPage()
        self.pin = PinPad()
        self.picker = PickerPage()
        self.log = LogPage(self.units)
        self.trainer = TrainerPage()
        self.choose: ClassPage | None = None  # CHOOSE CLASS, made the first time it is shown
        for page in (self.roster, self.checkin, self.pin, self.picker, self.log, self.trainer):
            self.stack.addWidget(page)

        self.roster.athlete_tapped.connect(self.athlete_tapped)
        self.roster.check_in_tapped.connect(self.show_check_in)
        self.roster.trainer_tapped.connect(self.trainer_tapped)
        self.roster.class_tapped.connect(self.show_choose_class)
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
        self.log.swap_tapped.connect(self.swap_tapped)
        self.log.side_changed.connect(self._side_tapped)
        self.log.next_set_tapped.connect(self.next_set_tapped)
        self.log.mistake_tapped.connect(self.mistake_tapped)
        self.trainer.leave_tapped.connect(self.leave)
        self.trainer.window_tapped.connect(self.toggle_window)
        self.trainer.back_tapped.connect(self.show_roster)

        self.view: RosterView | None = None  # the last roster read
        self.athletes: dict[int, Athlete] = {}
        self.athlete: Athlete | None = None
        self.exercise: Exercise | None = None
        self.choice: Swap | None = None
        self.class_set: ClassSet | None = None
        self._pin_for: tuple[str, int | None] | None = None  # ("athlete"|"checkin"|"trainer", id)
        #: PIN tries made here since the last roster read (the store has them too)
        self._pins: dict[int, PinState] = {}
        self._trainer_state: PinState | None = None  # likewise the trainer PIN's
        self._checked_in_here: set[int] = set()  # sent, maybe not yet in the last read
        self._sending: set[str] = set()  # check-ins and PIN tries not yet reported
        self._in_flight: str | None = None  # key of the tap being committed
        self._undo_key: str | None = None
        self._undo_until = 0.0
        self._last_touch = clock()
        self._last_refresh = -1e9
        self._last_entry: SetEntry | None = None
        self._delivered_note = ""
        self._roster_message_until = 0.0
        self._delivered_until = 0.0
        self._roster_note = ""
        #: this athlete's sets of the open exercise logged in this class, by side
        self._logged: dict[str | None, int] = {}
        self._recent: dict[int, list[RecentTap]] = {}  # per athlete: taps of the last 20 s
        self._asking: SetEntry | None = None  # a double tap waiting for its answer
        self._opening = 0  # which athlete/exercise opening is current (late reads are dropped)
        self._loads: dict[str | None, float | None] = {}  # suggested loads by side
        # the gym's class, from the station link (store.link.StationLink), if any
        self.link = link
        self.linked = None  # the link's last LinkView taken in on this thread
        self._asked: frozenset[int] = frozenset()  # the classes CHOOSE CLASS was shown for
        self._chosen: int | None = None  # tapped on CHOOSE CLASS, not yet in the link's view
        if link is not None:
            self.bridge.linked.connect(self._link_changed)
            link.on_change = self._link_news

        QApplication.instance().installEventFilter(self)
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self.tick)
        self._timer.start()
        self.apply_scale(style.BASE_W, style.BASE_H)
        self.roster.class_label.setText(READING)
        self.roster.check_in_button.hide()  # until the roster read says a class runs
        self.show_roster()

    # --- lockdown: no keyboard, no leaving without the trainer PIN -------------------------
    def keyPressEvent(self, event) -> None:
        event.accept()  # a kiosk has no keyboard; a plugged-in one does nothing

    def closeEvent(self, event) -> None:
        if not self._may_close:
            event.ignore()
            return
        self._closed = True
        if self.link is not None:
            self.link.on_change = None
        self._timer.stop()
        QApplication.instance().removeEventFilter(self)
        self.sender.close()
        self._reader.shutdown(wait=False, cancel_futures=True)
        self._pin_checker.shutdown(wait=False, cancel_futures=True)
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
        if self.view is not None and not self.view.trainer_pin:
            self.show_trainer("No trainer PIN is set, so this kiosk is not locked: set one on "
                              "the trainer desktop (backbeat trainer).")
            return
        self._ask_pin("trainer", None, "Trainer PIN")

    _trainer_door = False

    def trainer_tapped_early(self) -> None:
        """TRAINER was tapped on the first frame, before this window: the trainer's
        door opens as it would have, once the roster read says whether a PIN is set."""
        if self.view is not None:
            self.trainer_tapped()
        else:
            self._trainer_door = True

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

    # --- reading off the GUI thread ------------------------------------------------------
    def _read(self, fn: Callable, done: Callable, failed: Callable[[BaseException], None] | None = None,
              *, pool: ThreadPoolExecutor | None = None) -> None:
        """Run ``fn`` on the reader thread; ``done(result)`` (or ``failed(error)``) runs
        on the GUI thread when it is back."""
        if self._closed:
            return  # the kiosk is closing: nothing more is read
        self._reads += 1
        future: Future = (pool or self._reader).submit(fn)

        def back(f: Future) -> None:  # the reader's thread
            self._results.put(("read", f, done, failed))
            if not self._closed:  # a read back after the kiosk closed wakes nothing
                self.bridge.wake.emit()

        future.add_done_callback(back)

    def _take_read(self, future: Future, done: Callable, failed) -> None:
        self._reads -= 1
        if future.cancelled():
            return
        exc = future.exception()
        if exc is None:
            done(future.result())
        elif failed is not None:
            failed(exc)

    def busy(self) -> bool:
        """Something asked of a thread is not back yet (tests wait on this)."""
        return bool(self._reads or self._in_flight or self._sending)

    # --- roster and check-in ---------------------------------------------------------
    def refresh(self) -> None:
        """Read the roster and the class again (on the reader thread)."""
        self._last_refresh = self.clock()
        if self._roster_reading:
            return
        self._roster_reading = True
        day, wall = self.today(), self.wall()
        kept = self.view is None or self.view.kept_at is not None
        # nothing read yet (a start while the database is away): the roster kept on this computer
        self._read(lambda: roster_or_kept(self.db, day=day, kept=kept, wall=wall),
                   self._roster_read, self._roster_failed)

    def _roster_read(self, view: RosterView) -> None:
        self._roster_reading = False
        self._roster_note = "" if view.kept_at is None else (
            "⚠ The database cannot be reached: this is the roster this kiosk kept "
            f"({view.kept_at.astimezone().strftime('%d %b %H:%M')}). Log your sets: they are "
            "kept here and sent when the database is back.")
        self.view = view
        self.zone = zone_named(view.zone)
        self.units = view.units
        self.log.set_units(view.units)
        self.library = view.library
        self.athletes = view.athletes
        # the link's class while it reads the store; else the roster's (one kept while away)
        linked = self.link is not None and self.linked is not None and self.linked.in_step
        self.class_set = self._linked_class_set() if linked else view.class_set
        self._checked_in_here -= view.checked_in
        self._pins = {}
        self._trainer_state = None
        self._show_roster_items()
        if self._trainer_door:  # TRAINER tapped before the roster (and its PIN) was read
            self._trainer_door = False
            self.trainer_tapped()

    def _roster_failed(self, exc: BaseException) -> None:
        self._roster_reading = False
        if self.view is None:
            self.roster.class_label.setText("The database cannot be reached.")
            self._roster_note = ("⚠ The database cannot be reached and this kiosk has kept no "
                                 "roster from before: the athletes show as soon as it answers.")
        else:
            self._roster_note = (f"⚠ The database cannot be reached ({type(exc).__name__}): "
                                 "showing the last roster.")
        self._show_status()

    def _here(self) -> set[int]:
        return set(self.view.checked_in if self.view else ()) | self._checked_in_here

    def _show_roster_items(self) -> None:
        cs = self.class_set
        if self.view is None:
            self._show_status()
            return
        linked = self.linked
        self.roster.class_button.setVisible(linked is not None and len(linked.classes) > 1)
        if cs is None and linked is not None and self._linked_class() is None and len(linked.classes) > 1:
            items = [(a.id, a.name) for a in self.athletes.values()]
            self.roster.class_label.setText(
                f"{len(linked.classes)} classes are running: tap CHOOSE CLASS to say which this "
                "kiosk is in. Until then sets are logged as open gym.")
            self.roster.check_in_button.hide()
            empty = "No athletes yet: the trainer adds them on the trainer desktop."
        elif cs is not None:
            here = self._here()
            items = [(a.id, a.name) for a in self.athletes.values() if a.id in here]
            self.roster.class_label.setText(self._class_words(cs))
            self.roster.check_in_button.show()
            empty = "Nobody has checked in yet: tap CHECK IN, then your name."
        else:
            items = [(a.id, a.name) for a in self.athletes.values()]
            self.roster.class_label.setText(
                "The database cannot be reached: everyone can log a set (open gym)."
                if self.view.kept_at is not None else "No class running: everyone can log a set.")
            self.roster.check_in_button.hide()
            empty = "No athletes yet: the trainer adds them on the trainer desktop."
        if not items or [k for k, _ in items] != [k for k, _ in self.roster.grid.items]:
            self.roster.grid.set_items(items, empty)  # rebuilt only when the roster changed
        self._show_status()

    # --- the class, from the station link ---------------------------------------------------
    def _link_news(self) -> None:
        """The link's thread: what the kiosk shows of the gym changed. Posted to this
        window's thread (a queued signal), never handled here."""
        if not self._closed:
            with contextlib.suppress(RuntimeError):  # the window went just now: nobody to tell
                self.bridge.linked.emit()

    def _linked_class(self):
        """The class this kiosk logs into (None: none runs, or two and none chosen)."""
        view = self.linked
        if view is None or view.class_id is None:
            return None
        return next((c for c in view.classes if c.id == view.class_id), None)

    def _linked_class_set(self) -> ClassSet | None:
        """Where the link's class is now on the gym's clock (no database read)."""
        view = self.linked
        timeline = view.extra.get("timeline") if view is not None else None
        if view is None or view.class_id is None or view.timing is None or timeline is None:
            return None
        cs = class_set_now(view.program, view.day, view.class_id, view.timing, timeline,
                           self.link.clock.now_ns())
        # every TV of the class silent: the class runs on, its sets go to open gym (ClassSet.logs_to)
        return replace(cs, tv_offline=True) if cs is not None and view.tv_offline else cs

    def _link_changed(self) -> None:
        if self._closed or self.link is None:
            return
        view = self.linked = self.link.view
        if view.class_id is not None and view.class_id == self._chosen:
            self._chosen = None
        self.class_set = self._linked_class_set()
        running = frozenset(c.id for c in view.classes)
        current = self.stack.currentWidget()
        if len(running) > 1 and view.class_id is None and self._chosen is None:
            if current is self.roster and running != self._asked:
                self.show_choose_class()  # asked once for these classes; CHOOSE CLASS asks again
                return
            if current is self.choose:
                self._fill_choose_class()
        elif current is self.choose and len(running) <= 1:
            self.show_roster()
            return
        if current is self.roster:
            self._show_roster_items()

    def _class_words(self, cs: ClassSet) -> str:
        """The roster's class line: program, day, the leading TV (or "TV offline"), what runs."""
        if cs.tv_offline:
            return (f"{cs.program} · day {cs.day} — TV offline: sets are logged as open gym until a "
                    "TV shows the class again")
        if self.view is not None and self.view.kept_at and not (self.linked and self.linked.in_step):
            return (f"{cs.program} · day {cs.day} — the database cannot be reached: sets are kept "
                    "here and logged into this class when it is back")
        paused = "" if cs.running else " (paused)"
        info = self._linked_class()
        where = "" if info is None else f" · TV {info.leader or 'none yet'}"
        return (f"{cs.program} · day {cs.day}{paused}{where} — "
                + class_line(cs.exercise_name, cs.set_number, cs.sets, cs.now))

    def show_choose_class(self) -> None:
        """CHOOSE CLASS: one big tile per running class."""
        view = self.linked
        self._asked = frozenset(c.id for c in view.classes) if view is not None else frozenset()
        if self.choose is None:
            self.choose = ClassPage()
            self.choose.class_tapped.connect(self.class_chosen)
            self.choose.back_tapped.connect(self.show_roster)
            self.stack.addWidget(self.choose)
        self._fill_choose_class()
        self.stack.setCurrentWidget(self.choose)

    def _fill_choose_class(self) -> None:
        view = self.linked
        assert self.choose is not None
        items = [(c.id, f"{c.program}, day {c.day} · TV {c.leader or 'none yet'}")
                 for c in (view.classes if view is not None else ())]
        if [k for k, _ in items] != [k for k, _ in self.choose.grid.items]:
            self.choose.grid.set_items(items, "No class is running.")

    def class_chosen(self, class_id: int) -> None:
        """A class tapped on CHOOSE CLASS: the link binds to it (kept on the station)."""
        if self.link is None:
            return
        self._chosen = class_id
        self.link.bind(class_id)
        self.show_roster()
        info = next((c for c in self.linked.classes if c.id == class_id), None) if self.linked else None
        if info is not None and self.class_set is None:
            self.roster.class_label.setText(f"{info.program} · day {info.day} · TV {info.leader}: joining…")

    def show_roster(self) -> None:
        self.athlete = None
        self.exercise = None
        self._pin_for = None
        self._asking = None
        self._opening += 1
        self.roster.message.clear()
        self._show_roster_items()
        self.refresh()
        self.stack.setCurrentWidget(self.roster)

    def show_check_in(self) -> None:
        here = self._here()
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
        """The check-in goes the taps' way: stored, or kept here while the database is away."""
        cs = self.class_set
        key = self.sender.send_check_in(athlete.id, day=self.today(), station=self.station,
                                        session_id=cs.session_id if cs else None)
        self._sending.add(key)
        self._checked_in_here.add(athlete.id)
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

    def _pin_state(self, athlete_id: int) -> PinState | None:
        if athlete_id in self._pins:
            return self._pins[athlete_id]
        return self.view.pins.get(athlete_id) if self.view else None

    def _pin_entered(self, pin: str) -> None:
        if self._pin_for is None:
            return
        purpose, athlete_id = self._pin_for
        if purpose == "trainer":
            self._trainer_pin_entered(pin)
            return
        athlete = self.athletes[athlete_id]
        state = self._pin_state(athlete_id)
        if state is None:
            self.pin.reset(f"{athlete.name}: your PIN", "This kiosk has not read your PIN yet: "
                                                        "try again in a moment")
            return
        wait = state.wait_s(self.wall())
        if wait > 0:
            self.pin.reset(f"{athlete.name}: your PIN", f"Too many wrong PINs: wait {wait:.0f} s")
            return
        self.pin.reset(f"{athlete.name}: your PIN", "Checking…")
        self._read(lambda: verify_pin(pin, state.pin_hash),
                   lambda ok: self._athlete_pin_checked(purpose, athlete, state, ok),
                   pool=self._pin_checker)

    def _trainer_pin_entered(self, pin: str) -> None:
        """The trainer PIN goes the athletes' PINs' way: checked (scrypt) on the PIN
        thread against the hash the roster read brought (or the kiosk kept), the
        try sent like a tap, so it is counted in the database, queued while it is away."""
        state = self._trainer_state or (self.view.trainer if self.view else None)
        if state is None:
            self.pin.reset("Trainer PIN", "This kiosk has not read the trainer PIN yet: "
                                          "try again in a moment")
            return
        wait = state.wait_s(self.wall())
        if wait > 0:
            self.pin.reset("Trainer PIN", f"Too many wrong PINs: wait {wait:.0f} s")
            return
        self.pin.reset("Trainer PIN", "Checking…")
        self._read(lambda: verify_pin(pin, state.pin_hash),
                   lambda ok: self._trainer_checked(state, ok), pool=self._pin_checker)

    def _trainer_checked(self, state: PinState, ok: bool) -> None:
        self._sending.add(self.sender.send_trainer_pin_try(ok))
        failures = 0 if ok else state.failures + 1
        self._trainer_state = PinState(state.pin_hash, failures, self.wall() if failures else None)
        if self._pin_for is None or self._pin_for[0] != "trainer":
            return
        if ok:
            self._pin_for = None
            self.show_trainer()
        else:
            wait = lockout_s(failures)
            self.pin.reset("Trainer PIN", "Wrong PIN" + (f": wait {wait:.0f} s" if wait else ""))

    def _athlete_pin_checked(self, purpose: str, athlete: Athlete, state: PinState,
                             ok: bool) -> None:
        # the try is stored like a tap, so the back-off survives a restart of the kiosk
        self._sending.add(self.sender.send_pin_try(athlete.id, ok))
        if ok:
            self._pins[athlete.id] = PinState(state.pin_hash)
            if self._pin_for != (purpose, athlete.id):
                return
            self._pin_for = None
            if purpose == "checkin":
                self._do_check_in(athlete)
            else:
                self.open_athlete(athlete)
            return
        failures = state.failures + 1
        self._pins[athlete.id] = PinState(state.pin_hash, failures, self.wall())
        if self._pin_for != (purpose, athlete.id):
            return
        wait = lockout_s(failures)
        self.pin.reset(f"{athlete.name}: your PIN",
                       "Wrong PIN" + (f": wait {wait:.0f} s" if wait else ", try again"))

    # --- choosing the exercise -----------------------------------------------------------
    def open_athlete(self, athlete: Athlete) -> None:
        self.athlete = athlete
        self.exercise = None
        self._opening += 1
        opening = self._opening

        def fresh() -> ClassSet | None:
            return class_now(self.db)

        def done(cs: ClassSet | None) -> None:
            if opening != self._opening:
                return
            self.class_set = cs
            if cs is not None:
                self.open_log(cs.exercise)
            else:
                self.show_picker()

        def failed(_exc: BaseException) -> None:  # the database is away: the last read stands
            done(self.class_set)

        if self.link is not None:  # the link has the class already: nothing to read
            done(self._linked_class_set())
            return
        self._read(fresh, done, failed)

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

    def swap_tapped(self) -> None:
        """The athlete takes the substitute the kiosk offers for a risky exercise."""
        choice = self.choice
        if choice is None or choice.offered is None:
            return
        self.open_log(choice.exercise.slug, swap=False, substitute=choice.offered.slug)

    # --- the log screen ---------------------------------------------------------------------
    def _class_for(self, slug: str) -> ClassSet | None:
        cs = self.class_set
        return cs if cs is not None and cs.exercise == slug else None

    def open_log(self, slug: str, *, swap: bool = True, substitute: str | None = None) -> None:
        """Show the log screen for ``slug`` (the class's exercise, or one picked): the swap
        rules (engine.offer) say what is logged; the athlete's numbers (last sets, own
        count, suggested load, equipment) are read off the GUI thread and fill the screen
        when they are back."""
        athlete = self.athlete
        assert athlete is not None
        asked = self.library.get(slug)
        try:
            choice = swap_for(athlete, asked, self.library, swap=swap,
                              substitute=self.library.get(substitute) if substitute else None)
        except InvalidInput as exc:
            self.log.message.show_message("bad", exc.reason[:1].upper() + exc.reason[1:] + ".")
            return
        self.choice = choice
        exercise = self.exercise = choice.exercise
        cs = self._class_for(slug)
        side = first_side(exercise, None if choice.replaces else cs)
        if is_hold(exercise):  # a timed hold (a substitute): seconds held, its prescribed number
            form = SetForm(reps=1, load_kg=choice.load_kg, side=side,
                           hold_s=choice.reps or DEFAULT_HOLD_S)
        else:
            if choice.replaces is not None:
                reps = first_reps(None, choice.reps or exercise.default_reps)
            else:
                reps = first_reps(cs, exercise.default_reps)
            form = SetForm(reps=reps, load_kg=choice.load_kg, side=side)
        self._logged = {}
        self._loads = {}
        self.log.open(athlete, exercise, set_text="", prescription=self._line(None),
                      form=form, caution=choice.caution, caution_text=choice.caution_text,
                      offered=choice.offered)
        self._in_flight = None
        self._undo_key = None
        self.log.show_history([], self.today())
        self.log.history_labels[0].setText("Reading your last sets…")
        self.stack.setCurrentWidget(self.log)
        self._show_status()
        self._opening += 1
        self._read_log_view(first=True)

    def _line(self, suggested_kg: float | None) -> str:
        choice = self.choice
        assert choice is not None and self.exercise is not None
        if choice.replaces is not None:
            return swap_line(choice, suggested_kg, self.units)
        return prescription_line(self.exercise, self._class_for(self.exercise.slug), suggested_kg,
                                 self.units)

    def _session(self) -> int | None:
        """The class session a set goes into (None: open gym; also while the class's TV is offline)."""
        return self.class_set.logs_to if self.class_set else None

    def _read_log_view(self, *, first: bool = False) -> None:
        if self.athlete is None or self.exercise is None:
            return
        sides = ((Side.LEFT.value, Side.RIGHT.value)
                 if self.exercise.laterality is Laterality.UNILATERAL else (None,))
        athlete_id, exercise, session, at = self.athlete.id, self.exercise, self._session(), \
            self.wall()
        opening = self._opening

        def done(view: LogView) -> None:
            if opening != self._opening:
                return  # another athlete or exercise is open now
            self._log_view_read(view, first=first)

        def failed(_exc: BaseException) -> None:
            if opening == self._opening and first:
                self.log.history_labels[0].setText("Last sets: the database cannot be reached")

        self._read(lambda: log_view(self.db, athlete_id, exercise, session_id=session,
                                    sides=sides, at=at), done, failed)

    def _log_view_read(self, view: LogView, *, first: bool) -> None:
        self._logged = dict(view.logged)
        self.log.show_history(view.history, self.today())
        # sets logged on another kiosk (or before a restart) a moment ago count as recent taps
        now, wall = self.clock(), self.wall()
        for row in view.history:
            age = (wall - row.logged_at).total_seconds()
            if 0 <= age < DOUBLE_TAP_S and not any(t.key == row.key for t in self._recent_of()):
                self._recent_of().append(RecentTap(row.exercise, row.side, row.reps, row.load_kg,
                                                   now - age, row.key))
        if first:
            cs = self._class_for(self.exercise.slug) if self.exercise else None
            if (self.choice is not None and self.choice.replaces is None and view.history
                    and not (cs and cs.reps) and not self.exercise.default_reps):
                self.log.form.reps = first_reps(None, view.history[0].reps)  # as last time
            self._loads = dict(view.loads)
            side = self.log.form.side
            load = view.loads.get(side)
            if load is None and self.choice is not None and self.choice.replaces is not None:
                load = self.choice.load_kg  # never logged it: start from the prescription
            elif load is None and cs is not None:
                load = cs.load_kg  # never logged it: start from what the class prescribes
            self.log.set_menu(view.menu)
            self.log.set_load(load)
            self.log.prescription_label.setText(self._line(load))
            self.log.prescription_label.setVisible(bool(self.log.prescription_label.text()))
        self._show_caption()

    def _recent_of(self) -> list[RecentTap]:
        assert self.athlete is not None
        return self._recent.setdefault(self.athlete.id, [])

    def _stands_for(self) -> str:
        """The class exercise the open one is logged as (a substitute: the one it replaces)."""
        choice = self.choice
        assert choice is not None
        return choice.replaces.slug if choice.replaces else choice.exercise.slug

    def _show_caption(self) -> None:
        """"Set 2 of 3 for you · the class is on set 3" (the athlete's own count)."""
        choice = self.choice
        if choice is None or self.athlete is None:
            return
        cs = self._class_for(self._stands_for())
        own = next_set_number(self._logged.get(self.log.form.side, 0))
        self.log.set_caption(set_caption(own, cs.sets if cs else None,
                                         cs.set_number if cs else None,
                                         open_gym=self._session() is None,
                                         tv_offline=bool(self.class_set and self.class_set.tv_offline)))

    def _side_tapped(self, side: str | None) -> None:
        """LEFT or RIGHT tapped: that side's own count and suggested load."""
        if side in self._loads and self._loads[side] is not None:
            self.log.set_load(self._loads[side])
        self._show_caption()

    def _suggested_for(self, side: str | None) -> float | None:
        return self._loads.get(side)

    def log_tapped(self) -> None:
        if self._in_flight is not None or self.athlete is None or self.exercise is None:
            return  # a double tap while the first is being saved
        form = self.log.form
        effort = float(form.effort) if form.effort is not None else None
        try:
            check_set(self.exercise, reps=form.reps, load_kg=form.load_kg, side=form.side,
                      effort=effort, form=form.form, units=self.units, hold_s=form.hold_s)
        except InvalidInput as exc:
            self.log.message.show_message("bad", exc.reason[:1].upper() + exc.reason[1:] + ".")
            return
        choice = self.choice
        entry = SetEntry(
            key=uuid.uuid4().hex, athlete_id=self.athlete.id, exercise=self.exercise.slug,
            reps=form.reps, load_kg=form.load_kg or None, side=form.side, effort=effort,
            form=form.form, set_number=next_set_number(self._logged.get(form.side, 0)),
            tempo=choice.tempo if choice and choice.replaces else logged_tempo(
                self.exercise, self._class_for(self.exercise.slug)),
            session_id=self._session(), station=self.station,
            replaces=choice.replaces.slug if choice and choice.replaces else None,
            logged_at=self.wall().isoformat(), hold_s=form.hold_s,
        )
        earlier = double_tap_of(self._recent_of(), entry.exercise, entry.side, self.clock())
        if earlier is not None:
            self._asking = entry
            ago = max(1, round(self.clock() - earlier.at_s))
            what = f"{earlier.reps} × {format_load(earlier.load_kg, self.units)}"
            if earlier.side:
                what += f" {earlier.side.upper()}"
            self.log.ask(f"{what} logged {ago} s ago: is this your next set?")
            return
        self._send(entry)

    def next_set_tapped(self) -> None:
        """The double-tap question: yes, this is the next set."""
        entry, self._asking = self._asking, None
        self.log.end_question()
        if entry is not None:
            self._send(entry)

    def mistake_tapped(self) -> None:
        """The double-tap question: no, it was a mistake: nothing is logged."""
        self._asking = None
        self.log.end_question()
        self.log.message.show_message("info", "Not logged: the set you logged a moment ago stands.")
        self._refresh_undo()  # it can still be undone

    def _send(self, entry: SetEntry) -> None:
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
        self._sending.add(key)
        self.sender.send_undo(key)

    # --- what the sender reports ----------------------------------------------------------------
    def _from_sender(self, result: TapResult) -> None:
        """Called on the sender's thread."""
        self._results.put(result)
        self.bridge.wake.emit()

    def drain_results(self) -> None:
        while not self._closed:
            try:
                item = self._results.get_nowait()
            except queue.Empty:
                return
            if isinstance(item, tuple) and item[0] == "read":
                self._take_read(*item[1:])
            else:
                self.on_result(item)

    def on_result(self, result: TapResult) -> None:
        if result.status in (TapStatus.QUEUED, TapStatus.DELIVERED):
            self.pending = result.pending
        self._sending.discard(result.key)
        if result.op is TapOp.DELIVER:
            note = (f"✓ {result.count} tap{'s' * (result.count != 1)} kept on this kiosk "
                    "reached the database.")
            self._delivered_note = note
            self._delivered_until = self.clock() + MESSAGE_S
            self._show_status()
            self._read_log_view()
            return
        if result.op is TapOp.CHECK_IN:
            if result.status is TapStatus.QUEUED and self.stack.currentWidget() is self.roster:
                self._roster_message_until = self.clock() + MESSAGE_S
                self.roster.message.show_message(
                    "caution", "Checked in on this kiosk: the database is away, it hears of it "
                               "when it is back.")
            elif result.status is TapStatus.REFUSED:
                self.roster.message.show_message("bad", f"Check-in not saved: {result.message}.")
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
            what = f"set {entry.set_number} · {set_words(entry.reps, entry.load_kg, self.units, entry.hold_s)}"
            if entry.side:
                what += f" · {side_word(entry.side)}"
            if result.status is TapStatus.QUEUED:
                self.log.message.show_message(
                    "caution", f"Kept on this kiosk: {what}. It is sent when the database "
                               f"takes it ({result.message}).")
            else:
                self.log.message.show_message("good", f"Saved: {what}")
            if result.status is not TapStatus.DUPLICATE:
                self._logged[entry.side] = self._logged.get(entry.side, 0) + 1
            self._recent.setdefault(entry.athlete_id, []).append(
                RecentTap(entry.exercise, entry.side, entry.reps, entry.load_kg, self.clock(),
                          entry.key))
            self._undo_key = result.key
            self._undo_until = self.clock() + UNDO_S
            self.log.undo_button.show()
            self._refresh_undo()
            other = next_side(self.exercise, entry.side)
            if other is not None:
                self.log.set_side(other)  # the other side comes next
                self.log.set_load(self._suggested_for(other) or entry.load_kg)
            self._show_caption()
            self._read_log_view()
        elif result.op is TapOp.UNDO:
            if result.status is TapStatus.REFUSED:
                self.log.message.show_message("bad", f"Not undone: {result.message}.")
            else:
                entry = self._last_entry
                if entry is not None and entry.key == result.key:
                    self._logged[entry.side] = max(0, self._logged.get(entry.side, 0) - 1)
                    for taps in self._recent.values():
                        taps[:] = [t for t in taps if t.key != result.key]
                if result.status is TapStatus.QUEUED:
                    self.log.message.show_message("caution", "Undone on this kiosk; the database "
                                                             "hears of it when it is back.")
                else:
                    self.log.message.show_message("good", "Undone: that set is off your log.")
            self._show_caption()
            self._read_log_view()
        self._show_status()

    def _show_status(self) -> None:
        if self.pending:
            text = (f"⚠ {self.pending} tap{'s' * (self.pending != 1)} kept safe on this kiosk, "
                    "waiting for the database: they are sent when it is back.")
        else:
            text = self._roster_note or self._delivered_note
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
        if not self.log.asking:
            self.log.undo_button.show()
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
        for taps in self._recent.values():
            taps[:] = [t for t in taps if now - t.at_s < DOUBLE_TAP_S]
        if self.stack.currentWidget() is self.log:
            self._refresh_undo()
        current = self.stack.currentWidget()
        if current is not self.roster and now - self._last_touch >= IDLE_S and self._in_flight is None:
            self.show_roster()
        elif current is self.roster and now - self._last_refresh >= ROSTER_REFRESH_S:
            self.refresh()
        if self.link is not None and current is self.roster and self.view is not None:
            cs = self._linked_class_set()  # the class moves on: its line follows (no read)
            if cs != self.class_set:
                self.class_set = cs
                self._show_roster_items()

