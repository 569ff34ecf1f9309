"""The set-up's sound test: the cue set a class uses (get ready, the
countdown beeps, go, a tick, the phase sounds, a count, rest), about six
seconds, rendered exactly as a class renders it and played once."""

from __future__ import annotations

import numpy as np

from backbeat.audio.player import AudioBackend, Playback, SimpleaudioBackend
from backbeat.audio.render import render
from backbeat.audio.samples import RATE, load_sounds
from backbeat.engine.timeline import Cue, CueKind

#: (ms, kind, sound): what a class start sounds like, squeezed into a few seconds
CUE_SET = (
    (0, CueKind.VOICE, "voice_get_ready"),
    (1200, CueKind.BEEP, "beep_short"),
    (2200, CueKind.BEEP, "beep_short"),
    (3200, CueKind.BEEP, "beep_long"),
    (3300, CueKind.VOICE, "voice_go"),
    (4200, CueKind.PHASE, "phase_eccentric"),
    (4800, CueKind.TICK, "tick"),
    (5400, CueKind.PHASE, "phase_concentric"),
    (6000, CueKind.COUNT, "count_1"),
    (6800, CueKind.VOICE, "voice_rest"),
)


def cue_set_buffer(volume: float = 0.9) -> np.ndarray:
    """The sound test as int16 mono samples at :data:`RATE`."""
    cues = [Cue(t, kind, sound, 0) for t, kind, sound in CUE_SET]
    samples = load_sounds({c.sound for c in cues})
    end = max(t + 1000 * len(samples[s]) / RATE for t, _, s in CUE_SET)
    return render(cues, 0, end, samples, volume=volume)


def play_cue_set(backend: AudioBackend | None = None, volume: float = 0.9) -> Playback:
    """Play the sound test; raises AudioUnavailable (with the reason in the
    gym's words) when there is no sound library or device."""
    backend = backend if backend is not None else SimpleaudioBackend()
    return backend.play(cue_set_buffer(volume), RATE)
