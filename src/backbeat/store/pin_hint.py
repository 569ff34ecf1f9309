"""The trainer PIN's hash, read before the store is imported (the trainer's start).

`backbeat trainer` shows its PIN gate at once and opens the database meanwhile
(ui/trainer/app.py); SQLAlchemy and the models take longer to load than the PIN's
scrypt check itself. For a SQLite file the hash is read here first, with the
standard library's sqlite3 (read-only, one SELECT, nothing written), so that a
PIN typed early is run through scrypt while the store loads.

It is a hint and nothing more: :func:`backbeat.store.auth.check_trainer_pin`
reads the hash itself, applies the back-off first, and takes an early answer
only for that very hash (ui/trainer/pin_gate.py). None when there is no hint:
not SQLite, no file yet, no PIN set, or anything unexpected (the check then
runs once the database is open, as without this)."""

from __future__ import annotations

import json
import sqlite3

from backbeat.paths import default_db_url
from backbeat.store.sqlite_url import sqlite_file

#: How long the hint waits for another station's write lock (readers of a WAL file never wait).
WAIT_S = 0.2


def trainer_pin_hash(url: str | None = None) -> str | None:
    """The stored trainer PIN hash of the SQLite database at ``url``, else None."""
    path = sqlite_file(url or default_db_url())
    try:
        if path is None or not path.is_file():
            return None
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=WAIT_S)
        try:
            row = conn.execute("SELECT value FROM setting WHERE key = ?", ("trainer.pin",)).fetchone()
        finally:
            conn.close()
        stored = json.loads(row[0])["v"] if row else None
    except (OSError, sqlite3.Error, ValueError, TypeError, KeyError):
        return None
    return stored if isinstance(stored, str) and stored else None
