"""The kiosk's screen while the database stalls, and the coach's board after a tap
(run by bench_kiosk.py; ``python benchmarks/kiosk_stall.py`` alone).

- GUI-thread stall: a real kiosk window (offscreen Qt) is tapped through its
  screens every 100 ms — roster refreshes, check-ins, an athlete's PIN, opening
  the log screen, LOG SET, a double tap answered, UNDO — while every database
  statement (on any thread) waits out a 3 s stall, as a server that stops
  answering would make it. A 2 ms timer on the GUI thread measures how late the
  event loop runs it: the longest lateness is the GUI thread's longest stall
  (bar ≤ 100 ms). Afterwards every tap made is in the database exactly once.
- tap → board: a set stored as a kiosk stores it, until the TV window's rest
  board (fetched off its GUI thread as the TV does) shows it (bar ≤ 1 s).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve()
STALL_S = 3.0
STALL_BAR_MS = 100.0
BOARD_BAR_S = 1.0
TIMER_MS = 2


def _gym(tmp: Path):
    from backbeat.domain.pin import hash_pin
    from backbeat.engine.timeline import ClassPlan
    from backbeat.store.athletes import add_athlete, list_athletes
    from backbeat.store.classes import start_class
    from backbeat.store.demo import check_in_demo_athletes, ensure_demo
    from backbeat.store.library import load_library
    from backbeat.store.programs import load_program
    from backbeat.store.seed import open_database

    db = open_database(f"sqlite:///{tmp / 'stall.db'}")
    ensure_demo(db, weeks=2)
    check_in_demo_athletes(db)
    add_athlete(db, "Zoe", pin_hash=hash_pin("2468"))
    timeline = ClassPlan(load_program(db, "Precision Back"), 2, load_library(db)).timeline()
    seg = next(s for s in timeline.segments
               if s.exercise == "weighted-hyperextension" and s.kind == "work")
    rest = next(s for s in timeline.segments[seg.index:] if s.kind == "rest")
    # the TV's class, paused on the hyperextension (a stored class is its class session)
    session = start_class(db, "Precision Back", 2, at_ns=time.time_ns(), leader="tv",
                          position_ms=seg.start_ms, paused=True)
    return db, {a.name: a.id for a in list_athletes(db)}, session, timeline, rest


def gui_stall(tmp: Path) -> dict:
    """The kiosk tapped through while the database stalls for STALL_S."""
    from PySide6.QtCore import QTimer
    from sqlalchemy import event, func, select

    from backbeat.store.models import SetLogRow
    from backbeat.store.outbox import Outbox
    from backbeat.ui.application import application
    from backbeat.ui.kiosk.window import KioskWindow

    app = application()
    db, ids, _session, _tl, _rest = _gym(tmp)
    stall = {"until": 0.0, "waited": 0}

    def slow(_conn, _cursor, _statement, *_args) -> None:
        left = stall["until"] - time.monotonic()
        if left > 0:
            stall["waited"] += 1
            time.sleep(left)

    event.listen(db.engine, "before_cursor_execute", slow)
    w = KioskWindow(db, station="stall-kiosk", outbox=Outbox(tmp / "outbox"), locked=False)
    w.resize(1280, 800)
    w.show()

    def pump(until: float) -> None:
        while time.monotonic() < until:
            app.processEvents()
            time.sleep(0.001)

    def settle(limit: float = 20.0) -> None:
        end = time.monotonic() + limit
        while time.monotonic() < end:
            app.processEvents()
            w.drain_results()
            if not w.busy():
                return
            time.sleep(0.002)

    settle()
    # what the kiosk confirmed (stored, or kept in its outbox): the database must end
    # up with exactly these
    confirmed = {"log": 0, "undo": 0}
    shown = w.on_result

    def counted(result) -> None:
        if result.op in confirmed and result.status in ("saved", "queued"):
            confirmed[result.op] += 1
        shown(result)

    w.on_result = counted
    # the screens the kiosk goes through, one every 100 ms, round and round
    names = ["Chloé", "Farah", "Hana", "Ana", "Ben"]

    def log_once() -> None:
        if w.stack.currentWidget() is w.log and w.exercise is not None and not w.log.asking:
            w.log_tapped()
        elif w.log.asking:
            w.next_set_tapped()

    # before the stall: Ana's log screen is open; in it, every 100 ms: LOG SET, the
    # same again at once (the double-tap question, answered), UNDO, a roster refresh,
    # a check-in, another athlete's screen, a PIN (all of it meets the stalled database)
    w.athlete_tapped(ids["Ana"])
    settle()
    steps = [log_once, log_once, log_once, w.undo_tapped, w.refresh, w.show_check_in,
             lambda: w.check_in_tapped(ids["Eli"]), lambda: w.athlete_tapped(ids["Ben"]),
             log_once, log_once, w.show_roster, lambda: w.athlete_tapped(ids["Zoe"]),
             lambda: [w.pin.keys[k].click() for k in ["2", "4", "6", "8", "OK"]], log_once]
    for name in names:
        steps += [lambda n=name: w.athlete_tapped(ids[n]), log_once, w.show_roster, w.refresh]

    lateness: list[float] = []
    during: list[float] = []
    last = {"t": time.monotonic()}

    def tick() -> None:
        now = time.monotonic()
        late = (now - last["t"]) * 1000 - TIMER_MS
        lateness.append(late)
        if stall["until"] - STALL_S <= now <= stall["until"] + 0.05:
            during.append(late)
        last["t"] = now

    timer = QTimer()
    timer.setInterval(TIMER_MS)
    timer.timeout.connect(tick)
    timer.start()
    start = time.monotonic()
    stall["until"] = start + 0.5 + STALL_S  # the database stops answering 0.5 s in
    pump(start + 0.5)
    last["t"] = time.monotonic()
    for step in steps:
        at = time.monotonic() + 0.1
        step()
        pump(at)
        if time.monotonic() > stall["until"] + 1.0:
            break
    pump(max(time.monotonic(), stall["until"]) + 0.5)
    timer.stop()
    settle(30.0)
    while len(w.sender.outbox):
        w.sender.retry_now()
        settle(5.0)
    with db.read() as s:
        rows = s.scalar(select(func.count()).select_from(SetLogRow)
                        .where(SetLogRow.station == "stall-kiosk", SetLogRow.undone.is_(False)))
    w.leave()
    event.remove(db.engine, "before_cursor_execute", slow)
    db.close()
    return {
        "max_stall_ms": max(during) if during else float("nan"),
        "p99_stall_ms": sorted(during)[int(len(during) * 0.99)] if during else float("nan"),
        "max_all_ms": max(lateness) if lateness else float("nan"),
        "statements_stalled": stall["waited"],
        "steps": len(steps),
        "rows": rows, "meant": confirmed["log"] - confirmed["undo"],
    }


def board_latency(tmp: Path, runs: int = 5) -> list[float]:
    """Seconds from a set stored (as a kiosk stores it) to the TV's rest board showing it."""
    from backbeat.domain.setlog import SetEntry
    from backbeat.engine.clock import MonotonicClock
    from backbeat.engine.runner import ClassRunner
    from backbeat.engine.timeline import ClassPlan
    from backbeat.store.board import rest_board
    from backbeat.store.library import load_library
    from backbeat.store.logs import log_set
    from backbeat.store.programs import load_program
    from backbeat.ui.application import application
    from backbeat.ui.tv.window import TvWindow

    app = application()
    db, ids, session, _tl, rest = _gym(tmp)
    runner = ClassRunner(ClassPlan(load_program(db, "Precision Back"), 2, load_library(db)),
                         MonotonicClock())
    runner.seek_ms(rest.start_ms + 1000)  # paused in the rest after the hyperextension's set 1
    window = TvWindow(runner, session_id=session,
                      board=lambda slug, s, sets: rest_board(db, slug, session_id=s, sets=sets))
    window.resize(1280, 720)
    window.show()

    def ana_done() -> int:
        line = next((b for b in window.screen_widget.board if b.athlete == "Ana"), None)
        return line.done if line else -1

    def pump_until(check, limit: float) -> float:
        t0 = time.monotonic()
        while time.monotonic() - t0 < limit:
            app.processEvents()
            if check():
                return time.monotonic() - t0
            time.sleep(0.002)
        return float("inf")

    pump_until(lambda: ana_done() >= 0, 20.0)
    out = []
    for _ in range(runs):
        before = ana_done()
        done = threading.Event()

        def tap(done: threading.Event = done) -> None:
            log_set(db, SetEntry(key=uuid.uuid4().hex, athlete_id=ids["Ana"],
                                 exercise="weighted-hyperextension", reps=8, load_kg=7.5,
                                 session_id=session, station="bench-board"))
            done.set()

        threading.Thread(target=tap).start()
        pump_until(done.is_set, 20.0)
        out.append(pump_until(lambda b=before: ana_done() > b, 10.0))
        pump_until(lambda: False, 0.3)
    window.close()
    db.close()
    return out


def rows(runs: int = 5) -> list[tuple[str, str, str, bool]]:
    """``runs`` stall runs and one board run of 5 taps, as medians with min–max and
    the machine's load (a shared machine's neighbours move the tail)."""
    from table import load, loads, spread

    stalls, stall_loads = [], []
    for i in range(runs):
        stall_loads.append(load())
        with tempfile.TemporaryDirectory() as tmp:
            stalls.append(gui_stall(Path(tmp)))
        g = stalls[-1]
        print(f"  stall run {i + 1}: longest GUI stall {g['max_stall_ms']:.1f} ms, "
              f"{g['meant']} sets confirmed / {g['rows']} stored")
    board_load = load()
    with tempfile.TemporaryDirectory() as tmp:
        b = board_latency(Path(tmp))
    worst = [g["max_stall_ms"] for g in stalls]
    exact = all(g["rows"] == g["meant"] and g["rows"] > 0 for g in stalls)
    return [
        (f"kiosk window, DB stalled {STALL_S:g} s: longest GUI-thread stall, {runs} runs "
         f"({loads(stall_loads)})", spread(worst, ".1f", "ms"), f"≤ {STALL_BAR_MS:g} ms (median)",
         statistics.median(worst) <= STALL_BAR_MS),
        ("  the same: statements held / sets confirmed = stored, each run",
         ", ".join(f"{g['statements_stalled']}: {g['meant']}={g['rows']}" for g in stalls),
         "equal", exact),
        (f"tap → the TV's rest board shows it, 5 taps ({loads([board_load])})",
         spread(b, ".2f", "s"), f"≤ {BOARD_BAR_S:g} s (median)", statistics.median(b) <= BOARD_BAR_S),
    ]


if __name__ == "__main__":
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.path.insert(0, str(HERE.parent))
    from table import report

    sys.exit(0 if report(rows()) else 1)
