"""A TV that starts while the gym's database server is away (after a power cut
the server boots last) comes up on the class it kept from its last start."""

from __future__ import annotations

import os
import stat
import subprocess
import sys

AWAY = "postgresql+psycopg://gym@127.0.0.1:1/backbeat"  # nothing listens on port 1


def tv(tmp_path, url):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "BACKBEAT_EXIT_AFTER_FIRST_FRAME": "1",
           "BACKBEAT_DATA_DIR": str(tmp_path / "data")}
    env.pop("BACKBEAT_DB", None)
    return subprocess.run([sys.executable, "-m", "backbeat", "--db", url, "tv", "--windowed"],
                          env=env, capture_output=True, text=True, timeout=120)


def test_a_tv_starts_with_its_server_away_on_the_class_it_kept(tmp_path):
    r = tv(tmp_path, AWAY)  # nothing kept on this computer yet: said in words
    assert r.returncode != 0 and "Traceback" not in r.stderr
    assert "keeps no class called 'Precision Back'" in r.stderr
    r = tv(tmp_path, f"sqlite:///{tmp_path / 'gym.db'}")  # once with its database: the class kept
    assert r.returncode == 0, r.stderr
    kept = tmp_path / "data" / "last-class.json"
    assert kept.is_file() and stat.S_IMODE(kept.stat().st_mode) == 0o600
    r = tv(tmp_path, AWAY)
    assert r.returncode == 0 and "first-frame" in r.stdout, r.stderr
    assert "starting without it" in r.stderr and "Traceback" not in r.stderr
