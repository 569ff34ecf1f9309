"""Set logs, check-ins, the outbox and the rules of a tapped set."""

from __future__ import annotations

import threading
import time
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from backbeat.domain.errors import InvalidInput
from backbeat.domain.setlog import (
    SetEntry,
    Units,
    check_set,
    format_load,
    kg_to_units,
    step_load,
    units_to_kg,
)
from backbeat.engine.clock import FakeClock
from backbeat.engine.gymclass import Event
from backbeat.store.athletes import add_athlete
from backbeat.store.checkins import check_in, check_out, checked_in
from backbeat.store.classes import append_event, running_classes, send_command, start_class
from backbeat.store.live import class_now
from backbeat.store.logs import (
    count_logs,
    find_log,
    last_load,
    log_set,
    recent_logs,
    suggested_load,
    undo_set,
)
from backbeat.store.outbox import Outbox, TapSender
from tests.first_taps import first_taps


def _entry(athlete_id, exercise="lat-pulldown", **kw) -> SetEntry:
    return SetEntry(key=kw.pop("key", uuid.uuid4().hex), athlete_id=athlete_id, exercise=exercise,
                    reps=kw.pop("reps", 8), **kw)


# --- rules ---------------------------------------------------------------------
def test_refusals_speak_the_gyms_words(library):
    pulldown = library.get("lat-pulldown")
    row = library.get("single-arm-dumbbell-row")
    bird = library.get("bird-dog")
    with pytest.raises(InvalidInput, match="0 reps is not a set"):
        check_set(pulldown, reps=0, load_kg=30, side=None)
    with pytest.raises(InvalidInput, match="900 kg is more than this gym logs"):
        check_set(pulldown, reps=8, load_kg=900, side=None)
    with pytest.raises(InvalidInput, match=r"1984 lb is more than this gym logs \(661\.5 lb"):
        check_set(pulldown, reps=8, load_kg=900, side=None, units=Units.LB)
    with pytest.raises(InvalidInput, match="Lat pulldown.* works both sides at once"):
        check_set(pulldown, reps=8, load_kg=30, side="left")
    with pytest.raises(InvalidInput, match="one side at a time: tap LEFT or RIGHT"):
        check_set(row, reps=8, load_kg=12, side=None)
    with pytest.raises(InvalidInput, match="alternates sides"):
        check_set(bird, reps=5, load_kg=None, side="right")
    with pytest.raises(InvalidInput, match="effort is rated 6 to 10"):
        check_set(pulldown, reps=8, load_kg=30, side=None, effort=5)
    with pytest.raises(InvalidInput, match="form is rated 1 to 5"):
        check_set(pulldown, reps=8, load_kg=30, side=None, form=6)
    with pytest.raises(InvalidInput, match="is a hold: log the seconds held, not reps"):
        check_set(library.get("scapular-retraction-hold"), reps=1, load_kg=None, side=None)
    check_set(row, reps=8, load_kg=12, side="left", effort=7.5, form=4)
    check_set(pulldown, reps=8, load_kg=300, side=None)


def test_units_round_trip_and_steps():
    assert kg_to_units(units_to_kg(45, Units.LB), Units.LB) == 45
    assert format_load(20.0, Units.LB) == "44 lb"
    assert format_load(None, Units.KG) == "no load"
    assert step_load(12.5, 1, Units.KG) == 13.0
    assert step_load(12.5, -1, Units.KG, big=True) == 10.0
    assert step_load(0.5, -3, Units.KG) == 0.0
    assert kg_to_units(step_load(units_to_kg(45, Units.LB), 1, Units.LB, big=True), Units.LB) == 50


# --- logs ------------------------------------------------------------------------
def test_a_retried_tap_is_stored_once_and_undo_hides_it(db):
    ana = add_athlete(db, "Ana")
    entry = _entry(ana, load_kg=30.0, station="kiosk-1")
    assert log_set(db, entry) is True
    assert log_set(db, entry) is False  # the same tap sent again
    assert count_logs(db) == 1
    assert [r.key for r in recent_logs(db, ana, "lat-pulldown")] == [entry.key]
    assert suggested_load(db, ana, "lat-pulldown") == 30.0
    assert undo_set(db, entry.key) is True
    assert recent_logs(db, ana, "lat-pulldown") == []
    assert suggested_load(db, ana, "lat-pulldown") is None
    assert find_log(db, entry.key).undone is True
    assert count_logs(db, undone=False) == 0


def test_last_load_is_per_side_and_starts_the_suggestion(db):
    ana = add_athlete(db, "Ana")
    t0 = datetime(2026, 1, 5, 18, 0, tzinfo=UTC)
    for i, (side, kg) in enumerate([("left", 12.0), ("right", 10.0), ("left", 14.0)]):
        log_set(db, _entry(ana, "single-arm-dumbbell-row", side=side, load_kg=kg,
                           logged_at=(t0 + timedelta(minutes=i)).isoformat()))
    assert last_load(db, ana, "single-arm-dumbbell-row") == 14.0
    assert last_load(db, ana, "single-arm-dumbbell-row", side="right") == 10.0
    assert last_load(db, ana, "face-pull") is None
    # no form ratings logged: the rule holds the load where it was
    assert suggested_load(db, ana, "single-arm-dumbbell-row", side="right") == 10.0
    assert suggested_load(db, ana, "face-pull") is None


def test_a_set_for_an_unknown_athlete_is_refused(db):
    with pytest.raises(InvalidInput, match="no longer has"):
        log_set(db, _entry(9999))
    assert count_logs(db) == 0


def test_check_in_is_once_per_day(db):
    ana, ben = add_athlete(db, "Ana"), add_athlete(db, "Ben")
    today = date(2026, 3, 2)
    assert check_in(db, ana, day=today) is True
    assert check_in(db, ana, day=today) is False
    check_in(db, ben, day=today - timedelta(days=1))
    assert checked_in(db, day=today) == {ana}
    assert check_out(db, ana, day=today) is True
    assert checked_in(db, day=today) == set()


# --- the class the TV runs -------------------------------------------------------------
def _tv(db, position_ms, state="running", at_ns=None):
    """The class (one at a time) at ``position_ms`` now on the gym's clock."""
    for info in running_classes(db):
        append_event(db, info.id, Event("stop", time.time_ns()), station="test")
    class_id = start_class(db, "Precision Back", 1, at_ns=at_ns or time.time_ns(), leader="tv1",
                           position_ms=position_ms, paused=state == "paused")
    if state == "ended":
        append_event(db, class_id, Event("stop", time.time_ns()), station="test")
    return class_id


def test_class_now_follows_the_tv(db):
    assert class_now(db) is None
    from backbeat.engine.timeline import ClassPlan
    from backbeat.store.library import load_library
    from backbeat.store.programs import load_program

    tl = ClassPlan(load_program(db, "Precision Back"), 1, load_library(db)).timeline()
    rows = [s for s in tl.segments if s.exercise == "single-arm-dumbbell-row" and s.kind == "work"]
    right = next(s for s in rows if s.side and s.side.value == "right" and s.set == 2)
    _tv(db, right.start_ms + 10, state="paused")
    now = class_now(db)
    assert (now.exercise, now.set_number, now.sets, now.side, now.reps, now.tempo) == (
        "single-arm-dumbbell-row", 2, 3, "right", 8, "3-1-1-2")
    assert now.load_kg == 14 and now.per_side and not now.running
    assert now.exercises[:2] == ("lat-pulldown", "single-arm-dumbbell-row")
    # during the rest after set 2 the kiosk still offers set 2 (just done)
    rest = next(s for s in tl.segments[right.index:] if s.kind == "rest")
    _tv(db, rest.start_ms + 1000, state="paused")
    assert class_now(db).set_number == 2
    # running: the position moves on with the gym's clock from the class's anchor
    t0 = time.time_ns()
    _tv(db, right.start_ms, state="running", at_ns=t0)
    later = t0 + (rest.end_ms - right.start_ms + 500) * 1_000_000
    assert class_now(db, now_ns=later).set_number == 3
    # a pause (from any station) freezes it there
    info = running_classes(db)[0]
    send_command(db, "pause", FakeClock(later), station="cli")
    assert class_now(db, now_ns=later + 3_600_000_000_000).set_number == 3
    assert not class_now(db, now_ns=later).running and info.id == class_now(db).session_id
    # a class run past its end is not a running class
    _tv(db, 0, state="running", at_ns=t0)
    assert class_now(db, now_ns=t0 + 3 * 3_600_000_000_000) is None
    _tv(db, 0, state="ended")
    assert class_now(db) is None


def test_before_the_first_set_the_kiosk_offers_the_first_set(db):
    _tv(db, 0, state="paused")
    now = class_now(db)
    assert (now.exercise, now.set_number) == ("lat-pulldown", 1)


# --- outbox and the sender ------------------------------------------------------------
class _Results:
    def __init__(self):
        self.items = []
        self.cond = threading.Condition()

    def __call__(self, result):
        with self.cond:
            self.items.append(result)
            self.cond.notify_all()

    def wait(self, n, timeout=20):
        with self.cond:
            assert self.cond.wait_for(lambda: len(self.items) >= n, timeout), self.items
            return self.items[n - 1]


def test_sender_commits_off_the_callers_thread_and_says_so(db, tmp_path):
    ana = add_athlete(db, "Ana")
    results = _Results()
    sender = TapSender(db, results, outbox=Outbox(tmp_path / "outbox"))
    try:
        entry = _entry(ana)
        sender.send_log(entry)
        sender.send_log(entry)  # a double tap
        sender.send_log(_entry(ana, reps=0))  # nothing checks it here: the store takes it as it is
        first, second = results.wait(1), results.wait(2)
        assert (first.status, second.status) == ("saved", "duplicate")
        assert first.seconds > 0
        sender.send_undo(entry.key)
        assert results.wait(4).status == "saved"
    finally:
        sender.close()
    assert find_log(db, entry.key).undone


def test_after_the_senders_start_the_first_taps_connect_and_compile_nothing(db, tmp_path):
    """The sender connects and compiles at its start (off the screen): its first taps,
    of every kind (open gym and in a class, one side, a late arrival renumbering
    several sets, an undo), open no connection, set no pragma and find every
    statement in the engine's compiled cache, whichever pooled connection they get."""
    with db.engine.connect() as a, db.engine.connect() as b:  # the screen's reads pooled two
        a.exec_driver_sql("SELECT 1")
        b.exec_driver_sql("SELECT 1")
    results = _Results()
    sender = TapSender(db, results, outbox=Outbox(tmp_path / "outbox"))

    def taps(entries, undo_key):
        for entry in entries:
            sender.send_log(entry)
        sender.send_undo(undo_key)
        statuses = [results.wait(n).status for n in range(1, len(entries) + 2)]
        assert statuses == ["saved"] * (len(entries) + 1)

    try:
        assert sender.ready.wait(20)
        got = first_taps(db, taps)
    finally:
        sender.close()
    assert got["ran"] and got["unprepared"] == [] and got["connects"] == 0
    first, second, late = got["entries"][0], got["entries"][1], got["entries"][-1]
    assert find_log(db, first.key).undone
    assert [find_log(db, e.key).set_number for e in (late, second)] == [1, 2]


def test_a_tap_while_the_database_is_gone_is_queued_and_delivered_once(tmp_path):
    from backbeat.store.seed import open_database

    home = tmp_path / "share"
    home.mkdir()
    db = open_database(f"sqlite:///{home / 'gym.db'}")
    ana = add_athlete(db, "Ana")
    results = _Results()
    outbox = Outbox(tmp_path / "outbox")
    sender = TapSender(db, results, outbox=outbox, retry_s=3600)  # retries only when told
    try:
        assert sender.ready.wait(20)  # the kiosk is up (connected, prepared)
        db.engine.dispose()
        home.rename(tmp_path / "share-away")  # the shared folder drops out
        logged, undone = _entry(ana, load_kg=30.0), _entry(ana)
        sender.send_log(logged)
        sender.send_log(undone)
        sender.send_undo(undone.key)
        assert [results.wait(i).status for i in (1, 2, 3)] == ["queued"] * 3
        assert "cannot be reached" in results.items[0].message
        assert results.items[2].pending == 3 and len(outbox) == 3
        sender.retry_now()  # still away: nothing lost, nothing sent
        sender.send_log(logged)  # a retry of a queued tap queues again (deduplicated later)
        assert results.wait(4).status == "queued" and len(outbox) == 4
        (tmp_path / "share-away").rename(home)
        sender.retry_now()
        delivered = results.wait(5)
        assert (delivered.status, delivered.count, delivered.pending) == ("delivered", 4, 0)
    finally:
        sender.close()
    assert len(outbox) == 0
    assert count_logs(db) == 2
    assert find_log(db, logged.key).load_kg == 30.0 and not find_log(db, logged.key).undone
    assert find_log(db, undone.key).undone
    db.close()


def test_outbox_files_survive_a_restart_and_damaged_ones_are_set_aside(db, tmp_path):
    ana = add_athlete(db, "Ana")
    folder = tmp_path / "outbox"
    entry = _entry(ana)
    Outbox(folder).put({"op": "log", "entry": entry.to_json()})
    (folder / "00000000000000000001-bad.json").write_text("{not json")
    again = Outbox(folder)  # a new kiosk process
    sent, said = again.deliver(db)
    assert sent == 1 and len(said) == 1 and "kept aside: damaged" in said[0]
    assert count_logs(db) == 1 and len(again) == 0
    assert list(folder.glob("*.unreadable"))


def test_a_tap_is_committed_with_full_sync_and_checkpoints_happen_off_the_tap(db, monkeypatch):
    import backbeat.store.logs as logs

    ana = add_athlete(db, "Ana")
    log_set(db, _entry(ana))
    with db.engine.connect() as conn:  # the pooled connection the tap used
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 0
    assert logs.wal_checkpoint(db) is False  # a small log is left alone
    monkeypatch.setattr(logs, "CHECKPOINT_AT_BYTES", 1)
    assert logs.wal_checkpoint(db) is True


def test_class_now_follows_a_program_edited_mid_day(db, sample_program):
    from backbeat.store.programs import save_program

    _tv(db, 0, state="paused")
    assert class_now(db).exercise == "lat-pulldown"
    doc = sample_program.to_document()
    blocks = doc["days"][0]["blocks"]
    doc["days"][0]["blocks"] = [b for b in blocks if "pulldown" not in b["name"].lower()]
    from backbeat.domain.program import program_from_data

    save_program(db, program_from_data(doc))
    assert class_now(db).exercise == "single-arm-dumbbell-row"


def test_a_hold_is_checked_in_seconds_held_and_a_breath_drill_is_not_a_set(library):
    from backbeat.domain.setlog import Units, set_words

    hold, drill, row = (library.get(s) for s in ("scapular-retraction-hold", "box-breathing", "face-pull"))
    check_set(hold, reps=1, load_kg=None, side=None, hold_s=45)
    for kwargs, field in (({"reps": 1, "hold_s": None}, "hold"), ({"reps": 1, "hold_s": 0}, "hold"),
                          ({"reps": 1, "hold_s": 601}, "hold"), ({"reps": 3, "hold_s": 30}, "reps")):
        with pytest.raises(InvalidInput) as refused:
            check_set(hold, load_kg=None, side=None, **kwargs)
        assert refused.value.where == field
    with pytest.raises(InvalidInput, match="counted in reps"):
        check_set(row, reps=8, load_kg=None, side=None, hold_s=30)
    with pytest.raises(InvalidInput, match="breath drill"):
        check_set(drill, reps=1, load_kg=None, side=None)
    assert set_words(1, None, Units.KG, 30) == "30 s hold"
    assert set_words(8, 15.0, Units.KG) == "8 × 15 kg"
