"""Trainer numbers (issue: the trainer's desktop) with 1,000,000 set logs:

- opening an athlete's charts ≤ 200 ms: picking the athlete in the Progress tab
  (the database query, the chart series, the progression table, setData) and
  painting the charts once, offscreen; the 90th percentile over 20 athletes
  per run, BENCH_RUNS runs (default 5): median with min–max and the load, for
  the range the tab opens with (last year); an athlete's whole history (four
  years) is shown for information;
- the CSV export of one athlete's year ≤ 1 s (in process, median of the runs;
  the `backbeat export-logs` wall time, Python start-up included, is shown too);
- the database file ≤ 300 MB (10^6 bytes) as the gym's logs leave it (the size
  after VACUUM is shown for comparison).

The logs come from scripts/make_logs.py (120 athletes, three classes a week).
"""

from __future__ import annotations

import importlib.util
import io
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from table import RUNS, load, loads, report, spread  # noqa: E402  (benchmarks/ is on sys.path)

ROOT = Path(__file__).resolve().parents[1]
N_LOGS = int(os.environ.get("BENCH_LOGS", "1000000"))
MB = 1_000_000


def _make_logs_module():
    spec = importlib.util.spec_from_file_location("make_logs", ROOT / "scripts" / "make_logs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in (path, Path(f"{path}-wal")) if p.exists())


def open_charts(url: str, athletes: int = 20) -> dict[str, list[float]]:
    from backbeat.store.athletes import list_athletes
    from backbeat.store.seed import open_database
    from backbeat.ui.application import application
    from backbeat.ui.trainer.context import TrainerContext
    from backbeat.ui.trainer.progress import ProgressTab

    application()
    db = open_database(url)
    tab = ProgressTab(TrainerContext(db))
    tab.resize(1920, 1000)
    tab.show()
    names = [a.name for a in list_athletes(db)][1:athletes + 1]  # not the one shown at start
    out: dict[str, list[float]] = {}
    for label in ("Last year", "All history"):
        tab.range.blockSignals(True)
        tab.range.setCurrentText(label)
        tab.range.blockSignals(False)
        times = []
        for name in names:
            started = time.perf_counter()
            tab.select_athlete(name)
            tab.view.grab()  # paint the charts once
            times.append((time.perf_counter() - started) * 1000)
            assert tab.charts.groups, f"{name} has no logs"
        out[label] = times
        names = names[::-1]  # the other order for the second range
    tab.close()
    del tab
    db.close()
    return out


def export_year(url: str) -> tuple[list[float], int, float]:
    from backbeat.store.athletes import list_athletes
    from backbeat.store.history import export_logs, set_groups
    from backbeat.store.seed import open_database

    db = open_database(url)
    athlete = list_athletes(db)[3]
    last = max(g.on for g in set_groups(db, athlete.id, start=None))
    start = last - timedelta(days=365)
    from table import RUNS

    times, rows = [], 0
    for _ in range(RUNS):
        buf = io.StringIO()
        t = time.perf_counter()
        rows = export_logs(db, buf, athlete=athlete.name, start=start, end=last)
        times.append(time.perf_counter() - t)
    db.close()
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "backbeat", "--db", url, "export-logs", "--out",
                        str(Path(tmp) / "year.csv"), "--athlete", athlete.name,
                        "--from", start.isoformat(), "--to", last.isoformat()],
                       check=True, capture_output=True)
        cli_s = time.perf_counter() - t
    return times, rows, cli_s


def main() -> bool:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "gym.db"
        url = f"sqlite:///{path}"
        from backbeat.store.seed import open_database

        db = open_database(url)
        stats = _make_logs_module().make_logs(db, N_LOGS, athletes=120, seed=1)
        db.close()
        print(f"generated {stats['logs']:,} set logs, {stats['athletes']} athletes, "
              f"{stats['classes']} classes over {stats['days']} days in {stats['seconds']:.1f} s")
        with sqlite3.connect(path) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        size = _size(path)

        runs, run_loads = [], []
        for _ in range(RUNS):
            run_loads.append(load())
            runs.append(open_charts(url))
        for label in runs[0]:
            p90s = [statistics.quantiles(r[label], n=10)[-1] for r in runs]
            everything = [t for r in runs for t in r[label]]
            opens = label == "Last year"  # what the tab opens with
            rows.append((f"{'open' if opens else '  (switch to)'} an athlete's charts, {label.lower()}, "
                         f"p90 of {len(runs[0][label])} athletes, {len(runs)} runs ({loads(run_loads)}; "
                         f"median of all {statistics.median(everything):.0f}, worst {max(everything):.0f} ms)",
                         spread(p90s, ".0f", "ms"), "≤ 200 ms (median)" if opens else "",
                         statistics.median(p90s) <= 200 or not opens))
        times, n, cli_s = export_year(url)
        rows.append((f"CSV export of one athlete's year, {n:,} sets, {len(times)} runs "
                     f"(CLI wall {cli_s:.2f} s)", spread(times, ".3f", "s"), "≤ 1 s (median)",
                     statistics.median(times) <= 1.0))
        rows.append(("database file with the logs as kept", f"{size / MB:.0f} MB", "≤ 300 MB",
                     size <= 300 * MB))
        with sqlite3.connect(path) as conn:
            conn.execute("VACUUM")
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        rows.append(("  (same file after VACUUM, for comparison)", f"{_size(path) / MB:.0f} MB", "", True))
    return report(rows)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    sys.exit(0 if main() else 1)
