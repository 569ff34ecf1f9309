"""The gym's equipment and the loads it can build: plate arithmetic, pure.

A gym records its bars (each with its weight), the plate pairs it has (a
pair is one plate for each side), the dumbbell rack's steps and its bands.
Plates, bars and dumbbells are labelled in kg or lb, each in its own unit, so a
gym with a 20 kg bar and 45 lb plates is described as it is.

:class:`LoadMenu` is every load one kind of equipment can make, lightest first,
each with how it is made (:class:`Build`): the bar plus plates on each side, a
dumbbell, a band. ``fit(target)`` says whether the target can be built and,
when not, the nearest loads below and above that can. Progression
(``domain/progression.py``) suggests only loads a menu holds; the kiosk shows
how to build a load and a warm-up ramp (:func:`warmup_ramp`).

Arithmetic is exact to a tenth of a gram (lb plates are not whole grams); a
load within :data:`TOLERANCE_KG` of a buildable one counts as that load, so a
stored 102.06 kg is the 225 lb the kiosk showed.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from backbeat.domain.exercise import EquipmentKind, Exercise
from backbeat.domain.program import MAX_LOAD_KG
from backbeat.domain.setlog import KG_PER_LB, Units

#: Two loads closer than this (10 g) are the same load at the rack.
TOLERANCE_KG = 0.01
#: The warm-up before a barbell working set: the bar, then these shares of the working load.
WARMUP_SHARES: tuple[float, ...] = (0.45, 0.65, 0.85)
_GRAIN = 10_000  # arithmetic units per kg (0.1 g)
_BUCKET = 50  # loads within 5 g share a slot while plate sums are enumerated


Kind = EquipmentKind  # what an exercise is loaded with (the library's ``equipment``)


def to_kg(value: float, unit: Units) -> float:
    return value if unit is Units.KG else value * KG_PER_LB


def _num(value: float) -> str:
    return f"{value:g}"


class Bar(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=40)
    weight: float = Field(ge=0, le=50)
    unit: Units = Units.KG

    @property
    def kg(self) -> float:
        return to_kg(self.weight, self.unit)

    def label(self) -> str:
        return f"{_num(self.weight)} {self.unit.value} {self.name}"


class PlatePair(BaseModel):
    """``pairs`` plates of ``weight`` for each side (a pair: one plate a side)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    weight: float = Field(gt=0, le=50)
    unit: Units = Units.KG
    pairs: int = Field(ge=1, le=20)

    @property
    def kg(self) -> float:
        return to_kg(self.weight, self.unit)


class Dumbbells(BaseModel):
    """The rack: one dumbbell of each weight (a pair on the rack counts as one step)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    unit: Units = Units.KG
    weights: tuple[float, ...] = ()

    @field_validator("weights")
    @classmethod
    def _positive_sorted(cls, value: tuple[float, ...]) -> tuple[float, ...]:
        for w in value:
            if not 0 < w <= MAX_LOAD_KG:
                raise ValueError(f"a dumbbell of {w:g} is not one: 0–{MAX_LOAD_KG:g}")
        return tuple(sorted(set(value)))


class Band(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=40)  # its colour, as the gym calls it
    resistance_kg: float = Field(gt=0, le=150)  # about what it adds at the working stretch


class Equipment(BaseModel):
    """What the gym has. Empty lists: not recorded, so any load goes."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    bars: tuple[Bar, ...] = ()
    plates: tuple[PlatePair, ...] = ()
    dumbbells: Dumbbells = Dumbbells()
    bands: tuple[Band, ...] = ()

    @model_validator(mode="after")
    def _unique(self) -> Equipment:
        names = [b.name.casefold() for b in self.bars]
        if len(names) != len(set(names)):
            raise ValueError("two bars have the same name")
        plates = [(p.weight, p.unit) for p in self.plates]
        if len(plates) != len(set(plates)):
            raise ValueError("a plate weight is listed twice: give it one row with its pairs")
        bands = [b.name.casefold() for b in self.bands]
        if len(bands) != len(set(bands)):
            raise ValueError("two bands have the same name")
        return self

    def bar(self, name: str | None = None) -> Bar | None:
        """The bar called ``name``, else the gym's first (its main bar)."""
        if name:
            for b in self.bars:
                if b.name.casefold() == name.casefold():
                    return b
        return self.bars[0] if self.bars else None

    def menu_for(self, exercise: Exercise) -> LoadMenu | None:
        """The loads an exercise can be done with here (its ``equipment`` and ``bar``)."""
        return self.menu(exercise.equipment, exercise.bar)

    def menu(self, kind: Kind | str | None, bar: str | None = None) -> LoadMenu | None:
        """The loads ``kind`` of equipment can make here; None when any load goes
        (machines, bodyweight, or the equipment is not recorded)."""
        kind = Kind(kind) if kind else None
        if kind is Kind.BARBELL:
            the_bar = self.bar(bar)
            return barbell_menu(the_bar, self.plates) if the_bar is not None else None
        if kind is Kind.DUMBBELL and self.dumbbells.weights:
            return dumbbell_menu(self.dumbbells)
        if kind is Kind.BAND and self.bands:
            return band_menu(self.bands)
        return None


@dataclass(frozen=True)
class Build:
    """One load and how it is made."""

    kg: float
    kind: Kind
    bar: Bar | None = None
    per_side: tuple[PlatePair, ...] = ()  # one entry per plate, heaviest first (pairs=1)
    item: str = ""  # the dumbbell or band as the rack labels it

    def describe(self) -> str:
        """Rack words: "Olympic bar 20 kg + 25 · 10 · 2.5 kg each side", "24 kg dumbbell", "green band"."""
        if self.kind is not Kind.BARBELL:
            return self.item
        assert self.bar is not None
        bar = f"{self.bar.name} {_num(self.bar.weight)} {self.bar.unit.value}"
        if not self.per_side:
            return f"{bar} only"
        return f"{bar} + {plates_text(self.per_side)} each side"

    def short(self) -> str:
        """For a warm-up line: "bar" or the plates on each side."""
        if self.kind is Kind.BARBELL and not self.per_side:
            return "bar"
        return self.describe()


def plates_text(plates: Sequence[PlatePair]) -> str:
    """"25 · 10 · 2.5 kg"; a unit is named after each run of plates labelled in it."""
    out: list[str] = []
    run: list[str] = []
    for i, p in enumerate(plates):
        run.append(_num(p.weight))
        if i + 1 == len(plates) or plates[i + 1].unit is not p.unit:
            out.append(f"{' · '.join(run)} {p.unit.value}")
            run = []
    return " + ".join(out)


@dataclass(frozen=True)
class Fit:
    """Whether a target load can be built: ``exact``, or the nearest ``below`` and ``above``."""

    target_kg: float
    exact: Build | None
    below: Build | None
    above: Build | None

    @property
    def buildable(self) -> bool:
        return self.exact is not None

    def nearest(self) -> Build | None:
        """The exact build, else the nearer of below/above (the lighter on a tie)."""
        if self.exact is not None:
            return self.exact
        if self.below is None or self.above is None:
            return self.below or self.above
        up = self.above.kg - self.target_kg
        down = self.target_kg - self.below.kg
        return self.above if up < down - 1e-9 else self.below


@dataclass(frozen=True)
class LoadMenu:
    """Every load one kind of equipment can make, lightest first."""

    kind: Kind
    builds: tuple[Build, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "_kgs", [b.kg for b in self.builds])

    @property
    def loads_kg(self) -> list[float]:
        return list(self._kgs)  # type: ignore[attr-defined]

    def fit(self, target_kg: float) -> Fit:
        kgs: list[float] = self._kgs  # type: ignore[attr-defined]
        i = bisect.bisect_left(kgs, target_kg - TOLERANCE_KG)
        if i < len(kgs) and abs(kgs[i] - target_kg) <= TOLERANCE_KG:
            exact = self.builds[i]
            below = self.builds[i - 1] if i > 0 else None
            above = self.builds[i + 1] if i + 1 < len(kgs) else None
            return Fit(target_kg, exact, below, above)
        below = self.builds[i - 1] if i > 0 else None
        above = self.builds[i] if i < len(kgs) else None
        return Fit(target_kg, None, below, above)

    def nearest(self, target_kg: float) -> Build | None:
        return self.fit(target_kg).nearest()

    def above(self, kg: float) -> Build | None:
        """The lightest load heavier than ``kg``."""
        fit = self.fit(kg)
        return fit.above

    def below(self, kg: float) -> Build | None:
        """The heaviest load lighter than ``kg``."""
        return self.fit(kg).below


def _units(kg: float) -> int:
    return round(kg * _GRAIN)


def _simpler(a: tuple[PlatePair, ...], b: tuple[PlatePair, ...]) -> bool:
    """Fewer plates, then heavier ones first (25 + 15, not 20 + 20)."""
    return (len(a), [-p.kg for p in a]) < (len(b), [-p.kg for p in b])


@lru_cache(maxsize=64)
def barbell_menu(bar: Bar, plates: tuple[PlatePair, ...], max_kg: float = MAX_LOAD_KG) -> LoadMenu:
    """Every total the bar can carry with ``plates`` loaded the same on both sides.

    Of the ways to make one total, the one with the fewest plates is kept
    (heavier plates first), as a lifter would load it.
    """
    side_cap = _units((max_kg - bar.kg) / 2) if max_kg > bar.kg else -1
    heaviest_first = sorted(plates, key=lambda p: -p.kg)
    # slot -> (sum in units, plates on one side)
    reach: dict[int, tuple[int, tuple[PlatePair, ...]]] = {0: (0, ())} if side_cap >= 0 else {}
    for pair in heaviest_first:
        one = pair.model_copy(update={"pairs": 1})
        w = _units(pair.kg)
        grown = dict(reach)
        for total, combo in reach.values():
            for k in range(1, pair.pairs + 1):
                s = total + k * w
                if s > side_cap:
                    break
                slot = round(s / _BUCKET)
                new = combo + (one,) * k
                old = grown.get(slot)
                if old is None or _simpler(new, old[1]):
                    grown[slot] = (s, new)
        reach = grown
    builds = sorted((Build(round(bar.kg + 2 * total / _GRAIN, 4), Kind.BARBELL, bar, combo)
                     for total, combo in reach.values()), key=lambda b: b.kg)
    return LoadMenu(Kind.BARBELL, tuple(builds))


@lru_cache(maxsize=16)
def dumbbell_menu(rack: Dumbbells) -> LoadMenu:
    builds = [Build(round(to_kg(w, rack.unit), 4), Kind.DUMBBELL,
                    item=f"{_num(w)} {rack.unit.value} dumbbell") for w in rack.weights]
    return LoadMenu(Kind.DUMBBELL, tuple(sorted(builds, key=lambda b: b.kg)))


@lru_cache(maxsize=16)
def band_menu(bands: tuple[Band, ...]) -> LoadMenu:
    builds = [Build(b.resistance_kg, Kind.BAND, item=f"{b.name} band") for b in bands]
    return LoadMenu(Kind.BAND, tuple(sorted(builds, key=lambda b: b.kg)))


def warmup_ramp(working_kg: float, menu: LoadMenu,
                shares: Iterable[float] = WARMUP_SHARES) -> list[Build]:
    """The warm-up sets before a barbell working set: the bar alone, then each
    share of the working load rounded to the nearest load the gym can build.

    Steps that round to the bar, to the previous step or to the working load
    itself are left out; a working load at or under the bar has no ramp.
    """
    if menu.kind is not Kind.BARBELL or not menu.builds:
        return []
    bar = menu.builds[0]
    if working_kg <= bar.kg + TOLERANCE_KG:
        return []
    ramp = [bar]
    for share in shares:
        step = menu.nearest(working_kg * share)
        if step is None or step.kg <= ramp[-1].kg + TOLERANCE_KG:
            continue
        if step.kg >= working_kg - TOLERANCE_KG:
            break
        ramp.append(step)
    return ramp


#: What a new gym starts from in the trainer's equipment tab (editable there).
STARTER_EQUIPMENT = Equipment(
    bars=(Bar(name="Olympic bar", weight=20), Bar(name="Women's bar", weight=15),
          Bar(name="EZ bar", weight=10)),
    plates=tuple(PlatePair(weight=w, pairs=n) for w, n in
                 ((25, 4), (20, 2), (15, 2), (10, 2), (5, 2), (2.5, 2), (1.25, 2))),
    dumbbells=Dumbbells(weights=(2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22.5, 25, 27.5, 30,
                                 32.5, 35, 37.5, 40)),
    bands=(Band(name="yellow", resistance_kg=5), Band(name="red", resistance_kg=10),
           Band(name="green", resistance_kg=15), Band(name="black", resistance_kg=25)),
)
