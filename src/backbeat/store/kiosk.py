"""What a kiosk reads, gathered in one call each so the kiosk can make it on its
reader thread (its screen never waits on the database): the roster with the
class, and the log screen's numbers for one athlete and exercise."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from backbeat.domain.athlete import Athlete
from backbeat.domain.equipment import LoadMenu
from backbeat.domain.exercise import Exercise, Library
from backbeat.domain.setlog import Units, units_of
from backbeat.engine.offer import ClassSet
from backbeat.store.athletes import PinState, list_athletes, pin_states
from backbeat.store.auth import has_trainer_pin
from backbeat.store.checkins import checked_in
from backbeat.store.db import Database
from backbeat.store.equipment import get_equipment
from backbeat.store.library import load_library
from backbeat.store.live import class_now
from backbeat.store.logs import LoggedSet, recent_logs, scope_counts, suggested_load
from backbeat.store.settings import get_setting

HISTORY_ROWS = 4


@dataclass(frozen=True)
class RosterView:
    units: Units
    library: Library
    athletes: dict[int, Athlete]
    pins: dict[int, PinState]
    checked_in: frozenset[int]
    class_set: ClassSet | None
    trainer_pin: bool


def roster_view(db: Database, *, day: date | None = None,
                now: datetime | None = None) -> RosterView:
    return RosterView(
        units=units_of(get_setting(db, "units")),
        library=load_library(db),
        athletes={a.id: a for a in list_athletes(db)},
        pins=pin_states(db),
        checked_in=frozenset(checked_in(db, day=day)),
        class_set=class_now(db, now=now),
        trainer_pin=has_trainer_pin(db),
    )


@dataclass(frozen=True)
class LogView:
    """The log screen's numbers for one athlete and exercise."""

    athlete_id: int
    exercise: str
    history: list[LoggedSet]
    #: the load the steppers start at, by side (None: both sides at once)
    loads: dict[str | None, float | None]
    #: sets logged in this class (open gym: today) by side
    logged: dict[str | None, int] = field(default_factory=dict)
    #: how the gym's equipment builds loads of it (None: not recorded, or no plates)
    menu: LoadMenu | None = None


def log_view(db: Database, athlete_id: int, exercise: Exercise, *, session_id: int | None,
             sides: tuple[str | None, ...] = (None,), day: date | None = None) -> LogView:
    slug = exercise.slug
    counts = scope_counts(db, [athlete_id], session_id=session_id,
                          day=day or datetime.now(UTC).date())
    return LogView(
        athlete_id, slug,
        history=recent_logs(db, athlete_id, slug, limit=HISTORY_ROWS),
        loads={side: suggested_load(db, athlete_id, slug, side=side) for side in sides},
        logged={side: counts.get((athlete_id, slug, side), 0) for side in sides},
        menu=get_equipment(db).menu_for(exercise),
    )
