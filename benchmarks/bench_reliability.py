"""Reliability numbers (issue: reliability, tried hard):

- bad inputs tried and refused cleanly: program files of every kind the issue
  found (invalid UTF-8, 1000-deep nesting, 5000-digit integers, NaN/Infinity,
  duplicate keys, an 11 MB file, a 40,000-item program, names that clash)
  plus generated ones (the sample with one value replaced by garbage, random
  bytes), each through ``backbeat plan FILE`` and ``backbeat import FILE``:
  bar 0 tracebacks, every refusal exit 2 with a message, nothing written;
- faults injected and survived: a tapping kiosk process killed with SIGKILL
  ten times, each kill landing while it taps (every tap it confirmed stored,
  once); kill -9 of a follower TV and then of the leading TV mid-class (real
  `backbeat tv` processes: the class goes on, the follower leads; a kiosk
  tapping into the class all along); the database down at start (a
  throw-away PostgreSQL stopped: a TV process and a kiosk's sender start
  without it, taps queued, stored once it is back, the TV leading its class)
  and mid-class (PostgreSQL stopped for 5 s while the TV runs the class and
  the kiosk taps); a full disk under a tapping kiosk (60 taps:
  the outbox's disk full, then the spare folder's too, the database itself
  "disk full"), a corrupt database file (``db check`` says so in words,
  ``db restore`` onto it), an older backup restored over newer logs (the
  replaced file kept): bar 0 logs lost;
- the offline cost of one trainer-PIN try (scrypt at TRAINER_COST), median and
  min–max over 7 tries: bar ≥ 100 ms.

The machine's load average is printed with the numbers.
"""

from __future__ import annotations

import builtins
import contextlib
import io
import json
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from table import report  # (benchmarks/ is on sys.path)

ROOT = Path(__file__).resolve().parents[1]
PIN_BAR_S = 0.100


def _load() -> str:
    return "load average " + " ".join(f"{v:.1f}" for v in os.getloadavg())


# --- bad inputs ---------------------------------------------------------------------------
def bad_files(folder: Path, generated: int = 380) -> list[Path]:
    sample = json.loads((ROOT / "resources" / "programs" / "precision-back.json").read_text("utf-8"))
    text = json.dumps(sample)
    made: dict[str, bytes] = {
        "invalid-utf8": text.encode()[:50] + b"\xff\xfe\xfd" + text.encode()[50:],
        "deep-nesting": b"[" * 1000 + b"]" * 1000,
        "deeper-nesting": b"[" * 200_000,
        "huge-integer": text.replace('"rest_s": 60', '"rest_s": ' + "9" * 5000, 1).encode(),
        "nan": text.replace('"rest_s": 60', '"rest_s": NaN', 1).encode(),
        "infinity": text.replace('"rest_s": 60', '"rest_s": Infinity', 1).encode(),
        "1e999": text.replace('"rest_s": 60', '"rest_s": 1e999', 1).encode(),
        "duplicate-keys": text.replace('"name": "Precision Back"', '"name": "A", "name": "B"', 1).encode(),
        "nan-breath": text.replace('"exercise": "long-exhale-breathing"',
                                   '"exercise": "long-exhale-breathing", "breath_pattern": "nan-4-nan-4"',
                                   1).encode(),
        "clash": text.replace('"Precision Back"', '"PRECISION BACK"', 1).encode(),
        "nul-name": text.replace('"Precision Back"', '"Precision\\u0000Back"', 1).encode(),
        "huge-file": b" " * 11_000_000 + text.encode(),
        "empty": b"",
        "not-an-object": b"[1, 2, 3]",
    }
    items = sample["days"][0]["blocks"][0]["items"]
    big = json.loads(text)
    big["name"] = "Forty thousand"
    big["days"] = [dict(sample["days"][0], blocks=[dict(sample["days"][0]["blocks"][0],
                                                        items=items * 40)] * 50)] * 20
    made["40000-items"] = json.dumps(big).encode()
    rng = random.Random(16)
    garbage = [None, -1, 10**30, "", "x" * 200, [], {}, True, 1e308, "3-1-1-0" * 9, "\u0000"]

    def paths(value, path=()):
        yield path
        if isinstance(value, dict):
            for k, v in value.items():
                yield from paths(v, (*path, k))
        elif isinstance(value, list):
            for i, v in enumerate(value):
                yield from paths(v, (*path, i))

    every = [p for p in paths(sample) if p]
    for n in range(generated):
        if n % 4 == 3:
            made[f"random-{n}"] = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 400)))
            continue
        doc = json.loads(text)
        path = rng.choice(every)
        node = doc
        for p in path[:-1]:
            node = node[p]
        node[path[-1]] = rng.choice(garbage)
        made[f"mutated-{n}"] = json.dumps(doc).encode()
    out = []
    for name, content in made.items():
        p = folder / f"{name}.json"
        p.write_bytes(content)
        out.append(p)
    return out


def try_bad_inputs(folder: Path) -> dict:
    from backbeat.cli import main
    from backbeat.store.programs import list_programs
    from backbeat.store.seed import open_database

    url = f"sqlite:///{folder / 'bad-inputs.db'}"
    db = open_database(url)
    before = list_programs(db)
    files = bad_files(folder)
    tried = refused = accepted = tracebacks = silent = 0
    for path in files:
        for command in ("plan", "import"):
            tried += 1
            err = io.StringIO()
            try:
                with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
                    code = main(["--db", url, command, str(path)])
            except BaseException:
                tracebacks += 1
                continue
            if "Traceback" in err.getvalue():
                tracebacks += 1
            elif code == 0:
                accepted += 1  # a mutation that is still a good program (e.g. a longer cue)
            elif code == 2 and err.getvalue().strip():
                refused += 1
            else:
                silent += 1
    after = list_programs(db)
    db.close()
    new = [n for n in after if n not in before]
    return {"files": len(files), "tried": tried, "refused": refused, "accepted": accepted,
            "tracebacks": tracebacks, "unclear": silent, "programs_added": len(new)}


# --- faults -------------------------------------------------------------------------------
def full_disk(folder: Path, taps: int = 60) -> dict:
    """A kiosk's sender tapping while its disks fill up and the database says
    'disk full'; then space comes back. Every tap must be confirmed and stored once."""
    from sqlalchemy.exc import OperationalError

    import backbeat.store.outbox as outbox_module
    from backbeat.domain.setlog import SetEntry
    from backbeat.store.athletes import add_athlete
    from backbeat.store.logs import count_logs
    from backbeat.store.outbox import Outbox, TapSender
    from backbeat.store.seed import open_database

    db = open_database(f"sqlite:///{folder / 'full.db'}")
    athlete = add_athlete(db, "Ana")
    real_apply, real_open = outbox_module.apply, builtins.open
    full = {"db": False, "disks": set()}

    def apply(database, op):
        if full["db"]:
            raise OperationalError("INSERT", {}, Exception("database or disk is full"))
        return real_apply(database, op)

    def opener(file, mode="r", *args, **kwargs):
        if isinstance(file, int) and "w" in mode:
            where = os.readlink(f"/proc/self/fd/{file}").rsplit("/", 1)[0]
            if where in full["disks"]:
                os.close(file)
                return real_open("/dev/full", mode, *args, **kwargs)  # ENOSPC, from the kernel
        return real_open(file, mode, *args, **kwargs)

    outbox_module.apply, outbox_module.open = apply, opener
    answered: dict[str, str] = {}
    done = threading.Condition()

    def on_result(r):
        with done:
            if r.op == "log":
                answered[r.key] = r.status
            done.notify_all()

    sender = TapSender(db, on_result, outbox=Outbox(folder / "outbox"), retry_s=0.2,
                       spare=folder / "spare")
    try:
        for n in range(taps):
            if n == taps // 4:
                full["db"] = True
                full["disks"].add(str(folder / "outbox"))
            if n == taps // 2:
                full["disks"].add(str(folder / "spare"))
            sender.send_log(SetEntry(key=f"full-{n}", athlete_id=athlete, exercise="face-pull",
                                     reps=8, station="bench"))
        with done:
            done.wait_for(lambda: len(answered) == taps, 30)
        held = len(sender.held)
        full["db"], full["disks"] = False, set()
        sender.retry_now()
        deadline = time.monotonic() + 30
        while sender.waiting() and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        sender.close()
        outbox_module.apply = real_apply
        del outbox_module.open
    stored = count_logs(db)
    leftovers = len(list((folder / "outbox").glob(".*.tmp")))
    db.close()
    return {"taps": taps, "answered": len(answered), "held_in_memory": held, "stored": stored,
            "lost": taps - stored, "tmp_left": leftovers}


def corrupt_and_restore(folder: Path) -> dict:
    from backbeat.cli import main
    from backbeat.store.athletes import add_athlete
    from backbeat.store.db import Database
    from backbeat.store.history import add_logs_bulk
    from backbeat.store.models import ExerciseRow
    from backbeat.store.seed import open_database

    path = folder / "gym.db"
    url = f"sqlite:///{path}"
    db = open_database(url)
    athlete = add_athlete(db, "Ana")
    with db.read() as s:
        ex = s.query(ExerciseRow).first().id
    from datetime import UTC, datetime, timedelta

    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    rows = [{"idempotency_key": f"r{i}", "athlete_id": athlete, "exercise_id": ex, "reps": 8,
             "logged_at": t0 + timedelta(minutes=i), "station": "bench", "undone": False}
            for i in range(846)]
    add_logs_bulk(db, rows[:746])
    quiet = contextlib.redirect_stderr(io.StringIO()), contextlib.redirect_stdout(io.StringIO())
    with quiet[0], quiet[1]:
        main(["--db", url, "db", "backup", str(folder / "b.db")])
    add_logs_bulk(db, rows[746:])  # 100 logs newer than the backup
    db.close()
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    size = path.stat().st_size
    with path.open("r+b") as f:  # garbage over the second half of the file
        f.seek(size // 2)
        f.write(os.urandom(size - size // 2))
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        check = main(["--db", url, "db", "check"])
        restored = main(["--db", url, "db", "restore", str(folder / "b.db")])
    told = check != 0 and "damaged" in err.getvalue()
    with contextlib.closing(sqlite3.connect(path)) as conn:
        after = conn.execute("SELECT count(*) FROM set_log").fetchone()[0]
    # now the older backup over newer data: warned, and the replaced file kept whole
    db = Database(url)
    add_logs_bulk(db, rows[746:])
    db.close()
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        again = main(["--db", url, "db", "restore", str(folder / "b.db")])
    kept = [p for p in folder.glob("gym.db.replaced-*") if p.name[-4:] not in ("-wal", "-shm")]
    newest_kept = max(kept, key=lambda p: p.stat().st_mtime)
    with contextlib.closing(sqlite3.connect(newest_kept)) as conn:
        in_kept = conn.execute("SELECT count(*) FROM set_log").fetchone()[0]
    warned = "older than the data it replaces" in err.getvalue()
    return {"corrupt_told": told, "restored_onto_corrupt": restored == 0 and after == 746,
            "older_warned": again == 0 and warned, "newer_logs_kept": in_kept,
            "lost": 846 - in_kept}


def _tapper(db_url: str, outbox: str, journal: str, first: str) -> int:
    """A kiosk's sender tapping as fast as it goes; each tap confirmed (saved or
    queued) is written to the journal. With first == "-": only deliver the outbox."""
    from backbeat.domain.setlog import SetEntry
    from backbeat.store.athletes import list_athletes
    from backbeat.store.db import Database
    from backbeat.store.outbox import Outbox, TapSender

    db = Database(db_url)
    athlete = list_athletes(db)[0].id
    out = open(journal, "a", buffering=1)  # noqa: SIM115  (the process is killed, not closed)

    def on_result(r):
        if r.op == "log" and r.status in ("saved", "duplicate", "queued"):
            out.write(r.key + "\n")

    sender = TapSender(db, on_result, outbox=Outbox(Path(outbox)), retry_s=0.1,
                       spare=Path(outbox + "-spare"))
    if first == "-":
        sender.retry_now()
        deadline = time.monotonic() + 30
        while sender.waiting() and time.monotonic() < deadline:
            time.sleep(0.05)
        sender.close()
        return 0
    n = int(first)
    while True:  # until killed
        sender.send_log(SetEntry(key=f"kill-{n}", athlete_id=athlete, exercise="face-pull",
                                 reps=8, station="bench"))
        n += 1
        time.sleep(0.002)


class Taps:
    """A kiosk's sender tapping (every 50 ms, on its own thread) into a class or
    open gym; every tap it confirmed (saved, duplicate or queued) is kept."""

    def __init__(self, db, outbox: Path, athlete_id: int, session_id: int | None, prefix: str):
        from backbeat.store.outbox import Outbox, TapSender

        self.athlete_id, self.session_id, self.prefix = athlete_id, session_id, prefix
        self.confirmed: set[str] = set()
        self.queued = self.answered = self.sent = 0
        self._lock = threading.Lock()
        self.sender = TapSender(db, self._on, outbox=Outbox(outbox), retry_s=0.2,
                                spare=outbox.with_name(outbox.name + "-spare"))
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="bench-taps", daemon=True)
        self._thread.start()

    def _on(self, r) -> None:
        if r.op != "log":
            return
        with self._lock:
            self.answered += 1
            if r.status in ("saved", "duplicate", "queued"):
                self.confirmed.add(r.key)
            self.queued += r.status == "queued"

    def _run(self) -> None:
        from backbeat.domain.setlog import SetEntry

        while not self._stop.wait(0.05):
            self.sender.send_log(SetEntry(key=f"{self.prefix}-{self.sent}", athlete_id=self.athlete_id,
                                          exercise="face-pull", reps=8, station="bench",
                                          session_id=self.session_id))
            self.sent += 1

    def finish(self, timeout: float = 90.0) -> None:
        """Stop tapping; wait until every tap is answered and nothing waits."""
        self._stop.set()
        self._thread.join()
        deadline = time.monotonic() + timeout
        while (self.sender.waiting() or self.answered < self.sent) and time.monotonic() < deadline:
            self.sender.retry_now()
            time.sleep(0.2)
        self.sender.close()

    def lost_and_twice(self, db) -> tuple[int, int]:
        from sqlalchemy import text

        with db.engine.connect() as conn:
            rows = conn.execute(text("SELECT idempotency_key FROM set_log WHERE idempotency_key "
                                     "LIKE :p"), {"p": f"{self.prefix}-%"}).scalars().all()
        return len(self.confirmed - set(rows)), len(rows) - len(set(rows))


def _tv_up(tv, predicate, timeout: float = 60.0):
    try:
        return tv.wait_for(predicate, timeout=timeout)
    except RuntimeError:
        return None


def tv_kills(folder: Path) -> dict:
    """Two real TV processes on one SQLite file share a class while a kiosk taps
    into it: the follower is killed with SIGKILL (the class goes on, led as
    before), comes back, then the leader is killed (the follower leads on)."""
    import bench_gym

    from backbeat.store.athletes import add_athlete
    from backbeat.store.classes import load_class, start_class
    from backbeat.store.gymclock import gym_now_ns
    from backbeat.store.seed import open_database

    url = f"sqlite:///{folder / 'tv.db'}"
    db = open_database(url)
    athlete = add_athlete(db, "Ana")
    tvs = [bench_gym.Tv(url, "tv-a", folder)]
    result = {"follower_killed_class_on": False, "leader_killed_follower_leads": False,
              "failover_s": None, "lost": 0, "twice": 0, "confirmed": 0}
    taps = None
    try:
        _tv_up(tvs[0], lambda f: True)
        class_id = start_class(db, "Precision Back", 1, at_ns=gym_now_ns(db), leader="tv-a")
        _tv_up(tvs[0], lambda f: f[2] == "running" and f[3] == "leader")
        tvs.append(bench_gym.Tv(url, "tv-b", folder))
        _tv_up(tvs[1], lambda f: f[2] == "running" and f[3] == "follower")
        taps = Taps(db, folder / "outbox-tv", athlete, class_id, "tvkill")
        time.sleep(1.0)
        tvs[1].kill()  # the follower, mid-class
        before = tvs[0].frames()[-1][1]
        time.sleep(2.0)
        last = tvs[0].frames()[-1]
        result["follower_killed_class_on"] = (last[2] == "running" and last[3] == "leader"
                                              and last[1] - before >= 1500)
        tvs.append(bench_gym.Tv(url, "tv-b", folder))  # back: it follows again
        _tv_up(tvs[2], lambda f: f[2] == "running" and f[3] == "follower")
        time.sleep(0.6)  # a heartbeat of it in the running class
        tvs[0].kill()  # the leader, mid-class
        killed = time.monotonic()
        frame = _tv_up(tvs[2], lambda f: f[2] == "running" and f[3] == "leader", timeout=15)
        if frame is not None:
            result["failover_s"] = time.monotonic() - killed
            result["leader_killed_follower_leads"] = load_class(db, class_id).leader == "tv-b"
        time.sleep(1.0)
    finally:
        if taps is not None:
            taps.finish()
            result["lost"], result["twice"] = taps.lost_and_twice(db)
            result["confirmed"] = len(taps.confirmed)
        for tv in tvs:
            tv.stop()
        db.close()
    return result


def database_down(folder: Path) -> dict:
    """A throw-away PostgreSQL, down when a TV process and a kiosk's sender start
    (the TV on the class it kept); taps queue, and are stored once the server is
    back, the TV leading its class; then the server stops again for 5 s mid-class
    while the kiosk taps and the TV runs."""
    import subprocess

    import bench_gym
    from tests.pg import stoppable_postgres

    from backbeat.store.athletes import add_athlete
    from backbeat.store.classes import start_class
    from backbeat.store.db import Database
    from backbeat.store.gymclock import gym_now_ns
    from backbeat.store.seed import open_database

    result = {"start_tv_up": False, "start_queued": 0, "start_lost": 0, "start_twice": 0,
              "start_joined": False, "mid_class_on": False, "mid_lost": 0, "mid_twice": 0,
              "mid_confirmed": 0}
    with stoppable_postgres() as server:
        db = open_database(server.url)
        athlete = add_athlete(db, "Ana")
        db.close()
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "BACKBEAT_EXIT_AFTER_FIRST_FRAME": "1",
               "BACKBEAT_DATA_DIR": str(folder / "tv-pg")}
        subprocess.run([sys.executable, "-m", "backbeat", "--db", server.url, "tv", "--windowed"],
                       env=env, capture_output=True, timeout=120, check=True)  # keeps its class
        server.stop()  # the power cut: the server boots last
        tv = bench_gym.Tv(server.url, "tv-pg", folder)
        away = Database.unopened(server.url)
        taps = Taps(away, folder / "outbox-pg", athlete, None, "down-at-start")
        db = None
        try:
            result["start_tv_up"] = _tv_up(tv, lambda f: f[2] == "ready") is not None
            time.sleep(2.0)
            result["start_queued"] = taps.queued
            server.start()
            db = open_database(server.url)
            class_id = start_class(db, "Precision Back", 1, at_ns=gym_now_ns(db), leader="tv-pg")
            result["start_joined"] = _tv_up(tv, lambda f: f[2] == "running" and f[3] == "leader") is not None
            taps.finish()
            result["start_lost"], result["start_twice"] = taps.lost_and_twice(db)
            mid = Taps(away, folder / "outbox-pg", athlete, class_id, "down-mid-class")
            time.sleep(1.0)
            server.stop()
            before = tv.frames()[-1][1]
            time.sleep(5.0)
            server.start()
            time.sleep(3.0)
            last = tv.frames()[-1]
            result["mid_class_on"] = (tv.proc.poll() is None and last[2] == "running"
                                      and last[1] - before >= 7000)
            mid.finish()
            result["mid_lost"], result["mid_twice"] = mid.lost_and_twice(db)
            result["mid_confirmed"] = len(mid.confirmed)
        finally:
            tv.stop()
            away.close()
            if db is not None:
                db.close()
    return result


def kill_nine(folder: Path, kills: int = 10) -> dict:
    """A tapping kiosk process SIGKILLed ``kills`` times at random moments, then
    a fresh process delivers whatever was left queued: every confirmed tap must
    be stored, and stored once."""
    import signal
    import subprocess

    from backbeat.store.athletes import add_athlete
    from backbeat.store.seed import open_database

    url = f"sqlite:///{folder / 'kill.db'}"
    db = open_database(url)
    add_athlete(db, "Ana")
    db.close()
    journal, outbox = folder / "confirmed.txt", str(folder / "outbox")
    rng = random.Random(9)
    me = [sys.executable, str(Path(__file__).resolve()), "tapper"]
    landed = tries = 0
    while landed < kills and tries < kills * 3:  # every one of the kills lands while it taps
        proc = subprocess.Popen([*me, url, outbox, str(journal), str(tries * 100_000)],
                                stderr=subprocess.DEVNULL)
        tries += 1
        size = journal.stat().st_size if journal.exists() else 0
        deadline = time.monotonic() + 60  # started and tapping (start-up is slow on a busy machine)
        while (journal.stat().st_size if journal.exists() else 0) == size and time.monotonic() < deadline:
            time.sleep(0.02)
        tapping = (journal.stat().st_size if journal.exists() else 0) > size
        time.sleep(rng.uniform(0.2, 1.2))  # then killed at a random moment mid-tap
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        landed += tapping
    subprocess.run([*me, url, outbox, str(journal), "-"], check=True, timeout=120)
    confirmed = set(journal.read_text().split()) if journal.exists() else set()
    with contextlib.closing(sqlite3.connect(folder / "kill.db")) as conn:
        stored = {r[0] for r in conn.execute("SELECT idempotency_key FROM set_log")}
        dupes = conn.execute("SELECT count(*) - count(DISTINCT idempotency_key) FROM set_log").fetchone()[0]
    return {"kills": landed, "asked": kills, "confirmed": len(confirmed),
            "lost": len(confirmed - stored), "duplicated": dupes}


def pin_cost(tries: int = 7) -> list[float]:
    from backbeat.domain.pin import TRAINER_COST, hash_pin, verify_pin

    stored = hash_pin("246813", TRAINER_COST)
    times = []
    for _ in range(tries):
        t = time.perf_counter()
        verify_pin("000000", stored)
        times.append(time.perf_counter() - t)
    return times


def main() -> bool:
    sys.path.insert(0, str(ROOT / "src"))
    print(f"machine: {_load()}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        bad = try_bad_inputs(folder)
        print(f"  bad inputs: {bad['files']} files × plan and import = {bad['tried']} tries: "
              f"{bad['refused']} refused with a message (exit 2), {bad['accepted']} still good "
              f"programs, {bad['tracebacks']} tracebacks, {bad['unclear']} unclear; "
              f"{bad['programs_added']} programs added by refusals")
        (folder / "disk").mkdir()
        disk = full_disk(folder / "disk")
        print(f"  full disk: {disk['taps']} taps, {disk['answered']} answered, "
              f"{disk['held_in_memory']} held in memory at the worst, {disk['stored']} stored, "
              f"{disk['lost']} lost, {disk['tmp_left']} .tmp files left")
        (folder / "kill").mkdir()
        kill = kill_nine(folder / "kill")
        print(f"  kill -9: a tapping kiosk process killed {kill['kills']} times (of {kill['asked']}) "
              "at random moments while tapping: "
              f"{kill['confirmed']} taps confirmed, {kill['lost']} lost, "
              f"{kill['duplicated']} stored twice")
        (folder / "tvs").mkdir()
        tvk = tv_kills(folder / "tvs")
        print(f"  kill -9 of TVs mid-class ({_load()}): follower killed, class on "
              f"{tvk['follower_killed_class_on']}; leader killed, the follower leads "
              f"{tvk['leader_killed_follower_leads']} after "
              f"{tvk['failover_s'] if tvk['failover_s'] is None else round(tvk['failover_s'], 1)} s; "
              f"kiosk taps into the class {tvk['confirmed']} confirmed, {tvk['lost']} lost, "
              f"{tvk['twice']} stored twice")
        (folder / "pg").mkdir()
        down = database_down(folder / "pg")
        print(f"  database down at start ({_load()}): TV up {down['start_tv_up']}, "
              f"{down['start_queued']} taps queued, {down['start_lost']} lost, "
              f"{down['start_twice']} stored twice, TV leads its class once back {down['start_joined']}")
        print(f"  database down 5 s mid-class: class went on {down['mid_class_on']}, kiosk taps "
              f"{down['mid_confirmed']} confirmed, {down['mid_lost']} lost, {down['mid_twice']} stored twice")
        (folder / "restore").mkdir()
        rest = corrupt_and_restore(folder / "restore")
        print(f"  corrupt file: told by db check {rest['corrupt_told']}, restored onto it "
              f"{rest['restored_onto_corrupt']}; older backup over 100 newer logs: warned "
              f"{rest['older_warned']}, replaced file kept with {rest['newer_logs_kept']} logs")
    times = pin_cost()
    med = statistics.median(times)
    print(f"  trainer PIN, one offline try: median {med * 1000:.0f} ms "
          f"(min {min(times) * 1000:.0f} – max {max(times) * 1000:.0f}, {len(times)} tries; {_load()})")
    faults = {
        "kill -9 of a tapping kiosk ×10": kill["lost"] == 0 and kill["duplicated"] == 0
        and kill["confirmed"] > 0 and kill["kills"] == kill["asked"],
        "kill -9 of a follower TV": tvk["follower_killed_class_on"],
        "kill -9 of the leading TV": tvk["leader_killed_follower_leads"]
        and tvk["lost"] == 0 and tvk["twice"] == 0 and tvk["confirmed"] > 0,
        "database down at start": down["start_tv_up"] and down["start_joined"]
        and down["start_queued"] > 0 and down["start_lost"] == 0 and down["start_twice"] == 0,
        "database down mid-class": down["mid_class_on"] and down["mid_lost"] == 0
        and down["mid_twice"] == 0 and down["mid_confirmed"] > 0,
        "disk full": disk["lost"] == 0 and disk["answered"] == disk["taps"] and disk["tmp_left"] == 0,
        "corrupt file": rest["corrupt_told"] and rest["restored_onto_corrupt"],
        "restore": rest["older_warned"],
    }
    survived = sum(faults.values())
    for name, ok in faults.items():
        if not ok:
            print(f"  NOT SURVIVED: {name}")
    lost = (kill["lost"] + disk["lost"] + rest["lost"] + tvk["lost"] + down["start_lost"]
            + down["mid_lost"])
    return report([
        ("bad inputs: tracebacks", f"{bad['tracebacks']} of {bad['tried']}", "0",
         bad["tracebacks"] == 0 and bad["unclear"] == 0 and bad["programs_added"] <= bad["accepted"]),
        ("faults injected and survived", f"{survived} of {len(faults)}",
         f"{len(faults)} of {len(faults)}", survived == len(faults)),
        ("logs lost (every fault)", str(lost), "0", lost == 0),
        ("trainer PIN, offline cost per try (median)", f"{med * 1000:.0f} ms",
         f"≥ {PIN_BAR_S * 1000:.0f} ms", med >= PIN_BAR_S),
    ])


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    if len(sys.argv) > 1 and sys.argv[1] == "tapper":
        sys.exit(_tapper(*sys.argv[2:6]))
    sys.exit(0 if main() else 1)
