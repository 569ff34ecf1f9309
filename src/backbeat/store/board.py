"""The coach's board (the TV's rest screen, the trainer's Class tab): for the
coming exercise, each checked-in athlete's sets logged of it in this class
(✓✓· is 2 of 3), suggested load and next step, or what a flagged athlete does
instead (and their sets of that)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from backbeat.domain.athlete import caution_for
from backbeat.domain.errors import InvalidInput
from backbeat.domain.exercise import Laterality, RiskFlag
from backbeat.domain.names import name_key
from backbeat.domain.setcount import progress_marks
from backbeat.engine.offer import ClassSet
from backbeat.store.athletes import list_athletes, progress_for
from backbeat.store.checkins import checked_in
from backbeat.store.db import Database
from backbeat.store.equipment import get_equipment
from backbeat.store.history import planned_work
from backbeat.store.library import load_library
from backbeat.store.live import class_now
from backbeat.store.logs import scope_counts, suggested_load
from backbeat.store.settings import get_setting

KG_PER_LB = 0.45359237


@dataclass(frozen=True)
class BoardLine:
    athlete: str
    load: str  # "17.5 kg", "40 lb", "" when nothing is known
    note: str  # "Next: eccentric 4 s", "does Bird dog" …
    caution: bool = False
    substitute: str = ""  # a flagged athlete's swap, by name ("Bird dog")
    why: str = ""  # a flagged athlete's screening finding ("disc history")
    marks: str = ""  # sets logged of this exercise in this class: "✓✓·" (2 of 3)
    done: int = 0  # how many (one-side work: sets done on both sides)


def format_load(kg: float | None, units: str) -> str:
    if kg is None:
        return ""
    if units == "lb":
        return f"{kg / KG_PER_LB:.0f} lb"
    return f"{kg:g} kg"


def _done(counts: dict, athlete_id: int, slug: str, unilateral: bool) -> int:
    if unilateral:  # a set of one-side work is done when both sides are
        return min(counts.get((athlete_id, slug, "left"), 0), counts.get((athlete_id, slug, "right"), 0))
    return counts.get((athlete_id, slug, None), 0)


def rest_board(db: Database, exercise: str, *, day: date | None = None, limit: int = 12,
               flagged: Sequence[str] = (), session_id: int | None = None,
               sets: int | None = None) -> list[BoardLine]:
    """``session_id``: the running class, whose logged sets are counted (of ``sets``).
    ``flagged``: athletes (by name) taken as checked in and screened with a disc
    history, for a snapshot only (nothing is stored); an unknown name is refused."""
    ids = checked_in(db, day=day)
    everyone = list_athletes(db)
    by_key = {name_key(a.name): a for a in everyone}
    extra = {}
    for name in flagged:
        athlete = by_key.get(name_key(name))
        if athlete is None:
            known = ", ".join(a.name for a in everyone) or "none yet"
            raise InvalidInput(f"no athlete {name!r} (athletes: {known})", "--flag")
        extra[athlete.id] = replace(athlete, flags=athlete.flags | {RiskFlag.DISC})
    if not ids and not extra:
        return []
    library = load_library(db)
    ex = library.get(exercise)
    if ex is None:
        return []
    units = get_setting(db, "units")
    athletes = [extra.get(a.id, a) for a in everyone if a.id in ids or a.id in extra][:limit]
    counts = (scope_counts(db, [a.id for a in athletes], session_id=session_id)
              if session_id is not None else {})
    planned, _ = planned_work(db)
    equipment = get_equipment(db)
    lines = []
    for athlete in athletes:
        caution = caution_for(athlete, ex, library)
        if caution is not None:
            sub = library.get(caution.substitute) if caution.substitute else None
            done = _done(counts, athlete.id, sub.slug, sub.laterality is Laterality.UNILATERAL) \
                if sub else 0
            lines.append(BoardLine(athlete.name, "", f"does {sub.name}" if sub else "see the coach",
                                   caution=True, substitute=sub.name if sub else "",
                                   why=caution.why, done=done,
                                   marks=progress_marks(done, sets) if session_id else ""))
            continue
        done = _done(counts, athlete.id, ex.slug, ex.laterality is Laterality.UNILATERAL)
        note = ""
        row = None
        try:  # one progression row per athlete, the programs and equipment read once
            row = progress_for(db, athlete.id, ex.slug, planned=planned, equipment=equipment)
            if row.suggestion is not None and row.current is not None:
                note = row.suggestion.short(row.current)
        except InvalidInput:
            pass
        load = suggested_load(db, athlete.id, ex.slug, row=row)
        lines.append(BoardLine(athlete.name, format_load(load, units), note, done=done,
                               marks=progress_marks(done, sets) if session_id else ""))
    return lines


@dataclass(frozen=True)
class ClassBoard:
    """The running class as the trainer's desktop shows it: what it is on, and the board."""

    class_set: ClassSet | None
    lines: list[BoardLine]


def class_board(db: Database, *, day: date | None = None) -> ClassBoard:
    """The coach's board for the class running now (the TV's), or an empty one."""
    cs = class_now(db)
    if cs is None:
        return ClassBoard(None, [])
    return ClassBoard(cs, rest_board(db, cs.exercise, day=day, session_id=cs.session_id,
                                     sets=cs.sets, limit=40))
