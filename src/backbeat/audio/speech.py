"""Spoken exercise names and cues: voice samples made from text, cached by text.

The timeline's speech cues (``engine/timeline.py``: "Next: single-arm dumbbell
row" in rests, a set's first cue before it starts) name their sample
``speech_<hash of the text>``. :func:`prepare` makes the missing ones with
espeak-ng, the way ``sounds/make_sounds.sh`` makes the other voices (en-us,
170 words a minute; leading and trailing silence trimmed so the word starts at
sample 0, a 20 ms fade, peaks at -3 dBFS, 44100 Hz mono 16-bit), into
``paths.cache_dir()/speech-v1/``, written to a temporary name and renamed.
Without espeak-ng nothing is made and :class:`Prepared` says so in words; the
class then runs with every other cue, and the renderer leaves out a speech cue
whose sample is not there (``render.render``) rather than failing.

:func:`with_speech` is the sample mapping the player renders from: the cue
sounds, and the speech samples read from the cache on first use.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import wave
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from backbeat.audio.samples import RATE, SoundFileError, read_sound
from backbeat.engine.timeline import speech_sound, speech_text
from backbeat.paths import cache_dir

if TYPE_CHECKING:
    import numpy as np

VOICE, SPEED = "en-us", 170
PEAK = 10 ** (-3 / 20)  # -3 dBFS, as the other voices
FADE_S = 0.02
#: Leading sound under this share of full scale is silence (make_sounds.sh: 0.5 %, tail 1 %).
HEAD_THRESHOLD, TAIL_THRESHOLD = 0.005, 0.01
#: A voice sample is refused past this length (a cue is a few words).
MAX_SECONDS = 8.0


def speech_dir() -> Path:
    path = cache_dir() / "speech-v1"
    path.mkdir(parents=True, exist_ok=True)
    return path


def espeak() -> str | None:
    return shutil.which("espeak-ng")


@dataclass
class Prepared:
    """What :func:`prepare` did."""

    made: list[str] = field(default_factory=list)
    cached: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    reason: str = ""  # why some were not made

    def note(self) -> str:
        """One line for the trainer or the command line."""
        parts = []
        if self.made:
            parts.append(f"{len(self.made)} spoken name{'s' * (len(self.made) != 1)} and cues made")
        if self.cached:
            parts.append(f"{len(self.cached)} already made")
        if self.missing:
            parts.append(f"{len(self.missing)} not made: {self.reason}; the TV says the class "
                         "without them")
        return "; ".join(parts) or "nothing to speak"


def sample_path(text: str, folder: Path | None = None) -> Path:
    return (folder or speech_dir()) / f"{speech_sound(text)}.wav"


def _to_rate(data: np.ndarray, rate: int) -> np.ndarray:
    import numpy as np  # here, not at the top: the TV's first frame does without it

    if rate == RATE:
        return data
    n = round(data.size * RATE / rate)
    return np.interp(np.arange(n) * (rate / RATE), np.arange(data.size), data).astype(np.float32)


def shape_voice(data: np.ndarray, rate: int) -> np.ndarray:
    """espeak-ng's output made a cue sample: 44100 Hz, trimmed to start at sample 0,
    faded out, peaks at -3 dBFS. Float32 in, int16 out."""
    import numpy as np

    data = _to_rate(np.asarray(data, dtype=np.float32), rate)
    peak = float(np.abs(data).max()) if data.size else 0.0
    if peak == 0.0:
        raise SoundFileError("the voice came out silent")
    loud = np.flatnonzero(np.abs(data) >= HEAD_THRESHOLD * 1.0)
    tail = np.flatnonzero(np.abs(data) >= TAIL_THRESHOLD * 1.0)
    data = data[loud[0]: tail[-1] + 1] if loud.size and tail.size else data
    if data.size / RATE > MAX_SECONDS:
        raise SoundFileError(f"the voice lasts {data.size / RATE:.1f} s; cues are at most "
                             f"{MAX_SECONDS:g} s")
    fade = min(data.size, round(FADE_S * RATE))
    data = data.copy()
    data[data.size - fade:] *= np.linspace(1.0, 0.0, fade, dtype=np.float32)
    data *= np.float32(PEAK / max(float(np.abs(data).max()), 1e-9))
    return np.clip(np.rint(data * 32767.0), -32768, 32767).astype(np.int16)


def synthesize(text: str, out: Path, *, program: str | None = None) -> None:
    """Speak ``text`` into the cue-format WAV ``out`` (atomically)."""
    import numpy as np

    program = program or espeak()
    if program is None:
        raise SoundFileError("espeak-ng is not installed (apt-get install espeak-ng)")
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "espeak.wav"
        try:
            subprocess.run([program, "-v", VOICE, "-s", str(SPEED), "-w", str(raw), "--", text],
                           check=True, capture_output=True, timeout=30)
        except (OSError, subprocess.SubprocessError) as exc:
            raise SoundFileError(f"espeak-ng could not speak {text!r} ({exc})") from None
        try:
            with wave.open(str(raw), "rb") as wav:
                rate, width, channels = wav.getframerate(), wav.getsampwidth(), wav.getnchannels()
                frames = wav.readframes(wav.getnframes())
        except (wave.Error, EOFError, OSError) as exc:
            raise SoundFileError(f"espeak-ng wrote no readable WAV ({exc})") from None
        if width != 2:
            raise SoundFileError(f"espeak-ng wrote {8 * width}-bit audio, not 16-bit")
        data = np.frombuffer(frames, dtype="<i2").astype(np.float32) / 32768.0
        if channels > 1:
            data = data.reshape(-1, channels).mean(axis=1)
        shaped = shape_voice(data, rate)
        part = out.with_suffix(f".{os.getpid()}.part")
        with wave.open(str(part), "wb") as wav:
            wav.setnchannels(1)
            wav.setsampwidth(2)
            wav.setframerate(RATE)
            wav.writeframes(shaped.astype("<i2").tobytes())
        part.replace(out)


def prepare(texts: Iterable[str], *, program: str | None = None,
            folder: Path | None = None) -> Prepared:
    """Make the voice samples of ``texts`` that are not cached yet (in ``folder``,
    default :func:`speech_dir`)."""
    done = Prepared()
    program = program or espeak()
    for text in dict.fromkeys(speech_text(t) for t in texts if t and t.strip()):
        path = sample_path(text, folder)
        if path.is_file():
            done.cached.append(text)
            continue
        if program is None:
            done.missing.append(text)
            done.reason = "espeak-ng is not installed (apt-get install espeak-ng)"
            continue
        try:
            synthesize(text, path, program=program)
            done.made.append(text)
        except SoundFileError as exc:
            done.missing.append(text)
            done.reason = str(exc)
    return done


def prepare_plan(plan) -> Prepared:
    """The voice samples a compiled class speaks (``ClassPlan.spoken_texts``)."""
    return prepare(plan.spoken_texts())


class SpeechSamples(Mapping):
    """The cue sounds, with speech samples read from the cache on first use.

    A speech sample that is not in the cache is simply not there (``in`` is
    False, ``get`` gives None): the renderer leaves its cue out.
    """

    def __init__(self, sounds: Mapping[str, np.ndarray], folder: Path | None = None):
        self._sounds = sounds
        self._folder = folder
        self._speech: dict[str, np.ndarray | None] = {}

    def _load(self, name: str) -> np.ndarray | None:
        if self._speech.get(name) is None:  # not made yet: looked for again (made meanwhile?)
            path = (self._folder or speech_dir()) / f"{name}.wav"
            try:
                self._speech[name] = read_sound(path) if path.is_file() else None
            except SoundFileError:
                self._speech[name] = None  # a damaged cache file: not spoken, never fatal
        return self._speech[name]

    def __getitem__(self, name: str) -> np.ndarray:
        if name in self._sounds:
            return self._sounds[name]
        if name.startswith("speech_"):
            sound = self._load(name)
            if sound is not None:
                return sound
        raise KeyError(name)

    def __contains__(self, name: object) -> bool:
        try:
            self[name]  # type: ignore[index]
        except KeyError:
            return False
        return True

    def __iter__(self) -> Iterator[str]:
        yield from self._sounds
        yield from (k for k, v in self._speech.items() if v is not None)

    def __len__(self) -> int:
        return len(self._sounds) + sum(v is not None for v in self._speech.values())


def with_speech(sounds: Mapping[str, np.ndarray]) -> SpeechSamples:
    return SpeechSamples(sounds)
