"""The loads athletes last used: what the printed class sheet fills in.

One indexed look-up per athlete, exercise (and side), newest first, so the
sheet stays quick with years of logs (ix_set_log_athlete_exercise_time).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from backbeat.store.db import Database
from backbeat.store.models import ExerciseRow, SetLogRow


@dataclass(frozen=True)
class LastLoad:
    load_kg: float
    reps: int
    logged_at: datetime
    side: str | None = None


def last_loads(db: Database, athlete_ids: Iterable[int], exercises: Iterable[str], *,
               sides: Iterable[str] = ()) -> dict[tuple[int, str, str | None], LastLoad]:
    """The newest logged set with a load, per (athlete, exercise slug, side).

    Undone sets are left out. ``sides`` lists the exercises to look up per side
    ("left"/"right" keys); the others are looked up regardless of side (key None).
    """
    athlete_ids = list(athlete_ids)
    per_side = set(sides)
    out: dict[tuple[int, str, str | None], LastLoad] = {}
    with db.read() as s:
        ids = dict(s.execute(select(ExerciseRow.slug, ExerciseRow.id)
                             .where(ExerciseRow.slug.in_(list(exercises)))).all())
        for slug, exercise_id in ids.items():
            for side in (("left", "right") if slug in per_side else (None,)):
                for athlete_id in athlete_ids:
                    q = (select(SetLogRow.load_kg, SetLogRow.reps, SetLogRow.logged_at, SetLogRow.side)
                         .where(SetLogRow.athlete_id == athlete_id,
                                SetLogRow.exercise_id == exercise_id,
                                SetLogRow.undone.is_(False), SetLogRow.load_kg.is_not(None)))
                    if side is not None:
                        q = q.where(SetLogRow.side == side)
                    row = s.execute(q.order_by(SetLogRow.logged_at.desc(), SetLogRow.id.desc())
                                    .limit(1)).first()
                    if row is not None:
                        out[(athlete_id, slug, side)] = LastLoad(*row)
    return out
