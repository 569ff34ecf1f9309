"""Athletes as the rules see them: who they are and what screening found."""

from __future__ import annotations

from dataclasses import dataclass, field

from backbeat.domain.errors import InvalidInput
from backbeat.domain.exercise import Exercise, Library, RiskFlag
from backbeat.domain.setlog import Units, format_load, parse_load
from backbeat.domain.tempo import parse_tempo


@dataclass(frozen=True)
class SubstitutePrescription:
    """What the trainer prescribed for a substitute (None: the library's default)."""

    reps: int | None = None
    tempo: str | None = None
    load_kg: float | None = None

    def describe(self, units: Units) -> str:
        """As the trainer types it: "10 2-1-2-2 2kg"."""
        parts = [str(self.reps) if self.reps else "", self.tempo or ""]
        if self.load_kg:
            parts.append(format_load(self.load_kg, units).replace(" ", ""))
        return " ".join(p for p in parts if p)


@dataclass(frozen=True)
class Athlete:
    id: int
    name: str
    has_pin: bool = False
    flags: frozenset[RiskFlag] = frozenset()  # from screening: e.g. DISC for prior disc pathology
    #: the trainer's substitutions: exercise slug -> substitute slug
    substitutions: dict[str, str] = field(default_factory=dict)
    #: the substitute's own prescription, by the exercise it replaces
    substitute_prescriptions: dict[str, SubstitutePrescription] = field(default_factory=dict)


@dataclass(frozen=True)
class Caution:
    """What a flagged athlete sees where an exercise is risky for them."""

    exercise: str
    text: str
    substitute: str | None  # slug the trainer chose, or None
    why: str = ""  # the screening finding in a few words: "disc history"


_FLAG_WORDS = {RiskFlag.DISC: "disc history", RiskFlag.SHOULDER: "shoulder history"}


def risk_words(flags) -> str:
    """Screening findings in a few words ("disc history"), as every screen says them."""
    return ", ".join(_FLAG_WORDS.get(f, f.value) for f in sorted(flags))


def risky_for(athlete: Athlete, exercise: Exercise) -> frozenset[RiskFlag]:
    return athlete.flags & frozenset(exercise.risk_flags)


def caution_for(athlete: Athlete, exercise: Exercise,
                library: Library | None = None) -> Caution | None:
    """The caution a flagged athlete sees for an exercise, with the substitute: the
    trainer's choice, else the library's first one that is not risky for them too
    (the library is needed to know that; without it, its first)."""
    hits = risky_for(athlete, exercise)
    if not hits:
        return None
    why = risk_words(hits)
    text = exercise.cautions[0] if exercise.cautions else f"Caution ({why}): check with your coach."
    substitute = athlete.substitutions.get(exercise.slug)
    if substitute is None:
        offered = [s for s in exercise.substitutions
                   if library is None or (library.get(s) and not risky_for(athlete, library.get(s)))]
        substitute = offered[0] if offered else None
    return Caution(exercise.slug, text, substitute, why)


def check_substitute(athlete: Athlete, substitute: Exercise, replaces: Exercise) -> None:
    """Refuse a substitute that is risky for the athlete too (named by field)."""
    hits = risky_for(athlete, substitute)
    if hits:
        raise InvalidInput(f"{substitute.name} is risky for {athlete.name}'s {risk_words(hits)} "
                           f"too: it cannot stand in for {replaces.name}", "exercise")


def parse_substitute_prescription(text: str, units: Units, where: str = "prescription"
                                  ) -> SubstitutePrescription:
    """The trainer's prescription for a substitute as typed: any of reps (a whole
    number), a tempo (2-1-2-2) and a load (2kg, 5lb), e.g. "10 2-1-2-2 2kg"; empty:
    the library's defaults."""
    reps = tempo = load = None
    for word in text.replace(",", " ").split():
        if word.isdigit() and len(word) <= 3:  # four digits are a tempo (3110)
            reps = int(word)
            if not 1 <= reps <= 100:
                raise InvalidInput(f"{reps} reps is outside 1–100", where)
        elif word.lower().endswith(("kg", "lb", "lbs")):
            load = parse_load(word, units, where)
        else:
            parse_tempo(word, where)
            tempo = word
    return SubstitutePrescription(reps, tempo, load)
