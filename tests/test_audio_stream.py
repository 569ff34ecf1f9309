"""Sound on the device's clock: the stream's mixer places every cue on its
frame, the audio thread needs nothing from the GUI thread between commands,
and the class (so the screen) runs on the device's clock. A fake device
calls the real fill function buffer by buffer on a fake monotonic clock."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from backbeat.audio.player import AudioUnavailable, CuePlayer
from backbeat.audio.render import render, sample_offset
from backbeat.audio.samples import RATE, load_sounds
from backbeat.audio.stream import BLOCK_FRAMES, DeviceClock, StreamPlayer, open_player
from backbeat.engine.runner import ClassRunner, RunState
from backbeat.engine.timeline import ClassPlan, CueKind, SegmentKind, all_cue_sounds
from backbeat.ui.audio_service import AudioService
from backbeat.ui.tv.window import TvWindow

NS = 1_000_000_000
LATENCY_NS = 100_000_000


@pytest.fixture(scope="module")
def sounds():
    return load_sounds(all_cue_sounds())


class Mono:
    """The fake monotonic clock the device and the player's clock both read."""

    def __init__(self, ns: int = NS):
        self.ns = ns

    def __call__(self) -> int:
        return self.ns


class FakeDevice:
    """Fills BLOCK_FRAMES at a time; each buffer is heard LATENCY_NS after it is
    written. ``speed`` > 1 is a device whose crystal runs fast."""

    def __init__(self, rate, fill, mono: Mono, speed: float = 1.0, sizes=(BLOCK_FRAMES,)):
        self.fill, self.mono, self.speed, self.sizes = fill, mono, speed, sizes
        self.out: list[np.ndarray] = []
        self.active = True
        self._k = 0
        self._written_ns = 0.0  # device time written so far, in monotonic ns

    def run(self, seconds: float) -> None:
        end = self.mono.ns + round(seconds * NS)
        while self.mono.ns < end:
            n = self.sizes[self._k % len(self.sizes)]
            self._k += 1
            buf = np.zeros(n, dtype=np.int16)
            self.fill(buf, self.mono.ns + LATENCY_NS, False)
            self.out.append(buf)
            self._written_ns += n * NS / RATE / self.speed
            self.mono.ns = NS + round(self._written_ns)

    def samples(self) -> np.ndarray:
        return np.concatenate(self.out)

    def close(self) -> None:
        self.active = False


@pytest.fixture
def stream(sample_program, library, sounds):
    def make(speed=1.0, sizes=(BLOCK_FRAMES,), **kw):
        mono = Mono()
        devices: list[FakeDevice] = []

        def open_device(rate, fill):
            devices.append(FakeDevice(rate, fill, mono, speed, sizes))
            return devices[-1]

        player = StreamPlayer(samples=sounds, open_device=open_device, monotonic_ns=mono, **kw)
        assert player.probe()
        runner = ClassRunner(ClassPlan(sample_program, 1, library), player.clock)
        return player, runner, devices[0], mono
    return make


def test_every_cue_lands_on_its_frame_across_buffers_of_any_size(stream, sounds):
    player, runner, device, mono = stream(sizes=(441, 512, 1, 300, 4096))
    tl = runner.timeline
    start = _quiet_spot(tl, 30_000)
    runner.seek_ms(start)
    runner.play()  # at device time 1 s
    player.follow(runner)
    device.run(40.0)
    out = device.samples()
    # the first buffer is heard 100 ms after it was written: class start + 100 ms at sample 0
    expected = render(tl.cues, start + 100, start + 39_000, sounds)
    assert len(tl.cues_between(start + 100, start + 39_000)) > 30
    assert np.array_equal(out[:expected.size], expected)
    # each cue on the frame of the device time at which the runner (the screen) reaches it
    for t, frame in player.mixer.history:
        device_ns = NS + (t - start) * 1_000_000
        assert frame == (device_ns * RATE + NS // 2) // NS


def test_spoken_names_play_on_their_frames_in_the_same_stream(sample_program, library, sounds):
    """With the voice samples made, the stream plays each spoken name and cue on its
    exact frame, sample-for-sample the rendered track."""
    tl = ClassPlan(sample_program, 1, library).timeline()
    spoken = [c for c in tl.cues if c.kind is CueKind.SPEECH]
    assert spoken
    rng = np.random.default_rng(3)
    voices = {c.sound: (rng.random(9000, dtype=np.float32) - 0.5) * 0.4 for c in spoken}
    samples = {**sounds, **voices}
    mono = Mono()
    devices: list[FakeDevice] = []

    def open_device(rate, fill):
        devices.append(FakeDevice(rate, fill, mono, 1.0, (441, 512, 300)))
        return devices[-1]

    player = StreamPlayer(samples=samples, open_device=open_device, monotonic_ns=mono)
    assert player.probe()
    runner = ClassRunner(ClassPlan(sample_program, 1, library), player.clock)
    cue = spoken[2]
    start = _quiet_spot(tl, cue.t_ms - 2_500)
    assert start < cue.t_ms - 500
    runner.seek_ms(start)
    runner.play()
    player.follow(runner)
    devices[0].run(6.0)
    out = devices[0].samples()
    expected = render(tl.cues, start + 100, start + 5_000, samples)
    assert np.array_equal(out[:expected.size], expected)
    assert any(t == cue.t_ms for t, _frame in player.mixer.history)


def _quiet_spot(tl, after_ms, quiet_ms=300):
    """A class time with no cue in the next quiet_ms (so nothing is due before the first frame)."""
    times = sorted({c.t_ms for c in tl.cues if c.t_ms >= after_ms})
    t = next(a for a, b in zip(times, times[1:], strict=False) if b - a > quiet_ms + 20)
    return t + 10


def test_no_call_from_the_gui_thread_is_needed_across_step_boundaries(stream, sounds):
    player, runner, device, mono = stream()
    tl = runner.timeline
    start = _quiet_spot(tl, tl.step_start_ms(1) - 3_000)
    runner.seek_ms(start)
    runner.play()
    player.follow(runner)  # the only command: the GUI thread then stalls for 150 s
    device.run(150.0)
    out = device.samples()
    first = start + 100
    expected = render(tl.cues, first, first + 149_000, sounds)
    assert np.array_equal(out[:expected.size], expected)
    steps = [s for s in range(1, tl.step_count) if first < tl.step_start_ms(s) < first + 149_000]
    assert len(steps) >= 3
    for step in steps:  # each step's opening cue, on its sample
        at = sample_offset(tl.step_start_ms(step), first)
        assert out[at] != 0 and not out[at - 220:at].any()


def test_the_class_runs_on_the_device_s_clock(stream, sounds):
    """A device 0.1 % fast: an hour of it is 3.6 s more class than the monotonic
    clock says — the screen goes with what is heard."""
    player, runner, device, mono = stream(speed=1.001)
    runner.play()
    player.follow(runner)
    start_mono = mono.ns
    device.run(60.0)
    position = runner.position_ms()
    assert (mono.ns - start_mono) / 1e6 == pytest.approx(60_000, abs=11)
    assert position == pytest.approx(60_060, abs=12)  # 0.1 % more: the device's time
    # the sound heard now is the sample of the class position now
    heard_frame = player.clock.frame_heard_at(mono.ns)
    written = player._frame
    assert (written - heard_frame) == pytest.approx(LATENCY_NS * RATE * 1.001 / NS, abs=2)


def _started(player, since=0):
    return [t for t, _ in list(player.mixer.history)[since:]]


def test_pause_resume_does_not_repeat_a_seek_back_does(stream, sounds):
    player, runner, device, mono = stream()
    tl = runner.timeline
    step = next(s.step for s in tl.segments if s.kind is SegmentKind.WORK and s.step > 1)
    opening = tl.step_start_ms(step)
    runner.seek_ms(opening - 500)
    runner.play()
    player.follow(runner)
    device.run(2.0)
    runner.pause()
    player.follow(runner)
    device.run(5.0)
    before = _started(player)
    assert opening in before
    assert player.mixer.started == len(before)  # nothing more while paused
    runner.play()
    player.follow(runner)
    device.run(3.0)
    after = _started(player, len(before))
    assert after and not set(after) & set(before)  # heard before the pause: not again
    assert after == sorted(after) and after[0] >= before[-1]
    runner.seek_ms(opening)
    player.follow(runner)
    device.run(0.3)
    assert opening in _started(player, len(before) + len(after))  # the coach wants it again
    notes = player.take_notes()
    assert not any("late" in n for n in notes)  # a key press's cue is a reaction, not a miss


def test_mute_is_silence_and_unmute_does_not_replay(stream, sounds):
    player, runner, device, mono = stream()
    runner.seek_ms(runner.timeline.step_start_ms(2))
    runner.play()
    player.follow(runner)
    device.run(1.0)
    player.set_muted(True)
    device.run(0.3)  # the fade and what was already written
    quiet_from = len(device.out)
    device.run(5.0)
    assert not np.concatenate(device.out[quiet_from:]).any()
    started = player.mixer.started
    player.set_muted(False)
    device.run(1.0)
    assert player.mixer.started >= started  # goes on from here, nothing from the muted 5 s
    assert player.volume == 1.0


def test_an_audio_thread_held_up_drops_nothing_and_the_screen_waits_for_it(stream, sounds):
    player, runner, device, mono = stream()
    tl = runner.timeline
    start = tl.step_start_ms(2) - 1_000
    runner.seek_ms(start)
    runner.play()
    player.follow(runner)
    device.run(0.5)
    # the device ran dry: 0.8 s passes before the next buffer is asked for, so
    # every frame from here is heard 0.8 s later than the clock expected
    mono.ns += 800_000_000
    device._written_ns += 800_000_000
    seen = []
    for _ in range(40):
        device.run(0.05)
        seen.append(runner.position_ms())
    assert seen == sorted(seen)  # the screen never goes back
    started = _started(player)
    # (the spoken names' voice samples are not made here: the stream leaves them out)
    due = [c for c in tl.cues_between(start, round(seen[-1])) if c.kind is not CueKind.SPEECH]
    assert sorted(set(started)) == sorted({c.t_ms for c in due})
    assert len(started) == len(due)  # every cue once: none dropped, none twice
    # and the class now runs on what the device plays: 0.8 s behind the monotonic clock
    assert runner.position_ms() == pytest.approx(start + (mono.ns - NS) / 1e6 - 800, abs=11)


def test_the_device_gone_turns_sound_off_and_back(stream, sounds):
    told = []
    player, runner, device, mono = stream(on_availability=lambda *a: told.append(a))
    runner.play()
    player.follow(runner)
    device.run(1.0)
    device.active = False  # unplugged
    player.follow(runner)
    assert not player.available and player.reason == "the sound device stopped"
    assert told == [(False, "the sound device stopped")]
    mono.ns += 11 * NS  # back after 11 s, when the retry falls due
    player.follow(runner)
    assert player.available and told[-1] == (True, "")
    back = player._device
    back.run(1.0)
    notes = player.take_notes()
    assert any("fell while the sound device was gone" in n for n in notes)
    assert any("ms late" in n for n in notes)  # the last second's cues: late, not lost


def test_no_device_at_all_is_said_and_the_class_runs_on(sample_program, library, sounds):
    def refuse(rate, fill):
        raise AudioUnavailable("no sound device found", "Error querying device -1")

    player = StreamPlayer(samples=sounds, open_device=refuse)
    assert not player.probe() and player.reason == "no sound device found"
    runner = ClassRunner(ClassPlan(sample_program, 1, library), player.clock)
    runner.play()
    player.follow(runner)  # never raises
    assert runner.state is RunState.RUNNING


def test_the_device_clock_never_goes_back_and_ignores_one_late_report():
    mono = Mono(5 * NS)
    clock = DeviceClock(RATE, mono)
    assert clock.now_ns() == 5 * NS  # no device yet: the monotonic clock
    for k in range(20):
        clock.sync(k * 441 + 44_100 * 5, 5 * NS + k * 10_000_000)
    mono.ns = 5 * NS + 200_000_000
    before = clock.now_ns()
    clock.sync(20 * 441 + 44_100 * 5, 5 * NS + 20 * 10_000_000 + 7_000_000)  # one callback 7 ms late
    assert clock.now_ns() == before
    clock.sync(21 * 441 + 44_100 * 5, 5 * NS - 50 * NS)  # nonsense: outvoted
    assert clock.now_ns() >= before


def test_backend_choice(monkeypatch):
    monkeypatch.setenv("BACKBEAT_AUDIO", "simpleaudio")
    assert isinstance(open_player(), CuePlayer)
    monkeypatch.setenv("BACKBEAT_AUDIO", "stream")
    assert isinstance(open_player(), StreamPlayer)


def test_the_tv_paints_from_the_device_s_clock(stream, qtbot, sounds):
    player, runner, device, mono = stream()
    audio = AudioService(player, probe=False)
    assert audio.clock is player.clock
    window = TvWindow(runner, audio=audio)
    qtbot.addWidget(window)
    window.resize(1280, 720)
    window.show()
    qtbot.keyClick(window, Qt.Key.Key_Space)
    device.run(12.0)  # the device's time moves the class, nothing else does
    assert runner.position_ms() == pytest.approx(12_000, abs=11)
    window.tick()
    assert window.screen_widget.display().elapsed_s == 12
    window.close()
    assert not device.active


def _follower(stream):
    """A follower TV: its runner never seeks, it takes up the class's timing from the
    store (runner.adopt), so a jump arrives as a new anchor on the same runner."""
    from backbeat.engine.gymclass import ClassState, Timing

    player, runner, device, mono = stream()

    def leader_at(pos_ms: float) -> None:  # the leader's class, now at pos_ms, running
        runner.adopt(Timing(ClassState.RUNNING, player.clock.now_ns() - round(pos_ms * 1e6), 0, ()))
        player.follow(runner)
    return player, runner, device, leader_at


def test_a_follower_joining_mid_class_plays_from_there_not_the_class_so_far(stream):
    player, runner, device, leader_at = _follower(stream)
    tl = runner.timeline
    join = next(s.start_ms for s in tl.segments if s.kind is SegmentKind.WORK and s.start_ms > 200_000)
    player.follow(runner)  # ready: the schedule of a class not started
    device.run(0.5)
    leader_at(join + 600)  # minutes in, inside a set
    device.run(2.0)
    started = _started(player)
    assert started, "nothing heard"
    assert min(started) >= join + 600  # not the hundreds of cues before it, all at once
    assert player.mixer.started == len(started) < 10


def test_a_follower_jumped_by_the_leader_plays_the_new_step_not_what_lies_between(stream):
    player, runner, device, leader_at = _follower(stream)
    tl = runner.timeline
    step = next(s.step for s in tl.segments if s.kind is SegmentKind.WORK and s.step > 3)
    target = tl.step_start_ms(step)
    leader_at(60_000)
    device.run(1.0)
    before = len(_started(player))
    leader_at(target)  # the leader pressed next (several steps, say): a jump forward
    device.run(0.5)
    after = _started(player, before)
    assert target in after  # the step's opening cue, as a reaction
    assert all(t >= target for t in after)  # nothing of what was skipped
    leader_at(60_000)  # and back: what was heard before is heard again
    device.run(1.0)
    assert any(60_000 <= t < 61_000 for t in _started(player, before + len(after)))
