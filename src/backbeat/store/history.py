"""Reading the logged sets back: chart data, class attendance, CSV export.

Built for a gym's years of logs (a million sets): every query for one athlete
runs on the ``(athlete_id, logged_at)`` / ``(athlete_id, exercise_id,
logged_at)`` indexes and lets the database do the summing, so Python sees a
few hundred grouped rows, never every set. Undone taps never count.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import IO, Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import aliased

from backbeat.domain import analytics as an
from backbeat.domain.analytics import ClassRecord, PlannedWork, SetGroup
from backbeat.domain.errors import InvalidInput
from backbeat.domain.exercise import Exercise
from backbeat.domain.history_import import NOT_WORKING
from backbeat.domain.names import name_key
from backbeat.domain.prescription import prescribed
from backbeat.domain.program import Item
from backbeat.domain.setlog import SetRecord
from backbeat.domain.spreadsheet import csv_writer
from backbeat.store.db import Database
from backbeat.store.models import (
    AthleteRow,
    BlockRow,
    CheckInRow,
    ClassSessionRow,
    DayRow,
    ExerciseRow,
    PrescriptionRow,
    ProgramRow,
    SetLogRow,
)

#: Columns of ``backbeat export-logs`` CSV files, in order.
CSV_COLUMNS = ("logged_at", "athlete", "exercise", "set", "side", "reps", "load_kg", "effort",
               "form", "tempo", "station", "class_session", "replaces", "hold_s")


def _as_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _range(q, start: date | None, end: date | None):
    if start is not None:
        q = q.where(SetLogRow.logged_at >= datetime.combine(start, time.min))
    if end is not None:
        q = q.where(SetLogRow.logged_at <= datetime.combine(end, time.max))
    return q


def exercise_slugs(db: Database) -> dict[int, str]:
    with db.read() as s:
        return dict(s.execute(select(ExerciseRow.id, ExerciseRow.slug)).all())


def set_groups(db: Database, athlete_id: int, *, start: date | None = None,
               end: date | None = None) -> list[SetGroup]:
    """The athlete's sets summed per day, class, exercise, side and tempo."""
    day = func.date(SetLogRow.logged_at)
    q = _range(select(
        day, SetLogRow.session_id, SetLogRow.exercise_id, SetLogRow.side, SetLogRow.tempo,
        func.count(), func.sum(SetLogRow.reps), func.max(SetLogRow.load_kg),
        func.sum(SetLogRow.reps * func.coalesce(SetLogRow.load_kg, 0.0)),
        func.sum(SetLogRow.form), func.count(SetLogRow.form),
    ).where(SetLogRow.athlete_id == athlete_id, SetLogRow.undone.is_(False)), start, end)
    q = q.group_by(day, SetLogRow.session_id, SetLogRow.exercise_id, SetLogRow.side, SetLogRow.tempo)
    slugs = exercise_slugs(db)
    with db.read() as s:
        rows = s.execute(q).all()
    groups = [SetGroup(on=_as_date(d), exercise=slugs[ex], side=side, tempo=tempo, session_id=sid,
                       sets=n, reps=int(reps or 0), top_load_kg=top, volume_kg=float(vol or 0.0),
                       form_sum=float(fsum or 0), form_count=int(fn))
              for d, sid, ex, side, tempo, n, reps, top, vol, fsum, fn in rows]
    return sorted(groups, key=an._order)


# -- what the classes prescribe --------------------------------------------------------------

def _planned(rows) -> tuple[dict[str, PlannedWork], dict[tuple[int, int], dict[str, PlannedWork]]]:
    """(first prescription per exercise anywhere, prescriptions per (program, day)).

    Each stored prescription is read as the class runs it
    (:func:`backbeat.domain.prescription.prescribed`): sides, rounds, the tempo in force.
    """
    anywhere: dict[str, PlannedWork] = {}
    by_day: dict[tuple[int, int], dict[str, PlannedWork]] = {}
    exercises: dict[str, Exercise] = {}
    for program_id, day_pos, block, slug, data, columns, extra in rows:
        ex = exercises.get(slug)
        if ex is None:
            ex = exercises[slug] = Exercise.model_validate(data)
        fields = {k: v for k, v in (extra or {}).items() if k != "exercise_ref"}
        fields |= {k: v for k, v in columns.items() if v is not None}
        p = prescribed(Item.model_validate({"exercise": slug, **fields}), ex,
                       (block or {}).get("rounds"))
        work = PlannedWork(sets=p.sets, reps=p.reps, tempo=str(p.tempo) if p.tempo else None,
                           sides=len(p.sides))
        anywhere.setdefault(slug, work)
        by_day.setdefault((program_id, day_pos), {}).setdefault(slug, work)
    return anywhere, by_day


def _prescription_rows(s):
    rows = s.execute(
        select(DayRow.program_id, DayRow.position, BlockRow.settings,
               ExerciseRow.slug, ExerciseRow.data,
               PrescriptionRow.sets, PrescriptionRow.reps, PrescriptionRow.duration_s,
               PrescriptionRow.tempo, PrescriptionRow.rest_s, PrescriptionRow.extra)
        .join(BlockRow, PrescriptionRow.block_id == BlockRow.id)
        .join(DayRow, BlockRow.day_id == DayRow.id)
        .join(ExerciseRow, PrescriptionRow.exercise_id == ExerciseRow.id)
        .order_by(DayRow.program_id, DayRow.position, BlockRow.position, PrescriptionRow.position)
    ).all()
    return [(program_id, day, block, slug, data,
             {"sets": sets, "reps": reps, "duration_s": duration, "tempo": tempo, "rest_s": rest},
             extra)
            for program_id, day, block, slug, data, sets, reps, duration, tempo, rest, extra in rows]


def planned_work(db: Database, session_ids: Iterable[int] = ()) -> tuple[
        dict[str, PlannedWork], dict[int, dict[str, PlannedWork]]]:
    """What the programs prescribe per exercise, and per class session the day it ran."""
    ids = {i for i in session_ids if i is not None}
    with db.read() as s:
        anywhere, by_day = _planned(_prescription_rows(s))
        sessions = {}
        if ids:
            for sid, program_id, day in s.execute(select(
                    ClassSessionRow.id, ClassSessionRow.program_id, ClassSessionRow.day)
                    .where(ClassSessionRow.id.in_(ids))):
                sessions[sid] = by_day.get((program_id, day - 1), {})  # days are numbered from 1
    return anywhere, sessions


def class_day_plan(db: Database, program: str, day: int) -> dict[str, PlannedWork]:
    """What a program's day (numbered from 1) prescribes, per exercise slug."""
    with db.read() as s:
        program_id = s.scalar(select(ProgramRow.id).where(
            ProgramRow.name_key == name_key(program)))
        if program_id is None:
            raise InvalidInput(f"no program {program!r}", "program")
        _anywhere, by_day = _planned(_prescription_rows(s))
    return by_day.get((program_id, day - 1), {})


# -- one athlete's charts --------------------------------------------------------------------

@dataclass(frozen=True)
class AthleteCharts:
    """Everything the progress tab draws for one athlete."""

    athlete_id: int
    exercises: list[str]  # slugs logged, most logged first
    groups: list[SetGroup]
    tension: list[an.TensionPoint]
    volume: list[an.VolumePoint]
    form: list[an.FormPoint]
    sides: list[an.SidePoint]

    def load_and_reps(self, exercise: str) -> list[an.LoadPoint]:
        return an.load_and_reps(self.groups, exercise)


def athlete_charts(db: Database, athlete_id: int, *, start: date | None = None,
                   end: date | None = None) -> AthleteCharts:
    groups = set_groups(db, athlete_id, start=start, end=end)
    planned, per_session = planned_work(db, {g.session_id for g in groups})
    counts: dict[str, int] = {}
    for g in groups:
        counts[g.exercise] = counts.get(g.exercise, 0) + g.sets
    return AthleteCharts(
        athlete_id=athlete_id,
        exercises=sorted(counts, key=lambda e: (-counts[e], e)),
        groups=groups,
        tension=an.time_under_tension(groups, planned, per_session),
        volume=an.weekly_volume(groups),
        form=an.form_trend(groups),
        sides=an.left_right(groups),
    )


# -- classes ---------------------------------------------------------------------------------

def class_records(db: Database, *, limit: int = 30) -> list[ClassRecord]:
    """The latest ``limit`` classes: attendance (check-ins, else athletes who logged) and sets."""
    with db.read() as s:
        sessions = s.execute(
            select(ClassSessionRow.id, ClassSessionRow.started_at, ClassSessionRow.day,
                   ClassSessionRow.program_id, ProgramRow.name)
            .join(ProgramRow, ClassSessionRow.program_id == ProgramRow.id)
            .order_by(ClassSessionRow.started_at.desc()).limit(limit)).all()
        if not sessions:
            return []
        ids = [r[0] for r in sessions]
        checked = dict(s.execute(
            select(CheckInRow.session_id, func.count()).where(CheckInRow.session_id.in_(ids))
            .group_by(CheckInRow.session_id)).all())
        logged = {sid: (n, athletes) for sid, n, athletes in s.execute(
            select(SetLogRow.session_id, func.count(), func.count(SetLogRow.athlete_id.distinct()))
            .where(SetLogRow.session_id.in_(ids), SetLogRow.undone.is_(False))
            .group_by(SetLogRow.session_id))}
        _anywhere, by_day = _planned(_prescription_rows(s))
    out = []
    for sid, started, day, program_id, name in sessions:
        plan = by_day.get((program_id, day - 1), {})
        per_athlete = sum(w.sets * w.sides for w in plan.values() if w.reps)
        n_sets, n_logging = logged.get(sid, (0, 0))
        out.append(ClassRecord(sid, started, f"{name} day {day}", max(checked.get(sid, 0), n_logging),
                               n_sets, per_athlete))
    return out


# -- progression input -----------------------------------------------------------------------

def working_set():
    """The WHERE clause for sets at the working prescription (warm-up and drop sets left out)."""
    return func.coalesce(SetLogRow.set_type, "").not_in(NOT_WORKING)


def recent_sets(db: Database, athlete_id: int, exercise_id: int, *, since: datetime | None = None,
                limit: int = 120) -> list[SetRecord]:
    """The athlete's latest working sets of an exercise (oldest first), after
    ``since`` when given: what the progression rule reads."""
    q = (select(SetLogRow.logged_at, SetLogRow.reps, SetLogRow.load_kg, SetLogRow.form,
                SetLogRow.tempo, SetLogRow.side, SetLogRow.session_id)
         .where(SetLogRow.athlete_id == athlete_id, SetLogRow.exercise_id == exercise_id,
                SetLogRow.undone.is_(False), working_set())
         .order_by(SetLogRow.logged_at.desc()).limit(limit))
    if since is not None:
        q = q.where(SetLogRow.logged_at > since)
    with db.read() as s:
        rows = s.execute(q).all()
        slug = s.scalar(select(ExerciseRow.slug).where(ExerciseRow.id == exercise_id)) or ""
    return [SetRecord(logged_at=at, exercise=slug, reps=reps, load_kg=load, form=form, tempo=tempo,
                      side=side, session_id=sid)
            for at, reps, load, form, tempo, side, sid in reversed(rows)]


# -- CSV export ------------------------------------------------------------------------------

def find_athlete_id(s, name: str) -> int:
    """The athlete called ``name`` (the roster's rule for names), else refused naming some."""
    aid = s.scalar(select(AthleteRow.id).where(AthleteRow.name_key == name_key(name)))
    if aid is None:
        known = ", ".join(s.scalars(select(AthleteRow.name).order_by(AthleteRow.name).limit(12)))
        raise InvalidInput(f"no athlete named {name!r} (athletes: {known or 'none'})", "--athlete")
    return aid


def export_logs(db: Database, out: IO[str], *, athlete: str | None = None,
                start: date | None = None, end: date | None = None) -> int:
    """Write the logged sets (undone taps left out) as CSV, oldest first. Returns the row count."""
    if start and end and start > end:
        raise InvalidInput(f"--from {start} is after --to {end}", "--from")
    replaced = aliased(ExerciseRow)
    q = _range(select(
        SetLogRow.logged_at, AthleteRow.name, ExerciseRow.slug, SetLogRow.set_number,
        SetLogRow.side, SetLogRow.reps, SetLogRow.load_kg, SetLogRow.effort, SetLogRow.form,
        SetLogRow.tempo, SetLogRow.station, SetLogRow.session_id, replaced.slug, SetLogRow.hold_s,
    ).join(AthleteRow, SetLogRow.athlete_id == AthleteRow.id)
     .join(ExerciseRow, SetLogRow.exercise_id == ExerciseRow.id)
     .outerjoin(replaced, SetLogRow.replaces_id == replaced.id)
     .where(SetLogRow.undone.is_(False)), start, end)
    writer = csv_writer(out)
    writer.writerow(CSV_COLUMNS)
    n = 0
    with db.read() as s:
        if athlete is not None:
            q = q.where(SetLogRow.athlete_id == find_athlete_id(s, athlete))
        q = q.order_by(SetLogRow.athlete_id, SetLogRow.logged_at) if athlete is None else \
            q.order_by(SetLogRow.logged_at)
        for row in s.execute(q.execution_options(yield_per=5000)):
            at, *rest = row
            writer.writerow([at.isoformat(sep=" ", timespec="seconds"),
                             *("" if v is None else v for v in rest)])
            n += 1
    return n


# -- bulk (demo data, benchmarks) ------------------------------------------------------------

def add_logs_bulk(db: Database, rows: Iterable[Mapping[str, Any]], *, chunk: int = 50_000) -> int:
    """Insert many set logs fast (one executemany per chunk). Returns how many."""
    table = SetLogRow.__table__
    n = 0
    batch: list[Mapping[str, Any]] = []
    with db.engine.begin() as conn:
        for row in rows:
            batch.append(row)
            if len(batch) >= chunk:
                conn.execute(insert(table), batch)
                n += len(batch)
                batch = []
        if batch:
            conn.execute(insert(table), batch)
            n += len(batch)
    return n



def most_logged_athlete(db: Database) -> int | None:
    """The athlete with the most logged sets (what snapshots and reviews show first)."""
    with db.read() as s:
        return s.scalar(select(SetLogRow.athlete_id).group_by(SetLogRow.athlete_id)
                        .order_by(func.count().desc(), SetLogRow.athlete_id).limit(1))
