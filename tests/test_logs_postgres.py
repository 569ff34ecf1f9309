"""Kiosks on several computers share PostgreSQL: the same taps, the same
exactly-once guarantees as on one computer's SQLite file."""

from __future__ import annotations

import uuid
from datetime import date

from backbeat.domain.setlog import SetEntry
from backbeat.store.athletes import add_athlete
from backbeat.store.checkins import check_in, checked_in
from backbeat.store.live import class_now, save_live_state
from backbeat.store.logs import count_logs, find_log, log_set, suggested_load, undo_set
from backbeat.store.seed import open_database
from tests import scripts


def test_taps_and_check_ins_on_postgres(pg_url):
    db = open_database(pg_url)
    try:
        ana = add_athlete(db, f"Ana {uuid.uuid4().hex[:6]}")
        entry = SetEntry(key=uuid.uuid4().hex, athlete_id=ana, exercise="lat-pulldown", reps=8,
                         load_kg=32.5, station="pg-kiosk")
        assert log_set(db, entry) is True
        assert log_set(db, entry) is False
        assert count_logs(db, station_prefix="pg-kiosk") == 1
        assert suggested_load(db, ana, "lat-pulldown") == 32.5
        assert undo_set(db, entry.key) is True and find_log(db, entry.key).undone
        day = date(2026, 5, 4)
        assert check_in(db, ana, day=day) is True and check_in(db, ana, day=day) is False
        assert ana in checked_in(db, day=day)
        save_live_state(db, "tv", {"program": "Precision Back", "day": 1, "position_ms": 0,
                                   "state": "paused", "extensions": {}, "session_id": None}, 0)
        assert class_now(db).exercise == "lat-pulldown"
    finally:
        db.close()


def test_kiosk_processes_on_postgres_lose_and_duplicate_nothing(pg_url, tmp_path):
    bench = scripts.load("benchmarks/bench_kiosk.py")
    r = bench.run_load(tmp_path, kiosks=3, taps=30, url=pg_url)
    assert r["errors"] == [] and r["exit_codes"] == [0, 0, 0]
    assert (r["rows"], r["lost"], r["duplicated"], r["unexpected"]) == (90, 0, 0, 0)
    assert (r["retries_sent"], r["retries_recognised"]) == (9, 9)
