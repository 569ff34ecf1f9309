"""The last class a TV ran, kept on the TV's own computer.

A TV that starts while the gym's database cannot be reached (after a power
cut the server boots last) runs the class it ran last: the program and the
exercise library as they were, from ``data_dir()/last-class.json`` (0600),
written every time the TV loads a class from the database.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path

from backbeat.domain.exercise import Library
from backbeat.domain.names import name_key
from backbeat.domain.program import Program, program_from_data
from backbeat.paths import data_dir

CACHE_NAME = "last-class.json"


def cache_path() -> Path:
    return data_dir() / CACHE_NAME


def keep_class(program: Program, library: Library) -> None:
    """Keep ``program`` and the library for a start without the database (best effort)."""
    path = cache_path()
    part = path.with_name(path.name + ".part")
    doc = {"program": program.to_document(),
           "library": library.model_dump(mode="json", exclude_defaults=True)}
    with contextlib.suppress(OSError):
        fd = os.open(part, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
        with open(fd, "w", encoding="utf-8") as f:
            json.dump(doc, f, ensure_ascii=False)
            f.flush()
            os.fsync(f.fileno())
        os.replace(part, path)


def kept_class() -> tuple[Program, Library] | None:
    """The kept program and library, or None (never kept, or unreadable)."""
    try:
        doc = json.loads(cache_path().read_text("utf-8"))
        return (program_from_data(doc["program"], "the kept class"),
                Library.model_validate(doc["library"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def kept_for(name: str) -> tuple[Program, Library] | None:
    kept = kept_class()
    if kept is None or name_key(kept[0].name) != name_key(name):
        return None
    return kept
