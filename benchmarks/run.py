"""`make bench`: runs the benchmarks (each `benchmarks/bench_NAME.py` has a
main() that prints its measured numbers — median with min–max over the runs,
and the machine's load — against the bar each must meet) and exits non-zero
if any bar is missed. `python benchmarks/run.py --help` lists them."""

from __future__ import annotations

import argparse
import ast
import importlib.util
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).parent
ROOT = HERE.parent

#: Environment knobs the benchmarks read (also settable with the options below).
KNOBS = {
    "BENCH_RUNS": "runs per measure (default 5; the median and min–max are printed)",
    "BENCH_EAR_S": "audio: class seconds the stream plays into the paced sink per run (default "
                   "122: 66 phase changes; shorter while developing)",
    "BENCH_EAR_CONDITIONS": "audio: which backend:condition runs (comma-separated; default all: "
                            "stream:idle,stream:stalls,stream:hogs,simpleaudio:idle,simpleaudio:stalls)",
    "BENCH_REAL_S": "tv: length of the real-clock drift run in seconds (default 600)",
    "BENCH_KIOSK_RUNS": "kiosk: paced latency runs (default: BENCH_RUNS)",
    "BENCH_GYM_MINUTES": "gym: minutes of the follower-vs-leader phase measure (default 10)",
}


def benches() -> dict[str, Path]:
    return {p.stem.removeprefix("bench_"): p for p in sorted(HERE.glob("bench_*.py"))}


def summary(path: Path) -> str:
    """A benchmark's docstring, as it says what it measures and against which bars."""
    doc = ast.get_docstring(ast.parse(path.read_text())) or ""
    return doc.strip()


def parser() -> argparse.ArgumentParser:
    found = benches()
    listing = "\n\n".join(f"{name}  ({path.name})\n" + "\n".join(
        "    " + line for line in summary(path).splitlines()) for name, path in found.items())
    knobs = "\n".join(f"  {k:<17} {v}" for k, v in KNOBS.items())
    p = argparse.ArgumentParser(
        prog="benchmarks/run.py", formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Run Backbeat's benchmarks: every measure against its bar, as the median "
                    "with min–max over the runs and the machine's load beside it. Exit 1 if "
                    "a bar is missed, 2 on a bad argument.",
        epilog=f"benchmarks:\n\n{listing}\n\nenvironment:\n{knobs}\n")
    p.add_argument("names", nargs="*", metavar="NAME",
                   help=f"which to run (default: all): {', '.join(found)}")
    p.add_argument("--runs", type=int, metavar="N",
                   help="runs per measure (BENCH_RUNS; at least 5 for numbers worth quoting)")
    p.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    return p


def main(argv: list[str]) -> int:
    args = parser().parse_args(argv)
    found = benches()
    unknown = [n for n in args.names if n not in found]
    if unknown:
        print(f"benchmarks/run.py: no benchmark named {', '.join(unknown)} "
              f"(there are: {', '.join(found)})", file=sys.stderr)
        return 2
    if args.list:
        for name, path in found.items():
            first = summary(path).splitlines()[0] if summary(path) else ""
            print(f"{name:<8} {first}")
        return 0
    if args.runs is not None:
        if args.runs < 1:
            print("benchmarks/run.py: --runs must be at least 1", file=sys.stderr)
            return 2
        os.environ["BENCH_RUNS"] = str(args.runs)
    sys.path.insert(0, str(HERE))
    sys.path.insert(0, str(ROOT / "src"))
    failures = 0
    for name in args.names or list(found):
        path = found[name]
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        print(f"\n== {name} == (load {os.getloadavg()[0]:.2f} at start)", flush=True)
        started = time.perf_counter()
        ok = module.main()
        print(f"({name}: {time.perf_counter() - started:.1f} s, {'ok' if ok else 'BAR MISSED'})")
        failures += not ok
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
