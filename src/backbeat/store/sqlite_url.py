"""Where a SQLite URL's file is, without SQLAlchemy (the trainer's start reads
its PIN's hash before the store is imported: store/pin_hint.py)."""

from __future__ import annotations

from pathlib import Path


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL (None: not SQLite, or in memory)."""
    if not url.startswith("sqlite"):
        return None
    path = url.split("///", 1)[-1].split("?", 1)[0].removeprefix("file:")
    return Path(path) if path and path != ":memory:" else None
