"""Spoken exercise names and cues: where the timeline says them, the voice samples made
with espeak-ng and cached by text, a clear note without it, and the samples placed
sample-exact in the same track the TV plays."""

from __future__ import annotations

import json
import shutil
import wave

import numpy as np
import pytest

from backbeat.audio.render import render, sample_offset
from backbeat.audio.samples import RATE, load_sounds, read_sound
from backbeat.audio.speech import (
    Prepared,
    prepare,
    sample_path,
    shape_voice,
    speech_dir,
    with_speech,
)
from backbeat.domain.program import parse_program
from backbeat.engine.timeline import (
    ClassPlan,
    CueKind,
    SegmentKind,
    all_cue_sounds,
    next_text,
    speech_sound,
)


def test_espeak_is_there():
    """scripts/system-deps.sh installs espeak-ng with the runtime packages."""
    assert shutil.which("espeak-ng"), "espeak-ng missing: bash scripts/system-deps.sh runtime"


def program(rest_s=30, get_ready_s=10, cues=None, transition_s=20):
    item = {"exercise": "single-arm-dumbbell-row", "sets": 2, "reps": 2, "tempo": "1-0-1-0",
            "rest_s": rest_s, "per_side": True}
    if cues:
        item["cues"] = cues
    return parse_program(json.dumps({"format": "backbeat.program/1", "name": "Rows", "days": [{
        "name": "D", "get_ready_s": get_ready_s, "transition_s": transition_s, "blocks": [
            {"name": "A", "items": [item]},
            {"name": "B", "items": [{"exercise": "lat-pulldown", "sets": 1, "reps": 2,
                                     "tempo": "1-0-1-0"}]}]}]}), "test")


def speech(timeline):
    return [(c.t_ms, timeline.segments[c.segment].kind, c.text)
            for c in timeline.cues if c.kind is CueKind.SPEECH]


def test_the_timeline_says_the_next_exercise_in_rests_and_its_first_cue_before_the_set(library):
    tl = ClassPlan(program(), 1, library).timeline()
    said = speech(tl)
    rest = next(s for s in tl.segments if s.kind is SegmentKind.REST)
    second_get_ready = [s for s in tl.segments if s.kind is SegmentKind.GET_READY][1]
    assert said == [
        # the class's get-ready: the name 1 s in, the first cue 6 s before the set
        (1000, SegmentKind.GET_READY, "Next: single-arm dumbbell row"),
        (4000, SegmentKind.GET_READY, "Blade back and down first"),
        # the rest between sets of the same exercise: the cue only, ahead of the 3-2-1
        (rest.end_ms - 6000, SegmentKind.REST, "Blade back and down first"),
        # a new block: the name in the transition, the cue in the get-ready before the set
        (said[3][0], SegmentKind.TRANSITION, "Next: lat pulldown"),
        (second_get_ready.end_ms - 6000, SegmentKind.GET_READY, "Shoulders down first, then pull"),
    ]
    transition = next(s for s in tl.segments if s.kind is SegmentKind.TRANSITION)
    assert said[3][0] == transition.start_ms + 1000
    # never on a set's breath prompts nor on the countdown
    for t, _kind, _text in said:
        seg = tl.segment_at(t) if hasattr(tl, "segment_at") else next(
            s for s in tl.segments if s.start_ms <= t < s.end_ms)
        assert seg.kind in (SegmentKind.REST, SegmentKind.GET_READY, SegmentKind.TRANSITION)
        assert t <= seg.end_ms - 6000
    # the same text is the same sample
    assert len({c.sound for c in tl.cues if c.text == "Blade back and down first"}) == 1
    assert speech_sound("Blade  back and down first ") == speech_sound("Blade back and down first")


def test_short_gaps_say_nothing_and_the_programs_own_cue_comes_first(library):
    assert speech(ClassPlan(program(rest_s=5, get_ready_s=5, transition_s=5), 1,
                            library).timeline()) == []
    said = speech(ClassPlan(program(cues=["Elbow to the hip"]), 1, library).timeline())
    assert said[1][2] == "Elbow to the hip"
    # 8 s: room for the name, not for the cue as well
    said = speech(ClassPlan(program(rest_s=8, get_ready_s=8, transition_s=8), 1,
                            library).timeline())
    assert [x[2] for x in said] == ["Next: single-arm dumbbell row", "Next: lat pulldown"]
    assert next_text("Lat pulldown (depression first)") == "Next: lat pulldown"
    assert next_text("90/90 breathing") == "Next: 90 90 breathing"
    assert ClassPlan(program(), 1, library).spoken_texts() == [
        "Next: single-arm dumbbell row", "Blade back and down first", "Next: lat pulldown",
        "Shoulders down first, then pull"]


def test_the_plan_json_carries_what_is_said(library):
    cues = ClassPlan(program(), 1, library).timeline().to_json()["cues"]
    spoken = [c for c in cues if c["kind"] == "speech"]
    assert spoken[0] == {"t_s": 1.0, "kind": "speech", "sound": speech_sound(spoken[0]["text"]),
                         "segment": 0, "text": "Next: single-arm dumbbell row"}
    assert all("text" not in c for c in cues if c["kind"] != "speech")


def test_voice_samples_are_made_once_cached_by_text_and_placed_sample_exact(library):
    plan = ClassPlan(program(), 1, library)
    made = prepare(plan.spoken_texts())
    assert (len(made.made), made.cached, made.missing) == (4, [], [])
    assert made.note() == "4 spoken names and cues made"
    again = prepare(plan.spoken_texts() + ["Next: lat pulldown"])
    assert (again.made, len(again.cached)) == ([], 4)
    path = sample_path("Next: single-arm dumbbell row")
    assert path.parent == speech_dir() and path.is_file()
    with wave.open(str(path)) as w:
        assert (w.getframerate(), w.getnchannels(), w.getsampwidth()) == (RATE, 1, 2)
    voice = read_sound(path)
    assert 0.5 < voice.size / RATE < 3.0  # a few words
    assert abs(voice[0]) >= 0.004  # trimmed: the word starts at sample 0
    assert np.abs(voice).max() == pytest.approx(10 ** (-3 / 20), abs=0.01)
    # in the track: each spoken sample starts exactly at its cue's sample
    tl = plan.timeline()
    samples = with_speech(load_sounds(all_cue_sounds()))
    cue = next(c for c in tl.cues if c.kind is CueKind.SPEECH and c.t_ms > 0)
    start = cue.t_ms - 700
    track = render([cue], start, cue.t_ms + 3000, samples).astype(np.float32) / 32768
    at = sample_offset(cue.t_ms, start)
    assert not track[:at].any()
    expected = samples[cue.sound]
    assert np.allclose(track[at: at + expected.size], expected, atol=1.5 / 32768)


def test_without_espeak_a_clear_note_and_the_class_runs_on(library, monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    plan = ClassPlan(program(), 1, library)
    done = prepare(plan.spoken_texts())
    assert isinstance(done, Prepared) and done.made == [] and len(done.missing) == 4
    assert done.note() == ("4 not made: espeak-ng is not installed (apt-get install espeak-ng); "
                           "the TV says the class without them")
    # the track still renders: every other cue is there, the missing voices are left out
    tl = plan.timeline()
    samples = with_speech(load_sounds(all_cue_sounds()))
    track = render(tl.cues, 0, tl.duration_ms, samples)
    assert track.any()
    assert not any(c.sound in samples for c in tl.cues if c.kind is CueKind.SPEECH)
    # a damaged cache file is not fatal either
    bad = sample_path("Next: lat pulldown")
    bad.write_bytes(b"not a wav")
    assert speech_sound("Next: lat pulldown") not in with_speech({})


def test_shape_voice_trims_fades_and_levels():
    rate = 22050
    t = np.arange(rate) / rate
    raw = np.concatenate([np.zeros(2205), 0.3 * np.sin(2 * np.pi * 220 * t), np.zeros(4410)])
    out = shape_voice(raw.astype(np.float32), rate)
    assert out.dtype == np.int16
    assert abs(out.size - RATE) <= 4  # one second of tone, silence trimmed both ends
    assert abs(int(out[-1])) < 50  # faded out
    assert np.abs(out).max() == pytest.approx(32767 * 10 ** (-3 / 20), rel=0.01)


def test_saving_a_program_in_the_editor_makes_its_spoken_names(qtbot, db):
    from backbeat.ui.trainer.program_editor import ProgramEditor
    from backbeat.ui.trainer.window import TrainerContext

    editor = ProgramEditor(TrainerContext(db))
    qtbot.addWidget(editor)
    editor.dirty = True
    assert editor.save()
    worker = editor.speech._worker
    worker.join(180)  # about 50 ms a text with espeak-ng; far longer on a loaded machine
    assert not worker.is_alive()
    # the editor's timer looks for the result; looked for here too, so an event loop
    # another test left quitting cannot hide it
    editor.speech._poll()
    assert "Spoken:" in editor.banner.text(), editor.banner.text()
    assert "spoken names and cues made" in editor.banner.text()
    assert sample_path("Next: single-arm dumbbell row").is_file()
    assert editor.save()
    editor.speech._worker.join(180)
    editor.speech._poll()
    assert editor.speech.last_note.endswith("already made")
