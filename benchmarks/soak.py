"""`make soak`: the class never stops, nothing is lost, nothing grows.

1. Hours of classes at accelerated fake time (SOAK_CLASSES, default 24 — about
   14 hours of class time): the real TV window (offscreen) paints a frame at
   every fake-clock step, beats its station heartbeat with what it showed,
   and a kiosk's TapSender logs taps between sets, through the same SQLite
   database; random pauses, skips, back steps and +15 s. At the end of every
   class the screen's position must equal the plan (drift), and the process's
   memory after the last class must be within 10 % of that after the first.
2. Ten real minutes (SOAK_REAL_S, default 600): a child process runs a class on
   the real monotonic clock with the real CuePlayer and simpleaudio playing
   into ALSA's ``file`` device, while a kiosk process taps every 0.5–1.5 s into
   the same database. Drift at the end, the child's memory at one minute and
   at the end, the captured audio's length, taps sent vs stored.

Both parts count warnings (Python warnings and log records at WARNING or
above) and logs lost; the bars: drift ≤ 1 ms, memory within 10 %, 0 warnings,
0 logs lost.
"""

from __future__ import annotations

import json
import logging
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from table import report  # noqa: E402
from walk import RandomWalk  # noqa: E402

DRIFT_BAR_MS = 1.0
MEMORY_BAR = 0.10


def rss_kb(pid: int | str = "self") -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


class Warnings(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.records: list[str] = []

    def emit(self, record) -> None:
        self.records.append(f"{record.name}: {record.getMessage()}")


def _load() -> str:
    return "load average " + " ".join(f"{v:.1f}" for v in os.getloadavg())


# --- 1. accelerated fake time -------------------------------------------------------------
def fake_time_classes(folder: Path, classes: int, seed: int = 16) -> dict:
    from backbeat.domain.setlog import SetEntry
    from backbeat.engine.clock import FakeClock
    from backbeat.engine.gymclass import Event
    from backbeat.engine.runner import ClassRunner, RunState
    from backbeat.engine.timeline import ClassPlan
    from backbeat.store.athletes import list_athletes
    from backbeat.store.classes import append_event, start_class
    from backbeat.store.demo import ensure_demo
    from backbeat.store.library import load_library
    from backbeat.store.logs import count_logs
    from backbeat.store.outbox import Outbox, TapSender
    from backbeat.store.programs import load_program
    from backbeat.store.seed import open_database
    from backbeat.store.stations import heartbeat, register_station
    from backbeat.ui.application import application
    from backbeat.ui.tv.window import TvWindow

    app = application()
    db = open_database(f"sqlite:///{folder / 'soak.db'}")
    ensure_demo(db, weeks=1)
    athletes = [a.id for a in list_athletes(db)]
    logs_before = count_logs(db)
    answered: dict[str, str] = {}
    lock = threading.Lock()

    def on_result(r):
        with lock:
            if r.op == "log":
                answered[r.key] = r.status

    sender = TapSender(db, on_result, outbox=Outbox(folder / "outbox"), spare=folder / "spare")
    register_station(db, "soak-tv", "tv", time.time_ns())
    session = None

    def shown(state: dict, _index: int) -> None:  # the TV's heartbeat: what it showed
        heartbeat(db, "soak-tv", time.time_ns(), role="leader", class_id=session, state=state["state"],
                  position_s=state["position_ms"] / 1000, clock_offset_ms=0.0)
    program = load_program(db, "Precision Back")
    library = load_library(db)
    rng = random.Random(seed)
    clock = FakeClock()
    window = None
    worst_drift_ms, class_s, memory, taps = 0.0, 0.0, [], 0
    for n in range(classes):
        day = 1 + n % len(program.days)
        runner = ClassRunner(ClassPlan(program, day, library), clock)
        if window is None:
            window = TvWindow(runner, save=shown)
            window.resize(1280, 720)
            window.show()
        else:
            window.set_runner(runner)
        session = start_class(db, program.name, day, at_ns=time.time_ns(), leader="soak-tv")
        runner.play()
        walk = RandomWalk(runner, clock, rng, (0.05, 8.0))
        while runner.state is not RunState.ENDED:
            walk.step()
            seg = runner.now().segment
            if seg.kind.value == "rest" and rng.random() < 0.05:
                taps += 1
                sender.send_log(SetEntry(key=f"soak-{n}-{taps}", athlete_id=rng.choice(athletes),
                                         exercise=seg.exercise or "face-pull", reps=8,
                                         load_kg=10.0, station="soak-kiosk", session_id=session))
            window.tick()
            window.screen_widget.repaint()
            app.processEvents()
        drift = walk.drift_ms()
        worst_drift_ms = max(worst_drift_ms, drift)
        class_s += runner.timeline.duration_ms / 1000
        append_event(db, session, Event("stop", time.time_ns()), station="soak-tv")
        memory.append(rss_kb())
    deadline = time.monotonic() + 60
    while (len(answered) < taps or sender.waiting()) and time.monotonic() < deadline:
        time.sleep(0.05)
        app.processEvents()
    sender.close()
    window.close()
    stored = count_logs(db) - logs_before
    saved = sum(1 for s in answered.values() if s in ("saved", "duplicate"))
    db.close()
    return {"classes": classes, "class_hours": class_s / 3600, "drift_ms": worst_drift_ms,
            "memory_first_kb": memory[0], "memory_last_kb": memory[-1], "taps": taps,
            "answered": len(answered), "saved": saved, "stored": stored, "lost": taps - stored}


# --- 2. ten real minutes with audio and a tapping kiosk ------------------------------------
def _tv_child(seconds: str, out: str) -> int:
    """The class on the real clock, sound through the real CuePlayer (ALSA's
    default device, made a file by the parent's .asoundrc)."""
    from backbeat.audio.player import CuePlayer, SimpleaudioBackend
    from backbeat.domain.program import read_program_file
    from backbeat.engine.clock import MonotonicClock
    from backbeat.engine.runner import ClassRunner, RunState
    from backbeat.engine.timeline import ClassPlan
    from backbeat.paths import resources_dir
    from backbeat.store.seed import builtin_library

    caught = []
    warnings.simplefilter("always")
    warnings.showwarning = lambda message, *a, **k: caught.append(str(message))
    handler = Warnings()
    logging.getLogger().addHandler(handler)
    program = read_program_file(resources_dir() / "programs" / "precision-back.json")
    plan = ClassPlan(program, 1, builtin_library())
    clock = MonotonicClock()
    runner = ClassRunner(plan, clock)
    player = CuePlayer(SimpleaudioBackend())
    total = float(seconds)
    started = time.perf_counter()
    runner.play()
    player.follow(runner)
    last = None
    memory = {}
    while True:
        now = time.perf_counter() - started
        if now >= total:
            break
        state = runner.now()
        key = (state.segment.index, state.state, state.epoch)
        if key != last:
            last = key
            player.follow(runner)
        if runner.state is RunState.ENDED:  # a class shorter than the soak: stop there
            break
        if "one_minute_kb" not in memory and now >= min(60.0, total / 2):
            memory["one_minute_kb"] = rss_kb()
        time.sleep(0.005)
    played_s = runner.position_ms() / 1000
    elapsed_s = time.perf_counter() - started
    player.stop()
    Path(out).write_text(json.dumps({
        "elapsed_s": elapsed_s, "drift_ms": abs(played_s - elapsed_s) * 1000,
        "memory_minute_kb": memory.get("one_minute_kb", 0), "memory_end_kb": rss_kb(),
        "warnings": caught + handler.records, "audio": player.available,
        "reason": getattr(player, "reason", ""),
    }))
    return 0


def _kiosk_child(db_url: str, seconds: str, out: str, outbox: str) -> int:
    from backbeat.domain.setlog import SetEntry
    from backbeat.store.athletes import list_athletes
    from backbeat.store.db import Database
    from backbeat.store.outbox import Outbox, TapSender

    handler = Warnings()
    logging.getLogger().addHandler(handler)
    db = Database(db_url)
    athletes = [a.id for a in list_athletes(db)]
    answered = {}
    sender = TapSender(db, lambda r: answered.__setitem__(r.key, r.status) if r.op == "log" else None,
                       outbox=Outbox(Path(outbox)), spare=Path(outbox + "-spare"))
    rng = random.Random(7)
    end = time.monotonic() + float(seconds)
    sent = 0
    while time.monotonic() < end:
        sent += 1
        sender.send_log(SetEntry(key=f"real-{sent}", athlete_id=rng.choice(athletes),
                                 exercise="face-pull", reps=8, load_kg=10.0, station="soak-real"))
        time.sleep(rng.uniform(0.5, 1.5))
    deadline = time.monotonic() + 30
    while (len(answered) < sent or sender.waiting()) and time.monotonic() < deadline:
        time.sleep(0.05)
    sender.close()
    Path(out).write_text(json.dumps({"sent": sent, "answered": len(answered),
                                     "warnings": handler.records}))
    return 0


def real_minutes(folder: Path, seconds: float) -> dict:
    from backbeat.audio.check import alsa_capture_env, read_capture
    from backbeat.store.demo import ensure_demo
    from backbeat.store.logs import count_logs
    from backbeat.store.seed import open_database

    url = f"sqlite:///{folder / 'real.db'}"
    db = open_database(url)
    ensure_demo(db, weeks=1)
    before = count_logs(db)
    env, capture = alsa_capture_env(folder / "alsa")
    tv_out, kiosk_out = folder / "tv.json", folder / "kiosk.json"
    me = [sys.executable, str(Path(__file__).resolve())]
    tv = subprocess.Popen([*me, "tv", str(seconds), str(tv_out)], env=env)
    kiosk = subprocess.Popen([*me, "kiosk", url, str(seconds), str(kiosk_out), str(folder / "outbox")])
    tv_code, kiosk_code = tv.wait(seconds + 120), kiosk.wait(seconds + 120)
    stored = count_logs(db) - before
    db.close()
    tv_res = json.loads(tv_out.read_text()) if tv_out.exists() else {}
    kiosk_res = json.loads(kiosk_out.read_text()) if kiosk_out.exists() else {}
    try:
        audio_s = read_capture(capture).size / 44100
    except Exception as exc:
        audio_s, tv_res["reason"] = 0.0, str(exc)
    return {"codes": (tv_code, kiosk_code), **tv_res, "audio_s": audio_s,
            "sent": kiosk_res.get("sent", 0), "answered": kiosk_res.get("answered", 0),
            "stored": stored, "lost": kiosk_res.get("sent", 0) - stored,
            "warnings": tv_res.get("warnings", []) + kiosk_res.get("warnings", [])}


def main() -> bool:
    classes = int(os.environ.get("SOAK_CLASSES", "24"))
    real_s = float(os.environ.get("SOAK_REAL_S", "600"))
    caught: list[str] = []
    warnings.simplefilter("always")
    warnings.showwarning = lambda message, *a, **k: caught.append(str(message))
    handler = Warnings()
    logging.getLogger().addHandler(handler)
    print(f"machine: {_load()}")
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        fake = fake_time_classes(Path(tmp), classes)
        grew = fake["memory_last_kb"] / fake["memory_first_kb"] - 1
        print(f"  fake time: {fake['classes']} classes, {fake['class_hours']:.1f} h of class in "
              f"{time.perf_counter() - started:.0f} s; worst drift {fake['drift_ms']:.6f} ms; memory "
              f"{fake['memory_first_kb'] // 1024} → {fake['memory_last_kb'] // 1024} MB ({grew:+.1%}); "
              f"{fake['taps']} taps, {fake['answered']} answered, {fake['stored']} stored")
        (Path(tmp) / "real").mkdir()
        real = real_minutes(Path(tmp) / "real", real_s)
        print(f"  real clock: {real.get('elapsed_s', 0):.0f} s with audio into ALSA's file device "
              f"({real['audio_s']:.0f} s captured; {real.get('reason') or 'sound ok'}), drift "
              f"{real.get('drift_ms', float('nan')):.2f} ms, memory {real.get('memory_minute_kb', 0) // 1024}"
              f" → {real.get('memory_end_kb', 0) // 1024} MB; kiosk {real['sent']} taps, "
              f"{real['answered']} answered, {real['stored']} stored; exit codes {real['codes']}")
    every = caught + handler.records + real["warnings"]
    for w in every[:10]:
        print(f"  warning: {w}")
    real_grew = (real.get("memory_end_kb", 0) / max(1, real.get("memory_minute_kb", 1))) - 1
    print(f"machine afterwards: {_load()}")
    return report([
        ("drift at the end of every fake-time class (worst)", f"{fake['drift_ms']:.6f} ms",
         f"≤ {DRIFT_BAR_MS:g} ms", fake["drift_ms"] <= DRIFT_BAR_MS),
        ("drift after the real-clock run", f"{real.get('drift_ms', float('inf')):.2f} ms",
         f"≤ {DRIFT_BAR_MS:g} ms", real.get("drift_ms", float("inf")) <= DRIFT_BAR_MS),
        ("memory, first → last fake-time class", f"{grew:+.1%}", f"within {MEMORY_BAR:.0%}",
         abs(grew) <= MEMORY_BAR),
        ("memory, real-clock TV at 1 min → end", f"{real_grew:+.1%}", f"within {MEMORY_BAR:.0%}",
         abs(real_grew) <= MEMORY_BAR),
        ("sound in ALSA's file device (its last stream)", f"{real['audio_s']:.0f} s", "> 0 s",
         real["audio_s"] > 0),
        ("warnings in the log", str(len(every)), "0", not every),
        ("logs lost (fake time + real clock)", str(fake["lost"] + real["lost"]), "0",
         fake["lost"] + real["lost"] == 0 and real["codes"] == (0, 0)),
    ])


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parent / "src"))
    if len(sys.argv) > 1 and sys.argv[1] == "tv":
        sys.exit(_tv_child(*sys.argv[2:4]))
    if len(sys.argv) > 1 and sys.argv[1] == "kiosk":
        sys.exit(_kiosk_child(*sys.argv[2:6]))
    sys.exit(0 if main() else 1)
