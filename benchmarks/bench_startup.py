"""Start-up numbers (issue 11, "Start fast"), every face against a bare PySide6
window started in the same run:

- the bare floor: a 12-line script (QApplication, one QWidget shown, its first
  paint) — what any PySide6 program pays before it can show anything;
- first TV frame (`backbeat tv --windowed`) ≤ 2.5× the bare window (medians);
- first kiosk frame (`backbeat kiosk --windowed`) ≤ 3× the bare window;
- the trainer's first frame past the PIN gate (`backbeat trainer --windowed`,
  the PIN typed into the gate on its first turn of the event loop) ≤ 1 s;
- TV process memory at its first frame ≤ 200 MB;
- for comparison (no bar): the bare window with SQLAlchemy's ORM imported
  first — what any face pays that opens the database before its first frame.

Each is a new process, timed from its start to the line it prints once its
first frame is painted (BACKBEAT_EXIT_AFTER_FIRST_FRAME). The TV and the kiosk
paint their first frame (ui/tv/first_frame.py, ui/kiosk/first_frame.py) before
they open the database, and print a second line once their window behind it is
painted: that time is printed too (no bar), on a database made
and migrated beforehand; the faces and the bare window take turns, BENCH_RUNS
rounds (default 5): min / median / max of each and the load beside them. Every
child starts from byte code, as an installed Backbeat does: the untimed first
start of each writes it (PYTHONPYCACHEPREFIX in the run's folder), even where
the shell sets PYTHONDONTWRITEBYTECODE.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from table import RUNS, load, loads, report, spread  # noqa: E402  (benchmarks/ is on sys.path)

ROOT = Path(__file__).resolve().parents[1]

#: The floor: the least a PySide6 program does to show a window.
BARE_WINDOW = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget
app = QApplication(sys.argv[:1])
class Window(QWidget):
    painted = False
    def paintEvent(self, event):
        super().paintEvent(event)
        if not self.painted:
            self.painted = True
            QTimer.singleShot(0, lambda: (print("first-frame", flush=True), app.quit()))
window = Window()
window.resize(1280, 720)
window.show()
app.exec()
"""

#: ``backbeat trainer``, the PIN typed and submitted on the gate's first turn of
#: the event loop (the gate shows before the database is open, so the PIN may
#: come before the hash it is checked against: the gate's own exec() then runs
#: until the PIN is checked and the gate closes, and all of that is timed).
TRAINER_PIN = "246813"
TRAINER = f"""
import sys
from PySide6.QtCore import QTimer
from backbeat.ui.trainer.pin_gate import PinGate
shown = PinGate.exec
def typed(gate):
    QTimer.singleShot(0, lambda: (gate.pin.setText({TRAINER_PIN!r}), gate.submit()))
    return shown(gate)
PinGate.exec = typed
from backbeat.cli import main
sys.exit(main(["trainer", "--windowed"]))
"""

#: (name, arguments after the interpreter, the bar as (kind, value))
FACES = (
    ("bare PySide6 window", ["-c", BARE_WINDOW], None),
    ("bare window, sqlalchemy.orm imported first", ["-c", "import sqlalchemy.orm\n" + BARE_WINDOW], None),
    ("first TV frame", ["-m", "backbeat", "tv", "--windowed"], ("ratio", 2.5)),
    ("first kiosk frame", ["-m", "backbeat", "kiosk", "--windowed"], ("ratio", 3.0)),
    ("trainer, first frame past the PIN gate", ["-c", TRAINER], ("seconds", 1.0)),
)
MEMORY_BAR_MB = 200


def environment(tmp: str) -> dict[str, str]:
    """Each child's environment. Byte code is written and read (in ``tmp``): an
    installed Backbeat starts from its byte code (pip compiles it at install, the
    bundle ships it), so the untimed first start of each face writes it even where
    this shell says PYTHONDONTWRITEBYTECODE, and no timed start compiles source."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "BACKBEAT_EXIT_AFTER_FIRST_FRAME": "1",
           "BACKBEAT_DATA_DIR": tmp, "BACKBEAT_DB": f"sqlite:///{tmp}/gym.db",
           "PYTHONPYCACHEPREFIX": str(Path(tmp) / "pycache"),
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")]))}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def prepare(env: dict[str, str]) -> None:
    """The database made, migrated and seeded, with a trainer PIN, before any run is timed."""
    sys.path.insert(0, str(ROOT / "src"))
    from backbeat.store.auth import set_trainer_pin
    from backbeat.store.seed import open_database

    db = open_database(env["BACKBEAT_DB"])
    set_trainer_pin(db, TRAINER_PIN)
    db.close()


def first_frame(args: list[str], env: dict[str, str]) -> tuple[float, int, float | None]:
    """Seconds from the process's start to its first painted frame, its largest RSS
    (kB; -1 unknown), and, for a face that paints its first frame before it opens
    the database (the TV, the kiosk), the seconds to its window's first frame
    (the database opened; the line ``window-frame``), else None."""
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, *args], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    elapsed = time.perf_counter() - t0
    second = proc.stdout.readline()
    window = time.perf_counter() - t0 if second.startswith("window-frame") else None
    _out, err = proc.communicate(timeout=60)
    if not line.startswith("first-frame") or proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args[:4])}: no first frame (exit {proc.returncode}): "
                           f"{line!r}\n{err[-2000:]}")
    rss = max((int(text.split("rss_kb=")[1]) for text in (line, second) if "rss_kb=" in text),
              default=-1)
    return elapsed, rss, window


def measure(runs: int = RUNS) -> tuple[dict[str, list[float]], dict[str, int], list[float],
                                        dict[str, list[float]]]:
    """(seconds per face, the largest RSS per face in kB, the load at each round,
    seconds to the window behind a first frame painted before the database, per face)."""
    with tempfile.TemporaryDirectory() as tmp:
        env = environment(tmp)
        prepare(env)
        for _name, args, _bar in FACES:  # once each untimed: files cached, byte code written
            first_frame(args, env)
        times = {name: [] for name, _a, _b in FACES}
        rss = {name: -1 for name, _a, _b in FACES}
        windows: dict[str, list[float]] = {}
        busy = [load()]
        for _ in range(runs):
            for name, args, _bar in FACES:
                seconds, kb, window = first_frame(args, env)
                times[name].append(seconds)
                rss[name] = max(rss[name], kb)
                if window is not None:
                    windows.setdefault(name, []).append(window)
            busy.append(load())
    return times, rss, busy, windows


def _spread(values: list[float]) -> str:
    """The README's form: median (min–max)."""
    return f"median (min–max) {spread(values, '.3f', 's')}"


def main() -> bool:
    runs = RUNS
    times, rss, busy, windows = measure(runs)
    bare_name = FACES[0][0]
    bare = statistics.median(times[bare_name])
    rows = [(f"{bare_name} (the floor), {runs} runs: {_spread(times[bare_name])}, {loads(busy)}",
             f"{bare:.3f} s", "—", True)]
    for name, _args, bar in FACES[1:]:
        med = statistics.median(times[name])
        ratio = med / bare
        if bar is None:
            rows.append((f"{name} (for comparison), {runs} runs: {_spread(times[name])} = "
                         f"{ratio:.2f}× the bare window's median, {loads(busy)}",
                         f"{ratio:.2f}×", "—", True))
            continue
        kind, limit = bar
        ok = ratio <= limit if kind == "ratio" else med <= limit
        value = f"{ratio:.2f}×" if kind == "ratio" else f"{med:.3f} s"
        bar_text = f"≤ {limit:g}× bare" if kind == "ratio" else f"≤ {limit:g} s"
        rows.append((f"{name}, {runs} runs: {_spread(times[name])} = {ratio:.2f}× the bare "
                     f"window's median {bare:.3f} s, {loads(busy)}", value, bar_text, ok))
    for name, values in windows.items():  # no bar: the database opened and the window up
        med = statistics.median(values)
        rows.append((f"{name}: its window behind it (the database opened, read and painted; "
                     f"for comparison), {runs} runs: {_spread(values)} = {med / bare:.2f}× the "
                     f"bare window's median, {loads(busy)}", f"{med / bare:.2f}×", "—", True))
    tv_mb = rss["first TV frame"] / 1024
    rows.append(("TV process memory (largest RSS: at its window's first frame)", f"{tv_mb:.0f} MB",
                 f"≤ {MEMORY_BAR_MB} MB", tv_mb <= MEMORY_BAR_MB))
    return report(rows)


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
