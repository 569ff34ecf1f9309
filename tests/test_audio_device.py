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


# simpleaudio's playback threads end each buffer by freeing its bookkeeping; 1.0.4 did it
# with PyMem_Free and no GIL, which corrupts the heap (the TV segfaulted minutes in).
# Python's debug allocator (-X dev) stops the process at the first such free.
BUFFERS_TO_THE_END = """
import sys, time
import simpleaudio
from backbeat.audio.player import SimpleaudioBackend
SimpleaudioBackend()  # this build is accepted
tone = bytes(2 * 441) * 3  # 30 ms each
plays = [simpleaudio.play_buffer(tone, 1, 2, 44100) for _ in range(6)]
junk = []
deadline = time.monotonic() + 20
while any(p.is_playing() for p in plays) and time.monotonic() < deadline:
    junk = [str(i) for i in range(200)]  # the GUI thread's allocations, meanwhile
plays[0].stop()
time.sleep(0.2)
print("played", sum(not p.is_playing() for p in plays))
"""


def test_simpleaudio_buffers_play_to_their_end_without_freeing_off_the_gil(tmp_path):
    from backbeat.audio.check import alsa_capture_env

    env, _ = alsa_capture_env(tmp_path)
    proc = subprocess.run([sys.executable, "-X", "dev", "-c", BUFFERS_TO_THE_END], env=env,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.split() == ["played", "6"]


def test_a_simpleaudio_build_that_frees_off_the_gil_is_refused(tmp_path, monkeypatch):
    from backbeat.audio import player

    old = tmp_path / "old.so"
    old.write_bytes(b"\x7fELF...\x00PyMem_Malloc\x00PyMem_Free\x00PyBuffer_Release\x00")
    patched = tmp_path / "patched.so"
    patched.write_bytes(b"\x7fELF...\x00PyMem_RawMalloc\x00PyMem_RawFree\x00PyBuffer_Release\x00")
    assert player.frees_without_the_gil(str(old))
    assert not player.frees_without_the_gil(str(patched))
    assert not player.frees_without_the_gil(str(tmp_path / "missing.so"))
    import simpleaudio

    monkeypatch.setattr(simpleaudio._simpleaudio, "__file__", str(old))
    cue_player = player.CuePlayer()
    assert not cue_player.available
    assert "simpleaudio" in cue_player.reason and "crash" in cue_player.reason
    monkeypatch.setattr(simpleaudio._simpleaudio, "__file__", str(patched))
    assert player.CuePlayer().available


def test_the_capture_child_reads_the_spoken_names_from_this_cache(tmp_path, monkeypatch):
    from backbeat.audio.check import alsa_capture_env
    from backbeat.paths import cache_dir

    monkeypatch.delenv("BACKBEAT_CACHE_DIR", raising=False)
    env, _ = alsa_capture_env(tmp_path / "child")
    assert env["HOME"] == str(tmp_path / "child")
    assert env["BACKBEAT_CACHE_DIR"] == str(cache_dir())  # not one under the child's HOME
