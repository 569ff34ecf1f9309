"""Real playback: simpleaudio plays a set through ALSA's `file` plugin (no
sound card needed) and every cue is found in what ALSA received where the
plan says; a machine whose sound device cannot be opened gets an honest
"sound off" instead of a crash."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np

from backbeat.audio.check import compare_onsets, play_step_through_alsa
from backbeat.audio.render import render
from backbeat.audio.samples import RATE, load_sounds
from backbeat.engine.timeline import ClassPlan, SegmentKind, all_cue_sounds


def test_a_set_played_through_simpleaudio_lands_on_the_plan(sample_program, library, tmp_path):
    plan = ClassPlan(sample_program, 1, library)
    timeline = plan.timeline()
    sounds = load_sounds(all_cue_sounds())
    # a straight set of reps: phase tones, breath words, counts, ticks
    seg = next(s for s in timeline.segments if s.kind is SegmentKind.WORK and s.reps and s.reps >= 8)
    capture = play_step_through_alsa(plan, seg.step, tmp_path)
    assert capture.from_ms == timeline.step_start_ms(seg.step)
    assert capture.to_ms == timeline.step_start_ms(seg.step + 1)
    cues = timeline.cues_between(capture.from_ms, capture.to_ms)
    report = compare_onsets(capture.samples, cues, capture.from_ms, sounds)
    assert report.planned == len({c.t_ms for c in cues}) >= 20
    assert report.ok, report
    assert report.max_error_ms() <= 1.0
    # what the device got is the rendered buffer, sample for sample, from its first sample
    expected = render(cues, capture.from_ms, capture.to_ms, sounds)
    assert capture.samples.size == expected.size == (capture.to_ms - capture.from_ms) * RATE // 1000
    assert np.array_equal(capture.samples, expected)


NO_DEVICE = 'pcm.!default { type hw card 99 device 0 }\nctl.!default { type hw card 99 }\n'

PROBE = """
import json
from backbeat.audio.player import CuePlayer
player = CuePlayer()
player.probe()
print(json.dumps({"available": player.available, "reason": player.reason, "detail": player.detail}))
"""


def test_a_missing_sound_device_is_reported_not_raised(tmp_path):
    (tmp_path / ".asoundrc").write_text(NO_DEVICE)
    proc = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                          timeout=60, env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["available"] is False
    assert result["reason"] == "no sound device found"
    assert "PCM" in result["detail"]
