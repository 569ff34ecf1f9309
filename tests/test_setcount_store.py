"""Set numbers as the store keeps them: the athlete's own count, 1..k per class
session (open gym: per day), exercise and side, whatever order the taps arrive in;
substitutes record what they replace; the CSV says where every set belongs."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from backbeat.domain.setlog import SetEntry
from backbeat.store.athletes import add_athlete
from backbeat.store.history import CSV_COLUMNS, export_logs
from backbeat.store.logs import find_log, log_set, scope_counts, undo_set
from backbeat.store.models import ClassSessionRow, ProgramRow

T0 = datetime(2026, 3, 2, 18, 0, tzinfo=UTC)


def _session(db) -> int:
    with db.session() as s:
        program = s.scalar(select(ProgramRow.id))
        row = ClassSessionRow(program_id=program, day=1, started_at=T0.replace(tzinfo=None))
        s.add(row)
        s.flush()
        return row.id


def _tap(db, athlete, exercise="face-pull", *, at=0.0, **kw) -> str:
    key = uuid.uuid4().hex
    log_set(db, SetEntry(key=key, athlete_id=athlete, exercise=exercise, reps=kw.pop("reps", 8),
                         logged_at=(T0 + timedelta(seconds=at)).isoformat(), **kw))
    return key


def _numbers(db, keys) -> list[int | None]:
    return [find_log(db, k).set_number for k in keys]


def test_numbers_are_the_athletes_own_per_session_exercise_and_side(db):
    ana, ben = add_athlete(db, "Ana"), add_athlete(db, "Ben")
    session = _session(db)
    a = [_tap(db, ana, at=i * 60, session_id=session) for i in range(3)]
    b = [_tap(db, ben, at=200, session_id=session)]  # a late starter's first set is set 1
    rows = [_tap(db, ana, "single-arm-dumbbell-row", side=side, at=300 + i, session_id=session)
            for i, side in enumerate(["left", "right", "left"])]
    assert _numbers(db, a) == [1, 2, 3] and _numbers(db, b) == [1]
    assert _numbers(db, rows) == [1, 1, 2]
    assert scope_counts(db, [ana, ben], session_id=session) == {
        (ana, "face-pull", None): 3, (ben, "face-pull", None): 1,
        (ana, "single-arm-dumbbell-row", "left"): 2,
        (ana, "single-arm-dumbbell-row", "right"): 1}


def test_an_undo_and_a_late_arrival_renumber_the_rest(db):
    ana = add_athlete(db, "Ana")
    session = _session(db)
    first = _tap(db, ana, at=0, session_id=session)
    third = _tap(db, ana, at=120, session_id=session)
    # a tap kept in a kiosk's outbox, made between them, arrives last
    second = _tap(db, ana, at=60, session_id=session)
    assert _numbers(db, [first, second, third]) == [1, 2, 3]
    assert undo_set(db, second)
    assert _numbers(db, [first, third]) == [1, 2]
    assert find_log(db, second).undone


def test_open_gym_counts_per_day_and_apart_from_classes(db):
    ana = add_athlete(db, "Ana")
    session = _session(db)
    day1 = [_tap(db, ana, at=0), _tap(db, ana, at=60)]
    in_class = _tap(db, ana, at=90, session_id=session)
    day2 = _tap(db, ana, at=86_400)
    assert _numbers(db, day1) == [1, 2]
    assert _numbers(db, [in_class, day2]) == [1, 1]
    assert scope_counts(db, [ana], session_id=None, day=T0.date()) == {(ana, "face-pull", None): 2}


def test_open_gym_counts_the_gyms_local_day_not_the_utc_one(db):
    """A gym in Los Angeles (UTC−8 in March): 15:00 and 16:30 there are one day,
    though 16:30 is already the next day in UTC; 00:30 there starts the next."""
    from datetime import date

    from backbeat.store.kiosk import log_view
    from backbeat.store.library import load_library
    from backbeat.store.timetable import save_timetable

    save_timetable(db, {"timezone": "America/Los_Angeles", "entries": []})
    ana = add_athlete(db, "Ana")
    local_3pm = datetime(2026, 3, 2, 23, 0, tzinfo=UTC)
    taps = [_tap(db, ana, at=(local_3pm - T0).total_seconds() + s) for s in (0, 5400, 34200)]
    assert _numbers(db, taps) == [1, 2, 1]  # 15:00, 16:30 (UTC: 3 March), then 00:30 on 3 March
    assert scope_counts(db, [ana], session_id=None, day=date(2026, 3, 2)) == {(ana, "face-pull", None): 2}
    assert scope_counts(db, [ana], session_id=None, day=date(2026, 3, 3)) == {(ana, "face-pull", None): 1}
    face_pull = load_library(db).get("face-pull")  # the kiosk's count at 16:45 there: 2 so far
    view = log_view(db, ana, face_pull, session_id=None, at=datetime(2026, 3, 3, 0, 45, tzinfo=UTC))
    assert view.logged == {None: 2}
    assert undo_set(db, taps[0]) and _numbers(db, taps[1:]) == [1, 1]  # renumbered in its local day


def test_a_substitute_records_what_it_replaces_and_the_csv_says_where_each_set_belongs(db):
    dev = add_athlete(db, "Dev")
    session = _session(db)
    sub = _tap(db, dev, "bird-dog", at=0, session_id=session, replaces="weighted-hyperextension",
               tempo="2-1-2-2", station="kiosk-1")
    _tap(db, dev, "single-arm-dumbbell-row", side="left", at=30, load_kg=12.0, station="kiosk-2")
    logged = find_log(db, sub)
    assert (logged.replaces, logged.session_id, logged.set_number) == (
        "weighted-hyperextension", session, 1)
    out = io.StringIO()
    assert export_logs(db, out) == 2
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert {"class_session", "set", "side", "replaces", "station"} <= set(CSV_COLUMNS)
    assert [(r["exercise"], r["class_session"], r["set"], r["side"], r["replaces"], r["station"],
             r["tempo"]) for r in rows] == [
        ("bird-dog", str(session), "1", "", "weighted-hyperextension", "kiosk-1", "2-1-2-2"),
        ("single-arm-dumbbell-row", "", "1", "left", "", "kiosk-2", ""),
    ]
