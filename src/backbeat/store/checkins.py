"""Check-ins: who tapped in for today's class at a kiosk (the kiosk's roster)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from backbeat.domain.errors import InvalidInput
from backbeat.store.db import Database
from backbeat.store.models import CheckInRow


def check_in(db: Database, athlete_id: int, *, day: date | None = None, station: str = "",
             session_id: int | None = None, at: datetime | None = None) -> bool:
    """Check the athlete in for the day's class. True if new; checking in twice
    (two kiosks, a double tap) keeps one check-in. ``at``: when it was tapped (a
    kiosk's queued check-in keeps its real time)."""
    day = day or date.today()
    when = (at or datetime.now(UTC)).astimezone(UTC).replace(tzinfo=None)
    values = dict(athlete_id=athlete_id, class_date=day, checked_in_at=when,
                  station=station, session_id=session_id)
    # each dialect's INSERT imported when used (PostgreSQL's is heavy, and a
    # SQLite gym never needs it)
    if db.engine.dialect.name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:
        from sqlalchemy.dialects.postgresql import insert
    ins = insert(CheckInRow).values(**values)
    stmt = ins.on_conflict_do_nothing(index_elements=["athlete_id", "class_date"]).returning(
        CheckInRow.id)  # a row back: checked in now (rowcount is -1 on some drivers)
    try:
        with db.engine.begin() as conn:
            return conn.execute(stmt).first() is not None
    except IntegrityError:
        raise InvalidInput(f"no athlete with id {athlete_id}", "athlete") from None


def check_out(db: Database, athlete_id: int, *, day: date | None = None) -> bool:
    """Take back a check-in made by mistake."""
    day = day or date.today()
    with db.engine.begin() as conn:
        result = conn.execute(delete(CheckInRow).where(
            CheckInRow.athlete_id == athlete_id, CheckInRow.class_date == day))
        return result.rowcount == 1


def checked_in(db: Database, *, day: date | None = None) -> set[int]:
    """Ids of the athletes checked in for the day's class."""
    day = day or date.today()
    with db.read() as s:
        return set(s.scalars(select(CheckInRow.athlete_id).where(CheckInRow.class_date == day)))
