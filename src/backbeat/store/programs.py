"""Programs in the database: saved from and loaded back into domain models.

A program is stored as rows (day › block › prescription) so that logs and
sessions can point at them; each row keeps the fields the file gave, so that
export → import → export gives the same file.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from backbeat.domain.errors import InvalidInput
from backbeat.domain.names import name_key
from backbeat.domain.program import Program, check_program, program_from_data, read_program_file
from backbeat.store.db import Database
from backbeat.store.library import load_library
from backbeat.store.models import BlockRow, DayRow, ExerciseRow, PrescriptionRow, ProgramRow

_ITEM_COLUMNS = ("sets", "reps", "duration_s", "tempo", "rest_s")
_DAY_KEYS = ("get_ready_s", "switch_sides_s", "transition_s")
_BLOCK_KEYS = ("rounds", "rest_s", "get_ready_s")


class UnknownProgram(InvalidInput):
    pass


def save_program(db: Database, program: Program, *, replace: bool = True) -> list[str]:
    """Store a program (replacing one of the same name). Returns editor warnings.

    Everything is checked before anything is written, in one transaction:
    a refused program leaves the database as it was. A replaced program keeps
    its row (and id), so the classes already run from it stay linked to it.
    """
    warnings = check_program(program, load_library(db))
    with db.session() as s:
        old = s.scalar(select(ProgramRow).where(ProgramRow.name_key == name_key(program.name)))
        if old is not None and not replace:
            raise InvalidInput(f"a program named {program.name!r} exists already", "name")
        if old is not None and old.name != program.name:
            raise InvalidInput(
                f"{program.name!r} is the same name as the stored program {old.name!r} "
                "(names are compared ignoring case and accents' forms); nothing was saved: "
                f"call it {old.name!r} exactly to replace that program, or give it another name",
                "name")
        _write(s, program, old)
    return warnings


def save_edited_program(db: Database, program: Program, *, previous_name: str | None) -> list[str]:
    """Store a program the trainer edited, which may have been renamed from
    ``previous_name`` (None: a new program). Refuses to overwrite a different
    program that has the new name. Returns editor warnings."""
    warnings = check_program(program, load_library(db))
    with db.session() as s:
        clash = s.scalar(select(ProgramRow).where(ProgramRow.name_key == name_key(program.name)))
        mine = None
        if previous_name is not None:
            mine = s.scalar(select(ProgramRow).where(ProgramRow.name_key == name_key(previous_name)))
        if clash is not None and clash is not mine:
            raise InvalidInput(
                f"another program is called {clash.name!r}: choose a different name", "name"
            )
        _write(s, program, mine)
    return warnings


def _write(s, program: Program, row: ProgramRow | None) -> None:
    """Write ``program`` into ``row`` (its days replaced) or a new row."""
    doc = program.to_document()
    slugs = {r.slug: r.id for r in s.scalars(select(ExerciseRow))}
    names = {r.name.casefold(): r.id for r in s.scalars(select(ExerciseRow))}
    if row is None:
        row = ProgramRow(name=program.name)
        s.add(row)
    else:
        row.days.clear()
        s.flush()  # the old days go before the new ones take their positions
    row.name = program.name
    row.description = program.description
    row.updated_at = datetime.now(UTC)
    for d, day in enumerate(doc["days"]):
        day_row = DayRow(
            position=d,
            name=day["name"],
            settings={k: day[k] for k in _DAY_KEYS if k in day},
        )
        for b, block in enumerate(day["blocks"]):
            block_row = BlockRow(
                position=b,
                name=block["name"],
                kind=block.get("kind", "straight"),
                settings={k: block[k] for k in _BLOCK_KEYS if k in block},
            )
            for i, item in enumerate(block["items"]):
                ref = item["exercise"]
                exercise_id = slugs.get(ref) or names[ref.casefold()]
                block_row.items.append(
                    PrescriptionRow(
                        position=i,
                        exercise_id=exercise_id,
                        **{k: item.get(k) for k in _ITEM_COLUMNS},
                        extra={
                            k: v
                            for k, v in item.items()
                            if k not in _ITEM_COLUMNS and k != "exercise"
                        }
                        | {"exercise_ref": ref},
                    )
                )
            day_row.blocks.append(block_row)
        row.days.append(day_row)


def _document(row: ProgramRow) -> dict:
    days = []
    for day in row.days:
        blocks = []
        for block in day.blocks:
            items = []
            for item in block.items:
                extra = dict(item.extra)
                entry = {"exercise": extra.pop("exercise_ref", item.exercise.slug)}
                entry |= {k: getattr(item, k) for k in _ITEM_COLUMNS if getattr(item, k) is not None}
                entry |= extra
                items.append(entry)
            b = {"name": block.name}
            if block.kind != "straight":
                b["kind"] = block.kind
            blocks.append(b | block.settings | {"items": items})
        days.append({"name": day.name} | day.settings | {"blocks": blocks})
    doc = {"format": "backbeat.program/1", "name": row.name}
    if row.description:
        doc["description"] = row.description
    return doc | {"days": days}


def load_program(db: Database, ref: str | int) -> Program:
    """A stored program by name (case-insensitive) or id."""
    with db.read() as s:
        query = select(ProgramRow).options(
            selectinload(ProgramRow.days)
            .selectinload(DayRow.blocks)
            .selectinload(BlockRow.items)
            .selectinload(PrescriptionRow.exercise)
        )
        row = find_program_row(s, ref, query)
        if row is None:
            known = ", ".join(repr(n) for n in list_programs(db)) or "none"
            raise UnknownProgram(f"no program {ref!r} in the database (programs: {known})", "program")
        return program_from_data(_document(row), f"program {row.name!r}")


def find_program_row(s, ref: str | int, query=None) -> ProgramRow | None:
    """The program a person means by ``ref``: a name (compared by
    :func:`~backbeat.domain.names.name_key`), else an id. A name made of digits
    (``2024``) is a name first; an id is taken only when no program has it as
    its name, or when ``ref`` is an int or written ``#12``."""
    query = select(ProgramRow) if query is None else query
    if isinstance(ref, int):
        return s.scalar(query.where(ProgramRow.id == ref))
    if ref.startswith("#") and ref[1:].isascii() and ref[1:].isdigit():
        return s.scalar(query.where(ProgramRow.id == int(ref[1:])))
    row = s.scalar(query.where(ProgramRow.name_key == name_key(ref)))
    if row is None and ref.isascii() and ref.isdigit() and len(ref) < 12:
        row = s.scalar(query.where(ProgramRow.id == int(ref)))
    return row


def program_days(db: Database) -> list[tuple[str, int]]:
    """Each stored program's name and how many days it has, without loading any."""
    with db.read() as s:
        return [(name, days) for name, days in s.execute(
            select(ProgramRow.name, func.count(DayRow.id))
            .join(DayRow, DayRow.program_id == ProgramRow.id, isouter=True)
            .group_by(ProgramRow.id, ProgramRow.name).order_by(ProgramRow.name_key))]


def program_edited_at(db: Database, name: str) -> datetime | None:
    """When the program was last saved (None: no such program)."""
    with db.read() as s:
        return s.scalar(select(ProgramRow.updated_at).where(ProgramRow.name_key == name_key(name)))


def list_programs(db: Database) -> list[str]:
    with db.read() as s:
        return list(s.scalars(select(ProgramRow.name).order_by(ProgramRow.name_key)))


def delete_program(db: Database, name: str) -> None:
    with db.session() as s:
        row = s.scalar(select(ProgramRow).where(ProgramRow.name_key == name_key(name)))
        if row is not None:
            s.delete(row)


def import_program_file(db: Database, path: str | Path) -> tuple[Program, list[str]]:
    """Read, validate and store a ``backbeat.program/1`` file (the CLI's ``import``
    and the trainer's Import… both come here). A refused file writes nothing;
    returns the program and the editor warnings."""
    program = read_program_file(path)
    return program, save_program(db, program)


def program_file_text(program: Program) -> str:
    """The ``backbeat.program/1`` file text of a program."""
    return json.dumps(program.to_document(), indent=2, ensure_ascii=False) + "\n"


def export_program_file(db: Database, ref: str | int, path: str | Path) -> Program:
    """Write a stored program to ``path`` as a ``backbeat.program/1`` file."""
    program = load_program(db, ref)
    try:
        Path(path).write_text(program_file_text(program), "utf-8")
    except OSError as exc:
        raise InvalidInput(f"cannot write the file ({exc})", str(path)) from None
    return program


def classes_run_from(db: Database, name: str) -> int:
    """How many classes were run from a program (its logs and attendance point to it)."""
    from backbeat.store.models import ClassSessionRow

    with db.read() as s:
        return s.scalar(select(func.count()).select_from(ClassSessionRow)
                        .join(ProgramRow, ProgramRow.id == ClassSessionRow.program_id)
                        .where(ProgramRow.name_key == name_key(name))) or 0
