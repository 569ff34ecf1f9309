"""What the kiosk offers an athlete to log, as plain data.

The kiosk window only shows this and forwards taps; the rules live here and
are tested without a screen: where the class is (from its timing on the
gym's clock) and which set it offers (and what runs now when that is not a set),
which exercise the athlete logs (the coach's swap for a flagged athlete, or
the substitute the kiosk offers), the side, reps and load the form opens on,
and the prescription line above it. A substitute is logged as itself: its own
reps, tempo and load (the trainer's substitution, else the library's
defaults), never the replaced exercise's, and its log names the exercise it
replaced.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from backbeat.domain.athlete import (
    Athlete,
    Caution,
    SubstitutePrescription,
    caution_for,
    check_substitute,
)
from backbeat.domain.exercise import Exercise, Laterality, Library, Side
from backbeat.domain.program import Load, LoadKind
from backbeat.domain.setlog import Units, format_load, loggable
from backbeat.engine.gymclass import ClassState, Timing, position_ms, state_at
from backbeat.engine.timeline import Segment, SegmentKind, Timeline

#: Reps the form opens on when neither the class nor the athlete's log says.
DEFAULT_REPS = 8


@dataclass(frozen=True)
class ClassSet:
    """The set a running class is on, as the kiosk offers it for logging."""

    program: str
    day: int
    session_id: int | None
    running: bool  # False: the coach paused the class
    exercise: str  # slug
    exercise_name: str
    block: str
    set_number: int | None
    sets: int | None
    side: str | None
    reps: int | None
    tempo: str | None  # the tempo in force (domain.prescription)
    per_side: bool
    load: Load | None
    #: every loggable exercise of the class, in class order (quick switching)
    exercises: tuple[str, ...]
    #: what runs now when it is not a set to log ("90/90 breathing", "rest"), else ""
    now: str = ""
    #: every TV of the class silent (engine.gymclass.tv_offline): it runs, sets go to open gym
    tv_offline: bool = False
    #: the class time left when it was read (a kiosk that keeps it knows when it is over)
    left_ms: float | None = None

    @property
    def logs_to(self) -> int | None:
        """The class session a set logged now goes into (None: open gym, its TV is offline)."""
        return None if self.tv_offline else self.session_id

    @property
    def load_kg(self) -> float | None:
        if self.load is not None and self.load.kind is LoadKind.KG:
            return float(self.load.value)
        return None


@dataclass(frozen=True)
class LiveClass:
    """A class brought up to an instant."""

    program: str
    day: int
    position_ms: float
    running: bool
    session_id: int | None
    extensions: dict[int, int] = field(default_factory=dict)


def live_class(program: str, day: int, class_id: int | None, timing: Timing, now_ns: int,
               duration_ms: float) -> LiveClass | None:
    """Where a class is at gym-clock instant ``now_ns`` (engine.gymclass), or None
    when it has ended."""
    state = state_at(timing, now_ns, duration_ms)
    if state is ClassState.ENDED:
        return None
    return LiveClass(program=program, day=day, position_ms=position_ms(timing, now_ns, duration_ms),
                     running=state is ClassState.RUNNING, session_id=class_id,
                     extensions=timing.extension_map)


def class_set_now(program: str, day: int, class_id: int | None, timing: Timing,
                  timeline: Timeline, now_ns: int) -> ClassSet | None:
    """The set a class offers at gym-clock instant ``now_ns`` (None: it has ended, or
    the day has nothing to log): what the store's ``class_now`` and a kiosk's link
    both answer with."""
    live = live_class(program, day, class_id, timing, now_ns, timeline.duration_ms)
    return class_set_at(timeline, live) if live is not None else None


def class_set_at(timeline: Timeline, live: LiveClass) -> ClassSet | None:
    """The set the kiosk offers while the class is at ``live.position_ms``: the
    latest set done or under way (athletes log in the rest after it), else the
    first set to come; None when the day has nothing to log."""

    def is_set(s: Segment) -> bool:
        ex = timeline.exercises.get(s.exercise or "")
        return s.kind is SegmentKind.WORK and ex is not None and loggable(ex)

    seg = timeline.segment_at_ms(live.position_ms)
    target = next((s for s in reversed(timeline.segments[: seg.index + 1]) if is_set(s)), None)
    if target is None:
        target = next((s for s in timeline.segments[seg.index:] if is_set(s)), None)
    if target is None:
        return None
    ex = timeline.exercises[target.exercise]
    key = (target.block_index, target.item_index)
    p = timeline.prescriptions[key]
    order: list[str] = []
    for s in timeline.segments:
        if is_set(s) and s.exercise not in order:
            order.append(s.exercise)
    return ClassSet(
        program=timeline.program, day=timeline.day, session_id=live.session_id,
        running=live.running, exercise=ex.slug, exercise_name=ex.name, block=target.block,
        set_number=target.set, sets=target.sets,
        side=target.side.value if target.side and p.per_side else None,
        reps=p.reps, tempo=str(p.tempo) if p.tempo else None,
        per_side=p.per_side, load=timeline.items[key].load, exercises=tuple(order),
        now="" if is_set(seg) else running_now(seg),
        left_ms=max(0.0, timeline.duration_ms - live.position_ms),
    )


_KIND_WORDS = {SegmentKind.REST: "rest", SegmentKind.GET_READY: "get ready",
               SegmentKind.SWITCH_SIDES: "switch sides", SegmentKind.TRANSITION: "moving on"}


def running_now(seg: Segment) -> str:
    """The words for a running segment that is not a set to log ("90/90 breathing")."""
    if seg.kind in _KIND_WORDS:
        return _KIND_WORDS[seg.kind]
    return seg.exercise_name or seg.label.lower() or seg.kind.value


@dataclass(frozen=True)
class Swap:
    """The exercise an athlete logs when they open one, the caution they see, and
    what the form starts from."""

    exercise: Exercise  # the one logged: the coach's substitute where there is one
    caution: Caution | None
    caution_text: str
    #: a substitute's set: the exercise it is done instead of
    replaces: Exercise | None = None
    #: a substitute the kiosk offers to do instead (the trainer chose none)
    offered: Exercise | None = None
    #: a substitute's own prescription (None: the class's, see first_reps)
    reps: int | None = None
    tempo: str | None = None
    load_kg: float | None = None

    def swapped(self, asked: Exercise) -> bool:
        return self.exercise.slug != asked.slug


def swap_for(athlete: Athlete, exercise: Exercise, library: Library, *,
             swap: bool = True, substitute: Exercise | None = None) -> Swap:
    """A flagged athlete sees the caution; with ``swap`` (the class's exercise,
    not one the athlete picked) the trainer's substitute is logged instead.
    ``substitute``: the athlete took the one the kiosk offered. A substitute that
    is risky for the athlete too is refused (InvalidInput naming the exercise)."""
    caution = caution_for(athlete, exercise, library)
    text = ""
    offered = None
    chosen = athlete.substitutions.get(exercise.slug) if swap else None
    swap_to = substitute or (library.get(chosen) if chosen else None)
    if caution is not None:
        text = f"{exercise.name}: {caution.text}"
        proposed = library.get(caution.substitute) if caution.substitute else None
        if swap_to is not None and substitute is None:
            text += f"  Your coach's swap: {swap_to.name} — log that instead."
        elif swap_to is not None:
            text += f"  You are doing {swap_to.name} instead."
        elif proposed is not None:
            text += f"  Suggested swap: {proposed.name}."
            offered = proposed
    if swap_to is None or swap_to.slug == exercise.slug:
        return Swap(exercise, caution, text, offered=offered)
    check_substitute(athlete, swap_to, exercise)
    own = athlete.substitute_prescriptions.get(exercise.slug) or SubstitutePrescription()
    tempo = own.tempo or (str(swap_to.default_tempo) if swap_to.default_tempo is not None else None)
    return Swap(swap_to, caution, text, replaces=exercise,
                reps=own.reps or swap_to.default_reps, tempo=tempo,
                load_kg=own.load_kg if own.load_kg is not None else swap_to.default_load_kg)


def first_side(exercise: Exercise, class_set: ClassSet | None) -> str | None:
    """The side the form opens on: the class's, else left, for one-side work."""
    if exercise.laterality is not Laterality.UNILATERAL:
        return None
    return class_set.side if class_set and class_set.side else Side.LEFT.value


def next_side(exercise: Exercise, side: str | None) -> str | None:
    """After a LEFT set of one-side work the RIGHT comes next; else None (stay)."""
    if side == Side.LEFT.value and exercise.laterality is Laterality.UNILATERAL:
        return Side.RIGHT.value
    return None


def first_reps(class_set: ClassSet | None, last_reps: int | None) -> int:
    """The class's reps, else the athlete's last set's, else :data:`DEFAULT_REPS`."""
    return (class_set.reps if class_set and class_set.reps else None) or last_reps or DEFAULT_REPS


def prescription_line(exercise: Exercise, class_set: ClassSet | None, suggested_kg: float | None,
                      units: Units) -> str:
    """The line above the form: the class's prescription of this exercise (reps,
    tempo, load), else the library's usual tempo; then the suggested load."""
    parts = []
    if class_set is not None:
        if class_set.reps:
            parts.append(f"{class_set.reps} reps" + (" each side" if class_set.per_side else ""))
        if class_set.tempo:
            parts.append(f"tempo {class_set.tempo}")
        if class_set.load is not None:
            parts.append(f"{class_set.load.describe()} prescribed"
                         if class_set.load_kg is None else
                         f"{format_load(class_set.load_kg, units)} prescribed")
    elif exercise.default_tempo is not None:  # no class: the library's usual tempo
        parts.append(f"tempo {exercise.default_tempo}")
    if suggested_kg:
        parts.append(f"suggested {format_load(suggested_kg, units)}")
    return "  ·  ".join(parts)


def swap_line(swap: Swap, suggested_kg: float | None, units: Units) -> str:
    """The line above a substitute's form: its own reps, tempo and load, and what it
    stands in for."""
    parts = []
    if swap.reps:
        parts.append(f"{swap.reps} reps")
    if swap.tempo:
        parts.append(f"tempo {swap.tempo}")
    if swap.load_kg:
        parts.append(f"{format_load(swap.load_kg, units)} prescribed")
    if swap.replaces is not None:
        parts.append(f"instead of {swap.replaces.name}")
    if suggested_kg:
        parts.append(f"suggested {format_load(suggested_kg, units)}")
    return "  ·  ".join(parts)


def logged_tempo(exercise: Exercise, class_set: ClassSet | None) -> str | None:
    """The tempo a set is logged with: the one the class plays for it, else (a set
    logged outside a class) the library's usual tempo, if it has one."""
    if class_set is not None and class_set.tempo:
        return class_set.tempo
    return str(exercise.default_tempo) if exercise.default_tempo is not None else None
