"""First-run content: the built-in exercise library and the sample programs.

The domain's models (pydantic) and the program and library code are imported
only to seed an empty database: opening one that has its library does without
them (the trainer's start, tests/test_startup_imports.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import func, select

from backbeat.paths import resources_dir
from backbeat.store.db import Database
from backbeat.store.models import ExerciseRow, ProgramRow

if TYPE_CHECKING:
    from backbeat.domain.exercise import Library


def builtin_library() -> Library:
    from backbeat.domain.exercise import Library

    return Library.model_validate_json((resources_dir() / "library.json").read_text("utf-8"))


def open_database(url: str | None = None) -> Database:
    """The gym's database as the stations open it: migrated and, on its first
    open, given the built-in library and sample programs (a read-only file is
    read as it is)."""
    db = Database(url)
    try:
        if not db.read_only:
            seed_if_empty(db)
    except BaseException:
        db.close()
        raise
    return db


def seed_if_empty(db: Database) -> bool:
    """Seed a new database. Returns True when it seeded."""
    with db.read() as s:
        if s.scalar(select(func.count()).select_from(ExerciseRow)):
            return False
    from backbeat.domain.program import parse_program
    from backbeat.store.library import save_library
    from backbeat.store.programs import save_program

    save_library(db, builtin_library(), builtin=True)
    with db.read() as s:
        has_programs = s.scalar(select(func.count()).select_from(ProgramRow))
    if not has_programs:
        for path in sorted((resources_dir() / "programs").glob("*.json")):
            save_program(db, parse_program(path.read_text("utf-8"), str(path)))
    return True
