"""A throw-away PostgreSQL server for tests: a fresh cluster in a temp dir,
listening only on a Unix socket, stopped afterwards."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path


def _bin(name: str) -> str:
    found = shutil.which(name) or next(iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))), None)
    if not found:
        raise RuntimeError(
            f"PostgreSQL's {name} was not found: install the 'postgresql' package "
            "(make test does this on Debian/Ubuntu)"
        )
    return found


class Server:
    """A running throw-away server that can be stopped (``-m immediate``: as a
    crash or a power cut) and started again on the same socket and data."""

    def __init__(self, base: Path, prefix: list[str]):
        self.base, self.prefix = base, prefix
        self.data, self.sock = base / "data", base / "sock"
        self.url = f"postgresql+psycopg://backbeat@/postgres?host={self.sock}"

    def _ctl(self, *args: str, check: bool = True) -> None:
        subprocess.run([*self.prefix, _bin("pg_ctl"), "-D", str(self.data), *args],
                       check=check, capture_output=True, timeout=120)

    def start(self) -> None:
        self._ctl("-w", "-l", str(self.base / "log"), "-o",
                  f"-k {self.sock} -c listen_addresses='' -c fsync=off", "start")

    def stop(self) -> None:
        self._ctl("-m", "immediate", "-w", "stop", check=False)


@contextmanager
def postgres_server():
    with stoppable_postgres() as server:
        yield server.url


@contextmanager
def stoppable_postgres():
    """A fresh server (:class:`Server`), removed afterwards."""
    # Not under pytest's tmp dir: that is private to root, and the server runs as postgres.
    base = Path(tempfile.mkdtemp(prefix="backbeat-pg-"))
    data, sock = base / "data", base / "sock"
    sock.mkdir()
    prefix: list[str] = []
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root: use its own account
        shutil.chown(base, "postgres")
        shutil.chown(sock, "postgres")
        prefix = ["runuser", "-u", "postgres", "--"]
    run = lambda *cmd: subprocess.run([*prefix, *cmd], check=True, capture_output=True, timeout=120)  # noqa: E731
    run(_bin("initdb"), "-D", str(data), "-A", "trust", "-U", "backbeat", "--no-sync")
    server = Server(base, prefix)
    server.start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(base, ignore_errors=True)
