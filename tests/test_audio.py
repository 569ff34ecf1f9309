"""The cue track: sounds, sample-exact rendering, the player following a class
(recording and failing backends), and `backbeat render-audio`."""

from __future__ import annotations

import json
import sys
import wave
from fractions import Fraction

import numpy as np
import pytest

from backbeat.audio import samples as samples_mod
from backbeat.audio.check import compare_onsets, detect_onsets
from backbeat.audio.player import LATE_CUE_MS, AudioUnavailable, CuePlayer, step_span
from backbeat.audio.render import render, sample_offset, soft_limit, track_end_ms, write_wav
from backbeat.audio.samples import RATE, SoundFileError, load_sounds, read_sound
from backbeat.audio.speech import with_speech
from backbeat.cli import main
from backbeat.domain.program import parse_program
from backbeat.engine.clock import FakeClock
from backbeat.engine.runner import ClassRunner, RunState
from backbeat.engine.timeline import ClassPlan, Cue, CueKind, SegmentKind, all_cue_sounds


@pytest.fixture(scope="module")
def sounds():
    return load_sounds(all_cue_sounds())


@pytest.fixture(scope="module")
def impulses():
    """Every sound replaced by one sample, so each cue's onset is one non-zero sample
    (the spoken names' voice samples too, whatever their text)."""

    class Impulses(dict):
        def __missing__(self, name):
            if not name.startswith("speech_"):
                raise KeyError(name)
            return np.array([0.25], dtype=np.float32)

    return Impulses({name: np.array([0.25], dtype=np.float32) for name in all_cue_sounds()})


def _plan(sample_program, library, day=1):
    return ClassPlan(sample_program, day, library)


def _exact_offset(t_ms: int, from_ms: int) -> int:
    """round-half-even((t - from) · 44100 / 1000) in plain integers (independent of the renderer)."""
    q, r = divmod((t_ms - from_ms) * 441, 10)
    return q + (1 if r > 5 or (r == 5 and q % 2) else 0)


# --- sounds ---------------------------------------------------------------------

def test_every_cue_sound_loads_and_starts_at_once(sounds):
    assert all_cue_sounds() <= sounds.keys()
    for name, data in sounds.items():
        assert data.dtype == np.float32 and data.ndim == 1 and data.size > 0, name
        # the renderer puts sample 0 on the beat: no leading silence allowed
        assert abs(data[0]) * 32767 > 100, f"{name}.wav starts with silence"


def test_a_sound_in_the_wrong_format_is_named(tmp_path):
    bad = tmp_path / "tick.wav"
    with wave.open(str(bad), "wb") as w:
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(48000)
        w.writeframes(b"\0\0\0\0" * 10)
    with pytest.raises(SoundFileError, match=r"tick\.wav: is 48000 Hz, 2 channel"):
        read_sound(bad)
    (tmp_path / "broken.wav").write_bytes(b"not a wav")
    with pytest.raises(SoundFileError, match=r"broken\.wav: not a readable WAV"):
        read_sound(tmp_path / "broken.wav")
    with pytest.raises(SoundFileError, match=r"missing cue sound\(s\) count_99\.wav"):
        load_sounds({"count_99"}, directory=samples_mod.sounds_dir())


# --- rendering -----------------------------------------------------------------

@pytest.mark.parametrize("day", [1, 2])
def test_every_onset_of_a_whole_class_lands_on_its_sample(sample_program, library, impulses, day):
    timeline = _plan(sample_program, library, day).timeline()
    end = timeline.duration_ms + 1
    # the spoken names and cues land sample-exact in the same track
    assert len({c.sound for c in timeline.cues if c.kind is CueKind.SPEECH}) >= 10
    track = render(timeline.cues, 0, end, impulses)
    assert track.size == _exact_offset(end, 0)
    placed = set(np.flatnonzero(track).tolist())
    planned = {_exact_offset(c.t_ms, 0) for c in timeline.cues}
    assert placed == planned
    # and each is within half a sample of t · 44.1 (the bar is one sample)
    assert max(abs(Fraction(i) - Fraction(c.t_ms * 441, 10))
               for c, i in ((c, _exact_offset(c.t_ms, 0)) for c in timeline.cues)) <= Fraction(1, 2)


def test_onsets_from_a_mid_class_start(sample_program, library, impulses):
    timeline = _plan(sample_program, library).timeline()
    start, stop = 754_321, 1_200_007  # not on any ms multiple of 10
    track = render(timeline.cues, start, stop, impulses)
    assert track.size == _exact_offset(stop, start)
    inside = [c for c in timeline.cues if start <= c.t_ms < stop]
    assert len(inside) > 100
    assert set(np.flatnonzero(track).tolist()) == {_exact_offset(c.t_ms, start) for c in inside}


def test_real_sounds_are_found_where_planned_in_a_set(sample_program, library, sounds):
    timeline = _plan(sample_program, library).timeline()
    for kind in (SegmentKind.WORK, SegmentKind.HOLD, SegmentKind.REST, SegmentKind.BREATH):
        seg = next(s for s in timeline.segments if s.kind is kind)
        start, end = step_span(timeline, seg.step, sounds)
        track = render(timeline.cues, start, end, sounds)
        report = compare_onsets(track, timeline.cues_between(start, end), start, sounds)
        assert report.planned >= 2, kind
        assert report.ok, (kind, report)
        assert report.max_error_samples <= 1


def test_the_onset_check_catches_a_misplaced_cue(sample_program, library, sounds):
    timeline = _plan(sample_program, library).timeline()
    seg = next(s for s in timeline.segments if s.kind is SegmentKind.WORK)
    start, end = step_span(timeline, seg.step, sounds)
    cues = timeline.cues_between(start, end)
    tick = next(i for i, c in enumerate(cues) if c.kind is CueKind.TICK)  # alone at its instant
    moved = [Cue(c.t_ms + 2, c.kind, c.sound, c.segment) if i == tick else c
             for i, c in enumerate(cues)]
    report = compare_onsets(render(moved, start, end, sounds), cues, start, sounds)
    assert not report.ok and len(report.missing) == 1


def test_no_half_sounds_and_step_ends_go_to_the_next_buffer(impulses):
    cues = [Cue(900, CueKind.TICK, "tick", 0), Cue(1000, CueKind.TICK, "tick", 0),
            Cue(1500, CueKind.TICK, "tick", 0), Cue(2000, CueKind.TICK, "tick", 0)]
    track = render(cues, 1000, 2000, impulses)
    assert np.flatnonzero(track).tolist() == [0, 22050]  # 900 started before: not played; 2000 is next
    sound = {"tick": np.full(100, 0.25, dtype=np.float32)}
    late = render(cues, 950, 2000, sound, late_from_ms=850)
    assert np.count_nonzero(late[:100]) == 100  # the just-missed cue plays whole, at once
    assert np.count_nonzero(render(cues, 950, 2000, sound)[:100]) == 0


def test_volume_and_soft_limit(sounds):
    cues = [Cue(0, CueKind.VOICE, "voice_go", 0), Cue(0, CueKind.PHASE, "phase_concentric", 0),
            Cue(0, CueKind.BEEP, "beep_long", 0)]
    full = render(cues, 0, 1000, sounds).astype(np.int32)
    half = render(cues, 0, 1000, sounds, volume=0.25).astype(np.int32)
    assert np.abs(full).max() <= 32767
    quiet = np.abs(full) < 0.25 * 32767  # below the knee the volume is exact
    assert np.abs(half[quiet] - np.rint(full[quiet] * 0.25)).max() <= 2
    assert np.count_nonzero(render(cues, 0, 1000, sounds, volume=0.0)) == 0
    x = np.linspace(-3, 3, 10001, dtype=np.float32)
    y = soft_limit(x.copy())
    assert np.all(np.diff(y) >= 0) and np.abs(y).max() <= 1.0
    assert np.array_equal(y[np.abs(x) <= 0.8], x[np.abs(x) <= 0.8])
    with pytest.raises(ValueError, match="volume"):
        render(cues, 0, 10, sounds, volume=1.5)


def test_sample_offset_is_exact_over_hours():
    for t in (0, 1, 5, 15, 999, 3_600_000, 3_600_005, 7_199_995):
        assert sample_offset(t, 0) == _exact_offset(t, 0)
    assert sample_offset(3_600_000, 0) == 158_760_000
    # a running class's position is a float of ms: still exact, against plain fractions
    for t, f in ((1000, 999.5), (25_301, 25_300.000001), (7_000, 6_999.98866), (10, 10.0)):
        assert sample_offset(t, f) == round((Fraction(t) - Fraction(f)) * 441 / 10)


# --- the player --------------------------------------------------------------------

class Handle:
    def __init__(self, buffer):
        self.buffer = buffer
        self.stopped = False

    def stop(self):
        self.stopped = True

    def is_playing(self):
        return not self.stopped


class RecordingBackend:
    def __init__(self):
        self.played: list[Handle] = []

    def play(self, buffer, rate):
        assert rate == RATE
        self.played.append(Handle(np.frombuffer(buffer, dtype=np.int16).copy()))
        return self.played[-1]


class FailingBackend:
    def __init__(self, exc=None):
        self.exc = exc or AudioUnavailable("no sound device found", "Error opening PCM device")
        self.calls = 0

    def play(self, buffer, rate):
        self.calls += 1
        raise self.exc


@pytest.fixture
def following(sample_program, library, sounds):
    clock = FakeClock()
    runner = ClassRunner(_plan(sample_program, library), clock)
    backend = RecordingBackend()
    player = CuePlayer(backend, samples=sounds)
    return runner, clock, backend, player


def _expected(runner, sounds, position_ms, *, late=True, volume=1.0):
    tl = runner.timeline
    seg = tl.segment_at_ms(position_ms)
    start, end = step_span(tl, seg.step, sounds)
    late_from = max(position_ms - LATE_CUE_MS, start) if late else None
    return render(tl.cues, position_ms, end, sounds, volume=volume, late_from_ms=late_from)


def test_player_renders_each_step_once_and_follows_the_clock(following, sounds):
    runner, clock, backend, player = following
    player.follow(runner)
    assert backend.played == []  # not started yet: silence
    runner.play()
    player.follow(runner)
    assert len(backend.played) == 1
    first = backend.played[0]
    assert np.array_equal(first.buffer, _expected(runner, sounds, 0))
    assert first.buffer.size == sample_offset(runner.timeline.step_start_ms(1), 0)
    # segments change inside the step (a get-ready has one; a set has many): no re-render
    clock.advance(2.0)
    player.follow(runner)
    assert len(backend.played) == 1
    # the next step, noticed 16 ms late: its first cue still plays whole at once
    step1 = runner.timeline.step_start_ms(1)
    clock.advance((step1 - 2000 + 16) / 1000)
    player.follow(runner)
    assert len(backend.played) == 2 and first.stopped
    second = backend.played[1].buffer
    assert np.array_equal(second, _expected(runner, sounds, step1 + 16))
    head = render(runner.timeline.cues_between(step1, step1 + 1), step1, step1 + 100, sounds)
    assert np.array_equal(second[: head.size], head)


def test_pause_seek_next_back_and_extend_re_render_from_the_new_place(following, sounds):
    runner, clock, backend, player = following
    runner.play()
    player.follow(runner)
    clock.advance(25.3)
    player.follow(runner)
    n = len(backend.played)
    runner.pause()
    player.follow(runner)
    assert backend.played[-1].stopped and len(backend.played) == n
    clock.advance(30)  # paused: nothing plays, nothing renders
    player.follow(runner)
    assert len(backend.played) == n
    runner.play()
    player.follow(runner)
    assert len(backend.played) == n + 1
    pos = runner.position_ms()
    assert pos == pytest.approx(25_300)
    assert np.array_equal(backend.played[-1].buffer, _expected(runner, sounds, pos))
    # next: from the next step's start, with its first cues at sample 0
    runner.next()
    player.follow(runner)
    assert backend.played[-2].stopped
    pos = runner.position_ms()
    assert pos == runner.timeline.step_start_ms(runner.now().segment.step)
    assert np.array_equal(backend.played[-1].buffer, _expected(runner, sounds, pos))
    assert backend.played[-1].buffer[0] != 0
    # back
    clock.advance(0.5)
    runner.back()
    player.follow(runner)
    assert np.array_equal(backend.played[-1].buffer, _expected(runner, sounds, runner.position_ms()))
    # seek into the middle of a rest, then +15 s: the rest's buffer grows by 15 s
    rest = next(s for s in runner.timeline.segments if s.kind is SegmentKind.REST)
    runner.seek_ms(rest.start_ms + 5_000)
    player.follow(runner)
    before = backend.played[-1].buffer.size
    assert before == sample_offset(rest.end_ms, rest.start_ms + 5_000)
    assert runner.extend()
    player.follow(runner)
    assert backend.played[-2].stopped
    assert backend.played[-1].buffer.size == before + 15 * RATE
    assert np.array_equal(backend.played[-1].buffer,
                          _expected(runner, sounds, rest.start_ms + 5_000))


def test_the_final_voice_plays_out_but_a_stopped_class_is_silent(following, sounds):
    runner, clock, backend, player = following
    tl = runner.timeline
    last_step = tl.step_count - 1
    runner.seek_ms(tl.step_start_ms(last_step))
    runner.play()
    player.follow(runner)
    buf = backend.played[-1].buffer
    start, end = step_span(tl, last_step, sounds)
    assert end > tl.duration_ms and buf.size == sample_offset(end, start)
    done = sample_offset(tl.duration_ms, start)
    assert np.count_nonzero(buf[done:]) > RATE  # "class complete, well done" is in it
    clock.advance((tl.duration_ms - start) / 1000 + 0.1)
    assert runner.state is RunState.ENDED
    player.follow(runner)
    assert not backend.played[-1].stopped  # ran to the end: let it finish
    runner.seek_ms(tl.step_start_ms(last_step))
    runner.play()
    player.follow(runner)
    runner.next()  # the coach skips past the end
    player.follow(runner)
    assert runner.state is RunState.ENDED and backend.played[-1].stopped


def test_a_cue_heard_before_a_pause_is_not_repeated_but_a_jump_back_repeats_it(following, sounds):
    runner, clock, backend, player = following
    tl = runner.timeline
    tick = next(c for c in tl.cues if c.kind is CueKind.TICK and c.t_ms > 60_000)
    seg = tl.segment_at_ms(tick.t_ms)
    runner.seek_ms(tl.step_start_ms(seg.step))
    runner.play()
    player.follow(runner)
    clock.advance((tick.t_ms + 100 - runner.position_ms()) / 1000)  # 100 ms after the tick
    player.follow(runner)
    runner.pause()
    clock.advance(0.03)  # the screen noticed the pause a couple of frames later
    player.follow(runner)
    clock.advance(20)
    runner.play()
    player.follow(runner)
    resumed = backend.played[-1].buffer
    assert runner.position_ms() == tick.t_ms + 100
    # the tick was heard before the pause: it is not played again on resuming
    assert not resumed[: sample_offset(tick.t_ms + 900, tick.t_ms + 100)].any()
    assert np.array_equal(resumed, render(tl.cues, tick.t_ms + 100, step_span(tl, seg.step, sounds)[1],
                                          sounds))
    # a jump back to just after it: the coach wants to hear it again
    runner.seek_ms(tick.t_ms + 50)
    player.follow(runner)
    again = backend.played[-1].buffer
    assert np.array_equal(again[: sounds["tick"].size],
                          np.rint(sounds["tick"] * 32767).astype(np.int16))


def test_volume_and_mute_re_render_from_here(following, sounds):
    runner, clock, backend, player = following
    runner.play()
    player.follow(runner)
    clock.advance(0.05)
    player.set_volume(0.5)
    pos = runner.position_ms()
    assert backend.played[-2].stopped
    # from here on at half volume, and the cue of 50 ms ago is not sounded twice
    assert np.array_equal(backend.played[-1].buffer,
                          _expected(runner, sounds, pos, late=False, volume=0.5))
    assert backend.played[-1].buffer[:1000].any() == np.False_
    n = len(backend.played)
    player.set_muted(True)
    assert backend.played[-1].stopped
    runner.next()
    player.follow(runner)
    assert len(backend.played) == n  # muted: nothing plays
    player.set_muted(False)
    assert len(backend.played) == n + 1 and not backend.played[-1].stopped
    player.set_volume(7)
    assert player.volume == 1.0


def test_no_sound_device_the_class_runs_on_silently(sample_program, library, sounds):
    clock = FakeClock()
    runner = ClassRunner(_plan(sample_program, library), clock)
    backend = FailingBackend()
    told = []
    player = CuePlayer(backend, samples=sounds, on_availability=lambda *a: told.append(a),
                       monotonic=lambda: 0.0)  # no retry falls due
    assert player.available
    runner.play()
    for _ in range(50):
        player.follow(runner)  # never raises
        clock.advance(7)
        runner.next() if clock.now_ns() % 3 else runner.pause()
    assert not player.available and player.reason == "no sound device found"
    assert "PCM" in player.detail
    assert told == [(False, "no sound device found")]
    assert backend.calls == 1  # once it is known to be off, it stops trying
    assert not player.probe()
    player.stop()


class FlakyBackend(RecordingBackend):
    """Refuses while ``refuse`` > 0 (or while a stopped buffer still holds the device)."""

    def __init__(self, refuse=0, exclusive=False):
        super().__init__()
        self.refuse, self.exclusive, self.calls = refuse, exclusive, 0

    def play(self, buffer, rate):
        self.calls += 1
        busy = self.exclusive and self.played and not self.played[-1].closed
        if self.refuse > 0 or busy:
            self.refuse -= 1
            raise AudioUnavailable("the sound device is busy (another program is using it)",
                                   "CODE: -16")
        handle = super().play(buffer, rate)
        handle.closed = False
        return handle


def test_a_device_that_cannot_mix_gets_the_stopped_buffer_closed_first(following, sounds):
    runner, clock, _, _ = following
    backend = FlakyBackend(exclusive=True)
    player = CuePlayer(backend, samples=sounds)
    runner.play()
    player.follow(runner)
    first = backend.played[-1]
    # the stopped buffer lets go of the device only when asked whether it still plays
    first.is_playing = lambda: setattr(first, "closed", True) or False
    runner.next()
    player.follow(runner)
    assert player.available and len(backend.played) == 2 and backend.calls == 3


def test_sound_comes_back_when_the_device_does(following, sounds):
    runner, clock, _, _ = following
    backend = FlakyBackend(refuse=2)
    now = [100.0]
    told = []
    player = CuePlayer(backend, samples=sounds, monotonic=lambda: now[0],
                       on_availability=lambda *a: told.append(a))
    runner.play()
    player.follow(runner)
    assert not player.available and backend.calls == 1
    runner.next()
    player.follow(runner)
    assert backend.calls == 1  # not yet due
    now[0] += 10
    runner.next()
    player.follow(runner)
    assert backend.calls == 2 and not player.available
    assert told == [(False, "the sound device is busy (another program is using it)")]
    now[0] += 10
    runner.next()
    player.follow(runner)
    assert player.available and player.reason == "" and len(backend.played) == 1
    assert told[-1] == (True, "")
    assert np.array_equal(backend.played[-1].buffer, _expected(runner, sounds, runner.position_ms()))


def test_simpleaudio_errors_in_the_gym_s_words(monkeypatch):
    from backbeat.audio.player import SimpleaudioBackend, device_reason

    assert device_reason("Error opening PCM device.; CODE: -2; MSG: No such file") == \
        "no sound device found"
    assert device_reason("Error opening PCM device.; CODE: -16; MSG: Device or resource busy") \
        .startswith("the sound device is busy")
    assert device_reason("Error opening PCM device.; CODE: -22; MSG: Invalid argument") == \
        "no sound device found"
    assert device_reason("Error setting parameters.; CODE: -5") == "the sound device refused to play"

    class FakeSa:
        @staticmethod
        def play_buffer(*args):
            raise RuntimeError("Error opening PCM device. -- CODE: -19 -- MSG: No such device")

    backend = SimpleaudioBackend()
    backend._sa = FakeSa
    with pytest.raises(AudioUnavailable) as err:
        backend.play(b"\0\0", RATE)
    assert err.value.reason == "no sound device found" and "CODE: -19" in err.value.detail


def test_a_device_that_breaks_mid_class_turns_sound_off(sample_program, library, sounds):
    clock = FakeClock()
    runner = ClassRunner(_plan(sample_program, library), clock)
    player = CuePlayer(FailingBackend(RuntimeError("device unplugged")), samples=sounds)
    runner.play()
    player.follow(runner)
    assert not player.available
    assert player.reason == "the sound failed" and "unplugged" in player.detail


def test_probe_finds_a_missing_device_before_the_class(sounds):
    player = CuePlayer(FailingBackend(), samples=sounds)
    assert not player.probe() and player.reason == "no sound device found"
    ok = CuePlayer(RecordingBackend(), samples=sounds)
    assert ok.probe() and ok.available


def test_without_simpleaudio_the_player_says_so(monkeypatch, sounds):
    monkeypatch.setitem(sys.modules, "simpleaudio", None)  # import fails
    now = [0.0]
    player = CuePlayer(samples=sounds, monotonic=lambda: now[0])
    assert not player.available and "simpleaudio" in player.reason
    now[0] += 3600
    player.follow_now()
    assert not player.available  # nothing to retry: the library is missing


def test_unreadable_sounds_turn_sound_off_not_the_class(monkeypatch, tmp_path, sample_program,
                                                        library):
    def broken(names):
        raise SoundFileError(f"{tmp_path}/tick.wav: not a readable WAV file")

    monkeypatch.setattr(samples_mod, "load_sounds", broken)
    backend = RecordingBackend()
    player = CuePlayer(backend)
    runner = ClassRunner(_plan(sample_program, library), FakeClock())
    runner.play()
    player.follow(runner)  # the sounds are read at the first cue (or warm_up)
    assert not player.available and player.reason == "the cue sound files cannot be read"
    assert "tick.wav" in player.detail and backend.played == []
    assert not player.warm_up()


# --- render-audio --------------------------------------------------------------------

def _read_wav(path):
    with wave.open(str(path), "rb") as w:
        assert (w.getframerate(), w.getnchannels(), w.getsampwidth()) == (RATE, 1, 2)
        return np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")


def test_render_audio_writes_what_would_play(db_url, tmp_path, sample_program, library, sounds,
                                             capsys):
    out = tmp_path / "cues.wav"
    assert main(["--db", db_url, "render-audio", "Precision Back", "--day", "1",
                 "--out", str(out), "--from", "100.5", "--to", "400"]) == 0
    assert "class time 100.5–400 s" in capsys.readouterr().out
    track = _read_wav(out)
    assert track.size == _exact_offset(400_000, 100_500)
    timeline = _plan(sample_program, library).timeline()
    sounds = with_speech(sounds)  # render-audio made the spoken names: they are in the track
    assert any(c.kind is CueKind.SPEECH and c.sound in sounds
               for c in timeline.cues_between(100_500, 400_000))
    report = compare_onsets(track, timeline.cues_between(100_500, 400_000), 100_500, sounds)
    assert report.planned > 100 and report.ok and report.max_error_samples <= 1
    # exactly the buffer the player renders for the same span
    assert np.array_equal(track, render(timeline.cues, 100_500, 400_000, sounds))


def test_render_audio_of_a_program_file_whole_day(tmp_path, db_url, library, sounds):
    program = {"format": "backbeat.program/1", "name": "Short", "days": [{
        "name": "D", "get_ready_s": 5, "blocks": [{"name": "B", "items": [
            {"exercise": "chest-supported-row", "sets": 1, "reps": 3, "tempo": "3-1-1-1"}]}]}]}
    path = tmp_path / "short.json"
    path.write_text(json.dumps(program))
    out = tmp_path / "short.wav"
    assert main(["--db", db_url, "render-audio", str(path), "--out", str(out)]) == 0
    timeline = ClassPlan(parse_program(json.dumps(program)), 1, library).timeline()
    end = track_end_ms(timeline, sounds)
    assert end > timeline.duration_ms  # the final voice rings past the last second
    track = _read_wav(out)
    assert track.size == _exact_offset(end, 0)
    report = compare_onsets(track, timeline.cues, 0, sounds)
    assert report.planned == len({c.t_ms for c in timeline.cues}) and report.ok


@pytest.mark.parametrize("args, where, words", [
    (["--from", "60", "--to", "20"], "--from/--to", "must be before"),
    (["--from", "60", "--to", "60"], "--from/--to", "must be before"),
    (["--from", "-1"], "--from", "before the class starts"),
    (["--to", "-5"], "--to", "before the class starts"),
    (["--from", "99999"], "--from", "past the end of the class"),
    (["--from", "10", "--to", "99999"], "--to", "past the end of the class"),
    (["--from", "nan"], "--from/--to", "numbers of seconds"),
])
def test_render_audio_refuses_bad_ranges(db_url, tmp_path, capsys, args, where, words):
    out = tmp_path / "bad.wav"
    assert main(["--db", db_url, "render-audio", "Precision Back", "--out", str(out), *args]) == 2
    err = capsys.readouterr().err
    assert f"{where}: " in err and words in err
    assert not out.exists()


def test_write_wav_round_trips(tmp_path):
    data = (np.arange(-1000, 1000, dtype=np.int16) * 16).astype(np.int16)
    write_wav(tmp_path / "x.wav", data)
    assert np.array_equal(_read_wav(tmp_path / "x.wav"), data)
    assert detect_onsets(np.array([0, 0, 500, 0], dtype=np.int16)).tolist() == [2]
