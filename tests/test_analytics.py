"""Chart data against known logs: the database's sums, the domain's series, the CSV."""

import csv
import io
import uuid
from datetime import date, datetime, timedelta

import pytest

from backbeat.domain import analytics as an
from backbeat.domain.analytics import PlannedWork
from backbeat.domain.errors import InvalidInput
from backbeat.domain.setlog import SetRecord
from backbeat.store.athletes import add_athlete
from backbeat.store.history import (
    add_logs_bulk,
    athlete_charts,
    class_records,
    exercise_slugs,
    export_logs,
    set_groups,
)
from backbeat.store.models import CheckInRow, ClassSessionRow, ProgramRow

MON = datetime(2026, 11, 2, 18, 0)  # a Monday evening


def R(days, ex, reps, load=None, form=None, side=None, tempo=None, session=None, minutes=0):
    return SetRecord(MON + timedelta(days=days, minutes=minutes), ex, reps, load, form, side, tempo,
                     session)


# Ana's two weeks: rows with known sums (tempo 3-1-1-2 = 7 s a rep, 2-0-1-0 = 3 s)
LOGS = [
    R(0, "lat-pulldown", 8, 30.0, 4, tempo="3-1-1-2", minutes=0),
    R(0, "lat-pulldown", 8, 30.0, 5, tempo="3-1-1-2", minutes=3),
    R(0, "lat-pulldown", 6, 32.5, 3, tempo="3-1-1-2", minutes=6),
    R(0, "single-arm-dumbbell-row", 8, 12.0, 4, side="left", tempo="2-0-1-0", minutes=10),
    R(0, "single-arm-dumbbell-row", 8, 10.0, 4, side="right", tempo="2-0-1-0", minutes=12),
    R(2, "lat-pulldown", 8, 32.5, 5, minutes=0),  # no tempo logged: the plan's counts
    R(2, "band-pull-apart", 15, None, None, minutes=5),  # unloaded, unrated
    R(7, "single-arm-dumbbell-row", 10, 12.0, 5, side="left", tempo="2-0-1-0"),
    R(7, "single-arm-dumbbell-row", 8, 12.0, 4, side="right", tempo="2-0-1-0", minutes=2),
]
PLAN = {
    "lat-pulldown": PlannedWork(sets=3, reps=8, tempo="3-1-1-2"),
    "single-arm-dumbbell-row": PlannedWork(sets=1, reps=8, tempo="2-0-1-0", sides=2),
}


def _rows(athlete_id, ids, records, *, undone=False):
    return [dict(idempotency_key=uuid.uuid4().hex, athlete_id=athlete_id, exercise_id=ids[r.exercise],
                 session_id=r.session_id, set_number=1, side=r.side, reps=r.reps, load_kg=r.load_kg,
                 effort=8.0, form=r.form, tempo=r.tempo, logged_at=r.logged_at, station="test",
                 undone=undone) for r in records]


@pytest.fixture
def ana(db):
    ids = {slug: i for i, slug in exercise_slugs(db).items()}
    ana, ben = add_athlete(db, "Ana"), add_athlete(db, "Ben")
    add_logs_bulk(db, _rows(ana, ids, LOGS))
    # an undone tap and someone else's sets never count
    add_logs_bulk(db, _rows(ana, ids, [R(0, "lat-pulldown", 8, 90.0, 1, minutes=1)], undone=True))
    add_logs_bulk(db, _rows(ben, ids, [R(0, "lat-pulldown", 8, 50.0, 2)]))
    return ana


def test_database_grouping_matches_the_logs(db, ana):
    assert set_groups(db, ana) == an.group_sets(LOGS)


def test_load_and_reps_per_day(db, ana):
    points = athlete_charts(db, ana).load_and_reps("lat-pulldown")
    assert [(p.on, p.top_load_kg, p.sets) for p in points] == [
        (date(2026, 11, 2), 32.5, 3), (date(2026, 11, 4), 32.5, 1)]
    assert points[0].reps_per_set == pytest.approx(22 / 3)


def test_weekly_volume_form_and_sides(db, ana):
    charts = athlete_charts(db, ana)
    assert charts.exercises[:2] == ["lat-pulldown", "single-arm-dumbbell-row"]
    week1 = 8 * 30 + 8 * 30 + 6 * 32.5 + 8 * 12 + 8 * 10 + 8 * 32.5  # band pull-apart adds no kg
    assert [(v.week, v.volume_kg, v.reps, v.sets) for v in charts.volume] == [
        (date(2026, 11, 2), pytest.approx(week1), 61, 7),
        (date(2026, 11, 9), pytest.approx(10 * 12 + 8 * 12), 18, 2)]
    assert [(f.on, f.mean, f.rated_sets) for f in charts.form] == [
        (date(2026, 11, 2), pytest.approx(20 / 5), 5), (date(2026, 11, 4), 5.0, 1),
        (date(2026, 11, 9), 4.5, 2)]
    sides = charts.sides
    assert [(s.on, s.left, s.right) for s in sides] == [
        (date(2026, 11, 2), 96.0, 80.0), (date(2026, 11, 9), 120.0, 96.0)]
    assert sides[0].difference_pct == pytest.approx((96 - 80) / 96 * 100)


def test_time_under_tension_prescribed_vs_logged():
    groups = an.group_sets(LOGS)
    points = an.time_under_tension(groups, PLAN)
    by_day = {p.on: (p.prescribed_s, p.logged_s) for p in points}
    # day 1: pulldown 22 reps × 7 s + row 16 reps × 3 s; prescribed 3×8×7 + 1×2×8×3
    assert by_day[date(2026, 11, 2)] == (3 * 8 * 7 + 2 * 8 * 3, 22 * 7 + 16 * 3)
    # day 3: the pulldown logged without tempo takes the plan's; band work has no tempo: left out
    assert by_day[date(2026, 11, 4)] == (3 * 8 * 7, 8 * 7)
    assert by_day[date(2026, 11, 9)] == (2 * 8 * 3, 18 * 3)
    # a class's own prescription wins over the general plan
    session_plan = {5: {"lat-pulldown": PlannedWork(sets=2, reps=10, tempo="4-0-1-0")}}
    logs = [R(0, "lat-pulldown", 10, 30.0, 4, session=5)]
    assert an.time_under_tension(an.group_sets(logs), PLAN, session_plan)[0].prescribed_s == 2 * 10 * 5
    assert an.time_under_tension(an.group_sets(logs), PLAN, session_plan)[0].logged_s == 10 * 5


def test_charts_read_the_stored_programs(db, ana):
    # the seeded Precision Back program prescribes the pulldown: the chart uses its tempo
    tension = athlete_charts(db, ana).tension
    assert tension and all(p.prescribed_s > 0 and p.logged_s > 0 for p in tension)


def test_class_attendance_and_completion(db, ana):
    ids = {slug: i for i, slug in exercise_slugs(db).items()}
    with db.session() as s:
        program_id = s.query(ProgramRow.id).first()[0]
        c1 = ClassSessionRow(program_id=program_id, day=1, started_at=MON)
        c2 = ClassSessionRow(program_id=program_id, day=1, started_at=MON + timedelta(days=2))
        s.add_all([c1, c2])
        s.flush()
        s.add(CheckInRow(athlete_id=ana, session_id=c1.id, class_date=MON.date(), checked_in_at=MON))
        sid1, sid2 = c1.id, c2.id
    add_logs_bulk(db, _rows(ana, ids, [R(0, "lat-pulldown", 8, 30.0, 4, session=sid1)] * 2))
    records = {r.session_id: r for r in class_records(db)}
    assert records[sid1].attendees == 1 and records[sid1].sets_logged == 2
    assert records[sid1].sets_per_athlete > 2
    assert records[sid2].attendees == 0 and records[sid2].sets_logged == 0
    points = an.class_attendance(list(records.values()))
    assert [p.session_id for p in points] == [sid1, sid2]
    assert points[0].completion_pct == pytest.approx(2 / records[sid1].sets_per_athlete * 100)
    assert points[1].completion_pct == 0.0


def test_export_logs_csv_one_athlete_and_dates(db, ana):
    out = io.StringIO()
    n = export_logs(db, out, athlete="ana", start=date(2026, 11, 3), end=date(2026, 11, 9))
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert n == len(rows) == 4
    assert rows[0] == {"logged_at": "2026-11-04 18:00:00", "athlete": "Ana", "exercise": "lat-pulldown",
                       "set": "1", "side": "", "reps": "8", "load_kg": "32.5", "effort": "8.0",
                       "form": "5", "tempo": "", "station": "test", "class_session": "",
                       "replaces": "", "hold_s": ""}
    assert [r["exercise"] for r in rows] == ["lat-pulldown", "band-pull-apart",
                                             "single-arm-dumbbell-row", "single-arm-dumbbell-row"]
    everyone = io.StringIO()
    assert export_logs(db, everyone) == len(LOGS) + 1  # Ben's set; the undone tap is left out
    with pytest.raises(InvalidInput, match="no athlete named 'Zed'"):
        export_logs(db, io.StringIO(), athlete="Zed")
    with pytest.raises(InvalidInput, match="after"):
        export_logs(db, io.StringIO(), start=date(2026, 12, 1), end=date(2026, 11, 1))
