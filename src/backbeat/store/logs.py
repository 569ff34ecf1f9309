"""Set logs: the kiosk's taps in the database, and what the kiosk reads back.

Every write is one single-statement transaction, so a writer never holds a
read snapshot it must upgrade (SQLite's "database is locked" trap with many
stations): it waits its turn on the busy timeout instead. A tap carries an
idempotency key; the insert ignores a key already stored, so a retried or
re-sent tap is stored exactly once. On SQLite the connection is switched to
``synchronous=FULL`` for the tap, so a confirmed set survives a power cut too.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: SQLite's busy wait alone
    fcntl = None

from sqlalchemy import func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from backbeat.domain.errors import InvalidInput
from backbeat.domain.setlog import SetEntry
from backbeat.store.db import Database
from backbeat.store.history import working_set
from backbeat.store.models import ExerciseRow, SetLogRow


def _insert(db: Database):
    name = db.engine.dialect.name
    if name == "sqlite":
        return sqlite.insert(SetLogRow)
    if name == "postgresql":
        return postgresql.insert(SetLogRow)
    return insert(SetLogRow)


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


@contextlib.contextmanager
def _durable_write(db: Database) -> Iterator:
    """A connection for one tap's transaction, taken in this computer's writer turn."""
    with db.engine.connect() as conn:
        if db.engine.dialect.name == "sqlite" and not conn.info.get("backbeat_durable"):
            # once per pooled connection, outside any transaction (the safety level
            # cannot change inside one); a tap never pays for a WAL checkpoint (tens
            # of ms): wal_checkpoint() does that on the sender's own thread
            conn.exec_driver_sql("PRAGMA synchronous=FULL")
            conn.exec_driver_sql("PRAGMA wal_autocheckpoint=0")
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


def log_set(db: Database, entry: SetEntry) -> bool:
    """Store one tapped set durably. True if stored now, False if that tap's key
    was stored before (a retry). Refuses an unknown exercise or athlete."""
    exercise_id = (select(ExerciseRow.id).where(ExerciseRow.slug == entry.exercise)
                   .scalar_subquery())
    values = dict(
        idempotency_key=entry.key, athlete_id=entry.athlete_id, exercise_id=exercise_id,
        session_id=entry.session_id, set_number=entry.set_number, side=entry.side,
        reps=entry.reps, load_kg=entry.load_kg, effort=entry.effort, form=entry.form,
        tempo=entry.tempo, logged_at=entry.logged_at_dt, station=entry.station, undone=False,
    )
    stmt = _insert(db).values(**values)
    if hasattr(stmt, "on_conflict_do_nothing"):
        # RETURNING says whether a row went in (rowcount is -1 on some drivers)
        stmt = stmt.on_conflict_do_nothing(index_elements=["idempotency_key"]).returning(
            SetLogRow.id)
    with _durable_write(db) as conn:
        try:
            result = conn.execute(stmt)
            stored = result.first() is not None if result.returns_rows else result.rowcount == 1
            conn.commit()
        except IntegrityError as exc:
            conn.rollback()
            if "idempotency_key" in str(exc.orig):  # dialects without ON CONFLICT
                return False
            raise InvalidInput(
                f"this set names an athlete or exercise the gym no longer has "
                f"(athlete {entry.athlete_id}, {entry.exercise})", "set") from None
    return stored


def undo_set(db: Database, key: str) -> bool:
    """Mark the tapped set undone (kept, not deleted: the history stays honest).
    True if a stored set was found; repeating it changes nothing."""
    stmt = update(SetLogRow).where(SetLogRow.idempotency_key == key).values(undone=True)
    with _durable_write(db) as conn:
        result = conn.execute(stmt)
        conn.commit()
    return result.rowcount == 1


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


def recent_logs(db: Database, athlete_id: int, exercise: str, limit: int = 5) -> list[LoggedSet]:
    """The athlete's newest sets of an exercise (undone ones left out), newest first."""
    with db.read() as s:
        rows = s.execute(
            select(SetLogRow, ExerciseRow.slug)
            .join(ExerciseRow, ExerciseRow.id == SetLogRow.exercise_id)
            .where(SetLogRow.athlete_id == athlete_id, ExerciseRow.slug == exercise,
                   SetLogRow.undone.is_(False))
            .order_by(SetLogRow.logged_at.desc(), SetLogRow.id.desc())
            .limit(limit)
        ).all()
    return [
        LoggedSet(r.idempotency_key, slug, r.reps, r.load_kg, r.side, r.effort, r.form,
                  r.set_number, r.logged_at.replace(tzinfo=r.logged_at.tzinfo or UTC), r.station)
        for r, slug in rows
    ]


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
                   side: str | None = None) -> float | None:
    """The load (kg) the kiosk starts its steppers at: the last load used, moved
    by the progression rule and the trainer's decisions
    (:func:`backbeat.store.athletes.progressed_load`); None if nothing to go on."""
    from backbeat.store.athletes import progressed_load

    last = last_load(db, athlete_id, exercise, side=side)
    if last is None and side is not None:
        last = last_load(db, athlete_id, exercise)
    return progressed_load(db, athlete_id, exercise, last, side=side)


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
        row = s.execute(
            select(SetLogRow, ExerciseRow.slug)
            .join(ExerciseRow, ExerciseRow.id == SetLogRow.exercise_id)
            .where(SetLogRow.idempotency_key == key)
        ).first()
    if row is None:
        return None
    r, slug = row
    return LoggedSet(r.idempotency_key, slug, r.reps, r.load_kg, r.side, r.effort, r.form,
                     r.set_number, r.logged_at, r.station, r.undone)


# --- what the class is doing ---------------------------------------------------
