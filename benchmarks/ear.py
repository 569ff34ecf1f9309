"""What reaches the ear: the TV plays into PulseAudio's null sink (paced in
real time by the sound server, like a sound card) and the sink's monitor is
recorded with ``parec``; onsets found in the recording are compared with the
plan, and the TV's paints with the sounds.

One time line for everything: the monotonic clock. The TV process logs, on
the monotonic clock, when its class clock read what (so each cue's planned
instant is the moment the screen shows the cue's class time) and when each
frame was painted showing which segment. The recording is put on the same
line by the *bare floor*: a 10-line sounddevice script, run just before each
TV run through the same sink, plays a tone and says when PortAudio reports
its first sample reaching the DAC; where that tone sits in the recording
pins the recording to the monotonic clock, and the sink's constant latency
(what PortAudio's report leaves out, plus the monitor's) drops out.

Started by bench_audio.py; a private PulseAudio (its own runtime dir, so it
works as root and beside a desktop's) is started and stopped here.
"""

from __future__ import annotations

import bisect
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
RATE = 44100
SINK = "backbeat_bench"
FRAME_MS = 1000 / 60
#: A planned onset with no recorded onset within this is a dropped cue.
MATCH_MS = 40.0

FLOOR_SCRIPT = r"""
import sys, time, numpy as np, sounddevice as sd
tone = (0.5 * 32767 * np.sin(2 * np.pi * 880 * np.arange(441) / 44100)).astype(np.int16)
k, heard, dry = [0], [], [0]
def callback(out, frames, t, status):  # 10 ms blocks; the tone is block 800, 8 s in
    out.fill(0); k[0] += 1; dry[0] += k[0] > 800 and bool(status.output_underflow)
    if k[0] == 800: out[:, 0] = tone
    heard.append(time.monotonic_ns() + round((t.outputBufferDacTime - stream.time) * 1e9) - (k[0] - 800) * 10_000_000)
stream = sd.OutputStream(samplerate=44100, channels=1, dtype="int16", blocksize=441, latency=0.1, callback=callback)
with stream: time.sleep(FLOOR_S)
late = np.array(heard[800:1000])  # PortAudio's reports settle over the first seconds
print(int(np.median(late)), float(np.percentile(late, 75) - np.percentile(late, 25)) / 1e6, dry[0])
""".replace("FLOOR_S", "10.5")
#: The TV begins the class this long after its stream opened (PortAudio's reports
#: through PulseAudio settle over several seconds; a gym's TV is on long before).
SETTLE_S = 10.0


class SinkError(RuntimeError):
    pass


@dataclass
class Sink:
    env: dict
    runtime: Path
    server: subprocess.Popen
    recorder: subprocess.Popen | None = None
    recording: Path | None = None
    rec_started_ns: int = 0


@contextmanager
def null_sink():
    """A private PulseAudio with one null sink as the default device."""
    for tool in ("pulseaudio", "parec", "pactl"):
        if shutil.which(tool) is None:
            raise SinkError(f"{tool} is not installed (scripts/system-deps.sh installs "
                            "pulseaudio and pulseaudio-utils)")
    runtime = Path(tempfile.mkdtemp(prefix="backbeat-pulse-"))
    env = dict(os.environ, XDG_RUNTIME_DIR=str(runtime), HOME=str(runtime),
               PULSE_SERVER=f"unix:{runtime}/pulse/native", PULSE_SINK=SINK)
    env.pop("PULSE_COOKIE", None)
    (runtime / "pulse").mkdir()
    server = subprocess.Popen(
        ["pulseaudio", "--daemonize=no", "-n", "--exit-idle-time=-1", "--log-target=stderr",
         "--log-level=error", "--disable-shm=yes",
         f"--load=module-null-sink sink_name={SINK} rate={RATE} channels=1",
         f"--load=module-native-protocol-unix socket={runtime}/pulse/native auth-anonymous=1"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    sink = Sink(env, runtime, server)
    try:
        deadline = time.monotonic() + 10
        while subprocess.run(["pactl", "info"], env=env, capture_output=True).returncode != 0:
            if server.poll() is not None or time.monotonic() > deadline:
                raise SinkError(f"pulseaudio did not start: {server.stderr.read()[-500:]}")
            time.sleep(0.1)
        subprocess.run(["pactl", "set-default-sink", SINK], env=env, check=True, capture_output=True)
        yield sink
    finally:
        stop_recording(sink)
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(5)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        shutil.rmtree(runtime, ignore_errors=True)


def start_recording(sink: Sink) -> None:
    sink.recording = sink.runtime / "monitor.raw"
    f = open(sink.recording, "wb")  # noqa: SIM115  (parec writes it until stopped)
    sink.recorder = subprocess.Popen(
        ["parec", "-d", f"{SINK}.monitor", "--format=s16le", f"--rate={RATE}", "--channels=1",
         "--latency-msec=20", "--raw"], env=sink.env, stdout=f, stderr=subprocess.PIPE)
    f.close()
    sink.rec_started_ns = time.monotonic_ns()
    time.sleep(0.5)


def stop_recording(sink: Sink) -> np.ndarray | None:
    if sink.recorder is None:
        return None
    sink.recorder.send_signal(signal.SIGINT)
    try:
        sink.recorder.wait(5)
    except subprocess.TimeoutExpired:
        sink.recorder.kill()
        sink.recorder.wait()
    sink.recorder = None
    return read_recording(sink)


def read_recording(sink: Sink) -> np.ndarray:
    data = sink.recording.read_bytes()
    return np.frombuffer(data[: len(data) // 2 * 2], dtype="<i2")


def start_floor(sink: Sink) -> subprocess.Popen:
    """The bare floor, alongside the TV's start-up: one tone 3 s in."""
    return subprocess.Popen([sys.executable, "-c", FLOOR_SCRIPT], env=sink.env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def floor_result(proc: subprocess.Popen) -> tuple[int, float, int]:
    """(when PortAudio says the floor's tone was heard, monotonic ns; spread of that in
    ms; underflows after the tone, which would move it)."""
    out, err = proc.communicate(timeout=60)
    if proc.returncode != 0 or len(out.split()) != 3:
        raise SinkError(f"the bare floor script failed: {out} {err[-800:]}")
    heard, iqr, dry = out.split()
    return int(heard), float(iqr), int(dry)


# --- the TV, in its own process ---------------------------------------------------------

def tv_child(argv: list[str]) -> int:
    """``--tv-child START_S SECONDS STALLS_JSON``: run the real TV (offscreen) from class
    time START_S for SECONDS, GUI stalls at the given class times; print a JSON log."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.path.insert(0, str(ROOT / "src"))
    start_s, seconds, stalls = float(argv[0]), float(argv[1]), json.loads(argv[2])
    from PySide6.QtCore import Qt, QTimer

    from backbeat.domain.program import parse_program
    from backbeat.engine.gymclock import GymClock, Sample
    from backbeat.engine.runner import ClassRunner
    from backbeat.engine.timeline import ClassPlan
    from backbeat.paths import resources_dir
    from backbeat.store.seed import builtin_library
    from backbeat.ui.application import application
    from backbeat.ui.audio_service import AudioService
    from backbeat.ui.tv.window import TvWindow

    app = application()
    audio = AudioService()
    audio.warm_up()
    if not audio.available:
        print(json.dumps({"error": f"sound off: {audio.reason}"}))
        return 3
    program = parse_program((resources_dir() / "programs" / "precision-back.json").read_text())
    # the class on the gym's clock read on the device's, as `backbeat tv` runs it (on one
    # computer the gym's clock is the machine's: store/gymclock.py's sample for SQLite)
    clock = GymClock(audio.clock)
    local = audio.clock.now_ns()
    clock.set_offset(Sample(local, time.time_ns(), local))
    runner = ClassRunner(ClassPlan(program, 1, builtin_library()), clock)
    window = TvWindow(runner, audio=audio)
    window.confirm_leave = lambda: True
    window.resize(1280, 720)
    window.show()
    screen = window.screen_widget
    paints: list[tuple[int, int]] = []  # (monotonic ns when painted, segment shown)
    clocks: list[tuple[int, int]] = []  # (monotonic ns, class clock ns)
    stalled: list[tuple[int, int]] = []
    stall_timers: list = []
    original = type(screen).paintEvent

    def paint(event) -> None:  # the segment of the instant the frame really shows
        original(screen, event)
        shown = screen.painted_now
        if shown is not None:
            paints.append((time.monotonic_ns(), shown.segment.index))

    screen.paintEvent = paint

    def sample_clock() -> None:
        m0 = time.monotonic_ns()
        c = runner.clock.now_ns()
        clocks.append(((m0 + time.monotonic_ns()) // 2, c))

    sampler = QTimer()
    sampler.setInterval(5)
    sampler.timeout.connect(sample_clock)

    def stall(ms: float) -> None:  # the GUI thread busy in Python (the GIL taken too)
        stalled.append((time.monotonic_ns(), round(runner.position_ms())))
        end = time.monotonic() + ms / 1000
        while time.monotonic() < end:
            pass

    def begin() -> None:
        runner.seek_ms(start_s * 1000)
        runner.play()
        window.tick()
        sampler.start()
        for at_ms, ms in stalls:  # on the class's clock as it stands now, after the first tick
            timer = QTimer()  # precise: a single shot of 2 s or more is coarse (5 % off)
            timer.setSingleShot(True)
            timer.setTimerType(Qt.TimerType.PreciseTimer)
            timer.timeout.connect(lambda ms=ms: stall(ms))
            timer.start(max(0, round(at_ms - runner.position_ms())))
            stall_timers.append(timer)
        QTimer.singleShot(round(seconds * 1000), finish)

    def finish() -> None:
        sampler.stop()
        sample_clock()
        pos, clock = runner.anchor_ns()
        notes = audio.player.take_notes() if hasattr(audio.player, "take_notes") else []
        out = {"anchor_pos_ns": pos, "anchor_clock_ns": clock, "clocks": clocks, "paints": paints,
               "stalls": stalled, "player": type(audio.player).__name__, "notes": notes,
               "underflows": getattr(audio.player, "underflows", 0),
               "history": list(getattr(getattr(audio.player, "mixer", None), "history", []))}
        window.close()
        print(json.dumps(out), flush=True)
        app.quit()

    QTimer.singleShot(round(SETTLE_S * 1000), begin)
    app.exec()
    return 0


@dataclass
class RunResult:
    errors_ms: list[float] = field(default_factory=list)  # each found onset − plan
    dropped: int = 0
    extra: int = 0
    planned: int = 0
    phase_changes: int = 0
    painted_in_frame: int = 0
    paint_gaps_ms: list[float] = field(default_factory=list)
    floor_spread_ms: float = 0.0  # interquartile range of the floor's settled reports
    floor_dry: int = 0  # the floor's underflows after its tone
    underflows: int = 0  # the TV stream's
    notes: list[str] = field(default_factory=list)
    load: float = 0.0
    stall_offsets_ms: list[int] = field(default_factory=list)  # when each stall began, vs plan

    @property
    def mean_abs_ms(self) -> float:
        return float(np.mean(np.abs(self.errors_ms))) if self.errors_ms else float("nan")

    @property
    def max_abs_ms(self) -> float:
        return float(np.max(np.abs(self.errors_ms))) if self.errors_ms else float("nan")


def run_tv(sink: Sink, start_s: float, seconds: float, stalls: list, backend: str) -> dict:
    env = dict(sink.env, BACKBEAT_AUDIO=backend, QT_QPA_PLATFORM="offscreen",
               PYTHONFAULTHANDLER="1")  # a crash says where
    proc = subprocess.run([sys.executable, str(Path(__file__)), "--tv-child", str(start_s),
                           str(seconds), json.dumps(stalls)], env=env, capture_output=True,
                          text=True, timeout=seconds + SETTLE_S + 90)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        raise SinkError(f"the TV run failed (exit {proc.returncode}): {proc.stdout[-500:]} "
                        f"{proc.stderr[-1500:]}")
    return json.loads(lines[-1])


def analyse(rec: np.ndarray, floor_heard: int, log: dict,
            start_s: float, seconds: float) -> RunResult:
    """Onsets against the plan, paints against the sounds, all on the monotonic clock."""
    sys.path.insert(0, str(ROOT / "src"))
    from backbeat.audio.check import ONSET_THRESHOLD, _attack, detect_onsets
    from backbeat.audio.samples import load_sounds
    from backbeat.domain.program import parse_program
    from backbeat.engine.timeline import ClassPlan, all_cue_sounds
    from backbeat.paths import resources_dir
    from backbeat.store.seed import builtin_library

    result = RunResult()
    onsets = detect_onsets(rec)
    # the floor's first tone is the first sound of the run's recording
    if onsets.size == 0:
        raise SinkError("the bare floor's tone is not in the recording")
    i_floor = int(onsets[0])

    def mono(i: float) -> float:  # recording index → monotonic ns
        return floor_heard + (i - i_floor) * 1e9 / RATE

    def index(m: float) -> float:
        return i_floor + (m - floor_heard) * RATE / 1e9
    # the plan: class time t → the clock reading → the monotonic instant it was read
    clocks = np.array(log["clocks"], dtype=np.float64)
    pos0, clock0 = log["anchor_pos_ns"], log["anchor_clock_ns"]

    def planned_mono(t_ms: float) -> float:
        c = clock0 + (t_ms * 1e6 - pos0)
        return float(np.interp(c, clocks[:, 1], clocks[:, 0]))

    program = parse_program((resources_dir() / "programs" / "precision-back.json").read_text())
    tl = ClassPlan(program, 1, builtin_library()).timeline()
    sounds = load_sounds(all_cue_sounds())
    lo_ms, hi_ms = start_s * 1000 + 500, start_s * 1000 + seconds * 1000 - 300  # past the key press
    groups: dict[int, list[str]] = {}
    for c in tl.cues:
        if lo_ms <= c.t_ms < hi_ms:
            groups.setdefault(c.t_ms, []).append(c.sound)
    found = onsets.tolist()
    matched: dict[int, float] = {}
    for t_ms, names in sorted(groups.items()):
        attack = _attack([sounds[n] for n in names], ONSET_THRESHOLD)
        p = index(planned_mono(t_ms)) + attack
        i = bisect.bisect_left(found, p - MATCH_MS * RATE / 1000)
        result.planned += 1
        if i < len(found) and found[i] <= p + MATCH_MS * RATE / 1000:
            err = (found[i] - p) * 1000 / RATE
            result.errors_ms.append(err)
            matched[t_ms] = mono(found[i] - attack)
        else:
            result.dropped += 1
    # paints: the first frame showing each new segment, against that segment's sound
    paints = log["paints"]
    for seg in tl.segments:
        if not (lo_ms <= seg.start_ms < hi_ms) or seg.start_ms not in matched:
            continue
        shown = next((m for m, s in paints if s >= seg.index), None)
        if shown is None:
            continue
        result.phase_changes += 1
        gap = (shown - matched[seg.start_ms]) / 1e6
        result.paint_gaps_ms.append(gap)
        result.painted_in_frame += abs(gap) <= FRAME_MS
    result.notes = log["notes"]
    return result


if __name__ == "__main__":
    if sys.argv[1:2] == ["--tv-child"]:
        sys.exit(tv_child(sys.argv[2:]))
    print("run by bench_audio.py", file=sys.stderr)
    sys.exit(2)
