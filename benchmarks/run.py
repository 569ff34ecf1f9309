"""`make bench`: runs every benchmarks/bench_*.py (each has a main() that prints
a table of measured numbers against the bar it must meet) and exits non-zero
if any bar is missed. `python benchmarks/run.py audio` runs only bench_audio."""

from __future__ import annotations

import importlib.util
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).parent


def main(argv: list[str]) -> int:
    wanted = set(argv)
    failures = 0
    for path in sorted(HERE.glob("bench_*.py")):
        name = path.stem.removeprefix("bench_")
        if wanted and name not in wanted:
            continue
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        print(f"\n== {name} ==", flush=True)
        started = time.perf_counter()
        ok = module.main()
        print(f"({name}: {time.perf_counter() - started:.1f} s, {'ok' if ok else 'BAR MISSED'})")
        failures += not ok
    return 1 if failures else 0


if __name__ == "__main__":
    code = main(sys.argv[1:])
    sys.stdout.flush()
    sys.stderr.flush()
    # Leave without interpreter teardown: Qt and pyqtgraph objects left by the
    # benchmarks are not worth a crash after the numbers are printed.
    os._exit(code)
