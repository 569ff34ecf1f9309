"""Mix a class's cues into one buffer at exact sample offsets.

A cue at class time ``t_ms`` lands at sample ``round((t_ms - from_ms) * rate /
1000)`` of a buffer that starts at ``from_ms``, computed with exact fractions
(``t_ms`` is integer ms and 44100/1000 = 441/10), so nothing rounds twice and
nothing drifts over an hour. Sounds are mixed in float32, the volume applied,
peaks softly limited, and the result is signed 16-bit mono.

The same function makes what the TV plays and what ``backbeat render-audio``
writes.
"""

from __future__ import annotations

import math
import wave
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np

from backbeat.audio.samples import RATE, SoundFileError, load_sounds
from backbeat.domain.errors import InvalidInput
from backbeat.engine.timeline import Cue, CueKind, Timeline, all_cue_sounds

#: Above this level (of full scale) peaks are bent softly towards full scale
#: instead of clipping hard when sounds overlap.
LIMIT_KNEE = 0.8


def sample_offset(t_ms: float, from_ms: float, rate: int = RATE) -> int:
    """The sample at which class time ``t_ms`` falls in a buffer starting at ``from_ms``:
    ``round((t_ms - from_ms) * rate / 1000)``, exactly (half to even), in integers."""
    nt, dt = t_ms.as_integer_ratio()
    nf, df = from_ms.as_integer_ratio()
    return _round_div((nt * df - nf * dt) * rate, 1000 * dt * df)


def _round_div(n: int, d: int) -> int:
    """n / d rounded half to even, as Python's round() does (d > 0)."""
    q, r = divmod(n, d)
    if 2 * r > d or (2 * r == d and q % 2):
        q += 1
    return q


def soft_limit(x: np.ndarray, knee: float = LIMIT_KNEE) -> np.ndarray:
    """Identity up to ``knee``, then a tanh curve that approaches full scale smoothly."""
    over = np.abs(x) > knee
    if over.any():
        headroom = 1.0 - knee
        mag = np.abs(x[over])
        x[over] = np.sign(x[over]) * (knee + headroom * np.tanh((mag - knee) / headroom))
    return x


def render(cues: Iterable[Cue], from_ms: float, to_ms: float, samples: Mapping[str, np.ndarray],
           rate: int = RATE, volume: float = 1.0, late_from_ms: float | None = None,
           tails_from_ms: float | None = None) -> np.ndarray:
    """The cue track for class time [from_ms, to_ms) as int16 samples.

    Cues at ``from_ms`` ≤ t < ``to_ms`` are placed exactly (spoken names and
    cues too, from their voice samples; one whose sample was never made is
    left out); a cue that starts
    earlier is left out (no half-sounds), unless ``late_from_ms`` is given and
    ``late_from_ms`` ≤ t: such a cue was missed (the player started late) and
    plays whole at the buffer's start; or ``tails_from_ms`` ≤ t: such a cue
    sounded in the buffer this one takes over from, and what is left of it
    carries on exactly where it is.
    """
    if to_ms < from_ms:
        raise ValueError(f"render range ends ({to_ms} ms) before it starts ({from_ms} ms)")
    if not 0.0 <= volume <= 1.0:
        raise ValueError(f"volume {volume} is outside 0–1")
    n = sample_offset(to_ms, from_ms, rate)
    placed: list[tuple[int, np.ndarray]] = []
    for cue in cues:
        if from_ms <= cue.t_ms < to_ms:
            at = sample_offset(cue.t_ms, from_ms, rate)
        elif late_from_ms is not None and late_from_ms <= cue.t_ms < from_ms:
            at = 0
        elif tails_from_ms is not None and tails_from_ms <= cue.t_ms < from_ms:
            at = sample_offset(cue.t_ms, from_ms, rate)  # < 0: its tail
        else:
            continue
        try:
            sound = samples[cue.sound]
        except KeyError:
            if cue.kind is CueKind.SPEECH:
                continue  # its voice sample was never made (no espeak-ng): the class goes on
            raise SoundFileError(f"no sound file for cue {cue.sound!r} ({cue.sound}.wav)") from None
        if at < 0:
            sound, at = sound[-at:], 0
        if at < n and sound.size:
            placed.append((at, sound[: n - at]))
    placed.sort(key=lambda p: p[0])
    # A set is mostly silence: mix, level and convert only where sound was placed.
    out = np.zeros(n, dtype=np.int16)
    i = 0
    for a, b in _merged([(at, at + sound.size) for at, sound in placed]):
        part = np.zeros(b - a, dtype=np.float32)
        while i < len(placed) and placed[i][0] < b:
            at, sound = placed[i]
            part[at - a: at - a + sound.size] += sound
            i += 1
        if volume != 1.0:
            part *= np.float32(volume)
        soft_limit(part)
        out[a:b] = np.clip(np.rint(part * 32767.0), -32768, 32767)
    return out


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[list[int]] = []
    for a, b in sorted(spans):
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    return [(a, b) for a, b in merged]


def track_end_ms(timeline: Timeline, samples: Mapping[str, np.ndarray], rate: int = RATE) -> int:
    """When the last sound of the class has finished (the final voice rings past the class end)."""
    end = timeline.duration_ms
    for cue in timeline.cues:
        sound = samples.get(cue.sound)
        if sound is not None:
            end = max(end, cue.t_ms + math.ceil(sound.size * 1000 / rate))
    return end


def check_range(timeline: Timeline, from_s: float | None, to_s: float | None,
                samples: Mapping[str, np.ndarray]) -> tuple[int, int]:
    """``--from``/``--to`` in seconds → [from_ms, to_ms), refusing what makes no sense."""
    if any(v is not None and not math.isfinite(v) for v in (from_s, to_s)):
        raise InvalidInput("times must be numbers of seconds", "--from/--to")
    end_ms = track_end_ms(timeline, samples)
    start = 0 if from_s is None else round(from_s * 1000)
    stop = end_ms if to_s is None else round(to_s * 1000)
    length = f"the class with its final cue lasts {end_ms / 1000:g} s"
    if start < 0:
        raise InvalidInput(f"{from_s:g} s is before the class starts (0 s)", "--from")
    if stop < 0:
        raise InvalidInput(f"{to_s:g} s is before the class starts (0 s)", "--to")
    if start >= end_ms:
        raise InvalidInput(f"{from_s:g} s is past the end of the class ({length})", "--from")
    if stop > end_ms:
        raise InvalidInput(f"{to_s:g} s is past the end of the class ({length})", "--to")
    if start >= stop:
        raise InvalidInput(
            f"the range is empty: --from {start / 1000:g} s must be before --to {stop / 1000:g} s",
            "--from/--to")
    return start, stop


def write_wav(path: Path | str, buffer: np.ndarray, rate: int = RATE) -> None:
    with open(path, "wb") as f, wave.open(f, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(buffer.astype("<i2").tobytes())


def render_wav(timeline: Timeline, path: Path | str, from_s: float | None = None,
               to_s: float | None = None, volume: float = 1.0) -> tuple[int, int, int]:
    """Write the cue track of [from_s, to_s) (default: the whole class) as a WAV.

    Returns (from_ms, to_ms, samples written).
    """
    from backbeat.audio.speech import prepare, with_speech

    prepare(c.text for c in timeline.cues if c.kind is CueKind.SPEECH and c.text)
    samples = with_speech(load_sounds(all_cue_sounds()))
    start, stop = check_range(timeline, from_s, to_s, samples)
    buffer = render(timeline.cues_between(start, stop), start, stop, samples, volume=volume)
    write_wav(path, buffer)
    return start, stop, buffer.size
