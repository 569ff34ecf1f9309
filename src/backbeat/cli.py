"""``backbeat …`` — one entry point for the apps and the tools.

Exit codes: 0 ok, 2 bad input (the message on stderr names what and where),
1 anything else.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

EXIT_OK, EXIT_ERROR, EXIT_BAD_INPUT = 0, 1, 2


class CliError(Exception):
    def __init__(self, message: str, code: int = EXIT_BAD_INPUT):
        super().__init__(message)
        self.code = code


def _open_db(args: argparse.Namespace, *, offline_ok: bool = False):
    """The database; with ``offline_ok`` (the TV, the kiosk), a server (or a SQLite
    file's folder) that does not answer gives an unopened database the face runs
    without until it is back."""
    from backbeat.store.db import Database, StoreError
    from backbeat.store.seed import open_database

    try:
        return open_database(args.db)
    except StoreError as exc:
        if offline_ok and exc.unreachable:
            from backbeat.paths import default_db_url

            print(f"backbeat: {exc}: starting without it", file=sys.stderr)
            return Database.unopened(args.db or default_db_url())
        raise CliError(str(exc)) from None


def _load_plan(args: argparse.Namespace):
    """PROGRAM is a stored program's name or id, or a program file's path."""
    from backbeat.domain.program import read_program_file
    from backbeat.engine.timeline import ClassPlan
    from backbeat.store.library import load_library
    from backbeat.store.programs import load_program

    db = _open_db(args)
    path = Path(args.program)
    program = read_program_file(path) if path.suffix == ".json" else load_program(db, args.program)
    return db, ClassPlan(program, args.day, load_library(db))


def _fmt_time(seconds: float) -> str:
    m, s = divmod(seconds, 60)
    return f"{int(m):02d}:{s:04.1f}"


def cmd_plan(args: argparse.Namespace) -> int:
    from backbeat.engine.timeline import SegmentKind

    _db, plan = _load_plan(args)
    timeline = plan.timeline()
    if args.json:
        json.dump(timeline.to_json(), sys.stdout, indent=1)
        sys.stdout.write("\n")
        return EXIT_OK
    print(f"{timeline.program} — day {timeline.day}: {timeline.day_name}")
    print(f"{len(timeline.segments)} segments, {len(timeline.cues)} cues, "
          f"{_fmt_time(timeline.duration_s)} in all\n")
    print(f"{'start':>8} {'length':>7}  {'what':<13} {'block':<22} {'exercise':<34} detail")
    steps: dict[int, list] = {}
    for seg in timeline.segments:
        steps.setdefault(seg.step, []).append(seg)
    for segs in steps.values():
        first = segs[0]
        length = sum(s.duration_s for s in segs)
        detail = ""
        if first.set:
            detail = f"set {first.set}/{first.sets}"
        if first.reps:
            unit = "cycles" if first.kind is SegmentKind.BREATH else "reps"
            detail += f", {first.reps} {unit}"
        if first.side and first.kind is not SegmentKind.WORK or (first.side and len({s.side for s in segs}) == 1):
            detail += f", {first.side.value}"
        print(f"{_fmt_time(first.start_s):>8} {length:>6.0f}s  {first.kind.value:<13} "
              f"{first.block[:22]:<22} {(first.exercise_name or '')[:34]:<34} {detail}")
    return EXIT_OK


def cmd_render_audio(args: argparse.Namespace) -> int:
    from backbeat.audio.render import render_wav
    from backbeat.audio.samples import SoundFileError

    _db, plan = _load_plan(args)
    try:
        start, stop, frames = render_wav(plan.timeline(), args.out, args.from_s, args.to_s)
    except SoundFileError as exc:
        raise CliError(str(exc), EXIT_ERROR) from None
    except OSError as exc:
        raise CliError(f"{args.out}: cannot write the WAV file ({exc.strerror or exc})",
                       EXIT_ERROR) from None
    print(f"wrote {args.out}: class time {start / 1000:g}–{stop / 1000:g} s, "
          f"{frames} samples at 44100 Hz")
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    from backbeat.store.programs import import_program_file

    program, warnings = import_program_file(_open_db(args), args.file)
    for w in warnings:
        print(f"warning: {w}", file=sys.stderr)
    print(f"imported {program.name!r} ({len(program.days)} days)")
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from backbeat.store.programs import export_program_file, load_program, program_file_text

    db = _open_db(args)
    if args.out == "-":
        sys.stdout.write(program_file_text(load_program(db, args.program)))
    else:
        program = export_program_file(db, args.program, args.out)
        print(f"exported {program.name!r} to {args.out}")
    return EXIT_OK


def cmd_export_logs(args: argparse.Namespace) -> int:
    from datetime import date

    from backbeat.store.history import export_logs

    def day(text: str | None, flag: str) -> date | None:
        if text is None:
            return None
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise CliError(f"{flag} {text!r} is not a date like 2026-01-31") from None

    start, end = day(args.date_from, "--from"), day(args.date_to, "--to")
    db = _open_db(args)
    if args.out == "-":
        export_logs(db, sys.stdout, athlete=args.athlete, start=start, end=end)
        return EXIT_OK
    out = Path(args.out)
    part = out.with_name(out.name + ".part")  # a failed export leaves the old file alone
    try:
        with part.open("w", newline="", encoding="utf-8") as f:
            n = export_logs(db, f, athlete=args.athlete, start=start, end=end)
        part.replace(out)
    except OSError as exc:
        raise CliError(f"cannot write {out}: {exc.strerror or exc}", EXIT_ERROR) from None
    finally:
        part.unlink(missing_ok=True)
    print(f"exported {n} sets to {out}")
    return EXIT_OK


def cmd_import_history(args: argparse.Namespace) -> int:
    from backbeat.domain.history_import import How, parse_map
    from backbeat.store.history_import import describe_plan, plan_import, run_import
    from backbeat.store.library import load_library

    db = _open_db(args)
    manual = parse_map(args.map, load_library(db)) if args.map else {}
    plan = plan_import(db, args.file, athlete=args.athlete, manual=manual, units=args.units)
    for line in describe_plan(plan):
        print(line)
    if args.dry_run:
        print(f"dry run: {plan.summary(done=False)}; nothing written")
        return EXIT_OK
    run_import(db, plan)
    print(plan.summary(done=True))
    for m in plan.unmatched:
        n = plan.sets_per_name[m.name]
        print(f"skipped: {m.name} ({n} set{'s' * (n != 1)}"
              + (f'; map it with --map "{m.name}=EXERCISE")' if m.how is How.NONE else ")"))
    return EXIT_OK


def cmd_log(args: argparse.Namespace) -> int:
    from backbeat.domain.setlog import parse_load, set_words, units_of
    from backbeat.store.desk import log_for_athlete
    from backbeat.store.settings import get_setting

    db = _open_db(args)
    units = units_of(get_setting(db, "units"))
    load = parse_load(args.load, units, "--load") if args.load is not None else None
    done = log_for_athlete(db, args.athlete, args.exercise,
                           reps=1 if args.hold is not None else args.reps, hold_s=args.hold,
                           load_kg=load, side=args.side, effort=args.rpe, form=args.form,
                           station=args.station, units=units, check_in_first=args.check_in)
    row, cs = done.logged, done.class_set
    where = (f"{cs.program}, day {cs.day}" if cs else
             "open gym (the running class's TV is offline)" if done.tv_offline else "open gym")
    what = set_words(row.reps, row.load_kg, units, row.hold_s) + (f", {row.side}" if row.side else "")
    instead = f" instead of {done.replaces.name}" if done.replaces else ""
    print(f"logged set {row.set_number} of {done.exercise.name}{instead} for {done.athlete.name}: "
          f"{what} ({where})")
    return EXIT_OK


def cmd_timetable(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime, timedelta

    from backbeat.domain.timetable import WEEKDAYS, occurrences
    from backbeat.store.timetable import get_timetable, timetable_ics

    db = _open_db(args)
    if args.ics:
        out = Path(args.ics)
        part = out.with_name(out.name + ".part")
        try:
            part.write_bytes(timetable_ics(db))
            part.replace(out)
        except OSError as exc:
            part.unlink(missing_ok=True)
            raise CliError(f"cannot write {out}: {exc.strerror or exc}", EXIT_ERROR) from None
        print(f"wrote the timetable to {out} (iCalendar)")
        return EXIT_OK
    tt = get_timetable(db)
    if not tt.entries:
        print("no classes in the timetable (add them in the trainer's Timetable tab)")
        return EXIT_OK
    now = datetime.now(UTC)
    print(f"timetable ({tt.timezone}):")
    for e in sorted(tt.entries, key=lambda e: (e.weekday, e.start, e.room)):
        day = f" day {e.day}" if e.day else " (next day)"
        who = f", coach {e.coach}" if e.coach else ""
        how = "starts itself" if e.self_start else "waits for Start"
        print(f"  {WEEKDAYS[e.weekday]:<9} {e.start:%H:%M}  {e.room}: {e.program}{day}{who}; {how}")
    coming = occurrences(tt, now, now + timedelta(days=7))
    if coming:
        o = coming[0]
        print(f"next: {o.entry.program} in {o.entry.room}, {o.local(tt.zone):%a %d %b %H:%M}")
    return EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    from backbeat.domain.program import program_json_schema

    text = json.dumps(program_json_schema(), indent=2, ensure_ascii=False) + "\n"
    if args.out == "-":
        sys.stdout.write(text)
    else:
        Path(args.out).write_text(text, "utf-8")
    return EXIT_OK


def cmd_db(args: argparse.Namespace) -> int:
    from backbeat.paths import default_db_url
    from backbeat.store import maintenance
    from backbeat.store.db import sqlite_file

    url = args.db or default_db_url()
    if args.action == "restore":
        kept, warnings = maintenance.restore(url, args.file)
        for w in warnings:
            print(f"warning: {w}", file=sys.stderr)
        print(f"restored from {args.file}" + (f" (the replaced file is kept as {kept})" if kept else ""))
        return EXIT_OK
    path = sqlite_file(url)
    if args.action == "check" and path is not None and path.is_file():
        problems = maintenance.check_file(path)  # before opening: a damaged file is told, not tripped on
        if problems:
            for p in problems:
                print(f"problem: {p}", file=sys.stderr)
            return EXIT_ERROR
    db = _open_db(args)
    if args.action == "upgrade":
        print(f"database {db.describe()} is at revision {maintenance.revision(db)}")
    elif args.action == "check":
        problems = maintenance.check(db)
        for p in problems:
            print(f"problem: {p}", file=sys.stderr)
        if problems:
            return EXIT_ERROR
        note = " (read-only: nothing can be saved)" if db.read_only else ""
        print(f"database {db.describe()}: ok (revision {maintenance.revision(db)}){note}")
    elif args.action == "backup":
        out = maintenance.backup(db, args.file)
        print(f"backed up to {out}")
    return EXIT_OK


def _die_with_parent() -> None:
    """In a child process: end when the parent ends, even if it is killed."""
    try:
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass  # not Linux: the demo's kiosk is closed when the TV closes instead


def _speak_in_background(db, program_name: str) -> None:
    """Make the demo program's spoken names (a saved program has them already), once
    the faces are up; the TV picks each up as soon as it is made."""
    import threading

    def work() -> None:
        import contextlib

        from backbeat.audio.speech import prepare
        from backbeat.engine.timeline import program_spoken_texts
        from backbeat.store.library import load_library
        from backbeat.store.programs import load_program

        with contextlib.suppress(Exception):  # the class runs without them
            prepare(program_spoken_texts(load_program(db, program_name), load_library(db)))

    timer = threading.Timer(5.0, work)  # after the TV and the kiosk are up
    timer.daemon = True
    timer.name = "speech"
    timer.start()


def cmd_demo(args: argparse.Namespace) -> int:
    import subprocess

    from backbeat.store.demo import check_in_demo_athletes, ensure_demo

    db = _open_db(args)
    ensure_demo(db)
    check_in_demo_athletes(db)  # so the kiosk's roster has today's class in it
    args.program = args.program or "Precision Back"
    _speak_in_background(db, args.program)
    args.windowed = not args.fullscreen  # two windows side by side on a desk
    kiosk = None
    if not args.no_kiosk:
        from backbeat.launch import backbeat_command, child_environment

        kiosk = subprocess.Popen(
            backbeat_command("kiosk", "--beside-tv", "--station", "demo-kiosk"),
            env=child_environment(db.url),
            preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
        )
    try:
        return _run_tv(args, db, autostart=True, beside_kiosk=kiosk is not None and not args.fullscreen)
    finally:
        if kiosk is not None:
            kiosk.terminate()
            try:
                kiosk.wait(timeout=5)
            except subprocess.TimeoutExpired:
                kiosk.kill()


def _first_run(db) -> None:
    """The set-up, the first time a face opens on this computer (ui/first_run.py)."""
    from backbeat.ui.application import application, setup_due

    application()
    if setup_due(db):
        from backbeat.ui.first_run import first_run_if_needed

        first_run_if_needed(db)


def cmd_setup(args: argparse.Namespace) -> int:
    from backbeat.ui.first_run import run_setup

    return EXIT_OK if run_setup(_open_db(args)) else EXIT_ERROR


def cmd_tv(args: argparse.Namespace) -> int:
    """The TV's first frame is painted before the database (and SQLAlchemy) is
    opened: ui/tv/first_frame.py; the rest follows on the event loop's next turn."""
    from backbeat.ui.tv.first_frame import start_tv

    def open_tv(first_frame):
        from backbeat.ui.tv.app import open_tv

        db = _open_db(args, offline_ok=True)
        if not db.offline:
            _first_run(db)
        return open_tv(db, **_tv_options(args, db), first_frame=first_frame)

    return start_tv(open_tv, program=args.program or "Precision Back", day=args.day,
                    windowed=args.windowed, screen=args.screen)


def _tv_options(args: argparse.Namespace, db, autostart: bool = False,
                beside_kiosk: bool = False) -> dict:
    return dict(program=args.program or "Precision Back", day=args.day, windowed=args.windowed,
                screen=args.screen, resume=getattr(args, "resume", False), autostart=autostart,
                beside_kiosk=beside_kiosk, remote=_remote_address(args, db), station=args.station)


def _run_tv(args: argparse.Namespace, db, autostart: bool = False, beside_kiosk: bool = False) -> int:
    from backbeat.ui.tv.app import run_tv

    return run_tv(db, **_tv_options(args, db, autostart, beside_kiosk))


def _remote_address(args: argparse.Namespace, db) -> str | None:
    """Where the TV serves the phone remote: --remote, else the trainer's setting,
    else (the demo) the loopback address; None when it is off."""
    from backbeat.remote.address import parse_bind
    from backbeat.store.settings import get_setting

    address = args.remote
    if address is None and not db.offline and get_setting(db, "remote.enabled"):
        address = str(get_setting(db, "remote.address"))
    if address is None and args.command == "demo":
        address = DEMO_REMOTE
    if address is None:
        return None
    try:
        parse_bind(address)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    return address


#: The demo's phone remote, on this computer only.
DEMO_REMOTE = "127.0.0.1:8088"


def cmd_remote(args: argparse.Namespace) -> int:
    """``backbeat remote code`` (**contract**): the pairing code a serving TV shows now."""
    from backbeat.store.remote import list_devices, revoke_device, shown_codes

    db = _open_db(args)
    if args.action == "code":
        codes = [c for c in shown_codes(db) if args.station in (None, c.station)]
        if not codes:
            where = f"station {args.station!r}" if args.station else "any station"
            raise CliError(f"no pairing code is shown by {where}: start the TV with --remote "
                           "(or turn the remote on in the trainer's settings)")
        if len(codes) > 1 and args.station is None:
            names = ", ".join(c.station for c in codes)
            raise CliError(f"several stations serve the remote ({names}): choose one with --station")
        code = codes[0]
        print(code.code)
        print(f"for {code.address} on {code.station}, {code.seconds_left()} s left", file=sys.stderr)
        return EXIT_OK
    if args.action == "devices":
        for d in list_devices(db, args.station):
            state = "revoked" if d.revoked else "paired"
            used = d.last_used_at.strftime("%Y-%m-%d %H:%M") if d.last_used_at else "never used"
            print(f"{d.id}\t{d.station}\t{d.name}\t{state}\t{used}")
        return EXIT_OK
    if args.device is None:
        raise CliError("remote revoke needs the device's id (see 'backbeat remote devices')")
    revoke_device(db, args.device)
    print(f"remote {args.device} revoked")
    return EXIT_OK


def _size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise CliError(f"--size {text!r} is not WIDTHxHEIGHT like 1920x1080") from None
    if not (320 <= w <= 7680 and 240 <= h <= 4320):
        raise CliError(f"--size {text!r} is outside 320x240 – 7680x4320")
    return w, h


def cmd_snapshot(args: argparse.Namespace) -> int:
    from PySide6.QtCore import QSize

    from backbeat.ui.tv.app import snapshot_tv

    w, h = _size(args.size)
    if args.screen == "kiosk":
        from backbeat.ui.kiosk.app import snapshot_kiosk

        image = snapshot_kiosk(view=args.view, size=QSize(w, h), at_s=args.at or None,
                               program=args.program, day=args.day)
        _write_png(image, args.out, f"{w}x{h}, kiosk {args.view}, demo gym")
        return EXIT_OK
    db = _open_db(args)
    if args.screen == "trainer":
        from backbeat.ui.trainer.app import snapshot_trainer

        _past_the_trainer_pin(db, args.pin_stdin)

        try:
            image = snapshot_trainer(db, size=QSize(w, h), tab=args.tab,
                                     program=args.program, day=args.day)
        except KeyError as exc:
            raise CliError(str(exc.args[0])) from None
        _write_png(image, args.out, f"{w}x{h}, trainer")
        return EXIT_OK
    if args.screen != "tv":
        raise CliError(f"snapshot of {args.screen!r} is not available yet; try 'tv'")
    if args.between_classes:
        return _snapshot_between(args, db, w, h)
    remote = None
    if args.remote_code is not None:
        if not (len(args.remote_code) == 6 and args.remote_code.isdigit()):
            raise CliError(f"--remote-code {args.remote_code!r}: a pairing code is six digits")
        remote = (f"http://192.168.1.20:8088/#pair={args.remote_code}", args.remote_code)
    image = snapshot_tv(db, program=args.program, day=args.day, at_s=args.at,
                        size=QSize(w, h), paused=args.paused, remote=remote, flag=args.flag)
    _write_png(image, args.out, f"{w}x{h}, class time {args.at:g} s")
    return EXIT_OK


def _write_png(image, out: str, what: str) -> None:
    """Save a snapshot, or say it could not be written; then say what was written."""
    if not image.save(out):
        raise CliError(f"cannot write {out}", EXIT_ERROR)
    print(f"wrote {out} ({what})")


def _snapshot_between(args: argparse.Namespace, db, w: int, h: int) -> int:
    from datetime import UTC, datetime

    from PySide6.QtCore import QSize

    from backbeat.domain.timetable import from_ns
    from backbeat.store.gymclock import gym_now_ns
    from backbeat.store.stations import station_name
    from backbeat.ui.tv.app import snapshot_between

    if args.now:
        try:
            now = datetime.fromisoformat(args.now)
        except ValueError:
            raise CliError(f"--now {args.now!r} is not a date and time like 2026-12-01T17:48+01:00") from None
        if now.tzinfo is None:
            raise CliError(f"--now {args.now!r}: give its UTC offset (2026-12-01T17:48+01:00)")
        now = now.astimezone(UTC)
    else:
        now = from_ns(gym_now_ns(db))  # the gym's clock
    station = args.station or station_name("tv", None)  # a snapshot's name is not remembered
    try:
        image = snapshot_between(db, station=station, now=now, size=QSize(w, h))
    except LookupError as exc:
        raise CliError(str(exc.args[0])) from None
    _write_png(image, args.out, f"{w}x{h}, {station} between classes at {now:%Y-%m-%d %H:%M} UTC")
    return EXIT_OK


def _past_the_trainer_pin(db, pin_on_stdin: bool) -> None:
    """Trainer screens (health notes, disc history) are shown only past the
    trainer PIN: a database that has one needs it on standard input, and
    wrong PINs back off as on the desktop."""
    from backbeat.store.auth import check_trainer_pin, has_trainer_pin

    if not has_trainer_pin(db):
        return  # a demo or new database: nothing set to guard it with yet
    if not pin_on_stdin:
        raise CliError("trainer screens are shown only past the trainer PIN: give it on standard "
                       "input with --pin-stdin (or snapshot a demo database)")
    result = check_trainer_pin(db, sys.stdin.readline().strip())
    if not result.ok:
        raise CliError(f"trainer PIN: {result.message}")


def cmd_kiosk(args: argparse.Namespace) -> int:
    """The kiosk's first frame is painted before the database (and SQLAlchemy) is
    opened: ui/kiosk/first_frame.py; the rest follows on the event loop's next turn."""
    def open_kiosk(first_frame):
        from backbeat.store.settings import get_setting
        from backbeat.ui.kiosk.app import open_kiosk

        db = _open_db(args, offline_ok=True)
        if not args.beside_tv and not db.offline:
            _first_run(db)
        screen = args.screen if args.screen is not None else get_setting(db, "kiosk.screen")
        return open_kiosk(db, windowed=args.windowed or args.beside_tv, screen=screen,
                          station=args.station, beside_tv=args.beside_tv, first_frame=first_frame)

    if args.beside_tv:  # the demo's kiosk: placed beside the TV by its window
        from backbeat.ui.kiosk.app import run_kiosk

        db = _open_db(args, offline_ok=True)
        return run_kiosk(db, windowed=True, screen=args.screen, station=args.station, beside_tv=True)
    from backbeat.ui.kiosk.first_frame import start_kiosk

    return start_kiosk(open_kiosk, windowed=args.windowed, screen=args.screen)


def cmd_sheet(args: argparse.Namespace) -> int:
    from backbeat.ui.trainer.sheet import write_class_sheet

    db, plan = _load_plan(args)
    try:
        out = write_class_sheet(db, plan.program, args.day, args.out, library=plan.library)
    except OSError as exc:
        raise CliError(f"cannot write {args.out}: {exc}", EXIT_ERROR) from None
    print(f"wrote the class sheet of {plan.program.name!r}, day {args.day}, to {out}")
    return EXIT_OK


def cmd_trainer(args: argparse.Namespace) -> int:
    from backbeat.ui.application import setup_due
    from backbeat.ui.trainer.app import run_trainer

    def pin_hint():
        from backbeat.store.pin_hint import trainer_pin_hash

        return trainer_pin_hash(args.db)

    return run_trainer(lambda: _open_db(args), windowed=args.windowed, setup=_first_run,
                       setup_due=setup_due, pin_hint=pin_hint)


def _int_arg(flag: str) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            return int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    return parse


def _float_arg(flag: str) -> Callable[[str], float]:
    def parse(text: str) -> float:
        try:
            return float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    return parse


def _gym_clock(db):
    from backbeat.engine.gymclock import GymClock
    from backbeat.store.gymclock import measure

    clock = GymClock()
    measure(db, clock)
    return clock


def cmd_class(args: argparse.Namespace) -> int:
    import socket

    from backbeat.engine.gymclass import position_ms
    from backbeat.store.classes import class_timeline, send_command, start_class

    db = _open_db(args)
    clock = _gym_clock(db)
    me = f"cli@{socket.gethostname()}"
    if args.action == "start":
        class_id = start_class(db, args.program, args.day, at_ns=clock.now_ns(), leader=args.station,
                               station=me)
        led = f", led by {args.station}" if args.station else ", led by the first TV to take it up"
        print(f"class {class_id} started: {args.program}, day {args.day}{led}")
        return EXIT_OK
    seconds = getattr(args, "seconds", None)
    info, event = send_command(db, args.action, clock, station=me, class_id=args.class_id,
                               seconds=seconds)
    timing = info.timing
    timeline = class_timeline(db, info.program, info.day, timing.extension_map)
    pos = position_ms(timing, event.at_ns, timeline.duration_ms) / 1000
    what = {"pause": "paused", "resume": "resumed", "next": "moved to the next step",
            "back": "moved back", "stop": "stopped",
            "extend": f"rest extended by {seconds if seconds is not None else 15:g} s"}[args.action]
    print(f"class {info.id} ({info.program}, day {info.day}): {what} at {_fmt_time(pos)}")
    return EXIT_OK


def cmd_status(args: argparse.Namespace) -> int:
    from backbeat.store.classes import gym_status

    db = _open_db(args)
    status = gym_status(db, _gym_clock(db).now_ns())
    if args.json:
        json.dump(status, sys.stdout, indent=1, ensure_ascii=False)
        sys.stdout.write("\n")
        return EXIT_OK
    if not status["classes"]:
        print("no class is running")
    for c in status["classes"]:
        print(f"class {c['id']}: {c['program']}, day {c['day']}, {c['state']} at "
              f"{_fmt_time(c['position_s'])}, led by {c['leader'] or 'nobody yet'}")
    for st in status["stations"]:
        seen = "gone" if st["last_seen_s"] is None else f"seen {st['last_seen_s']:.1f} s ago"
        where = f" in class {st['class_id']} at {_fmt_time(st['position_s'] or 0)}" if st["class_id"] else ""
        role = f" ({st['role']})" if st["role"] else ""
        clock = f", clock {st['clock_offset_ms']:+.0f} ms" if st["clock_offset_ms"] is not None else ""
        print(f"{st['kind']} {st['name']}{role}{where}, {seen}{clock}")
    return EXIT_OK


def _add_db(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", default=None, help="database URL (default: BACKBEAT_DB, else a SQLite file in the user data dir)")


def build_parser() -> argparse.ArgumentParser:
    from backbeat import __version__

    parser = argparse.ArgumentParser(prog="backbeat", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"backbeat {__version__}")
    _add_db(parser)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, func: Callable, help: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help)
        p.add_argument("--db", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
        p.set_defaults(func=func)
        return p

    p = command("plan", cmd_plan, "print a class day as compiled: segments and cues")
    p.add_argument("program", help="program name or id, or a .json program file")
    p.add_argument("--day", type=int, default=1)
    p.add_argument("--json", action="store_true", help="machine-readable (the plan contract)")

    p = command("render-audio", cmd_render_audio, "write a class's cue track as a WAV, exactly as it plays")
    p.add_argument("program", help="program name or id, or a .json program file")
    p.add_argument("--day", type=int, default=1)
    p.add_argument("--out", required=True, help="WAV file to write")
    p.add_argument("--from", dest="from_s", type=float, default=None, metavar="S",
                   help="class time to start at, in seconds (default: the start)")
    p.add_argument("--to", dest="to_s", type=float, default=None, metavar="S",
                   help="class time to stop at, in seconds (default: after the final cue)")

    p = command("import", cmd_import, "import a backbeat.program/1 JSON file")
    p.add_argument("file")

    p = command("export", cmd_export, "export a program as backbeat.program/1 JSON")
    p.add_argument("program")
    p.add_argument("--out", required=True, help="file to write, or - for stdout")

    p = command("export-logs", cmd_export_logs, "write logged sets as CSV (undone taps left out)")
    p.add_argument("--out", required=True, help="CSV file to write, or - for stdout")
    p.add_argument("--athlete", default=None, help="only this athlete (name)")
    p.add_argument("--from", dest="date_from", default=None, metavar="DATE", help="first day, e.g. 2026-01-01")
    p.add_argument("--to", dest="date_to", default=None, metavar="DATE", help="last day, inclusive")

    p = command("import-history", cmd_import_history,
                "bring training history in from a Strong or Hevy CSV export")
    p.add_argument("file", help="the app's CSV export")
    p.add_argument("--athlete", default=None, help="whose history (name; optional with one athlete)")
    p.add_argument("--dry-run", action="store_true",
                   help="print the exercise mapping and the counts, write nothing")
    p.add_argument("--map", action="append", default=[], metavar="NAME=EXERCISE",
                   help='map an exercise name by hand, e.g. "Seated Row (Cable)=chest-supported-row" '
                        "(or NAME=skip); remembered for the next import; repeatable")
    p.add_argument("--units", choices=["kg", "lb"], default=None,
                   help="what a Strong export without a unit column weighs in "
                        "(default: the gym's units)")

    p = command("log", cmd_log, "log a set an athlete forgot to tap (into the running class, "
                                "else open gym)")
    p.add_argument("athlete", help="the athlete's name")
    p.add_argument("exercise", help="the exercise's name or slug")
    counted = p.add_mutually_exclusive_group(required=True)
    counted.add_argument("--reps", type=_int_arg("--reps"))
    counted.add_argument("--hold", type=_int_arg("--hold"), metavar="SECONDS",
                         help="a timed hold (a substitute such as a scapular hold): seconds held")
    p.add_argument("--load", default=None, help="e.g. 12.5kg or 25lb (a bare number: the gym's units)")
    p.add_argument("--side", choices=["left", "right"], default=None)
    p.add_argument("--rpe", type=_float_arg("--rpe"), default=None, help="effort, 6 to 10")
    p.add_argument("--form", type=_int_arg("--form"), default=None, help="form, 1 to 5")
    p.add_argument("--check-in", action="store_true",
                   help="check the athlete in for the running class first")
    p.add_argument("--station", default="trainer", help=argparse.SUPPRESS)

    p = command("timetable", cmd_timetable, "print the week's classes, or write them as iCalendar")
    p.add_argument("--ics", default=None, metavar="FILE", help="write the timetable as iCalendar")

    p = command("schema", cmd_schema, "print the JSON Schema of backbeat.program/1 files")
    p.add_argument("--out", default="-")

    p = command("db", cmd_db, "database upkeep: upgrade, check, backup, restore")
    p.add_argument("action", choices=["upgrade", "check", "backup", "restore"])
    p.add_argument("file", nargs="?", help="backup file (backup: optional, restore: required)")

    p = command("snapshot", cmd_snapshot, "render a screen offscreen to PNG at class time S")
    p.add_argument("screen", choices=["tv", "kiosk", "trainer"])
    p.add_argument("--at", type=float, default=0.0, help="class time in seconds")
    p.add_argument("--size", default="1920x1080")
    p.add_argument("--program", default="Precision Back")
    p.add_argument("--day", type=int, default=1)
    p.add_argument("--paused", action="store_true")
    p.add_argument("--remote-code", default=None, metavar="CODE",
                   help="tv: show the phone remote's QR code and this pairing code (paused or before the start)")
    p.add_argument("--flag", action="append", default=[], metavar="NAME",
                   help="tv: take athlete NAME as checked in and screened with a disc history, "
                        "for this shot only (repeatable)")
    p.add_argument("--between-classes", action="store_true",
                   help="tv: the TV between classes (the timetable's next class) at --now")
    p.add_argument("--now", default=None, metavar="WHEN",
                   help="tv --between-classes: the instant, e.g. 2026-12-01T17:48+01:00 (default: now)")
    p.add_argument("--station", default=None,
                   help="tv --between-classes: the TV's station name (its room; default tv@host)")
    p.add_argument("--tab", default=None, help="trainer: the tab to show (e.g. Programs)")
    p.add_argument("--pin-stdin", action="store_true",
                   help="trainer: read the trainer PIN from standard input (needed once one is set)")
    p.add_argument("--view", default="roster",
                   choices=["roster", "checkin", "log", "change", "caution", "pin", "substitute",
                            "double-tap", "choose-class", "tv-offline"],
                   help="kiosk: the screen to show, on the demo gym (--at S: a class runs at S, led "
                        "by the TV tv-front; choose-class: two classes, one each TV)")
    p.add_argument("--out", required=True)

    p = command("kiosk", cmd_kiosk, "the athletes' kiosk: fullscreen, leaving needs the trainer PIN")
    p.add_argument("--windowed", action="store_true", help="in a window, not locked down")
    p.add_argument("--screen", type=int, default=None)
    p.add_argument("--station", default=None, help="this kiosk's name in the logs (default kiosk@host)")
    p.add_argument("--beside-tv", action="store_true", help=argparse.SUPPRESS)  # backbeat demo

    p = command("sheet", cmd_sheet, "print a class day as a PDF sheet: plan and athletes' loads")
    p.add_argument("program", help="program name or id, or a .json program file")
    p.add_argument("--day", type=int, default=1)
    p.add_argument("--out", required=True, help="the PDF to write")

    p = command("remote", cmd_remote, "the coach's phone remote: pairing code, paired devices")
    p.add_argument("action", choices=["code", "devices", "revoke"])
    p.add_argument("device", nargs="?", type=int, help="revoke: the device's id")
    p.add_argument("--station", default=None, help="the serving station (when several serve)")

    command("setup", cmd_setup, "set up this computer: screens, a sound test, trainer PIN, kg/lb, paper")

    p = command("class", cmd_class, "control the running class: start, pause, resume, next, back, extend, stop")
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    a = actions.add_parser("start", help="start a class (the TV --station S leads it)")
    a.add_argument("program", help="program name or id")
    a.add_argument("--day", type=int, required=True)
    a.add_argument("--station", default=None, help="the TV that leads it (default: the first TV to take it up)")
    for name, help in (("pause", "pause the class"), ("resume", "resume a paused class"),
                       ("next", "go to the next step"), ("back", "go back a step"),
                       ("stop", "end the class"), ("extend", "lengthen the current rest")):
        a = actions.add_parser(name, help=help)
        if name == "extend":
            a.add_argument("seconds", nargs="?", type=float, default=None, metavar="SECONDS",
                           help="how long (default 15)")
        a.add_argument("--class", dest="class_id", type=int, default=None, metavar="ID",
                       help="the class (when several run; backbeat status lists them)")

    p = command("status", cmd_status, "the gym's stations and running classes")
    p.add_argument("--json", action="store_true", help="machine-readable (the status contract)")

    p = command("trainer", cmd_trainer, "the trainer's desktop (asks for the trainer PIN)")
    p.add_argument("--windowed", action="store_true")

    for name, func, help in (
        ("demo", cmd_demo, "set up the demo gym and run the sample class on the TV"),
        ("tv", cmd_tv, "the session screen"),
    ):
        p = command(name, func, help)
        p.add_argument("--program", default=None)
        p.add_argument("--day", type=int, default=1)
        p.add_argument("--windowed", action="store_true")
        p.add_argument("--screen", type=int, default=None)
        p.add_argument("--resume", action="store_true", help="continue the interrupted class")
        p.add_argument("--remote", default=None, metavar="[HOST:]PORT",
                       help="serve the coach's phone remote here (e.g. 8088 or 0.0.0.0:8088); "
                            "off unless given or turned on in the trainer's settings"
                            + ("; the demo serves it on 127.0.0.1:8088" if name == "demo" else ""))
        p.add_argument("--station", default=None,
                       help="this TV's name (default tv@host, remembered on this machine)")
        if name == "demo":
            p.add_argument("--fullscreen", action="store_true", help="the TV fullscreen")
            p.add_argument("--no-kiosk", action="store_true", help="the TV alone")
    return parser


def _carries_password(url: str) -> bool:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return bool(make_url(url).password)
    except (ArgumentError, ValueError):
        return False  # not a URL at all: opening it says so


def main(argv: Sequence[str] | None = None) -> int:
    from backbeat import diagnostics
    from backbeat.domain.errors import InvalidInput

    args = build_parser().parse_args(argv)
    diagnostics.setup(args.command)
    if args.db and _carries_password(args.db):
        print("backbeat: warning: the --db URL carries a password, which every user of this "
              "computer can read (ps, shell history); keep it in ~/.pgpass and name a service "
              "instead (packaging/README.md)", file=sys.stderr)
    if getattr(args, "command", None) == "db" and args.action == "restore" and not args.file:
        print("backbeat: error: db restore needs the backup FILE", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        return args.func(args)
    except InvalidInput as exc:
        print(f"backbeat: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except CliError as exc:
        print(f"backbeat: {exc}", file=sys.stderr)
        return exc.code
    except BrokenPipeError:
        return EXIT_OK
    except KeyboardInterrupt:
        return EXIT_ERROR
    except Exception as exc:  # never a traceback for a person; the words say what happened
        import logging

        logging.getLogger("backbeat").error("backbeat %s failed", args.command, exc_info=True)
        print(f"backbeat: {_trouble(exc)}", file=sys.stderr)
        if os.environ.get("BACKBEAT_DEBUG"):
            raise
        return EXIT_ERROR


def _trouble(exc: BaseException) -> str:
    """What went wrong, in words, for an error no command expected."""
    from sqlalchemy.exc import DBAPIError

    from backbeat.store.db import StoreError, describe_store_error

    if isinstance(exc, DBAPIError):
        return describe_store_error(exc)
    if isinstance(exc, StoreError):
        return str(exc)
    if isinstance(exc, MemoryError):
        return "out of memory; nothing more was saved"
    if isinstance(exc, RecursionError):
        return "the input is nested too deeply; nothing was saved"
    if isinstance(exc, OSError):
        where = f"{exc.filename}: " if exc.filename else ""
        return f"{where}{exc.strerror or exc}"
    return (f"unexpected error ({type(exc).__name__}: {exc}); the details are in the log file "
            "(BACKBEAT_DEBUG=1 shows them here)")


