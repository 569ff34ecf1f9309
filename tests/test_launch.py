"""Child processes: started the way this Backbeat runs (python -m backbeat, or
the frozen bundle's executable), with the database in their environment and
never on a command line."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from backbeat.launch import backbeat_command, child_environment


def test_from_python_a_child_is_python_dash_m_backbeat():
    assert backbeat_command("kiosk") == [sys.executable, "-m", "backbeat", "kiosk"]


def test_frozen_a_child_is_the_bundle_s_own_executable(monkeypatch):
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", "/opt/backbeat/backbeat")
    assert backbeat_command("tv", "--day", "2") == ["/opt/backbeat/backbeat", "tv", "--day", "2"]


def test_the_child_gets_the_database_in_its_environment():
    env = child_environment("postgresql+psycopg://gym:secret@server/backbeat", {"HOME": "/h"})
    assert env == {"HOME": "/h", "BACKBEAT_DB": "postgresql+psycopg://gym:secret@server/backbeat"}


def _children(pid: int) -> list[int]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return out


def test_the_demo_s_kiosk_runs_on_the_demo_s_database_without_its_url_on_a_command_line(tmp_path):
    db_path = tmp_path / "secret-gym.db"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "BACKBEAT_DB": f"sqlite:///{db_path}"}
    demo = subprocess.Popen([sys.executable, "-m", "backbeat", "demo"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        kiosk = []
        while not kiosk and time.monotonic() < deadline and demo.poll() is None:
            kiosk = _children(demo.pid)
            time.sleep(0.2)
        assert kiosk, "the demo started no kiosk"
        cmdline = Path(f"/proc/{kiosk[0]}/cmdline").read_bytes().split(b"\0")
        assert b"kiosk" in cmdline and not any(b"secret-gym" in part for part in cmdline)
        environ = Path(f"/proc/{kiosk[0]}/environ").read_bytes().split(b"\0")
        assert f"BACKBEAT_DB=sqlite:///{db_path}".encode() in environ
        time.sleep(3)  # the kiosk opens that database and stays up
        assert Path(f"/proc/{kiosk[0]}").exists()
    finally:
        demo.send_signal(signal.SIGTERM)
        try:
            demo.wait(timeout=15)
        except subprocess.TimeoutExpired:
            demo.kill()
            demo.wait()


def test_a_password_typed_on_the_command_line_is_warned_about(tmp_path):
    env = {**os.environ, "BACKBEAT_DATA_DIR": str(tmp_path)}
    r = subprocess.run([sys.executable, "-m", "backbeat", "--db", "postgresql+psycopg://gym:secret@/nowhere"
                        "?host=/nonexistent", "plan", "Precision Back"], capture_output=True, text=True,
                       env=env, timeout=60)
    assert r.returncode == 2 and "carries a password" in r.stderr and ".pgpass" in r.stderr
    assert "secret" not in r.stderr  # and it is not repeated back
    ok = subprocess.run([sys.executable, "-m", "backbeat", "--db", f"sqlite:///{tmp_path / 'g.db'}", "plan",
                         "Precision Back"], capture_output=True, text=True, env=env, timeout=60)
    assert ok.returncode == 0 and "warning" not in ok.stderr
