"""The exercise library in the database."""

from __future__ import annotations

from sqlalchemy import select

from backbeat.domain.errors import InvalidInput
from backbeat.domain.exercise import Exercise, Library
from backbeat.domain.names import name_key
from backbeat.store.db import Database
from backbeat.store.models import ExerciseRow


def load_library(db: Database) -> Library:
    with db.read() as s:
        rows = s.scalars(select(ExerciseRow).order_by(ExerciseRow.name)).all()
        return Library(exercises=[Exercise.model_validate(r.data) for r in rows])


def save_exercise(db: Database, exercise: Exercise, *, builtin: bool = False) -> None:
    """Add or replace one library entry (looked up by slug)."""
    data = exercise.model_dump(mode="json", exclude_defaults=True)
    with db.session() as s:
        same = s.scalar(select(ExerciseRow).where(ExerciseRow.name_key == name_key(exercise.name),
                                                  ExerciseRow.slug != exercise.slug))
        if same is not None:
            raise InvalidInput(f"the exercise {same.name!r} ({same.slug}) has this name already", "name")
        row = s.scalar(select(ExerciseRow).where(ExerciseRow.slug == exercise.slug))
        if row is None:
            s.add(ExerciseRow(slug=exercise.slug, name=exercise.name, data=data, builtin=builtin))
        else:
            row.name = exercise.name
            row.data = data


def save_library(db: Database, library: Library, *, builtin: bool = False) -> None:
    with db.session() as s:
        existing = {r.slug: r for r in s.scalars(select(ExerciseRow))}
        for ex in library.exercises:
            data = ex.model_dump(mode="json", exclude_defaults=True)
            row = existing.get(ex.slug)
            if row is None:
                s.add(ExerciseRow(slug=ex.slug, name=ex.name, data=data, builtin=builtin))
            else:
                row.name, row.data = ex.name, data
