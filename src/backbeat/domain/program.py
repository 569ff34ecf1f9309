"""Programs as trainers write them: program › day › block › item (a prescription).

These models are also the ``backbeat.program/1`` file format: pydantic
validates every field, and :func:`check_program` checks what needs the
exercise library (unknown exercises, a side on a bilateral exercise …).
Every refusal names the path of the bad field, e.g.
``days[0].blocks[2].items[1].tempo``.
"""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from backbeat.domain.breath import Breath, parse_breath_pattern
from backbeat.domain.errors import InvalidInput
from backbeat.domain.exercise import Laterality, Library
from backbeat.domain.tempo import FAST_REP_WARNING_S, Phase, StartPhase, parse_tempo

PROGRAM_FORMAT = "backbeat.program/1"

#: Heaviest load the product accepts anywhere, kg. Nothing in a back class comes
#: close; a bigger number is a typo (900 for 90).
MAX_LOAD_KG = 300.0
MAX_SETS = 20
MAX_REPS = 100
MAX_HOLD_S = 600.0
MAX_REST_S = 900.0


class BlockKind(StrEnum):
    STRAIGHT = "straight"  # all sets of one item, then the next item
    SUPERSET = "superset"  # A1, A2, rest, repeat for the block's rounds
    CIRCUIT = "circuit"  # like a superset with three or more stations
    BREATH = "breath"  # paced breathing drills


class LoadKind(StrEnum):
    KG = "kg"
    BODYWEIGHT = "bodyweight"
    BAND = "band"
    RPE = "rpe"


class Load(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: LoadKind
    value: float | str | None = None

    @model_validator(mode="after")
    def _value_fits_kind(self) -> Load:
        if self.kind is LoadKind.KG:
            if not isinstance(self.value, int | float):
                raise ValueError("a kg load needs a number")
            if not 0 <= self.value <= MAX_LOAD_KG:
                raise ValueError(f"{self.value:g} kg is outside 0–{MAX_LOAD_KG:g} kg")
        elif self.kind is LoadKind.RPE:
            if not isinstance(self.value, int | float) or not 1 <= self.value <= 10:
                raise ValueError("an RPE load needs a number from 1 to 10")
        elif self.kind is LoadKind.BAND:
            if self.value not in ("light", "medium", "heavy", "extra-heavy"):
                raise ValueError("a band load is light, medium, heavy or extra-heavy")
        elif self.value is not None:
            raise ValueError("a bodyweight load takes no value")
        return self

    def describe(self) -> str:
        if self.kind is LoadKind.KG:
            return f"{self.value:g} kg"
        if self.kind is LoadKind.RPE:
            return f"RPE {self.value:g}"
        if self.kind is LoadKind.BAND:
            return f"{self.value} band"
        return "bodyweight"


class Item(BaseModel):
    """One prescription: an exercise with sets, reps or time, tempo, rest."""

    model_config = ConfigDict(extra="forbid")

    exercise: str = Field(min_length=1)
    sets: int = Field(default=1, ge=1, le=MAX_SETS)
    reps: int | None = Field(default=None, ge=1, le=MAX_REPS)
    duration_s: float | None = Field(default=None, gt=0, le=MAX_HOLD_S)
    cycles: int | None = Field(default=None, ge=1, le=60)
    tempo: str | None = None
    rest_s: float = Field(default=0, ge=0, le=MAX_REST_S)
    per_side: bool | None = None
    load: Load | None = None
    breath: dict[Phase, Breath] | None = None
    breath_pattern: str | None = None
    cues: list[str] = Field(default_factory=list)
    notes: str | None = None

    @field_validator("tempo")
    @classmethod
    def _tempo_ok(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                parse_tempo(value)
            except InvalidInput as exc:
                raise ValueError(exc.reason) from None
        return value

    @field_validator("breath_pattern")
    @classmethod
    def _pattern_ok(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                parse_breath_pattern(value)
            except InvalidInput as exc:
                raise ValueError(exc.reason) from None
        return value

    @model_validator(mode="after")
    def _one_volume(self) -> Item:
        given = [n for n in ("reps", "duration_s", "cycles") if getattr(self, n) is not None]
        if len(given) > 1:
            raise ValueError(f"give one of reps, duration_s or cycles, not {' and '.join(given)}")
        return self


class Block(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=60)
    kind: BlockKind = BlockKind.STRAIGHT
    rounds: int | None = Field(default=None, ge=1, le=MAX_SETS)
    rest_s: float | None = Field(default=None, ge=0, le=MAX_REST_S)
    get_ready_s: float | None = Field(default=None, ge=0, le=120)
    items: list[Item] = Field(min_length=1)

    @model_validator(mode="after")
    def _rounds_fit_kind(self) -> Block:
        grouped = self.kind in (BlockKind.SUPERSET, BlockKind.CIRCUIT)
        if grouped:
            if self.rounds is None:
                raise ValueError(f"a {self.kind.value} needs 'rounds'")
            if len(self.items) < 2:
                raise ValueError(f"a {self.kind.value} needs at least two items")
            for i, item in enumerate(self.items):
                if "sets" in item.model_fields_set and item.sets != 1:
                    raise ValueError(
                        f"items[{i}]: in a {self.kind.value} the block's rounds set the "
                        "sets; leave 'sets' out"
                    )
        elif self.rounds is not None:
            raise ValueError(f"'rounds' belongs to supersets and circuits, not a {self.kind.value} block")
        return self


class Day(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=80)
    get_ready_s: float = Field(default=10, ge=0, le=120)
    switch_sides_s: float = Field(default=5, ge=0, le=60)
    transition_s: float = Field(default=20, ge=0, le=300)
    blocks: list[Block] = Field(min_length=1)


class Program(BaseModel):
    model_config = ConfigDict(extra="forbid")

    format: Literal["backbeat.program/1"] = PROGRAM_FORMAT
    name: str = Field(min_length=1, max_length=80)
    description: str = ""
    days: list[Day] = Field(min_length=1)

    def to_document(self) -> dict[str, Any]:
        """The file form: defaults left out so that files stay short and round-trip."""
        doc = self.model_dump(mode="json", exclude_defaults=True)
        return {"format": PROGRAM_FORMAT, **doc}

    def day(self, number: int) -> Day:
        """Days are numbered from 1 as trainers count them."""
        if not 1 <= number <= len(self.days):
            raise InvalidInput(
                f"program {self.name!r} has days 1–{len(self.days)}, not {number}", "day"
            )
        return self.days[number - 1]


class ProgramFileError(InvalidInput):
    """A program file refused whole; ``problems`` lists every (path, reason)."""

    def __init__(self, problems: list[tuple[str, str]], source: str = "program"):
        self.problems = problems
        lines = [f"{path}: {reason}" if path else reason for path, reason in problems]
        super().__init__("\n  ".join(["refused, nothing was saved:", *lines]), source)


def _path(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def parse_program(text: str | bytes, source: str = "program") -> Program:
    """Parse and validate a program file's text. Raises :class:`ProgramFileError`."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ProgramFileError(
            [(f"line {exc.lineno} column {exc.colno}", f"not valid JSON ({exc.msg})")], source
        ) from None
    return program_from_data(data, source)


def program_from_data(data: Any, source: str = "program") -> Program:
    if not isinstance(data, dict):
        raise ProgramFileError([("", "a program file is a JSON object")], source)
    fmt = data.get("format")
    if fmt != PROGRAM_FORMAT:
        raise ProgramFileError(
            [("format", f"expected {PROGRAM_FORMAT!r}, found {fmt!r}")], source
        )
    try:
        return Program.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-after")))
            msg = err["msg"].removeprefix("Value error, ")
            value = err.get("input")
            if err["type"] not in ("missing", "model_type") and not isinstance(value, dict | list):
                msg = f"{msg} (got {value!r})"
            problems.append((_path(loc), msg))
        raise ProgramFileError(problems, source) from None


def check_program(program: Program, library: Library, source: str = "program") -> list[str]:
    """Refuse what needs the library to see; return warnings (noise, not errors)."""
    problems: list[tuple[str, str]] = []
    warnings: list[str] = []
    for d, day in enumerate(program.days):
        for b, block in enumerate(day.blocks):
            for i, item in enumerate(block.items):
                where = f"days[{d}].blocks[{b}].items[{i}]"
                ex = library.get(item.exercise)
                if ex is None:
                    problems.append((f"{where}.exercise", f"unknown exercise {item.exercise!r}"))
                    continue
                if block.kind is BlockKind.BREATH:
                    if not ex.is_breath_drill:
                        problems.append(
                            (f"{where}.exercise", f"{ex.name!r} is not a breath drill")
                        )
                    elif item.cycles is None and item.duration_s is None:
                        problems.append((where, "a breath drill needs 'cycles' or 'duration_s'"))
                    continue
                if ex.is_breath_drill:
                    problems.append(
                        (f"{where}.exercise", f"{ex.name!r} is a breath drill: put it in a breath block")
                    )
                    continue
                if item.cycles is not None:
                    problems.append((f"{where}.cycles", "cycles are for breath drills; use reps"))
                if item.reps is None and item.duration_s is None:
                    problems.append((where, "needs reps or duration_s"))
                if item.reps is not None and ex.start is StartPhase.NONE:
                    problems.append(
                        (f"{where}.reps", f"{ex.name!r} is a hold: prescribe duration_s, not reps")
                    )
                if item.per_side and ex.laterality is Laterality.BILATERAL:
                    problems.append(
                        (f"{where}.per_side", f"{ex.name!r} works both sides at once")
                    )
                tempo_text = item.tempo or ex.default_tempo
                if item.reps is not None and tempo_text:
                    tempo = parse_tempo(tempo_text)
                    if tempo.rep_s <= FAST_REP_WARNING_S:
                        warnings.append(
                            f"{where}: {ex.name} at {tempo_text} is a {tempo.rep_s:g} s rep — "
                            "fast reps are noise; slow the eccentric"
                        )
                if item.reps is not None and item.reps > 20:
                    warnings.append(f"{where}: {item.reps} reps of {ex.name} is high-rep volume")
    if problems:
        raise ProgramFileError(problems, source)
    return warnings


def program_json_schema() -> dict[str, Any]:
    """The published JSON Schema of ``backbeat.program/1`` (resources/schema/)."""
    schema = Program.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://backbeat.invalid/schema/backbeat.program-1.schema.json"
    schema["title"] = "Backbeat program (backbeat.program/1)"
    return schema
