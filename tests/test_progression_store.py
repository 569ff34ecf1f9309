"""Screenings, substitutions, notes and progression decisions in the store."""

import uuid
from datetime import date, datetime, timedelta

import pytest

from backbeat.domain.athlete import caution_for
from backbeat.domain.errors import InvalidInput
from backbeat.domain.progression import Action, Prescription
from backbeat.domain.screening import Findings, Mobility
from backbeat.store.athletes import (
    Source,
    add_athlete,
    athlete_notes,
    decide_prescription,
    delete_screening,
    get_athlete,
    list_screenings,
    list_substitutions,
    progress_for,
    progress_rows,
    progressed_load,
    remove_substitution,
    save_screening,
    set_athlete_notes,
    set_substitution,
)
from backbeat.store.history import add_logs_bulk, exercise_slugs


def test_notes_round_trip_and_limit(db):
    a = add_athlete(db, "Ana")
    set_athlete_notes(db, a, "Prefers the left-hand cable.")
    assert athlete_notes(db, a) == "Prefers the left-hand cable."
    with pytest.raises(InvalidInput, match="at most 4000"):
        set_athlete_notes(db, a, "x" * 4001)
    assert athlete_notes(db, a) == "Prefers the left-hand cable."


def test_screening_with_disc_history_brings_substitutions(db, library):
    a = add_athlete(db, "Dev")
    findings = Findings(mobility={"flexion": Mobility.LIMITED, "extension": Mobility.FULL},
                        posture="Anterior pelvic tilt", strength_test="single-arm row 8RM",
                        left_kg=14, right_kg=12)
    sid, added = save_screening(db, a, screened_on=date(2026, 11, 1), disc_history=False,
                                findings=findings, notes="first look")
    assert added == [] and not get_athlete(db, a).flags
    [s] = list_screenings(db, a)
    assert s.findings == findings and s.screened_on == date(2026, 11, 1) and s.notes == "first look"
    assert s.findings.imbalance_text() == "right 14% weaker — imbalance"
    # the trainer flags the disc history on the same record
    _, added = save_screening(db, a, screened_on=date(2026, 11, 1), disc_history=True,
                              findings=findings, screening_id=sid)
    assert "weighted-hyperextension" in added
    dev = get_athlete(db, a)
    caution = caution_for(dev, library.get("weighted-hyperextension"))
    assert caution is not None and caution.substitute == dev.substitutions["weighted-hyperextension"]
    # the trainer's own choice replaces the default and survives another screening
    set_substitution(db, a, "weighted-hyperextension", "bird-dog", "slow, unloaded")
    _, added = save_screening(db, a, screened_on=date(2026, 11, 20), disc_history=True,
                              findings=Findings())
    assert "weighted-hyperextension" not in added
    subs = {x.exercise: x for x in list_substitutions(db, a)}
    assert subs["weighted-hyperextension"].substitute == "bird-dog"
    assert [x.screened_on for x in list_screenings(db, a)] == [date(2026, 11, 20), date(2026, 11, 1)]
    # a substitute risky for the same history is refused, nothing changes
    with pytest.raises(InvalidInput, match="risky for this athlete's disc history"):
        set_substitution(db, a, "weighted-hyperextension", "romanian-deadlift")
    with pytest.raises(InvalidInput, match="no exercise 'nope'"):
        set_substitution(db, a, "weighted-hyperextension", "nope")
    assert get_athlete(db, a).substitutions["weighted-hyperextension"] == "bird-dog"
    remove_substitution(db, a, "weighted-hyperextension")
    assert "weighted-hyperextension" not in get_athlete(db, a).substitutions
    for s in list_screenings(db, a):
        delete_screening(db, s.id)
    assert list_screenings(db, a) == [] and not get_athlete(db, a).flags


def test_bad_findings_and_dates_are_refused(db):
    a = add_athlete(db, "Eli")
    with pytest.raises(InvalidInput, match="left strength: 900 kg"):
        Findings(left_kg=900)
    with pytest.raises(InvalidInput, match="unknown mobility test 'toe'"):
        Findings(mobility={"toe": Mobility.FULL})
    with pytest.raises(InvalidInput, match="in the future"):
        save_screening(db, a, screened_on=date.today() + timedelta(days=30), disc_history=False,
                       findings=Findings())
    assert list_screenings(db, a) == []


def test_older_findings_are_read():
    f = Findings.from_json({"spinal_flexion": "limited", "left_right_row_kg": [12, 10]})
    assert f.mobility == {"flexion": Mobility.LIMITED} and (f.left_kg, f.right_kg) == (12, 10)
    assert "Forward bend (flexion): limited" in f.summary()


def _log(db, athlete, slug, when, sets):
    ids = {s: i for i, s in exercise_slugs(db).items()}
    add_logs_bulk(db, [dict(idempotency_key=uuid.uuid4().hex, athlete_id=athlete,
                            exercise_id=ids[slug], set_number=n + 1, reps=reps, load_kg=load,
                            form=form, tempo=None, logged_at=when + timedelta(minutes=3 * n),
                            station="test", undone=False)
                       for n, (reps, load, form) in enumerate(sets)])


def test_suggestion_from_logs_then_accept_and_earn_again(db):
    a = add_athlete(db, "Ana")
    t0 = datetime(2026, 11, 2, 18)
    good = [(8, 30.0, 4), (8, 30.0, 5), (8, 30.0, 4)]
    _log(db, a, "lat-pulldown", t0, good)
    row = progress_for(db, a, "lat-pulldown")
    # the stored Precision Back program prescribes the pulldown's tempo and reps
    assert row.current is not None and row.current.load_kg == 30.0
    assert row.suggestion.action is Action.HOLD
    _log(db, a, "lat-pulldown", t0 + timedelta(days=2), good)
    row = progress_for(db, a, "lat-pulldown")
    assert row.suggestion.action is Action.ADVANCE
    ecc = int(row.current.tempo.split("-")[0])
    assert row.suggestion.tempo.startswith(f"{ecc + 1}-")
    decide_prescription(db, a, "lat-pulldown", row.suggestion.prescription, Source.ACCEPTED,
                        now=t0 + timedelta(days=3))
    row = progress_for(db, a, "lat-pulldown")
    # the accepted step is the new base; the next has to be earned again
    assert row.decision.source is Source.ACCEPTED and row.current == row.decision.prescription
    assert row.suggestion.action is Action.HOLD and "no sessions logged" in row.suggestion.reason
    # an override wins and poor form afterwards steps back from it
    decide_prescription(db, a, "lat-pulldown", Prescription("3-1-1-2", 8, 25.0), "override",
                        note="shoulder niggle", now=t0 + timedelta(days=4))
    _log(db, a, "lat-pulldown", t0 + timedelta(days=5), [(6, 25.0, 2), (6, 25.0, 2)])
    [row] = progress_rows(db, a)
    assert row.decision.note == "shoulder niggle" and row.current.load_kg == 25.0
    assert row.suggestion.action is Action.STEP_BACK and row.suggestion.load_kg == 22.5


def test_bad_decisions_are_refused(db):
    a = add_athlete(db, "Ana")
    with pytest.raises(InvalidInput, match="tempo"):
        decide_prescription(db, a, "lat-pulldown", Prescription("3-1-?-0", 8, 30.0), "override")
    with pytest.raises(InvalidInput, match="reps"):
        decide_prescription(db, a, "lat-pulldown", Prescription("3-1-1-0", 0, 30.0), "override")
    with pytest.raises(InvalidInput, match="900 kg"):
        decide_prescription(db, a, "lat-pulldown", Prescription("3-1-1-0", 8, 900.0), "override")
    with pytest.raises(ValueError):
        decide_prescription(db, a, "lat-pulldown", Prescription("3-1-1-0", 8, 30.0), "maybe")
    assert progress_rows(db, a) == []



def test_progressed_load_for_the_kiosk(db):
    a = add_athlete(db, "Ana")
    t0 = datetime(2026, 11, 2, 18)
    assert progressed_load(db, a, "lat-pulldown", None) is None  # nothing logged, nothing decided
    assert progressed_load(db, a, "no-such-exercise", 20.0) == 20.0
    # at the eccentric cap, two good sessions: one load step, per side from that side's load
    decide_prescription(db, a, "single-arm-dumbbell-row", Prescription("6-1-1-2", 8, 14.0), "override",
                        now=t0 - timedelta(days=1))
    # right after a decision both sides start at it
    assert progressed_load(db, a, "single-arm-dumbbell-row", 10.0, side="right") == 14.0
    for day in (0, 2):
        _log(db, a, "single-arm-dumbbell-row", t0 + timedelta(days=day), [(8, 14.0, 5), (8, 14.0, 4)])
    assert progressed_load(db, a, "single-arm-dumbbell-row", 14.0) == 16.5
    assert progressed_load(db, a, "single-arm-dumbbell-row", 12.0, side="right") == 14.5
    # poor form: a step back
    _log(db, a, "single-arm-dumbbell-row", t0 + timedelta(days=4), [(8, 14.0, 2), (6, 14.0, 2)])
    assert progressed_load(db, a, "single-arm-dumbbell-row", 14.0) == 11.5


def test_kiosk_suggested_load_follows_the_trainer(db):
    from backbeat.store.logs import suggested_load

    a = add_athlete(db, "Ana")
    t0 = datetime(2026, 11, 2, 18)
    _log(db, a, "lat-pulldown", t0, [(8, 30.0, 4)])
    assert suggested_load(db, a, "lat-pulldown") == 30.0  # one session: hold at the last load
    decide_prescription(db, a, "lat-pulldown", Prescription("3-1-1-2", 8, 27.5), "override",
                        now=t0 + timedelta(days=1))
    assert suggested_load(db, a, "lat-pulldown") == 27.5
