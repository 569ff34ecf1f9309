"""What each kind of machine installs: `make run` the runtime only, `make test`
the test packages too; simpleaudio (built from source) never a requirement."""

import os
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).parents[1]
TEST_ONLY = {"postgresql", "xvfb", "xauth", "poppler-utils", "appstream", "desktop-file-utils"}
BUILD_TOOLS = {"gcc", "libc6-dev", "libasound2-dev", "python3-dev"}


def system_packages(*groups: str) -> set[str]:
    """The packages system-deps.sh names for these groups (as on a machine without dpkg)."""
    env = {"PATH": "/nonexistent", "PYTHON": "/nonexistent/python"}  # no dpkg-query: it lists
    out = subprocess.run(["/bin/bash", str(ROOT / "scripts" / "system-deps.sh"), *groups],
                         env=env, capture_output=True, text=True, check=True).stdout
    names = out.split("install the equivalents of:", 1)[1].split()
    return {alt for name in names for alt in name.split("|")}


def test_running_needs_no_test_server_nor_compiler():
    runtime = system_packages("runtime")
    assert {"libasound2", "libportaudio2", "libxcb-cursor0", "python3-venv"} <= runtime
    assert runtime & (TEST_ONLY | BUILD_TOOLS) == set()


def test_simpleaudio_and_the_suite_bring_their_own_packages():
    assert system_packages("simpleaudio") >= BUILD_TOOLS  # no interpreter found: headers too
    assert system_packages("test") >= TEST_ONLY
    bad = subprocess.run(["/bin/bash", str(ROOT / "scripts" / "system-deps.sh"), "gpu"],
                         capture_output=True, text=True)
    assert bad.returncode == 2 and "unknown group 'gpu'" in bad.stderr


def test_make_run_installs_no_dev_extras_and_no_test_packages():
    env = {**os.environ, "MAKEFLAGS": ""}
    run = subprocess.run(["make", "-n", "-B", "run"], cwd=ROOT, env=env, capture_output=True,
                         text=True, check=True).stdout
    assert "system-deps.sh runtime\n" in run and "test" not in run.replace("pytest", "")
    assert re.search(r"pip install --quiet -e \.\n", run) and "[dev]" not in run
    test = subprocess.run(["make", "-n", "-B", "test"], cwd=ROOT, env=env, capture_output=True,
                          text=True, check=True).stdout
    assert "system-deps.sh runtime simpleaudio test" in test and "-e '.[dev]'" in test
