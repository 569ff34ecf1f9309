"""A class shared by every screen of the gym: its timing on the gym's clock.

A class is anchored on the gym's clock (the database server's, see
:mod:`backbeat.engine.gymclock`): ``start_ns`` is the instant its position 0
was, and every control after it is an *event* with the gym-clock instant it
happened at. The position at any instant is a pure function of the two
(:func:`fold`, :func:`position_ms`), so every station that reads the same
events shows the same position, whatever its own wall clock says.

Commands (pause, resume, next, back, extend, stop) become events through
:func:`command`, the one path the TV's keys, the command line and the remote
all take.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from backbeat.engine.timeline import EXTENDABLE, Timeline

NS_PER_MS = 1_000_000
#: "Back" within this long of a step's start goes to the previous step; later it
#: restarts the current one (as a music player's back button does).
BACK_RESTART_MS = 2_000
#: What the coach's "+" key (and ``backbeat class extend``) adds to a rest.
EXTEND_STEP_S = 15
#: A station whose heartbeat has been silent this long has gone (failover).
LEADER_SILENT_S = 3.0
#: A kiosk says "TV offline" when every TV of its class has been silent this long.
TV_OFFLINE_S = 5.0
#: A station whose wall clock is further off the gym's than this shows a warning.
CLOCK_WARN_S = 600.0

COMMANDS = ("pause", "resume", "toggle", "next", "back", "extend", "stop")


class ClassState(StrEnum):
    RUNNING = "running"
    PAUSED = "paused"
    ENDED = "ended"


class CommandRefused(ValueError):
    """A command that cannot apply to the class as it is now (the message says why)."""


@dataclass(frozen=True)
class Event:
    kind: str  # start | pause | resume | seek | extend | stop
    at_ns: int  # on the gym's clock
    data: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict:
        return {"kind": self.kind, "at_ns": self.at_ns, "data": self.data}


@dataclass(frozen=True)
class Timing:
    """Where a class is, folded from its start and events."""

    state: ClassState
    #: running: the gym-clock instant position 0 would have been
    anchor_ns: int
    #: paused or stopped: the frozen position
    frozen_ns: int
    extensions: tuple[tuple[int, int], ...] = ()

    @property
    def extension_map(self) -> dict[int, int]:
        return dict(self.extensions)


def apply(timing: Timing, e: Event) -> Timing:
    """The timing after one more event (an event that does not apply changes nothing)."""
    state, anchor, frozen = timing.state, timing.anchor_ns, timing.frozen_ns
    ext = dict(timing.extensions)
    now_pos = e.at_ns - anchor if state is ClassState.RUNNING else frozen
    if e.kind == "pause" and state is ClassState.RUNNING:
        state, frozen = ClassState.PAUSED, max(0, now_pos)
    elif e.kind == "resume" and state is ClassState.PAUSED:
        state, anchor = ClassState.RUNNING, e.at_ns - frozen
    elif e.kind == "seek" and state is not ClassState.ENDED:
        to = max(0, round(float(e.data["to_ms"]) * NS_PER_MS))
        if state is ClassState.RUNNING:
            anchor = e.at_ns - to
        else:
            frozen = to
    elif e.kind == "extend" and state is not ClassState.ENDED:
        seg, ms = int(e.data["segment"]), int(e.data["ms"])
        ext[seg] = ext.get(seg, 0) + ms
    elif e.kind == "stop" and state is not ClassState.ENDED:
        state, frozen = ClassState.ENDED, max(0, now_pos)
    running = state is ClassState.RUNNING
    return Timing(state, anchor if running else 0, 0 if running else frozen, tuple(sorted(ext.items())))


def fold(start_ns: int, events: list[Event] | tuple[Event, ...]) -> Timing:
    """The class's timing after its events, in the order they were recorded."""
    timing = Timing(ClassState.RUNNING, start_ns, 0)
    for e in events:
        timing = apply(timing, e)
    return timing


def position_ms(timing: Timing, now_ns: int, duration_ms: float | None = None) -> float:
    """The class position at gym-clock instant ``now_ns`` (clamped to the class)."""
    if timing.state is ClassState.RUNNING:
        pos = (now_ns - timing.anchor_ns) / NS_PER_MS
    else:
        pos = timing.frozen_ns / NS_PER_MS
    pos = max(0.0, pos)
    return min(pos, duration_ms) if duration_ms is not None else pos


def state_at(timing: Timing, now_ns: int, duration_ms: float) -> ClassState:
    """Running, paused or ended at ``now_ns``: a running class past its end has ended."""
    if timing.state is ClassState.RUNNING and position_ms(timing, now_ns) >= duration_ms:
        return ClassState.ENDED
    return timing.state


# --- the coach's unit of control: steps ---------------------------------------
def next_step_ms(timeline: Timeline, pos_ms: float) -> float:
    """Where "next" goes: the next step's start, or the class's end after the last."""
    seg = timeline.segment_at_ms(pos_ms)
    if seg.step + 1 >= timeline.step_count:
        return timeline.duration_ms
    return timeline.step_start_ms(seg.step + 1)


def back_step_ms(timeline: Timeline, pos_ms: float) -> float:
    """Where "back" goes: this step's start, or the previous one's near its start."""
    seg = timeline.segment_at_ms(min(pos_ms, timeline.duration_ms - 1))
    start = timeline.step_start_ms(seg.step)
    if pos_ms - start > BACK_RESTART_MS or seg.step == 0:
        return start
    return timeline.step_start_ms(seg.step - 1)


def extendable(timeline: Timeline, pos_ms: float) -> int | None:
    """The segment "+" lengthens at ``pos_ms`` (a rest, get-ready, transition), or None."""
    seg = timeline.segment_at_ms(pos_ms)
    return seg.index if seg.kind in EXTENDABLE and pos_ms < timeline.duration_ms else None


def command(timing: Timing, timeline: Timeline, cmd: str, at_ns: int,
            seconds: float = EXTEND_STEP_S) -> Event:
    """The event a control makes of the class as it is at ``at_ns``.

    ``timeline`` must be placed with the timing's extensions. Refuses (with
    the reason) a command for a class that has ended, an extend outside a
    rest, and a command it does not know.
    """
    if cmd not in COMMANDS:
        raise CommandRefused(f"unknown class command {cmd!r} (one of {', '.join(COMMANDS)})")
    state = state_at(timing, at_ns, timeline.duration_ms)
    if state is ClassState.ENDED:
        raise CommandRefused("the class has ended")
    pos = position_ms(timing, at_ns, timeline.duration_ms)
    if cmd == "toggle":
        cmd = "pause" if state is ClassState.RUNNING else "resume"
    if cmd == "pause":
        if state is ClassState.PAUSED:
            raise CommandRefused("the class is already paused")
        return Event("pause", at_ns)
    if cmd == "resume":
        if state is ClassState.RUNNING:
            raise CommandRefused("the class is already running")
        return Event("resume", at_ns)
    if cmd == "next":
        return Event("seek", at_ns, {"to_ms": next_step_ms(timeline, pos)})
    if cmd == "back":
        return Event("seek", at_ns, {"to_ms": back_step_ms(timeline, pos)})
    if cmd == "extend":
        if not 0 < seconds <= 600:
            raise CommandRefused(f"extend by {seconds:g} s: give 1 to 600 seconds")
        seg = extendable(timeline, pos)
        if seg is None:
            raise CommandRefused("nothing to lengthen now: extra time goes on a rest or a get-ready "
                                 f"(the class is in {timeline.segment_at_ms(pos).kind.value})")
        return Event("extend", at_ns, {"segment": seg, "ms": round(seconds * 1000)})
    return Event("stop", at_ns)


# --- stations ---------------------------------------------------------------------
def silent(last_seen_ns: int | None, now_ns: int, limit_s: float = LEADER_SILENT_S) -> bool:
    """A station not heard from for ``limit_s`` (or never) is gone."""
    return last_seen_ns is None or now_ns - last_seen_ns >= limit_s * 1e9


def tv_offline(tv_seen_ns: int | None, now_ns: int) -> bool:
    """A class whose TVs (its leader and followers) have all been silent for
    :data:`TV_OFFLINE_S`: "TV offline". The class was not stopped, so it still
    runs (a TV that takes it up resumes it), but it is shown nowhere: a set logged
    meanwhile is not put in it (nobody can say where the class is; the kiosk and
    the trainer's desk log it as open gym and say why). A class no TV has shown
    yet (started from the command line for a TV on its way) is not offline."""
    return tv_seen_ns is not None and silent(tv_seen_ns, now_ns, TV_OFFLINE_S)
