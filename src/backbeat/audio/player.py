"""Play the cue track along with a running class (no Qt).

The simpleaudio backend (the stream in ``stream.py`` is preferred when
PortAudio is there; ``docs/architecture.md`` says when each is chosen). Each
step's cues (a set on one side, a rest, a drill) are rendered into one buffer
at exact sample offsets from the current class position to the step's end,
and that buffer plays. The next step's buffer is handed over PREROLL_MS
before the step begins — while the step before is still sounding, whose
ringing sounds it carries on exactly — so the hand-over's delay never moves
the step's first cue. Any jump (pause, play, next, back, seek, extend: the
runner's *epoch* changes) stops what plays and renders afresh from where the
class now is. Cues exactly at a step's end belong to the next step's buffer;
the last step's buffer runs on to the end of the final voice.

A cue the player is late for (the GUI thread was held up past the
hand-over and the step's start) plays late, whole, at once, with a note in
the log — never dropped.

Availability is honest: when simpleaudio cannot be imported or the sound
device refuses to play, the player says so (``available``/``reason``) and
the class goes on silently. ``follow`` never raises.
"""

from __future__ import annotations

import bisect
import contextlib
import logging
import re
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Protocol

from backbeat.audio import samples as cue_sounds
from backbeat.audio.samples import RATE
from backbeat.audio.speech import with_speech
from backbeat.engine.runner import ClassRunner, RunState
from backbeat.engine.timeline import Timeline, all_cue_sounds

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger(__name__)

# numpy and the renderer are imported on first use (warm_up or the first
# render), not with this module: the TV's first frame does not wait for them.

#: A jump (seek, next, back, play) that lands this soon after a cue still plays
#: it, whole, at once — unless the buffer just stopped already sounded it
#: (pause, resume, volume, +15 s); a cue further back is where the coach
#: chose to leave. (Cues missed while going on are never left: see PREROLL_MS.)
LATE_CUE_MS = 150
#: The next step's buffer is handed to simpleaudio this long before the step
#: starts, so a GUI thread held up for less than this cannot move its first cue.
PREROLL_MS = 300
#: After the device refused, try it again at a segment change, at most this often
#: (a speaker plugged in, another program let go of the device).
RETRY_S = 10.0
#: A stopped simpleaudio buffer drains what ALSA already holds (its latency is
#: 100 ms) before it closes the device. A device without mixing refuses the next
#: buffer until then; wait this long at most for it before the one retry.
HANDOVER_S = 0.25


class Playback(Protocol):
    def stop(self) -> None: ...
    def is_playing(self) -> bool: ...


class AudioBackend(Protocol):
    def play(self, buffer: np.ndarray | bytes, rate: int) -> Playback:
        """Start playing mono signed 16-bit samples; raise AudioUnavailable if the device refuses."""


class AudioUnavailable(Exception):
    """Sound cannot be played here: ``reason`` in plain words, ``detail`` from the
    system; ``retry`` when trying again later might work (the device, not the install)."""

    def __init__(self, reason: str, detail: str = "", *, retry: bool = True):
        super().__init__(reason)
        self.reason = reason
        self.detail = detail
        self.retry = retry


def device_reason(detail: str) -> str:
    """simpleaudio's message ("Error opening PCM device. -- CODE: -2 -- MSG: …"), in the gym's words."""
    code = re.search(r"CODE:\s*(-?\d+)", detail)
    if code and int(code.group(1)) == -16:  # EBUSY
        return "the sound device is busy (another program is using it)"
    if "opening" in detail.lower():  # no such device, unplugged, no card of that number
        return "no sound device found"
    return "the sound device refused to play"


class SimpleaudioBackend:
    """Plays int16 mono buffers through simpleaudio (ALSA on Linux)."""

    def __init__(self) -> None:
        try:
            import simpleaudio
        except ImportError as exc:
            raise AudioUnavailable("the sound library (simpleaudio) is not installed",
                                   str(exc), retry=False) from None
        extension = getattr(getattr(simpleaudio, "_simpleaudio", None), "__file__", None)
        if extension is not None and frees_without_the_gil(extension):
            raise AudioUnavailable("the sound library (simpleaudio 1.0.4) would crash the TV: "
                                   "install simpleaudio-patched", extension, retry=False)
        self._sa = simpleaudio

    def play(self, buffer: np.ndarray | bytes, rate: int) -> Playback:
        try:
            return self._sa.play_buffer(buffer, 1, 2, rate)
        except Exception as exc:  # simpleaudio raises its own error type per platform
            detail = _short(exc)
            raise AudioUnavailable(device_reason(detail), detail) from None


def frees_without_the_gil(extension: str) -> bool:
    """Whether a simpleaudio build frees Python-allocator memory from its playback
    threads. simpleaudio 1.0.4 takes each buffer's bookkeeping from ``PyMem_Malloc``
    and, when the buffer has played, its own thread hands it to ``PyMem_Free``
    without the GIL; Python's small-object allocator is not thread-safe, so that
    free races the GUI thread's allocations and corrupts the heap — the TV segfaults
    some time later (``python -X dev`` stops at the first such free).
    simpleaudio-patched uses ``PyMem_RawMalloc``/``PyMem_RawFree``, which need no
    GIL. The extension names the allocator functions it links against."""
    try:
        with open(extension, "rb") as f:
            binary = f.read()
    except OSError:
        return False
    return b"PyMem_Free\x00" in binary or b"PyMem_Malloc\x00" in binary


def _still_playing(playback: Playback) -> bool:
    try:
        return bool(playback.is_playing())
    except Exception:
        return False


def _short(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    # simpleaudio: "Error opening PCM device. -- CODE: -2 -- MSG: No such file or directory"
    return text.replace(" -- ", "; ")


class Loudness:
    """Volume (0–1) and mute, kept alike by every player; a change calls
    ``_loudness_changed`` (re-render from here, or a new schedule)."""

    _volume: float
    _muted: bool

    @property
    def volume(self) -> float:
        return self._volume

    @property
    def muted(self) -> bool:
        return self._muted

    def set_volume(self, volume: float) -> None:
        self._volume = _clamp(volume)
        self._loudness_changed()

    def set_muted(self, muted: bool) -> None:
        self._muted = bool(muted)
        self._loudness_changed()

    def _loudness_changed(self) -> None:
        raise NotImplementedError


class CuePlayer(Loudness):
    """Follows a :class:`ClassRunner` and keeps the right buffer playing."""

    def __init__(self, backend: AudioBackend | None = None, *,
                 samples: Mapping[str, np.ndarray] | None = None, rate: int = RATE,
                 volume: float = 1.0, muted: bool = False,
                 on_availability: Callable[[bool, str], None] | None = None,
                 monotonic: Callable[[], float] = time.monotonic):
        self.rate = rate
        self._monotonic = monotonic  # only paces retries; class time is the runner's
        self._retry_at: float | None = None
        self.available = True
        self.reason = ""  # why sound is off, for the screen
        self.detail = ""  # what the system said, for the log
        self.on_availability = on_availability
        self._volume = _clamp(volume)
        self._muted = muted
        self._samples = samples
        self._playing: Playback | None = None
        self._key: tuple | None = None
        self._runner: ClassRunner | None = None
        # the buffer playing: (runner, class ms at its first sample, its end, runner clock ns then)
        self._sounding: tuple | None = None
        # (runner, class ms) up to which the last stopped buffer was heard
        self._heard: tuple | None = None
        self.renders = 0
        self._notes: list[str] = []
        #: ms from reading the class position to the buffer being handed to the device
        self.last_start_lag_ms: float | None = None
        self.backend: AudioBackend | None = backend
        if backend is None:
            try:
                self.backend = SimpleaudioBackend()
            except AudioUnavailable as exc:
                self._fail(exc.reason, exc.detail, retry=exc.retry)

    # --- state ------------------------------------------------------------------
    def _loudness_changed(self) -> None:
        self._refresh()

    def is_playing(self) -> bool:
        try:
            return self._playing is not None and self._playing.is_playing()
        except Exception:
            return False

    def warm_up(self) -> bool:
        """Read the cue sounds (and import numpy) now rather than at the first cue.
        False when there is nothing to play them with or they cannot be read."""
        if self._samples is None:
            if not self.available and self._retry_at is None:
                return False  # off for good (no library, unreadable sounds)
            try:
                # the cue sounds, and the spoken names' voice samples from the cache
                self._samples = with_speech(cue_sounds.load_sounds(all_cue_sounds()))
            except (OSError, ValueError) as exc:
                self._fail("the cue sound files cannot be read", str(exc), retry=False)
                return False
        return True

    def probe(self) -> bool:
        """Open the device with 10 ms of silence, so a missing device is known (and
        said) before the class starts rather than at the first cue."""
        if self.available and self.backend is not None:
            try:
                self.backend.play(bytes(2 * (self.rate // 100)), self.rate)  # 10 ms of silence
            except Exception as exc:
                self._fail_with(exc)
        return self.available

    # --- following the class --------------------------------------------------------
    def follow(self, runner: ClassRunner) -> None:
        """Call whenever the runner's segment, state or epoch may have changed."""
        try:
            self._follow(runner)
        except Exception as exc:  # the class must go on whatever the sound does
            self._fail_with(exc)

    def stop(self) -> None:
        self._key = None
        self._stop_playing()

    def buffer_step(self, timeline: Timeline, position_ms: float) -> int:
        """The step whose buffer should be playing at this position: the next one
        from PREROLL_MS before it starts."""
        return timeline.segment_at_ms(min(position_ms + PREROLL_MS, timeline.duration_ms - 1)).step

    def take_notes(self) -> list[str]:
        notes, self._notes = self._notes, []
        return notes

    def _follow(self, runner: ClassRunner) -> None:
        self._runner = runner
        now = runner.now()
        if now.state is RunState.RUNNING:
            step = self.buffer_step(runner.timeline, now.position_ms)
            key = (runner, step, now.epoch)
            if key != self._key:
                handover = (self._key is not None and self._key[0] is runner
                            and self._key[2] == now.epoch and self._key[1] != step)
                self._start(runner, now.position_ms, step, handover=handover)
                self._key = key
        elif (now.state is RunState.ENDED and self._key is not None
              and self._key[0] is runner and self._key[2] == now.epoch):
            pass  # ran to the end: the final tone and voice are in the buffer playing
        else:
            self.stop()

    def _refresh(self) -> None:
        """Volume or mute changed: re-render from here, not replaying what just sounded."""
        if self._runner is not None and self._key is not None:
            self._key = None
            self.follow_now()

    def follow_now(self) -> None:
        if self._runner is not None:
            try:
                self._follow(self._runner)
            except Exception as exc:
                self._fail_with(exc)

    def _start(self, runner: ClassRunner, position_ms: float, step: int, *,
               handover: bool = False) -> None:
        old = self._sounding
        stopped = self._stop_playing()
        if self._muted or self._volume == 0 or self.backend is None:
            return
        if not self.available and (self._retry_at is None or self._monotonic() < self._retry_at):
            return
        started = time.perf_counter()
        if not self.warm_up():
            return
        from backbeat.audio.render import render, sample_offset

        timeline = runner.timeline
        step_start, step_end = step_span(timeline, step, self._samples)
        tails_from = None
        if handover and old is not None and old[0] is runner:
            # going on into the next step: what the old buffer held carries on; cues
            # from its end up to here were missed (held up past the pre-roll): late
            late_from, tails_from = old[2], old[1]
        else:
            late_from = max(position_ms - LATE_CUE_MS, step_start)
            if self._heard is not None and self._heard[0] is runner and position_ms >= self._heard[1]:
                late_from = max(late_from, self._heard[1])  # going on: what was heard is not repeated
        earliest = min(late_from, position_ms, position_ms if tails_from is None else tails_from)
        lo = bisect.bisect_left(timeline.cues, earliest - 1, key=lambda c: c.t_ms)
        hi = bisect.bisect_left(timeline.cues, step_end, key=lambda c: c.t_ms)
        buffer = render(timeline.cues[lo:hi], position_ms, step_end, self._samples,
                        rate=self.rate, volume=self._volume, late_from_ms=late_from,
                        tails_from_ms=tails_from)
        self.renders += 1
        if handover:
            for cue in timeline.cues[lo:hi]:
                if late_from <= cue.t_ms < position_ms:
                    self._notes.append(f"cue {cue.sound} at {cue.t_ms / 1000:.3f} s played "
                                       f"{position_ms - cue.t_ms:.0f} ms late")
        # Rendering took a few ms while the class moved on: drop that much of the
        # buffer so the cues stay on the clock — when it opens with silence, or
        # always on a hand-over (what it opens with carries on from the old one).
        first_ms = position_ms
        drop = sample_offset(runner.position_ms(), position_ms, self.rate)
        if 0 < drop < buffer.size and (tails_from is not None or not buffer[:drop].any()):
            buffer = buffer[drop:]
            first_ms += drop * 1000 / self.rate
        if buffer.size:
            self._playing = self._play(buffer, stopped)
            self._sounding = (runner, first_ms, step_end, runner.clock.now_ns())
        self.last_start_lag_ms = (time.perf_counter() - started) * 1000
        if not self.available:  # the device is back
            self.available, self.reason, self.detail, self._retry_at = True, "", "", None
            if self.on_availability is not None:
                self.on_availability(True, "")

    def _play(self, buffer: np.ndarray, stopped: Playback | None) -> Playback:
        assert self.backend is not None
        try:
            return self.backend.play(buffer, self.rate)
        except AudioUnavailable:
            if stopped is None:
                raise
        # the buffer just stopped may still hold a device that cannot mix: let it close
        deadline = time.perf_counter() + HANDOVER_S
        while _still_playing(stopped) and time.perf_counter() < deadline:
            time.sleep(0.005)
        return self.backend.play(buffer, self.rate)

    def _stop_playing(self) -> Playback | None:
        playing, self._playing = self._playing, None
        if playing is not None:
            with contextlib.suppress(Exception):
                playing.stop()
        if self._sounding is not None:
            runner, first_ms, end_ms, started_ns = self._sounding
            played_ms = (runner.clock.now_ns() - started_ns) / 1_000_000
            heard = min(first_ms + played_ms, end_ms)
            if runner.state is RunState.PAUSED:  # noticed a little after the pause
                heard = min(heard, runner.position_ms())
            self._heard = (runner, heard)
            self._sounding = None
        return playing

    def _fail_with(self, exc: Exception) -> None:
        if isinstance(exc, AudioUnavailable):
            self._fail(exc.reason, exc.detail, retry=exc.retry)
        else:
            self._fail("the sound failed", _short(exc))

    def _fail(self, reason: str, detail: str = "", *, retry: bool = True) -> None:
        self._stop_playing()
        changed = self.available or reason != self.reason
        self.available = False
        self.reason = reason
        self.detail = detail
        self._retry_at = self._monotonic() + RETRY_S if retry else None
        if changed and self.on_availability is not None:
            self.on_availability(False, reason)


def step_span(timeline: Timeline, step: int, samples: Mapping[str, np.ndarray] | None) -> tuple[int, int]:
    """[start, end) of a step's buffer in class ms; the last step's runs to its final sound."""
    start = timeline.step_start_ms(step)
    if step + 1 < timeline.step_count:
        return start, timeline.step_start_ms(step + 1)
    if samples is None:
        return start, timeline.duration_ms + 1
    from backbeat.audio.render import track_end_ms

    end = track_end_ms(timeline, samples)
    return start, end if end > timeline.duration_ms else timeline.duration_ms + 1


def _clamp(volume: float) -> float:
    return min(1.0, max(0.0, float(volume)))
