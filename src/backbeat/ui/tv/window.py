"""The TV window: coach controls (keyboard and presenter clicker), repaint
timer, live-state saving and audio follow-up around :class:`TvScreen`.

The whole class runs from a 4-button presenter clicker: PageDown (next; held,
15 s more rest), PageUp (back), its blank-screen button (B or ".": start,
pause, resume) and F5/Esc (the menu: back to the class, end the class, leave),
the menu worked with the same buttons. Every key becomes one class command
(:meth:`TvWindow.command`), the single way the class is driven from here."""

from __future__ import annotations

import contextlib
import math
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication, QKeyEvent, QRegion, QScreen
from PySide6.QtWidgets import QMainWindow

from backbeat.domain.timetable import Action, Between, between, from_ns
from backbeat.engine.commands import CommandRefused, apply_command
from backbeat.engine.gymclass import ClassState, Event, position_ms
from backbeat.engine.pacing import (
    EDGE_QUANTILE,
    MAX_LEAD_NS,
    NS_PER_MS,
    PREPARE_NS,
    Latency,
    shown_at,
    wake_in_ms,
)
from backbeat.engine.runner import EXTEND_STEP_S, ClassRunner, RunState
from backbeat.engine.timeline import WORKING
from backbeat.threads import background, latency_sensitive
from backbeat.ui.tv.scenes import ASK_ITEMS, MENU_ITEMS
from backbeat.ui.tv.screen import TvScreen

#: Repaint period: about 60 Hz. The timer only repaints; it never counts time.
REPAINT_MS = 16
#: Besides every segment change and pause, the position is saved this often,
#: so a resumed class lands well within a second of where it stopped. (One
#: small row update on a background thread: cheap.)
SAVE_EVERY_MS = 250
#: The rest board is read again this often (a set tapped at a kiosk shows within a second).
BOARD_REFRESH_S = 0.5

_NEXT = {Qt.Key.Key_Right, Qt.Key.Key_PageDown, Qt.Key.Key_Down}
_BACK = {Qt.Key.Key_Left, Qt.Key.Key_PageUp, Qt.Key.Key_Up}
# Presenter clickers send PageUp/PageDown, "." or B for their blank-screen button,
# and F5 / Esc (Shift+F5 on some) for their slideshow button.
_TOGGLE = {Qt.Key.Key_Space, Qt.Key.Key_Period, Qt.Key.Key_B, Qt.Key.Key_MediaPlay,
           Qt.Key.Key_MediaTogglePlayPause, Qt.Key.Key_Return, Qt.Key.Key_Enter}
_MENU = {Qt.Key.Key_Escape, Qt.Key.Key_F5}
_EXTEND = {Qt.Key.Key_Plus, Qt.Key.Key_Equal}
#: Holding next this long adds 15 s of rest instead of moving on.
HOLD_MS = 700
# M mutes and unmutes, [ and ] turn the cue volume down and up.
_SOUND = {Qt.Key.Key_M: lambda a: a.toggle_mute(), Qt.Key.Key_BracketLeft: lambda a: a.volume_down(),
          Qt.Key.Key_BracketRight: lambda a: a.volume_up()}


#: The timetable is read again this often (off the GUI thread).
TIMETABLE_REFRESH_S = 1.0
#: A class's runner is made this long before its start, so it starts on its minute.
PREPARE_S = 120
#: WELL DONE stays this long before the TV shows the next class (unless one is due).
DONE_SHOW_S = 60
#: Choosing a class by hand (next/back on the next-class screen) sets the timetable
#: aside until the coach has left the keys alone this long.
MANUAL_S = 60


@dataclass(frozen=True)
class TimetableSource:
    """What the TV needs to act on the week's timetable (store.timetable, wired by
    ui.tv.app): its station name (a class's *room*), the gym's clock (epoch ns),
    the read (``fetch(now) -> store.timetable.TvTimetable``, run off the GUI
    thread) and ``mark(occurrence, what, now)`` (a class started or skipped)."""

    station: str
    now_ns: Callable[[], int]
    fetch: Callable[[datetime], object]
    mark: Callable[[object, str, datetime], None]

    def now(self) -> datetime:
        return from_ns(self.now_ns())


def _stamp(event: QKeyEvent) -> int:
    """The key event's time in ms (the window system's; the monotonic clock when none)."""
    return event.timestamp() or int(time.monotonic() * 1000)


class TvWindow(QMainWindow):
    def __init__(self, runner: ClassRunner, *, save: Callable[[dict, int], None] | None = None,
                 status: Callable[[], list[str]] | None = None, audio=None,
                 resume_offer: dict | None = None,
                 on_resume: Callable[[dict], ClassRunner] | None = None,
                 session_id: int | None = None,
                 classes: list[tuple[str, int]] | None = None,
                 make_runner: Callable[[str, int], ClassRunner] | None = None,
                 on_start: Callable[[ClassRunner], int | None] | None = None,
                 board: Callable[[str, int | None, int | None], list] | None = None,
                 link=None, timetable: TimetableSource | None = None):
        super().__init__()
        # this thread paints each phase change on its deadline: let on to a core when it
        # wakes, on a computer busy with other programs (backbeat.threads)
        self.short_slice = latency_sensitive()
        self.setWindowTitle(f"Backbeat — {runner.timeline.program}, day {runner.timeline.day}")
        self.runner = runner
        self.screen_widget = TvScreen(runner, self)
        self.setCentralWidget(self.screen_widget)
        self._save = save
        self._status = status
        self.audio = audio
        self.session_id = session_id
        # an interrupted class found on start: R resumes it, SPACE starts afresh
        self.resume_offer = resume_offer
        self._on_resume = on_resume
        self.screen_widget.resume_offer = resume_offer
        self._last_key: tuple | None = None
        self._audio_key: tuple | None = None
        self._start_sent = False  # this TV asked the store to start a class it has no id of yet
        # before the class starts, next/back (keyboard or clicker) choose the class
        self.classes = classes or []
        self._make_runner = make_runner
        self._on_start = on_start
        # the rest board (athletes' loads for what comes next) is fetched off the GUI thread
        self._board = board
        self._board_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="rest-board",
                                              initializer=background)
        self._board_future: Future | None = None
        self._board_for: str | None = None
        # the gym's shared class (store.link.StationLink): followed on every frame
        self.link = link
        self.on_frame: Callable | None = None  # each frame's Now (BACKBEAT_FRAME_LOG, the gym benchmark)
        self.class_id: int | None = None
        self._stop_sent = False
        # the phone remote (ui.tv.remote), when this TV serves it
        self.remote = None
        self.remote_server = None
        #: ask for the board only once the first frame is painted (``backbeat tv``: the
        #: board's thread imports the store's modules for it, which would slow that frame)
        self.board_after_first_frame = False
        self._board_asked = -1e9  # time.monotonic() of the last ask: it is asked again
        # the week's timetable: between classes the next one, started on its minute
        self.timetable = timetable
        self._tt_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="timetable",
                                           initializer=background)
        self._tt_read = None  # store.timetable.TvTimetable, the latest read
        self._tt_future: Future | None = None
        self._tt_asked = -1e9
        self._tt_second: int | None = None  # the gym's second the between-classes view is for
        self._handled_here: set[str] = set()  # started or skipped from this TV (before the store has it)
        self.between: Between | None = None  # what the timetable says now (None: no timetable)
        self._prepared: tuple[tuple, Future] | None = None  # (occurrence, program, day) → runner
        self._ended_at: int | None = None  # the gym's ns when this TV first showed WELL DONE
        self._manual_until = -(1 << 62)  # the gym's ns until which the coach chooses by hand
        self.ask_choice = 0  # START NOW / SKIP, lit while the TV asks
        # a class's minute is acted on at its millisecond, not up to a frame after
        self._tt_timer = QTimer(self)
        self._tt_timer.setSingleShot(True)
        self._tt_timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._tt_timer.timeout.connect(self.tick)
        self._show_choice()
        # the coach's menu (Esc / F5): which item is lit, and whether the class ran before
        self.menu: int | None = None
        self._ran_before_menu = False
        # next held down: +15 s rest when the hold timer fires, next when let go before
        self._hold = QTimer(self)
        self._hold.setSingleShot(True)
        self._hold.setInterval(HOLD_MS)
        self._hold.timeout.connect(self._held)
        self._pressed_at: int | None = None  # when next went down (the key event's ms)
        self._hold_done = False
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(REPAINT_MS)
        self._timer.timeout.connect(self.tick)
        self._timer.start()
        # a phase change is on screen with its sound, not up to a frame after it (the
        # class's clock is the sound's: see AudioService.clock): its frame is made ahead
        # and woken for at the boundary less the measured time to the screen
        self._edge_timer = QTimer(self)
        self._edge_timer.setSingleShot(True)
        self._edge_timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._edge_timer.timeout.connect(self._at_edge)
        self._edge_for: tuple | None = None
        self._edge_ns: int | None = None  # the boundary woken for, on the class's clock
        self._edge_made = False  # its frame is made ahead
        self._wake_ns = 0  # when the edge timer was aimed to fire, on the class's clock
        #: from the edge timer's aim to the phase change's frame being painted, lately
        self.edge_lead = Latency(MAX_LEAD_NS, quantile=EDGE_QUANTILE)
        self._region = QRegion()  # what the last tick asked to be repainted
        self._save_timer = QTimer(self)
        self._save_timer.setInterval(SAVE_EVERY_MS)
        self._save_timer.timeout.connect(self.save_now)
        self._save_timer.start()
        # a TV unplugged mid-class: carry on on the screen that is left
        QGuiApplication.instance().screenRemoved.connect(self._screen_removed)

    def place_on(self, screen: QScreen, *, fullscreen: bool) -> None:
        self.setGeometry(screen.availableGeometry())
        if fullscreen:
            self.showFullScreen()
        else:
            self.resize(1280, 720)
            self.show()

    def _screen_removed(self, screen: QScreen) -> None:
        handle = self.windowHandle()
        if handle is not None and handle.screen() is not screen:
            return
        remaining = [s for s in QGuiApplication.screens() if s is not screen]
        if remaining:
            self.place_on(QGuiApplication.primaryScreen() if QGuiApplication.primaryScreen() in remaining
                          else remaining[0], fullscreen=self.isFullScreen())

    # --- per frame ------------------------------------------------------------
    def tick(self) -> None:
        if self.link is not None:
            self._follow_link()
        if self.remote is not None:
            self.remote.drain()  # the phone's commands, on this thread
        if self.timetable is not None:
            self._follow_timetable()
        now = self.runner.now()
        key = (now.segment.index, now.state, now.epoch)
        if key != self._last_key:
            self._last_key = key
            self.save_now()
        # the sound follows the state, and the gym clock's offset when it is measured again
        # (the stream maps the class's clock onto the device's by it)
        audio_key = (id(self.runner), key, getattr(self.runner.clock, "offset_ns", 0))
        if self.audio is not None and audio_key != self._audio_key:
            self._audio_key = audio_key
            self.audio.follow(self.runner)
        self._ask_board()
        if self._board_future is not None and self._board_future.done():
            future, self._board_future = self._board_future, None
            try:
                self.screen_widget.board = future.result()
            except Exception:  # the board is a convenience: the class goes on without it
                self.screen_widget.board = []
        if self._status is not None:
            self.screen_widget.status_lines = self._status()
        if self.on_frame is not None:
            self.on_frame(now)
        if self.remote is not None:
            self.remote.publish()
        if self.remote_server is not None:
            code = self.remote_server.pairing.current().code
            self.screen_widget.remote_pairing = (self.remote_server.pairing_url(code), code)
        # only what moves, and where a text or the state changed
        self._region = self.screen_widget.dirty_region()
        self.screen_widget.update(self._region)
        edge = (now.segment.index, now.epoch)
        if now.state is RunState.RUNNING and now.segment_left_ms * NS_PER_MS < PREPARE_NS:
            if edge != self._edge_for:
                self._edge_for = edge  # once per segment: a clock that stands still is no busy loop
                self._edge_ns = self.runner.clock_ns_at(now.segment.end_ms)
                self._edge_made = False
                if self._edge_ns is not None:
                    self._arm_edge()
            # made ahead on a frame that leaves the still layer as it is (one that changes
            # it would leave the copy made from it out of date): this one or a next one
            if (self._edge_ns is not None and not self._edge_made
                    and not self.screen_widget.layer_changes()):
                self._edge_made = self.screen_widget.prepare(self.runner.now_at(self._edge_ns))

    def _arm_edge(self) -> None:
        """Wake at the boundary less the measured lead — worked out from the clock now,
        after this tick's work, so the time that work took does not make it late."""
        lead = self.edge_lead.ns()
        self._wake_ns = self._edge_ns - lead
        self._edge_timer.start(wake_in_ms(self.runner.clock.now_ns(), self._edge_ns, lead))

    def _at_edge(self) -> None:
        clock = self.runner.clock
        if self._edge_ns is None or self.runner.state is not RunState.RUNNING:
            self.tick()
            return
        if clock.now_ns() < self._wake_ns - NS_PER_MS:
            self._arm_edge()  # the clock was re-aimed at the device since: not yet
            return
        screen = self.screen_widget
        # now, not when the event loop next gets round to it; what changed, not the whole
        # screen (a 4K frame blitted whole costs more than the frame's budget)
        if screen.show_now():
            self.edge_lead.add(clock.now_ns() - self._wake_ns)
        elif not (screen.prepare(self.runner.now_at(shown_at(clock.now_ns(), self._edge_ns,
                                                             screen.ahead_ns())))
                  and screen.show_now()):  # not made ahead (or no longer as made): made now
            self.tick()
            screen.repaint(self._region)
            return
        self.tick()  # the rest of the frame's work, after the frame is up

    def _follow_link(self) -> None:
        """Take up the shared class as the store has it (read off this thread by the link)."""
        view = self.link.view
        if view.done < self.link.submitted:
            return  # this TV's own controls are on their way: it shows them already
        if view.class_id is not None and view.timing is not None:
            if view.class_id != self.class_id:
                self.class_id = self.session_id = view.class_id
                self._start_sent = False
                self._stop_sent = view.timing.state is ClassState.ENDED
                self.resume_offer = self.screen_widget.resume_offer = None
                t = self.runner.timeline
                if (t.program, t.day) != (view.program, view.day) and self._make_runner is not None:
                    self.set_runner(self._make_runner(view.program, view.day), tick=False)
                self._show_choice()
            self.runner.adopt(view.timing)
        elif self.runner.state is RunState.READY and self.class_id is None:
            offer = view.resume_offer
            if offer is not None:
                at = view.extra.get("resume_at_ns") or 0
                pos = position_ms(offer.timing, at) if at else 0.0
                if self.resume_offer is None or self.resume_offer.get("class_id") != offer.id:
                    self.resume_offer = {"class_id": offer.id, "program": offer.program, "day": offer.day,
                                         "position_ms": pos, "info": offer}
                    self.screen_widget.resume_offer = self.resume_offer
        # the leader closes the class at its end (every screen reaches it on its own)
        if (view.role == "leader" and self.class_id is not None and not self._stop_sent
                and self.runner.state is RunState.ENDED):
            self._stop_sent = True
            self.link.record(Event("stop", self.runner.clock.now_ns()))

    # --- the week's timetable ----------------------------------------------------------
    def _follow_timetable(self) -> None:
        """Between classes: the next class on screen, a self-starting one started on its
        minute (domain.timetable.between decides; this only reads, shows and acts)."""
        tt = self.timetable
        self._read_timetable()
        if self.runner.state is RunState.ENDED:
            if self._ended_at is None:
                self._ended_at = tt.now_ns()
        else:
            self._ended_at = None
        idle = (self.menu is None and tt.now_ns() >= self._manual_until
                and ((self.runner.state is RunState.READY and self.class_id is None)
                     or self.runner.state is RunState.ENDED))
        running = self.runner.state in (RunState.RUNNING, RunState.PAUSED)
        if not (idle or running) or self._tt_read is None:
            self._show_between(None)
            return
        now_ns = tt.now_ns()
        b = self.between
        due = (b is not None and b.action is Action.WAIT and b.occurrence is not None
               and now_ns >= round(b.occurrence.at.timestamp()) * 1_000_000_000)
        second = now_ns // 1_000_000_000
        if second != self._tt_second or due or b is None:  # the countdown's second, or its minute
            self._tt_second = second
            read = self._tt_read
            self.between = between(read.timetable, tt.station, from_ns(now_ns),
                                   read.handled | self._handled_here, read.classes, read.checked_in)
        b = self.between
        if b.occurrence is None:
            self._show_between(None)  # no class in the timetable: the TV as before
            return
        if running:
            self._while_running(b, now_ns)
            return
        self._prepare(b)
        if b.leads:
            self._arm(b, now_ns)
        if b.starts:
            self._start_timetabled(b, "started")
            return
        done_showing = self._ended_at is None or now_ns - self._ended_at >= DONE_SHOW_S * 1_000_000_000
        self._show_between(b if done_showing or (b.leads and b.action is not Action.WAIT) else None)

    def _while_running(self, b: Between, now_ns: int) -> None:
        """A class runs on this TV when its room's class is due. Following another TV's
        class (another room's): it leaves it for its own self-starting class, on the
        minute. Leading one (started by hand, or running over): that class took the
        slot, so the timetable's is not asked about afterwards."""
        self._show_between(None)
        if not b.leads:
            return
        following = self.link is not None and self.link.view.role == "follower"
        if following:
            self._prepare(b)
            self._arm(b, now_ns)
            if b.starts:
                self._start_timetabled(b, "started")
        elif b.action in (Action.START, Action.READY, Action.ASK):
            self._handle(b, "another class ran")

    def _arm(self, b: Between, now_ns: int) -> None:
        """Wake on the class's minute to the millisecond, not on the next repaint."""
        if b.action is Action.WAIT and not self._tt_timer.isActive():
            left_ms = (round(b.occurrence.at.timestamp()) * 1_000_000_000 - now_ns) / 1e6
            if 0 < left_ms <= 1000:
                self._tt_timer.start(math.ceil(left_ms))

    def _show_between(self, b: Between | None) -> None:
        if b is None or b.action is not Action.ASK or b.refusal is not None:
            self.ask_choice = 0
        self.screen_widget.between = b
        self.screen_widget.ask_choice = self.ask_choice

    def _read_timetable(self) -> None:
        """The timetable, handled classes, what each entry runs and who is checked in,
        read off the GUI thread every TIMETABLE_REFRESH_S; a failing read keeps the last."""
        f = self._tt_future
        if f is not None and f.done():
            self._tt_future = None
            with contextlib.suppress(Exception):  # the store away: the last read stands
                self._tt_read = f.result()
                self._tt_second = None  # decided afresh on this frame
        now = time.monotonic()
        if self._tt_future is None and now - self._tt_asked >= TIMETABLE_REFRESH_S:
            self._tt_asked = now
            self._tt_future = self._tt_pool.submit(self.timetable.fetch, self.timetable.now())

    def _prepare(self, b: Between) -> None:
        """The class's runner, made off the GUI thread ahead of its minute."""
        if not b.leads or not b.can_start or self._make_runner is None:
            return
        if b.action is Action.WAIT and (b.decision.seconds_to_start or 0) > PREPARE_S:
            return
        key = (b.occurrence.key, b.program, b.day)
        if self._prepared is None or self._prepared[0] != key:
            self._prepared = (key, self._tt_pool.submit(self._make_runner, b.program, b.day))

    def _timetabled_runner(self, b: Between) -> ClassRunner:
        key = (b.occurrence.key, b.program, b.day)
        if self._prepared is not None and self._prepared[0] == key and self._prepared[1].done():
            with contextlib.suppress(Exception):
                return self._prepared[1].result()
        return self._make_runner(b.program, b.day)  # not ready (or failed): made now, said if it fails

    def _start_timetabled(self, b: Between, what: str) -> None:
        """Start the timetable's class on this TV, the way B starts one (TvWindow.command),
        and remember it as handled so it is started once."""
        if not b.can_start or self._make_runner is None:
            return
        try:
            runner = self._timetabled_runner(b)
        except Exception as exc:  # deleted since the last read: said, nothing starts
            self.between = Between(b.decision, b.leads, program=b.program, day=b.day,
                                   refusal=f"{b.program!r} cannot be loaded, so nothing starts: {exc}",
                                   when=b.when, coach=b.coach, room=b.room)
            self._show_between(self.between)
            return
        self._handle(b, what)
        self._prepared = None
        self._fresh_class(runner)
        self.command("resume")

    def _handle(self, b: Between, what: str) -> None:
        self._handled_here.add(b.occurrence.key)
        self.between = None
        self._show_between(None)
        self._tt_pool.submit(self.timetable.mark, b.occurrence, what, self.timetable.now())

    def _fresh_class(self, runner: ClassRunner) -> None:
        """A new class on this TV (after one ended, too): not yet the gym's, so Start creates it."""
        self.class_id = self.session_id = None
        self._stop_sent = False
        self._ended_at = None
        self.set_runner(runner, tick=False)

    def _between_key(self, key) -> bool:
        """A key on the next-class screen; True when it was taken."""
        b = self.screen_widget.between
        if b is None:
            return False
        asking = b.leads and b.action is Action.ASK and b.can_start
        if asking and (key in _NEXT or key in _BACK):
            self.ask_choice = (self.ask_choice + (1 if key in _NEXT else -1)) % len(ASK_ITEMS)
            self._show_between(b)
        elif asking and key in _TOGGLE:
            if self.ask_choice == 0:
                self._start_timetabled(b, "started late")
            else:
                self._handle(b, "skipped")
        elif key in _TOGGLE:
            if b.can_start:  # the coach starts it now (early, or the one waiting for Start)
                self._start_timetabled(b, "started")
        elif key in _NEXT or key in _BACK:  # another class, chosen by hand
            self._manual_until = self.timetable.now_ns() + MANUAL_S * 1_000_000_000
            self._show_between(None)
            if self.runner.state is RunState.ENDED and self._make_runner is not None:
                t = self.runner.timeline
                self._fresh_class(self._make_runner(t.program, t.day))
            self._show_choice()
            if self._choosing():
                self.choose(1 if key in _NEXT else -1)
        else:
            return False
        self.tick()
        return True

    def _ask_board(self) -> None:
        """The board for the coming exercise, fetched off the GUI thread: at once when
        the exercise changes, and every BOARD_REFRESH_S while it stays (a tap at a kiosk
        shows within a second)."""
        if self._board is None or self._board_future is not None:
            return
        if self.board_after_first_frame and not self.screen_widget.painted:
            return
        seg = self.runner.now().segment
        nxt = self.runner.timeline.next_work(seg) if seg.kind not in WORKING else seg
        slug = nxt.exercise if nxt is not None else None
        if not slug:
            return
        now = time.monotonic()
        if slug != self._board_for:
            self.screen_widget.board = []
        elif now - self._board_asked < BOARD_REFRESH_S:
            return
        self._board_for = slug
        self._board_asked = now
        self._board_future = self._board_pool.submit(self._board, slug, self.session_id, nxt.sets)

    def save_now(self) -> None:
        if self._save is not None:
            state = self.runner.to_state() | {"session_id": self.session_id}
            self._save(state, self.runner.now().segment.index)

    def resume(self) -> None:
        """Take up the interrupted class where it was saved (paused there)."""
        if self.resume_offer is None or self._on_resume is None:
            return
        self.set_runner(self._on_resume(self.resume_offer))
        self.resume_offer = self.screen_widget.resume_offer = None

    def set_runner(self, runner: ClassRunner, *, tick: bool = True) -> None:
        self.runner = runner
        self.screen_widget.runner = runner
        self.setWindowTitle(f"Backbeat — {runner.timeline.program}, day {runner.timeline.day}")
        if tick:
            self.tick()

    def _choosing(self) -> bool:
        return (self.runner.state is RunState.READY and self._make_runner is not None
                and len(self.classes) > 1)

    def _show_choice(self) -> None:
        self.screen_widget.choosing = self._choosing()

    def choose(self, step: int) -> None:
        """Move to the next/previous (program, day) before the class starts."""
        current = (self.runner.timeline.program, self.runner.timeline.day)
        i = self.classes.index(current) if current in self.classes else 0
        program, day = self.classes[(i + step) % len(self.classes)]
        self.set_runner(self._make_runner(program, day))
        self._show_choice()

    # --- coach controls --------------------------------------------------------
    def command(self, name: str, seconds: float = EXTEND_STEP_S) -> None:
        """One command from a key, the clicker, the menu or the phone remote. The
        class commands (engine.commands: pause, resume, next, back, extend, stop;
        toggle and end are the keys' words for them) raise CommandRefused with the
        reason and change nothing; leave and menu are the TV's own."""
        r = self.runner
        if name == "leave":
            self.close()
            return
        if name == "menu":
            self._open_menu()
            self.tick()
            return
        if name == "toggle":
            name = "pause" if r.state is RunState.RUNNING else "resume"
        elif name == "end":
            name = "stop"
        starting = r.state is RunState.READY and name == "resume" and self.class_id is None
        event = apply_command(r, name, seconds)
        if self.link is not None and (self.class_id is not None or self._start_sent):
            # every other screen takes it from the store; one pressed before the store has
            # the class this TV started follows the start in the link's queue, not lost
            self.link.record(event)
        if name == "resume":
            declined, self.resume_offer = self.resume_offer, None
            self.screen_widget.resume_offer = None
            if starting and declined is not None and self.link is not None:
                self.link.decline(declined["info"])  # started afresh: the interrupted class stops
        if starting and self._on_start is not None:
            self.session_id = self._on_start(r)
            self._start_sent = self.link is not None
        self._show_choice()
        self.tick()

    def _key(self, name: str) -> None:
        """A key's command: one the class cannot take now (+ outside a rest) does nothing."""
        with contextlib.suppress(CommandRefused):
            self.command(name)

    def start_class(self, program: str, day: int) -> None:
        """Start (program, day), as chosen on the remote's class list."""
        if self.runner.state in (RunState.RUNNING, RunState.PAUSED):
            raise CommandRefused("a class is running: end it before starting another")
        if (program, day) not in self.classes or self._make_runner is None:
            raise CommandRefused(f"no class {program!r}, day {day} on this TV")
        self._fresh_class(self._make_runner(program, day))
        self.command("resume")

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if event.isAutoRepeat():  # a held key is one press; next held long enough adds rest
            if key in _NEXT and self._pressed_at is not None and not self._hold_done \
                    and _stamp(event) - self._pressed_at >= HOLD_MS:
                self._held()
            return
        if self.menu is not None:
            self._menu_key(key)
            return
        if self.resume_offer is not None and key == Qt.Key.Key_R:
            self.resume()
            return
        if self.menu is None and self._between_key(key):
            return
        if self.timetable is not None and self.timetable.now_ns() < self._manual_until:
            self._manual_until = self.timetable.now_ns() + MANUAL_S * 1_000_000_000  # still choosing
        if self._choosing() and (key in _NEXT or key in _BACK):
            self.choose(1 if key in _NEXT else -1)
            return
        if key in _TOGGLE:
            self._key("toggle")
        elif key in _NEXT:
            if self.runner.state is RunState.READY:
                self._key("next")
            else:  # next on release; +15 s rest once held for HOLD_MS
                self._pressed_at, self._hold_done = _stamp(event), False
                self._hold.start()
        elif key in _BACK:
            self._key("back")
        elif key in _EXTEND:
            self._key("extend")
        elif key in _MENU:
            self._key("menu")
        elif key in _SOUND and self.audio is not None:
            _SOUND[key](self.audio)
            self.tick()
        elif key == Qt.Key.Key_F:
            self.setWindowState(self.windowState() ^ Qt.WindowState.WindowFullScreen)
        else:
            super().keyPressEvent(event)

    def keyReleaseEvent(self, event: QKeyEvent) -> None:
        if event.isAutoRepeat() or event.key() not in _NEXT or self._pressed_at is None:
            super().keyReleaseEvent(event)
            return
        self._hold.stop()
        held = _stamp(event) - self._pressed_at
        self._pressed_at = None
        if not self._hold_done:
            if held >= HOLD_MS:
                self._held()
            else:
                self._key("next")

    def _held(self) -> None:
        """Next held down: 15 s more rest (where a rest can grow), not the next step."""
        if self._hold_done:
            return
        self._hold_done = True
        self._hold.stop()
        self._key("extend")

    # --- the coach's menu ----------------------------------------------------------
    def _open_menu(self) -> None:
        self._ran_before_menu = self.runner.state is RunState.RUNNING
        if self._ran_before_menu:
            self._key("pause")  # the class waits for the coach, on every screen
        self.menu = self.screen_widget.menu = 0

    def _close_menu(self) -> None:
        self.menu = self.screen_widget.menu = None

    def _menu_key(self, key) -> None:
        if key in _NEXT or key in _BACK:
            step = 1 if key in _NEXT else -1
            self.menu = self.screen_widget.menu = (self.menu + step) % len(MENU_ITEMS)
        elif key in _TOGGLE:
            chosen = self.menu
            self._close_menu()
            if chosen == 0:  # back to the class, running again if it ran
                if self._ran_before_menu:
                    self._key("resume")
            elif chosen == 1:
                self._key("end")
            else:
                self._key("leave")
                return
        elif key in _MENU:
            self._close_menu()
            if self._ran_before_menu:
                self._key("resume")
        self.tick()

    def closeEvent(self, event) -> None:
        if self.link is None and self.runner.state is RunState.RUNNING:
            self.runner.pause()  # leaving pauses, so a resume continues here (with a link: its close)
        self.save_now()
        self._timer.stop()
        self._edge_timer.stop()
        self._save_timer.stop()
        self._tt_timer.stop()
        if self.audio is not None:
            self.audio.stop()
        self._board_pool.shutdown(wait=False, cancel_futures=True)
        self._tt_pool.shutdown(wait=False, cancel_futures=True)
        if self.remote_server is not None:
            self.remote_server.stop()
        super().closeEvent(event)
