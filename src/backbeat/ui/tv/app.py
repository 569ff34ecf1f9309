"""Starting the TV: the class chosen or resumed, screen, store and audio wired to the window;
offscreen snapshots of it."""

from __future__ import annotations

import os
from collections.abc import Sequence

from PySide6.QtCore import QSize
from PySide6.QtGui import QGuiApplication, QImage

from backbeat.engine.clock import FakeClock
from backbeat.engine.runner import ClassRunner, RunState
from backbeat.engine.timeline import WORKING, ClassPlan
from backbeat.store.board import rest_board
from backbeat.store.classcache import keep_class, kept_class, kept_for
from backbeat.store.db import Database, StoreError
from backbeat.store.library import load_library
from backbeat.store.live import TV_STATION, LiveStateWriter, load_live_state, resumable
from backbeat.store.maintenance import BackupKeeper
from backbeat.store.programs import load_program, program_days
from backbeat.store.sessions import end_session, start_session
from backbeat.store.settings import get_setting, set_setting
from backbeat.ui.application import application, demo_geometry, place_framed


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
    from sqlalchemy.exc import OperationalError

    return isinstance(exc, OperationalError | StoreError) and not isinstance(exc, OfflineWithoutClass)


def _or(default, read):
    """``read()``, or ``default`` while the database is away."""
    try:
        return read()
    except Exception as exc:
        if not _away(exc):
            raise
        return default


def run_tv(db: Database, *, program: str, day: int = 1, windowed: bool = False,
           screen: int | None = None, resume: bool = False, autostart: bool = False,
           beside_kiosk: bool = False, remote: str | None = None) -> int:
    from PySide6.QtCore import QTimer

    from backbeat.ui.audio_service import AudioService
    from backbeat.ui.tv.window import TvWindow

    app = application()
    audio = AudioService(volume=float(get_setting(db, "audio.volume")),
                         muted=bool(get_setting(db, "audio.muted")))
    clock = audio.clock  # the output device's: the screen paints what is heard
    saved = _or(None, lambda: load_live_state(db, TV_STATION))

    def take_up(state: dict) -> ClassRunner:
        plan = make_plan(db, state["program"], int(state["day"]))
        return ClassRunner.from_state(plan, clock, state)  # paused where it was

    def fresh(program: str, day: int) -> ClassRunner:
        return ClassRunner(make_plan(db, program, day), clock)

    def on_start(r: ClassRunner) -> int | None:
        # while the database is away the class runs without a session row
        return _or(None, lambda: start_session(db, r.timeline.program, r.timeline.day))

    offer = None
    session_id = None
    if resume and resumable(saved):
        runner = take_up(saved)
        session_id = saved.get("session_id")
    else:
        runner = fresh(program, day)
        offer = saved if resumable(saved) else None
        if autostart and offer is None:
            runner.play()
            session_id = on_start(runner)
    writer = LiveStateWriter(db, TV_STATION)
    notes = ["nothing to resume: starting afresh"] if resume and not resumable(saved) else []
    if db.offline:
        notes.append("⚠ The database cannot be reached: the class kept on this TV runs; "
                     "its position is saved when the database is back.")
    audio.volumeChanged.connect(lambda v: set_setting(db, "audio.volume", v))
    audio.mutedChanged.connect(lambda m: set_setting(db, "audio.muted", m))
    QTimer.singleShot(1000, audio.warm_up)  # after the first frame; the first cue needs no load

    backups = BackupKeeper(db)
    if db.read_only:
        notes.append(db.read_only_note())

    def status() -> list[str]:
        sound = audio.status_text()
        return notes + ([sound] if sound else []) + [e for e in (writer.error, backups.error) if e]

    def save(state: dict, index: int) -> None:
        writer.submit(state, index)
        if window.runner.state is RunState.ENDED:
            backups.class_ended(window.session_id)

    window = TvWindow(runner, save=save, status=status, resume_offer=offer,
                      on_resume=take_up, session_id=session_id, classes=_or(_kept_choices(), lambda: class_choices(db)),
                      make_runner=fresh, on_start=on_start,
                      board=lambda slug, session, sets: rest_board(db, slug, session_id=session, sets=sets),
                      audio=audio)
    server = _serve_remote(window, db, remote, notes) if remote else None
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
    if os.environ.get("BACKBEAT_EXIT_AFTER_FIRST_FRAME"):
        # start-up benchmark: report the first painted frame and leave
        def first_frame() -> None:
            print(f"first-frame rss_kb={_rss_kb()}", flush=True)
            app.quit()

        window.screen_widget.on_first_frame = first_frame
    code = app.exec()
    if server is not None:
        server.stop()
    writer.close()
    backups.close()
    if window.runner.state is RunState.ENDED and window.session_id is not None:
        _or(None, lambda: end_session(db, window.session_id))
    return code


def _kept_choices() -> list[tuple[str, int]]:
    kept = kept_class()
    return [] if kept is None else [(kept[0].name, d) for d in range(1, len(kept[0].days) + 1)]


def _serve_remote(window, db: Database, address: str, notes: list[str]):
    """Serve the phone remote for ``window`` at ``address``; a port that is taken
    is said on the TV's status line and the class goes on without it."""
    from backbeat.remote.access import StoreAccess
    from backbeat.remote.address import parse_bind
    from backbeat.remote.server import RemoteServer
    from backbeat.ui.tv.remote import TvRemoteControl

    host, port = parse_bind(address)
    control = TvRemoteControl(window)
    server = RemoteServer(control, StoreAccess(db, TV_STATION), host=host, port=port)
    try:
        url = server.start()
    except OSError as exc:
        notes.append(str(exc))
        return None
    print(f"remote: {url}", flush=True)
    window.remote, window.remote_server = control, server
    window.tick()
    return server


def _rss_kb() -> int:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return -1


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
        from backbeat.store.sessions import latest_session

        widget.board = rest_board(db, coming.exercise, flagged=flag,
                                  session_id=latest_session(db, program, day), sets=coming.sets)
    widget.resize(size)
    image = QImage(size, QImage.Format.Format_RGB32)
    widget.render(image)
    return image
