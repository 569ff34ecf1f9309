"""What the progress charts show, computed from logged sets.

The store hands over :class:`SetGroup` rows — an athlete's sets of one
exercise on one day, side and tempo, already summed by the database (a year of
one athlete is a few hundred groups however many sets were logged) — and these
pure functions turn them into chart series. :func:`group_sets` does the same
grouping in Python from single sets; tests use it to check the database's
grouping against the logs.

Definitions, in the gym's words:

* **volume** — reps × load in kg summed over sets (reps alone count for
  unloaded work, so band and bodyweight days are not zero);
* **time under tension** — reps × the tempo's rep time. *Logged* uses the
  tempo logged with each set (else the prescribed one); *prescribed* is what
  the class asked for the exercises the athlete did that day: sets × sides ×
  reps × rep time of the prescription;
* **left/right difference** — (left − right) ÷ the larger side's volume, in
  percent, over the day's unilateral sets: positive means the left side did
  more;
* **completion** of a class — sets logged ÷ sets prescribed for everyone who
  attended, capped at 100 %.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

from backbeat.domain.errors import InvalidInput
from backbeat.domain.setlog import SetRecord
from backbeat.domain.tempo import parse_tempo


@dataclass(frozen=True)
class SetGroup:
    """An athlete's sets of one exercise on one day, side and tempo."""

    on: date
    exercise: str
    side: str | None
    tempo: str | None
    session_id: int | None
    sets: int
    reps: int
    top_load_kg: float | None
    volume_kg: float  # Σ reps × load (unloaded sets add 0)
    form_sum: float
    form_count: int


@dataclass(frozen=True)
class PlannedWork:
    """What a class prescribes for one exercise."""

    sets: int
    reps: int | None
    tempo: str | None
    sides: int = 1  # 2 when each side gets its own sets


def group_sets(records: Iterable[SetRecord]) -> list[SetGroup]:
    acc: dict[tuple, list[SetRecord]] = defaultdict(list)
    for r in records:
        acc[(r.logged_at.date(), r.session_id, r.exercise, r.side, r.tempo)].append(r)
    out = []
    for (on, session, exercise, side, tempo), rs in acc.items():
        loads = [r.load_kg for r in rs if r.load_kg is not None]
        forms = [r.form for r in rs if r.form is not None]
        out.append(SetGroup(
            on=on, exercise=exercise, side=side, tempo=tempo, session_id=session, sets=len(rs),
            reps=sum(r.reps for r in rs), top_load_kg=max(loads) if loads else None,
            volume_kg=sum(r.reps * (r.load_kg or 0.0) for r in rs),
            form_sum=float(sum(forms)), form_count=len(forms)))
    return sorted(out, key=_order)


def _order(g: SetGroup):
    return (g.on, g.exercise, g.side or "", g.tempo or "", g.session_id or 0)


@lru_cache(maxsize=512)
def rep_seconds(tempo: str | None) -> float | None:
    if not tempo:
        return None
    try:
        return parse_tempo(tempo).rep_s
    except InvalidInput:
        return None  # a log with an unreadable tempo adds no time rather than failing the chart


def _volume(g: SetGroup) -> float:
    return g.volume_kg if g.volume_kg > 0 else float(g.reps)


# -- per athlete -----------------------------------------------------------------------------

@dataclass(frozen=True)
class LoadPoint:
    on: date
    top_load_kg: float | None
    reps_per_set: float
    sets: int


def load_and_reps(groups: Sequence[SetGroup], exercise: str) -> list[LoadPoint]:
    """Per day for one exercise: heaviest load and average reps per set (both sides)."""
    days: dict[date, list[SetGroup]] = defaultdict(list)
    for g in groups:
        if g.exercise == exercise:
            days[g.on].append(g)
    out = []
    for on in sorted(days):
        gs = days[on]
        loads = [g.top_load_kg for g in gs if g.top_load_kg is not None]
        sets = sum(g.sets for g in gs)
        out.append(LoadPoint(on, max(loads) if loads else None, sum(g.reps for g in gs) / sets, sets))
    return out


@dataclass(frozen=True)
class TensionPoint:
    on: date
    prescribed_s: float
    logged_s: float


def time_under_tension(groups: Sequence[SetGroup], planned: Mapping[str, PlannedWork],
                       session_plans: Mapping[int, Mapping[str, PlannedWork]] | None = None,
                       ) -> list[TensionPoint]:
    """Per day: seconds under tension the class prescribed vs what the logs add up to.

    ``planned`` is the prescription per exercise slug; ``session_plans`` the
    prescription of the class a set was logged in, which wins where known.
    Exercises with no tempo anywhere are left out of both numbers.
    """
    session_plans = session_plans or {}
    logged: dict[date, float] = defaultdict(float)
    done: dict[date, dict[str, tuple[PlannedWork, str]]] = defaultdict(dict)
    for g in groups:
        plan = session_plans.get(g.session_id, {}).get(g.exercise) if g.session_id else None
        plan = plan or planned.get(g.exercise)
        tempo = g.tempo or (plan.tempo if plan else None)
        rep_s = rep_seconds(tempo)
        if rep_s is None:
            continue
        logged[g.on] += g.reps * rep_s
        if plan is not None and plan.reps and g.exercise not in done[g.on]:
            done[g.on][g.exercise] = (plan, tempo)
    out = []
    for on in sorted(logged):
        prescribed = sum(p.sets * p.sides * p.reps * rep_seconds(t)
                         for p, t in done[on].values())
        out.append(TensionPoint(on, prescribed, logged[on]))
    return out


@dataclass(frozen=True)
class VolumePoint:
    week: date  # the Monday
    volume_kg: float
    reps: int
    sets: int


def weekly_volume(groups: Sequence[SetGroup]) -> list[VolumePoint]:
    weeks: dict[date, list[SetGroup]] = defaultdict(list)
    for g in groups:
        weeks[g.on - timedelta(days=g.on.weekday())].append(g)
    return [VolumePoint(w, sum(g.volume_kg for g in gs), sum(g.reps for g in gs),
                        sum(g.sets for g in gs))
            for w, gs in sorted(weeks.items())]


@dataclass(frozen=True)
class FormPoint:
    on: date
    mean: float
    rated_sets: int


def form_trend(groups: Sequence[SetGroup], exercise: str | None = None) -> list[FormPoint]:
    """Average form rating per day (all exercises, or one)."""
    days: dict[date, list[float]] = defaultdict(lambda: [0.0, 0])
    for g in groups:
        if g.form_count and (exercise is None or g.exercise == exercise):
            acc = days[g.on]
            acc[0] += g.form_sum
            acc[1] += g.form_count
    return [FormPoint(on, s / n, int(n)) for on, (s, n) in sorted(days.items())]


@dataclass(frozen=True)
class SidePoint:
    on: date
    left: float
    right: float

    @property
    def difference_pct(self) -> float:
        bigger = max(self.left, self.right)
        return 0.0 if bigger == 0 else (self.left - self.right) / bigger * 100


def left_right(groups: Sequence[SetGroup], exercise: str | None = None) -> list[SidePoint]:
    """Per day, volume on the left vs the right over unilateral sets (days with both sides)."""
    days: dict[date, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for g in groups:
        if g.side in ("left", "right") and (exercise is None or g.exercise == exercise):
            days[g.on][g.side == "right"] += _volume(g)
    return [SidePoint(on, left, right) for on, (left, right) in sorted(days.items())
            if left > 0 and right > 0]


# -- per class -------------------------------------------------------------------------------

@dataclass(frozen=True)
class ClassRecord:
    """One class the TV ran, with who came and what they logged."""

    session_id: int
    started_at: datetime
    label: str
    attendees: int
    sets_logged: int
    sets_per_athlete: int  # loggable sets the class day prescribes


@dataclass(frozen=True)
class ClassPoint:
    session_id: int
    on: date
    label: str
    attendees: int
    completion_pct: float


def class_attendance(classes: Sequence[ClassRecord]) -> list[ClassPoint]:
    out = []
    for c in sorted(classes, key=lambda c: c.started_at):
        due = c.attendees * c.sets_per_athlete
        pct = min(100.0, c.sets_logged / due * 100) if due else 0.0
        out.append(ClassPoint(c.session_id, c.started_at.date(), c.label, c.attendees, pct))
    return out
