"""Safekeeping: revision, integrity check, backup and restore.

SQLite files are copied with SQLite's online backup (consistent while a class
runs) into a temporary file beside the target, made 0600, fsync'd and renamed,
so a backup or restore that fails half-way leaves nothing half-written.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from datetime import datetime
from pathlib import Path

from backbeat.domain.errors import InvalidInput
from backbeat.store.db import (
    BACKBEAT_TABLES,
    HEAD_REVISION,
    PRIVATE_DIR,
    PRIVATE_FILE,
    Database,
    current_revision,
    head_revision,
    known_revision,
    sqlite_file,
)

#: Automatic backups kept beside the database (the oldest go first).
KEEP_BACKUPS = 14
#: A daily backup is due when the newest automatic one is older than this.
DAILY_S = 24 * 3600
BACKUP_FOLDER = "backups"


def revision(db: Database) -> str | None:
    return current_revision(db.engine)


def check(db: Database) -> list[str]:
    problems = []
    head = head_revision(db.engine)
    current = current_revision(db.engine)
    if current != head:
        problems.append(f"schema at revision {current}, expected {head}: run 'backbeat db upgrade'")
    if db.engine.dialect.name == "sqlite":
        path = sqlite_file(db.url)
        if path is not None:
            problems += check_file(path)
    return problems


def check_file(path: Path) -> list[str]:
    """SQLite's integrity and foreign-key checks of a file, in words; a file too
    damaged to open is refused (InvalidInput) in words."""
    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
            result = [r[0] for r in conn.execute("PRAGMA integrity_check")]
            keys = list(conn.execute("PRAGMA foreign_key_check"))
    except sqlite3.DatabaseError as exc:
        raise InvalidInput(f"the file is damaged or is not a database ({exc}); restore a backup "
                           "with 'backbeat db restore FILE'", str(path)) from None
    problems = []
    if result != ["ok"]:
        problems.append(f"the file {path} is damaged ({len(result)} problem(s) found by SQLite); "
                        "restore a backup with 'backbeat db restore FILE'")
        problems.extend(f"integrity: {r}" for r in result[:20])
    for row in keys[:20]:
        problems.append(f"foreign key: table {row[0]} row {row[1]} points at a missing {row[2]}")
    return problems


def _sqlite_path(url: str) -> Path:
    path = sqlite_file(url)
    if path is None:
        raise InvalidInput("backup and restore work on SQLite files; use pg_dump for PostgreSQL", "--db")
    return path


def _copy(source: Path, target: Path) -> None:
    """``source`` copied to ``target`` with the online backup API, all or nothing."""
    part = target.with_name(f".{target.name}.part")
    part.unlink(missing_ok=True)
    os.close(os.open(part, os.O_CREAT | os.O_WRONLY | os.O_EXCL, PRIVATE_FILE))
    try:
        with contextlib.closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as src, \
                contextlib.closing(sqlite3.connect(part)) as dst:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        with open(part, "rb") as f:
            os.fsync(f.fileno())
        os.replace(part, target)
        with contextlib.suppress(OSError):
            fd = os.open(target.parent, os.O_RDONLY)
            os.fsync(fd)
            os.close(fd)
    finally:
        part.unlink(missing_ok=True)


def _is_sqlite(path: Path) -> bool:
    try:
        with open(path, "rb") as f:
            return f.read(16) == b"SQLite format 3\x00"
    except OSError:
        return False


def backup(db: Database, out: str | None = None) -> Path:
    """A consistent copy made with SQLite's online backup (safe while the class runs)."""
    source = _sqlite_path(db.url)
    target = Path(out) if out else source.with_name(
        f"{source.stem}-{datetime.now():%Y%m%d-%H%M%S}.backup.db"
    )
    if target.is_dir():
        raise InvalidInput(f"{target} is a folder: name the backup file, e.g. {target / 'backbeat.backup.db'}")
    if not target.parent.is_dir():
        raise InvalidInput(f"{target}: the folder {target.parent} does not exist; create it or "
                           "choose another place for the backup")
    if target.exists() and not target.is_file():
        raise InvalidInput(f"{target} is not a file")
    if target.is_file() and target.stat().st_size and not _is_sqlite(target):
        raise InvalidInput(f"{target} exists and is not a database: Backbeat will not overwrite it")
    try:
        _copy(source, target)
    except sqlite3.DatabaseError as exc:
        raise InvalidInput(f"the database cannot be read for a backup ({exc}); "
                           "'backbeat db check' says more", "--db") from None
    except OSError as exc:
        raise InvalidInput(f"{target}: cannot write the backup there ({exc.strerror or exc}); check "
                           "the folder's permissions or choose another place") from None
    return target


def _inspect_backup(path: Path) -> tuple[str, int, str | None]:
    """(revision, logs, newest log time) of a sound Backbeat backup; refuses
    anything else in words."""
    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
            ok = conn.execute("PRAGMA integrity_check").fetchone()[0]
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if ok != "ok":
                raise InvalidInput(f"{path} is damaged (SQLite: {ok}); choose another backup", "FILE")
            if "alembic_version" not in tables or not tables >= BACKBEAT_TABLES:
                raise InvalidInput(f"{path} is not a Backbeat backup (it lacks Backbeat's tables)", "FILE")
            rev = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            count, newest = conn.execute("SELECT count(*), max(logged_at) FROM set_log").fetchone()
    except sqlite3.DatabaseError as exc:
        raise InvalidInput(f"{path} is not a usable database ({exc})", "FILE") from None
    rev = rev[0] if rev else None
    if rev != HEAD_REVISION and not known_revision(rev or ""):
        raise InvalidInput(f"{path} was made by a newer Backbeat (revision {rev!r}; this one knows "
                           f"up to {HEAD_REVISION!r}): update Backbeat before restoring it", "FILE")
    return rev, count, newest


def _logs_in(path: Path) -> tuple[int, str | None] | None:
    """(logs, newest log time) of the database being replaced, if it can be read."""
    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
            return conn.execute("SELECT count(*), max(logged_at) FROM set_log").fetchone()
    except sqlite3.DatabaseError:
        return None


def restore(url: str, backup_file: str) -> tuple[Path | None, list[str]]:
    """Replace the database with a backup, after checking the backup is sound
    and Backbeat's. Works onto a damaged or missing file. The replaced file is
    kept beside it; returns where, and warnings (the backup is older than the
    data it replaces)."""
    path = Path(backup_file)
    if not path.is_file():
        raise InvalidInput(f"no backup file at {path}", "FILE")
    _rev, count, newest = _inspect_backup(path)
    target = _sqlite_path(url)
    target.parent.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
    if target.exists() and target.resolve() == path.resolve():
        raise InvalidInput("the backup is the database itself", "FILE")
    warnings: list[str] = []
    kept = None
    if target.exists():
        before = _logs_in(target)
        kept = target.with_name(f"{target.name}.replaced-{datetime.now():%Y%m%d-%H%M%S}")
        if before is not None:
            old_count, old_newest = before
            if (old_newest or "") > (newest or "") or old_count > count:
                warnings.append(
                    f"the backup is older than the data it replaces: the database had {old_count} "
                    f"logs (newest {old_newest}), the backup has {count} (newest {newest}); "
                    f"the replaced file is kept as {kept}")
        else:
            warnings.append(f"the replaced file could not be read; it is kept as {kept}")
        # the replaced database (with its WAL folded in when it can be) goes aside whole
        with contextlib.suppress(sqlite3.DatabaseError, OSError), \
                contextlib.closing(sqlite3.connect(target)) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        os.replace(target, kept)
        for suffix in ("-wal", "-shm"):
            side = target.with_name(target.name + suffix)
            if side.exists():
                os.replace(side, kept.with_name(kept.name + suffix))
    _copy(path, target)
    return kept, warnings


# -- automatic backups -----------------------------------------------------------------------

def backup_folder(db: Database) -> Path | None:
    source = sqlite_file(db.url)
    return None if source is None else source.parent / BACKUP_FOLDER


def automatic_backups(db: Database) -> list[Path]:
    folder = backup_folder(db)
    if folder is None or not folder.is_dir():
        return []
    return sorted(folder.glob("backbeat-*.db"))


def auto_backup(db: Database, reason: str, *, keep: int = KEEP_BACKUPS,
                now: datetime | None = None) -> Path | None:
    """A rotating backup beside a SQLite database (``backups/``, 0600 files in a
    0700 folder, the newest ``keep`` kept). None for PostgreSQL (pg_dump's job)."""
    folder = backup_folder(db)
    if folder is None or db.read_only:
        return None
    folder.mkdir(exist_ok=True, mode=PRIVATE_DIR)
    with contextlib.suppress(OSError):
        folder.chmod(PRIVATE_DIR)
    now = now or datetime.now()
    target = folder / f"backbeat-{now:%Y%m%d-%H%M%S}-{reason}.db"
    _copy(_sqlite_path(db.url), target)
    for old in automatic_backups(db)[:-keep]:
        old.unlink(missing_ok=True)
    return target


def backup_if_due(db: Database, *, now: datetime | None = None) -> Path | None:
    """The daily backup, when the newest automatic one is a day old (or none is there)."""
    existing = automatic_backups(db)
    now = now or datetime.now()
    if existing:
        try:
            newest = datetime.strptime(existing[-1].name[9:24], "%Y%m%d-%H%M%S")
        except ValueError:
            newest = datetime.fromtimestamp(existing[-1].stat().st_mtime)
        if (now - newest).total_seconds() < DAILY_S:
            return None
    return auto_backup(db, "daily", now=now)


class BackupKeeper:
    """The TV's automatic backups, off the GUI thread: one at each class end and
    one a day (checked at start and hourly). A failed backup never stops the
    class; ``error`` says why for the status line."""

    CHECK_EVERY_S = 3600.0

    def __init__(self, db: Database):
        import threading

        self.db = db
        self.error: str | None = None
        self.made: list[Path] = []
        self._ended: set[object] = set()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._class_end = False
        self._thread = threading.Thread(target=self._run, name="backups", daemon=True)
        self._thread.start()

    def class_ended(self, session: object) -> None:
        """A class ended (called on every save after the end: one backup per class)."""
        if session in self._ended:
            return
        self._ended.add(session)
        self._class_end = True
        self._wake.set()

    def close(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                if self._class_end:
                    self._class_end = False
                    self._note(auto_backup(self.db, "class-end"))
                self._note(backup_if_due(self.db))
                self.error = None
            except Exception as exc:  # a full disk, a read-only folder: say so, carry on
                self.error = f"automatic backup failed ({getattr(exc, 'strerror', None) or exc})"
            self._wake.wait(self.CHECK_EVERY_S)
            self._wake.clear()

    def _note(self, path: Path | None) -> None:
        if path is not None:
            self.made.append(path)
