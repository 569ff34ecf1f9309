"""A set logged at the trainer's desk for an athlete who forgot to tap
(``backbeat log`` and the trainer's Athletes tab): numbered and checked exactly
as a kiosk tap is, into the running class when one runs, else open gym."""

from __future__ import annotations

import difflib
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select

from backbeat.domain.athlete import Athlete, caution_for, check_substitute
from backbeat.domain.errors import InvalidInput
from backbeat.domain.exercise import Exercise, Library
from backbeat.domain.names import name_key
from backbeat.domain.setlog import SetEntry, Units, check_set, units_of
from backbeat.engine.offer import ClassSet, logged_tempo
from backbeat.store.athletes import get_athlete
from backbeat.store.checkins import check_in, checked_in
from backbeat.store.db import Database
from backbeat.store.library import load_library
from backbeat.store.live import class_now
from backbeat.store.logs import LoggedSet, find_log, log_set
from backbeat.store.models import AthleteRow
from backbeat.store.settings import get_setting


def find_athlete(db: Database, name: str) -> Athlete:
    """An athlete by name (any case or Unicode form), or a refusal listing some."""
    with db.read() as s:
        aid = s.scalar(select(AthleteRow.id).where(AthleteRow.name_key == name_key(name)))
        if aid is None:
            known = ", ".join(s.scalars(select(AthleteRow.name).order_by(AthleteRow.name).limit(12)))
            raise InvalidInput(f"no athlete named {name!r} (athletes: {known or 'none'})", "athlete")
    return get_athlete(db, aid)


def find_exercise(library: Library, text: str) -> Exercise:
    """An exercise by slug or name (any case; "lat pulldown" finds the slug
    lat-pulldown; a name's unique beginning will do)."""
    key = text.strip()
    ex = library.get(key) or library.get("-".join(key.lower().split()))
    if ex is None:
        starts = [e for e in library.exercises if e.name.casefold().startswith(key.casefold())]
        ex = starts[0] if key and len(starts) == 1 else None
    if ex is None:
        names = [e.name for e in library.exercises] + [e.slug for e in library.exercises]
        near = difflib.get_close_matches(key, names, n=3, cutoff=0.5)
        hint = f"did you mean {', '.join(near)}?" if near else "give its name or slug"
        raise InvalidInput(f"no exercise {text!r} in the library: {hint}", "exercise")
    return ex


def replaced_by(athlete: Athlete, exercise: Exercise, class_set: ClassSet | None,
                library: Library) -> Exercise | None:
    """The class's exercise a set of ``exercise`` stands in for: the athlete's swap
    (the trainer's, or a library substitute of a risky exercise), else None."""
    if class_set is None or class_set.exercise == exercise.slug:
        return None
    asked = library.get(class_set.exercise)
    if asked is None:
        return None
    if athlete.substitutions.get(asked.slug) == exercise.slug:
        return asked
    if caution_for(athlete, asked) is not None and exercise.slug in asked.substitutions:
        return asked
    return None


@dataclass(frozen=True)
class DeskLog:
    athlete: Athlete
    logged: LoggedSet
    exercise: Exercise
    class_set: ClassSet | None
    replaces: Exercise | None
    #: a class runs but its TV is offline: the set went to open gym
    tv_offline: bool = False


def log_for_athlete(db: Database, athlete_name: str, exercise_text: str, *, reps: int,
                    load_kg: float | None = None, side: str | None = None,
                    effort: float | None = None, form: int | None = None,
                    station: str = "trainer", now: datetime | None = None,
                    units: Units | None = None, check_in_first: bool = False,
                    hold_s: int | None = None) -> DeskLog:
    """Check and store one set. Nothing is written when anything is refused
    (InvalidInput names the field). An athlete not checked in for the running
    class is refused unless ``check_in_first`` (then checked in, then logged)."""
    library = load_library(db)
    athlete = find_athlete(db, athlete_name)
    exercise = find_exercise(library, exercise_text)
    units = units or units_of(get_setting(db, "units"))
    check_set(exercise, reps=reps, load_kg=load_kg, side=side or None, effort=effort, form=form,
              units=units, hold_s=hold_s)
    cs = class_now(db, now=now)
    offline = cs is not None and cs.tv_offline
    if offline:
        cs = None  # the class's TV is offline: nobody can say where it is, the set is open gym
    absent = cs is not None and athlete.id not in checked_in(db)
    if absent and not check_in_first:
        raise InvalidInput(f"{athlete.name} is not checked in for the running class "
                           f"({cs.program}, day {cs.day}): check them in first "
                           "(backbeat log … --check-in, or CHECK IN at the kiosk)", "athlete")
    replaces = replaced_by(athlete, exercise, cs, library)
    if replaces is not None:
        check_substitute(athlete, exercise, replaces)
    if absent:
        check_in(db, athlete.id, station=station, session_id=cs.session_id)
    same = cs if cs is not None and cs.exercise == exercise.slug else None
    entry = SetEntry(
        key=uuid.uuid4().hex, athlete_id=athlete.id, exercise=exercise.slug, reps=reps,
        load_kg=load_kg or None, side=side or None, effort=effort, form=form,
        tempo=logged_tempo(exercise, same), session_id=cs.session_id if cs else None,
        station=station, replaces=replaces.slug if replaces else None,
        logged_at=(now or datetime.now(UTC)).isoformat(), hold_s=hold_s,
    )
    log_set(db, entry)
    return DeskLog(athlete, find_log(db, entry.key), exercise, cs, replaces, offline)
