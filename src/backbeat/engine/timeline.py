"""Compile a program day into absolute-time segments and cue events.

Durations are held in integer milliseconds so that segments tile the class
exactly (no float sums); ``start_s``/``duration_s`` are views of them.

Rules of the compiled class (docs/architecture.md repeats them):
* A set whose exercise differs from the previous set's starts with a
  get-ready countdown (the day's ``get_ready_s``, or the block's).
* Blocks after the first start with a transition (the day's ``transition_s``).
* A per-side set runs left, a switch-sides pause, then right.
* Alternating exercises (bird dog) alternate sides rep by rep; reps count per side.
* A superset/circuit runs one set of each item per round, with a get-ready
  between items and the block's rest after each round but the last.
* Straight sets rest ``rest_s`` after every set, except after the last set
  of a block (a transition follows instead). A class never ends on a rest.

Spoken exercise names (cues of kind ``speech``, whose ``text`` is rendered to a
voice sample when the program is saved, ``audio/speech.py``): in the rest,
transition or get-ready before a set,
* "Next: <exercise name>" 1 s into the first of those segments that lasts at
  least 8 s, when the set is of another exercise than the set before it (or is
  the first of the class);
* the set's first cue (the program item's, else the library's) 6 s before the
  set starts, ahead of the 3-2-1, when the segment before the set lasts at
  least 9 s and the cue comes 3 s or more after the name;
so neither covers the set's own breath prompts or the countdown.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from enum import StrEnum

from backbeat.domain.breath import Breath, breath_for
from backbeat.domain.errors import InvalidInput
from backbeat.domain.exercise import Exercise, Library, Side
from backbeat.domain.prescription import Prescribed, prescribed
from backbeat.domain.program import Block, BlockKind, Day, Item, Program, check_program
from backbeat.domain.tempo import Phase


class SegmentKind(StrEnum):
    GET_READY = "get_ready"
    WORK = "work"
    REST = "rest"
    SWITCH_SIDES = "switch_sides"
    HOLD = "hold"
    BREATH = "breath"
    TRANSITION = "transition"


#: Segments of a set: work phases, a hold, a breathing drill.
WORKING = frozenset({SegmentKind.WORK, SegmentKind.HOLD, SegmentKind.BREATH})

#: Segments a coach may lengthen with "+15 s".
EXTENDABLE = frozenset({SegmentKind.REST, SegmentKind.GET_READY, SegmentKind.TRANSITION})


def to_ms(seconds: float) -> int:
    return round(seconds * 1000)


@dataclass(frozen=True)
class Segment:
    """A stretch of the class during which the screen's instruction is constant."""

    index: int
    start_ms: int
    duration_ms: int
    kind: SegmentKind
    step: int  # the coach's unit for next/back: a set (one side), a rest, a drill …
    block: str
    block_index: int
    item_index: int | None = None
    exercise: str | None = None  # library slug
    exercise_name: str | None = None
    set: int | None = None
    sets: int | None = None
    rep: int | None = None
    reps: int | None = None
    side: Side | None = None
    phase: Phase | None = None
    breath: Breath | None = None
    label: str = ""  # what the TV calls this moment: PULL, SQUEEZE, REST, INHALE …

    @property
    def start_s(self) -> float:
        return self.start_ms / 1000

    @property
    def duration_s(self) -> float:
        return self.duration_ms / 1000

    @property
    def end_ms(self) -> int:
        return self.start_ms + self.duration_ms

    def to_json(self) -> dict:
        return {
            "index": self.index,
            "start_s": self.start_s,
            "duration_s": self.duration_s,
            "kind": self.kind.value,
            "block": self.block,
            "block_index": self.block_index,
            "exercise": self.exercise,
            "exercise_name": self.exercise_name,
            "set": self.set,
            "sets": self.sets,
            "rep": self.rep,
            "reps": self.reps,
            "side": self.side.value if self.side else None,
            "phase": self.phase.value if self.phase else None,
            "breath": self.breath.value if self.breath else None,
            "label": self.label,
            "step": self.step,
        }


class CueKind(StrEnum):
    PHASE = "phase"  # a tempo phase starts
    TICK = "tick"  # each whole second inside a phase, hold or breath step
    VOICE = "voice"  # a spoken prompt
    COUNT = "count"  # a spoken number (rep count, countdown)
    BEEP = "beep"  # countdown beeps and final tone
    SPEECH = "speech"  # an exercise's name or cue, spoken from a voice sample made from its text


@dataclass(frozen=True)
class Cue:
    t_ms: int
    kind: CueKind
    sound: str  # file stem in sounds/ (speech: in the speech cache, see speech_sound)
    segment: int
    text: str | None = None  # what a speech cue says

    @property
    def t_s(self) -> float:
        return self.t_ms / 1000

    def to_json(self) -> dict:
        out = {"t_s": self.t_s, "kind": self.kind.value, "sound": self.sound, "segment": self.segment}
        if self.text is not None:
            out["text"] = self.text
        return out


def speech_text(text: str) -> str:
    """A text as it is spoken and cached: white space folded."""
    return " ".join(text.split())


def next_text(name: str) -> str:
    """ "Next: single-arm dumbbell row" — brackets left unsaid, 90/90 said as "90 90"."""
    name = re.sub(r"\s*\(.*?\)", "", name).replace("/", " ")
    return speech_text(f"Next: {name[:1].lower()}{name[1:]}")


def speech_sound(text: str) -> str:
    """The sample name of a spoken text: the same text, the same sample (cached by text)."""
    digest = hashlib.sha256(speech_text(text).encode("utf-8")).hexdigest()[:20]
    return f"speech_{digest}"


@dataclass(frozen=True)
class _Spec:
    """A segment before it is placed in time."""

    duration_ms: int
    kind: SegmentKind
    block: str
    block_index: int
    item_index: int | None = None
    exercise: Exercise | None = None
    set: int | None = None
    sets: int | None = None
    rep: int | None = None
    reps: int | None = None
    side: Side | None = None
    phase: Phase | None = None
    breath: Breath | None = None
    label: str = ""
    new_step: bool = False


@dataclass
class Timeline:
    """The placed class: segments tiling [0, duration) and the cues to sound."""

    program: str
    day: int
    day_name: str
    segments: list[Segment]
    cues: list[Cue]
    exercises: dict[str, Exercise] = field(default_factory=dict)
    items: dict[tuple[int, int], Item] = field(default_factory=dict)  # (block, item) -> prescription
    #: (block, item) -> the item as it runs (:func:`backbeat.domain.prescription.prescribed`)
    prescriptions: dict[tuple[int, int], Prescribed] = field(default_factory=dict)
    _starts: list[int] = field(default_factory=list, repr=False)
    _step_starts: list[int] = field(default_factory=list, repr=False)
    _blocks: list[tuple[str, int, int]] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self._starts = [s.start_ms for s in self.segments]
        firsts: dict[int, int] = {}
        for seg in self.segments:
            firsts.setdefault(seg.step, seg.index)
        self._step_starts = [firsts[k] for k in sorted(firsts)]

    @property
    def duration_ms(self) -> int:
        return self.segments[-1].end_ms if self.segments else 0

    @property
    def duration_s(self) -> float:
        return self.duration_ms / 1000

    def segment_at_ms(self, t_ms: float) -> Segment:
        """The segment playing at class time ``t_ms`` (the last one at or past the end)."""
        i = bisect.bisect_right(self._starts, t_ms) - 1
        return self.segments[min(max(i, 0), len(self.segments) - 1)]

    def step_start_ms(self, step: int) -> int:
        return self.segments[self._step_starts[step]].start_ms

    @property
    def step_count(self) -> int:
        return len(self._step_starts)

    def next_work(self, after: Segment) -> Segment | None:
        """The first segment of the next set (work, hold or drill) after ``after``'s step."""
        for seg in self.segments[after.index + 1 :]:
            if seg.step != after.step and seg.kind in WORKING:
                return seg
        return None

    def blocks(self) -> list[tuple[str, int, int]]:
        """(name, start_ms, end_ms) of each block, transitions counted with the block they lead to.

        Worked out once per timeline: the TV asks on every frame.
        """
        if self._blocks is None:
            spans: dict[int, list] = {}
            for seg in self.segments:
                span = spans.setdefault(seg.block_index, [seg.block, seg.start_ms, seg.end_ms])
                span[2] = seg.end_ms
            self._blocks = [tuple(v) for _, v in sorted(spans.items())]
        return self._blocks

    def cues_between(self, from_ms: int, to_ms: int) -> list[Cue]:
        return [c for c in self.cues if from_ms <= c.t_ms < to_ms]

    def to_json(self) -> dict:
        return {
            "program": self.program,
            "day": self.day,
            "day_name": self.day_name,
            "duration_s": self.duration_s,
            "segments": [s.to_json() for s in self.segments],
            "cues": [c.to_json() for c in self.cues],
        }


class ClassPlan:
    """A compiled day, before placement; :meth:`timeline` places it with the
    coach's extensions (extra ms per segment index) applied."""

    def __init__(self, program: Program, day: int, library: Library):
        check_program(program, library)
        self.program = program
        self.day_number = day
        self.day = program.day(day)
        self.library = library
        self.prescriptions = {
            (b, i): prescribed(item, library.get(item.exercise), block.rounds)
            for b, block in enumerate(self.day.blocks) for i, item in enumerate(block.items)}
        self.specs = _compile_day(self.day, self.prescriptions)
        if not self.specs:
            raise InvalidInput("the day has nothing to run", f"days[{day - 1}]")

    def timeline(self, extensions: dict[int, int] | None = None) -> Timeline:
        extensions = extensions or {}
        segments: list[Segment] = []
        t = 0
        step = -1
        for i, spec in enumerate(self.specs):
            if spec.new_step or step < 0:
                step += 1
            duration = spec.duration_ms + extensions.get(i, 0)
            ex = spec.exercise
            segments.append(
                Segment(
                    index=i,
                    start_ms=t,
                    duration_ms=duration,
                    kind=spec.kind,
                    step=step,
                    block=spec.block,
                    block_index=spec.block_index,
                    item_index=spec.item_index,
                    exercise=ex.slug if ex else None,
                    exercise_name=ex.name if ex else None,
                    set=spec.set,
                    sets=spec.sets,
                    rep=spec.rep,
                    reps=spec.reps,
                    side=spec.side,
                    phase=spec.phase,
                    breath=spec.breath,
                    label=spec.label,
                )
            )
            t += duration
        exercises = {s.exercise.slug: s.exercise for s in self.specs if s.exercise}
        return Timeline(
            program=self.program.name,
            day=self.day_number,
            day_name=self.day.name,
            segments=segments,
            cues=_cues(segments, self._speech()),
            exercises=exercises,
            items={(b, i): item for b, block in enumerate(self.day.blocks)
                   for i, item in enumerate(block.items)},
            prescriptions=self.prescriptions,
        )

    def _speech(self) -> dict[tuple[int, int], tuple[str, str | None]]:
        """(block, item) → the exercise's name and the set's first cue, as spoken."""
        out = {}
        for b, block in enumerate(self.day.blocks):
            for i, item in enumerate(block.items):
                ex = self.library.get(item.exercise)
                if ex is None:
                    continue
                cues = list(item.cues) or list(ex.cues)
                out[(b, i)] = (ex.name, cues[0] if cues else None)
        return out

    def spoken_texts(self) -> list[str]:
        """Every text the class speaks from a voice sample (what saving a program renders)."""
        texts = []
        for cue in self.timeline().cues:
            if cue.kind is CueKind.SPEECH and cue.text not in texts:
                texts.append(cue.text)
        return texts


class TimelineCache:
    """Compiled class days by a key that changes when the program does (say its
    source, name, day and last edit), each placed with the latest extensions:
    a reader asking every few seconds does not compile the class each time."""

    def __init__(self, size: int = 16):
        self.size = size
        self._plans: dict[tuple, tuple[ClassPlan, dict]] = {}

    def timeline(self, key: tuple, compile_plan: Callable[[], ClassPlan],
                 extensions: dict[int, int] | None = None) -> Timeline:
        if key not in self._plans:
            if len(self._plans) >= self.size:
                self._plans.clear()
            self._plans[key] = (compile_plan(), {})
        plan, placed = self._plans[key]
        ext_key = tuple(sorted((extensions or {}).items()))
        if ext_key not in placed:
            placed.clear()
            placed[ext_key] = plan.timeline(dict(ext_key))
        return placed[ext_key]


def compile_day(program: Program, day: int, library: Library) -> Timeline:
    return ClassPlan(program, day, library).timeline()


# --- compiling ---------------------------------------------------------------


@dataclass
class _Ctx:
    day: Day
    prescriptions: dict[tuple[int, int], Prescribed]
    specs: list[_Spec] = field(default_factory=list)
    last_exercise: str | None = None

    def add(self, spec: _Spec) -> None:
        if spec.duration_ms > 0:
            self.specs.append(spec)


def _compile_day(day: Day, prescriptions: dict[tuple[int, int], Prescribed]) -> list[_Spec]:
    ctx = _Ctx(day, prescriptions)
    for b, block in enumerate(day.blocks):
        if b > 0 and day.transition_s > 0:
            ctx.add(
                _Spec(
                    to_ms(day.transition_s),
                    SegmentKind.TRANSITION,
                    block.name,
                    b,
                    label="NEXT BLOCK",
                    new_step=True,
                )
            )
        if block.kind.grouped:
            rounds = block.rounds or 1
            for r in range(1, rounds + 1):
                for i, item in enumerate(block.items):
                    _set(ctx, block, b, i, item, r, rounds)
                if r < rounds and block.rest_s:
                    _rest(ctx, block, b, None, block.rest_s)
        else:
            for i, item in enumerate(block.items):
                for s in range(1, item.sets + 1):
                    _set(ctx, block, b, i, item, s, item.sets)
                    rest = item.rest_s if block.rest_s is None else block.rest_s
                    last_of_class = b == len(day.blocks) - 1 and i == len(block.items) - 1
                    if rest and not (s == item.sets and (last_of_class or i == len(block.items) - 1)):
                        _rest(ctx, block, b, i, rest)
    # A class never ends on a rest: trailing rests are dropped.
    while ctx.specs and ctx.specs[-1].kind is SegmentKind.REST:
        ctx.specs.pop()
    return ctx.specs


def _rest(ctx: _Ctx, block: Block, b: int, i: int | None, seconds: float) -> None:
    ctx.add(_Spec(to_ms(seconds), SegmentKind.REST, block.name, b, i, label="REST", new_step=True))


def _set(ctx: _Ctx, block: Block, b: int, i: int, item: Item, set_no: int, sets: int) -> None:
    p = ctx.prescriptions[(b, i)]
    ex = p.exercise
    if ex.slug != ctx.last_exercise:
        ready = block.get_ready_s if block.get_ready_s is not None else ctx.day.get_ready_s
        if ready > 0:
            ctx.add(
                _Spec(to_ms(ready), SegmentKind.GET_READY, block.name, b, i, ex, set_no, sets,
                      label="GET READY", new_step=True)
            )
    ctx.last_exercise = ex.slug
    base = _Spec(0, SegmentKind.WORK, block.name, b, i, ex, set_no, sets)

    if block.kind is BlockKind.BREATH:
        _breath_drill(ctx, base, p)
        return
    for n, side in enumerate(p.sides):
        if n > 0 and ctx.day.switch_sides_s > 0:
            ctx.add(replace(base, duration_ms=to_ms(ctx.day.switch_sides_s),
                            kind=SegmentKind.SWITCH_SIDES, side=side, label="SWITCH SIDES",
                            new_step=True))
        first = True
        if p.hold_s is not None:
            ctx.add(replace(base, duration_ms=to_ms(p.hold_s), kind=SegmentKind.HOLD,
                            side=side, label="HOLD", new_step=True))
            continue
        reps = p.reps or 1
        overrides = {k.value: v.value for k, v in (item.breath or {}).items()}
        rep_sides = p.rep_sides if p.alternating else (side,)
        for rep in range(1, reps + 1):
            for rep_side in rep_sides:
                for phase, seconds in p.phases:
                    ctx.add(replace(base, duration_ms=to_ms(seconds), rep=rep, reps=reps,
                                    side=rep_side, phase=phase,
                                    breath=breath_for(phase, overrides),
                                    label=ex.phase_label(phase), new_step=first))
                    first = False


def _breath_drill(ctx: _Ctx, base: _Spec, p: Prescribed) -> None:
    pattern = p.breath
    assert pattern is not None and p.cycles is not None  # check_program: drills in breath blocks
    cycles = p.cycles
    first = True
    for cycle in range(1, cycles + 1):
        for breath, seconds in pattern.steps():
            ctx.add(replace(base, duration_ms=to_ms(seconds), kind=SegmentKind.BREATH,
                            rep=cycle, reps=cycles, breath=breath,
                            label=breath.value.upper(), new_step=first))
            first = False


# --- cues ----------------------------------------------------------------------

_PHASE_SOUND = {
    Phase.ECCENTRIC: "phase_eccentric",
    Phase.CONCENTRIC: "phase_concentric",
    Phase.PAUSE_BOTTOM: "phase_pause",
    Phase.PAUSE_TOP: "phase_pause",
}
_BREATH_VOICE = {Breath.INHALE: "voice_inhale", Breath.EXHALE: "voice_exhale", Breath.HOLD: "voice_hold"}
#: Under load a held breath is a brace; in a breath drill it is a hold.
_WORK_BREATH_VOICE = {**_BREATH_VOICE, Breath.HOLD: "voice_brace"}
MAX_SPOKEN_NUMBER = 20


def _ticks(seg: Segment, out: list[Cue]) -> None:
    for k in range(1000, seg.duration_ms, 1000):
        out.append(Cue(seg.start_ms + k, CueKind.TICK, "tick", seg.index))


def _countdown(seg: Segment, out: list[Cue], sound: str | None = None, final: bool = True) -> None:
    """3-2-1 in the last three seconds (spoken or beeps), and a long tone at the end."""
    for k in (3, 2, 1):
        t = seg.end_ms - k * 1000
        if t >= seg.start_ms + 1000:
            out.append(
                Cue(t, CueKind.COUNT if sound is None else CueKind.BEEP,
                    f"count_{k}" if sound is None else sound, seg.index)
            )
    if final:
        out.append(Cue(seg.end_ms, CueKind.BEEP, "beep_long", seg.index))


def program_spoken_texts(program: Program, library: Library) -> list[str]:
    """Every text any day of ``program`` speaks (what saving it renders)."""
    texts: list[str] = []
    for day in range(1, len(program.days) + 1):
        try:
            plan = ClassPlan(program, day, library)
        except InvalidInput:
            continue  # a day with nothing to run speaks nothing
        texts += [t for t in plan.spoken_texts() if t not in texts]
    return texts


#: "Next: <name>" is said this far into a gap at least NEXT_MIN_MS long.
NEXT_AT_MS, NEXT_MIN_MS = 1000, 8000
#: The set's first cue is said this long before the set, when the gap's last segment lasts
#: at least FIRST_CUE_MIN_MS and the cue starts at least SPEECH_GAP_MS after the name.
FIRST_CUE_LEAD_MS, FIRST_CUE_MIN_MS, SPEECH_GAP_MS = 6000, 9000, 3000
_GAPS = (SegmentKind.REST, SegmentKind.TRANSITION, SegmentKind.GET_READY)
_SETS = (SegmentKind.WORK, SegmentKind.HOLD, SegmentKind.BREATH)


def _speech_cues(segments: list[Segment], speech: dict[tuple[int, int], tuple[str, str | None]],
                 out: list[Cue]) -> None:
    gap: list[Segment] = []
    last_exercise: str | None = None
    prev: Segment | None = None
    for seg in segments:
        if seg.kind in _GAPS:
            gap.append(seg)
        elif seg.kind in _SETS and (prev is None or prev.step != seg.step) and gap:
            words = speech.get((seg.block_index, seg.item_index or 0))
            if words is not None:
                name, first_cue = words
                next_at = None
                if seg.exercise != last_exercise:
                    room = next((g for g in gap if g.duration_ms >= NEXT_MIN_MS), None)
                    if room is not None:
                        next_at = room.start_ms + NEXT_AT_MS
                        text = next_text(name)
                        out.append(Cue(next_at, CueKind.SPEECH, speech_sound(text), room.index, text))
                last = gap[-1]
                cue_at = last.end_ms - FIRST_CUE_LEAD_MS
                if (first_cue and last.duration_ms >= FIRST_CUE_MIN_MS
                        and (next_at is None or cue_at >= next_at + SPEECH_GAP_MS)):
                    text = speech_text(first_cue)
                    out.append(Cue(cue_at, CueKind.SPEECH, speech_sound(text), last.index, text))
            gap = []
        elif seg.kind in _SETS:
            gap = []
        if seg.kind in _SETS:
            last_exercise = seg.exercise
        prev = seg


def _cues(segments: list[Segment],
          speech: dict[tuple[int, int], tuple[str, str | None]] | None = None) -> list[Cue]:
    out: list[Cue] = []
    if speech:
        _speech_cues(segments, speech, out)
    prev: Segment | None = None
    for seg in segments:
        t = seg.start_ms
        if seg.kind is SegmentKind.WORK:
            assert seg.phase is not None
            out.append(Cue(t, CueKind.PHASE, _PHASE_SOUND[seg.phase], seg.index))
            rep_start = _is_rep_start(prev, seg)
            first_rep = seg.rep == 1
            if first_rep and seg.breath is not None:
                # The first rep of each set teaches the breath, phase by phase.
                out.append(Cue(t, CueKind.VOICE, _WORK_BREATH_VOICE[seg.breath], seg.index))
            elif rep_start and seg.rep is not None and seg.reps is not None:
                if seg.rep == seg.reps and seg.reps > 1:
                    out.append(Cue(t, CueKind.VOICE, "voice_last_rep", seg.index))
                elif seg.rep <= MAX_SPOKEN_NUMBER:
                    out.append(Cue(t, CueKind.COUNT, f"count_{seg.rep}", seg.index))
            _ticks(seg, out)
        elif seg.kind is SegmentKind.HOLD:
            out.append(Cue(t, CueKind.VOICE, "voice_go", seg.index))
            _ticks(seg, out)
            _countdown(seg, out, sound="beep_short")
        elif seg.kind is SegmentKind.BREATH:
            assert seg.breath is not None
            out.append(Cue(t, CueKind.VOICE, _BREATH_VOICE[seg.breath], seg.index))
            _ticks(seg, out)
        elif seg.kind is SegmentKind.REST:
            out.append(Cue(t, CueKind.VOICE, "voice_rest", seg.index))
            _countdown(seg, out, sound="beep_short")
        elif seg.kind is SegmentKind.GET_READY:
            out.append(Cue(t, CueKind.VOICE, "voice_get_ready", seg.index))
            _countdown(seg, out, final=False)
        elif seg.kind is SegmentKind.SWITCH_SIDES:
            out.append(Cue(t, CueKind.VOICE, "voice_switch_sides", seg.index))
            _countdown(seg, out, final=False)
        elif seg.kind is SegmentKind.TRANSITION:
            out.append(Cue(t, CueKind.VOICE, "voice_next", seg.index))
            _countdown(seg, out, sound="beep_short", final=False)
        prev = seg
    if segments:
        out.append(Cue(segments[-1].end_ms, CueKind.VOICE, "voice_class_done", segments[-1].index))
    out.sort(key=lambda c: c.t_ms)
    return out


def _is_rep_start(prev: Segment | None, seg: Segment) -> bool:
    return (
        prev is None
        or prev.kind is not SegmentKind.WORK
        or prev.step != seg.step
        or prev.rep != seg.rep
        or prev.side != seg.side
    )


def all_cue_sounds() -> set[str]:
    """Every sound file stem a cue can name (tests check sounds/ has them all)."""
    sounds = {"tick", "beep_short", "beep_long", "voice_last_rep", "voice_class_done",
              "voice_go", "voice_rest", "voice_get_ready", "voice_switch_sides", "voice_next"}
    sounds |= set(_PHASE_SOUND.values()) | set(_BREATH_VOICE.values()) | set(_WORK_BREATH_VOICE.values())
    sounds |= {f"count_{n}" for n in range(1, MAX_SPOKEN_NUMBER + 1)}
    return sounds
