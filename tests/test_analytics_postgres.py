"""Charts, progression, screenings and the CSV export on PostgreSQL (several
computers sharing one gym) give what they give on SQLite."""

import io
from datetime import date

from backbeat.domain import analytics as an
from backbeat.domain.screening import Findings
from backbeat.store.athletes import add_athlete, get_athlete, progress_rows, save_screening
from backbeat.store.history import (
    add_logs_bulk,
    athlete_charts,
    class_records,
    exercise_slugs,
    export_logs,
    set_groups,
)
from tests.test_analytics import LOGS, _rows


def test_history_on_postgres_matches_sqlite(pg_db, db):
    results = []
    for store in (pg_db, db):
        ids = {slug: i for i, slug in exercise_slugs(store).items()}
        ana = add_athlete(store, "Ana")
        add_logs_bulk(store, _rows(ana, ids, LOGS))
        out = io.StringIO()
        n = export_logs(store, out, athlete="ana", start=date(2026, 11, 1), end=date(2026, 11, 30))
        charts = athlete_charts(store, ana)
        results.append((set_groups(store, ana), n, out.getvalue(), charts.volume, charts.tension,
                        [(r.exercise, r.current, r.suggestion) for r in progress_rows(store, ana)],
                        class_records(store)))
    assert results[0] == results[1]
    assert results[0][0] == an.group_sets(LOGS)


def test_screening_flag_on_postgres(pg_db):
    dev = add_athlete(pg_db, "Dev")
    _sid, added = save_screening(pg_db, dev, screened_on=date(2026, 11, 1), disc_history=True,
                                 findings=Findings(left_kg=12, right_kg=10))
    assert "weighted-hyperextension" in added
    assert get_athlete(pg_db, dev).substitutions["weighted-hyperextension"] == "bird-dog"
