"""A set an athlete taps in at the kiosk, and the rules it must meet.

Loads are kept in kg; the kiosk shows and steps them in the gym's units
(kg or lb). Refusals say what is wrong in the words used at the rack:
"0 reps is not a set", "900 kg is more than this gym logs", "Lat pulldown
works both sides at once".
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
from enum import StrEnum

from backbeat.domain.errors import InvalidInput
from backbeat.domain.exercise import Exercise, Laterality, Library, Side
from backbeat.domain.program import MAX_HOLD_S, MAX_LOAD_KG, MAX_REPS
from backbeat.domain.tempo import StartPhase

KG_PER_LB = 0.45359237
#: Effort is rated of 10 (RPE); below 6 is a warm-up, not a logged working set.
EFFORT_MIN, EFFORT_MAX = 6.0, 10.0
FORM_MIN, FORM_MAX = 1, 5


class Units(StrEnum):
    KG = "kg"
    LB = "lb"


#: What one tap of the small and the big load step adds, in the gym's units:
#: kg gyms load in 0.5 kg micro-plates and 2.5 kg steps; lb gyms in 1 lb and 5 lb.
LOAD_STEPS: dict[Units, tuple[float, float]] = {Units.KG: (0.5, 2.5), Units.LB: (1.0, 5.0)}
#: Shown loads are rounded to this many of the gym's units (kg: 0.25, lb: 0.5).
DISPLAY_GRAIN: dict[Units, float] = {Units.KG: 0.25, Units.LB: 0.5}


def units_of(value: str) -> Units:
    try:
        return Units(value)
    except ValueError:
        raise InvalidInput(f"units are kg or lb, not {value!r}", "units") from None


def kg_to_units(kg: float, units: Units) -> float:
    """A stored kg load as the gym reads it, rounded to the plate grain."""
    raw = kg if units is Units.KG else kg / KG_PER_LB
    grain = DISPLAY_GRAIN[units]
    if not math.isfinite(raw / grain):  # an absurd load (1e308 kg) is shown as typed, to be refused
        return raw
    return round(round(raw / grain) * grain, 4)


def units_to_kg(value: float, units: Units) -> float:
    return value if units is Units.KG else value * KG_PER_LB


def format_load(kg: float | None, units: Units) -> str:
    if kg is None or kg == 0:
        return "no load"
    return f"{kg_to_units(kg, units):g} {units.value}"


def loggable(exercise: Exercise) -> bool:
    """Sets of reps are logged; holds and breath drills have nothing to count."""
    return exercise.start is not StartPhase.NONE and not exercise.is_breath_drill


def is_hold(exercise: Exercise) -> bool:
    """A timed hold (no phases to count): logged in seconds held, one hold a set,
    when it is done as an athlete's substitute (the class's sets are sets of reps)."""
    return exercise.start is StartPhase.NONE and not exercise.is_breath_drill


#: What the kiosk's form opens on for a hold nobody prescribed a time for.
DEFAULT_HOLD_S = 30
#: The kiosk's stepper for seconds held moves by this much.
HOLD_STEP_S = 5


def loggable_exercises(library: Library) -> list[str]:
    """Slugs the kiosk offers when no class runs: everything with reps to count."""
    return [ex.slug for ex in library.exercises if loggable(ex)]


@dataclass(frozen=True)
class SetRecord:
    """One logged set read back for the rules (charts, progression): undone taps
    and warm-up or drop sets left out by the store."""

    logged_at: datetime
    exercise: str
    reps: int
    load_kg: float | None = None
    form: int | None = None
    side: str | None = None
    tempo: str | None = None
    session_id: int | None = None


@dataclass(frozen=True)
class SetEntry:
    """One tapped set, as sent to the store (and kept in the kiosk's outbox)."""

    key: str  # idempotency key: the same tap retried is stored once
    athlete_id: int
    exercise: str  # library slug
    reps: int
    load_kg: float | None = None
    side: str | None = None
    effort: float | None = None
    form: int | None = None
    #: the number the kiosk expected; the store numbers the set itself (the
    #: athlete's own count, :mod:`backbeat.domain.setcount`) when it arrives
    set_number: int | None = None
    tempo: str | None = None
    session_id: int | None = None  # the class session; None: open gym
    station: str = ""
    #: a substitute's set: the slug of the exercise it was done instead of
    replaces: str | None = None
    logged_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat())
    #: a timed hold: the seconds held (its ``reps`` is 1, one hold)
    hold_s: int | None = None

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> SetEntry:
        """From a queued tap's JSON; fields a newer Backbeat added are left out
        (a missing field raises TypeError: the entry cannot be read)."""
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})

    @property
    def logged_at_dt(self) -> datetime:
        when = datetime.fromisoformat(self.logged_at)
        return when if when.tzinfo else when.replace(tzinfo=UTC)


def check_set(exercise: Exercise, *, reps: int, load_kg: float | None, side: str | None,
              effort: float | None = None, form: int | None = None,
              units: Units = Units.KG, hold_s: int | None = None) -> None:
    """Refuse a set that cannot be right, saying why as a coach would. A timed hold
    (:func:`is_hold`) is logged as ``hold_s`` seconds held, one hold (``reps`` 1)."""
    name = exercise.name
    if is_hold(exercise):
        if hold_s is None:
            raise InvalidInput(f"{name} is a hold: log the seconds held, not reps", "hold")
        if not isinstance(hold_s, int) or isinstance(hold_s, bool) or not 1 <= hold_s <= MAX_HOLD_S:
            raise InvalidInput(f"{hold_s} s is not a hold: 1 to {MAX_HOLD_S:g} seconds held", "hold")
        if reps != 1:
            raise InvalidInput(f"{name} is one hold a set: log it once per hold", "reps")
    elif hold_s is not None:
        raise InvalidInput(f"{name} is counted in reps, not seconds held", "hold")
    elif not loggable(exercise):
        raise InvalidInput(f"{name} is a breath drill: there are no reps to log", "exercise")
    if not isinstance(reps, int) or reps < 1:
        raise InvalidInput(f"{reps} reps is not a set: tap + to count the reps you did", "reps")
    if reps > MAX_REPS:
        raise InvalidInput(f"{reps} reps is more than a set here ({MAX_REPS} at most): check the count",
                           "reps")
    if load_kg is not None:
        if not math.isfinite(load_kg) or load_kg < 0:
            raise InvalidInput("a load cannot be below zero", "load")
        if load_kg > MAX_LOAD_KG + 1e-6:
            shown = f"{kg_to_units(load_kg, units):g} {units.value}"
            most = f"{kg_to_units(MAX_LOAD_KG, units):g} {units.value}"
            raise InvalidInput(f"{shown} is more than this gym logs ({most} at most): check the load",
                               "load")
    if exercise.laterality is Laterality.UNILATERAL:
        if side not in (Side.LEFT, Side.RIGHT):
            raise InvalidInput(f"{name} is one side at a time: tap LEFT or RIGHT", "side")
    elif side is not None:
        if exercise.laterality is Laterality.ALTERNATING:
            raise InvalidInput(f"{name} alternates sides rep by rep: log both sides together, "
                               "no left or right", "side")
        raise InvalidInput(f"{name} works both sides at once: no left or right", "side")
    if effort is not None and not (EFFORT_MIN <= effort <= EFFORT_MAX and effort * 2 == int(effort * 2)):
        raise InvalidInput(f"effort is rated {EFFORT_MIN:g} to {EFFORT_MAX:g} (RPE), not {effort:g}",
                           "effort")
    if form is not None and not (isinstance(form, int) and FORM_MIN <= form <= FORM_MAX):
        raise InvalidInput(f"form is rated {FORM_MIN} to {FORM_MAX}, not {form}", "form")


def set_words(reps: int, load_kg: float | None, units: Units, hold_s: int | None = None) -> str:
    """A set as every face says it: "8 × 15 kg", "30 s hold" (loaded: "30 s hold · 5 kg")."""
    if hold_s is not None:
        return f"{hold_s} s hold" + (f" · {format_load(load_kg, units)}" if load_kg else "")
    return f"{reps} × {format_load(load_kg, units)}"


def step_load(kg: float | None, steps: int, units: Units, *, big: bool = False) -> float:
    """The load after ``steps`` taps of a stepper (negative: down), in kg.

    Steps are taken from the load as shown (rounded to the gym's grain), so a
    load logged in kg and stepped in lb does not drift by conversion; never
    below zero.
    """
    step = LOAD_STEPS[units][1 if big else 0]
    value = max(0.0, kg_to_units(kg or 0.0, units) + steps * step)
    return units_to_kg(round(value, 4), units)


def parse_load(text: str, units: Units, where: str = "load") -> float | None:
    """A load as typed at the trainer's desk, in kg: "12.5kg", "25lb", "12.5" (the
    gym's units), "0" or "none" (no load)."""
    raw = text.strip().lower().replace(" ", "")
    if raw in ("", "0", "none", "bodyweight", "bw"):
        return None
    unit = units
    for suffix, u in (("kg", Units.KG), ("lbs", Units.LB), ("lb", Units.LB)):
        if raw.endswith(suffix):
            raw, unit = raw[: -len(suffix)], u
            break
    try:
        value = float(raw)
    except ValueError:
        raise InvalidInput(f"{text!r} is not a load like 12.5kg or 25lb", where) from None
    if not math.isfinite(value) or value < 0:
        raise InvalidInput(f"{text!r}: a load cannot be below zero", where)
    return units_to_kg(value, unit) if value else None
