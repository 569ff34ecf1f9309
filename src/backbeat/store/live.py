"""Live class state: where each station's class is, for resume and for kiosks.

Writes go through :class:`LiveStateWriter`, a background thread that keeps
only the newest state: a slow or unreachable database never holds up the
screen, and the screen can say that saving is failing.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from backbeat.domain.errors import InvalidInput
from backbeat.engine.offer import ClassSet, class_set_at, live_class
from backbeat.engine.timeline import ClassPlan, TimelineCache
from backbeat.store.db import Database
from backbeat.store.library import load_library
from backbeat.store.models import LiveStateRow
from backbeat.store.programs import load_program, program_edited_at

#: The station whose live state tells kiosks what the class is doing.
TV_STATION = "tv"


def save_live_state(db: Database, station: str, state: dict[str, Any], segment_index: int) -> None:
    with db.session() as s:
        row = s.get(LiveStateRow, station)
        now = datetime.now(UTC)
        session_id = state.get("session_id")
        if row is None:
            s.add(LiveStateRow(station=station, state=state, segment_index=segment_index,
                               updated_at=now, session_id=session_id))
        else:
            row.state, row.segment_index, row.updated_at = state, segment_index, now
            row.session_id = session_id


def load_live_state(db: Database, station: str) -> dict[str, Any] | None:
    """The station's saved state, with ``updated_at`` (ISO time of the save) added."""
    with db.read() as s:
        row = s.scalar(select(LiveStateRow).where(LiveStateRow.station == station))
        if row is None:
            return None
        return dict(row.state) | {"updated_at": row.updated_at.isoformat()}


def resumable(state: dict[str, Any] | None) -> bool:
    """A class was interrupted (running or paused, not finished)."""
    return bool(state) and state.get("state") in ("running", "paused")


class LiveStateWriter:
    """Saves the newest submitted state on a background thread."""

    def __init__(self, db: Database, station: str):
        self.db = db
        self.station = station
        self.error: str | None = None
        self.saved = 0
        self._pending: tuple[dict, int] | None = None
        self._cond = threading.Condition()
        self._stop = False
        self._thread = threading.Thread(target=self._run, name="live-state", daemon=True)
        self._thread.start()

    def submit(self, state: dict[str, Any], segment_index: int) -> None:
        with self._cond:
            self._pending = (state, segment_index)
            self._cond.notify()

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait until everything submitted is written (tests, shutdown)."""
        with self._cond:
            return self._cond.wait_for(lambda: self._pending is None and not self._busy, timeout)

    _busy = False

    def _run(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._pending is not None or self._stop)
                if self._pending is None and self._stop:
                    return
                state, index = self._pending
                self._pending = None
                self._busy = True
            try:
                save_live_state(self.db, self.station, state, index)
                self.error = None
                self.saved += 1
            except Exception as exc:  # the class goes on; the screen shows why saving stopped
                self.error = f"position not saved ({type(exc).__name__})"
            finally:
                with self._cond:
                    self._busy = False
                    self._cond.notify_all()

    def close(self) -> None:
        self.flush()
        with self._cond:
            self._stop = True
            self._cond.notify()
        self._thread.join(timeout=5)


#: The classes kiosks asked about, compiled once per program edit.
_TIMELINES = TimelineCache()


def class_now(db: Database, *, now: datetime | None = None) -> ClassSet | None:
    """What the TV's class is on now (the set a kiosk offers), or None when no
    class runs: the saved state read here, the rules in :mod:`backbeat.engine.offer`."""
    live = live_class(load_live_state(db, TV_STATION), now or datetime.now(UTC))
    if live is None:
        return None
    key = (db.url, live.program, live.day, program_edited_at(db, live.program))
    try:
        timeline = _TIMELINES.timeline(
            key, lambda: ClassPlan(load_program(db, live.program), live.day, load_library(db)),
            live.extensions)
    except InvalidInput:
        return None  # the program was deleted under a running class
    return class_set_at(timeline, live)
