"""What a kiosk reads, gathered in one call each so the kiosk can make it on its
reader thread (its screen never waits on the database): the roster with the
class, and the log screen's numbers for one athlete and exercise.

Every roster read is kept on the kiosk's own computer
(``data_dir()/kiosk-roster.json``, 0600, like the TV's ``last-class.json``), so
a kiosk that starts while the database is away (after a power cut the server
boots last) shows the athletes it knew: they log, the taps wait in the outbox,
and go to the database when it answers (:func:`roster_or_kept`)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from backbeat.domain.athlete import Athlete, SubstitutePrescription
from backbeat.domain.equipment import LoadMenu
from backbeat.domain.exercise import Exercise, Library, RiskFlag
from backbeat.domain.program import Load
from backbeat.domain.setcount import open_gym_day
from backbeat.domain.setlog import Units, units_of
from backbeat.engine.offer import ClassSet
from backbeat.paths import data_dir
from backbeat.store.athletes import PinState, list_athletes, pin_states
from backbeat.store.auth import trainer_pin_state
from backbeat.store.checkins import checked_in
from backbeat.store.db import Database, database_away
from backbeat.store.equipment import get_equipment
from backbeat.store.kept import keep_json, read_json
from backbeat.store.library import load_library
from backbeat.store.live import class_now
from backbeat.store.logs import LoggedSet, recent_logs, scope_counts, suggested_load
from backbeat.store.settings import get_setting
from backbeat.store.timetable import gym_zone

HISTORY_ROWS = 4


@dataclass(frozen=True)
class RosterView:
    units: Units
    library: Library
    athletes: dict[int, Athlete]
    pins: dict[int, PinState]
    checked_in: frozenset[int]
    class_set: ClassSet | None
    #: the trainer PIN (hash and back-off) the TRAINER corner is checked against; None: not set
    trainer: PinState | None
    #: None: read from the database now; else when the roster shown was kept
    #: (the database cannot be reached)
    kept_at: datetime | None = None
    #: the gym's time zone (the timetable's, an IANA name): the kiosk's day is the gym's
    zone: str = "UTC"

    @property
    def trainer_pin(self) -> bool:
        return self.trainer is not None


def roster_view(db: Database, *, day: date | None = None,
                now: datetime | None = None) -> RosterView:
    return RosterView(
        units=units_of(get_setting(db, "units")),
        library=load_library(db),
        athletes={a.id: a for a in list_athletes(db)},
        pins=pin_states(db),
        checked_in=frozenset(checked_in(db, day=day)),
        class_set=class_now(db, now=now),
        trainer=trainer_pin_state(db),
        zone=str(gym_zone(db)),
    )


ROSTER_NAME = "kiosk-roster.json"
#: The kept roster's format (a newer one is not read).
ROSTER_FORMAT = 1


def roster_path() -> Path:
    return data_dir() / ROSTER_NAME


def roster_or_kept(db: Database, *, day: date | None = None, kept: bool = True,
                   wall: datetime | None = None) -> RosterView:
    """The roster from the database, kept on this computer; while the database
    cannot be reached and ``kept`` (nothing read yet), the roster kept last time
    (with its class while that class cannot have ended yet: the kiosk logs into
    it as one that never restarted would), else the error. ``wall``: now."""
    try:
        view = roster_view(db, day=day)
    except Exception as exc:
        found = kept_roster(day, now=wall) if kept and database_away(exc) else None
        if found is None:
            raise
        return found
    keep_roster(view, day=day, at=wall)
    return view


_written: dict[Path, object] = {}  # the last roster written per file: unchanged ones are not rewritten


def keep_roster(view: RosterView, *, day: date | None = None, at: datetime | None = None) -> None:
    """Keep what a start without the database needs: units, library, athletes
    (their flags and substitutions), PIN hashes and back-off, today's check-ins."""
    body = {
        "units": view.units.value,
        "library": view.library.model_dump(mode="json", exclude_defaults=True),
        "athletes": [{"id": a.id, "name": a.name, "has_pin": a.has_pin,
                      "flags": sorted(f.value for f in a.flags),
                      "substitutions": a.substitutions,
                      "substitute_prescriptions": {
                          slug: {"reps": p.reps, "tempo": p.tempo, "load_kg": p.load_kg}
                          for slug, p in a.substitute_prescriptions.items()}}
                     for a in view.athletes.values()],
        "pins": {str(i): _pin_doc(p) for i, p in view.pins.items()},
        "day": (day or datetime.now(UTC).date()).isoformat(),
        "checked_in": sorted(view.checked_in),
        "trainer": _pin_doc(view.trainer) if view.trainer else None,
        "class": _class_doc(view.class_set),
        "zone": view.zone,
    }
    path = roster_path()
    # a running class's time left shrinks with every read while its end stays put
    # (kept_at + left_ms): the file is written again only when something else changed
    same = {**body, "class": body["class"] and {**body["class"], "left_ms": None}}
    if _written.get(path) == same:
        return
    at = at or datetime.now(UTC)
    doc = {"v": ROSTER_FORMAT, "kept_at": at.isoformat(), **body}
    if keep_json(path, doc):
        _written[path] = same


def _pin_doc(p: PinState) -> dict:
    return {"hash": p.pin_hash, "failures": p.failures,
            "failed_at": p.failed_at.isoformat() if p.failed_at else None}


def _pin_of(doc: dict) -> PinState:
    return PinState(str(doc["hash"]), int(doc["failures"]),
                    datetime.fromisoformat(doc["failed_at"]) if doc["failed_at"] else None)


def _class_doc(cs: ClassSet | None) -> dict | None:
    if cs is None:
        return None
    doc = asdict(cs)
    doc["load"] = cs.load.model_dump(mode="json") if cs.load is not None else None
    return doc


def _class_of(doc: dict | None, kept_at: datetime, now: datetime) -> ClassSet | None:
    """The kept class, unless it has ended by ``now`` (by the class time it had left)."""
    if doc is None or doc.get("left_ms") is None:
        return None
    if now >= kept_at + timedelta(milliseconds=float(doc["left_ms"])):
        return None
    doc = {**doc, "exercises": tuple(doc["exercises"]),
           "load": Load.model_validate(doc["load"]) if doc["load"] is not None else None}
    return ClassSet(**doc)


def kept_roster(day: date | None = None, *, now: datetime | None = None) -> RosterView | None:
    """The roster kept on this computer (check-ins only when kept on ``day``; the
    class only while it cannot have ended by ``now``), or None."""
    doc = read_json(roster_path())
    try:
        if doc["v"] > ROSTER_FORMAT:
            return None
        athletes = {}
        for a in doc["athletes"]:
            athletes[int(a["id"])] = Athlete(
                int(a["id"]), str(a["name"]), has_pin=bool(a["has_pin"]),
                flags=frozenset(RiskFlag(f) for f in a["flags"]),
                substitutions=dict(a["substitutions"]),
                substitute_prescriptions={slug: SubstitutePrescription(**p) for slug, p in
                                          a["substitute_prescriptions"].items()})
        pins = {int(i): _pin_of(p) for i, p in doc["pins"].items()}
        today = (day or datetime.now(UTC).date()).isoformat()
        kept_at = datetime.fromisoformat(doc["kept_at"])
        return RosterView(
            units=units_of(doc["units"]), library=Library.model_validate(doc["library"]),
            athletes=athletes, pins=pins,
            checked_in=frozenset(doc["checked_in"]) if doc["day"] == today else frozenset(),
            class_set=_class_of(doc["class"], kept_at, now or datetime.now(UTC)),
            trainer=_pin_of(doc["trainer"]) if doc["trainer"] else None, kept_at=kept_at,
            zone=str(doc.get("zone", "UTC")))
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


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
             sides: tuple[str | None, ...] = (None,), at: datetime | None = None) -> LogView:
    """``at``: the instant the kiosk reads for (open gym counts the gym's local day of it)."""
    slug = exercise.slug
    counts = scope_counts(db, [athlete_id], session_id=session_id,
                          day=open_gym_day(at or datetime.now(UTC), gym_zone(db)))
    return LogView(
        athlete_id, slug,
        history=recent_logs(db, athlete_id, slug, limit=HISTORY_ROWS),
        loads={side: suggested_load(db, athlete_id, slug, side=side) for side in sides},
        logged={side: counts.get((athlete_id, slug, side), 0) for side in sides},
        menu=get_equipment(db).menu_for(exercise),
    )
