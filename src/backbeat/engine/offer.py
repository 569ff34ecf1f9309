"""What the kiosk offers an athlete to log, as plain data.

The kiosk window only shows this and forwards taps; the rules live here and
are tested without a screen: which exercise the athlete logs (the coach's
swap for a flagged athlete), the side, reps and load the form opens on, and
the prescription line above it.
"""

from __future__ import annotations

from dataclasses import dataclass

from backbeat.domain.athlete import Athlete, Caution, caution_for
from backbeat.domain.exercise import Exercise, Laterality, Library, Side
from backbeat.domain.program import Load, LoadKind
from backbeat.domain.setlog import Units, format_load

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

    @property
    def load_kg(self) -> float | None:
        if self.load is not None and self.load.kind is LoadKind.KG:
            return float(self.load.value)
        return None


@dataclass(frozen=True)
class Swap:
    """The exercise an athlete logs when they open one, and the caution they see."""

    exercise: Exercise  # the one logged: the coach's substitute where there is one
    caution: Caution | None
    caution_text: str

    def swapped(self, asked: Exercise) -> bool:
        return self.exercise.slug != asked.slug


def swap_for(athlete: Athlete, exercise: Exercise, library: Library, *,
             swap: bool = True) -> Swap:
    """A flagged athlete sees the caution; with ``swap`` (the class's exercise,
    not one the athlete picked) the trainer's substitute is logged instead."""
    caution = caution_for(athlete, exercise)
    text = ""
    logged = exercise
    if caution is not None:
        substitute = library.get(caution.substitute) if caution.substitute else None
        chosen = athlete.substitutions.get(exercise.slug)
        text = f"{exercise.name}: {caution.text}"
        if substitute is not None and chosen and swap:
            text += f"  Your coach's swap: {substitute.name} — log that instead."
            logged = substitute
        elif substitute is not None:
            text += f"  Suggested swap: {substitute.name}."
    elif swap and exercise.slug in athlete.substitutions:
        logged = library.get(athlete.substitutions[exercise.slug]) or exercise
    return Swap(logged, caution, text)


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


def set_words(class_set: ClassSet | None) -> str:
    """"SET 2 of 3" while the class is on a numbered set of this exercise."""
    if class_set and class_set.set_number:
        return f"SET {class_set.set_number} of {class_set.sets}"
    return ""


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


def logged_tempo(exercise: Exercise, class_set: ClassSet | None) -> str | None:
    """The tempo a set is logged with: the one the class plays for it, else (a set
    logged outside a class) the library's usual tempo, if it has one."""
    if class_set is not None and class_set.tempo:
        return class_set.tempo
    return str(exercise.default_tempo) if exercise.default_tempo is not None else None
