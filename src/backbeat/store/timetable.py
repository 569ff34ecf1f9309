"""The week's timetable in the store (one setting), what each class runs, and its
iCalendar export.

The rules (occurrences, the days the clocks change, what a TV does when) are
``domain/timetable.py``'s. Here: keeping the timetable and which classes were
handled (started, asked about, declined — so each is decided once, whichever
TV restarts), resolving an entry's program and day (the program's next day
after the last class run from it), and writing the week as iCalendar with the
``icalendar`` library (one weekly recurring event per class, in the gym's
time zone, as long as the program's day).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path

from sqlalchemy import func, select

from backbeat.domain.errors import InvalidInput, first_refusal
from backbeat.domain.names import name_key
from backbeat.domain.timetable import (
    WEEKDAYS,
    Entry,
    Occurrence,
    Resolution,
    Timetable,
    next_program_day,
    started_as,
)
from backbeat.store.db import Database
from backbeat.store.models import AthleteRow, CheckInRow, ClassSessionRow, DayRow, ProgramRow
from backbeat.store.settings import get_setting, set_setting

#: Handled classes are remembered this long.
KEEP_HANDLED_DAYS = 14


def local_zone_name() -> str:
    """This computer's IANA time zone (the default for a new timetable), else UTC."""
    try:
        link = Path("/etc/localtime").resolve()
        if "zoneinfo" in link.parts:
            return "/".join(link.parts[link.parts.index("zoneinfo") + 1:])
        text = Path("/etc/timezone").read_text().strip()
        return text or "UTC"
    except OSError:
        return "UTC"


def get_timetable(db: Database) -> Timetable:
    value = get_setting(db, "timetable")
    return Timetable(timezone=local_zone_name()) if value is None else Timetable.model_validate(value)


#: How long a station trusts the gym's time zone it read (a tap reads it at most this often).
ZONE_READ_S = 30.0
_zones: dict[str, tuple[float, tzinfo]] = {}


def gym_zone(db: Database) -> tzinfo:
    """The gym's time zone (the timetable's): open-gym days are its local days."""
    now = time.monotonic()
    read_at, zone = _zones.get(db.url, (-ZONE_READ_S, UTC))
    if now - read_at >= ZONE_READ_S:
        zone = get_timetable(db).zone
        _zones[db.url] = (now, zone)
    return zone


def forget_zone(db: Database) -> None:
    """The timetable's zone was changed here: read it again at once (other stations
    within ZONE_READ_S)."""
    _zones.pop(db.url, None)


def parse_timetable(data: dict) -> Timetable:
    return first_refusal(Timetable, data, "timetable")


def save_timetable(db: Database, timetable: Timetable | dict) -> Timetable:
    if isinstance(timetable, dict):
        timetable = parse_timetable(timetable)
    set_setting(db, "timetable", timetable.model_dump(mode="json"))
    forget_zone(db)
    return timetable


def handled(db: Database) -> dict[str, dict]:
    return dict(get_setting(db, "timetable.handled") or {})


def mark_handled(db: Database, occurrence: Occurrence, what: str, now: datetime) -> None:
    """Remember that ``occurrence`` was started, asked about or declined (``what``)."""
    done = handled(db)
    done[occurrence.key] = {"what": what, "at": now.astimezone(UTC).isoformat()}
    cutoff = now - timedelta(days=KEEP_HANDLED_DAYS)
    done = {k: v for k, v in done.items() if datetime.fromisoformat(v["at"]) >= cutoff}
    set_setting(db, "timetable.handled", done)


def claim_started(db: Database, program: str, room: str, now: datetime) -> Occurrence | None:
    """A class of ``program`` was started in ``room`` at ``now`` (the gym's clock): the
    timetable's class it stands for (:func:`domain.timetable.started_as`) is handled
    as started, so no TV starts or asks about it again. Returns that class, if any."""
    if not room:
        return None
    tt = get_timetable(db)
    occurrence = started_as(tt, room, program, now, handled(db))
    if occurrence is not None:
        mark_handled(db, occurrence, "started", now)
    return occurrence


def class_of(db: Database, entry: Entry) -> tuple[str, int]:
    """The program (as stored) and day an entry runs; refused in words when its
    program is gone or has no such day."""
    got = resolve(db, [entry])[entry.key]
    if isinstance(got, str):
        raise InvalidInput(got, "timetable")
    return got


def resolve(db: Database, entries: Sequence[Entry]) -> dict[str, Resolution]:
    """Each entry's (program as stored, day), or the words why nothing starts (its
    program deleted, or without that day), by entry key: two queries for them
    all, no program loaded (the TV asks every second)."""
    keys = {name_key(e.program) for e in entries}
    if not keys:
        return {}
    with db.read() as s:
        programs = {r.name_key: r for r in s.execute(
            select(ProgramRow.id, ProgramRow.name, ProgramRow.name_key, func.count(DayRow.id).label("days"))
            .join(DayRow, DayRow.program_id == ProgramRow.id, isouter=True)
            .where(ProgramRow.name_key.in_(keys)).group_by(ProgramRow.id, ProgramRow.name,
                                                           ProgramRow.name_key))}
        latest = (select(ClassSessionRow.program_id, ClassSessionRow.day,
                         func.row_number().over(partition_by=ClassSessionRow.program_id,
                                                order_by=(ClassSessionRow.started_at.desc(),
                                                          ClassSessionRow.id.desc())).label("n"))
                  .where(ClassSessionRow.program_id.in_([r.id for r in programs.values()]))
                  .subquery())
        last = dict(s.execute(select(latest.c.program_id, latest.c.day).where(latest.c.n == 1)).all())
    out: dict[str, Resolution] = {}
    for e in entries:
        row = programs.get(name_key(e.program))
        if row is None:
            out[e.key] = (f"{WEEKDAYS[e.weekday]} {e.start:%H:%M}: the program {e.program!r} is "
                          "no longer in the database, so nothing starts. Fix the timetable in the "
                          "trainer.")
        elif e.day is not None and e.day > row.days:
            out[e.key] = f"{e.program!r} has {row.days} days, not day {e.day}: nothing starts"
        else:
            out[e.key] = (row.name, e.day if e.day is not None else next_program_day(row.days,
                                                                                      last.get(row.id)))
    return out


@dataclass(frozen=True)
class TvTimetable:
    """What a TV reads (off its GUI thread) to act on the timetable: the timetable,
    the classes already handled, what each entry runs, who is checked in today."""

    timetable: Timetable
    handled: frozenset[str]
    classes: dict[str, Resolution]
    checked_in: tuple[str, ...]


def tv_timetable(db: Database, now: datetime) -> TvTimetable:
    """The timetable as a TV needs it at ``now`` (the gym's clock): check-ins are the
    gym's date's (in the timetable's zone)."""
    tt = get_timetable(db)
    today = now.astimezone(tt.zone).date()
    with db.read() as s:
        names = tuple(s.scalars(select(AthleteRow.name).join(CheckInRow, CheckInRow.athlete_id == AthleteRow.id)
                                .where(CheckInRow.class_date == today)
                                .order_by(CheckInRow.checked_in_at, AthleteRow.name)))
    return TvTimetable(tt, frozenset(handled(db)), resolve(db, tt.entries), names)


def class_minutes(db: Database, program: str, day: int) -> int:
    from backbeat.engine.timeline import ClassPlan
    from backbeat.store.library import load_library
    from backbeat.store.programs import load_program

    plan = ClassPlan(load_program(db, program), day, load_library(db))
    return max(1, round(plan.timeline().duration_ms / 60000))


def timetable_ics(db: Database, *, now: datetime | None = None, gym: str = "Backbeat") -> bytes:
    """The timetable as an iCalendar file: one weekly event per class."""
    from icalendar import Calendar, Event, vRecur

    tt = get_timetable(db)
    now = now or datetime.now(UTC)
    cal = Calendar()
    cal.add("prodid", "-//Backbeat//timetable//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"{gym} classes")
    cal.add("x-wr-timezone", tt.timezone)
    zone = tt.zone
    today = now.astimezone(zone).date()
    for e in tt.entries:
        first = today + timedelta(days=(e.weekday - today.weekday()) % 7)
        try:
            program, day = class_of(db, e)
            minutes = class_minutes(db, program, day)
            summary = f"{program}" + (f" — day {day}" if e.day else "")
        except InvalidInput:
            program, minutes, summary = e.program, 60, f"{e.program} (program missing)"
        event = Event()
        event.add("uid", f"{e.key}@backbeat")
        event.add("dtstamp", now.astimezone(UTC))
        event.add("dtstart", datetime.combine(first, e.start, tzinfo=zone))
        event.add("duration", timedelta(minutes=minutes))
        event.add("rrule", vRecur(freq="WEEKLY", byday=["MO", "TU", "WE", "TH", "FR", "SA", "SU"][e.weekday]))
        event.add("summary", summary)
        event.add("location", e.room)
        words = [f"Coach: {e.coach}"] if e.coach else []
        words.append("Starts on time by itself." if e.self_start else "Starts when the coach is ready.")
        event.add("description", " ".join(words))
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()
