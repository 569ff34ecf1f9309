"""Screening before programming: spinal mobility, posture, left/right strength.

A screening's findings are kept as JSON in the store; :class:`Findings` is the
one place that reads and checks them. The disc-history flag lives on the
screening itself (it drives cautions and substitutions everywhere).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from backbeat.domain.errors import InvalidInput
from backbeat.domain.program import MAX_LOAD_KG

#: The spinal mobility tests a screening records, in the order the form shows them.
MOBILITY_TESTS: dict[str, str] = {
    "flexion": "Forward bend (flexion)",
    "extension": "Prone press-up (extension)",
    "rotation_left": "Seated rotation, left",
    "rotation_right": "Seated rotation, right",
    "side_bend": "Side bend",
}
#: A left/right strength difference this large (percent of the stronger side) is flagged.
IMBALANCE_FLAG_PCT = 10.0
MAX_TEXT = 2000


class Mobility(StrEnum):
    NOT_TESTED = "not tested"
    FULL = "full"
    LIMITED = "limited"
    PAINFUL = "painful"


@dataclass(frozen=True)
class Findings:
    mobility: dict[str, Mobility] = field(default_factory=dict)
    posture: str = ""
    strength_test: str = ""  # e.g. "single-arm row, 8 reps"
    left_kg: float | None = None
    right_kg: float | None = None

    def __post_init__(self) -> None:
        for test in self.mobility:
            if test not in MOBILITY_TESTS:
                raise InvalidInput(f"unknown mobility test {test!r} (tests: {', '.join(MOBILITY_TESTS)})",
                                   "mobility")
        for side, kg in (("left", self.left_kg), ("right", self.right_kg)):
            if kg is not None and not 0 <= kg <= MAX_LOAD_KG:
                raise InvalidInput(f"{kg:g} kg is outside 0–{MAX_LOAD_KG:g} kg", f"{side} strength")
        if len(self.posture) > MAX_TEXT:
            raise InvalidInput(f"posture notes are at most {MAX_TEXT} characters", "posture")

    @property
    def imbalance_pct(self) -> float | None:
        """(left − right) ÷ the stronger side, in percent; positive = left stronger."""
        if self.left_kg is None or self.right_kg is None or max(self.left_kg, self.right_kg) == 0:
            return None
        return (self.left_kg - self.right_kg) / max(self.left_kg, self.right_kg) * 100

    def imbalance_text(self) -> str:
        pct = self.imbalance_pct
        if pct is None:
            return "no left/right test"
        if abs(pct) < 0.5:
            return "left and right even"
        weaker = "right" if pct > 0 else "left"
        flag = " — imbalance" if abs(pct) >= IMBALANCE_FLAG_PCT else ""
        return f"{weaker} {abs(pct):.0f}% weaker{flag}"

    @property
    def limited(self) -> list[str]:
        return [MOBILITY_TESTS[t] + f": {m.value}" for t, m in self.mobility.items()
                if m in (Mobility.LIMITED, Mobility.PAINFUL)]

    def summary(self) -> str:
        parts = self.limited or ["mobility ok" if self.mobility else "mobility not tested"]
        parts.append(self.imbalance_text())
        return "; ".join(parts)

    def to_json(self) -> dict[str, Any]:
        return {"mobility": {k: v.value for k, v in self.mobility.items()}, "posture": self.posture,
                "strength_test": self.strength_test, "left_kg": self.left_kg,
                "right_kg": self.right_kg}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Findings:
        """Read stored findings, including the short form older records used
        (``spinal_flexion``, ``left_right_row_kg``)."""
        data = dict(data or {})
        mobility = {k: Mobility(v) for k, v in (data.get("mobility") or {}).items()}
        for key, value in data.items():
            if key.startswith("spinal_") and key.removeprefix("spinal_") in MOBILITY_TESTS:
                mobility.setdefault(key.removeprefix("spinal_"), Mobility(value))
        left, right = data.get("left_kg"), data.get("right_kg")
        test = data.get("strength_test", "")
        if "left_right_row_kg" in data and left is None and right is None:
            left, right = data["left_right_row_kg"]
            test = test or "single-arm row"
        return cls(mobility=mobility, posture=data.get("posture", ""), strength_test=test,
                   left_kg=None if left is None else float(left),
                   right_kg=None if right is None else float(right))
