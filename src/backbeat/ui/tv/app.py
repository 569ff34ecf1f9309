"""Starting the TV: the class chosen or resumed, screen, store and audio wired to the window;
offscreen snapshots of it."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence

from PySide6.QtCore import QSize
from PySide6.QtGui import QGuiApplication, QImage

from backbeat.engine.clock import FakeClock
from backbeat.engine.gymclock import GymClock
from backbeat.engine.runner import ClassRunner, RunState
from backbeat.engine.timeline import WORKING, ClassPlan
from backbeat.store.classcache import keep_class, kept_class, kept_for
from backbeat.store.db import Database, StoreError, database_away
from backbeat.store.library import load_library
from backbeat.store.link import StationLink
from backbeat.store.maintenance import BackupKeeper
from backbeat.store.programs import load_program, program_days
from backbeat.store.settings import get_setting, set_setting
from backbeat.store.stations import station_name
from backbeat.ui.application import (
    application,
    demo_geometry,
    first_frame_reported,
    place_framed,
    report_first_frame,
    run_event_loop,
)


def class_choices(db: Database) -> list[tuple[str, int]]:
    """Every (program, day) the TV can run, in the order the coach steps through
    them; only names and day counts are read (a program is loaded when chosen)."""
    return [(name, d) for name, days in program_days(db) for d in range(1, days + 1)]


def make_plan(db: Database, program: str, day: int) -> ClassPlan:
    """The class from the database, kept on this computer for a start without
    it; while the database is away, the kept class if it is the one asked for."""
    try:
        loaded, library = load_program(db, program), load_library(db)
    except Exception as exc:
        if not _away(exc):
            raise
        kept = kept_for(program)
        if kept is None:
            raise OfflineWithoutClass(program) from None
        loaded, library = kept
    else:
        keep_class(loaded, library)
    return ClassPlan(loaded, day, library)


class OfflineWithoutClass(StoreError):
    def __init__(self, program: str):
        super().__init__(f"the database cannot be reached and this TV keeps no class called "
                         f"{program!r} from before: start it once with the database there")


def _away(exc: BaseException) -> bool:
    """The database did not answer (as opposed to a program that is not there)."""
    return database_away(exc) and not isinstance(exc, OfflineWithoutClass)


def _or(default, read):
    """``read()``, or ``default`` while the database is away."""
    try:
        return read()
    except Exception as exc:
        if not _away(exc):
            raise
        return default


def run_tv(db: Database, **options) -> int:
    """The TV on ``db`` until it is closed; ``options`` are :func:`open_tv`'s
    (``backbeat tv`` paints its first frame before the database is opened:
    ``first_frame.start_tv`` and :func:`open_tv`)."""
    application()
    finish = open_tv(db, **options)
    code = run_event_loop()
    finish()
    return code


def open_tv(db: Database, *, program: str, day: int = 1, windowed: bool = False,
            screen: int | None = None, resume: bool = False, autostart: bool = False,
            beside_kiosk: bool = False, remote: str | None = None, station: str | None = None,
            first_frame=None) -> Callable[[], None]:
    """The TV window on ``db``, shown (in place of ``first_frame``, the frame
    painted before the database was opened, which it closes); returns what is
    to be done once the event loop has ended."""
    from PySide6.QtCore import QTimer

    from backbeat.ui.audio_service import AudioService
    from backbeat.ui.tv.window import TvWindow

    application()
    audio = AudioService(volume=float(get_setting(db, "audio.volume")),
                         muted=bool(get_setting(db, "audio.muted")))
    name = station_name("tv", station)
    # the gym's clock (the database server's) read on the sound device's clock (the
    # monotonic clock when the sound has none): every TV of the class shows the same
    # instant, and each paints what its speaker plays
    clock = GymClock(audio.clock)
    link = StationLink(db, name, "tv", clock)  # refuses a name another TV runs under
    first = link.step()  # what the gym is doing, before the first frame (the store away: nothing)

    def take_up(offer: dict) -> ClassRunner:
        link.take_up(offer["info"])
        runner = ClassRunner(make_plan(db, offer["program"], int(offer["day"])), clock,
                             position_ms=float(offer["position_ms"]))
        runner.adopt(runner.timing())  # paused where it was (a ready runner's timing is paused)
        return runner

    def fresh(program: str, day: int) -> ClassRunner:
        return ClassRunner(make_plan(db, program, day), clock)

    def on_start(r: ClassRunner) -> None:
        link.start_class(r.timeline.program, r.timeline.day, r.timing().anchor_ns)

    notes = []
    if db.offline:
        notes.append("⚠ The database cannot be reached: the class kept on this TV runs; "
                     "it joins the gym's class when the database is back.")
    if first.class_id is not None and first.program:
        runner = fresh(first.program, first.day)
    else:
        runner = fresh(program, day)
        if resume and first.resume_offer is None:
            notes.append("nothing to resume: starting afresh")
    audio.volumeChanged.connect(lambda v: set_setting(db, "audio.volume", v))
    audio.mutedChanged.connect(lambda m: set_setting(db, "audio.muted", m))
    warm_up = QTimer(audio)  # after the first frame; the first cue needs no load
    warm_up.setSingleShot(True)
    warm_up.timeout.connect(audio.warm_up)
    warm_up.start(1000)

    backups = BackupKeeper(db)
    if db.read_only:
        notes.append(db.read_only_note())

    def status() -> list[str]:
        view = link.view
        lines = list(notes)
        sound = audio.status_text()
        if sound:
            lines.append(sound)
        if not view.in_step:
            lines.append("database away: the class runs on, saved when it is back" if view.role == "leader"
                         else "NOT IN STEP: the database cannot be reached, running on from the last anchor")
        if view.clock_warning:
            lines.append(view.clock_warning)
        if link.view.role == "follower":
            lines.append(f"following {view.leader}")
        return lines + ([backups.error] if backups.error else [])

    def save(state: dict, _index: int) -> None:
        link.shown(state["state"], state["position_ms"] / 1000)
        if window.runner.state is RunState.ENDED:
            backups.class_ended(window.session_id)

    from backbeat.store.timetable import mark_handled, tv_timetable
    from backbeat.ui.tv.window import TimetableSource

    window = TvWindow(runner, save=save,
                      status=status, on_resume=take_up,
                      classes=_or(_kept_choices(), lambda: class_choices(db)),
                      make_runner=fresh, on_start=on_start,
                      board=lambda slug, session, sets: _rest_board(db, slug, session, sets),
                      audio=audio, link=link,
                      # the week's timetable on the gym's clock (never this computer's wall clock)
                      timetable=TimetableSource(name, clock.now_ns, lambda now: tv_timetable(db, now),
                                                lambda o, what, now: mark_handled(db, o, what, now)))
    window.board_after_first_frame = True
    link.start()
    if first.class_id is None:
        if resume and first.resume_offer is not None:
            window.resume_offer = {"info": first.resume_offer, "program": first.resume_offer.program,
                                   "day": first.resume_offer.day, "class_id": first.resume_offer.id,
                                   "position_ms": _offer_position(first)}
            window.resume()
        elif autostart and first.resume_offer is None:
            window.command("toggle")  # starts it (on_start: the class row, led from here)
    server = _serve_remote(window, db, remote, notes, name) if remote else None
    window.tick()
    screens = QGuiApplication.screens()
    if screen is not None:
        set_setting(db, "tv.screen", screen)
    chosen = screen if screen is not None else int(get_setting(db, "tv.screen"))
    target = screens[chosen] if 0 <= chosen < len(screens) else QGuiApplication.primaryScreen()
    if beside_kiosk:  # backbeat demo: beside the kiosk, frames not overlapping
        place_framed(window, demo_geometry("tv"))
    else:
        window.place_on(target, fullscreen=not windowed)
    window.save_now()
    frame_log = os.environ.get("BACKBEAT_FRAME_LOG")
    if frame_log:  # the gym benchmark compares TVs frame by frame on the machine's monotonic clock
        window.on_frame = _frame_logger(frame_log, window, link)
    if first_frame is not None:
        first_frame.close()
    if first_frame_reported():  # start-up benchmark: report the first painted frame and leave
        # (a first frame painted before the database has been reported already)
        window.screen_widget.on_first_frame = (
            report_first_frame if first_frame is None
            else lambda: report_first_frame(line="window-frame"))

    def finish() -> None:
        warm_up.stop()
        if server is not None:
            server.stop()
        link.close()
        backups.close()

    # what the window's life needs held (it ran inside this function's frame before;
    # Python's collector would otherwise take these objects on any thread)
    finish.keep = (window, audio, clock, link, backups, server, warm_up)
    return finish


def _rest_board(db: Database, slug: str, session: int | None, sets: int | None) -> list:
    """The rest board, on the window's board thread (its store modules are
    imported there, on first use: the first frame does without them)."""
    from backbeat.store.board import rest_board

    return rest_board(db, slug, session_id=session, sets=sets)


def _kept_choices() -> list[tuple[str, int]]:
    kept = kept_class()
    return [] if kept is None else [(kept[0].name, d) for d in range(1, len(kept[0].days) + 1)]


def _serve_remote(window, db: Database, address: str, notes: list[str], station: str):
    """Serve the phone remote for ``window`` at ``address``; a port that is taken
    is said on the TV's status line and the class goes on without it."""
    from backbeat.remote.access import StoreAccess
    from backbeat.remote.address import parse_bind
    from backbeat.remote.server import RemoteServer
    from backbeat.ui.tv.remote import TvRemoteControl

    host, port = parse_bind(address)
    control = TvRemoteControl(window)
    server = RemoteServer(control, StoreAccess(db, station), host=host, port=port)
    try:
        url = server.start()
    except OSError as exc:
        notes.append(str(exc))
        return None
    print(f"remote: {url}", flush=True)
    window.remote, window.remote_server = control, server
    window.tick()
    return server


def _frame_logger(path: str, window, link):
    """Each frame: the machine's monotonic time, the class position the TV's clock
    gives at that instant, the state and the role (one line; see bench_gym)."""
    import time

    out = open(path, "a", buffering=1)  # noqa: SIM115 (open for the window's life)

    def log(now) -> None:
        t0 = time.monotonic_ns()
        pos = window.runner.position_ns()
        t1 = time.monotonic_ns()
        if t1 - t0 < 1_000_000:  # not descheduled between the two readings
            out.write(f"{(t0 + t1) // 2} {pos / 1e6:.3f} {now.state.value} {link.view.role or '-'}\n")

    return log


def _offer_position(view) -> float:
    from backbeat.engine.gymclass import position_ms

    at = view.extra.get("resume_at_ns")
    return position_ms(view.resume_offer.timing, at) if at else 0.0


def snapshot_between(db: Database, *, station: str, now, size: QSize,
                     status: Sequence[str] = ()) -> QImage:
    """The TV ``station`` between classes at ``now`` (a UTC datetime on the gym's
    clock): the timetable's next class as the TV shows it, rendered offscreen."""
    from backbeat.domain.timetable import between
    from backbeat.store.timetable import tv_timetable
    from backbeat.ui.tv.screen import TvScreen

    application()
    read = tv_timetable(db, now)
    shown = between(read.timetable, station, now, read.handled, read.classes, read.checked_in)
    if shown.occurrence is None:
        raise LookupError("no classes in the timetable: add them in the trainer's Timetable tab")
    widget = TvScreen(ClassRunner(make_plan(db, shown.program, shown.day or 1)
                                  if shown.refusal is None else _any_plan(db), FakeClock()))
    widget.between = shown
    widget.status_lines = list(status)
    widget.resize(size)
    image = QImage(size, QImage.Format.Format_RGB32)
    widget.render(image)
    return image


def _any_plan(db: Database) -> ClassPlan:
    name, _days = program_days(db)[0]
    return make_plan(db, name, 1)


def snapshot_tv(db: Database, *, program: str, day: int, at_s: float, size: QSize,
                paused: bool = False, remote: tuple[str, str] | None = None,
                flag: Sequence[str] = ()) -> QImage:
    """The TV at class time ``at_s``, rendered offscreen (``remote``: the phone
    remote's (address, code) as a serving TV shows them; ``flag``: athlete taken as
    checked in with a disc history, for this shot only). The rest board counts
    the sets logged in the newest class session of the program's day, if any."""
    from backbeat.ui.tv.screen import TvScreen

    application()
    runner = ClassRunner(make_plan(db, program, day), FakeClock())
    runner.play()
    runner.seek_ms(at_s * 1000)
    if paused:
        runner.pause()
    widget = TvScreen(runner)
    widget.remote_pairing = remote
    seg = runner.now().segment
    coming = runner.timeline.next_work(seg) if seg.kind not in WORKING else seg
    if coming is not None and coming.exercise:
        # who is checked in, their loads, and their sets in the newest class of this day
        from backbeat.store.board import rest_board
        from backbeat.store.sessions import latest_session

        widget.board = rest_board(db, coming.exercise, flagged=flag,
                                  session_id=latest_session(db, program, day), sets=coming.sets)
    widget.resize(size)
    image = QImage(size, QImage.Format.Format_RGB32)
    widget.render(image)
    return image
