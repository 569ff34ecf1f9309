"""The TV with its sound service: no sound device means a silent class that
keeps running and says why; M mutes, [ and ] set the volume."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from backbeat.audio.player import AudioUnavailable, CuePlayer
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
    def make(backend, probe=False):
        clock = FakeClock()
        runner = ClassRunner(ClassPlan(sample_program, 1, library), clock)
        audio = AudioService(CuePlayer(backend, samples=load_sounds(all_cue_sounds())), probe=probe)
        window = TvWindow(runner, audio=audio,
                          status=lambda: [t for t in [audio.status_text()] if t])
        qtbot.addWidget(window)
        window.resize(1280, 720)
        window.show()
        return window, runner, clock, audio
    return make


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


def test_the_next_step_starts_on_its_boundary_not_a_frame_late(tv_with, qtbot):
    backend = Recorder()
    window, runner, clock, audio = tv_with(backend)
    window._timer.stop()  # only the audio service's own timer wakes the player here
    qtbot.keyClick(window, Qt.Key.Key_Space)
    timeline = runner.timeline
    step1 = timeline.step_start_ms(1)
    assert audio.boundary_timer.isActive() and audio.boundary_timer.interval() == step1
    clock.advance(step1 / 1000)
    audio.boundary_timer.timeout.emit()  # what the precise timer does at that moment
    assert len(backend.played) == 2 and backend.played[0].stopped
    assert runner.position_ms() == step1  # rendered on the boundary itself
    step2 = timeline.step_start_ms(2)
    assert audio.boundary_timer.interval() == step2 - step1
    clock.advance(1.2345)
    audio.follow(runner)  # (the screen calls this at every segment change) re-arms for what is left
    assert audio.boundary_timer.interval() == step2 - step1 - 1234  # rounded up to whole ms
    qtbot.keyClick(window, Qt.Key.Key_Space)  # pause: nothing to wake up for
    assert not audio.boundary_timer.isActive() and backend.played[-1].stopped
    window.close()


def test_run_tv_shows_why_sound_is_off_and_keeps_volume_and_mute(db, qapp, monkeypatch):
    """The real wiring in `backbeat tv`: the service made there, its words on the
    screen, M and [ remembered in the settings."""
    from backbeat.audio import player as player_mod
    from backbeat.store.settings import get_setting
    from backbeat.ui.tv.app import run_tv

    class NoDeviceBackend(NoDevice):
        pass

    monkeypatch.setattr(player_mod, "SimpleaudioBackend", NoDeviceBackend)
    seen = {}

    def look_and_leave():
        window = next(w for w in QApplication.topLevelWidgets() if isinstance(w, TvWindow))
        window.tick()
        seen["status"] = list(window.screen_widget.status_lines)
        seen["available"] = window.audio.available
        QTest.keyClick(window, Qt.Key.Key_M)
        QTest.keyClick(window, Qt.Key.Key_BracketLeft)
        window.close()
        QApplication.instance().quit()

    QTimer.singleShot(0, look_and_leave)
    assert run_tv(db, program="Precision Back", windowed=True) == 0
    assert seen == {"status": ["SOUND OFF: no sound device found"], "available": False}
    assert get_setting(db, "audio.muted") is True
    assert get_setting(db, "audio.volume") == pytest.approx(0.8)
