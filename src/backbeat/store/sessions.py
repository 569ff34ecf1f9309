"""Class sessions: one row per class the TV runs (attendance, logs, resume)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from backbeat.domain.errors import InvalidInput
from backbeat.domain.names import name_key
from backbeat.store.db import Database
from backbeat.store.models import ClassSessionRow, ProgramRow


def start_session(db: Database, program: str, day: int) -> int:
    with db.session() as s:
        program_id = s.scalar(select(ProgramRow.id).where(ProgramRow.name_key == name_key(program)))
        if program_id is None:
            raise InvalidInput(f"no program {program!r}", "program")
        row = ClassSessionRow(program_id=program_id, day=day, started_at=datetime.now(UTC))
        s.add(row)
        s.flush()
        return row.id


def end_session(db: Database, session_id: int) -> None:
    with db.session() as s:
        row = s.get(ClassSessionRow, session_id)
        if row is not None and row.ended_at is None:
            row.ended_at = datetime.now(UTC)


def latest_session(db: Database, program: str, day: int) -> int | None:
    """The newest class session of a program's day, or None (what a snapshot of the
    TV counts the board's sets in)."""
    with db.read() as s:
        return s.scalar(select(ClassSessionRow.id).join(ProgramRow)
                        .where(ProgramRow.name_key == name_key(program), ClassSessionRow.day == day)
                        .order_by(ClassSessionRow.id.desc()).limit(1))
