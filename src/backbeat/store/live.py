"""The live class as a kiosk offers it: the class read here, the rules in
:mod:`backbeat.engine.offer` (where it is on the gym's clock, which set)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from backbeat.domain.errors import InvalidInput
from backbeat.engine.gymclass import tv_offline
from backbeat.engine.offer import ClassSet, class_set_now
from backbeat.store.classes import ClassInfo, class_timeline, running_classes
from backbeat.store.db import Database
from backbeat.store.gymclock import gym_now_ns
from backbeat.store.stations import tv_last_seen


def class_now(db: Database, *, now_ns: int | None = None, class_id: int | None = None,
              info: ClassInfo | None = None, now: datetime | None = None) -> ClassSet | None:
    """What the class is on now (the set a kiosk offers), or None when no class runs.

    The position comes from the class's anchor on the gym's clock (never this
    station's wall clock). ``class_id`` picks one of several running classes
    (else the newest); ``info`` is a class already read; ``now`` an instant
    given as a time of day (tests, the command line), else the gym's clock now.
    Every TV of the class silent: ``tv_offline`` (engine.gymclass), its sets open gym.
    """
    if now_ns is None and now is not None:
        now_ns = round(now.timestamp() * 1e9)
    if info is None:
        running = [c for c in running_classes(db) if class_id is None or c.id == class_id]
        if not running:
            return None
        info = running[-1]
    timing = info.timing
    try:
        timeline = class_timeline(db, info.program, info.day, timing.extension_map)
    except InvalidInput:
        return None  # the program was deleted under a running class
    now_ns = gym_now_ns(db) if now_ns is None else now_ns
    cs = class_set_now(info.program, info.day, info.id, timing, timeline, now_ns)
    if cs is not None and tv_offline(tv_last_seen(db, info.id, info.leader), now_ns):
        cs = replace(cs, tv_offline=True)
    return cs
