"""Running classes: one row each (``class_session``), timed on the gym's clock.

A class is its start instant plus its events (``class_event``), in order; the
position is folded from them by ``engine/gymclass.py``. Every control — a
TV's keys, ``backbeat class …``, the remote — is an event appended by
:func:`append_event` after :func:`engine.gymclass.command` made it;
:func:`send_command` does both for a caller that holds no class of its own.
Appending is a compare-and-set on the class's ``revision``, so two stations
acting at once both land, in an order every station then agrees on. On
PostgreSQL every change is announced with ``NOTIFY backbeat_class``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from sqlalchemy import select, text, update

from backbeat.domain.errors import InvalidInput
from backbeat.engine.clock import Clock
from backbeat.engine.gymclass import (
    ClassState,
    CommandRefused,
    Event,
    Timing,
    command,
    fold,
    position_ms,
    state_at,
)
from backbeat.engine.timeline import ClassPlan, Timeline, TimelineCache
from backbeat.store.db import Database
from backbeat.store.library import load_library
from backbeat.store.models import ClassEventRow, ClassSessionRow, ProgramRow
from backbeat.store.programs import find_program_row, list_programs, load_program, program_edited_at

#: The PostgreSQL channel every class change is announced on.
CHANNEL = "backbeat_class"

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ClassInfo:
    id: int
    program: str
    day: int
    state: str  # as stored: running | paused | ended
    leader: str | None
    start_ns: int
    revision: int
    events: tuple[Event, ...]

    @property
    def timing(self) -> Timing:
        return fold(self.start_ns, self.events)


class ClassNotFound(InvalidInput):
    """No class (or not the one asked for) is running."""


def _notify(s, class_id: int) -> None:
    if s.bind.dialect.name == "postgresql":
        s.execute(text("SELECT pg_notify(:c, :p)"), {"c": CHANNEL, "p": str(class_id)})


def start_class(db: Database, program: str, day: int, *, at_ns: int, leader: str | None,
                station: str = "", position_ms: float = 0, paused: bool = False) -> int:
    """A new running class of ``program`` day ``day``, at ``position_ms`` at ``at_ns``
    (position 0 then), ``paused`` there if asked."""
    with db.session() as s:
        found = find_program_row(s, program)
        if found is None:
            known = ", ".join(repr(n) for n in list_programs(db)) or "none"
            raise InvalidInput(f"no program {program!r} (programs: {known})", "program")
        days = len(load_program(db, found.name).days)
        if not 1 <= day <= days:
            raise InvalidInput(f"{found.name!r} has days 1 to {days}, not {day}", "--day")
        row = ClassSessionRow(program_id=found.id, day=day, started_at=datetime.now(UTC),
                              state=(ClassState.PAUSED if paused else ClassState.RUNNING).value,
                              leader=leader, start_ns=at_ns - round(position_ms * 1e6),
                              revision=1 if paused else 0)
        s.add(row)
        s.flush()
        if paused:
            s.add(ClassEventRow(class_id=row.id, seq=1, kind="pause", at_ns=at_ns, data={}, station=station))
        _notify(s, row.id)
        class_id, name = row.id, found.name
    _claim_timetable(db, name, leader or station, at_ns)
    return class_id


def _claim_timetable(db: Database, program: str, room: str, at_ns: int) -> None:
    """The timetable's class this start stands for is handled (started early from the
    remote or the CLI, it is not started again at its minute). The class runs whatever
    the timetable setting holds: a timetable that cannot be read is logged, not raised."""
    from backbeat.store.timetable import claim_started

    try:
        claim_started(db, program, room, datetime.fromtimestamp(at_ns / 1e9, UTC))
    except (InvalidInput, ValueError) as exc:
        log.warning("class %s started; the timetable could not be read to mark it: %s", program, exc)


def _info(s, row: ClassSessionRow, program: str) -> ClassInfo:
    events = tuple(Event(e.kind, e.at_ns, dict(e.data or {})) for e in s.scalars(
        select(ClassEventRow).where(ClassEventRow.class_id == row.id).order_by(ClassEventRow.seq)))
    return ClassInfo(row.id, program, row.day, row.state, row.leader, row.start_ns or 0,
                     row.revision, events)


def load_class(db: Database, class_id: int) -> ClassInfo | None:
    with db.read() as s:
        found = s.execute(select(ClassSessionRow, ProgramRow.name)
                          .join(ProgramRow, ProgramRow.id == ClassSessionRow.program_id)
                          .where(ClassSessionRow.id == class_id)).first()
        if found is None or found[0].start_ns is None:
            return None
        return _info(s, found[0], found[1])


def running_classes(db: Database) -> list[ClassInfo]:
    """Every class not stopped, oldest first (a class run past its end included)."""
    with db.read() as s:
        rows = s.execute(select(ClassSessionRow, ProgramRow.name)
                         .join(ProgramRow, ProgramRow.id == ClassSessionRow.program_id)
                         .where(ClassSessionRow.state != ClassState.ENDED.value)
                         .order_by(ClassSessionRow.id)).all()
        return [_info(s, row, name) for row, name in rows]


def class_revisions(db: Database) -> dict[int, tuple[int, str | None]]:
    """Each class not stopped: its revision and leader (the cheap poll)."""
    with db.read() as s:
        return {r.id: (r.revision, r.leader) for r in s.execute(
            select(ClassSessionRow.id, ClassSessionRow.revision, ClassSessionRow.leader)
            .where(ClassSessionRow.state != ClassState.ENDED.value))}


def changed_classes(db: Database, known: dict[int, tuple[int, str | None]]
                    ) -> tuple[dict[int, tuple[int, str | None]], list[ClassInfo]]:
    """One read (one connection, one transaction): each class not stopped with its
    revision and leader, and in full (row and events) those not as ``known``."""
    with db.read() as s:
        revisions = {r.id: (r.revision, r.leader) for r in s.execute(
            select(ClassSessionRow.id, ClassSessionRow.revision, ClassSessionRow.leader)
            .where(ClassSessionRow.state != ClassState.ENDED.value))}
        moved = [c for c, seen in revisions.items() if known.get(c) != seen]
        if not moved:
            return revisions, []
        rows = s.execute(select(ClassSessionRow, ProgramRow.name)
                         .join(ProgramRow, ProgramRow.id == ClassSessionRow.program_id)
                         .where(ClassSessionRow.id.in_(moved), ClassSessionRow.start_ns.is_not(None))
                         .order_by(ClassSessionRow.id)).all()
        return revisions, [_info(s, row, name) for row, name in rows]


class Conflict(RuntimeError):
    """Another station appended first: read again and retry."""


def append_event(db: Database, class_id: int, event: Event, *, station: str,
                 expected_revision: int | None = None) -> int:
    """Record ``event``; returns the class's new revision. With ``expected_revision``,
    refuses (:class:`Conflict`) if another event landed since."""
    with db.session() as s:
        # the update first: it takes the write lock (SQLite) / row lock (PostgreSQL)
        # before anything is read, so a waiting writer queues instead of failing
        match = [ClassSessionRow.id == class_id, ClassSessionRow.start_ns.is_not(None)]
        if expected_revision is not None:
            match.append(ClassSessionRow.revision == expected_revision)
        bumped = s.execute(update(ClassSessionRow).where(*match)
                           .values(revision=ClassSessionRow.revision + 1)
                           .returning(ClassSessionRow.revision, ClassSessionRow.start_ns)).first()
        if bumped is None:
            if expected_revision is not None and s.get(ClassSessionRow, class_id) is not None:
                raise Conflict(class_id)
            raise ClassNotFound(f"no class {class_id}", "--class")
        seq, start_ns = bumped
        events = [Event(k, a, d or {}) for k, a, d in s.execute(
            select(ClassEventRow.kind, ClassEventRow.at_ns, ClassEventRow.data)
            .where(ClassEventRow.class_id == class_id).order_by(ClassEventRow.seq))]
        folded = fold(start_ns, [*events, event])
        s.add(ClassEventRow(class_id=class_id, seq=seq, kind=event.kind, at_ns=event.at_ns,
                            data=event.data, station=station))
        values = {"state": folded.state.value}
        if folded.state is ClassState.ENDED:
            values["ended_at"] = datetime.now(UTC)
        s.execute(update(ClassSessionRow).where(ClassSessionRow.id == class_id).values(**values))
        _notify(s, class_id)
        return seq


def claim_lead(db: Database, class_id: int, station: str, *, was: str | None) -> bool:
    """Become the class's leader in place of ``was`` (silent, or None). Exactly one of
    several stations claiming at once wins: the update only matches while the
    leader is still ``was``."""
    with db.session() as s:
        leader = ClassSessionRow.leader.is_(None) if was is None else ClassSessionRow.leader == was
        done = s.execute(update(ClassSessionRow)
                         .where(ClassSessionRow.id == class_id, leader,
                                ClassSessionRow.state != ClassState.ENDED.value)
                         .values(leader=station, revision=ClassSessionRow.revision + 1)
                         .returning(ClassSessionRow.id)).first()
        if done is not None:
            _notify(s, class_id)
        return done is not None


# --- compiled days ----------------------------------------------------------------
#: Compiled class days, by (database, program, day, program's last edit): a
#: program the trainer changes mid-day is compiled afresh.
_TIMELINES = TimelineCache()


def class_timeline(db: Database, program: str, day: int, extensions: dict[int, int]) -> Timeline:
    """The class day placed with ``extensions`` (cached; recompiled after an edit)."""
    key = (db.url, program, day, program_edited_at(db, program))
    return _TIMELINES.timeline(key, lambda: ClassPlan(load_program(db, program), day, load_library(db)),
                               extensions)


def pick_class(db: Database, class_id: int | None) -> ClassInfo:
    """The class a command acts on: ``class_id``, else the one running class."""
    if class_id is not None:
        info = load_class(db, class_id)
        if info is None:
            raise ClassNotFound(f"there is no class {class_id} (backbeat status lists them)", "--class")
        return info
    running = running_classes(db)
    if not running:
        raise ClassNotFound("no class is running (start one with: backbeat class start PROGRAM --day N)")
    if len(running) > 1:
        ids = ", ".join(f"{c.id} ({c.program}, day {c.day})" for c in running)
        raise ClassNotFound(f"{len(running)} classes are running: choose one with --class ID ({ids})")
    return running[0]


def send_command(db: Database, cmd: str, clock: Clock, *, station: str, class_id: int | None = None,
                 seconds: float | None = None, attempts: int = 5) -> tuple[ClassInfo, Event]:
    """Apply a control to a class as it is now; the class after it, and the event.

    Refuses (:class:`InvalidInput`, nothing recorded) a class that has ended,
    a bad class id, or a command that does not apply (extend outside a rest).
    """
    for _ in range(attempts):
        info = pick_class(db, class_id)
        timing = info.timing
        timeline = class_timeline(db, info.program, info.day, timing.extension_map)
        now = clock.now_ns()
        if state_at(timing, now, timeline.duration_ms) is ClassState.ENDED:
            raise ClassNotFound(f"class {info.id} ({info.program}, day {info.day}) has ended", "--class")
        try:
            event = command(timing, timeline, cmd, now, *(() if seconds is None else (seconds,)))
        except CommandRefused as exc:
            raise InvalidInput(str(exc), f"class {info.id}") from None
        try:
            revision = append_event(db, info.id, event, station=station, expected_revision=info.revision)
        except Conflict:
            continue
        return replace(info, revision=revision, events=(*info.events, event)), event
    raise InvalidInput("the class kept changing under the command: try again", f"class {class_id}")


def class_position_s(info: ClassInfo, db: Database, now_ns: int) -> tuple[str, float]:
    """A class's state and position (s) at gym-clock ``now_ns``."""
    timing = info.timing
    timeline = class_timeline(db, info.program, info.day, timing.extension_map)
    return (state_at(timing, now_ns, timeline.duration_ms).value,
            position_ms(timing, now_ns, timeline.duration_ms) / 1000)


def gym_status(db: Database, now_ns: int) -> dict:
    """``backbeat status --json``: every station and every class not stopped."""
    from backbeat.store.stations import list_stations

    stations = [{
        "name": st.name, "kind": st.kind, "role": st.role, "class_id": st.class_id,
        "state": st.state, "position_s": st.position_s, "clock_offset_ms": st.clock_offset_ms,
        "last_seen_s": None if st.last_seen_ns is None else round((now_ns - st.last_seen_ns) / 1e9, 3),
    } for st in list_stations(db)]
    classes = []
    for info in running_classes(db):
        state, pos = class_position_s(info, db, now_ns)
        classes.append({"id": info.id, "program": info.program, "day": info.day, "state": state,
                        "leader": info.leader, "position_s": round(pos, 3)})
    return {"stations": stations, "classes": classes}
