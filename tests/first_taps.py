"""What a kiosk's first taps cost after its start: counted with SQLAlchemy's events
(no timing), shared by the SQLite and PostgreSQL tests."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import event
from sqlalchemy.engine.interfaces import CacheStats

from backbeat.domain.setlog import SetEntry
from backbeat.store.athletes import add_athlete
from backbeat.store.db import Database
from backbeat.store.sessions import start_session

T0 = datetime(2026, 3, 2, 18, 0, tzinfo=UTC)


def first_taps(db: Database, taps: Callable[[list[SetEntry], str], None]) -> dict:
    """Runs ``taps(entries, undo_key)`` (the caller logs the entries in order and then
    undoes the key) and returns what they did that a prepared kiosk should not:
    the connections opened and the statements not found in the compiled cache (or
    not compiled at all: driver SQL, such as a pragma), with the set numbers."""
    ana = add_athlete(db, f"Ana {uuid.uuid4().hex[:6]}")
    session = start_session(db, "Precision Back", 1)
    entries = [SetEntry(key=uuid.uuid4().hex, athlete_id=ana, reps=8, station="first-taps",
                        logged_at=(T0 + timedelta(minutes=m)).isoformat(),
                        **{"exercise": "lat-pulldown", **kw}) for m, kw in [
        (0, {}), (1, {}), (2, {"session_id": session}), (3, {"session_id": session}),
        (4, {"exercise": "single-arm-dumbbell-row", "side": "left"}),
        (5, {"exercise": "single-arm-dumbbell-row", "side": "right", "session_id": session}),
        (-1, {})]]  # made first, arrives last: the two after it are renumbered
    connects, unprepared, ran = [], [], []

    def connected(*_args) -> None:
        connects.append(1)

    def executed(_conn, _cursor, statement, _params, context, _many) -> None:
        ran.append(statement)
        if context.compiled is None or context.cache_hit is not CacheStats.CACHE_HIT:
            unprepared.append(statement)

    event.listen(db.engine, "connect", connected)
    event.listen(db.engine, "before_cursor_execute", executed)
    try:
        taps(entries, entries[0].key)
    finally:
        event.remove(db.engine, "connect", connected)
        event.remove(db.engine, "before_cursor_execute", executed)
    return {"ran": len(ran), "unprepared": unprepared, "connects": len(connects),
            "entries": entries}
