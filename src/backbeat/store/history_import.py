"""Bring an athlete's training history in from a Strong or Hevy CSV export.

``plan_import`` reads and checks the whole file, matches its exercise names to
the library (``domain/history_import.py``) and counts what would be written;
``run_import`` writes the matched sets in one transaction (all or nothing) and
remembers the names' mapping for the next import (setting
``import.exercise_map``). Each imported set's idempotency key is made from its
source (app, workout time, exercise, set order), so importing the same file
again adds nothing. Imported sets are ordinary set logs marked
``imported_from`` (and ``set_type`` for warm-up, drop and failure sets): the
charts and earned progression read them like sets logged here.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC
from pathlib import Path

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from backbeat.domain.errors import InvalidInput
from backbeat.domain.history_import import (
    How,
    Match,
    ParsedFile,
    SetType,
    SourceSet,
    match_names,
    parse_export,
)
from backbeat.domain.names import name_key
from backbeat.domain.setlog import units_of
from backbeat.store.db import Database
from backbeat.store.history import find_athlete_id
from backbeat.store.library import load_library
from backbeat.store.models import ExerciseRow, SetLogRow
from backbeat.store.settings import get_setting, set_setting

#: Largest file read (a decade of daily training in Strong is about 10 MB).
MAX_FILE_BYTES = 50 * 1024 * 1024


@dataclass
class ImportPlan:
    """What an import would do; ``run_import`` does it."""

    path: str
    parsed: ParsedFile
    athlete_id: int
    athlete: str
    matches: dict[str, Match]
    sets_per_name: dict[str, int]
    new: list[tuple[SourceSet, str, str]] = field(default_factory=list)  # (set, slug, key)
    already: int = 0  # sets a previous import brought in

    @property
    def unmatched(self) -> list[Match]:
        return [m for m in self.matches.values() if m.slug is None]

    @property
    def skipped_sets(self) -> int:
        return sum(self.sets_per_name[m.name] for m in self.unmatched)

    def type_counts(self) -> dict[SetType, int]:
        out: dict[SetType, int] = {}
        for s, _slug, _key in self.new:
            out[s.set_type] = out.get(s.set_type, 0) + 1
        return out

    def summary(self, *, done: bool) -> str:
        types = self.type_counts()
        extra = ", ".join(f"{n} {t.value.replace('warmup', 'warm-up')}"
                          for t, n in types.items() if t is not SetType.WORKING)
        verb = "imported" if done else "would import"
        parts = [f"{verb} {_n(len(self.new), 'set')}" + (f" ({extra})" if extra else "")]
        if self.already:
            parts.append(f"{self.already} already imported")
        if self.unmatched:
            n = len(self.unmatched)
            parts.append(f"skipped {_n(self.skipped_sets, 'set')} of {n} unmatched "
                         f"exercise{'s' * (n != 1)}")
        if self.parsed.skipped:
            parts.append(f"{_n(len(self.parsed.skipped), 'row')} without reps left out")
        return ", ".join(parts)


def _n(count: int, word: str) -> str:
    return f"{count} {word}{'s' * (count != 1)}"


def _key(athlete_id: int, source_key: str) -> str:
    return "imp-" + hashlib.sha256(f"{athlete_id}|{source_key}".encode()).hexdigest()[:56]


def read_export(path: str | Path) -> str:
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InvalidInput(f"{size / 1e6:.0f} MB is more than an export this reads "
                               f"({MAX_FILE_BYTES // 2**20} MB at most)", str(path))
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InvalidInput("no such file", str(path)) from None
    except IsADirectoryError:
        raise InvalidInput("is a folder, not a CSV file", str(path)) from None
    except PermissionError:
        raise InvalidInput("cannot be read (permissions)", str(path)) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("latin-1")  # older exports from Windows spreadsheets


def remembered_map(db: Database) -> dict[str, str | None]:
    return dict(get_setting(db, "import.exercise_map") or {})


def plan_import(db: Database, path: str | Path, *, athlete: str | None = None,
                manual: dict[str, str | None] | None = None, units: str | None = None,
                text: str | None = None) -> ImportPlan:
    """Check the file, match its names and count; nothing is written."""
    text = read_export(path) if text is None else text
    gym_units = units_of(units or get_setting(db, "units"))
    parsed = parse_export(text, units=gym_units, where=str(path))
    with db.read() as s:
        if athlete is None:
            from backbeat.store.athletes import list_athletes

            roster = list_athletes(db)
            if len(roster) != 1:
                raise InvalidInput("say whose history this is: --athlete NAME", "--athlete")
            athlete_id, name = roster[0].id, roster[0].name
        else:
            athlete_id = find_athlete_id(s, athlete)
            name = athlete
    library = load_library(db)
    names: dict[str, int] = {}
    for x in parsed.sets:
        names[x.exercise] = names.get(x.exercise, 0) + 1
    matches = match_names(names, library, remembered=remembered_map(db), manual=manual or {})
    plan = ImportPlan(str(path), parsed, athlete_id, name, matches, names)
    candidates = [(x, matches[x.exercise].slug, _key(athlete_id, x.source_key))
                  for x in parsed.sets if matches[x.exercise].slug is not None]
    existing: set[str] = set()
    keys = [k for _x, _slug, k in candidates]
    with db.read() as s:
        for i in range(0, len(keys), 500):
            existing |= set(s.scalars(select(SetLogRow.idempotency_key)
                                      .where(SetLogRow.idempotency_key.in_(keys[i:i + 500]))))
    plan.new = [c for c in candidates if c[2] not in existing]
    plan.already = len(candidates) - len(plan.new)
    return plan


def run_import(db: Database, plan: ImportPlan) -> int:
    """Write the plan's new sets in one transaction and remember the mapping. Returns how many."""
    with db.read() as s:
        ids = dict(s.execute(select(ExerciseRow.slug, ExerciseRow.id)).all())
    set_numbers: dict[tuple, int] = {}
    rows = []
    for x, slug, key in plan.new:
        n = set_numbers[(x.when, x.exercise)] = set_numbers.get((x.when, x.exercise), 0) + 1
        rows.append(dict(
            idempotency_key=key, athlete_id=plan.athlete_id, exercise_id=ids[slug],
            session_id=None, set_number=n, side=None, reps=x.reps, load_kg=x.load_kg,
            effort=x.effort, form=None, tempo=None,
            logged_at=x.when.astimezone().astimezone(UTC).replace(tzinfo=None),
            station=f"import:{plan.parsed.layout.app}", undone=False,
            set_type=x.set_type.stored, imported_from=plan.parsed.layout.app))
    if rows:
        try:
            with db.engine.begin() as conn:  # all or nothing
                conn.execute(insert(SetLogRow.__table__), rows)
        except IntegrityError:
            raise InvalidInput("some of these sets were imported meanwhile; nothing was written: "
                               "run the import again", plan.path) from None
    memory = remembered_map(db)
    for m in plan.matches.values():
        if m.how in (How.MANUAL, How.FUZZY) or (m.how is How.REMEMBERED):
            memory[name_key(m.name)] = m.slug
    set_setting(db, "import.exercise_map", memory)
    return len(rows)


def describe_plan(plan: ImportPlan) -> list[str]:
    """The review: layout, whose, each name's mapping with its set count."""
    p = plan.parsed
    units = " and ".join(u.value for u in p.units_seen) or p.units.value
    lines = [f"{plan.path}: {p.layout.title}, {_n(p.rows, 'row')}, weights in {units}"
             + (" (stored in kg)" if units != "kg" else "") + f", for {plan.athlete}"]
    width = max((len(n) for n in plan.matches), default=0)
    for name, m in sorted(plan.matches.items(), key=lambda kv: kv[0].casefold()):
        sets = plan.sets_per_name[name]
        if m.slug is None:
            target = "skipped" + (" (no match)" if m.how is How.NONE else f" ({m.how.value})")
        else:
            target = m.slug + (f" ({m.how.value} {m.score:.0f})" if m.how is How.FUZZY
                               else f" ({m.how.value})")
        lines.append(f"  {name:<{width}}  → {target}   {_n(sets, 'set')}")
    return lines
