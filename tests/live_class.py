"""Tests that put the TV's class at a position: the class as a stored class
(store/classes.py), written the way the old live-state row read."""

from __future__ import annotations

import time

from sqlalchemy import update

from backbeat.engine.gymclass import Event
from backbeat.store.classes import append_event, running_classes, start_class
from backbeat.store.models import ClassEventRow, ClassSessionRow


def save_live_state(db, station: str, state: dict, _segment_index: int = 0) -> None:
    """The class ``state`` describes (program, day, position_ms, state, extensions,
    session_id) becomes the one running class, at that position now."""
    now = time.time_ns()
    for info in running_classes(db):
        append_event(db, info.id, Event("stop", now), station="test")
    if state.get("state") not in ("running", "paused"):
        return
    class_id = start_class(db, state["program"], int(state["day"]), at_ns=now, leader=station,
                           position_ms=float(state.get("position_ms", 0)),
                           paused=state["state"] == "paused")
    session = state.get("session_id")
    if session is not None:  # the class is that session: move the timing onto its row
        with db.session() as s:
            row = s.get(ClassSessionRow, class_id)
            s.execute(update(ClassEventRow).where(ClassEventRow.class_id == class_id)
                      .values(class_id=session))
            s.execute(update(ClassSessionRow).where(ClassSessionRow.id == session).values(
                state=row.state, leader=row.leader, start_ns=row.start_ns, revision=row.revision,
                ended_at=None))
            s.execute(update(ClassSessionRow).where(ClassSessionRow.id == class_id).values(
                state="ended", start_ns=None))
    for seg, ms in state.get("extensions", {}).items():
        [info] = [c for c in running_classes(db)]
        append_event(db, info.id, Event("extend", now, {"segment": int(seg), "ms": int(ms)}), station="test")


def load_live_state(db, _station: str = "tv") -> dict | None:
    running = running_classes(db)
    if not running:
        return None
    info = running[-1]
    t = info.timing
    return {"program": info.program, "day": info.day, "state": t.state.value, "session_id": info.id,
            "extensions": {str(k): v for k, v in t.extensions},
            "position_ms": (time.time_ns() - t.anchor_ns) / 1e6 if t.state.value == "running"
            else t.frozen_ns / 1e6}
