"""Safekeeping: revision, integrity check, backup and restore."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

from sqlalchemy import text

from backbeat.domain.errors import InvalidInput
from backbeat.store.db import Database, current_revision, head_revision


def revision(db: Database) -> str | None:
    return current_revision(db.engine)


def check(db: Database) -> list[str]:
    problems = []
    head = head_revision(db.engine)
    current = current_revision(db.engine)
    if current != head:
        problems.append(f"schema at revision {current}, expected {head}: run 'backbeat db upgrade'")
    if db.engine.dialect.name == "sqlite":
        with db.engine.connect() as conn:
            result = [r[0] for r in conn.execute(text("PRAGMA integrity_check"))]
            if result != ["ok"]:
                problems.extend(f"integrity: {r}" for r in result)
            for row in conn.execute(text("PRAGMA foreign_key_check")):
                problems.append(f"foreign key: table {row[0]} row {row[1]} points at a missing {row[2]}")
    return problems


def _sqlite_path(url: str) -> Path:
    if not url.startswith("sqlite:///"):
        raise InvalidInput("backup and restore work on SQLite files; use pg_dump for PostgreSQL", "--db")
    return Path(url.split("///", 1)[1])


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
    try:
        with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
            src.backup(dst)
        dst.close()
    except sqlite3.OperationalError as exc:
        raise InvalidInput(f"{target}: cannot write the backup there ({exc}); check the folder's "
                           "permissions or choose another place") from None
    return target


def restore(url: str, backup_file: str) -> None:
    """Replace the database with a backup, after checking the backup is sound."""
    path = Path(backup_file)
    if not path.is_file():
        raise InvalidInput(f"no backup file at {path}", "FILE")
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            ok = conn.execute("PRAGMA integrity_check").fetchone()[0]
            has_schema = conn.execute(
                "SELECT count(*) FROM sqlite_master WHERE name='alembic_version'"
            ).fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise InvalidInput(f"{path} is not a usable database ({exc})", "FILE") from None
    if ok != "ok" or not has_schema:
        raise InvalidInput(f"{path} is not a sound Backbeat backup", "FILE")
    target = _sqlite_path(url)
    target.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(path) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
