"""The TV's rest board: for the coming exercise, each checked-in athlete's
suggested load and next step (or the trainer's substitution for a flagged athlete)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from backbeat.domain.athlete import caution_for
from backbeat.domain.errors import InvalidInput
from backbeat.domain.exercise import RiskFlag
from backbeat.domain.names import name_key
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
               limit: int = 12, flagged: Sequence[str] = ()) -> list[BoardLine]:
    """``flagged``: athletes (by name) taken as checked in and screened with a disc
    history, for a snapshot only (nothing is stored); an unknown name is refused."""
    ids = checked_in(db, day=day)
    athletes = list_athletes(db)
    by_key = {name_key(a.name): a for a in athletes}
    extra = {}
    for name in flagged:
        athlete = by_key.get(name_key(name))
        if athlete is None:
            known = ", ".join(a.name for a in athletes) or "none yet"
            raise InvalidInput(f"no athlete {name!r} (athletes: {known})", "--flag")
        extra[athlete.id] = replace(athlete, flags=athlete.flags | {RiskFlag.DISC})
    if not ids and not extra:
        return []
    library = load_library(db)
    ex = library.get(exercise)
    if ex is None:
        return []
    units = get_setting(db, "units")
    lines = []
    for athlete in [extra.get(a.id, a) for a in athletes if a.id in ids or a.id in extra][:limit]:
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
