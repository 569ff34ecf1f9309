"""The athlete's own count of sets: set numbers, double taps and what the kiosk says.

A set's number is the athlete's own: their count of logged, not-undone sets of
that exercise (and side, for one-side work) within the class, plus one. The
class's position only proposes *which* exercise; a late starter's first set is
set 1 whatever the TV shows. With no class running (open gym) sets are counted
per athlete per day: the gym's local day (a set at 23:30 in the gym is that
day's, whatever the UTC date), :func:`open_gym_day` and :func:`day_span`. The numbers of a scope are always 1..k in the order the
sets were made: a set undone, or a tap that waited in a kiosk's outbox and
arrived after a later one, renumbers the rest (:func:`numbered`).

A second tap of the same athlete, exercise and side within
:data:`DOUBLE_TAP_S` is not logged silently: the kiosk asks whether it is the
next set or a mistake (:func:`double_tap_of`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import TypeVar

#: A second tap of the same athlete, exercise and side within this many seconds
#: asks before it is logged.
DOUBLE_TAP_S = 20.0
#: What the kiosk, the CSV and the trainer's history call a set made with no class running.
OPEN_GYM = "open gym"


@dataclass(frozen=True)
class SetScope:
    """The sets one count runs over: one athlete's sets of one exercise (and side)
    in one class session, or on one day of open gym."""

    athlete_id: int
    exercise: str  # library slug
    side: str | None
    session_id: int | None  # None: open gym
    day: date | None = None  # open gym only: the gym's local day the set was made

    @classmethod
    def of(cls, athlete_id: int, exercise: str, side: str | None, session_id: int | None,
           logged_at: datetime, zone: tzinfo = UTC) -> SetScope:
        """The scope of a set made at ``logged_at`` (naive: UTC) in a gym in ``zone``."""
        if session_id is not None:
            return cls(athlete_id, exercise, side or None, session_id)
        return cls(athlete_id, exercise, side or None, None, open_gym_day(logged_at, zone))

    @property
    def open_gym(self) -> bool:
        return self.session_id is None


def _utc(when: datetime) -> datetime:
    return when.astimezone(UTC) if when.tzinfo else when.replace(tzinfo=UTC)


def zone_named(name: str) -> tzinfo:
    """The time zone of that IANA name, as a station keeps it (UTC for one it does not know)."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return UTC if name == "UTC" else ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def open_gym_day(at: datetime, zone: tzinfo = UTC) -> date:
    """The gym's day an open-gym set made at ``at`` (naive: UTC) counts in: its
    date on the gym's clock face, in the gym's time zone."""
    return _utc(at).astimezone(zone).date()


def day_span(day: date, zone: tzinfo = UTC) -> tuple[datetime, datetime]:
    """The gym's local ``day`` as [start, end) in naive UTC, as the store keeps
    ``logged_at`` (23 or 25 hours on a daylight-saving day)."""

    def midnight(d: date) -> datetime:
        return datetime.combine(d, time.min, tzinfo=zone).astimezone(UTC).replace(tzinfo=None)

    return midnight(day), midnight(day + timedelta(days=1))


K = TypeVar("K")


def numbered(sets_in_order: Sequence[K], *, after: int = 0) -> dict[K, int]:
    """The set numbers of one scope's not-undone sets, given in the order they were
    made (tap time, then arrival): 1, 2, … k. ``after``: how many of the scope's sets
    were made before the first one given (their numbers stand), so a tap renumbers
    only the sets from its own moment on."""
    return {key: i for i, key in enumerate(sets_in_order, start=after + 1)}


def next_set_number(logged_in_scope: int) -> int:
    """The number the athlete's next set in a scope gets, given how many sets of it
    they have logged (not undone)."""
    return logged_in_scope + 1


@dataclass(frozen=True)
class RecentTap:
    """A set this athlete logged a moment ago (as a kiosk remembers it)."""

    exercise: str
    side: str | None
    reps: int
    load_kg: float | None
    at_s: float  # on the kiosk's monotonic clock
    key: str = ""  # the tap's idempotency key


def double_tap_of(recent: Iterable[RecentTap], exercise: str, side: str | None,
                  now_s: float) -> RecentTap | None:
    """The earlier tap a new one of the same exercise and side repeats within
    :data:`DOUBLE_TAP_S`, or None: a None answer logs at once, any other asks first."""
    hits = [t for t in recent if t.exercise == exercise and (t.side or None) == (side or None)
            and 0 <= now_s - t.at_s < DOUBLE_TAP_S]
    return max(hits, key=lambda t: t.at_s) if hits else None


def set_caption(own_number: int, sets: int | None, class_set: int | None, *,
                open_gym: bool, same_exercise: bool = True, tv_offline: bool = False) -> str:
    """What the log screen says about the set about to be logged:
    "Set 2 of 3 for you · the class is on set 3", "Set 1 · open gym",
    "Set 1 · open gym: the class's TV is offline"."""
    if open_gym or tv_offline:
        return f"Set {own_number} · {OPEN_GYM}" + (": the class's TV is offline" if tv_offline else "")
    mine = f"Set {own_number} of {sets} for you" if sets else f"Set {own_number} for you"
    if same_exercise and class_set and class_set != own_number:
        return f"{mine} · the class is on set {class_set}"
    return mine


def progress_marks(done: int, sets: int | None) -> str:
    """The coach's board: ✓ for each set logged, · for each still to do (✓✓· is 2 of 3)."""
    if not sets:
        return "✓" * done
    marks = "✓" * min(done, sets) + "·" * max(0, sets - done)
    return marks + (f" +{done - sets}" if done > sets else "")


def class_line(exercise_name: str, set_number: int | None, sets: int | None, now: str = "") -> str:
    """What the kiosk says the class is doing: "now: Lat pulldown, set 1 of 3", or,
    when what runs is not a set to log, "now: 90/90 breathing · next to log: Lat pulldown"."""
    if now:
        return f"now: {now} · next to log: {exercise_name}"
    if set_number:
        return f"now: {exercise_name}, set {set_number} of {sets}"
    return f"now: {exercise_name}"
