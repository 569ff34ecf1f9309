"""The table every benchmark prints (measure, value, bar, whether the bar is met),
and the honest summary of repeated runs: median with min–max and the load."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

Row = tuple[str, str, str, bool]


def report(rows: list[Row]) -> bool:
    """Print the rows aligned; True when every bar is met."""
    width = max(len("measure"), *(len(r[0]) for r in rows))
    vw = max(5, *(len(r[1]) for r in rows))
    bw = max(3, *(len(r[2]) for r in rows))
    print(f"{'measure':<{width}}  {'value':>{vw}}  {'bar':>{bw}}  ok")
    for name, value, bar, ok in rows:
        print(f"{name:<{width}}  {value:>{vw}}  {bar:>{bw}}  {'yes' if ok else 'NO'}")
    return all(r[3] for r in rows)


def load() -> float:
    """The machine's 1-minute load average (other work competing for the cores)."""
    try:
        return os.getloadavg()[0]
    except OSError:
        return float("nan")


def spread(values: Sequence[float], fmt: str = ".2f", unit: str = "") -> str:
    """'median (min–max) unit' over the runs: the median is the headline, never the best."""
    med = statistics.median(values)
    return f"{med:{fmt}} ({min(values):{fmt}}–{max(values):{fmt}}){' ' + unit if unit else ''}"


def loads(values: Sequence[float]) -> str:
    return f"load {min(values):.2f}–{max(values):.2f}"


@contextmanager
def cpu_hogs(n: int) -> Iterator[None]:
    """``n`` processes spinning on the CPU while the block runs (a busy machine)."""
    hogs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(n)]
    try:
        yield
    finally:
        for h in hogs:
            h.kill()
        for h in hogs:
            h.wait()


#: Runs per measure (`BENCH_RUNS`; at least 5 for numbers worth quoting).
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
