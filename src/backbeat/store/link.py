"""A station's line to the gym: its heartbeat, its class, leader or follower.

:class:`StationLink` does every database read and write a screen needs on one
background thread, so no frame ever waits for the store. Each :meth:`step`:

1. runs what the screen asked for, in order (start a class, record an event,
   take up an interrupted class, bind to a class);
2. beats the station's heartbeat (role, class, the position it last showed,
   its clock offset) every ``HEARTBEAT_S``;
3. measures the gym's clock again every minute;
4. reads its class (the events only when its revision moved) and publishes a
   :class:`LinkView` the screen reads on its own thread. A follower whose
   leader has been silent for ``LEADER_SILENT_S`` claims the lead (one
   compare-and-set in the store: of several claimants exactly one wins); a
   leader that finds another station leading follows.

On PostgreSQL a listener thread (its own connection, in autocommit) waits on
``LISTEN backbeat_class`` and wakes the step at once; the step reads the
classes in one transaction and publishes what changed before anything else
(who leads, the TVs' heartbeats, its own heartbeat, the clock), so a pause is
on the screens a few round trips after its commit. The poll (``POLL_S``) is
the safety net for a missed notification. On SQLite the poll is short. The
rules it applies are ``engine/gymclass.py``'s.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from backbeat.domain.errors import InvalidInput
from backbeat.engine.gymclass import (
    CLOCK_WARN_S,
    LEADER_SILENT_S,
    ClassState,
    Event,
    Timing,
    silent,
    tv_offline,
)
from backbeat.engine.gymclock import REESTIMATE_S, GymClock, wall_offset_ms
from backbeat.store.classes import (
    CHANNEL,
    ClassInfo,
    append_event,
    changed_classes,
    claim_lead,
    class_timeline,
    load_class,
    start_class,
)
from backbeat.store.db import Database
from backbeat.store.gymclock import measure
from backbeat.store.stations import (
    heartbeat,
    last_seen,
    leave_station,
    register_station,
    set_station_setting,
    station_setting,
    tv_last_seen,
    tv_stations_in,
)

#: How often a station beats (a leader silent for 3 s has gone: six missed beats).
HEARTBEAT_S = 0.5
#: How often the class is read without a notification (PostgreSQL) / at all (SQLite).
POLL_S = {"postgresql": 1.0, "sqlite": 0.1}


@dataclass(frozen=True)
class LinkView:
    """What the screen shows of the gym; replaced whole by the link's thread."""

    class_id: int | None = None
    program: str | None = None
    day: int | None = None
    role: str | None = None  # "leader" | "follower" | None (idle, or a kiosk)
    leader: str | None = None
    timing: Timing | None = None
    revision: int = -1
    #: the latest read of the store succeeded
    in_step: bool = True
    error: str | None = None
    #: how many of the screen's requests were done when this was read
    done: int = 0
    #: an interrupted class (its leader silent) this TV may take up
    resume_offer: ClassInfo | None = None
    #: every class not stopped (kiosks: the choice when several run)
    classes: tuple[ClassInfo, ...] = ()
    #: the class's TVs have all been silent for TV_OFFLINE_S (kiosks)
    tv_offline: bool = False
    wall_offset_ms: float = 0.0
    extra: dict = field(default_factory=dict)

    @property
    def clock_warning(self) -> str | None:
        off = self.wall_offset_ms / 1000
        if abs(off) > CLOCK_WARN_S:
            return (f"⚠ this computer's clock is {abs(off) / 60:.0f} min "
                    f"{'slow' if off > 0 else 'fast'}: the class follows the gym's clock")
        return None


_NEVER = -(1 << 62)


def _shifted(job: tuple, shift_ns: int) -> tuple:
    """A request made on the guessed clock, on the measured one."""
    if job[0] == "start":
        _, program, day, at_ns = job
        return ("start", program, day, at_ns + shift_ns)
    if job[0] == "event":
        return ("event", replace(job[1], at_ns=job[1].at_ns + shift_ns))
    return job


class StationLink:
    def __init__(self, db: Database, name: str, kind: str, clock: GymClock, *,
                 wall: Callable[[], int] = time.time_ns, join: bool = True,
                 poll_s: float | None = None, heartbeat_s: float = HEARTBEAT_S,
                 reestimate_s: float = REESTIMATE_S, register: bool = True,
                 measurer: Callable[[Database, GymClock], object] = measure, pid: int | None = None,
                 on_change: Callable[[], None] | None = None):
        self.db, self.name, self.kind, self.clock = db, name, kind, clock
        self._wall = wall
        self.join = join  # a TV joins a running class by itself; False: stays on its own until asked
        dialect = db.engine.dialect.name
        self.poll_s = poll_s if poll_s is not None else POLL_S.get(dialect, 0.5)
        self.heartbeat_s, self.reestimate_s = heartbeat_s, reestimate_s
        self._measure = measurer
        self.previous_class: int | None = None  # the class this station was in when it last ran
        self._previous_seen: int | None = None
        self._registered = not register
        self._measured_at = _NEVER  # measured at the first step the store answers
        try:  # the store away at start: the TV runs its kept class, and joins later
            measurer(db, clock)
            self._measured_at = clock.local.now_ns()
        except Exception:
            clock.guess_from_wall(wall())  # until the server answers (see _first_measure)
        try:
            if register and self._measured_at != _NEVER:
                self.previous_class, self._previous_seen = register_station(
                    db, name, kind, clock.now_ns(), pid=pid)
                self._registered = True
        except InvalidInput:
            raise  # a name another station runs under: refused
        except Exception:
            pass
        self._register_args = (kind, pid)
        self.view = LinkView(wall_offset_ms=self._wall_offset())
        self.class_id: int | None = None
        self.role: str | None = None
        self.on_change = on_change  # called (on the link's thread) when what the screen shows changed
        # a kiosk's chosen class, remembered on its station
        self.bound: int | None = None
        if kind == "kiosk":
            with contextlib.suppress(Exception):
                self.bound = station_setting(db, name, "class")
        self._timeline = None
        self._info: ClassInfo | None = None
        self._cache: dict[int, ClassInfo] = {}
        self._jobs: deque[tuple] = deque()
        self._submitted = 0
        self._done = 0
        self._shown: tuple[str | None, float | None] = (None, None)
        self._beat_at = 0
        self._ignored: set[int] = set()  # interrupted classes this TV chose not to take up
        self._wake = threading.Event()
        self._stop = False
        self._thread: threading.Thread | None = None
        self._listener: threading.Thread | None = None

    # --- from the screen (any thread) --------------------------------------------
    def _submit(self, *job) -> int:
        self._jobs.append(job)
        self._submitted += 1
        self._wake.set()
        return self._submitted

    @property
    def submitted(self) -> int:
        return self._submitted

    def start_class(self, program: str, day: int, at_ns: int) -> int:
        """Start a class led by this station, position 0 at ``at_ns``."""
        return self._submit("start", program, day, at_ns)

    def record(self, event: Event) -> int:
        """Record a control of this station's class (made by engine.gymclass.command)."""
        return self._submit("event", event)

    def take_up(self, info: ClassInfo) -> int:
        """Lead an interrupted class, paused where its silent leader last showed it."""
        return self._submit("take_up", info.id, info.leader)

    def decline(self, info: ClassInfo) -> int:
        """Start afresh instead: the interrupted class is stopped."""
        return self._submit("decline", info.id)

    def bind(self, class_id: int | None) -> int:
        """A kiosk's choice of class (kept until that class stops)."""
        return self._submit("bind", class_id)

    def shown(self, state: str | None, position_s: float | None) -> None:
        """What the screen showed last (sent with the next heartbeat)."""
        self._shown = (state, position_s)

    # --- the thread -----------------------------------------------------------------
    def start(self) -> StationLink:
        self._thread = threading.Thread(target=self._run, name=f"station-{self.kind}", daemon=True)
        self._thread.start()
        if self.db.engine.dialect.name == "postgresql":
            self._listener = threading.Thread(target=self._listen, name="listen", daemon=True)
            self._listener.start()
        return self

    def _run(self) -> None:
        while not self._stop:
            # cleared before the step, not after the wait: a wake that comes while the
            # step runs (or just as the wait times out) brings the next step at once
            self._wake.clear()
            self.step()
            self._wake.wait(min(self.poll_s, self.heartbeat_s))

    def _listen(self) -> None:
        """PostgreSQL: wake the step on every class change (reconnecting when the server returns)."""
        import psycopg

        url = self.db.engine.url.set(drivername="postgresql")
        conninfo = url.render_as_string(hide_password=False)
        while not self._stop:
            try:
                with psycopg.connect(conninfo, autocommit=True, connect_timeout=3) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    self._wake.set()  # anything missed while not listening
                    while not self._stop:  # back every 0.5 s to see whether to stop
                        for _ in conn.notifies(timeout=0.5):
                            self._wake.set()
            except Exception:  # the server is away: the poll carries on; listen again soon
                if not self._stop:
                    time.sleep(1.0)

    def close(self) -> None:
        """Stop; a leader leaving a running class nobody else shows pauses it (to resume later)."""
        self._stop = True
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        self.step(final=True)
        with contextlib.suppress(Exception):
            if self.role == "leader" and self.class_id is not None:
                info = load_class(self.db, self.class_id)
                now = self.clock.now_ns()
                others = [seen for name, seen in tv_stations_in(self.db, self.class_id).items()
                          if name != self.name and not silent(seen, now, LEADER_SILENT_S)]
                if info is not None and info.timing.state is ClassState.RUNNING and not others:
                    append_event(self.db, self.class_id, Event("pause", now), station=self.name)
        # the store away: the name frees itself after LEADER_SILENT_S
        with contextlib.suppress(Exception):
            leave_station(self.db, self.name)

    # --- one round -------------------------------------------------------------------
    def step(self, *, final: bool = False) -> LinkView:
        error = None
        try:
            if self._measured_at == _NEVER:
                self._first_measure()
            if not self._registered:
                kind, pid = self._register_args
                self.previous_class, self._previous_seen = register_station(
                    self.db, self.name, kind, self.clock.now_ns(), pid=pid)
                self._registered = True
            self._run_jobs()
            if final:
                return self.view
            self._poll()
            self._publish(None)  # before the heartbeat and the clock: they can wait
            now_local = self.clock.local.now_ns()
            if now_local - self._measured_at >= self.reestimate_s * 1e9:
                self._measure(self.db, self.clock)
                self._measured_at = now_local
            if self.clock.now_ns() - self._beat_at >= self.heartbeat_s * 1e9:
                self._beat()
        except Exception as exc:  # the store is away: the screen runs on from the last anchor
            self._reachable_since = None
            error = f"{type(exc).__name__}: {str(exc).splitlines()[0][:120] if str(exc) else ''}"
        self._publish(error)
        return self.view

    def _first_measure(self) -> None:
        """The server answers for the first time (the station started while it was
        away): the gym's clock is measured, and what the screen asked for meanwhile
        (a class started, paused) moves by what the wall clock's guess was off, so
        the class the TV ran offline is stored as it ran: the same position now."""
        before = self.clock.offset_ns
        self._measure(self.db, self.clock)
        self._measured_at = self.clock.local.now_ns()
        shift = self.clock.offset_ns - before
        if shift:
            for i in range(len(self._jobs)):
                self._jobs[i] = _shifted(self._jobs[i], shift)

    def _run_jobs(self) -> None:
        while self._jobs:
            try:
                self._job(self._jobs[0])
            except InvalidInput as exc:  # refused for good (a program deleted): dropped, and said
                self._refused = str(exc)
            self._jobs.popleft()
            self._done += 1

    _refused: str | None = None

    def _job(self, job: tuple) -> None:
        kind = job[0]
        if kind == "start":
            _, program, day, at_ns = job
            self.class_id = start_class(self.db, program, day, at_ns=at_ns, leader=self.name,
                                        station=self.name)
            self.role, self._info = "leader", None
        elif kind == "event":
            if self.class_id is not None:
                append_event(self.db, self.class_id, job[1], station=self.name)
        elif kind == "take_up":
            _, class_id, was = job
            seen = last_seen(self.db, [was]).get(was) if was else None
            if was == self.name:
                seen = self._previous_seen
            if claim_lead(self.db, class_id, self.name, was=was):
                self.class_id, self.role, self._info = class_id, "leader", None
                if seen is not None:  # paused where the silent leader last showed it
                    append_event(self.db, class_id, Event("pause", seen), station=self.name)
        elif kind == "decline":
            self._ignored.add(job[1])
            info = load_class(self.db, job[1])
            if info is not None and info.state != ClassState.ENDED.value:
                append_event(self.db, job[1], Event("stop", self.clock.now_ns()), station=self.name)
        elif kind == "bind":
            set_station_setting(self.db, self.name, "class", job[1])
            self.bound = job[1]

    def _running(self) -> list[ClassInfo]:
        """Every class not stopped; events are read again only for a class that changed."""
        revisions, moved = changed_classes(
            self.db, {c: (info.revision, info.leader) for c, info in self._cache.items()})
        for info in moved:
            self._cache[info.id] = info
        for class_id in [c for c in self._cache if c not in revisions]:
            del self._cache[class_id]
        return [self._cache[c] for c in sorted(revisions) if c in self._cache]

    def _poll(self) -> None:
        now = self.clock.now_ns()
        running = self._running()
        if self._reachable_since is None:
            self._reachable_since = now
        self._classes = tuple(running)
        if self.class_id is not None and self.kind == "tv":
            was = self._info
            info = next((c for c in running if c.id == self.class_id), None) or load_class(self.db, self.class_id)
            self._info = info
            if info is not None and info.state != ClassState.ENDED.value:
                if was is not None and (was.id, was.leader) == (info.id, info.leader):
                    self._publish(None)  # a pause, a step: on the screen now; who leads is read next
                self._lead_or_follow(info, now)
            if info is None or info.state == ClassState.ENDED.value:
                self.role = None
                if any(c.id != self.class_id for c in running):
                    self.class_id = self._info = None  # a new class started: free to join it
        if self.class_id is None and self.kind == "tv" and self.join and not self._jobs:
            self._join(running, now)
        self._offline = False
        if self.kind == "kiosk":
            self._kiosk_class(running, now)

    def _lead_or_follow(self, info: ClassInfo, now: int) -> None:
        if info.leader == self.name:
            self.role = "leader"
            return
        if info.leader is None:
            self.role = "leader" if claim_lead(self.db, info.id, self.name, was=None) else "follower"
            return
        self.role = "follower"
        seen = last_seen(self.db, [info.leader]).get(info.leader)
        # silent while the store was there to hear it: after an outage the leader
        # gets LEADER_SILENT_S to beat again before anyone takes over
        heard = not silent(self._reachable_since, now, LEADER_SILENT_S)
        if (silent(seen, now, LEADER_SILENT_S) and not heard
                and claim_lead(self.db, info.id, self.name, was=info.leader)):
            self.role = "leader"  # the class goes on from where it is, led from here

    def _join(self, running: list[ClassInfo], now: int) -> None:
        """An idle TV: follow (or lead) a running class, or offer an interrupted one."""
        self._offer = self._offer_at = None
        live = [c for c in running if c.id not in self._ignored]
        seen = last_seen(self.db, [c.leader for c in live if c.leader and c.leader != self.name])
        led, orphans = [], []
        for c in live:
            if c.leader == self.name and c.id != self.previous_class:
                self.class_id, self.role, self._info = c.id, "leader", c  # class start --station
                return
            if c.leader == self.name:  # the class this TV led when it stopped
                orphans.append((c, self._previous_seen))
            elif c.leader is None or not silent(seen.get(c.leader), now, LEADER_SILENT_S):
                led.append(c)
            else:
                orphans.append((c, seen.get(c.leader)))
        if led:
            self.class_id, self._info = led[-1].id, led[-1]
            self._lead_or_follow(led[-1], now)
        elif orphans:  # every such class's leader is silent: offer to take one up
            self._offer, self._offer_at = orphans[-1]

    def _kiosk_class(self, running: list[ClassInfo], now: int) -> None:
        ids = [c.id for c in running]
        if self.bound is not None and self.bound not in ids:
            self.bound = None
        self.class_id = self.bound if self.bound is not None else (ids[0] if len(ids) == 1 else None)
        info = next((c for c in running if c.id == self.class_id), None)
        self._info = info
        if info is None:
            self._timeline = self._timeline_for = None
            return
        placed = (info.id, info.program, info.day, tuple(sorted(info.timing.extension_map.items())))
        if placed == self._timeline_for:
            self._offline = self._was_offline
            self._publish(None)  # the timeline it has still fits: the change is shown now
        # the compiled day (its cache asks whether the program was edited), then the TVs
        self._timeline = class_timeline(self.db, info.program, info.day, info.timing.extension_map)
        self._timeline_for = placed
        self._offline = self._was_offline = tv_offline(tv_last_seen(self.db, info.id, info.leader), now)

    def _beat(self) -> None:
        now = self.clock.now_ns()
        state, pos = self._shown
        heartbeat(self.db, self.name, now, role=self.role, class_id=self.class_id,
                  state=state if self.class_id is not None else None,
                  position_s=pos if self.class_id is not None else None,
                  clock_offset_ms=round(self._wall_offset(), 1))
        self._beat_at = now

    def _wall_offset(self) -> float:
        return wall_offset_ms(self.clock.now_ns(), self._wall())

    _offer: ClassInfo | None = None
    _shown_key: tuple | None = None
    _reachable_since: int | None = None
    _offer_at: int | None = None
    _classes: tuple[ClassInfo, ...] = ()
    _offline = False
    _was_offline = False
    _timeline_for: tuple | None = None

    def _publish(self, error: str | None) -> None:
        info = self._info if self.class_id is not None else None
        if error is not None:  # keep what was known: the screen runs on from the last anchor
            self.view = replace(self.view, in_step=False, error=error, wall_offset_ms=self._wall_offset())
        else:
            self.view = LinkView(
                class_id=self.class_id, program=info.program if info else None, day=info.day if info else None,
                role=self.role if self.class_id is not None else None, leader=info.leader if info else None,
                timing=info.timing if info else None, revision=info.revision if info else -1,
                in_step=True, error=None, done=self._done, resume_offer=self._offer,
                classes=self._classes, tv_offline=self._offline, wall_offset_ms=self._wall_offset(),
                extra={"resume_at_ns": self._offer_at} if self._offer is not None else
                      {"timeline": self._timeline} if self._timeline is not None else {})
        key = (self.view.class_id, self.view.revision, self.view.leader, self.view.tv_offline,
               tuple(c.id for c in self._classes), self.view.in_step)
        if key != self._shown_key:
            self._shown_key = key
            if self.on_change is not None:
                self.on_change()
