"""Athletes, screenings and substitutions in the database."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from backbeat.domain.athlete import Athlete
from backbeat.domain.errors import InvalidInput
from backbeat.domain.exercise import RiskFlag
from backbeat.store.db import Database
from backbeat.store.models import AthleteRow, ExerciseRow, ScreeningRow, SubstitutionRow


def _athletes(s, rows) -> list[Athlete]:
    ids = [r.id for r in rows]
    if not ids:
        return []
    disc = set(s.scalars(select(ScreeningRow.athlete_id).where(
        ScreeningRow.athlete_id.in_(ids), ScreeningRow.disc_history.is_(True))))
    slugs = {e.id: e.slug for e in s.scalars(select(ExerciseRow))}
    subs: dict[int, dict[str, str]] = {}
    for sub in s.scalars(select(SubstitutionRow).where(SubstitutionRow.athlete_id.in_(ids))):
        subs.setdefault(sub.athlete_id, {})[slugs[sub.exercise_id]] = slugs[sub.substitute_id]
    return [
        Athlete(id=r.id, name=r.name, has_pin=bool(r.pin_hash),
                flags=frozenset({RiskFlag.DISC}) if r.id in disc else frozenset(),
                substitutions=subs.get(r.id, {}))
        for r in rows
    ]


def list_athletes(db: Database, *, active_only: bool = True) -> list[Athlete]:
    with db.read() as s:
        q = select(AthleteRow).order_by(AthleteRow.name)
        if active_only:
            q = q.where(AthleteRow.active.is_(True))
        return _athletes(s, list(s.scalars(q)))


def get_athlete(db: Database, athlete_id: int) -> Athlete:
    with db.read() as s:
        row = s.get(AthleteRow, athlete_id)
        if row is None:
            raise InvalidInput(f"no athlete with id {athlete_id}", "athlete")
        return _athletes(s, [row])[0]


def add_athlete(db: Database, name: str, *, pin_hash: str | None = None, notes: str = "") -> int:
    name = name.strip()
    if not name or len(name) > 80:
        raise InvalidInput("a name is 1 to 80 characters", "name")
    with db.session() as s:
        if s.scalar(select(AthleteRow.id).where(AthleteRow.name == name)):
            raise InvalidInput(f"an athlete named {name!r} exists already", "name")
        row = AthleteRow(name=name, pin_hash=pin_hash, notes=notes, created_at=datetime.now(UTC))
        s.add(row)
        s.flush()
        return row.id


def athlete_pin_hash(db: Database, athlete_id: int) -> str | None:
    with db.read() as s:
        row = s.get(AthleteRow, athlete_id)
        return row.pin_hash if row else None
