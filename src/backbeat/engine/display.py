"""What the session screen says at an instant, as plain data.

The TV widget only paints this; tests read it without a screen. Words follow
the gym: a pull's concentric is PULL, a held breath under load is BRACE.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from backbeat.domain.athlete import risk_words
from backbeat.domain.breath import Breath
from backbeat.domain.exercise import Laterality, Side
from backbeat.domain.prescription import Prescribed, Volume
from backbeat.domain.tempo import Phase
from backbeat.engine.runner import Now, RunState
from backbeat.engine.timeline import WORKING, Segment, SegmentKind, Timeline

MAX_CUES = 3


@dataclass(frozen=True)
class Display:
    mode: str  # "work", "hold", "breath", "rest", "get_ready", "switch_sides", "transition", "done"
    state: RunState
    exercise: str
    block: str
    block_number: int
    blocks_total: int
    set_text: str  # "SET 2 / 3"
    rep_text: str  # "REP 5 / 8", "CYCLE 2 / 6"
    side_text: str  # "LEFT", "RIGHT", ""
    big_label: str  # PULL, SQUEEZE, REST, GET READY, HOLD, INHALE …
    phase: Phase | None
    seconds_left: int  # whole seconds left in the segment, rounded up
    progress: float  # 0 → 1 through the segment
    breath_label: str  # INHALE / EXHALE / BRACE / HOLD / ""
    breath_level: float  # 0 (empty) → 1 (full): the breathing shape's size
    cues: tuple[str, ...] = ()
    next_title: str = ""  # during rests and get-ready: what comes next
    next_set: str = ""  # "Set 2 of 3 · Left side first"
    next_detail: str = ""  # the coming prescription
    elapsed_s: int = 0
    left_s: int = 0
    class_progress: float = 0.0
    prescription: str = ""  # "8 reps · 3-1-1-2 · 14 kg"
    cautions: tuple[str, ...] = field(default_factory=tuple)
    media: str | None = None  # the (coming) exercise's image or GIF from the library
    pattern: str = ""  # breath drills: "inhale 4 · exhale 6 · hold 2"


def _clock(seconds: float) -> int:
    return max(0, math.ceil(seconds - 1e-9))


def prescription_words(p: Prescribed, load: str = "") -> str:
    """An item's prescription as the TV writes it: "8 reps each side · 3-1-1-0 · 14 kg"."""
    parts = []
    if p.volume is Volume.REPS and p.reps:
        parts.append(f"{p.reps} reps" + (" each side" if p.each_side else ""))
        parts.append(p.tempo.notation())
    elif p.hold_s:
        parts.append(f"{p.hold_s:g} s hold")
    elif p.cycles:
        parts.append(f"{p.cycles} breaths")
    if load:
        parts.append(load)
    return " · ".join(parts)


def _prescription(timeline: Timeline, seg: Segment) -> str:
    if seg.item_index is None:
        return ""
    key = (seg.block_index, seg.item_index)
    p = timeline.prescriptions.get(key)
    if p is None:
        return ""
    item = timeline.items[key]
    return prescription_words(p, item.load.describe() if item.load else "")


def _breath(timeline: Timeline, seg: Segment, progress: float) -> tuple[str, float]:
    if seg.breath is None:
        return ("BREATHE" if seg.kind is SegmentKind.HOLD else "", 0.5)
    if seg.breath is Breath.INHALE:
        return "INHALE", progress
    if seg.breath is Breath.EXHALE:
        return "EXHALE", 1.0 - progress
    # a hold keeps the lungs where the previous breath left them
    level = 1.0
    for prev in reversed(timeline.segments[max(0, seg.index - 4) : seg.index]):
        if prev.breath is Breath.INHALE:
            level = 1.0
            break
        if prev.breath is Breath.EXHALE:
            level = 0.0
            break
    return ("HOLD" if seg.kind is SegmentKind.BREATH else "BRACE"), level


def describe(now: Now, timeline: Timeline) -> Display:
    seg = now.segment
    ended = now.state is RunState.ENDED or now.position_ms >= timeline.duration_ms
    blocks = timeline.blocks()
    duration = max(1, timeline.duration_ms)
    progress = 1.0 - now.segment_left_ms / seg.duration_ms if seg.duration_ms else 1.0
    common = dict(
        state=now.state,
        block=seg.block,
        block_number=seg.block_index + 1,
        blocks_total=len(blocks),
        elapsed_s=int(min(now.position_ms, duration) // 1000),
        left_s=_clock(now.class_left_ms / 1000),
        class_progress=min(1.0, now.position_ms / duration),
    )
    if ended:
        return Display(mode="done", exercise="Class complete", set_text="", rep_text="",
                       side_text="", big_label="WELL DONE", phase=None, seconds_left=0,
                       progress=1.0, breath_label="", breath_level=0.5, **common)
    ex = timeline.exercises.get(seg.exercise or "")
    breath_label, breath_level = _breath(timeline, seg, progress)
    between = seg.kind in (SegmentKind.REST, SegmentKind.GET_READY, SegmentKind.TRANSITION,
                           SegmentKind.SWITCH_SIDES)
    nxt = None
    if between:
        nxt = timeline.next_work(seg) if seg.kind is not SegmentKind.GET_READY else _first_work(timeline, seg)
    # between sets the cues are the coming exercise's: set up for it while resting
    cue_seg = nxt if nxt is not None else seg
    cue_ex = timeline.exercises.get(cue_seg.exercise or "")
    item = (timeline.items.get((cue_seg.block_index, cue_seg.item_index))
            if cue_seg.item_index is not None else None)
    cues: list[str] = []
    for cue in [*(item.cues if item else []), *(cue_ex.cues if cue_ex else [])]:
        if cue not in cues:
            cues.append(cue)
    next_title = next_set = next_detail = ""
    if nxt is not None:
        next_title = nxt.exercise_name or ""
        bits = [f"Set {nxt.set} of {nxt.sets}"] if nxt.set and nxt.sets and nxt.sets > 1 else []
        if nxt.side and nxt.kind is SegmentKind.WORK and cue_ex and \
                cue_ex.laterality is Laterality.UNILATERAL:
            bits.append("Left side first" if nxt.side is Side.LEFT else "Right side")
        next_set = " · ".join(bits)
        next_detail = _prescription(timeline, nxt)
    if ex is None:  # a rest or transition is named after what it leads to
        coming = nxt or _first_work(timeline, seg)
        shown = timeline.exercises.get(coming.exercise or "") if coming else None
    else:
        shown = ex
    rep_word = "BREATH" if seg.kind is SegmentKind.BREATH else "REP"
    return Display(
        mode=seg.kind.value,
        exercise=(ex.name if ex else (shown.name if shown else seg.block)),
        set_text=f"SET {seg.set} / {seg.sets}" if seg.set and seg.sets and seg.sets > 1 else "",
        rep_text=f"{rep_word} {seg.rep} / {seg.reps}" if seg.rep and seg.reps else "",
        side_text=seg.side.value.upper() if seg.side else "",
        big_label=seg.label or seg.kind.value.replace("_", " ").upper(),
        phase=seg.phase,
        seconds_left=_clock(now.segment_left_ms / 1000),
        progress=min(max(progress, 0.0), 1.0),
        breath_label=breath_label,
        breath_level=breath_level,
        cues=tuple(cues[:MAX_CUES]),
        next_title=next_title,
        next_set=next_set,
        next_detail=next_detail,
        prescription=_prescription(timeline, seg),
        cautions=_caution_words(timeline, cue_ex),
        media=cue_ex.media if cue_ex else None,
        pattern=(_pattern_words(timeline.prescriptions.get((cue_seg.block_index, cue_seg.item_index)))
                 if seg.kind is SegmentKind.BREATH else ""),
        **common,
    )


def _caution_words(timeline: Timeline, ex) -> tuple[str, ...]:
    """A risky exercise's caution in TV words: "Disc history: Bird dog instead"."""
    if ex is None or not ex.risk_flags:
        return ()
    why = risk_words(ex.risk_flags)
    if ex.substitutions:
        swap = timeline.exercises.get(ex.substitutions[0])
        name = swap.name if swap is not None else ex.substitutions[0].replace("-", " ").capitalize()
        what = f"{name} instead"
    else:
        what = "check with the coach"
    return (f"{why[:1].upper()}{why[1:]}: {what}",)


def _pattern_words(p: Prescribed | None) -> str:
    pattern = p.breath if p is not None else None
    if pattern is None:
        return ""
    words = [("in", pattern.inhale), ("hold", pattern.hold_in), ("out", pattern.exhale),
             ("hold", pattern.hold_out)]
    return " · ".join(f"{w} {s:g}" for w, s in words if s > 0)


def _first_work(timeline: Timeline, seg: Segment) -> Segment | None:
    for s in timeline.segments[seg.index :]:
        if s.kind in WORKING:
            return s
    return None
