"""The demo gym: a few athletes (one screened with a disc history) and some
weeks of logged sets, so every screen has something to show."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from backbeat.domain.equipment import STARTER_EQUIPMENT, Equipment
from backbeat.store.db import Database
from backbeat.store.equipment import get_equipment, save_equipment
from backbeat.store.models import (
    AthleteRow,
    ExerciseRow,
    ScreeningRow,
    SetLogRow,
    SubstitutionRow,
)

DEMO_ATHLETES = ["Ana", "Ben", "Chloé", "Dev", "Eli", "Farah", "Gus", "Hana"]
#: Athlete with prior disc pathology: the flag and substitution show on every screen.
FLAGGED = "Dev"
_HISTORY = {  # exercise slug: starting load kg
    "lat-pulldown": 30.0,
    "single-arm-dumbbell-row": 12.0,
    "face-pull": 10.0,
    "chest-supported-row": 10.0,
    "weighted-hyperextension": 5.0,
}


def ensure_demo(db: Database, *, weeks: int = 6, seed: int = 7) -> bool:
    """Add the demo athletes and history unless athletes exist. True if added."""
    with db.read() as s:
        if s.scalar(select(func.count()).select_from(AthleteRow)):
            return False
    rng = random.Random(seed)
    now = datetime.now(UTC).replace(microsecond=0)
    if get_equipment(db) == Equipment():
        save_equipment(db, STARTER_EQUIPMENT)
    with db.session() as s:
        exercises = {r.slug: r for r in s.scalars(select(ExerciseRow))}
        athletes = []
        for name in DEMO_ATHLETES:
            a = AthleteRow(name=name, notes="", created_at=now - timedelta(weeks=weeks))
            s.add(a)
            athletes.append(a)
        s.flush()
        flagged = next(a for a in athletes if a.name == FLAGGED)
        s.add(ScreeningRow(
            athlete_id=flagged.id, screened_on=now - timedelta(weeks=weeks), disc_history=True,
            findings={"spinal_flexion": "limited", "left_right_row_kg": [12, 10]},
            notes="L4-L5 disc history: no loaded extension; slow unloaded variations only.",
        ))
        hyper, bird = exercises.get("weighted-hyperextension"), exercises.get("bird-dog")
        if hyper and bird:
            s.add(SubstitutionRow(athlete_id=flagged.id, exercise_id=hyper.id,
                                  substitute_id=bird.id, reason="disc history",
                                  reps=10, tempo="2-1-2-2"))
        for week in range(weeks):
            for athlete in athletes:
                when = now - timedelta(weeks=weeks - week, hours=rng.randint(0, 48))
                for slug, start in _HISTORY.items():
                    ex = exercises.get(slug)
                    if ex is None or (athlete is flagged and slug == "weighted-hyperextension"):
                        continue
                    sides = ["left", "right"] if slug == "single-arm-dumbbell-row" else [None]
                    for set_no in (1, 2, 3):
                        for side in sides:
                            s.add(SetLogRow(
                                idempotency_key=uuid.uuid4().hex, athlete_id=athlete.id,
                                exercise_id=ex.id, set_number=set_no, side=side,
                                reps=8 - (set_no == 3 and rng.random() < 0.3),
                                load_kg=start + 2.5 * (week // 2) - (side == "right") * 2.0,
                                effort=rng.choice([7, 7.5, 8, 8.5]),
                                form=rng.choice([3, 4, 4, 5]),
                                logged_at=when + timedelta(minutes=3 * set_no),
                                station="demo",
                            ))
    return True


def check_in_demo_athletes(db: Database) -> int:
    """Check most demo athletes in for today's class (the demo kiosk's roster; the last
    two are left for the CHECK IN button). Returns how many."""
    from backbeat.store.checkins import check_in

    with db.read() as s:
        ids = list(s.scalars(select(AthleteRow.id).where(AthleteRow.name.in_(DEMO_ATHLETES[:-2]))))
    for athlete_id in ids:
        check_in(db, athlete_id, station="demo")
    return len(ids)
