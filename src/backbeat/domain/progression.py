"""Earned progression: the next prescription for one athlete and exercise.

Precision progresses before load (TRAINING.md, "Progression: earned, not
jumped"):

* **Advance** only when the last two sessions at the current prescription
  both had good form (average rating ≥ 4 of 5) and every prescribed rep done.
  The eccentric is lengthened first, one capped step at a time (+1 s up to
  6 s); once it is at its cap the load goes up by one small step (2.5 kg, or a
  percentage of the load rounded to the gym's smallest plate, never more than
  5 kg at once).
* **Step back** when the latest session's form was poor (average under 3) or
  reps were missed in both of the last two sessions: the load comes down one
  step (without load, the eccentric shortens by one step).
* **Hold** otherwise: fewer than two sessions since the last change, form
  between 3 and 4, reps missed once, or no form ratings.

Only sessions logged since the prescription last changed count: an accepted
step has to be earned again before the next one.

**Only loads the gym can build.** When the rules carry the exercise's load
menu (``ProgressionRules.loads``, from the gym's equipment:
``domain/equipment.py``), a load step lands on the buildable load nearest the
step (always heavier when advancing, lighter when stepping back); a next
buildable load further than ``max_load_step_kg`` away is not suggested (the
trainer decides).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from backbeat.domain.equipment import LoadMenu
from backbeat.domain.errors import InvalidInput
from backbeat.domain.program import MAX_LOAD_KG
from backbeat.domain.setlog import SetRecord, Units, format_load
from backbeat.domain.tempo import MAX_PHASE_S, Phase, parse_tempo


@dataclass(frozen=True)
class ProgressionRules:
    """The gym's knobs. Defaults follow TRAINING.md."""

    good_form: float = 4.0  # average form rating needed on each of the last sessions
    poor_form: float = 3.0  # latest session's average under this: step back
    sessions_needed: int = 2
    eccentric_step_s: int = 1
    eccentric_cap_s: int = 6
    load_step_kg: float = 2.5
    #: when set, a load step is this percentage of the load instead of load_step_kg
    load_step_pct: float | None = None
    plate_kg: float = 0.5  # smallest load increment the gym has
    max_load_step_kg: float = 5.0
    #: the loads the gym can build for this exercise (None: any load)
    loads: LoadMenu | None = None

    def __post_init__(self) -> None:
        if not 0 < self.poor_form <= self.good_form <= 5:
            raise InvalidInput("form thresholds must satisfy 0 < poor ≤ good ≤ 5", "progression")
        if not 1 <= self.eccentric_cap_s <= MAX_PHASE_S or self.eccentric_step_s < 1:
            raise InvalidInput(f"the eccentric cap is 1–{MAX_PHASE_S} s, its step at least 1 s",
                               "progression")
        if self.load_step_kg <= 0 or self.plate_kg <= 0 or self.max_load_step_kg <= 0:
            raise InvalidInput("load steps must be more than 0 kg", "progression")
        if self.sessions_needed < 1:
            raise InvalidInput("at least one session is needed to advance", "progression")

    def load_step(self, load_kg: float) -> float:
        if self.load_step_pct is None:
            step = self.load_step_kg
        else:
            step = round(load_kg * self.load_step_pct / 100 / self.plate_kg) * self.plate_kg
            step = max(self.plate_kg, step)
        return min(step, self.max_load_step_kg)

    def load_up(self, load_kg: float) -> float | None:
        """The next load up: one step, on a load the gym can build; None when the
        lightest heavier load it can build is more than ``max_load_step_kg`` away."""
        target = round(min(MAX_LOAD_KG, load_kg + self.load_step(load_kg)), 2)
        if self.loads is None:
            return target
        fit = self.loads.fit(target)
        choice = fit.nearest()
        if choice is None or choice.kg <= load_kg + 1e-6:
            choice = self.loads.above(load_kg)
        if choice is None or choice.kg - load_kg > self.max_load_step_kg + 1e-6:
            return None
        return round(choice.kg, 2)

    def load_down(self, load_kg: float) -> float | None:
        """The next load down (one step, buildable); None when nothing lighter can be built."""
        target = round(max(0.0, load_kg - self.load_step(load_kg)), 2)
        if self.loads is None:
            return target
        choice = self.loads.fit(target).nearest()
        if choice is None or choice.kg >= load_kg - 1e-6:
            choice = self.loads.below(load_kg)
        return None if choice is None else round(choice.kg, 2)


DEFAULT_RULES = ProgressionRules()


@dataclass(frozen=True)
class Prescription:
    """What the athlete does now: tempo as written, target reps, load (None = no load)."""

    tempo: str
    reps: int
    load_kg: float | None = None

    def describe(self, units: Units = Units.KG) -> str:
        """``4-1-1-2 × 8 @ 30 kg``, the load in the gym's units."""
        load = f" @ {format_load(self.load_kg, units)}" if self.load_kg is not None else ""
        return f"{self.tempo} × {self.reps}{load}"


@dataclass(frozen=True)
class SessionResult:
    """One session's logged sets of the exercise (undone taps left out)."""

    on: date
    sets: int
    sets_short: int  # sets with fewer reps than prescribed
    form_mean: float | None  # None when no set was rated


class Action(StrEnum):
    ADVANCE = "advance"
    HOLD = "hold"
    STEP_BACK = "step back"


@dataclass(frozen=True)
class Suggestion:
    action: Action
    prescription: Prescription
    reason: str

    @property
    def tempo(self) -> str:
        return self.prescription.tempo

    @property
    def reps(self) -> int:
        return self.prescription.reps

    @property
    def load_kg(self) -> float | None:
        return self.prescription.load_kg

    def short(self, current: Prescription) -> str:
        """A few words for the kiosk and the TV's rest screen, e.g. "Next: eccentric 4 s"."""
        new = self.prescription
        changes = []
        if new.tempo != current.tempo:
            changes.append(f"eccentric {new.tempo.split('-')[0]} s")
        if new.load_kg != current.load_kg and new.load_kg is not None:
            changes.append(f"{new.load_kg:g} kg")
        if self.action is Action.HOLD or not changes:
            return "Hold: same again, own the form"
        verb = "Next" if self.action is Action.ADVANCE else "Ease off"
        return f"{verb}: {', '.join(changes)}"


def _day(d: date) -> str:
    return f"{d.day} {d:%b}"


def _form(s: SessionResult) -> str:
    return "unrated" if s.form_mean is None else f"{s.form_mean:.1f}"


def _with_eccentric(tempo_text: str, seconds: int) -> str:
    tempo = parse_tempo(tempo_text)
    parts = tempo.notation().split("-")
    parts[0] = str(seconds)
    return "-".join(parts)


def suggest(current: Prescription, sessions: Sequence[SessionResult],
            rules: ProgressionRules = DEFAULT_RULES) -> Suggestion:
    """The next prescription after ``sessions`` (oldest first) logged at ``current``."""
    tempo = parse_tempo(current.tempo)
    eccentric = int(tempo.eccentric)
    explosive_eccentric = Phase.ECCENTRIC in tempo.explosive

    def hold(reason: str) -> Suggestion:
        return Suggestion(Action.HOLD, current, reason)

    if not sessions:
        return hold("no sessions logged at this prescription yet")
    latest = sessions[-1]
    recent = list(sessions[-rules.sessions_needed:])

    poor = latest.form_mean is not None and latest.form_mean < rules.poor_form
    missed_twice = len(sessions) >= 2 and all(s.sets_short > 0 for s in sessions[-2:])
    if poor or missed_twice:
        why = (f"form {_form(latest)} on {_day(latest.on)} (under {rules.poor_form:g})" if poor
               else f"reps missed on {_day(sessions[-2].on)} and {_day(latest.on)}")
        load = rules.load_down(current.load_kg) if current.load_kg else None
        if load is not None:
            step = round(current.load_kg - load, 2)
            return Suggestion(Action.STEP_BACK, Prescription(current.tempo, current.reps, load),
                              f"{why}: take {step:g} kg off → {load:g} kg")
        if eccentric > 1 and not explosive_eccentric:
            shorter = max(1, eccentric - rules.eccentric_step_s)
            return Suggestion(
                Action.STEP_BACK,
                Prescription(_with_eccentric(current.tempo, shorter), current.reps, current.load_kg),
                f"{why}: shorten the eccentric {eccentric} → {shorter} s")
        return hold(f"{why}, but this is already the easiest version: the trainer decides")

    if latest.sets_short > 0:
        return hold(f"reps missed on {_day(latest.on)}: hold until every rep is done")
    if len(recent) < rules.sessions_needed:
        n = len(sessions)
        return hold(f"{n} session{'s' * (n != 1)} logged since the last change; "
                    f"advancing needs {rules.sessions_needed} with form ≥ {rules.good_form:g}")
    if any(s.form_mean is None for s in recent):
        return hold(f"no form rating logged on {_day(next(s.on for s in recent if s.form_mean is None))}: "
                    f"advancing needs form ≥ {rules.good_form:g}")
    if any(s.sets_short > 0 for s in recent):
        return hold("reps missed in the last sessions: hold until every rep is done")
    forms = " and ".join(_form(s) for s in recent)
    if any(s.form_mean < rules.good_form for s in recent):  # type: ignore[operator]
        return hold(f"form {forms} on the last {len(recent)} sessions: advancing needs "
                    f"{rules.good_form:g} or better on each")

    good = f"form {forms} with every rep done"
    if not explosive_eccentric and eccentric < rules.eccentric_cap_s:
        longer = min(rules.eccentric_cap_s, eccentric + rules.eccentric_step_s)
        return Suggestion(
            Action.ADVANCE,
            Prescription(_with_eccentric(current.tempo, longer), current.reps, current.load_kg),
            f"{good}: lengthen the eccentric {eccentric} → {longer} s")
    if current.load_kg is None:
        return hold(f"{good}, eccentric at its {rules.eccentric_cap_s} s cap and no load to add: "
                    "the trainer chooses the next step")
    load = rules.load_up(current.load_kg)
    if load is None:
        above = rules.loads.above(current.load_kg) if rules.loads else None
        if above is None:
            return hold(f"{good}, but {current.load_kg:g} kg is the most the gym's equipment builds: "
                        "the trainer chooses the next step")
        return hold(f"{good}, but the next load the gym can build is {above.kg:g} kg "
                    f"(+{above.kg - current.load_kg:g} kg, more than a {rules.max_load_step_kg:g} kg "
                    "step): the trainer chooses the next step")
    if load == current.load_kg:
        return hold(f"{good}, but {MAX_LOAD_KG:g} kg is the most the product accepts")
    step = round(load - current.load_kg, 2)
    return Suggestion(Action.ADVANCE, Prescription(current.tempo, current.reps, load),
                      f"{good}; eccentric at its {rules.eccentric_cap_s} s cap: "
                      f"add {step:g} kg → {load:g} kg")


# -- what is in force, and what one side of one-side work loads --------------------------------

def sessions_of(sets: Sequence[SetRecord], target_reps: int) -> list[SessionResult]:
    """The sets (oldest first) as sessions, one per day."""
    days: dict[date, list[SetRecord]] = {}
    for x in sets:
        days.setdefault(x.logged_at.date(), []).append(x)
    out = []
    for on, xs in sorted(days.items()):
        forms = [x.form for x in xs if x.form is not None]
        out.append(SessionResult(on=on, sets=len(xs), sets_short=sum(x.reps < target_reps for x in xs),
                                 form_mean=sum(forms) / len(forms) if forms else None))
    return out


def prescription_in_force(decision: Prescription | None, last: Sequence[SetRecord], *,
                          planned_tempo: str | None = None, planned_reps: int | None = None,
                          library_tempo: str | None = None) -> Prescription | None:
    """The prescription the athlete progresses from: the trainer's latest decision;
    else the tempo last logged, the class's tempo (the one it plays) or the
    library's usual one; the class's reps, else the most reps on the last day
    logged; the heaviest load of that day. None when no tempo or reps are known
    (an exercise of the gym's own, in no class, logged without tempo)."""
    last_day = [x for x in last if x.logged_at.date() == last[-1].logged_at.date()] if last else []
    tempo = ((decision.tempo if decision else None)
             or next((x.tempo for x in reversed(last) if x.tempo), None)
             or planned_tempo or library_tempo)
    reps = ((decision.reps if decision else None)
            or planned_reps or max((x.reps for x in last_day), default=None))
    if decision is not None:
        load = decision.load_kg
    else:
        loads = [x.load_kg for x in last_day if x.load_kg is not None]
        load = max(loads) if loads else None
    if not tempo or not reps:
        return None
    return Prescription(tempo, reps, load)


def side_load(current: Prescription, suggested_kg: float, last_load_kg: float | None, *,
              side: str | None, just_decided: bool, loads: LoadMenu | None = None) -> float:
    """The load one side of one-side work starts at: the side keeps its own load
    and moves by the suggested step (a weaker side is not pushed to the stronger
    side's load), landing on a load the gym can build; both sides take the
    suggestion right after the trainer's decision, and so does two-side work."""
    if side is None or last_load_kg is None or just_decided:
        return suggested_kg
    step = suggested_kg - (current.load_kg or 0.0)
    load = round(min(MAX_LOAD_KG, max(0.0, last_load_kg + step)), 2)
    if loads is not None and step:  # the side's own step lands on a load the gym has
        build = (loads.above(last_load_kg) if step > 0 else loads.below(last_load_kg))
        near = loads.fit(load).nearest()
        if near is not None and (near.kg - last_load_kg) * step > 0:
            build = near
        load = round(build.kg, 2) if build is not None else last_load_kg
    return load
