"""The TV's sound as a Qt service: widgets talk to this object and its
signals, never to the audio library (Picard's player service is the model).

It wraps the player :func:`backbeat.audio.stream.open_player` chose: the
device-clock stream (:class:`backbeat.audio.stream.StreamPlayer`; its
``clock`` is the one the class runs on, so the screen paints what is heard)
or simpleaudio's buffer per step (:class:`backbeat.audio.player.CuePlayer`).
It adds typed signals, the words the screen shows when sound is off or
muted, the log's notes on late cues, and — for simpleaudio — a precise
single-shot timer that hands the next step's buffer over ahead of its
boundary (the screen's repaint timer alone would notice it up to a frame
late).
"""

from __future__ import annotations

import logging
import math

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from backbeat.audio.player import PREROLL_MS, CuePlayer
from backbeat.engine.clock import Clock, MonotonicClock
from backbeat.engine.runner import ClassRunner, RunState

log = logging.getLogger(__name__)

#: What one press of ``[`` or ``]`` changes the volume by.
VOLUME_STEP = 0.1
#: How often the player's notes (late cues, a device gone) are written to the log.
NOTES_MS = 1000


class AudioService(QObject):
    availabilityChanged = Signal(bool, str)  # available, why not
    volumeChanged = Signal(float)  # 0–1
    mutedChanged = Signal(bool)

    def __init__(self, player=None, *, volume: float | None = None,
                 muted: bool | None = None, probe: bool = True, parent: QObject | None = None):
        super().__init__(parent)
        if player is None:
            from backbeat.audio.stream import open_player

            player = open_player()
        self._player = player
        self._player.on_availability = self._availability_changed
        self._runner: ClassRunner | None = None
        #: the clock the class runs on: the output device's when the stream plays
        self.clock: Clock = getattr(player, "clock", None) or MonotonicClock()
        self._notes_timer = QTimer(self)
        self._notes_timer.setInterval(NOTES_MS)
        self._notes_timer.timeout.connect(self.write_notes)
        self.boundary_timer = QTimer(self)
        self.boundary_timer.setSingleShot(True)
        self.boundary_timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.boundary_timer.timeout.connect(self._at_boundary)
        if volume is not None:
            self._player.set_volume(volume)
        if muted is not None:
            self._player.set_muted(muted)
        if not self._player.available:
            log.warning("sound is off: %s (%s)", self._player.reason, self._player.detail)
        elif probe and not getattr(self._player, "open_after_first_frame", False):
            self._player.probe()
        self._probe_at_warm_up = probe and getattr(self._player, "open_after_first_frame", False)
        if hasattr(self._player, "take_notes"):
            self._notes_timer.start()

    @property
    def player(self):
        return self._player

    # --- state -----------------------------------------------------------------------
    @property
    def available(self) -> bool:
        return self._player.available

    @property
    def reason(self) -> str:
        return self._player.reason

    @property
    def volume(self) -> float:
        return self._player.volume

    @property
    def muted(self) -> bool:
        return self._player.muted

    def status_text(self) -> str | None:
        """The line the screen shows about sound, or None while all is well."""
        if not self._player.available:
            return f"SOUND OFF: {self._player.reason}"
        if self._player.muted:
            return "SOUND MUTED (M to unmute)"
        if self._player.volume == 0:
            return "VOLUME 0 (] to raise)"
        return None

    # --- control ------------------------------------------------------------------------
    def warm_up(self) -> None:
        """Read the cue sounds now (call once the first frame is up), not at the first cue;
        the stream opens here too (and says so if there is no device)."""
        self._player.warm_up()
        if self._probe_at_warm_up:
            self._probe_at_warm_up = False
            self._player.probe()
            if self._runner is not None:
                self.follow(self._runner)

    def follow(self, runner: ClassRunner) -> None:
        self._runner = runner
        if self._probe_at_warm_up:
            # a stream that opens after the first frame: until then a class that is
            # not running has nothing to sound, and it is followed at warm_up; one
            # that runs opens the stream now (its cues are due)
            if runner.state is RunState.RUNNING:
                self.warm_up()
            return
        self._player.follow(runner)
        self._arm(runner)

    def stop(self) -> None:
        self.boundary_timer.stop()
        self._player.stop()
        self.write_notes()
        self._notes_timer.stop()

    def write_notes(self) -> None:
        take = getattr(self._player, "take_notes", None)
        for note in take() if take is not None else ():
            log.warning("%s", note)

    def _arm(self, runner: ClassRunner) -> None:
        """simpleaudio: wake up PREROLL_MS before the next step's first millisecond
        (the stream needs no wake-ups: its audio thread reads the schedule)."""
        if not isinstance(self._player, CuePlayer):
            return
        now = runner.now()
        timeline = runner.timeline
        upcoming = self._player.buffer_step(runner.timeline, now.position_ms) + 1
        if now.state is not RunState.RUNNING or upcoming >= timeline.step_count:
            self.boundary_timer.stop()
            return
        ms = timeline.step_start_ms(upcoming) - PREROLL_MS - now.position_ms
        self.boundary_timer.start(max(0, math.ceil(ms)))

    def _at_boundary(self) -> None:
        if self._runner is not None:
            self.follow(self._runner)

    def set_volume(self, volume: float) -> None:
        before = self._player.volume
        self._player.set_volume(volume)
        if self._player.volume != before:
            self.volumeChanged.emit(self._player.volume)

    def volume_up(self) -> None:
        self.set_volume(round(self._player.volume + VOLUME_STEP, 2))

    def volume_down(self) -> None:
        self.set_volume(round(self._player.volume - VOLUME_STEP, 2))

    def set_muted(self, muted: bool) -> None:
        if bool(muted) != self._player.muted:
            self._player.set_muted(muted)
            self.mutedChanged.emit(self._player.muted)

    def toggle_mute(self) -> None:
        self.set_muted(not self._player.muted)

    def _availability_changed(self, available: bool, reason: str) -> None:
        if not available:
            log.warning("sound is off: %s (%s)", reason, self._player.detail)
        self.availabilityChanged.emit(available, reason)
