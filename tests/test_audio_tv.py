"""The TV with its sound service: no sound device means a silent class that
keeps running and says why; M mutes, [ and ] set the volume."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from backbeat.audio.player import PREROLL_MS, AudioUnavailable, CuePlayer
from backbeat.audio.render import render, sample_offset
from backbeat.audio.samples import load_sounds
from backbeat.engine.clock import FakeClock
from backbeat.engine.runner import ClassRunner, RunState
from backbeat.engine.timeline import ClassPlan, all_cue_sounds
from backbeat.ui.audio_service import AudioService
from backbeat.ui.tv.window import TvWindow


class NoDevice:
    def __init__(self):
        self.calls = 0

    def play(self, buffer, rate):
        self.calls += 1
        raise AudioUnavailable("no sound device found", "Error opening PCM device. -- CODE: -2")


class Handle:
    def __init__(self, buffer):
        self.buffer, self.stopped = buffer, False

    def stop(self):
        self.stopped = True

    def is_playing(self):
        return not self.stopped


class Recorder:
    def __init__(self):
        self.played = []

    def play(self, buffer, rate):
        self.played.append(Handle(buffer))
        return self.played[-1]


@pytest.fixture
def tv_with(qtbot, sample_program, library):
    services = []

    def make(backend, probe=False):
        clock = FakeClock()
        runner = ClassRunner(ClassPlan(sample_program, 1, library), clock)
        audio = AudioService(CuePlayer(backend, samples=load_sounds(all_cue_sounds())), probe=probe)
        services.append(audio)
        window = TvWindow(runner, audio=audio,
                          status=lambda: [t for t in [audio.status_text()] if t])
        qtbot.addWidget(window)
        window.resize(1280, 720)
        window.show()
        return window, runner, clock, audio
    yield make
    for audio in services:  # the service outlives the window: stopped as the TV's end does
        audio.stop()


def test_without_a_sound_device_the_class_runs_on_and_says_why(tv_with, qtbot):
    backend = NoDevice()
    window, runner, clock, audio = tv_with(backend)
    assert audio.available and audio.status_text() is None
    with qtbot.waitSignal(audio.availabilityChanged) as signal:
        qtbot.keyClick(window, Qt.Key.Key_Space)  # start: the first buffer fails to open
    assert signal.args == [False, "no sound device found"]
    assert runner.state is RunState.RUNNING
    for _ in range(40):  # minutes of class, keys pressed: nothing raises, the class moves
        clock.advance(9.5)
        window.tick()
        qtbot.keyClick(window, Qt.Key.Key_Right)
    window.screen_widget.grab()
    assert runner.position_ms() > 0 and runner.state is not RunState.READY
    assert window.screen_widget.status_lines == ["SOUND OFF: no sound device found"]
    assert backend.calls == 1
    window.close()


def test_the_probe_says_sound_is_off_before_the_class_starts(tv_with):
    window, runner, clock, audio = tv_with(NoDevice(), probe=True)
    window.tick()
    assert not audio.available
    assert window.screen_widget.status_lines == ["SOUND OFF: no sound device found"]


def test_mute_and_volume_keys(tv_with, qtbot):
    backend = Recorder()
    window, runner, clock, audio = tv_with(backend)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert len(backend.played) == 1
    loud = np.abs(backend.played[-1].buffer.astype(np.int32)).max()
    with qtbot.waitSignal(audio.mutedChanged) as muted:
        qtbot.keyClick(window, Qt.Key.Key_M)
    assert muted.args == [True] and audio.muted and backend.played[-1].stopped
    assert window.screen_widget.status_lines == ["SOUND MUTED (M to unmute)"]
    clock.advance(30)
    qtbot.keyClick(window, Qt.Key.Key_Right)
    assert len(backend.played) == 1  # muted: the next set is silent
    qtbot.keyClick(window, Qt.Key.Key_M)
    assert not audio.muted and len(backend.played) == 2
    assert window.screen_widget.status_lines == []
    qtbot.keyClick(window, Qt.Key.Key_Left)  # back to the first step's start, at full volume
    assert np.abs(backend.played[-1].buffer.astype(np.int32)).max() == loud
    volumes = []
    audio.volumeChanged.connect(volumes.append)
    for _ in range(5):
        qtbot.keyClick(window, Qt.Key.Key_BracketLeft)
    assert volumes == pytest.approx([0.9, 0.8, 0.7, 0.6, 0.5]) and audio.volume == 0.5
    quieter = np.abs(backend.played[-1].buffer.astype(np.int32)).max()
    assert 0 < quieter < loud * 0.75
    for _ in range(8):
        qtbot.keyClick(window, Qt.Key.Key_BracketRight)
    assert audio.volume == 1.0
    for _ in range(12):
        qtbot.keyClick(window, Qt.Key.Key_BracketLeft)
    assert audio.volume == 0.0 and window.screen_widget.status_lines == ["VOLUME 0 (] to raise)"]
    window.close()
    assert all(h.stopped for h in backend.played)


def test_simpleaudio_hands_the_next_step_over_ahead_of_its_boundary(tv_with, qtbot):
    backend = Recorder()
    window, runner, clock, audio = tv_with(backend)
    window._timer.stop()  # only the audio service's own timer wakes the player here
    qtbot.keyClick(window, Qt.Key.Key_Space)
    timeline = runner.timeline
    step1 = timeline.step_start_ms(1)
    handover = step1 - PREROLL_MS
    assert audio.boundary_timer.isActive() and audio.boundary_timer.interval() == handover
    clock.advance(handover / 1000)
    audio.boundary_timer.timeout.emit()  # what the precise timer does at that moment
    assert len(backend.played) == 2 and backend.played[0].stopped
    # the step's first cue sits PREROLL_MS into the new buffer, on its sample
    sounds = load_sounds(all_cue_sounds())
    head = render(timeline.cues_between(step1, step1 + 1), step1, step1 + 100, sounds)
    at = sample_offset(step1, handover)
    assert np.array_equal(backend.played[1].buffer[at:at + head.size], head)
    step2 = timeline.step_start_ms(2)
    assert audio.boundary_timer.interval() == step2 - PREROLL_MS - handover
    clock.advance(1.2345)
    audio.follow(runner)  # (the screen calls this at every segment change) re-arms for what is left
    assert audio.boundary_timer.interval() == step2 - PREROLL_MS - handover - 1234  # rounded up
    qtbot.keyClick(window, Qt.Key.Key_Space)  # pause: nothing to wake up for
    assert not audio.boundary_timer.isActive() and backend.played[-1].stopped
    window.close()


def test_a_gui_stall_across_a_step_boundary_plays_its_opening_cue_late_not_never(
        tv_with, qtbot, caplog):
    backend = Recorder()
    window, runner, clock, audio = tv_with(backend)
    window._timer.stop()
    qtbot.keyClick(window, Qt.Key.Key_Space)
    timeline = runner.timeline
    step1 = timeline.step_start_ms(1)
    opening = timeline.cues_between(step1, step1 + 1)
    assert opening  # a set opens with its phase tone and first breath word
    # the GUI thread is held up 250 ms past the boundary: the wake-up comes late
    clock.advance((step1 + 250) / 1000)
    audio.boundary_timer.timeout.emit()
    sounds = load_sounds(all_cue_sounds())
    late = backend.played[-1].buffer
    whole = render(opening, step1, step1 + 200, sounds)
    assert np.array_equal(late[:whole.size], whole)  # played whole, at once
    with caplog.at_level("WARNING"):
        audio.write_notes()
    assert "played 250 ms late" in caplog.text
    window.close()


@pytest.mark.parametrize("backend", ["stream", "simpleaudio"])
def test_run_tv_shows_why_sound_is_off_and_keeps_volume_and_mute(db, qapp, monkeypatch, backend):
    """The real wiring in `backbeat tv`: the service made there (either backend),
    its words on the screen, M and [ remembered in the settings."""
    from backbeat.audio import player as player_mod
    from backbeat.audio import stream as stream_mod
    from backbeat.store.settings import get_setting
    from backbeat.ui.tv.app import run_tv

    class NoDeviceBackend(NoDevice):
        pass

    def no_stream(rate, fill, latency=0.1):
        raise AudioUnavailable("no sound device found", "Error querying device -1")

    monkeypatch.setattr(player_mod, "SimpleaudioBackend", NoDeviceBackend)
    monkeypatch.setattr(stream_mod, "SoundDeviceOutput", no_stream)
    monkeypatch.setenv("BACKBEAT_AUDIO", backend)
    seen = {}

    def look_and_leave():
        window = next(w for w in QApplication.topLevelWidgets()
                      if isinstance(w, TvWindow) and w.isVisible())
        window.audio.warm_up()  # what run_tv's timer does a second in: the stream opens
        window.tick()
        seen["status"] = list(window.screen_widget.status_lines)
        seen["available"] = window.audio.available
        seen["player"] = window.audio.player
        QTest.keyClick(window, Qt.Key.Key_M)
        QTest.keyClick(window, Qt.Key.Key_BracketLeft)
        window.close()
        QApplication.instance().quit()

    QTimer.singleShot(0, look_and_leave)
    assert run_tv(db, program="Precision Back", windowed=True) == 0
    assert {k: seen[k] for k in ("status", "available")} == {
        "status": ["SOUND OFF: no sound device found"], "available": False}
    kind = stream_mod.StreamPlayer if backend == "stream" else CuePlayer
    assert isinstance(seen["player"], kind)
    assert get_setting(db, "audio.muted") is True
    assert get_setting(db, "audio.volume") == pytest.approx(0.8)


def test_run_tv_on_the_stream_sounds_the_class_on_the_gym_s_clock(db, qapp, monkeypatch):
    """The real wiring in `backbeat tv` with the device-clock stream: the class runs
    on the gym's clock (epoch time, far from the device's), and its cues still land
    on the device's frames of the instants the screen shows them."""
    import time

    from backbeat.audio import stream as stream_mod
    from backbeat.ui.tv.app import run_tv

    devices = []

    class Device:  # a device heard 100 ms after each buffer is handed to it
        active = True

        def __init__(self, rate, fill, latency=0.1):
            self.fill, self.out = fill, []
            devices.append(self)

        def feed(self, buffers):
            for _ in range(buffers):
                buf = np.zeros(stream_mod.BLOCK_FRAMES, dtype=np.int16)
                self.fill(buf, time.monotonic_ns() + 100_000_000, False)
                self.out.append(buf)

        def close(self):
            self.active = False

    monkeypatch.setattr(stream_mod, "SoundDeviceOutput", Device)
    monkeypatch.setenv("BACKBEAT_AUDIO", "stream")
    seen = {}

    def play_and_listen():
        window = next(w for w in QApplication.topLevelWidgets()
                      if isinstance(w, TvWindow) and w.isVisible())
        player = window.audio.player
        player._samples = load_sounds(all_cue_sounds())  # what warm_up reads, without speech
        window.audio.warm_up()
        QTest.keyClick(window, Qt.Key.Key_Space)
        deadline = time.monotonic() + 10
        while window.class_id is None and time.monotonic() < deadline:  # the class is the gym's
            QTest.qWait(10)
            window.tick()
        QTest.keyClick(window, Qt.Key.Key_PageDown)  # on into the first set: a cue a phase
        window.tick()
        seen["jumped_ms"] = window.runner.position_ms()
        seen["landed_ms"] = window.runner.now().segment.start_ms
        start = time.monotonic()
        while time.monotonic() - start < 2.5:  # 2.5 s of class, fed as the device asks
            devices[0].feed(2)
            QTest.qWait(20)
            window.tick()
        seen["history"] = list(player.mixer.history)
        seen["shown_ms"] = window.runner.position_ms()
        seen["sound"] = int(np.count_nonzero(np.concatenate(devices[0].out)))
        seen["frame"], seen["heard"] = player._frame, player.clock.frame_heard_at(time.monotonic_ns())
        seen["clock_is_gym"] = type(window.runner.clock).__name__
        seen["anchor"], seen["offset"] = window.runner.anchor_ns(), window.runner.clock.offset_ns
        window.close()
        QApplication.instance().quit()

    QTimer.singleShot(0, play_and_listen)
    assert run_tv(db, program="Precision Back", windowed=True) == 0
    assert seen["clock_is_gym"] == "GymClock"
    assert seen["history"], "no cue was started in 2.5 s of class"
    assert seen["sound"] > 0
    # each cue started sits on the device frame of the instant the screen's clock
    # (the gym's, offset from the device's by a wall-clock-sized amount) reaches it
    (pos_ns, clock_ns), offset = seen["anchor"], seen["offset"]
    assert abs(offset) > 10**15
    # (a cue due at the key press itself plays as soon as it can: the price of reacting)
    # the jump over the get-ready countdown plays none of it (no burst of skipped cues)
    assert all(t_ms == 0 or t_ms >= seen["landed_ms"] for t_ms, _ in seen["history"]), seen["history"]
    assert any(t_ms == seen["landed_ms"] for t_ms, _ in seen["history"])  # the set's opening cue
    placed = [(t_ms, frame) for t_ms, frame in seen["history"] if t_ms >= seen["jumped_ms"] + 500]
    assert placed, seen["history"]
    for t_ms, frame in placed:
        assert t_ms <= seen["shown_ms"] + 200
        device_ns = clock_ns + t_ms * 1_000_000 - pos_ns - offset
        assert abs(frame - device_ns * 44_100 / 1e9) <= 1
