"""Smoke test of the frozen bundle (make package-test): run from outside the
checkout, on a throw-away data dir, offscreen. Checks `--version`, `plan`,
`snapshot tv`, and `demo` with both faces (TV and kiosk) up for 5 s; then
prints the bundle's size and its start times (median, min–max of 5 runs, with
the machine's load).

    python packaging/smoke_test.py dist/backbeat
"""

from __future__ import annotations

import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def fail(message: str) -> None:
    print(f"smoke test FAILED: {message}", file=sys.stderr)
    raise SystemExit(1)


def children(pid: int) -> list[tuple[int, bytes]]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                out.append((int(stat.parent.name), (stat.parent / "cmdline").read_bytes()))
        except (OSError, ValueError, IndexError):
            continue
    return out


def main(bundle_dir: str) -> int:
    exe = Path(bundle_dir).resolve() / ("backbeat.exe" if os.name == "nt" else "backbeat")
    if not exe.is_file():
        fail(f"no bundle at {exe}: run make package first")
    work = Path(tempfile.mkdtemp(prefix="backbeat-smoke-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "BACKBEAT_"))}
    env.update(QT_QPA_PLATFORM="offscreen", BACKBEAT_DATA_DIR=str(work / "data"))

    def run(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        r = subprocess.run([str(exe), *args], cwd=work, env=env, capture_output=True, text=True,
                           timeout=timeout)
        if r.returncode != 0:
            fail(f"backbeat {' '.join(args)} exited {r.returncode}: {r.stderr[-2000:]}")
        return r

    from backbeat import __version__

    version = run("--version").stdout.strip()
    if version != f"backbeat {__version__}":
        fail(f"--version said {version!r}")
    plan = run("plan", "Precision Back").stdout
    if "Precision Back" not in plan or "cues" not in plan:
        fail(f"plan printed {plan[:300]!r}")
    png = work / "tv.png"
    run("snapshot", "tv", "--at", "30", "--out", str(png))
    if png.read_bytes()[:8] != b"\x89PNG\r\n\x1a\n":
        fail("snapshot tv wrote no PNG")
    print(f"ok: {version}; plan; snapshot tv ({png.stat().st_size} bytes)")

    demo = subprocess.Popen([str(exe), "demo"], cwd=work, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        # both faces up (the kiosk's process started, its log line written) …
        deadline = time.monotonic() + 120
        kiosks: list[int] = []
        log_path = work / "data" / "log" / "backbeat.log"
        while time.monotonic() < deadline and demo.poll() is None:
            kiosks = [pid for pid, cmd in children(demo.pid) if b"kiosk" in cmd.split(b"\0")]
            if kiosks and log_path.exists() and "kiosk (python" in log_path.read_text():
                break
            time.sleep(0.2)
        else:
            fail(f"demo's TV and kiosk not both up: {demo.stderr.read()[-2000:] if demo.poll() else ''}")
        # … and still up 5 s later
        time.sleep(5)
        if demo.poll() is not None:
            fail(f"demo's TV ended within 5 s: {demo.stderr.read()[-2000:]}")
        if not Path(f"/proc/{kiosks[0]}").exists():
            fail("demo's kiosk ended within 5 s")
        log = log_path.read_text()
        if "CRITICAL" in log:
            fail(f"demo's log: {log[-2000:]}")
        print(f"ok: demo up 5 s with the TV (pid {demo.pid}) and the kiosk (pid {kiosks[0]})")
    finally:
        demo.send_signal(signal.SIGTERM)
        try:
            demo.wait(timeout=15)
        except subprocess.TimeoutExpired:
            demo.kill()
            demo.wait()

    size = sum(f.lstat().st_size for f in exe.parent.rglob("*") if f.is_file() and not f.is_symlink())
    times = {"--version": [], "TV's first frame": []}
    for _ in range(5):
        t = time.perf_counter()
        run("--version")
        times["--version"].append(time.perf_counter() - t)
        t = time.perf_counter()
        r = subprocess.run([str(exe), "tv", "--windowed"], cwd=work, capture_output=True, text=True,
                           env={**env, "BACKBEAT_EXIT_AFTER_FIRST_FRAME": "1"}, timeout=120)
        if "first-frame" not in r.stdout:
            fail(f"tv showed no first frame: {r.stderr[-2000:]}")
        times["TV's first frame"].append(time.perf_counter() - t)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"bundle: {size / 1e6:.0f} MB in {exe.parent}")
    for what, ts in times.items():
        print(f"start to {what}: median {statistics.median(ts):.2f} s "
              f"(min {min(ts):.2f} – max {max(ts):.2f}, 5 runs, load {load:.2f} on "
              f"{os.cpu_count()} cores)")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    raise SystemExit(main(sys.argv[1] if len(sys.argv) > 1 else str(ROOT / "dist" / "backbeat")))
