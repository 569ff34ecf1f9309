"""What the program editor tells the trainer while they type.

``review_program`` takes the editor's working document (the
``backbeat.program/1`` form, possibly half-typed) and returns the problems
that would refuse it — each with the path of the field — and the warnings
for what TRAINING.md calls noise, which never block a save:

* reps of about 2 s or less, high-rep sets (from :func:`check_program`);
* very high volume: too many reps of one exercise in a class, or in a day;
* a long class (the anti-example is a 45-minute burn);
* an exercise risky for an athlete's screening flags (heavy spinal extension
  with a disc history) while such athletes are on the roster.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from backbeat.domain.athlete import Athlete, caution_for
from backbeat.domain.exercise import Laterality, Library, RiskFlag
from backbeat.domain.program import (
    BlockKind,
    LoadKind,
    Program,
    ProgramFileError,
    check_program,
    program_from_data,
)

#: Reps of one exercise in one class (sets × reps, both sides counted) above
#: which the editor calls it high volume.
HIGH_ITEM_REPS = 80
#: Reps in one class day above which the editor calls it high volume.
HIGH_DAY_REPS = 300
#: Work sets in one day (rounds of supersets count per exercise) above which
#: the class is volume, not precision.
HIGH_DAY_SETS = 30

_FLAG_WORDS = {RiskFlag.DISC: "disc history", RiskFlag.SHOULDER: "shoulder history"}
_WHERE = re.compile(r"^(days\[\d+\](?:\.blocks\[\d+\](?:\.items\[\d+\])?)?): (.*)$", re.S)


@dataclass(frozen=True)
class Note:
    """A problem or a warning at a field: ``path`` like ``days[0].blocks[1].items[0].tempo``."""

    path: str
    text: str


@dataclass
class Review:
    program: Program | None  # None when the document does not validate
    problems: list[Note] = field(default_factory=list)
    warnings: list[Note] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def at(self, path: str) -> tuple[list[Note], list[Note]]:
        """Problems and warnings at exactly ``path``."""
        return ([n for n in self.problems if n.path == path],
                [n for n in self.warnings if n.path == path])

    def under(self, path: str) -> tuple[list[Note], list[Note]]:
        """Problems and warnings at ``path`` or any field below it."""
        def inside(n: Note) -> bool:
            return not path or n.path == path or n.path.startswith((path + ".", path + "["))

        return [n for n in self.problems if inside(n)], [n for n in self.warnings if inside(n)]


def review_program(doc: Any, library: Library, athletes: Iterable[Athlete] = ()) -> Review:
    try:
        program = program_from_data(doc)
    except ProgramFileError as exc:
        return Review(None, [Note(p, r) for p, r in exc.problems])
    try:
        checked = check_program(program, library)
    except ProgramFileError as exc:
        return Review(program, [Note(p, r) for p, r in exc.problems])
    review = Review(program)
    for text in checked:
        m = _WHERE.match(text)
        if m is None:
            review.warnings.append(Note("", text))
            continue
        path, what = m.groups()
        # put the item's warnings at the field that causes them
        if "fast reps" in what:
            path += ".tempo"
        elif "high-rep" in what:
            path += ".reps"
        review.warnings.append(Note(path, what))
    review.warnings += _volume(program, library)
    review.warnings += _risks(program, library, list(athletes))
    return review


def _volume(program: Program, library: Library) -> list[Note]:
    out = []
    for d, day in enumerate(program.days):
        day_reps = day_sets = 0
        for b, block in enumerate(day.blocks):
            if block.kind is BlockKind.BREATH:
                continue
            for i, item in enumerate(block.items):
                sets = block.rounds or item.sets
                day_sets += sets
                if item.reps is None:
                    continue
                ex = library.get(item.exercise)
                sides = 2 if ex and (item.per_side or ex.laterality is Laterality.ALTERNATING) else 1
                reps = sets * item.reps * sides
                day_reps += reps
                if reps > HIGH_ITEM_REPS:
                    name = ex.name if ex else item.exercise
                    out.append(Note(
                        f"days[{d}].blocks[{b}].items[{i}]",
                        f"{reps} reps of {name} in one class is high volume: "
                        "fewer, slower reps train the pattern"))
        if day_reps > HIGH_DAY_REPS:
            out.append(Note(f"days[{d}]", f"{day_reps} reps in one class is high volume: "
                                          "precision fades with fatigue"))
        if day_sets > HIGH_DAY_SETS:
            out.append(Note(f"days[{d}]", f"{day_sets} work sets in one class is high volume"))
    return out


def _risks(program: Program, library: Library, athletes: list[Athlete]) -> list[Note]:
    flagged = [a for a in athletes if a.flags]
    if not flagged:
        return []
    out = []
    for d, day in enumerate(program.days):
        for b, block in enumerate(day.blocks):
            for i, item in enumerate(block.items):
                ex = library.get(item.exercise)
                if ex is None or not ex.risk_flags:
                    continue
                who = []
                for athlete in flagged:
                    caution = caution_for(athlete, ex)
                    if caution is None:
                        continue
                    sub = library.get(caution.substitute) if caution.substitute else None
                    who.append(f"{athlete.name} (does {sub.name})" if sub else athlete.name)
                if not who:
                    continue
                flags = sorted({f for a in flagged for f in a.flags} & set(ex.risk_flags))
                why = ", ".join(_FLAG_WORDS.get(f, f.value) for f in flags)
                loaded = item.load is not None and item.load.kind is LoadKind.KG
                out.append(Note(
                    f"days[{d}].blocks[{b}].items[{i}].exercise",
                    f"{'loaded ' if loaded else ''}{ex.name} is risky with a {why}: "
                    f"{', '.join(who)} — check their substitution"))
    return out
