"""Fill a database with N realistic set logs (for benchmarks and chart reviews).

    .venv/bin/python scripts/make_logs.py --db sqlite:////tmp/big.db --logs 1000000

A gym of ``--athletes`` athletes runs the Precision Back class three evenings a
week (days 1 and 2 in turn), going back in time from today until N sets are
logged. Each athlete attends about three classes in four, checks in, and logs
every loggable set the day prescribes (both sides of one-side work) with the
class's tempo, loads that creep up over the months, form ratings of 2–5 and
the odd missed rep. Class sessions and check-ins are written too, so the
per-class charts have data. Inserts are bulk (one executemany per 50,000 rows).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from datetime import time as dtime

from sqlalchemy import delete, func, insert, select

from backbeat.store.db import Database
from backbeat.store.history import add_logs_bulk, class_day_plan, exercise_slugs
from backbeat.store.models import AthleteRow, CheckInRow, ClassSessionRow, ProgramRow
from backbeat.store.seed import open_database

PROGRAM = "Precision Back"
#: Starting loads in kg; exercises not listed are logged without load.
START_KG = {"lat-pulldown": 30.0, "single-arm-dumbbell-row": 12.0, "face-pull": 10.0,
            "chest-supported-row": 12.0, "weighted-hyperextension": 5.0}
CLASS_WEEKDAYS = (0, 2, 4)  # Monday, Wednesday, Friday
CLASS_HOUR = 18


def make_logs(db: Database, n_logs: int, *, athletes: int = 120, seed: int = 1,
              attendance: float = 0.75, today: datetime | None = None) -> dict:
    rng = random.Random(seed)
    today = (today or datetime.now(UTC)).replace(tzinfo=None, microsecond=0)
    slugs = {slug: i for i, slug in exercise_slugs(db).items()}
    plans = {day: [(slugs[s], s, w) for s, w in class_day_plan(db, PROGRAM, day).items() if w.reps]
             for day in (1, 2)}
    with db.session() as s:
        program_id = s.scalar(select(ProgramRow.id).where(func.lower(ProgramRow.name) == PROGRAM.lower()))
        first = s.scalar(select(func.count()).select_from(AthleteRow))
        rows = [AthleteRow(name=f"Athlete {first + i + 1:04d}", notes="", active=True,
                           created_at=today) for i in range(athletes)]
        s.add_all(rows)
        s.flush()
        athlete_ids = [r.id for r in rows]
    # each athlete's own strength and how fast it grows (kg per year)
    base = {a: rng.uniform(0.7, 1.4) for a in athlete_ids}
    growth = {a: rng.uniform(0.1, 0.4) for a in athlete_ids}
    # class dates going back from today until enough sets are planned
    per_class = min(sum(w.sets * w.sides for _, _, w in p) for p in plans.values()) * attendance * athletes
    classes = int(n_logs / (per_class * 0.95)) + 2  # 4 % of sets skipped; spare classes are dropped
    dates = []
    d = today.date()
    while len(dates) < classes:
        if d.weekday() in CLASS_WEEKDAYS:
            dates.append(d)
        d -= timedelta(days=1)
    dates.reverse()
    span_days = max(1, (dates[-1] - dates[0]).days)

    made = 0
    started = time.perf_counter()
    with db.engine.begin() as conn:
        first_session = (conn.execute(select(func.max(ClassSessionRow.id))).scalar() or 0) + 1
        sessions = [dict(id=first_session + n, program_id=program_id, day=1 + n % 2,
                         started_at=datetime.combine(day, dtime(CLASS_HOUR)),
                         ended_at=datetime.combine(day, dtime(CLASS_HOUR, 45)))
                    for n, day in enumerate(dates)]
        conn.execute(insert(ClassSessionRow.__table__), sessions)
    checkins = []

    def logs():
        nonlocal made
        for session in sessions:  # in the order a gym logs them
            sid, class_day, start = session["id"], session["day"], session["started_at"]
            years = (start.date() - dates[0]).days / 365.0
            for a in athlete_ids:
                if rng.random() > attendance:
                    continue
                checkin = dict(athlete_id=a, session_id=sid, class_date=start.date(),
                               checked_in_at=start - timedelta(minutes=5), station="kiosk-1")
                minute = 0
                for ex_id, slug, work in plans[class_day]:
                    kg = START_KG.get(slug)
                    load = None
                    if kg is not None:
                        load = round(kg * base[a] * (1 + growth[a] * years) * 2) / 2
                    sides = ("left", "right") if work.sides == 2 else (None,)
                    for set_no in range(1, work.sets + 1):
                        if rng.random() < 0.04:  # a set skipped: completion is rarely 100 %
                            continue
                        for side in sides:
                            if made >= n_logs:
                                return
                            minute += 2
                            side_load = load
                            if side == "right" and load is not None:
                                side_load = max(0.0, load - 1.0)
                            made += 1
                            if checkin is not None:  # checked in with the first logged set
                                checkins.append(checkin)
                                checkin = None
                            yield dict(
                                idempotency_key=uuid.uuid4().hex, athlete_id=a, exercise_id=ex_id,
                                session_id=sid, set_number=set_no, side=side,
                                reps=work.reps - (rng.random() < 0.08), load_kg=side_load,
                                effort=rng.choice((7.0, 7.5, 8.0, 8.5, 9.0)),
                                form=rng.choices((2, 3, 4, 5), (1, 3, 6, 3))[0], tempo=work.tempo,
                                logged_at=start + timedelta(minutes=minute, seconds=rng.randrange(60)),
                                station="kiosk-1", undone=False)

    add_logs_bulk(db, logs())
    with db.engine.begin() as conn:
        if checkins:
            conn.execute(insert(CheckInRow.__table__), checkins)
        # classes the logs did not reach were never held
        held = {c["session_id"] for c in checkins}
        unused = [s["id"] for s in sessions if s["id"] not in held]
        if unused:
            conn.execute(delete(ClassSessionRow.__table__).where(ClassSessionRow.id.in_(unused)))
    return {"logs": made, "athletes": athletes, "classes": len({c['session_id'] for c in checkins}),
            "days": span_days, "seconds": time.perf_counter() - started}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--db", required=True, help="database URL, e.g. sqlite:////tmp/big.db")
    p.add_argument("--logs", type=int, default=1_000_000)
    p.add_argument("--athletes", type=int, default=120)
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args(argv)
    if args.logs < 1 or args.athletes < 1:
        print("make_logs: --logs and --athletes must be at least 1", file=sys.stderr)
        return 2
    db = open_database(args.db)
    stats = make_logs(db, args.logs, athletes=args.athletes, seed=args.seed)
    print(f"{stats['logs']:,} set logs for {stats['athletes']} athletes in {stats['classes']} classes "
          f"over {stats['days']} days ({stats['seconds']:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
