"""Programs as trainers write them: program › day › block › item (a prescription).

These models are also the ``backbeat.program/1`` file format: pydantic
validates every field, and :func:`check_program` checks what needs the
exercise library (unknown exercises, a side on a bilateral exercise …).
Every refusal names the path of the bad field, e.g.
``days[0].blocks[2].items[1].tempo``.
"""

from __future__ import annotations

import json
import math
import os
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
from backbeat.domain.names import Name
from backbeat.domain.prescription import tempo_in_force
from backbeat.domain.tempo import FAST_REP_WARNING_S, Phase, StartPhase, TempoField

PROGRAM_FORMAT = "backbeat.program/1"

#: Heaviest load the product accepts anywhere, kg. Nothing in a back class comes
#: close; a bigger number is a typo (900 for 90).
MAX_LOAD_KG = 300.0
MAX_SETS = 20
MAX_REPS = 100
MAX_HOLD_S = 600.0
MAX_REST_S = 900.0

#: Limits of a program file, checked before it can cost memory or time. The
#: sample program is 9 KB with 14 items; a month of classes fits many times over.
MAX_FILE_BYTES = 1_000_000
MAX_DAYS = 60
MAX_BLOCKS_PER_DAY = 30
MAX_ITEMS_PER_BLOCK = 30
MAX_CUES = 12
#: JSON values in the whole file, and how deeply they nest.
MAX_VALUES = 50_000
MAX_DEPTH = 12
#: Reps (or breath cycles, or holds) a day may ask of an athlete; a long class
#: is a few hundred.
MAX_REPS_PER_DAY = 3_000


class BlockKind(StrEnum):
    STRAIGHT = "straight"  # all sets of one item, then the next item
    SUPERSET = "superset"  # A1, A2, rest, repeat for the block's rounds
    CIRCUIT = "circuit"  # like a superset with three or more stations
    BREATH = "breath"  # paced breathing drills

    @property
    def grouped(self) -> bool:
        """Supersets and circuits run one set of each item a round."""
        return self in (BlockKind.SUPERSET, BlockKind.CIRCUIT)


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
    tempo: TempoField | None = None
    rest_s: float = Field(default=0, ge=0, le=MAX_REST_S)
    per_side: bool | None = None
    load: Load | None = None
    breath: dict[Phase, Breath] | None = None
    breath_pattern: str | None = None
    cues: list[str] = Field(default_factory=list, max_length=MAX_CUES)
    notes: str | None = None

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

    name: Name = Field(min_length=1, max_length=60)
    kind: BlockKind = BlockKind.STRAIGHT
    rounds: int | None = Field(default=None, ge=1, le=MAX_SETS)
    rest_s: float | None = Field(default=None, ge=0, le=MAX_REST_S)
    get_ready_s: float | None = Field(default=None, ge=0, le=120)
    items: list[Item] = Field(min_length=1, max_length=MAX_ITEMS_PER_BLOCK)

    @model_validator(mode="after")
    def _rounds_fit_kind(self) -> Block:
        grouped = self.kind.grouped
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

    name: Name = Field(min_length=1, max_length=80)
    get_ready_s: float = Field(default=10, ge=0, le=120)
    switch_sides_s: float = Field(default=5, ge=0, le=60)
    transition_s: float = Field(default=20, ge=0, le=300)
    blocks: list[Block] = Field(min_length=1, max_length=MAX_BLOCKS_PER_DAY)

    @model_validator(mode="after")
    def _not_endless(self) -> Day:
        reps = 0
        for block in self.blocks:
            for item in block.items:
                sets = block.rounds or item.sets
                reps += sets * (item.reps or item.cycles or 1) * (2 if item.per_side else 1)
        if reps > MAX_REPS_PER_DAY:
            raise ValueError(f"this day asks for {reps} reps; a class holds at most {MAX_REPS_PER_DAY}")
        return self


class Program(BaseModel):
    model_config = ConfigDict(extra="forbid")

    format: Literal["backbeat.program/1"] = PROGRAM_FORMAT
    name: Name = Field(min_length=1, max_length=80)
    description: str = ""
    days: list[Day] = Field(min_length=1, max_length=MAX_DAYS)

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


class _Odd:
    """What the JSON reader found instead of a value a program may hold."""

    def __init__(self, why: str):
        self.why = why


class _Object(dict):
    """A JSON object that had a key more than once."""

    repeated: list[str]


def _object(pairs: list[tuple[str, Any]]) -> dict:
    obj: dict = {}
    repeated = []
    for key, value in pairs:
        if key in obj:
            repeated.append(key)
        obj[key] = value
    if repeated:
        obj = _Object(obj)
        obj.repeated = repeated
    return obj


def _number(text: str) -> float | _Odd:
    value = float(text)
    return value if math.isfinite(value) else _Odd(f"{text} is too big a number")


def _integer(text: str) -> int | _Odd:
    if len(text.lstrip("-")) > 15:
        return _Odd(f"a {len(text.lstrip('-'))}-digit number is too big")
    return int(text)


def _constant(name: str) -> _Odd:
    return _Odd(f"{name} is not a number a program can hold")


def _oddities(data: Any) -> list[tuple[str, str]]:
    """Repeated keys, non-finite or huge numbers, too many or too deep values."""
    problems: list[tuple[str, str]] = []
    stack: list[tuple[Any, tuple[Any, ...]]] = [(data, ())]
    count = 0
    while stack and len(problems) < 20:
        value, loc = stack.pop()
        count += 1
        if count > MAX_VALUES:
            return [("", f"the file holds more than {MAX_VALUES:,} values; a program needs far fewer")]
        if len(loc) > MAX_DEPTH:
            problems.append((_path(loc), f"nested more than {MAX_DEPTH} levels deep"))
            continue
        if isinstance(value, _Odd):
            problems.append((_path(loc), value.why))
        elif isinstance(value, dict):
            for key in getattr(value, "repeated", ()):
                problems.append((_path((*loc, key)), "this key appears more than once in its object"))
            stack.extend((v, (*loc, k)) for k, v in reversed(value.items()))
        elif isinstance(value, list):
            stack.extend((v, (*loc, i)) for i, v in reversed(list(enumerate(value))))
    return problems


def parse_program(text: str | bytes, source: str = "program") -> Program:
    """Parse and validate a program file's text or bytes (the one reader of
    ``backbeat.program/1``: ``import``, ``plan`` and the trainer's Import… all
    come here). Raises :class:`ProgramFileError` naming what and where."""
    if len(text) > MAX_FILE_BYTES:
        raise ProgramFileError([("", f"the file is {len(text):,} bytes; a program file is at most "
                                     f"{MAX_FILE_BYTES:,}")], source)
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = text.count(b"\n", 0, exc.start) + 1
            raise ProgramFileError([(f"line {line} (byte {exc.start})",
                                     "not UTF-8 text: save the file as UTF-8")], source) from None
    try:
        data = json.loads(text, object_pairs_hook=_object, parse_float=_number,
                          parse_int=_integer, parse_constant=_constant)
    except json.JSONDecodeError as exc:
        raise ProgramFileError(
            [(f"line {exc.lineno} column {exc.colno}", f"not valid JSON ({exc.msg})")], source
        ) from None
    except RecursionError:
        raise ProgramFileError([("", f"nested more than {MAX_DEPTH} levels deep")], source) from None
    problems = _oddities(data)
    if problems:
        raise ProgramFileError(problems, source)
    return program_from_data(data, source)


def read_program_file(path: str | os.PathLike) -> Program:
    """A program file from disk; its size is checked before it is read."""
    where = os.fspath(path)
    try:
        with open(path, "rb") as f:
            size = os.fstat(f.fileno()).st_size
            if size > MAX_FILE_BYTES:
                raise ProgramFileError([("", f"the file is {size:,} bytes; a program file is at "
                                             f"most {MAX_FILE_BYTES:,}")], where)
            data = f.read(MAX_FILE_BYTES + 1)  # a pipe or a growing file stops here too
    except FileNotFoundError:
        raise InvalidInput("no such program file", where) from None
    except IsADirectoryError:
        raise InvalidInput("is a folder, not a program file", where) from None
    except OSError as exc:
        raise InvalidInput(f"cannot read the file ({exc.strerror or exc})", where) from None
    return parse_program(data, where)


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
                if item.reps is not None:
                    tempo = tempo_in_force(item.tempo, ex)
                    if tempo.rep_s <= FAST_REP_WARNING_S:
                        warnings.append(
                            f"{where}: {ex.name} at {tempo} is a {tempo.rep_s:g} s rep — "
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
