"""The exercise library: what each movement is and how a rep of it runs."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from backbeat.domain.breath import parse_breath_pattern
from backbeat.domain.names import Name, name_key
from backbeat.domain.tempo import Phase, StartPhase, TempoField

Slug = Annotated[str, Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=60)]


class Laterality(StrEnum):
    BILATERAL = "bilateral"
    UNILATERAL = "unilateral"  # one side at a time: per-side sets
    ALTERNATING = "alternating"  # sides alternate rep by rep (bird dog, dead bug)


class EquipmentKind(StrEnum):
    """What an exercise is loaded with; the gym's equipment (domain/equipment.py)
    says which loads each can make."""

    BARBELL = "barbell"
    DUMBBELL = "dumbbell"
    BAND = "band"
    MACHINE = "machine"  # a pin-loaded stack or cable: any load on its scale
    BODYWEIGHT = "bodyweight"


class Side(StrEnum):
    """The side of the body a set or a rep works (one-side work only)."""

    LEFT = "left"
    RIGHT = "right"


class RiskFlag(StrEnum):
    """Screening findings an exercise is risky for."""

    DISC = "disc"  # prior disc pathology: heavy, poorly controlled extension
    SHOULDER = "shoulder"


#: What the TV calls each phase when the library does not say.
DEFAULT_PHASE_LABELS: dict[StartPhase, dict[Phase, str]] = {
    StartPhase.CONCENTRIC: {
        Phase.CONCENTRIC: "PULL",
        Phase.PAUSE_TOP: "SQUEEZE",
        Phase.ECCENTRIC: "RETURN",
        Phase.PAUSE_BOTTOM: "STRETCH",
    },
    StartPhase.ECCENTRIC: {
        Phase.ECCENTRIC: "LOWER",
        Phase.PAUSE_BOTTOM: "PAUSE",
        Phase.CONCENTRIC: "LIFT",
        Phase.PAUSE_TOP: "SQUEEZE",
    },
    StartPhase.NONE: {},
}


class Exercise(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    slug: Slug
    name: Name = Field(min_length=1, max_length=80)
    pattern: str = Field(min_length=1, max_length=80)
    muscles: tuple[str, ...] = ()
    start: StartPhase
    laterality: Laterality = Laterality.BILATERAL
    default_tempo: TempoField | None = None
    #: what a set of it usually is when no program says (a substitute's set, open gym)
    default_reps: int | None = Field(default=None, ge=1, le=100)
    default_load_kg: float | None = Field(default=None, ge=0, le=300)
    phase_labels: dict[Phase, str] = Field(default_factory=dict)
    cues: tuple[str, ...] = ()
    cautions: tuple[str, ...] = ()
    risk_flags: tuple[RiskFlag, ...] = ()
    substitutions: tuple[str, ...] = ()
    breath_pattern: str | None = None
    media: str | None = None
    equipment: EquipmentKind | None = None
    bar: str | None = Field(default=None, max_length=40)  # barbell lifts: the bar's name, else the gym's first

    @field_validator("breath_pattern")
    @classmethod
    def _pattern_ok(cls, value: str | None) -> str | None:
        if value is not None:
            parse_breath_pattern(value)
        return value

    @model_validator(mode="after")
    def _drill_has_no_phases(self) -> Exercise:
        if self.breath_pattern and self.start is not StartPhase.NONE:
            raise ValueError("a breath drill has no rep phases: start must be 'none'")
        return self

    @property
    def is_breath_drill(self) -> bool:
        return self.breath_pattern is not None

    def phase_label(self, phase: Phase) -> str:
        if phase in self.phase_labels:
            return self.phase_labels[phase]
        labels = DEFAULT_PHASE_LABELS[self.start] or DEFAULT_PHASE_LABELS[StartPhase.ECCENTRIC]
        return labels[phase]


class Library(BaseModel):
    """A set of exercises looked up by slug (or by name, case-insensitively)."""

    model_config = ConfigDict(extra="forbid")

    format: str = Field(default="backbeat.library/1", pattern=r"^backbeat\.library/1$")
    exercises: list[Exercise]

    @model_validator(mode="after")
    def _unique_and_linked(self) -> Library:
        seen: set[str] = set()
        names: dict[str, str] = {}
        for ex in self.exercises:
            if ex.slug in seen:
                raise ValueError(f"exercise slug {ex.slug!r} appears twice")
            seen.add(ex.slug)
            other = names.setdefault(name_key(ex.name), ex.name)
            if other is not ex.name:
                raise ValueError(f"exercises {other!r} and {ex.name!r} have the same name")
        for ex in self.exercises:
            for sub in ex.substitutions:
                if sub not in seen:
                    raise ValueError(f"{ex.slug}: substitution {sub!r} is not in the library")
        return self

    def get(self, key: str) -> Exercise | None:
        """By slug, else by name (compared as :func:`~backbeat.domain.names.name_key`)."""
        for ex in self.exercises:
            if ex.slug == key:
                return ex
        wanted = name_key(key)
        for ex in self.exercises:
            if name_key(ex.name) == wanted:
                return ex
        return None

    def __contains__(self, key: str) -> bool:
        return self.get(key) is not None
