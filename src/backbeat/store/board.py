"""The TV's rest board: for the coming exercise, each checked-in athlete's
suggested load and next step (or the trainer's substitution for a flagged athlete)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from backbeat.domain.athlete import caution_for
from backbeat.domain.errors import InvalidInput
from backbeat.store.athletes import list_athletes, progress_for
from backbeat.store.checkins import checked_in
from backbeat.store.db import Database
from backbeat.store.library import load_library
from backbeat.store.logs import suggested_load
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


def format_load(kg: float | None, units: str) -> str:
    if kg is None:
        return ""
    if units == "lb":
        return f"{kg / KG_PER_LB:.0f} lb"
    return f"{kg:g} kg"


def rest_board(db: Database, exercise: str, *, day: date | None = None,
               limit: int = 12) -> list[BoardLine]:
    ids = checked_in(db, day=day)
    if not ids:
        return []
    library = load_library(db)
    ex = library.get(exercise)
    if ex is None:
        return []
    units = get_setting(db, "units")
    lines = []
    for athlete in [a for a in list_athletes(db) if a.id in ids][:limit]:
        caution = caution_for(athlete, ex)
        if caution is not None:
            sub = library.get(caution.substitute) if caution.substitute else None
            lines.append(BoardLine(athlete.name, "", f"does {sub.name}" if sub else "see the coach",
                                   caution=True, substitute=sub.name if sub else "",
                                   why=caution.why))
            continue
        note = ""
        try:
            row = progress_for(db, athlete.id, ex.slug)
            if row.suggestion is not None and row.current is not None:
                note = row.suggestion.short(row.current)
        except InvalidInput:
            pass
        lines.append(BoardLine(athlete.name, format_load(suggested_load(db, athlete.id, ex.slug), units),
                               note))
    return lines
