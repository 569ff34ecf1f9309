"""The last class a TV ran, kept on the TV's own computer.

A TV that starts while the gym's database cannot be reached (after a power
cut the server boots last) runs the class it ran last: the program and the
exercise library as they were, from ``data_dir()/last-class.json`` (0600),
written every time the TV loads a class from the database.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from backbeat.domain.namekey import name_key
from backbeat.paths import data_dir
from backbeat.store.kept import keep_json, read_json

if TYPE_CHECKING:  # the domain's models (pydantic) load when a class is read, not before
    from backbeat.domain.exercise import Library
    from backbeat.domain.program import Program

CACHE_NAME = "last-class.json"


def cache_path() -> Path:
    return data_dir() / CACHE_NAME


def keep_class(program: Program, library: Library) -> None:
    """Keep ``program`` and the library for a start without the database (best effort)."""
    keep_json(cache_path(), {"program": program.to_document(),
                             "library": library.model_dump(mode="json", exclude_defaults=True)})


def kept_class() -> tuple[Program, Library] | None:
    """The kept program and library, or None (never kept, or unreadable)."""
    from backbeat.domain.exercise import Library
    from backbeat.domain.program import program_from_data

    doc = kept_document()
    try:
        return (program_from_data(doc["program"], "the kept class"),
                Library.model_validate(doc["library"]))
    except (ValueError, KeyError, TypeError):
        return None


def kept_document() -> object | None:
    """The kept file as it was written (JSON), unchecked: for the TV's first
    frame, which shows the kept class's name before the domain's models load."""
    return read_json(cache_path())


def kept_title(program: str, day: int) -> tuple[str, str] | None:
    """(program, day name) of the kept class when it is ``program`` and has ``day``, else None."""
    doc = kept_document()
    try:
        kept = doc["program"]
        if name_key(kept["name"]) == name_key(program):
            return str(kept["name"]), str(kept["days"][day - 1]["name"])
    except (KeyError, IndexError, TypeError, AttributeError):
        pass
    return None


def kept_for(name: str) -> tuple[Program, Library] | None:
    kept = kept_class()
    if kept is None or name_key(kept[0].name) != name_key(name):
        return None
    return kept
