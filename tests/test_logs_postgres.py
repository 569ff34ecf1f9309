"""Kiosks on several computers share PostgreSQL: the same taps, the same
exactly-once guarantees as on one computer's SQLite file."""

from __future__ import annotations

import time
import uuid
from datetime import date

from backbeat.domain.setlog import SetEntry
from backbeat.store.athletes import add_athlete
from backbeat.store.checkins import check_in, checked_in
from backbeat.store.classes import start_class
from backbeat.store.live import class_now
from backbeat.store.logs import (
    count_logs,
    find_log,
    log_set,
    prepare_taps,
    suggested_load,
    undo_set,
)
from backbeat.store.seed import open_database
from tests import scripts
from tests.first_taps import first_taps


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
        start_class(db, "Precision Back", 1, at_ns=time.time_ns(), leader="tv1", paused=True)
        assert class_now(db).exercise == "lat-pulldown"
    finally:
        db.close()


def test_kiosk_processes_on_postgres_lose_and_duplicate_nothing(pg_url, tmp_path):
    bench = scripts.load("benchmarks/bench_kiosk.py")
    r = bench.run_load(tmp_path, kiosks=3, taps=30, url=pg_url)
    assert r["errors"] == [] and r["exit_codes"] == [0, 0, 0]
    assert (r["rows"], r["lost"], r["duplicated"], r["unexpected"]) == (90, 0, 0, 0)
    assert (r["retries_sent"], r["retries_recognised"]) == (9, 9)


def test_two_stations_logging_one_athlete_at_once_number_1_to_k_on_postgres(pg_url):
    """Sets of one athlete from two stations at the same moment are numbered one
    transaction at a time: 1..k, no number twice."""
    import threading
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import select

    from backbeat.store.models import SetLogRow

    db = open_database(pg_url)
    try:
        ana = add_athlete(db, f"Ana {uuid.uuid4().hex[:6]}")
        t0 = datetime.now(UTC)

        def station(n: int) -> None:
            for i in range(15):
                log_set(db, SetEntry(key=uuid.uuid4().hex, athlete_id=ana, exercise="face-pull",
                                     reps=8, station=f"pg-{n}",
                                     logged_at=(t0 + timedelta(milliseconds=2 * i + n)).isoformat()))

        threads = [threading.Thread(target=station, args=(n,)) for n in (0, 1)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        with db.read() as s:
            numbers = list(s.scalars(select(SetLogRow.set_number).where(SetLogRow.athlete_id == ana)
                                     .order_by(SetLogRow.logged_at)))
        assert numbers == list(range(1, 31))
    finally:
        db.close()


def test_prepared_taps_on_postgres_compile_nothing_more(pg_url):
    """After prepare_taps (a kiosk's start) every tap statement on PostgreSQL, its
    per-athlete lock included, is found in the compiled cache."""
    db = open_database(pg_url)
    try:
        prepare_taps(db)

        def taps(entries, undo_key):
            assert [log_set(db, e) for e in entries] == [True] * len(entries)
            assert undo_set(db, undo_key)

        got = first_taps(db, taps)
        assert got["ran"] and got["unprepared"] == []
        late, second = got["entries"][-1], got["entries"][1]
        assert [find_log(db, e.key).set_number for e in (late, second)] == [1, 2]
    finally:
        db.close()
