"""Tempo notation: eccentric–pause–concentric–pause, as coaches write it.

``3-1-1-0`` (dashed, phases may have two digits: ``10-0-10-0``) and ``3110``
(compact, one character a phase) mean the same. ``X`` is explosive: as fast as
possible, which the timeline plays as :data:`EXPLOSIVE_PHASE_S` seconds.

The digits are always written eccentric first; the order a rep actually runs
in depends on the exercise (see :func:`rep_phases`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any

from pydantic import PlainSerializer, PlainValidator, WithJsonSchema

from backbeat.domain.errors import InvalidInput

#: Seconds the timeline gives an explosive ("X") phase. One second is what a
#: controlled-but-fast pull takes with a band or dumbbell; it keeps the cue
#: sounds of consecutive phases apart. Change here, or per call to parse().
EXPLOSIVE_PHASE_S = 1.0

#: Longest single phase accepted (a 10-0-10-0 "superslow" rep is the far end).
MAX_PHASE_S = 30

#: A rep this short or shorter is the "fast, sloppy" pattern the class avoids.
FAST_REP_WARNING_S = 2.0


class Phase(StrEnum):
    ECCENTRIC = "eccentric"
    PAUSE_BOTTOM = "pause_bottom"  # lengthened position, after the eccentric
    CONCENTRIC = "concentric"
    PAUSE_TOP = "pause_top"  # shortened position, after the concentric ("pause at the pull")


class StartPhase(StrEnum):
    """Where a rep of an exercise begins."""

    ECCENTRIC = "eccentric"  # hinges and extensions start at the top
    CONCENTRIC = "concentric"  # pulls start lengthened
    NONE = "none"  # isometric holds and breath drills have no rep phases


WRITTEN_ORDER = (Phase.ECCENTRIC, Phase.PAUSE_BOTTOM, Phase.CONCENTRIC, Phase.PAUSE_TOP)
_PAUSES = {Phase.PAUSE_BOTTOM, Phase.PAUSE_TOP}
_COMPACT = re.compile(r"^[0-9Xx]{4}$")


@dataclass(frozen=True)
class Tempo:
    """Four phase durations in seconds, in written order. ``explosive`` marks X phases."""

    eccentric: float
    pause_bottom: float
    concentric: float
    pause_top: float
    explosive: frozenset[Phase] = frozenset()
    text: str = ""

    def seconds(self, phase: Phase) -> float:
        return getattr(self, phase.value)

    @property
    def rep_s(self) -> float:
        return self.eccentric + self.pause_bottom + self.concentric + self.pause_top

    def notation(self) -> str:
        """Canonical dashed notation (``3-1-1-0``, ``X`` for explosive)."""
        parts = []
        for phase in WRITTEN_ORDER:
            if phase in self.explosive:
                parts.append("X")
            else:
                value = self.seconds(phase)
                parts.append(str(int(value)) if value == int(value) else str(value))
        return "-".join(parts)

    def __str__(self) -> str:
        return self.text or self.notation()


def parse_tempo(text: str, where: str = "tempo", explosive_s: float = EXPLOSIVE_PHASE_S) -> Tempo:
    """Parse ``3-1-1-0``, ``3110``, ``31X0`` or ``10-0-10-0``.

    Raises :class:`InvalidInput` naming the bad phase, e.g. for ``3-1-?-0``.
    """
    if not isinstance(text, str):
        raise InvalidInput(f"tempo must be text like '3-1-1-0', got {text!r}", where)
    raw = text.strip()
    if "-" in raw:
        parts = [p.strip() for p in raw.split("-")]
    elif _COMPACT.match(raw):
        parts = list(raw)
    else:
        raise InvalidInput(
            f"tempo {text!r} is not four phases: write it like '3-1-1-0' or '3110' "
            "(eccentric, pause, concentric, pause; X = explosive)",
            where,
        )
    if len(parts) != 4:
        raise InvalidInput(
            f"tempo {text!r} has {len(parts)} phases; it needs 4 "
            "(eccentric-pause-concentric-pause, e.g. '3-1-1-0')",
            where,
        )
    values: dict[Phase, float] = {}
    explosive: set[Phase] = set()
    for phase, part in zip(WRITTEN_ORDER, parts, strict=True):
        label = phase.value.replace("_", " ")
        if part.upper() == "X":
            if phase in _PAUSES:
                raise InvalidInput(
                    f"tempo {text!r}: the {label} cannot be X (explosive applies to "
                    "lowering or lifting, not to a pause)",
                    where,
                )
            explosive.add(phase)
            values[phase] = explosive_s
            continue
        if not part.isdigit():
            raise InvalidInput(
                f"tempo {text!r}: the {label} phase {part!r} is not a whole number of "
                "seconds or X",
                where,
            )
        seconds = int(part)
        if seconds > MAX_PHASE_S:
            raise InvalidInput(
                f"tempo {text!r}: a {seconds} s {label} is longer than {MAX_PHASE_S} s", where
            )
        values[phase] = float(seconds)
    if values[Phase.ECCENTRIC] + values[Phase.CONCENTRIC] <= 0:
        raise InvalidInput(f"tempo {text!r}: a rep needs time to lower and to lift", where)
    return Tempo(
        eccentric=values[Phase.ECCENTRIC],
        pause_bottom=values[Phase.PAUSE_BOTTOM],
        concentric=values[Phase.CONCENTRIC],
        pause_top=values[Phase.PAUSE_TOP],
        explosive=frozenset(explosive),
        text=raw,
    )


def _tempo_field(value: Any) -> Tempo:
    if isinstance(value, Tempo):
        return value
    try:
        return parse_tempo(value)
    except InvalidInput as exc:
        raise ValueError(exc.reason) from None


#: A tempo field of a model (an item's ``tempo``, an exercise's
#: ``default_tempo``): written as text in files and the database, held parsed,
#: so it is read once on its way from the file to the screen and the audio.
TempoField = Annotated[
    Tempo,
    PlainValidator(_tempo_field),
    PlainSerializer(str, return_type=str),
    WithJsonSchema({"type": "string"}),
]


def rep_phases(tempo: Tempo, start: StartPhase) -> list[tuple[Phase, float]]:
    """The phases of one rep in the order they are performed, with seconds.

    Zero-second phases are left out: they take no time and get no cue.
    Hinges and extensions start at the top (eccentric first); pulls start
    lengthened (concentric first, then the pause at the pull).
    """
    if start is StartPhase.CONCENTRIC:
        order = (Phase.CONCENTRIC, Phase.PAUSE_TOP, Phase.ECCENTRIC, Phase.PAUSE_BOTTOM)
    else:
        order = WRITTEN_ORDER
    return [(p, tempo.seconds(p)) for p in order if tempo.seconds(p) > 0]
