"""Training history from Strong and Hevy CSV exports: layouts, rows, exercise names.

Both apps have changed their export over the years, so a file's layout is
recognised by its header (:data:`LAYOUTS`), not assumed:

* **Strong, with units** (2019–2022): semicolons, ``Date;Workout Name;Exercise
  Name;Set Order;Weight;Weight Unit;Reps;RPE;Distance;Distance Unit;Seconds;
  Notes;Workout Notes[;Workout Duration]``.
* **Strong** (2023 on): commas, ``Date,Workout Name,Duration,Exercise Name,Set
  Order,Weight,Reps,Distance,Seconds,Notes,Workout Notes,RPE``; the weight is in
  the unit the app was set to, which the file does not say (the caller says).
  ``Set Order`` is the set's number, or W (warm-up), D (drop set), F (failure).
* **Hevy**: ``title,start_time,end_time,description,exercise_title,superset_id,
  exercise_notes,set_index,set_type,weight_kg|weight_lbs,reps,distance_km|
  distance_miles,duration_seconds,rpe``; ``set_type`` is normal, warmup,
  dropset or failure; ``start_time`` like ``26 Jul 2025, 07:06``.

An unknown header is refused naming the columns seen. Every row is checked
before anything is written: a bad row (a date that is not one, a negative or
impossible weight, reps that are not a count) is reported by its line, and the
file is refused whole. Rows that are not sets of reps (timed or distance work,
rest timers) are skipped and counted, not refused.

Exercise names are matched to the library with rapidfuzz (:func:`match_names`):
a name mapped by hand or remembered from an earlier import first, else the
library entry whose name scores best (``WRatio`` on names without their
parenthesised equipment, at least :data:`MATCH_CUTOFF`).
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from backbeat.domain.errors import InvalidInput
from backbeat.domain.exercise import Library
from backbeat.domain.names import name_key
from backbeat.domain.program import MAX_LOAD_KG, MAX_REPS
from backbeat.domain.setlog import EFFORT_MAX, EFFORT_MIN, KG_PER_LB, Units

#: A fuzzy score (0–100) at least this good counts as a match.
MATCH_CUTOFF = 88.0
#: Bad rows listed one by one before "… and N more".
MAX_LISTED = 25


class SetType(StrEnum):
    WORKING = "working"  # stored as NULL
    WARMUP = "warmup"
    DROP = "drop"
    FAILURE = "failure"

    @property
    def stored(self) -> str | None:
        return None if self is SetType.WORKING else self.value


#: Sets that are not at the working prescription: progression and the kiosk's
#: "last load" leave them out (the charts show them).
NOT_WORKING: tuple[str, ...] = (SetType.WARMUP.value, SetType.DROP.value)


@dataclass(frozen=True)
class Layout:
    key: str
    app: str  # "strong" or "hevy": kept on each imported set
    title: str
    required: frozenset[str]
    date: str
    workout: str
    exercise: str
    order: str
    weight: str
    reps: str
    rpe: str | None = None
    unit_column: str | None = None  # a column naming each row's unit
    unit: Units | None = None  # the unit the layout is in, when fixed
    seconds: str | None = None
    distance: str | None = None
    set_type: str | None = None  # Hevy's set_type; Strong puts W/D/F in the set order


_STRONG_COMMON = {"Date", "Workout Name", "Exercise Name", "Set Order", "Weight", "Reps"}
_HEVY_COMMON = {"title", "start_time", "exercise_title", "set_index", "set_type", "reps"}

LAYOUTS: tuple[Layout, ...] = (
    Layout("strong-units", "strong", "Strong export with a weight unit per row (2019–2022)",
           frozenset(_STRONG_COMMON | {"Weight Unit"}), "Date", "Workout Name", "Exercise Name",
           "Set Order", "Weight", "Reps", rpe="RPE", unit_column="Weight Unit", seconds="Seconds",
           distance="Distance"),
    Layout("strong", "strong", "Strong export (2023 on)",
           frozenset(_STRONG_COMMON | {"Duration"}), "Date", "Workout Name", "Exercise Name",
           "Set Order", "Weight", "Reps", rpe="RPE", seconds="Seconds", distance="Distance"),
    Layout("hevy-kg", "hevy", "Hevy export in kg", frozenset(_HEVY_COMMON | {"weight_kg"}),
           "start_time", "title", "exercise_title", "set_index", "weight_kg", "reps", rpe="rpe",
           unit=Units.KG, seconds="duration_seconds", distance="distance_km", set_type="set_type"),
    Layout("hevy-lb", "hevy", "Hevy export in lb", frozenset(_HEVY_COMMON | {"weight_lbs"}),
           "start_time", "title", "exercise_title", "set_index", "weight_lbs", "reps", rpe="rpe",
           unit=Units.LB, seconds="duration_seconds", distance="distance_miles",
           set_type="set_type"),
)

_DATE_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %I:%M:%S %p", "%Y-%m-%d %H:%M", "%Y-%m-%d",
                 "%d %b %Y, %H:%M", "%d %B %Y, %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M")
_STRONG_TYPES = {"W": SetType.WARMUP, "D": SetType.DROP, "F": SetType.FAILURE}
_HEVY_TYPES = {"normal": SetType.WORKING, "warmup": SetType.WARMUP, "warm-up": SetType.WARMUP,
               "dropset": SetType.DROP, "drop": SetType.DROP, "failure": SetType.FAILURE}


@dataclass(frozen=True)
class SourceSet:
    """One set as the app wrote it, checked and in kg. ``when`` is the phone's wall time."""

    line: int
    when: datetime
    workout: str
    exercise: str  # the name as the app wrote it
    set_type: SetType
    reps: int
    load_kg: float | None
    effort: float | None
    source_key: str  # the same set in a re-export gives the same key


@dataclass
class ParsedFile:
    layout: Layout
    rows: int
    sets: list[SourceSet] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (line, why): not sets of reps
    units: Units = Units.KG  # the weights' unit (per row for Strong with units: the most common)
    units_seen: tuple[Units, ...] = ()


def detect_layout(header: Iterable[str], where: str = "file") -> Layout:
    columns = [c.strip() for c in header]
    seen = set(columns)
    for layout in LAYOUTS:
        if layout.required <= seen:
            return layout
    shown = ", ".join(c for c in columns if c) or "none"
    raise InvalidInput(
        "not a Strong or Hevy export this version reads. Columns seen: "
        f"{shown}. Strong's have Date, Workout Name, Exercise Name, Set Order, Weight, Reps; "
        "Hevy's have title, start_time, exercise_title, set_index, set_type, weight_kg or "
        "weight_lbs, reps", where)


def _sniff(text: str) -> str:
    first = text.split("\n", 1)[0]
    return max((";", ",", "\t"), key=first.count)


def _date(text: str) -> datetime | None:
    clean = re.sub(r"[\u202f\u00a0\s]+", " ", text.strip()).upper()
    clean = clean.removesuffix("Z")
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(clean.title() if "%b" in fmt or "%B" in fmt else clean, fmt)
        except ValueError:
            continue
    return None


def _number(text: str) -> float | None:
    """A number as the apps write it ("82.5", "82,5"); None when empty."""
    text = text.strip()
    if not text:
        return None
    value = float(text.replace(",", "."))
    if not math.isfinite(value):
        raise ValueError(text)
    return value


def parse_export(text: str, *, units: Units = Units.KG, where: str = "file") -> ParsedFile:
    """Read a whole export; refuse it (every bad row by line) or return its sets.

    ``units``: what a Strong export without a unit column weighs in.
    """
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise InvalidInput("the file is empty", where)
    reader = csv.reader(io.StringIO(text), delimiter=_sniff(text))
    try:
        header = next(reader)
    except csv.Error as exc:
        raise InvalidInput(f"line 1: not CSV ({exc})", where) from None
    layout = detect_layout(header, where)
    index = {c.strip(): i for i, c in enumerate(header)}
    parsed = ParsedFile(layout, 0, units=layout.unit or units)
    problems: list[str] = []
    seen: Counter[tuple] = Counter()
    unit_counts: Counter[Units] = Counter()

    def cell(row: list[str], column: str | None) -> str:
        if column is None or column not in index or index[column] >= len(row):
            return ""
        return row[index[column]].strip()

    try:
        for row in reader:
            line = reader.line_num
            if not any(c.strip() for c in row):
                continue
            parsed.rows += 1
            bad: list[str] = []
            exercise = cell(row, layout.exercise)
            order = cell(row, layout.order)
            if not exercise or order.casefold() == "rest timer":
                parsed.skipped.append((line, "no exercise (a rest timer or a note)"))
                continue
            when = _date(cell(row, layout.date))
            if when is None:
                bad.append(f"{cell(row, layout.date)!r} is not a date")
            if layout.set_type is not None:
                kind = _HEVY_TYPES.get(cell(row, layout.set_type).casefold())
                if kind is None:
                    bad.append(f"set type {cell(row, layout.set_type)!r} is not normal, warmup, "
                               "dropset or failure")
            else:
                kind = _STRONG_TYPES.get(order.upper(), SetType.WORKING)
                if order.upper() not in _STRONG_TYPES and not order.isdigit():
                    bad.append(f"set order {order!r} is not a number, W, D or F")
            unit = layout.unit or units
            if layout.unit_column is not None:
                word = cell(row, layout.unit_column).casefold()
                unit = {"kg": Units.KG, "kgs": Units.KG, "lb": Units.LB, "lbs": Units.LB}.get(
                    word, units if not word else None)
                if unit is None:
                    bad.append(f"weight unit {cell(row, layout.unit_column)!r} is not kg or lbs")
            load: float | None = None
            try:
                weight = _number(cell(row, layout.weight))
                if weight is not None and weight < 0:
                    bad.append(f"weight {weight:g} is below zero")
                elif weight and unit is not None:
                    load = round(weight * (KG_PER_LB if unit is Units.LB else 1.0), 3)
                    if load > MAX_LOAD_KG:
                        bad.append(f"weight {weight:g} {unit.value} is more than "
                                   f"{MAX_LOAD_KG:g} kg")
            except ValueError:
                bad.append(f"weight {cell(row, layout.weight)!r} is not a number")
            reps_text = cell(row, layout.reps)
            reps = 0
            try:
                value = _number(reps_text) or 0.0
                if value != int(value) or value < 0:
                    bad.append(f"reps {reps_text!r} is not a count of reps")
                elif value > MAX_REPS:
                    bad.append(f"{value:g} reps is more than a set ({MAX_REPS} at most)")
                reps = int(value)
            except ValueError:
                bad.append(f"reps {reps_text!r} is not a number")
            if bad:
                problems.append(f"line {line} ({exercise}): " + "; ".join(bad))
                continue
            if unit is not None:
                unit_counts[unit] += 1
            if reps == 0:
                parsed.skipped.append((line, f"{exercise}: no reps (a timed or distance set)"))
                continue
            effort = None
            try:
                rpe = _number(cell(row, layout.rpe))
                if rpe is not None and EFFORT_MIN <= rpe <= EFFORT_MAX and rpe * 2 == int(rpe * 2):
                    effort = rpe
            except ValueError:
                effort = None  # an RPE the kiosk would not take is left out, not refused
            workout = cell(row, layout.workout)
            ident = (layout.app, when.isoformat(), workout, exercise.casefold(), order.upper())
            seen[ident] += 1
            key = "|".join((*ident, str(seen[ident])))
            parsed.sets.append(SourceSet(line, when, workout, exercise, kind, reps, load, effort,
                                         key))
    except csv.Error as exc:
        problems.append(f"line {reader.line_num}: not CSV ({exc})")
    if problems:
        listed = problems[:MAX_LISTED]
        more = len(problems) - len(listed)
        raise InvalidInput(
            f"{len(problems)} bad row{'s' * (len(problems) != 1)}, nothing imported:\n  "
            + "\n  ".join(listed) + (f"\n  … and {more} more" if more else ""), where)
    if unit_counts:
        parsed.units = unit_counts.most_common(1)[0][0]
        parsed.units_seen = tuple(u for u in Units if u in unit_counts)
    return parsed


# -- exercise names ------------------------------------------------------------------------

class How(StrEnum):
    MANUAL = "mapped"  # --map or the trainer's choice
    REMEMBERED = "remembered"
    FUZZY = "matched"
    NONE = "no match"


@dataclass(frozen=True)
class Match:
    name: str  # as the app wrote it
    slug: str | None  # None: skipped
    how: How
    score: float = 0.0


def _plain(name: str) -> str:
    """"Seated Row (Cable)" → "seated row": the equipment in brackets says little."""
    from rapidfuzz import utils

    return utils.default_process(re.sub(r"\(.*?\)", " ", name))


def match_names(names: Iterable[str], library: Library, *,
                remembered: Mapping[str, str | None] = {},
                manual: Mapping[str, str | None] = {}) -> dict[str, Match]:
    """Each distinct name's library slug (None: skip), by hand, from memory, or fuzzy.

    ``manual``/``remembered`` are keyed by :func:`name_key`; a value None means
    "skip this one".
    """
    from rapidfuzz import fuzz, process

    choices = {ex.slug: _plain(ex.name) for ex in library.exercises if not ex.is_breath_drill}
    out: dict[str, Match] = {}
    for name in names:
        if name in out:
            continue
        key = name_key(name)
        if key in manual:
            out[name] = Match(name, manual[key], How.MANUAL, 100.0)
        elif key in remembered:
            out[name] = Match(name, remembered[key], How.REMEMBERED, 100.0)
        else:
            best = process.extractOne(_plain(name), choices, scorer=fuzz.WRatio,
                                      score_cutoff=MATCH_CUTOFF)
            out[name] = (Match(name, best[2], How.FUZZY, round(best[1], 1)) if best
                         else Match(name, None, How.NONE))
    return out


def parse_map(items: Iterable[str], library: Library) -> dict[str, str | None]:
    """``--map "Seated Row (Cable)=chest-supported-row"`` (or ``=skip``), keyed by name_key."""
    out: dict[str, str | None] = {}
    for item in items:
        name, sep, target = item.rpartition("=")
        name, target = name.strip(), target.strip()
        if not sep or not name:
            raise InvalidInput(f"{item!r} is not NAME=EXERCISE (or NAME=skip)", "--map")
        if target.casefold() in ("", "skip", "-"):
            out[name_key(name)] = None
            continue
        ex = library.get(target)
        if ex is None:
            raise InvalidInput(f"{target!r} is not in the library (use its short name, e.g. "
                               f"{library.exercises[0].slug}, or skip)", "--map")
        out[name_key(name)] = ex.slug
    return out
