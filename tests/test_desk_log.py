"""`backbeat log ATHLETE EXERCISE …`: a set an athlete forgot to tap, logged at the
trainer's desk, numbered and checked exactly as a kiosk tap; refusals name the
field, exit 2 and write nothing."""

from __future__ import annotations

import subprocess
import sys

import pytest

from backbeat.cli import main
from backbeat.domain.exercise import RiskFlag
from backbeat.store.athletes import list_athletes
from backbeat.store.checkins import check_in, checked_in
from backbeat.store.demo import ensure_demo
from backbeat.store.library import load_library, save_exercise
from backbeat.store.logs import count_logs, recent_logs
from backbeat.store.sessions import start_session
from tests.live_class import save_live_state


@pytest.fixture
def gym(db):
    ensure_demo(db, weeks=1)
    return {a.name: a for a in list_athletes(db)}


def log(db_url, *args) -> int:
    return main(["--db", db_url, "log", *args])


def test_open_gym_sets_are_numbered_per_day_by_name_or_slug_in_kg_or_lb(db, db_url, gym, capsys):
    assert log(db_url, "ana", "Lat pulldown", "--reps", "8", "--load", "35kg", "--rpe", "8") == 0
    assert "logged set 1 of Lat pulldown" in capsys.readouterr().out
    assert log(db_url, "Ana", "lat-pulldown", "--reps", "7", "--load", "80lb", "--form", "4") == 0
    out = capsys.readouterr().out
    assert "logged set 2 of" in out and "for Ana" in out and "(open gym)" in out
    rows = recent_logs(db, gym["Ana"].id, "lat-pulldown", limit=2)
    assert [(r.set_number, r.reps, r.session_id, r.station) for r in rows] == [
        (2, 7, None, "trainer"), (1, 8, None, "trainer")]
    assert rows[0].load_kg == pytest.approx(80 * 0.45359237) and rows[1].effort == 8.0
    assert log(db_url, "Ana", "single-arm-dumbbell-row", "--reps", "8", "--side", "left",
               "--load", "12.5") == 0


@pytest.mark.parametrize("args, field, words", [
    (["Zed", "face-pull", "--reps", "8"], "athlete", "no athlete named 'Zed'"),
    (["Ana", "squat", "--reps", "8"], "exercise", "no exercise 'squat'"),
    (["Ana", "face-pull", "--reps", "-3"], "reps", "-3 reps is not a set"),
    (["Ana", "face-pull", "--reps", "8", "--load", "900kg"], "load", "900 kg is more than"),
    (["Ana", "face-pull", "--reps", "8", "--rpe", "11"], "effort", "not 11"),
    (["Ana", "face-pull", "--reps", "8", "--form", "0"], "form", "form is rated 1 to 5"),
    (["Ana", "face-pull", "--reps", "8", "--load", "12,5kg"], "--load", "not a load like"),
    (["Ana", "single-arm-dumbbell-row", "--reps", "8"], "side", "one side at a time"),
    (["Ana", "face-pull", "--reps", "8", "--side", "left"], "side", "both sides at once"),
])
def test_bad_input_names_the_field_and_writes_nothing(db, db_url, gym, capsys, args, field, words):
    before = count_logs(db)
    assert log(db_url, *args) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"backbeat: {field}: ") and words in err
    assert count_logs(db) == before


def test_in_a_running_class_not_checked_in_is_offered_a_check_in(db, db_url, gym, capsys):
    session = start_session(db, "Precision Back", 2)
    save_live_state(db, "tv", {"program": "Precision Back", "day": 2, "position_ms": 0,
                               "state": "paused", "extensions": {}, "session_id": session}, 0)
    before = count_logs(db)
    assert log(db_url, "Ben", "face-pull", "--reps", "8") == 2
    assert "Ben is not checked in for the running class" in capsys.readouterr().err
    assert count_logs(db) == before and gym["Ben"].id not in checked_in(db)
    assert log(db_url, "Ben", "face-pull", "--reps", "8", "--check-in") == 0
    assert "(Precision Back, day 2)" in capsys.readouterr().out
    assert gym["Ben"].id in checked_in(db)
    row = recent_logs(db, gym["Ben"].id, "face-pull", limit=1)[0]
    assert (row.session_id, row.set_number) == (session, 1)


def test_a_substitute_records_what_it_replaces_and_a_risky_one_is_refused(db, db_url, gym, capsys):
    session = start_session(db, "Precision Back", 2)
    from backbeat.engine.timeline import ClassPlan  # the class paused in the hyperextension
    from backbeat.store.programs import load_program

    seg = next(s for s in ClassPlan(load_program(db, "Precision Back"), 2, load_library(db)).timeline().segments
               if s.exercise == "weighted-hyperextension" and s.kind == "work")
    save_live_state(db, "tv", {"program": "Precision Back", "day": 2, "position_ms": seg.start_ms,
                               "state": "paused", "extensions": {}, "session_id": session}, 0)
    check_in(db, gym["Dev"].id)
    assert log(db_url, "Dev", "bird dog", "--reps", "10") == 0
    assert "instead of Weighted hyperextension" in capsys.readouterr().out
    row = recent_logs(db, gym["Dev"].id, "bird-dog", limit=1)[0]
    assert (row.replaces, row.session_id, row.set_number) == ("weighted-hyperextension", session, 1)
    # a library substitute that is risky for Dev's disc history too
    slow = load_library(db).get("unloaded-slow-hyperextension")
    save_exercise(db, slow.model_copy(update={"risk_flags": (RiskFlag.DISC,)}))
    before = count_logs(db)
    assert log(db_url, "Dev", "unloaded-slow-hyperextension", "--reps", "8") == 2
    err = capsys.readouterr().err
    assert err.startswith("backbeat: exercise: ") and "risky for Dev's disc history" in err
    assert count_logs(db) == before


def test_the_command_exits_2_without_a_traceback(db_url, gym):
    done = subprocess.run([sys.executable, "-m", "backbeat", "--db", db_url, "log", "Ana",
                           "face-pull", "--reps", "8", "--load", "900kg"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "load: 900 kg is more than this gym logs" in done.stderr


def test_a_timed_hold_is_logged_in_seconds_and_reps_are_refused_for_it(db, db_url, gym, capsys):
    before = count_logs(db)
    assert log(db_url, "Ana", "scapular-retraction-hold", "--reps", "8") == 2
    assert "is a hold: log the seconds held" in capsys.readouterr().err
    assert log(db_url, "Ana", "scapular-retraction-hold", "--hold", "900") == 2
    assert "900 s is not a hold" in capsys.readouterr().err
    assert log(db_url, "Ana", "face-pull", "--hold", "30") == 2
    assert "counted in reps, not seconds held" in capsys.readouterr().err
    assert count_logs(db) == before
    assert log(db_url, "Ana", "scapular-retraction-hold", "--hold", "40") == 0
    assert "30 s hold" not in (out := capsys.readouterr().out) and "40 s hold" in out
    row = recent_logs(db, gym["Ana"].id, "scapular-retraction-hold", limit=1)[0]
    assert (row.reps, row.hold_s, row.set_number) == (1, 40, 1)
    import csv
    import io

    from backbeat.store.history import export_logs

    out = io.StringIO()
    export_logs(db, out, athlete="Ana")
    [held] = [r for r in csv.DictReader(io.StringIO(out.getvalue()))
              if r["exercise"] == "scapular-retraction-hold"]
    assert held["hold_s"] == "40" and held["reps"] == "1"
