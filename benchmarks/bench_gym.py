"""One gym, several screens: real `backbeat tv` processes on a throw-away
PostgreSQL server (and on one SQLite file), measured from outside.

Each TV is started with ``BACKBEAT_FRAME_LOG``: every frame it writes the
system's monotonic clock, the class position it showed, the class state and
its role. The follower runs under ``faketime -f +3s`` (its wall clock 3 s
ahead; ``FAKETIME_DONT_FAKE_MONOTONIC=1`` keeps the shared monotonic clock the
frames are stamped with honest), so the logs of the two TVs can be compared
instant by instant:

- phase offset: at each follower frame, the follower's position minus the
  leader's at that same instant (interpolated between the leader's frames),
  over ``BENCH_GYM_MINUTES`` (10) of running class; p95 and max of |offset|;
- pause propagation: ``class pause`` committed → the first paused frame on
  the follower, and the kiosk process's link seeing it (20 pauses);
- failover: SIGKILL of the leader → the first frame the follower shows as
  leader, the class running (5 kills, the old leader coming back to follow).

Bars (issue 12): phase within one frame (17 ms), pause p95 ≤ 250 ms,
failover ≤ 3.5 s.
"""

from __future__ import annotations

import bisect
import contextlib
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).parent))

from table import report  # noqa: E402

PHASE_BAR_MS = 17.0
PAUSE_BAR_MS = 250.0
FAILOVER_BAR_S = 3.5


def _machine() -> str:
    load = os.getloadavg()
    return f"load {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} cores"


class Tv:
    def __init__(self, url: str, name: str, tmp: Path, *, fake_s: float | None = None):
        self.name = name
        self.log = tmp / f"{name}.frames"
        self.log.write_text("")
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "BACKBEAT_DATA_DIR": str(tmp / name),
               "BACKBEAT_FRAME_LOG": str(self.log)}
        cmd = [sys.executable, "-m", "backbeat", "--db", url, "tv", "--station", name, "--windowed"]
        if fake_s is not None:
            env["FAKETIME_DONT_FAKE_MONOTONIC"] = "1"
            cmd = [shutil.which("faketime") or "faketime", "-f", f"{fake_s:+g}s", *cmd]
        # its own process group: faketime runs the TV as its child, and a kill must reach it
        self.proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     start_new_session=True)

    def frames(self) -> list[tuple[int, float, str, str]]:
        out = []
        for line in self.log.read_text().splitlines():
            parts = line.split()
            if len(parts) == 4:
                out.append((int(parts[0]), float(parts[1]), parts[2], parts[3]))
        return out

    def wait_for(self, predicate, timeout: float = 60.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            frames = self.frames()
            if frames and predicate(frames[-1]):
                return frames[-1]
            time.sleep(0.02)
        raise RuntimeError(f"{self.name}: timed out")

    def _signal(self, sig: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, sig)

    def kill(self) -> None:
        """SIGKILL, as a power cut: the TV and anything it runs under."""
        self._signal(signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        self._signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.kill()
        self._signal(signal.SIGKILL)  # a child left behind by the wrapper


def _pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, round(q * (len(s) - 1)))]


def phase_offsets(leader: list, follower: list) -> list[float]:
    """|follower position − leader position| (ms) at each follower frame while both run."""
    lead = [(m, p) for m, p, st, _ in leader if st == "running"]
    stamps = [m for m, _ in lead]
    out = []
    for m, p, st, _ in follower:
        if st != "running":
            continue
        i = bisect.bisect_right(stamps, m)
        if i == 0 or i >= len(stamps):
            continue
        m0, p0 = lead[i - 1]
        m1, p1 = lead[i]
        if m1 - m0 > 100_000_000 or abs((p1 - p0) - (m1 - m0) / 1e6) > 1:
            continue  # a gap or a jump between the leader's frames: no honest interpolation
        at = p0 + (m - m0) / 1e6
        out.append(abs(p - at))
    return out


def scenario(url: str, tmp: Path, *, minutes: float, pauses: int, kills: int, fake_s: float | None):
    from backbeat.engine.gymclock import GymClock
    from backbeat.store.classes import load_class, send_command, start_class
    from backbeat.store.gymclock import measure
    from backbeat.store.link import StationLink
    from backbeat.store.seed import open_database

    db = open_database(url)
    clock = GymClock()
    measure(db, clock)
    names = ["tv-lead", "tv-follow"]
    tvs = {names[0]: Tv(url, names[0], tmp)}
    tvs[names[0]].wait_for(lambda f: True)
    class_id = start_class(db, "Precision Back", 1, at_ns=clock.now_ns(), leader=names[0], station="bench")
    tvs[names[0]].wait_for(lambda f: f[2] == "running" and f[3] == "leader")
    tvs[names[1]] = Tv(url, names[1], tmp, fake_s=fake_s)
    tvs[names[1]].wait_for(lambda f: f[2] == "running" and f[3] == "follower")
    kiosk = StationLink(db, "bench-kiosk", "kiosk", GymClock(), poll_s=None).start()
    result: dict = {}

    # phase: the class running for `minutes`
    time.sleep(minutes * 60)
    offsets = phase_offsets(tvs[names[0]].frames(), tvs[names[1]].frames())
    result["phase"] = offsets
    result["follower_clock_ms"] = _offset_of(db, names[1])

    # pause propagation
    to_follower, to_kiosk = [], []
    for _ in range(pauses):
        for cmd in ("pause", "resume"):
            before = len(tvs[names[1]].frames())
            send_command(db, cmd, clock, station="bench", class_id=class_id)
            committed = time.monotonic_ns()
            want = "paused" if cmd == "pause" else "running"
            seen_kiosk = None
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline and seen_kiosk is None:
                view = kiosk.view
                if view.timing is not None and view.timing.state.value == want:
                    seen_kiosk = time.monotonic_ns()
                time.sleep(0.002)
            frame = tvs[names[1]].wait_for(lambda f, w=want: f[2] == w, timeout=5)
            if cmd == "pause":
                frames = tvs[names[1]].frames()[before:]
                first = next(f for f in frames if f[2] == "paused")
                to_follower.append((first[0] - committed) / 1e6)
                to_kiosk.append((seen_kiosk - committed) / 1e6 if seen_kiosk else 5000.0)
            del frame
            time.sleep(0.6)
    result["pause_follower"], result["pause_kiosk"] = to_follower, to_kiosk

    # failover
    times = []
    lead, follow = names
    for _ in range(kills):
        tvs[lead].kill()
        killed = time.monotonic_ns()
        frame = tvs[follow].wait_for(lambda f: f[3] == "leader" and f[2] == "running", timeout=15)
        times.append((frame[0] - killed) / 1e9)
        assert load_class(db, class_id).leader == follow
        tvs[lead] = Tv(url, lead, tmp)  # the old leader comes back: it follows
        tvs[lead].wait_for(lambda f: f[3] == "follower" and f[2] == "running")
        time.sleep(1.0)
        lead, follow = follow, lead
    result["failover"] = times
    kiosk.close()
    for tv in tvs.values():
        tv.stop()
    db.close()
    return result


def _offset_of(db, name: str) -> float | None:
    from backbeat.store.stations import list_stations

    return next((s.clock_offset_ms for s in list_stations(db) if s.name == name), None)


def main() -> bool:
    from tests.pg import postgres_server

    minutes = float(os.environ.get("BENCH_GYM_MINUTES", "10"))
    print(f"machine: {_machine()}")
    ok = True
    with postgres_server() as url, tempfile.TemporaryDirectory() as tmp:
        pg = scenario(url, Path(tmp), minutes=minutes, pauses=20, kills=5, fake_s=3.0)
    print(f"machine after PostgreSQL: {_machine()}")
    with tempfile.TemporaryDirectory() as tmp:
        lite = scenario(f"sqlite:///{Path(tmp) / 'gym.db'}", Path(tmp), minutes=min(minutes, 1.0),
                        pauses=20, kills=3, fake_s=None)
    print(f"machine after SQLite: {_machine()}")

    def ms(values):
        return f"p50 {statistics.median(values):.1f} / p95 {_pct(values, 0.95):.1f} / max {max(values):.1f} ms"

    rows = []
    ph = pg["phase"]
    rows.append((f"PostgreSQL, follower's wall clock {pg['follower_clock_ms']:+.0f} ms off: phase offset "
                 f"over {minutes:g} min ({len(ph)} frames)", f"p95 {_pct(ph, 0.95):.2f} / max {max(ph):.2f} ms",
                 f"≤ {PHASE_BAR_MS:g} ms", max(ph) <= PHASE_BAR_MS))
    for label, data in (("PostgreSQL", pg), ("SQLite", lite)):
        rows.append((f"{label}: pause → follower's screen ({len(data['pause_follower'])})",
                     ms(data["pause_follower"]), f"p95 ≤ {PAUSE_BAR_MS:g} ms",
                     _pct(data["pause_follower"], 0.95) <= PAUSE_BAR_MS))
        rows.append((f"{label}: pause → kiosk ({len(data['pause_kiosk'])})", ms(data["pause_kiosk"]),
                     f"p95 ≤ {PAUSE_BAR_MS:g} ms", _pct(data["pause_kiosk"], 0.95) <= PAUSE_BAR_MS))
        f = data["failover"]
        rows.append((f"{label}: SIGKILL leader → follower leading ({len(f)} kills)",
                     f"min {min(f):.2f} / median {statistics.median(f):.2f} / max {max(f):.2f} s",
                     f"≤ {FAILOVER_BAR_S:g} s", max(f) <= FAILOVER_BAR_S))
    if lite["phase"]:
        lp = lite["phase"]
        rows.append((f"SQLite (one computer): phase offset over {min(minutes, 1.0):g} min",
                     f"p95 {_pct(lp, 0.95):.2f} / max {max(lp):.2f} ms", f"≤ {PHASE_BAR_MS:g} ms",
                     max(lp) <= PHASE_BAR_MS))
    ok &= report(rows)
    return ok


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
