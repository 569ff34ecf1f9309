"""`benchmarks/run.py --help` says what it runs and how (it used to run nothing and
say nothing); a benchmark name it does not have is refused with exit 2."""

from __future__ import annotations

import subprocess
import sys

from tests.scripts import ROOT


def _run(*args):
    return subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run.py"), *args],
                          capture_output=True, text=True, timeout=60)


def test_help_lists_every_benchmark_and_the_options():
    proc = _run("--help")
    assert proc.returncode == 0
    for name in ("audio", "kiosk", "startup", "trainer", "tv"):
        assert f"{name}  (bench_{name}.py)" in proc.stdout
    for option in ("--runs N", "--list", "BENCH_RUNS", "BENCH_EAR_S"):
        assert option in proc.stdout
    assert "null sink" in proc.stdout  # each benchmark's own account of what it measures


def test_an_unknown_benchmark_is_refused():
    proc = _run("sound")
    assert proc.returncode == 2
    assert "no benchmark named sound" in proc.stderr and "audio" in proc.stderr
    assert _run("--runs", "0").returncode == 2


def test_startup_children_start_from_byte_code_as_an_installed_backbeat_does(tmp_path, monkeypatch):
    """The untimed first start writes the byte code the timed starts read, whatever
    the shell says (PYTHONDONTWRITEBYTECODE would have every start compile source)."""
    monkeypatch.syspath_prepend(str(ROOT / "benchmarks"))
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    import bench_startup

    env = bench_startup.environment(str(tmp_path))
    assert "PYTHONDONTWRITEBYTECODE" not in env
    assert env["PYTHONPYCACHEPREFIX"].startswith(str(tmp_path))  # in the run's folder, not src/
