"""Measuring the cue track, not assuming it: find where sounds begin in a
signal and compare with the plan, and capture what simpleaudio really plays
through ALSA's ``file`` plugin (works on a machine with no sound card).

Used by the tests and by ``benchmarks/bench_audio.py``.
"""

from __future__ import annotations

import bisect
import os
import pickle
import subprocess
import sys
import time
import wave
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from backbeat.audio.render import sample_offset
from backbeat.audio.samples import RATE
from backbeat.engine.timeline import ClassPlan, Cue, CueKind
from backbeat.paths import cache_dir

#: A sample louder than this (of 32767) is sound. Every cue sound's first
#: sample is louder (sounds/ trims leading silence), so the first loud sample
#: after a quiet stretch is where a cue begins.
ONSET_THRESHOLD = 100
#: Quiet needed before a loud sample counts as a new onset (5 ms).
ONSET_GAP = 220


def detect_onsets(signal: np.ndarray, threshold: int = ONSET_THRESHOLD,
                  gap: int = ONSET_GAP) -> np.ndarray:
    """Sample indices where sound begins after at least ``gap`` quiet samples."""
    loud = np.flatnonzero((signal > threshold) | (signal < -threshold))
    if loud.size == 0:
        return loud
    return loud[np.concatenate(([True], np.diff(loud) > gap))]


@dataclass
class OnsetReport:
    planned: int  # distinct planned onset instants
    found: int  # of those, found within the tolerance
    max_error_samples: int  # over the found ones
    missing: list[int] = field(default_factory=list)  # planned offsets not found
    unexplained: list[int] = field(default_factory=list)  # onsets where no cue sounds

    @property
    def ok(self) -> bool:
        return not self.missing and not self.unexplained

    def max_error_ms(self, rate: int = RATE) -> float:
        return self.max_error_samples * 1000 / rate


def _attack(sounds: list[np.ndarray], threshold: int) -> int:
    mix = np.zeros(max(s.size for s in sounds), dtype=np.float32)
    for s in sounds:
        mix[: s.size] += s
    loud = np.flatnonzero(np.abs(np.rint(mix * 32767.0)) > threshold)
    return int(loud[0]) if loud.size else 0


def compare_onsets(signal: np.ndarray, cues: Iterable[Cue], from_ms: float,
                   samples: Mapping[str, np.ndarray], rate: int = RATE,
                   tolerance: int = 1, threshold: int = ONSET_THRESHOLD) -> OnsetReport:
    """Find each planned cue in ``signal`` (which starts at class time ``from_ms``).

    Onsets are detected blind, then matched: every planned instant must have
    an onset within ``tolerance`` samples, and every onset must be a planned
    one or fall inside a sound already playing (a pause inside a spoken word).
    """
    n = signal.size
    spans = []
    groups: dict[int, list[str]] = {}
    for c in cues:
        at = sample_offset(c.t_ms, from_ms, rate)
        if c.kind is CueKind.SPEECH and c.sound not in samples:
            continue  # never made (no espeak-ng), so never rendered
        if 0 <= at < n:
            spans.append((at, at + samples[c.sound].size))
            groups.setdefault(at, []).append(c.sound)
    # Where each instant's sounds, mixed, first get loud: usually their first
    # sample, one later when two first samples nearly cancel.
    planned = sorted(at + _attack([samples[s] for s in sounds], threshold)
                     for at, sounds in groups.items())
    found = detect_onsets(signal, threshold).tolist()
    report = OnsetReport(planned=len(planned), found=0, max_error_samples=0)
    matched = set()
    for p in planned:
        i = bisect.bisect_left(found, p - tolerance)
        if i < len(found) and found[i] <= p + tolerance:
            report.found += 1
            report.max_error_samples = max(report.max_error_samples, abs(found[i] - p))
            matched.add(found[i])
        else:
            report.missing.append(p)
    for d in found:
        if d not in matched and not any(a < d < b for a, b in spans):
            report.unexplained.append(d)
    return report


# --- ALSA file capture ------------------------------------------------------------

ASOUNDRC = """# written by backbeat.audio.check: play into a WAV file, no sound card needed
pcm.!default {{
    type plug
    slave {{
        pcm "backbeat_capture"
        format S16_LE
        rate {rate}
        channels 1
    }}
}}
pcm.backbeat_capture {{
    type file
    slave.pcm "null"
    file "{path}"
    format "wav"
}}
"""


class CaptureError(RuntimeError):
    pass


def alsa_capture_env(home: Path, rate: int = RATE) -> tuple[dict[str, str], Path]:
    """An environment whose ALSA default device writes what is played to a WAV file."""
    home.mkdir(parents=True, exist_ok=True)
    out = home / "captured.wav"
    (home / ".asoundrc").write_text(ASOUNDRC.format(rate=rate, path=out))
    env = dict(os.environ, HOME=str(home))
    env.pop("ALSA_CONFIG_PATH", None)
    # the child's own HOME must not move its cache: it plays the spoken names made here
    env.setdefault("BACKBEAT_CACHE_DIR", str(cache_dir()))
    return env, out


def read_capture(path: Path, rate: int = RATE) -> np.ndarray:
    """The captured samples, after checking ALSA wrote the format it was told to."""
    if not path.is_file():
        raise CaptureError(f"{path}: ALSA wrote no capture file")
    with wave.open(str(path), "rb") as wav:
        params = (wav.getframerate(), wav.getnchannels(), wav.getsampwidth())
        if params != (rate, 1, 2):
            raise CaptureError(f"{path}: captured {params}, expected ({rate} Hz, mono, 16-bit)")
        return np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2")


@dataclass
class StepCapture:
    samples: np.ndarray  # what ALSA received, from the step's start
    from_ms: int
    to_ms: int
    wall_s: float  # how long the playing process took


def play_step_through_alsa(plan: ClassPlan, step: int, home: Path, *, timeout_s: float = 120,
                           rate: int = RATE) -> StepCapture:
    """Run a class at ``step``'s start in a child process whose sound device is
    ALSA's file plugin; the real :class:`CuePlayer` and simpleaudio play it."""
    env, out = alsa_capture_env(home, rate)
    plan_file = home / "plan.pickle"
    plan_file.write_bytes(pickle.dumps(plan))
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "backbeat.audio.check", str(plan_file), str(step), str(timeout_s)],
        env=env, capture_output=True, text=True, timeout=timeout_s + 30)
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        raise CaptureError(f"playing step {step} failed (exit {proc.returncode}): "
                           f"{proc.stdout.strip()} {proc.stderr.strip()[-2000:]}")
    from_ms, to_ms = (int(v) for v in proc.stdout.split())
    return StepCapture(read_capture(out, rate), from_ms, to_ms, wall)


def _child(plan_file: str, step: str, timeout_s: str) -> int:
    from backbeat.audio.player import CuePlayer, SimpleaudioBackend, step_span
    from backbeat.audio.samples import load_sounds
    from backbeat.engine.clock import FakeClock
    from backbeat.engine.runner import ClassRunner
    from backbeat.engine.timeline import all_cue_sounds

    plan = pickle.loads(Path(plan_file).read_bytes())
    runner = ClassRunner(plan, FakeClock())
    start, end = step_span(runner.timeline, int(step), None)
    runner.seek_ms(start)
    runner.play()
    player = CuePlayer(SimpleaudioBackend())
    player.follow(runner)
    if not player.available:
        print(f"audio unavailable: {player.reason}", file=sys.stderr)
        return 3
    deadline = time.monotonic() + float(timeout_s)
    while player.is_playing():  # waiting for the device to finish, not timing anything
        if time.monotonic() > deadline:
            print("playback did not finish in time", file=sys.stderr)
            return 4
        time.sleep(0.01)
    _, end = step_span(runner.timeline, int(step), load_sounds(all_cue_sounds()))
    print(start, end)
    return 0


if __name__ == "__main__":
    sys.exit(_child(*sys.argv[1:4]))
