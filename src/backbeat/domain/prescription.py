"""What an item of a program asks of the athlete, with the library's defaults applied.

One place answers, for an item and its exercise: the tempo in force, the
phases of a rep in the order performed, the sides, the sets (or a superset's
rounds) and the reps, hold time or breathing cycles. The timeline compiler,
the TV's words, the kiosk, the trainer's sheet, form and preview, and the
history's time under tension all ask :func:`prescribed`; none of them works
the rules out again.

Rules, in the gym's words:

* **tempo in force** — the item's tempo, else the exercise's usual tempo from
  the library, else :data:`FALLBACK_TEMPO`; only rep work has one;
* **sides** — an item's ``per_side`` decides; left out, one-side exercises
  (unilateral) run each side as its own set, left then right;
* **alternating** exercises (bird dog) that are not run per side alternate
  sides rep by rep, and their reps count per side;
* **sets** — a superset's or circuit's rounds are each item's sets.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from backbeat.domain.breath import BreathPattern, parse_breath_pattern
from backbeat.domain.exercise import Exercise, Laterality, Side
from backbeat.domain.tempo import Phase, StartPhase, Tempo, parse_tempo, rep_phases

if TYPE_CHECKING:
    from backbeat.domain.program import Item

#: Tempo used when neither the prescription nor the library gives one.
FALLBACK_TEMPO: Tempo = parse_tempo("3-1-1-0")


class Volume(StrEnum):
    """What a set is counted in."""

    REPS = "reps"
    HOLD = "hold"  # seconds held
    BREATH = "breath"  # breathing cycles of a drill


def tempo_in_force(tempo: Tempo | None, exercise: Exercise | None) -> Tempo:
    """The item's tempo, else the library's usual one, else the fallback."""
    if tempo is not None:
        return tempo
    if exercise is not None and exercise.default_tempo is not None:
        return exercise.default_tempo
    return FALLBACK_TEMPO


def per_side(exercise: Exercise, item_per_side: bool | None = None) -> bool:
    """Does each side get its own set (left, then right)?"""
    if item_per_side is not None:
        return item_per_side
    return exercise.laterality is Laterality.UNILATERAL


def works_each_side(exercise: Exercise, item_per_side: bool | None = None) -> bool:
    """Is the prescribed number of reps (or seconds) done on each side?"""
    return per_side(exercise, item_per_side) or exercise.laterality is Laterality.ALTERNATING


@dataclass(frozen=True)
class Prescribed:
    """One item as it runs: everything the faces show and the timeline plays."""

    exercise: Exercise
    volume: Volume
    sets: int  # the item's sets, or its block's rounds in a superset/circuit
    reps: int | None  # rep work: reps a set (per side where each side is worked)
    hold_s: float | None  # holds (and breath drills given a duration): seconds
    cycles: int | None  # breath drills: cycles of the pattern
    tempo: Tempo | None  # rep work: the tempo in force
    phases: tuple[tuple[Phase, float], ...]  # one rep, in the order performed
    sides: tuple[Side | None, ...]  # (LEFT, RIGHT): each side its own set; (None,): both
    alternating: bool  # sides alternate rep by rep (reps count per side)
    breath: BreathPattern | None = None  # breath drills: the pattern in force

    @property
    def per_side(self) -> bool:
        return len(self.sides) == 2

    @property
    def each_side(self) -> bool:
        """Is the prescribed number done on each side (per-side sets or alternating reps)?"""
        return self.per_side or self.alternating

    @property
    def rep_s(self) -> float | None:
        return self.tempo.rep_s if self.tempo is not None else None

    @property
    def rep_sides(self) -> tuple[Side | None, ...]:
        """The sides one rep of a set runs through: left and right when alternating."""
        return (Side.LEFT, Side.RIGHT) if self.alternating else (None,)

    @property
    def set_s(self) -> float | None:
        """Seconds under tension of one set on one side (both, when alternating)."""
        if self.volume is Volume.REPS and self.tempo is not None:
            return (self.reps or 1) * len(self.rep_sides) * self.tempo.rep_s
        if self.volume is Volume.HOLD:
            return self.hold_s
        return None


def prescribed(item: Item, exercise: Exercise, rounds: int | None = None) -> Prescribed:
    """The one reading of ``item`` (of ``exercise``) that every face shares.

    ``rounds`` is the block's (supersets and circuits have them; their rounds
    are each item's sets).
    """
    sets = rounds or item.sets
    if exercise.is_breath_drill:
        pattern = parse_breath_pattern(item.breath_pattern or exercise.breath_pattern or "box")
        cycles = item.cycles
        if cycles is None:
            cycles = max(1, round((item.duration_s or 0) / pattern.cycle_s))
        return Prescribed(exercise, Volume.BREATH, sets, None, item.duration_s, cycles, None, (),
                          (None,), False, pattern)
    one_side = per_side(exercise, item.per_side)
    sides = (Side.LEFT, Side.RIGHT) if one_side else (None,)
    if item.duration_s is not None:
        return Prescribed(exercise, Volume.HOLD, sets, None, item.duration_s, None, None, (),
                          sides, False)
    tempo = tempo_in_force(item.tempo, exercise)
    start = exercise.start if exercise.start is not StartPhase.NONE else StartPhase.ECCENTRIC
    alternating = exercise.laterality is Laterality.ALTERNATING and not one_side
    return Prescribed(exercise, Volume.REPS, sets, item.reps, None, None, tempo,
                      tuple(rep_phases(tempo, start)), sides, alternating)
