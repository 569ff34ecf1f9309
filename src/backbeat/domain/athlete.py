"""Athletes as the rules see them: who they are and what screening found."""

from __future__ import annotations

from dataclasses import dataclass, field

from backbeat.domain.exercise import Exercise, RiskFlag


@dataclass(frozen=True)
class Athlete:
    id: int
    name: str
    has_pin: bool = False
    flags: frozenset[RiskFlag] = frozenset()  # from screening: e.g. DISC for prior disc pathology
    #: the trainer's substitutions: exercise slug -> substitute slug
    substitutions: dict[str, str] = field(default_factory=dict)


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


def caution_for(athlete: Athlete, exercise: Exercise) -> Caution | None:
    hits = athlete.flags & set(exercise.risk_flags)
    if not hits:
        return None
    why = risk_words(hits)
    text = exercise.cautions[0] if exercise.cautions else f"Caution ({why}): check with your coach."
    substitute = athlete.substitutions.get(exercise.slug)
    if substitute is None and exercise.substitutions:
        substitute = exercise.substitutions[0]
    return Caution(exercise.slug, text, substitute, why)
