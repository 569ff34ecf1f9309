"""Breath tied to the movement, and paced breathing drills.

Exhale through the exertion (the concentric, the pull), inhale on the return
(the eccentric), brace/hold in the pauses. A prescription may override any
phase's breath.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from backbeat.domain.errors import InvalidInput
from backbeat.domain.tempo import Phase


class Breath(StrEnum):
    INHALE = "inhale"
    EXHALE = "exhale"
    HOLD = "hold"


DEFAULT_BREATH: dict[Phase, Breath] = {
    Phase.ECCENTRIC: Breath.INHALE,
    Phase.PAUSE_BOTTOM: Breath.HOLD,
    Phase.CONCENTRIC: Breath.EXHALE,
    Phase.PAUSE_TOP: Breath.HOLD,
}


def breath_for(phase: Phase, overrides: dict[str, str] | None = None) -> Breath:
    if overrides and phase.value in overrides:
        return Breath(overrides[phase.value])
    return DEFAULT_BREATH[phase]


@dataclass(frozen=True)
class BreathPattern:
    """One breathing cycle: inhale, hold (full), exhale, hold (empty), in seconds."""

    inhale: float
    hold_in: float
    exhale: float
    hold_out: float

    def steps(self) -> list[tuple[Breath, float]]:
        steps = [
            (Breath.INHALE, self.inhale),
            (Breath.HOLD, self.hold_in),
            (Breath.EXHALE, self.exhale),
            (Breath.HOLD, self.hold_out),
        ]
        return [(b, s) for b, s in steps if s > 0]

    @property
    def cycle_s(self) -> float:
        return self.inhale + self.hold_in + self.exhale + self.hold_out

    def notation(self) -> str:
        return "-".join(f"{v:g}" for v in (self.inhale, self.hold_in, self.exhale, self.hold_out))


#: Named drills that open and close a class.
BREATH_PATTERNS: dict[str, BreathPattern] = {
    "box": BreathPattern(4, 4, 4, 4),
    "long_exhale": BreathPattern(4, 0, 7, 0),
    "90_90": BreathPattern(4, 0, 6, 2),
}


_DURATION = re.compile(r"[0-9]{1,2}(\.[0-9]{1,3})?")


def parse_breath_pattern(value: str, where: str = "breath_pattern") -> BreathPattern:
    """A named pattern (``box``) or four numbers ``4-4-4-4`` (inhale-hold-exhale-hold)."""
    if value in BREATH_PATTERNS:
        return BREATH_PATTERNS[value]
    parts = value.split("-")
    # plain decimals only: float() would also take "nan", "inf", "1e3" and "٤"
    numbers = [float(p) for p in parts if _DURATION.fullmatch(p)]
    if len(numbers) != 4 or any(n < 0 or n > 30 for n in numbers):
        names = ", ".join(sorted(BREATH_PATTERNS))
        raise InvalidInput(
            f"breath pattern {value!r} is neither a named drill ({names}) nor four "
            "durations 0–30 s like '4-4-4-4' (inhale-hold-exhale-hold)",
            where,
        )
    if numbers[0] <= 0 or numbers[2] <= 0:
        raise InvalidInput(f"breath pattern {value!r} needs an inhale and an exhale", where)
    return BreathPattern(*numbers)
