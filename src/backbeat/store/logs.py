"""Set logs: the kiosk's taps in the database, and what the kiosk reads back.

Every write is one single-statement transaction, so a writer never holds a
read snapshot it must upgrade (SQLite's "database is locked" trap with many
stations): it waits its turn on the busy timeout instead. A tap carries an
idempotency key; the insert ignores a key already stored, so a retried or
re-sent tap is stored exactly once. On SQLite the connection is switched to
``synchronous=FULL`` for the tap, so a confirmed set survives a power cut too.
A tap's statements are built once and compiled once per engine; a kiosk runs
:func:`prepare_taps` at its start, so its first tap costs what the others do.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: SQLite's busy wait alone
    fcntl = None

from sqlalchemy import DateTime, bindparam, event, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from backbeat.domain.errors import InvalidInput
from backbeat.domain.setcount import SetScope, day_span, numbered, open_gym_day
from backbeat.domain.setlog import SetEntry
from backbeat.store.db import Database
from backbeat.store.history import working_set
from backbeat.store.models import ExerciseRow, SetLogRow
from backbeat.store.timetable import gym_zone


def _sqlite_path(db: Database) -> Path | None:
    if db.engine.dialect.name != "sqlite":
        return None
    name = db.engine.url.database
    return Path(name) if name and name != ":memory:" else None


@contextlib.contextmanager
def _writer_turn(db: Database) -> Iterator[None]:
    """Kiosks on one computer take turns through a kernel file lock next to the
    SQLite file. SQLite's own busy wait polls with growing sleeps (1, 2, 5 … 100 ms),
    which with eight kiosks tapping at once puts 100 ms+ in the tail; a blocked
    flock wakes the next writer the moment the lock is free. Other writers (the TV)
    still meet SQLite's busy wait, so correctness never depends on the lock."""
    path = _sqlite_path(db)
    if path is None or fcntl is None:
        yield
        return
    with open(path.with_name(path.name + ".writers"), "a+b") as f:
        fcntl.flock(f.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f.fileno(), fcntl.LOCK_UN)


#: A tap's connection: every commit synced to the disk (a confirmed set survives a
#: power cut), and never a WAL checkpoint on the tap (tens of ms): wal_checkpoint()
#: does that on the sender's own thread.
DURABLE_PRAGMAS = ("PRAGMA synchronous=FULL", "PRAGMA wal_autocheckpoint=0")


def _durable_from_birth(dbapi_conn, record) -> None:
    cursor = dbapi_conn.cursor()
    for pragma in DURABLE_PRAGMAS:
        cursor.execute(pragma)
    cursor.close()
    record.info["backbeat_durable"] = True


@contextlib.contextmanager
def _durable_write(db: Database) -> Iterator:
    """A connection for one tap's transaction, taken in this computer's writer turn."""
    with db.engine.connect() as conn:
        if db.engine.dialect.name == "sqlite" and not conn.info.get("backbeat_durable"):
            # once per pooled connection not made durable at its birth (see
            # prepare_taps), outside any transaction (the safety level cannot change
            # inside one)
            for pragma in DURABLE_PRAGMAS:
                conn.exec_driver_sql(pragma)
            conn.commit()
            conn.info["backbeat_durable"] = True
        with _writer_turn(db):
            yield conn


#: The write-ahead log is folded back once it holds this much (SQLite's own default).
CHECKPOINT_AT_BYTES = 4 * 1024 * 1024


def wal_checkpoint(db: Database, *, truncate: bool = False) -> bool:
    """Copy the SQLite write-ahead log back into the database file, without
    stopping writers (PASSIVE), once it has grown; True if it ran. ``truncate``
    (the disk is nearly full): whatever its size, and the log file emptied."""
    path = _sqlite_path(db)
    if path is None:
        return False
    wal = path.with_name(path.name + "-wal")
    try:
        size = wal.stat().st_size
    except FileNotFoundError:
        return False
    if size < (1 if truncate else CHECKPOINT_AT_BYTES):
        return False
    with db.engine.connect() as conn:
        conn.exec_driver_sql(f"PRAGMA wal_checkpoint({'TRUNCATE' if truncate else 'PASSIVE'})")
    return True


def _athlete_turn(conn, db: Database, athlete_id: int) -> None:
    """PostgreSQL: one athlete's sets are numbered one transaction at a time (two
    kiosks logging the same athlete at once). SQLite writers are one at a time anyway."""
    if db.engine.dialect.name == "postgresql":
        conn.execute(_advisory_lock(), {"p_athlete": athlete_id})


@functools.cache
def _advisory_lock():
    return select(func.pg_advisory_xact_lock(_p("p_athlete")))


# --- the tap path: statements built once, compiled once per engine -------------------
#
# Every statement a tap runs is built here once with bound parameters, so the
# engine compiles it once and every later tap finds it in the engine's compiled
# cache (building and compiling a statement cost more than the disk's commit).
# :func:`prepare_taps` runs each of them once at a kiosk's start, off its screen.

def _p(name: str, type_=None):
    return bindparam(name, type_=type_)


def _exercise_of(param: str):
    return select(ExerciseRow.id).where(ExerciseRow.slug == _p(param)).scalar_subquery()


@functools.cache
def _insert_tap(dialect: str):
    """INSERT of one tapped set (numbered right after, in its transaction); a key
    stored before is left alone. Returns (id, exercise_id) of a row that went in."""
    values = dict(
        idempotency_key=_p("p_key"), athlete_id=_p("p_athlete"), exercise_id=_exercise_of("p_exercise"),
        session_id=_p("p_session"), set_number=None, side=_p("p_side"), reps=_p("p_reps"),
        hold_s=_p("p_hold"),
        load_kg=_p("p_load"), effort=_p("p_effort"), form=_p("p_form"), tempo=_p("p_tempo"),
        logged_at=_p("p_at", DateTime()), station=_p("p_station"), undone=False,
        replaces_id=_exercise_of("p_replaces"))
    # each dialect's INSERT imported when used (PostgreSQL's is heavy; a SQLite gym never needs it)
    if dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as maker
    elif dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as maker
    else:
        maker = insert
    stmt = maker(SetLogRow).values(**values)
    if hasattr(stmt, "on_conflict_do_nothing"):
        stmt = stmt.on_conflict_do_nothing(index_elements=["idempotency_key"])
    return stmt.returning(SetLogRow.id, SetLogRow.exercise_id)


@functools.cache
def _undo_tap():
    return (update(SetLogRow).where(SetLogRow.idempotency_key == _p("p_key")).values(undone=True)
            .returning(SetLogRow.athlete_id, SetLogRow.exercise_id, SetLogRow.side,
                       SetLogRow.session_id, SetLogRow.logged_at))


@functools.cache
def _set_number():
    return update(SetLogRow).where(SetLogRow.id == _p("p_row")).values(set_number=_p("p_number"))


def _scope_where(one_side: bool, in_class: bool) -> list:
    """The WHERE of one :class:`SetScope`: the athlete's not-undone sets of the exercise
    and side in the class session (open gym: on the gym's local day, ``p_day`` to ``p_day_end``)."""
    where = [SetLogRow.athlete_id == _p("p_athlete"), SetLogRow.exercise_id == _p("p_exercise_id"),
             SetLogRow.undone.is_(False),
             SetLogRow.side == _p("p_side") if one_side else SetLogRow.side.is_(None)]
    if in_class:
        return [*where, SetLogRow.session_id == _p("p_session")]
    return [*where, SetLogRow.session_id.is_(None), SetLogRow.logged_at >= _p("p_day", DateTime()),
            SetLogRow.logged_at < _p("p_day_end", DateTime())]


#: the scope statements' variants: (one side, in a class)
SCOPE_KINDS = ((False, False), (False, True), (True, False), (True, True))


@functools.cache
def _scope_from(one_side: bool, in_class: bool):
    """The scope's sets made at or after a moment, in the order made: all a tap's
    arrival (or its undo) can renumber."""
    return (select(SetLogRow.id, SetLogRow.set_number)
            .where(*_scope_where(one_side, in_class), SetLogRow.logged_at >= _p("p_from", DateTime()))
            .order_by(SetLogRow.logged_at, SetLogRow.id))


@functools.cache
def _scope_before(one_side: bool, in_class: bool):
    """How many of the scope's sets were made before a moment (their numbers stand)."""
    return (select(func.count()).select_from(SetLogRow)
            .where(*_scope_where(one_side, in_class), SetLogRow.logged_at < _p("p_from", DateTime())))


def _scope_params(scope: SetScope, exercise_id: int, zone: tzinfo) -> dict:
    params = {"p_athlete": scope.athlete_id, "p_exercise_id": exercise_id, "p_side": scope.side,
              "p_session": scope.session_id, "p_day": None, "p_day_end": None}
    if scope.session_id is None:
        start, end = day_span(scope.day, zone)
        params.update(p_day=start, p_day_end=end)
    return params


def _renumber(conn, scope: SetScope, exercise_id: int, since: datetime, zone: tzinfo) -> None:
    """Number the scope's sets 1..k in the order they were made (domain.setcount):
    the sets made before ``since`` (a tap's time) keep theirs, the ones from it on
    are numbered after them."""
    kind = (scope.side is not None, scope.session_id is not None)
    params = {**_scope_params(scope, exercise_id, zone), "p_from": since}
    before = conn.execute(_scope_before(*kind), params).scalar_one()
    rows = conn.execute(_scope_from(*kind), params).all()
    wanted = numbered([r.id for r in rows], after=before)
    changed = [{"p_row": r.id, "p_number": wanted[r.id]} for r in rows if r.set_number != wanted[r.id]]
    if changed:
        conn.execute(_set_number(), changed)


def log_set(db: Database, entry: SetEntry) -> bool:
    """Store one tapped set durably, numbered as the athlete's own (the rest of its
    scope renumbered if it arrived late). True if stored now, False if that tap's key
    was stored before (a retry). Refuses an unknown exercise or athlete."""
    at = entry.logged_at_dt.astimezone(UTC).replace(tzinfo=None)
    zone = gym_zone(db)  # open gym counts the gym's local day
    scope = SetScope.of(entry.athlete_id, entry.exercise, entry.side, entry.session_id, at, zone)
    params = {"p_key": entry.key, "p_athlete": entry.athlete_id, "p_exercise": entry.exercise,
              "p_session": entry.session_id, "p_side": entry.side, "p_reps": entry.reps,
              "p_load": entry.load_kg, "p_effort": entry.effort, "p_form": entry.form,
              "p_tempo": entry.tempo, "p_at": at, "p_station": entry.station,
              "p_replaces": entry.replaces, "p_hold": entry.hold_s}
    stmt = _insert_tap(db.engine.dialect.name)
    with _durable_write(db) as conn:
        try:
            _athlete_turn(conn, db, entry.athlete_id)
            row = conn.execute(stmt, params).first()
            if row is not None:
                _renumber(conn, scope, row.exercise_id, at, zone)
            conn.commit()
        except IntegrityError as exc:
            conn.rollback()
            if "idempotency_key" in str(exc.orig):  # dialects without ON CONFLICT
                return False
            raise InvalidInput(
                f"this set names an athlete or exercise the gym no longer has "
                f"(athlete {entry.athlete_id}, {entry.exercise})", "set") from None
    return row is not None


def prepare_taps(db: Database) -> None:
    """Everything a tap needs, done before the first one (a kiosk's start, off its
    screen): connections opened durable (SQLite), and every statement
    of :func:`log_set` and :func:`undo_set` compiled into the engine's cache, by
    running each once in a transaction that is rolled back (it stores nothing;
    statements that find nothing, or are refused, are compiled all the same)."""
    dialect = db.engine.dialect.name
    if dialect == "sqlite" and not event.contains(db.engine, "connect", _durable_from_birth):
        # in a kiosk every connection is a tap's (its reads write nothing, its check-ins
        # and PIN tries are as durable as its taps): made so when opened, and the ones
        # opened before are opened again, so no tap ever waits on the switch
        event.listen(db.engine, "connect", _durable_from_birth)
        db.engine.dispose()
    nowhere = {"p_athlete": 0, "p_exercise_id": 0, "p_side": "", "p_session": 0,
               "p_from": datetime(2000, 1, 1)}
    day = {"p_day": datetime(2000, 1, 1), "p_day_end": datetime(2000, 1, 2)}
    tap = {"p_key": "", "p_athlete": 0, "p_exercise": "", "p_session": None, "p_side": None,
           "p_reps": 0, "p_load": None, "p_effort": None, "p_form": None, "p_tempo": None,
           "p_at": datetime(2000, 1, 1), "p_station": "", "p_replaces": None, "p_hold": None}
    runs = [(_advisory_lock(), {"p_athlete": 0})] if dialect == "postgresql" else []
    runs += [(_insert_tap(dialect), tap), (_undo_tap(), {"p_key": ""}),
             (_set_number(), [{"p_row": 0, "p_number": 0}]),  # one set renumbered
             (_set_number(), [{"p_row": 0, "p_number": 0}] * 2)]  # several (executemany)
    for kind in SCOPE_KINDS:
        runs += [(_scope_before(*kind), {**nowhere, **day}), (_scope_from(*kind), {**nowhere, **day})]
    gym_zone(db)  # read now, not on the first tap
    with _durable_write(db) as conn:
        try:
            for stmt, params in runs:
                if dialect == "postgresql":
                    savepoint = conn.begin_nested()  # a refused statement ends no transaction
                try:
                    conn.execute(stmt, params).close()
                except IntegrityError:
                    pass  # the made-up set is refused, once compiled
                finally:
                    if dialect == "postgresql":
                        savepoint.rollback()
        finally:
            conn.rollback()


def undo_set(db: Database, key: str) -> bool:
    """Mark the tapped set undone (kept, not deleted: the history stays honest) and
    renumber the athlete's other sets of it. True if a stored set was found;
    repeating it changes nothing."""
    zone = gym_zone(db)
    with _durable_write(db) as conn:
        row = conn.execute(_undo_tap(), {"p_key": key}).first()
        if row is not None:
            _athlete_turn(conn, db, row.athlete_id)
            scope = SetScope.of(row.athlete_id, "", row.side, row.session_id, row.logged_at, zone)
            _renumber(conn, scope, row.exercise_id, row.logged_at, zone)
        conn.commit()
    return row is not None


def scope_counts(db: Database, athlete_ids: Iterable[int], *, session_id: int | None,
                 day: date | None = None) -> dict[tuple[int, str, str | None], int]:
    """How many not-undone sets each athlete has logged of each exercise and side in
    the class session (``session_id`` None: open gym on ``day``, the gym's local
    day, today by default):
    ``{(athlete_id, slug, side): n}``. Their next set is n + 1."""
    ids = list(athlete_ids)
    if not ids:
        return {}
    q = (select(SetLogRow.athlete_id, ExerciseRow.slug, SetLogRow.side, func.count())
         .join(ExerciseRow, ExerciseRow.id == SetLogRow.exercise_id)
         .where(SetLogRow.athlete_id.in_(ids), SetLogRow.undone.is_(False))
         .group_by(SetLogRow.athlete_id, ExerciseRow.slug, SetLogRow.side))
    if session_id is not None:
        q = q.where(SetLogRow.session_id == session_id)
    else:
        zone = gym_zone(db)
        start, end = day_span(day or open_gym_day(datetime.now(UTC), zone), zone)
        q = q.where(SetLogRow.session_id.is_(None), SetLogRow.logged_at >= start,
                    SetLogRow.logged_at < end)
    with db.read() as s:
        return {(a, slug, side): n for a, slug, side, n in s.execute(q)}


@dataclass(frozen=True)
class LoggedSet:
    key: str
    exercise: str
    reps: int
    load_kg: float | None
    side: str | None
    effort: float | None
    form: int | None
    set_number: int | None
    logged_at: datetime
    station: str
    undone: bool = False
    session_id: int | None = None  # None: open gym
    replaces: str | None = None  # a substitute's set: the exercise it was done instead of
    hold_s: int | None = None  # a timed hold: the seconds held


def _logged(r: SetLogRow, slug: str, replaces: str | None) -> LoggedSet:
    return LoggedSet(r.idempotency_key, slug, r.reps, r.load_kg, r.side, r.effort, r.form,
                     r.set_number, r.logged_at.replace(tzinfo=r.logged_at.tzinfo or UTC),
                     r.station, r.undone, r.session_id, replaces, r.hold_s)


def _with_slugs(q):
    replaced = aliased(ExerciseRow)
    return (q.add_columns(ExerciseRow.slug, replaced.slug)
            .join(ExerciseRow, ExerciseRow.id == SetLogRow.exercise_id)
            .outerjoin(replaced, replaced.id == SetLogRow.replaces_id))


def recent_logs(db: Database, athlete_id: int, exercise: str, limit: int = 5) -> list[LoggedSet]:
    """The athlete's newest sets of an exercise (undone ones left out), newest first."""
    with db.read() as s:
        rows = s.execute(
            _with_slugs(select(SetLogRow))
            .where(SetLogRow.athlete_id == athlete_id, ExerciseRow.slug == exercise,
                   SetLogRow.undone.is_(False))
            .order_by(SetLogRow.logged_at.desc(), SetLogRow.id.desc())
            .limit(limit)
        ).all()
    return [_logged(*row) for row in rows]


def latest_logs(db: Database, athlete_id: int, limit: int = 30) -> list[LoggedSet]:
    """The athlete's newest sets of any exercise (undone ones left out), newest first:
    the trainer's history, each saying where it belongs."""
    with db.read() as s:
        rows = s.execute(
            _with_slugs(select(SetLogRow))
            .where(SetLogRow.athlete_id == athlete_id, SetLogRow.undone.is_(False))
            .order_by(SetLogRow.logged_at.desc(), SetLogRow.id.desc())
            .limit(limit)
        ).all()
    return [_logged(*row) for row in rows]


def last_load(db: Database, athlete_id: int, exercise: str, *,
              side: str | None = None) -> float | None:
    """The last load (kg) the athlete used on this exercise (on this side, for
    one-side work), undone sets left out; None if never loaded."""
    with db.read() as s:
        q = (select(SetLogRow.load_kg)
             .join(ExerciseRow, ExerciseRow.id == SetLogRow.exercise_id)
             .where(SetLogRow.athlete_id == athlete_id, ExerciseRow.slug == exercise,
                    SetLogRow.undone.is_(False), SetLogRow.load_kg.is_not(None), working_set()))
        if side is not None:
            q = q.where(SetLogRow.side == side)
        return s.scalar(q.order_by(SetLogRow.logged_at.desc(), SetLogRow.id.desc()).limit(1))


def suggested_load(db: Database, athlete_id: int, exercise: str, *,
                   side: str | None = None, row=None) -> float | None:
    """The load (kg) the kiosk starts its steppers at: the last load used, moved
    by the progression rule and the trainer's decisions
    (:func:`backbeat.store.athletes.progressed_load`); None if nothing to go on."""
    from backbeat.store.athletes import progressed_load

    last = last_load(db, athlete_id, exercise, side=side)
    if last is None and side is not None:
        last = last_load(db, athlete_id, exercise)
    return progressed_load(db, athlete_id, exercise, last, side=side, row=row)


def count_logs(db: Database, *, station_prefix: str = "", undone: bool | None = None) -> int:
    """How many set rows are stored (from stations whose name starts with the prefix)."""
    with db.read() as s:
        q = select(func.count()).select_from(SetLogRow)
        if station_prefix:
            q = q.where(SetLogRow.station.startswith(station_prefix, autoescape=True))
        if undone is not None:
            q = q.where(SetLogRow.undone.is_(undone))
        return s.scalar(q)


def find_log(db: Database, key: str) -> LoggedSet | None:
    """The set stored for a tap's key (undone or not), or None."""
    with db.read() as s:
        row = s.execute(_with_slugs(select(SetLogRow))
                        .where(SetLogRow.idempotency_key == key)).first()
    return None if row is None else _logged(*row)


# --- what the class is doing ---------------------------------------------------
