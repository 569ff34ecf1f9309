"""Sound on the output device's clock (no Qt).

One output stream runs for as long as the TV does (PortAudio through
``sounddevice``; silence when nothing plays). Its callback, on PortAudio's
audio thread, asks the :class:`Mixer` for each buffer: the mixer places every
cue of the class at its own sample and mixes the sounds still ringing. The
GUI thread only hands over a new :class:`Schedule` (start, pause, seek,
extend, volume) — one reference assignment — so a stalled GUI cannot delay or
drop a cue: the audio thread keeps filling buffers from the schedule it has.

The device is the clock. Stream frame ``f`` is heard at device time
``f · 10⁹ / rate`` ns; :class:`DeviceClock` tells the rest of the program
(the runner, hence the TV's paint) that time, from when each buffer's first
frame reaches the DAC (PortAudio reports it with every callback). So a cue
placed at the frame of its class time sounds when the screen shows that
time, and a device that runs a little fast or slow carries screen and sound
with it.

A cue whose frame has already been written (the schedule arrived late: the
coach's key press, a resume, a device that was gone) plays at the first
frame still to come, whole — late, never dropped — and the lateness is kept
for the log (:meth:`StreamPlayer.take_notes`).
"""

from __future__ import annotations

import bisect
import contextlib
import logging
import statistics
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from backbeat.audio import samples as cue_sounds
from backbeat.audio.player import RETRY_S, AudioUnavailable, Loudness, _clamp, _short
from backbeat.audio.samples import RATE
from backbeat.audio.speech import with_speech
from backbeat.engine.runner import ClassRunner, RunState
from backbeat.engine.timeline import Cue, CueKind, all_cue_sounds

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger(__name__)

NS = 1_000_000_000
#: Frames per callback: 10 ms.
BLOCK_FRAMES = 441
#: How far ahead of the ear the stream is filled. A cue's place does not depend
#: on it (each is placed on its frame); it is the cushion against the audio
#: thread being kept waiting (the GIL, other programs), and how long a pause
#: takes to be heard.
STREAM_LATENCY_S = 0.15
#: SCHED_FIFO priority asked for the audio thread (PulseAudio's and JACK's range).
AUDIO_THREAD_PRIORITY = 10
#: Sounds cut by a pause or a jump fade out over this many frames (no click).
FADE_FRAMES = 220
#: A cue this late after a new schedule (a key press, a resume) is the price of
#: reacting; later than this it is a cue the stream missed, and the log says so.
REACTION_MS = 250
#: A schedule whose class position, at the frame it takes over, is this far from the
#: old one's is a jump (next, back, a class taken up mid-way), however it arrived —
#: a seek here, or a timing read from the store (a follower's, or the leader's own
#: control coming back): it starts afresh, and the cues jumped over are not played.
#: Less than a resume's reaction plus the stream's latency, it is the same line.
JUMP_MS = 1000
#: After the device was gone, cues missed up to this long ago still play (late);
#: older ones were due while sound was off and the screen said so.
CATCH_UP_MS = 1000
#: Offsets (device time − monotonic time) the clock takes the median of.
SYNC_WINDOW = 16


def _round_div(n: int, d: int) -> int:
    q, r = divmod(n, d)
    if 2 * r > d or (2 * r == d and q % 2):
        q += 1
    return q


class DeviceClock:
    """The output device's time in ns, readable from any thread.

    Between buffers it runs on the monotonic clock; each buffer's report
    (frame ``f`` is heard at monotonic ``t``) re-aims it at ``f · 10⁹ / rate``
    (the median of the last few reports, so one late callback does not move
    it). It never goes back. Before any device reports, it is the monotonic
    clock.
    """

    def __init__(self, rate: int = RATE, monotonic_ns: Callable[[], int] = time.monotonic_ns):
        self.rate = rate
        self._monotonic_ns = monotonic_ns
        self._offsets: deque[int] = deque(maxlen=SYNC_WINDOW)
        self._offset = 0
        self._last = 0
        self._lock = threading.Lock()

    def now_ns(self) -> int:
        with self._lock:
            value = max(self._monotonic_ns() + self._offset, self._last)
            self._last = value
            return value

    def at_monotonic(self, mono_ns: int) -> int:
        """Device time at a given monotonic instant (without the never-back guard)."""
        return mono_ns + self._offset

    def frame_heard_at(self, heard_mono_ns: int) -> int:
        """The frame that, by the clock as it stands, is heard at this monotonic instant."""
        return _round_div((heard_mono_ns + self._offset) * self.rate, NS)

    def sync(self, frame: int, heard_mono_ns: int) -> None:
        with self._lock:
            self._offsets.append(frame * NS // self.rate - heard_mono_ns)
            self._offset = int(statistics.median_low(self._offsets))

    def frame_ns(self, frame: int) -> int:
        return frame * NS // self.rate


@dataclass(frozen=True)
class Schedule:
    """What the audio thread plays: the class's cues on its anchor.

    While ``running``, class position at device time ``c`` is
    ``anchor_pos_ns + (c − anchor_clock_ns)``. ``line`` names the run of
    positions: the same line (pause, play, extend, volume) goes on from what
    was already mixed; a new one (a seek, another class) starts afresh at its
    anchor.
    """

    cues: Sequence[Cue]
    anchor_pos_ns: int
    anchor_clock_ns: int
    running: bool
    volume: float
    line: tuple
    times_ns: Sequence[int] = ()  # each cue's class time in ns, sorted (as the cues)
    #: the class position when the schedule was made (the key press): a fresh start
    #: plays from here, cues already due played late
    from_ns: int = field(default=0, compare=False)


@dataclass(frozen=True)
class LateCue:
    sound: str
    t_ms: int
    late_ms: float
    reaction: bool  # right after a new schedule (a key press): expected


class Mixer:
    """Fills stream buffers from a schedule: every cue on its frame, sounds carried
    across buffers. Lives on the audio thread; pure apart from its own state."""

    def __init__(self, samples: Mapping[str, np.ndarray], rate: int = RATE):
        self.samples = samples
        self.rate = rate
        self.schedule: Schedule | None = None
        self._done_ns = 0  # class time up to which cues have been started
        self._switch_pos_ns = 0  # where the current schedule took over
        self._voices: list[list] = []  # [sound, next index, fade frames left or None]
        self.late: deque[LateCue] = deque(maxlen=1000)
        self.started = 0  # cues started, all told
        #: (class ms, frame) of the cues started lately, for tests and benchmarks
        self.history: deque[tuple[int, int]] = deque(maxlen=20_000)

    def cue_frame(self, schedule: Schedule, t_ns: int) -> int:
        """The stream frame a cue at class time ``t_ns`` lands on, exactly."""
        clock_ns = schedule.anchor_clock_ns + (t_ns - schedule.anchor_pos_ns)
        return _round_div(clock_ns * self.rate, NS)

    def position_ns(self, schedule: Schedule, frame: int) -> int:
        """Class time at the start of ``frame`` (the frame a cue lands on is the one
        nearest its time, so a cue belongs to the buffer holding that frame)."""
        return schedule.anchor_pos_ns + (frame * NS // self.rate - schedule.anchor_clock_ns)

    def take(self, schedule: Schedule | None, frame: int) -> None:
        """A new schedule takes over at ``frame`` (the next frame to be written)."""
        old, self.schedule = self.schedule, schedule
        if schedule is None:
            self._cut()
            return
        if old is None or schedule.line != old.line or self._jumped(old, schedule, frame):
            self._cut()
            self._done_ns = schedule.from_ns
        elif not schedule.running:
            self._cut()
        self._switch_pos_ns = (self.position_ns(schedule, frame) if schedule.running
                               else schedule.anchor_pos_ns)

    def _jumped(self, old: Schedule, new: Schedule, frame: int) -> bool:
        def at(s: Schedule) -> int:
            return self.position_ns(s, frame) if s.running else s.anchor_pos_ns
        return abs(at(new) - at(old)) > JUMP_MS * 1_000_000

    def catch_up_from(self, frame: int) -> int:
        """After a gap in the stream (the device was gone): cues older than
        CATCH_UP_MS are not played; returns how many were passed over."""
        s = self.schedule
        if s is None or not s.running:
            return 0
        floor = self.position_ns(s, frame) - CATCH_UP_MS * 1_000_000
        if floor <= self._done_ns:
            return 0
        lo = bisect.bisect_left(s.times_ns, self._done_ns)
        hi = bisect.bisect_left(s.times_ns, floor)
        self._done_ns = floor
        self._switch_pos_ns = floor
        return hi - lo

    def mix(self, frame: int, n: int) -> np.ndarray:
        """The ``n`` int16 samples from stream frame ``frame`` on."""
        import numpy as np

        s = self.schedule
        if s is not None and s.running:
            end_ns = self.position_ns(s, frame + n)
            lo = bisect.bisect_left(s.times_ns, self._done_ns)
            hi = bisect.bisect_left(s.times_ns, end_ns)
            for i in range(lo, hi):
                cue = s.cues[i]
                at = self.cue_frame(s, s.times_ns[i]) - frame
                if at < 0:
                    late_ms = -at * 1000 / self.rate
                    reaction = s.times_ns[i] - self._switch_pos_ns < REACTION_MS * 1_000_000
                    self.late.append(LateCue(cue.sound, cue.t_ms, late_ms, reaction))
                    at = 0
                sound = self.samples.get(cue.sound)
                if sound is None:  # a spoken name never made: the class goes on without it
                    continue
                self._voices.append([sound, -at, None])
                self.started += 1
                self.history.append((cue.t_ms, frame + at))
            self._done_ns = max(self._done_ns, end_ns)
        out = np.zeros(n, dtype=np.int16)
        if not self._voices:
            return out
        mix = np.zeros(n, dtype=np.float32)
        keep = []
        for voice in self._voices:
            sound, index, fade = voice
            start = max(0, -index)  # a voice starting inside this buffer
            index = max(index, 0)
            count = min(n - start, sound.size - index)
            if fade is not None:
                count = min(count, fade)
            if count > 0:
                part = sound[index:index + count]
                if fade is not None:
                    part = part * np.linspace(fade / FADE_FRAMES, (fade - count) / FADE_FRAMES,
                                              count, endpoint=False, dtype=np.float32)
                    voice[2] = fade - count
                mix[start:start + count] += part
            voice[1] = index + max(count, 0)
            if voice[1] < sound.size and (voice[2] is None or voice[2] > 0):
                keep.append(voice)
        self._voices = keep
        volume = s.volume if s is not None else 0.0
        if volume != 1.0:
            mix *= np.float32(volume)
        from backbeat.audio.render import soft_limit

        soft_limit(mix)
        out[:] = np.clip(np.rint(mix * 32767.0), -32768, 32767)
        return out

    def _cut(self) -> None:
        for voice in self._voices:
            if voice[2] is None:
                voice[2] = FADE_FRAMES


class OutputDevice(Protocol):
    """A running output stream: it calls ``fill(out, heard_mono_ns, underflow)`` for
    each buffer, where ``out`` is the int16 mono buffer to write and
    ``heard_mono_ns`` when its first frame reaches the ear (monotonic ns)."""

    @property
    def active(self) -> bool: ...
    def close(self) -> None: ...


class SoundDeviceOutput:
    """PortAudio through ``sounddevice``: the default output device, mono int16."""

    def __init__(self, rate: int, fill: Callable[[np.ndarray, int, bool], None],
                 latency: float = STREAM_LATENCY_S):
        try:
            import sounddevice
        except (ImportError, OSError) as exc:  # OSError: the PortAudio library is missing
            raise AudioUnavailable("the sound library (sounddevice/PortAudio) is not installed",
                                   str(exc), retry=False) from None
        self._fill = fill
        self._latency = latency
        self._prioritised = False
        try:
            self._stream = sounddevice.OutputStream(
                samplerate=rate, channels=1, dtype="int16", blocksize=BLOCK_FRAMES,
                latency=latency, callback=self._callback)
            self._latency = float(self._stream.latency)
            self._stream.start()
        except Exception as exc:  # sounddevice.PortAudioError, or no device at all
            detail = _short(exc)
            raise AudioUnavailable(_device_words(detail), detail) from None

    def _callback(self, outdata, frames, time_info, status) -> None:
        if not self._prioritised:
            self._prioritised = True
            _audio_thread_priority()
        # When the buffer is heard, on PortAudio's clock, against PortAudio's now read
        # here (not the callback's start: the thread may have waited for the GIL).
        stream_now = self._stream.time
        now = time.monotonic_ns()
        delay = time_info.outputBufferDacTime - stream_now
        if not (time_info.outputBufferDacTime > 0 and -0.5 <= delay < 2):
            delay = self._latency  # a host that does not report it
        self._fill(outdata[:, 0], now + round(delay * NS), bool(status.output_underflow))

    @property
    def active(self) -> bool:
        try:
            return bool(self._stream.active)
        except Exception:
            return False

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._stream.abort()
        with contextlib.suppress(Exception):
            self._stream.close()


def _audio_thread_priority() -> None:
    """Ask for real-time scheduling for the audio thread (the calling thread), as
    sound servers do; where the system does not allow it, the thread stays as it
    was and the stream's cushion has to do."""
    import os

    with contextlib.suppress(AttributeError, OSError):
        os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(AUDIO_THREAD_PRIORITY))


def _device_words(detail: str) -> str:
    low = detail.lower()
    if "busy" in low:
        return "the sound device is busy (another program is using it)"
    if "no default output device" in low or "invalid device" in low or "error querying device" in low:
        return "no sound device found"
    return "the sound device refused to play"


class StreamPlayer(Loudness):
    """The TV's sound on one continuous output stream (the interface of
    :class:`backbeat.audio.player.CuePlayer`, plus the device's clock)."""

    #: Opening PortAudio (it lists every ALSA device) and numpy cost the first
    #: frame a few hundred ms: the service opens the stream after it, in warm_up.
    open_after_first_frame = True

    def __init__(self, *, samples: Mapping[str, np.ndarray] | None = None, rate: int = RATE,
                 volume: float = 1.0, muted: bool = False,
                 on_availability: Callable[[bool, str], None] | None = None,
                 open_device: Callable[..., OutputDevice] | None = None,
                 monotonic_ns: Callable[[], int] = time.monotonic_ns):
        self.rate = rate
        self.clock = DeviceClock(rate, monotonic_ns)
        self._monotonic_ns = monotonic_ns
        self._open_device = open_device or (lambda rate, fill: SoundDeviceOutput(rate, fill))
        self.available = True
        self.reason = ""
        self.detail = ""
        self.on_availability = on_availability
        self._volume = _clamp(volume)
        self._muted = muted
        self._samples = samples
        self._voiced_for: tuple[list[Cue], list[Cue]] | None = None
        self.mixer: Mixer | None = None
        self._device: OutputDevice | None = None
        self._retry_at: float | None = 0.0  # may open
        self._runner: ClassRunner | None = None
        self._pending: Schedule | None = None  # set by the GUI thread, taken by the audio thread
        self._frame: int | None = None  # next frame to write
        self._lock = threading.Lock()
        self.underflows = 0
        self.errors: deque[str] = deque(maxlen=20)
        self._missed = 0

    # --- state ---------------------------------------------------------------------
    def _loudness_changed(self) -> None:
        if self._runner is None and self._device is None:
            return  # nothing plays yet: the next schedule reads the loudness (and the
            # stream stays unopened until the first frame is on screen)
        self.follow_now()

    def is_playing(self) -> bool:
        return self._device is not None and self._device.active

    def warm_up(self) -> bool:
        if self._samples is None:
            try:
                # the cue sounds, and the spoken names' voice samples from the cache
                self._samples = with_speech(cue_sounds.load_sounds(all_cue_sounds()))
            except (OSError, ValueError) as exc:
                self._fail("the cue sound files cannot be read", str(exc), retry=False)
                return False
        if self.mixer is None:
            self.mixer = Mixer(self._samples, self.rate)
        return True

    def probe(self) -> bool:
        """Open the stream now (it then runs, silent, until :meth:`close`)."""
        self._ensure_open()
        return self.available

    # --- following the class ----------------------------------------------------------
    def follow(self, runner: ClassRunner) -> None:
        self._runner = runner
        self.follow_now()

    def follow_now(self) -> None:
        try:
            self._ensure_open()
            if self._runner is not None:
                self._schedule(self._runner)
        except Exception as exc:  # the class goes on whatever the sound does
            self._fail("the sound failed", _short(exc))

    def stop(self) -> None:
        """The class is over or the window closes: silence and let the device go."""
        self._runner = None
        self._pending = None
        self.close()

    def close(self) -> None:
        device, self._device = self._device, None
        if device is not None:
            device.close()
        self._frame = None

    def _voiced(self, cues: list[Cue]) -> list[Cue]:
        """The cues the stream can play: a spoken name whose voice sample was never
        made is left out, and the ones there are read now, on this thread, not in
        the audio callback (once per timeline)."""
        if self._voiced_for is not None and self._voiced_for[0] is cues:
            return self._voiced_for[1]
        samples = self._samples
        kept = [c for c in cues if c.kind is not CueKind.SPEECH
                or (samples is not None and c.sound in samples)]
        result = cues if len(kept) == len(cues) else kept
        self._voiced_for = (cues, result)
        return result

    def _schedule(self, runner: ClassRunner) -> None:
        state = runner.state
        current = self._pending
        if (state is RunState.ENDED and current is not None and current.running
                and current.line == (id(runner), runner.jumps)):
            return  # ran to the end: the final sounds ring out
        pos, clock = runner.anchor_ns()
        clock = self._on_device(runner, clock)
        cues = self._voiced(runner.timeline.cues)
        times = current.times_ns if current is not None and current.cues is cues else \
            [c.t_ms * 1_000_000 for c in cues]
        new = Schedule(cues=cues, anchor_pos_ns=pos, anchor_clock_ns=clock,
                       running=state is RunState.RUNNING,
                       volume=0.0 if self._muted else self._volume,
                       line=(id(runner), runner.jumps), times_ns=times,
                       from_ns=self._from_ns(runner))
        if new != current:
            self._pending = new

    @staticmethod
    def _from_ns(runner: ClassRunner) -> int:
        """Where a fresh start plays from: the position now, or the start of the segment
        it is in when that was under REACTION_MS ago (a jump lands on a step's start; a
        few ms later the step's opening cue still sounds, late by the reaction)."""
        pos = runner.position_ns()
        start = runner.timeline.segment_at_ms(pos / 1_000_000).start_ms * 1_000_000
        return start if 0 <= pos - start < REACTION_MS * 1_000_000 else pos

    def _on_device(self, runner: ClassRunner, clock_ns: int) -> int:
        """A time on the runner's clock as a time on the device's. The TV's class runs
        on the gym's clock read on this device's clock (``GymClock(player.clock)``): the
        two differ by the gym clock's measured offset alone, so a cue sounds when the
        screen shows it. Another clock is mapped by the difference of the two now."""
        rc = runner.clock
        if rc is self.clock:
            return clock_ns
        if getattr(rc, "local", None) is self.clock:
            return clock_ns - rc.offset_ns
        return clock_ns - (rc.now_ns() - self.clock.now_ns())

    # --- the audio thread ------------------------------------------------------------------
    def _fill(self, out: np.ndarray, heard_mono_ns: int, underflow: bool) -> None:
        """One buffer, on the audio thread. Never raises: silence instead."""
        try:
            mixer = self.mixer
            if self._frame is None:  # a new stream: carry the clock on where it is
                self._frame = self.clock.frame_heard_at(heard_mono_ns)
                if mixer is not None:
                    self._missed += mixer.catch_up_from(self._frame)
            frame = self._frame
            self.clock.sync(frame, heard_mono_ns)
            if underflow:
                self.underflows += 1
            if mixer is None:
                out[:] = 0
            else:
                pending = self._pending
                if pending is not mixer.schedule:
                    mixer.take(pending, frame)
                out[:] = mixer.mix(frame, out.shape[0])
            self._frame = frame + out.shape[0]
        except Exception as exc:
            out[:] = 0
            self.errors.append(_short(exc))

    # --- the device coming and going ---------------------------------------------------------
    def _ensure_open(self) -> None:
        if self._device is not None:
            if self._device.active:
                return
            self.close()
            self._fail("the sound device stopped", "the output stream is no longer running")
        if self._retry_at is None or self._monotonic_ns() / NS < self._retry_at:
            return
        if not self.warm_up():
            return
        try:
            self._device = self._open_device(self.rate, self._fill)
        except AudioUnavailable as exc:
            self._fail(exc.reason, exc.detail, retry=exc.retry)
            return
        if not self.available:
            self.available, self.reason, self.detail = True, "", ""
            if self.on_availability is not None:
                self.on_availability(True, "")

    def _fail(self, reason: str, detail: str = "", *, retry: bool = True) -> None:
        changed = self.available or reason != self.reason
        self.available = False
        self.reason = reason
        self.detail = detail
        self._retry_at = self._monotonic_ns() / NS + RETRY_S if retry else None
        if changed and self.on_availability is not None:
            self.on_availability(False, reason)

    def take_notes(self) -> list[str]:
        """What the log should hear about since last asked: cues played late, buffers the
        device ran dry on, cues passed over while the device was gone, errors."""
        notes = []
        mixer = self.mixer
        if mixer is not None:
            while mixer.late:
                cue = mixer.late.popleft()
                if not cue.reaction:
                    notes.append(f"cue {cue.sound} at {cue.t_ms / 1000:.3f} s played "
                                 f"{cue.late_ms:.0f} ms late")
        if self.underflows:
            notes.append(f"the sound device ran dry {self.underflows} time(s)")
            self.underflows = 0
        if self._missed:
            notes.append(f"{self._missed} cue(s) fell while the sound device was gone")
            self._missed = 0
        while self.errors:
            notes.append(f"the sound failed: {self.errors.popleft()}")
        return notes


#: ``BACKBEAT_AUDIO``: ``stream`` (PortAudio), ``simpleaudio``, or unset/``auto``.
BACKEND_ENV = "BACKBEAT_AUDIO"


def open_player(*, volume: float = 1.0, muted: bool = False, backend: str | None = None):
    """The TV's player: the device-clock stream whenever PortAudio (``sounddevice``)
    can be loaded — with no device now it says so and tries again every RETRY_S —
    else simpleaudio's buffer per step (``BACKBEAT_AUDIO=simpleaudio`` asks for it)."""
    import os

    from backbeat.audio.player import CuePlayer

    choice = (backend or os.environ.get(BACKEND_ENV) or "auto").strip().lower()
    if choice not in ("auto", "stream", "simpleaudio"):
        log.warning("%s=%s is not stream, simpleaudio or auto: choosing for itself", BACKEND_ENV, choice)
        choice = "auto"
    if choice != "simpleaudio":
        player = StreamPlayer(volume=volume, muted=muted)
        if choice == "stream" or _sounddevice_loads():
            return player
    return CuePlayer(volume=volume, muted=muted)


def _sounddevice_loads() -> bool:
    try:
        import sounddevice  # noqa: F401
    except (ImportError, OSError):
        return False
    return True
