"""The week's timetable: when each class runs, where, and whether it starts itself.

An :class:`Entry` is a weekday and a start time in the gym's time zone, the
room (the TV station that leads the class), the program and its day (or the
program's next day), the coach, and whether the class starts itself or waits
for the coach's Start. Times are wall-clock times in the gym's zone
(``Timetable.timezone``, an IANA name) and become instants with
:mod:`zoneinfo`, so a class at 18:00 is at 18:00 on both sides of a
daylight-saving change. A start time that does not exist on the day the clocks
go forward (02:30) is the instant an hour on (03:30 summer time); one that
happens twice when they go back is the first.

:func:`decide` is what a room's TV does about its timetable at an instant,
on the gym's clock:

* a self-starting class whose start is now (within :data:`START_GRACE_S`)
  starts; one waiting for the coach is "ready — press Start" from its minute
  until it is started (or :data:`ASK_WINDOW_S` has passed);
* a self-starting class whose start passed longer ago than that without being
  started (every TV was off, or busy with another class) is *asked about*,
  never started late by surprise, for as long as it could still run
  (:data:`ASK_WINDOW_S`);
* otherwise the next class and the time to it are shown.

:func:`between` is the whole of what an idle TV shows and does between
classes: the decision for its own room (only the room's TV starts, readies or
asks), else the gym's next class elsewhere (shown, never acted on), with the
program and day the class runs (or why it cannot: a deleted program), the
start time, the countdown, the coach and who is checked in.

A class is recognised as handled (started, declined or asked about) by its
occurrence key, the entry and the local date, so it is decided once.
:func:`started_as` is which class of the timetable a class started by hand
stands for (the same program in the same room, from :data:`EARLY_START_S`
before its minute to :data:`ASK_WINDOW_S` after), so a class the coach
started early from the phone is not started again at its minute.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from backbeat.domain.names import name_key

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
#: A self-starting class starts if its TV sees its start within this many seconds.
START_GRACE_S = 60
#: A class missed while every TV was off is offered this long after its start.
ASK_WINDOW_S = 2 * 3600
#: How far ahead the TV looks for the next class.
LOOKAHEAD_DAYS = 8
#: A class of the timetable's program started this long before its minute, in its
#: room, from anywhere (the remote, ``backbeat class start``, a kiosk), is that class.
EARLY_START_S = 30 * 60


def _new_key() -> str:
    return uuid.uuid4().hex[:12]


class Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str = Field(default_factory=_new_key, pattern=r"^[a-z0-9-]{1,40}$")
    weekday: int = Field(ge=0, le=6)  # Monday 0
    start: time
    room: str = Field(min_length=1, max_length=60)  # the TV station that leads the class
    program: str = Field(min_length=1, max_length=80)
    day: int | None = Field(default=None, ge=1, le=50)  # None: the program's next day
    coach: str = Field(default="", max_length=80)
    self_start: bool = False

    @field_validator("start")
    @classmethod
    def _whole_minutes(cls, value: time) -> time:
        if value.second or value.microsecond or value.tzinfo is not None:
            raise ValueError("a class starts on a whole minute (HH:MM), in the gym's time zone")
        return value

    def describe(self) -> str:
        day = f" day {self.day}" if self.day else ""
        return f"{WEEKDAYS[self.weekday]} {self.start:%H:%M} {self.program}{day} in {self.room}"


class Timetable(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    timezone: str = "UTC"
    entries: tuple[Entry, ...] = ()

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{value!r} is not a time zone name (e.g. Europe/Berlin)") from None
        return value

    @model_validator(mode="after")
    def _no_clash(self) -> Timetable:
        keys = [e.key for e in self.entries]
        if len(keys) != len(set(keys)):
            raise ValueError("two classes have the same key")
        seen: dict[tuple, Entry] = {}
        for e in self.entries:
            slot = (e.weekday, e.start, e.room.casefold())
            if slot in seen:
                raise ValueError(f"{e.room} has two classes at {WEEKDAYS[e.weekday]} "
                                 f"{e.start:%H:%M}: {seen[slot].program} and {e.program}")
            seen[slot] = e
        return self

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def entry(self, key: str) -> Entry | None:
        return next((e for e in self.entries if e.key == key), None)


@dataclass(frozen=True)
class Occurrence:
    """One class of the timetable on one date."""

    entry: Entry
    local_date: date
    at: datetime  # the instant, UTC

    @property
    def key(self) -> str:
        return f"{self.entry.key}@{self.local_date.isoformat()}"

    def local(self, zone: ZoneInfo) -> datetime:
        return self.at.astimezone(zone)


def from_ns(epoch_ns: int) -> datetime:
    """An instant of the gym's clock (Unix epoch ns) as a UTC datetime, to the microsecond."""
    return _EPOCH + timedelta(microseconds=epoch_ns // 1000)


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def instant(local_date: date, start: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of a wall-clock time on a date in ``zone`` (see the module notes
    for the days the clocks change)."""
    # fold=0: a skipped time is read with the offset before the change (so it lands an
    # hour on, in summer time), a repeated one is its first occurrence
    return datetime.combine(local_date, start).replace(tzinfo=zone, fold=0).astimezone(UTC)


def occurrences(tt: Timetable, start: datetime, end: datetime, *,
                room: str | None = None) -> list[Occurrence]:
    """Every class from ``start`` (inclusive) to ``end`` (exclusive), in order of time."""
    zone = tt.zone
    first = start.astimezone(zone).date() - timedelta(days=1)
    last = end.astimezone(zone).date() + timedelta(days=1)
    out = []
    d = first
    while d <= last:
        for e in tt.entries:
            if e.weekday != d.weekday() or (room is not None and e.room.casefold() != room.casefold()):
                continue
            at = instant(d, e.start, zone)
            if start <= at < end:
                out.append(Occurrence(e, d, at))
        d += timedelta(days=1)
    return sorted(out, key=lambda o: (o.at, o.entry.room))


def next_class(tt: Timetable, now: datetime, *, room: str | None = None) -> Occurrence | None:
    found = occurrences(tt, now, now + timedelta(days=LOOKAHEAD_DAYS), room=room)
    return found[0] if found else None


class Action(StrEnum):
    START = "start"  # a self-starting class, on time: start it now
    READY = "ready"  # waits for the coach: "ready — press Start"
    ASK = "ask"  # it should have started while every TV was off: ask, do not start
    WAIT = "wait"  # nothing due: show the next class and the countdown
    NOTHING = "nothing"  # no class in the timetable for this room


@dataclass(frozen=True)
class Decision:
    action: Action
    occurrence: Occurrence | None = None
    seconds_to_start: float | None = None  # until its start (negative: since it)

    def words(self, zone: ZoneInfo) -> str:
        o = self.occurrence
        if o is None:
            return "No classes in the timetable for this room"
        when = f"{o.local(zone):%H:%M}"
        name = o.entry.program
        if self.action is Action.START:
            return f"{name} starts now ({when})"
        if self.action is Action.READY:
            return f"{name} ({when}) — ready: press Start"
        if self.action is Action.ASK:
            return f"{name} should have started at {when}, while the TV was off. Start it now?"
        return f"Next: {name} at {when}"


def decide(tt: Timetable, room: str, now: datetime, handled: set[str] | frozenset[str]) -> Decision:
    """What ``room``'s TV does about its timetable at ``now`` (UTC, the gym's clock)."""
    just_after = now + timedelta(microseconds=1)  # a class at ``now`` itself is due
    recent = occurrences(tt, now - timedelta(seconds=ASK_WINDOW_S), just_after, room=room)
    for o in reversed(recent):  # the latest first: a class after a missed one wins
        if o.key in handled:
            break
        late_s = (now - o.at).total_seconds()
        if not o.entry.self_start:  # waits for the coach, however late: never starts by itself
            return Decision(Action.READY, o, -late_s)
        if late_s <= START_GRACE_S:
            return Decision(Action.START, o, -late_s)
        return Decision(Action.ASK, o, -late_s)
    upcoming = next_class(tt, just_after, room=room)
    if upcoming is None:
        return Decision(Action.NOTHING)
    return Decision(Action.WAIT, upcoming, (upcoming.at - now).total_seconds())


def started_as(tt: Timetable, room: str, program: str, now: datetime,
               handled: set[str] | frozenset[str] | Mapping[str, object] = frozenset()) -> Occurrence | None:
    """The class of the timetable that a class of ``program`` started in ``room`` at
    ``now`` (the gym's clock) is: one of that program in that room, not yet handled,
    whose minute is at most :data:`EARLY_START_S` ahead or :data:`ASK_WINDOW_S` past;
    the nearest to ``now`` when there are several. None: a class outside the timetable."""
    key = name_key(program)
    found = [o for o in occurrences(tt, now - timedelta(seconds=ASK_WINDOW_S),
                                    now + timedelta(seconds=EARLY_START_S, microseconds=1), room=room)
             if o.key not in handled and name_key(o.entry.program) == key]
    return min(found, key=lambda o: abs((o.at - now).total_seconds()), default=None)


#: What an entry runs: (program as stored, day), or the words why nothing can start.
Resolution = tuple[str, int] | str


@dataclass(frozen=True)
class Between:
    """What an idle TV shows and does between classes (see :func:`between`)."""

    decision: Decision
    leads: bool  # this TV is the class's room: it starts, readies or asks
    program: str = ""  # as stored (the entry's name when the program is gone)
    day: int | None = None
    refusal: str | None = None  # why nothing starts (a deleted program)
    when: str = ""  # "18:00", in the gym's zone
    day_name: str = ""  # "Thursday" when the class is not today
    countdown: str = ""  # "in 4 min 30 s"; empty once due
    coach: str = ""
    room: str = ""
    checked_in: tuple[str, ...] = ()  # for a class today
    words: str = ""  # the decision in words (Decision.words): the TV's question when it asks
    clock: str = ""  # the time of day in the gym now, "17:48"

    @property
    def action(self) -> Action:
        return self.decision.action

    @property
    def occurrence(self) -> Occurrence | None:
        return self.decision.occurrence

    @property
    def starts(self) -> bool:
        """Start it now, by itself: a self-starting class at its minute, on its room's TV."""
        return self.leads and self.action is Action.START and self.refusal is None

    @property
    def can_start(self) -> bool:
        """The coach may start it from this TV (Start, or "start now" to the question)."""
        return self.occurrence is not None and self.refusal is None


def between(tt: Timetable, station: str, now: datetime, handled: set[str] | frozenset[str],
            classes: Mapping[str, Resolution], checked_in: Sequence[str] = ()) -> Between:
    """What ``station``'s TV shows and does at ``now`` (the gym's clock) while no class
    runs on it: :func:`decide` for its own room; with no class there, the gym's next
    class in another room, shown only (its own room's TV starts it, and this one
    follows). ``classes``: each entry's :data:`Resolution`, by key; ``checked_in``:
    who is checked in today (in the gym's zone)."""
    decision = decide(tt, station, now, handled)
    leads = decision.action is not Action.NOTHING
    if not leads:
        elsewhere = next_class(tt, now)
        if elsewhere is None:
            return Between(decision, False)
        decision = Decision(Action.WAIT, elsewhere, (elsewhere.at - now).total_seconds())
    o = decision.occurrence
    e = o.entry
    got = classes.get(e.key, f"{e.describe()}: not read yet")
    program, day, refusal = (got[0], got[1], None) if isinstance(got, tuple) else (e.program, e.day, got)
    zone = tt.zone
    local = o.local(zone)
    today = now.astimezone(zone).date()
    left = decision.seconds_to_start or 0.0
    return Between(decision, leads, program=program, day=day, refusal=refusal, when=f"{local:%H:%M}",
                   day_name="" if o.local_date == today else WEEKDAYS[e.weekday],
                   countdown=countdown_text(left) if left > 0 else "", coach=e.coach, room=e.room,
                   checked_in=tuple(checked_in) if o.local_date == today else (),
                   words=decision.words(zone), clock=f"{now.astimezone(zone):%H:%M}")


def countdown_text(seconds: float) -> str:
    """"in 2 h 05 min", "in 4 min 30 s", "in 12 s"."""
    s = max(0, int(seconds + 0.999))
    h, rest = divmod(s, 3600)
    m, sec = divmod(rest, 60)
    if h >= 24:
        return f"in {h // 24} d {h % 24} h"
    if h:
        return f"in {h} h {m:02d} min"
    if m:
        return f"in {m} min {sec:02d} s"
    return f"in {sec} s"


def next_program_day(days: int, last_day: int | None) -> int:
    """The program's next day after ``last_day`` was run (wrapping to day 1)."""
    if last_day is None or days < 1:
        return 1
    return last_day % days + 1
