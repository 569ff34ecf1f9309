"""The last class a TV ran, kept on the TV's own computer.

A TV that starts while the gym's database cannot be reached (after a power
cut the server boots last) runs the class it ran last: the program and the
exercise library as they were, from ``data_dir()/last-class.json`` (0600),
written every time the TV loads a class from the database.
"""

from __future__ import annotations

from pathlib import Path

from backbeat.domain.exercise import Library
from backbeat.domain.names import name_key
from backbeat.domain.program import Program, program_from_data
from backbeat.paths import data_dir
from backbeat.store.kept import keep_json, read_json

CACHE_NAME = "last-class.json"


def cache_path() -> Path:
    return data_dir() / CACHE_NAME


def keep_class(program: Program, library: Library) -> None:
    """Keep ``program`` and the library for a start without the database (best effort)."""
    keep_json(cache_path(), {"program": program.to_document(),
                             "library": library.model_dump(mode="json", exclude_defaults=True)})


def kept_class() -> tuple[Program, Library] | None:
    """The kept program and library, or None (never kept, or unreadable)."""
    doc = read_json(cache_path())
    try:
        return (program_from_data(doc["program"], "the kept class"),
                Library.model_validate(doc["library"]))
    except (ValueError, KeyError, TypeError):
        return None


def kept_for(name: str) -> tuple[Program, Library] | None:
    kept = kept_class()
    if kept is None or name_key(kept[0].name) != name_key(name):
        return None
    return kept
