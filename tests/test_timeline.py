import json

import pytest

from backbeat.domain.exercise import Side
from backbeat.domain.program import parse_program
from backbeat.domain.tempo import Phase, StartPhase, rep_phases
from backbeat.engine.timeline import CueKind, SegmentKind, all_cue_sounds, compile_day
from backbeat.paths import sounds_dir


def program(*blocks, **day):
    return parse_program(json.dumps({
        "format": "backbeat.program/1", "name": "T",
        "days": [{"name": "D", "get_ready_s": 10, "switch_sides_s": 5, "transition_s": 20,
                  **day, "blocks": list(blocks)}],
    }))


def assert_tiles(tl):
    t = 0
    for i, seg in enumerate(tl.segments):
        assert seg.index == i
        assert seg.start_ms == t, f"gap or overlap before segment {i}"
        assert seg.duration_ms > 0
        t += seg.duration_ms
    assert t == tl.duration_ms


@pytest.mark.parametrize("day", [1, 2])
def test_sample_days_tile_and_follow_tempo(sample_program, library, day):
    tl = compile_day(sample_program, day, library)
    assert_tiles(tl)
    assert 20 * 60 < tl.duration_s < 50 * 60
    d = sample_program.days[day - 1]
    # every set's work phases follow the item's tempo in the exercise's order
    for seg_group in _sets(tl):
        first = seg_group[0]
        block = d.blocks[first.block_index]
        item = block.items[first.item_index]
        ex = library.get(item.exercise)
        tempo = item.tempo or ex.default_tempo  # parsed when the program was read
        expected = rep_phases(tempo, ex.start)
        by_rep = {}
        for seg in seg_group:
            by_rep.setdefault((seg.rep, seg.side), []).append((seg.phase, seg.duration_s))
        for phases in by_rep.values():
            assert phases == expected
    kinds = {s.kind for s in tl.segments}
    assert {SegmentKind.WORK, SegmentKind.REST, SegmentKind.GET_READY, SegmentKind.BREATH} <= kinds


def _sets(tl):
    groups = {}
    for seg in tl.segments:
        if seg.kind is SegmentKind.WORK:
            groups.setdefault(seg.step, []).append(seg)
    return list(groups.values())


def test_straight_sets_with_rest_between(library):
    tl = compile_day(program({"name": "Rows", "items": [
        {"exercise": "chest-supported-row", "sets": 3, "reps": 2, "tempo": "3-1-1-2", "rest_s": 60}]}),
        1, library)
    assert_tiles(tl)
    kinds = [s.kind for s in tl.segments]
    assert kinds[0] is SegmentKind.GET_READY
    assert kinds.count(SegmentKind.REST) == 2  # no rest after the class's last set
    work = [s for s in tl.segments if s.kind is SegmentKind.WORK]
    # a pull starts concentric: PULL 1 s, SQUEEZE 2 s, RETURN 3 s, pause 1 s
    assert [(s.phase, s.duration_s) for s in work[:4]] == [
        (Phase.CONCENTRIC, 1), (Phase.PAUSE_TOP, 2), (Phase.ECCENTRIC, 3), (Phase.PAUSE_BOTTOM, 1)]
    assert [s.breath.value for s in work[:4]] == ["exhale", "hold", "inhale", "hold"]
    assert tl.duration_s == 10 + 3 * (2 * 7) + 2 * 60


def test_hinge_starts_at_the_top(library):
    tl = compile_day(program({"name": "Hyper", "items": [
        {"exercise": "weighted-hyperextension", "reps": 1, "tempo": "4-1-1-1"}]}), 1, library)
    work = [s for s in tl.segments if s.kind is SegmentKind.WORK]
    assert [s.phase for s in work] == [Phase.ECCENTRIC, Phase.PAUSE_BOTTOM, Phase.CONCENTRIC, Phase.PAUSE_TOP]
    assert work[0].label == "LOWER"


def test_unilateral_sets_run_left_switch_right(library):
    tl = compile_day(program({"name": "SA row", "items": [
        {"exercise": "single-arm-dumbbell-row", "sets": 2, "reps": 3, "tempo": "3-1-1-1",
         "per_side": True, "rest_s": 30}]}), 1, library)
    assert_tiles(tl)
    runs = []
    for seg in tl.segments:
        key = (seg.kind, seg.side, seg.set)
        if not runs or runs[-1] != key:
            runs.append(key)
    W, S, R, G = SegmentKind.WORK, SegmentKind.SWITCH_SIDES, SegmentKind.REST, SegmentKind.GET_READY
    assert runs == [
        (G, None, 1), (W, Side.LEFT, 1), (S, Side.RIGHT, 1), (W, Side.RIGHT, 1), (R, None, None),
        (W, Side.LEFT, 2), (S, Side.RIGHT, 2), (W, Side.RIGHT, 2)]
    switch = next(s for s in tl.segments if s.kind is S)
    assert switch.duration_s == 5


def test_alternating_sides_rep_by_rep(library):
    tl = compile_day(program({"name": "Core", "items": [
        {"exercise": "bird-dog", "reps": 2, "tempo": "2-1-2-1"}]}), 1, library)
    reps = []
    for s in tl.segments:
        if s.kind is SegmentKind.WORK and (not reps or reps[-1] != (s.rep, s.side)):
            reps.append((s.rep, s.side))
    assert reps == [(1, Side.LEFT), (1, Side.RIGHT), (2, Side.LEFT), (2, Side.RIGHT)]


def test_superset_rounds_alternate_and_rest_between_rounds(library):
    tl = compile_day(program({"name": "A", "kind": "superset", "rounds": 3, "rest_s": 90,
                              "get_ready_s": 8, "items": [
        {"exercise": "band-pull-apart", "reps": 2, "tempo": "3-0-1-2"},
        {"exercise": "scapular-retraction-hold", "duration_s": 20}]}), 1, library)
    assert_tiles(tl)
    order = [(s.kind.value, s.exercise, s.set) for s in tl.segments
             if s.kind in (SegmentKind.HOLD, SegmentKind.REST) or (s.kind is SegmentKind.WORK and s.rep == 1 and s.phase is Phase.CONCENTRIC)]
    assert order == [
        ("work", "band-pull-apart", 1), ("hold", "scapular-retraction-hold", 1), ("rest", None, None),
        ("work", "band-pull-apart", 2), ("hold", "scapular-retraction-hold", 2), ("rest", None, None),
        ("work", "band-pull-apart", 3), ("hold", "scapular-retraction-hold", 3)]
    gets = [s for s in tl.segments if s.kind is SegmentKind.GET_READY]
    assert all(g.duration_s == 8 for g in gets) and len(gets) == 6
    hold = next(s for s in tl.segments if s.kind is SegmentKind.HOLD)
    assert hold.duration_s == 20 and hold.phase is None


def test_breath_drill_paces_cycles(library):
    tl = compile_day(program({"name": "Open", "kind": "breath", "items": [
        {"exercise": "box-breathing", "cycles": 3}]}), 1, library)
    drill = [s for s in tl.segments if s.kind is SegmentKind.BREATH]
    assert len(drill) == 12
    assert [s.breath.value for s in drill[:4]] == ["inhale", "hold", "exhale", "hold"]
    assert all(s.duration_s == 4 for s in drill)
    assert {s.phase for s in drill} == {None}
    assert drill[-1].rep == 3 and drill[-1].reps == 3


def test_transition_between_blocks(library):
    tl = compile_day(program(
        {"name": "A", "items": [{"exercise": "face-pull", "reps": 1}]},
        {"name": "B", "items": [{"exercise": "lat-pulldown", "reps": 1}]}), 1, library)
    kinds = [s.kind for s in tl.segments if s.kind is not SegmentKind.WORK]
    assert kinds == [SegmentKind.GET_READY, SegmentKind.TRANSITION, SegmentKind.GET_READY]


def test_cues_sit_on_segment_boundaries(sample_program, library):
    tl = compile_day(sample_program, 1, library)
    starts = {s.start_ms for s in tl.segments}
    for seg in tl.segments:
        if seg.kind is SegmentKind.WORK:
            sounds = {c.sound for c in tl.cues if c.t_ms == seg.start_ms and c.kind is CueKind.PHASE}
            assert len(sounds) == 1
    for cue in tl.cues:
        assert 0 <= cue.t_ms <= tl.duration_ms
        if cue.kind is CueKind.PHASE:
            assert cue.t_ms in starts
        if cue.kind is CueKind.TICK:
            seg = tl.segments[cue.segment]
            assert seg.start_ms < cue.t_ms < seg.end_ms and (cue.t_ms - seg.start_ms) % 1000 == 0
    concentric = {c.sound for c in tl.cues if c.kind is CueKind.PHASE
                  and tl.segments[c.segment].phase is Phase.CONCENTRIC}
    assert concentric == {"phase_concentric"}
    assert tl.cues[-1].sound == "voice_class_done"


def test_every_cue_sound_has_a_sample():
    have = {p.stem for p in sounds_dir().glob("*.wav")}
    assert all_cue_sounds() <= have, all_cue_sounds() - have


def test_isometric_start_phase_has_no_reps(library):
    ex = library.get("scapular-retraction-hold")
    assert ex.start is StartPhase.NONE and ex.default_tempo is None
