"""A kiosk that starts while the gym's database is away (after a power cut the
server boots last): it comes up on the roster it kept, says so, lets athletes
tap, keeps the taps, and they reach the database once when it is back."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from datetime import date

import pytest
from sqlalchemy import text

from backbeat.domain.pin import hash_pin
from backbeat.store.athletes import add_athlete, list_athletes
from backbeat.store.auth import set_trainer_pin
from backbeat.store.db import Database, StoreError
from backbeat.store.demo import ensure_demo
from backbeat.store.kiosk import kept_roster, roster_path
from backbeat.store.logs import count_logs, find_log
from backbeat.store.outbox import Outbox
from backbeat.store.seed import open_database
from backbeat.store.settings import get_setting
from backbeat.ui.kiosk.window import KioskWindow
from tests.pg import stoppable_postgres
from tests.test_kiosk import FakeClock, pick, press_log, settled, tap, tap_tile


def kiosk(qtbot, db, tmp_path, clock) -> KioskWindow:
    w = KioskWindow(db, station="kiosk-offline", clock=clock, outbox=Outbox(tmp_path / "outbox"),
                    locked=False)
    qtbot.addWidget(w)
    w.resize(1280, 800)
    w.show()
    qtbot.waitUntil(settled(w, lambda: w.view is not None or w._roster_note), timeout=20_000)
    return w


def test_a_kiosk_started_with_postgresql_down_taps_and_joins_when_it_is_back(qtbot, tmp_path):
    clock = FakeClock()
    with stoppable_postgres() as server:
        db = open_database(server.url)
        ensure_demo(db, weeks=1)
        add_athlete(db, "Zoe", pin_hash=hash_pin("1357"))
        set_trainer_pin(db, "975319")
        before = count_logs(db)
        w = kiosk(qtbot, db, tmp_path, clock)  # a good run: the roster is kept on this computer
        assert w.view.kept_at is None and len(w.athletes) == 9
        assert stat.S_IMODE(roster_path().stat().st_mode) == 0o600
        w.leave()
        db.close()

        server.stop()  # the power cut: the kiosk boots before the server
        with pytest.raises(StoreError) as away:
            open_database(server.url)
        assert away.value.unreachable
        offline = Database.unopened(server.url)
        w = kiosk(qtbot, offline, tmp_path, clock)
        assert w.view is not None and w.view.kept_at is not None, w._roster_note
        assert [t.text() for t in w.roster.grid.tiles][:3] == ["Ana", "Ben", "Chloé"]
        assert "cannot be reached" in w.roster.class_label.text()
        assert "roster this kiosk kept" in w.roster.status_label.text()
        keys = []
        for n in range(2):  # Zoe (her PIN checked against the kept hash), then Ben
            tap_tile(qtbot, w.roster.grid, "Zoe" if n == 0 else "Ben")
            if n == 0:
                for digit in "1357":
                    w.pin.press(digit)
                w.pin.press("OK")
                qtbot.waitUntil(settled(w, lambda: w.stack.currentWidget() is not w.pin),
                                timeout=10_000)
            assert w.stack.currentWidget() is w.picker  # no class known: open gym
            pick(qtbot, w, "face-pull")
            press_log(qtbot, w)
            assert "Kept on this kiosk" in w.log.message.text(), w.log.message.text()
            keys.append(w._last_entry.key)
            tap(qtbot, w.log.done_button)
        assert w.pending >= 2 and "waiting for the database" in w.roster.status_label.text()
        tap(qtbot, w.roster.trainer_button)  # the trainer PIN, checked against the kept hash
        for pin in ("111111", "975319"):
            for digit in pin + "K":
                w.pin.press("OK" if digit == "K" else digit)
            qtbot.waitUntil(settled(w), timeout=10_000)
        assert w.stack.currentWidget() is w.trainer
        w.trainer.back_tapped.emit()

        server.start()  # the server is back: the outbox drains, each tap once
        qtbot.waitUntil(settled(w, lambda: w.pending == 0), timeout=30_000)
        db = open_database(server.url)
        assert count_logs(db) == before + 2
        assert get_setting(db, "trainer.pin_failures")["count"] == 0  # wrong, then right: stored
        assert all(find_log(db, k) is not None for k in keys)
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) - count(DISTINCT idempotency_key) "
                                     "FROM set_log")).scalar() == 0
        w.refresh()  # and the roster is the database's again
        qtbot.waitUntil(settled(w, lambda: w.view.kept_at is None), timeout=10_000)
        assert "cannot be reached" not in w.roster.class_label.text()
        w.leave()
        db.close()
        offline.close()


def test_the_kept_roster_keeps_flags_substitutions_and_only_todays_check_ins(db):
    from backbeat.store.checkins import check_in
    from backbeat.store.kiosk import roster_or_kept

    ensure_demo(db, weeks=1)
    dev = next(a for a in list_athletes(db) if a.name == "Dev")
    check_in(db, dev.id, station="k")
    today = date.today()
    fresh = roster_or_kept(db, day=today)
    kept = kept_roster(today)
    assert kept is not None and kept.kept_at is not None and kept.class_set is None
    assert kept.athletes == fresh.athletes and kept.pins == fresh.pins
    assert kept.athletes[dev.id].flags and kept.athletes[dev.id].substitutions
    assert kept.library == fresh.library and kept.units == fresh.units
    assert kept.checked_in == fresh.checked_in == {dev.id}
    assert kept_roster(date(2001, 1, 1)).checked_in == frozenset()  # another day's check-ins: none


def _kiosk_process(tmp_path, url):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "BACKBEAT_EXIT_AFTER_ROSTER": "1",
           "BACKBEAT_DATA_DIR": str(tmp_path / "data"), "BACKBEAT_NO_SETUP": "1"}
    env.pop("BACKBEAT_DB", None)
    env.pop("BACKBEAT_EXIT_AFTER_FIRST_FRAME", None)
    return subprocess.run([sys.executable, "-m", "backbeat", "--db", url, "kiosk", "--windowed"],
                          env=env, capture_output=True, text=True, timeout=120)


def test_backbeat_kiosk_starts_with_its_sqlite_folder_away_on_the_roster_it_kept(tmp_path):
    share = tmp_path / "share"  # a network share: away, it is an empty mount point's file
    share.write_text("")
    away = f"sqlite:///{share / 'gym.db'}"
    r = _kiosk_process(tmp_path, away)  # never run with its database: up, and says so
    assert r.returncode == 0 and "kiosk-roster athletes=0 kept=False" in r.stdout, r.stderr
    assert "starting without it" in r.stderr and "Traceback" not in r.stderr
    real = tmp_path / "real"
    real.mkdir()
    db = open_database(f"sqlite:///{real / 'gym.db'}")
    ensure_demo(db, weeks=1)
    db.close()
    r = _kiosk_process(tmp_path, f"sqlite:///{real / 'gym.db'}")  # a good run keeps the roster
    assert r.returncode == 0 and "kiosk-roster athletes=8 kept=False" in r.stdout, r.stderr
    r = _kiosk_process(tmp_path, away)
    assert r.returncode == 0 and "kiosk-roster athletes=8 kept=True" in r.stdout, r.stderr
    assert "keeps every tap until the database is back" in r.stderr and "Traceback" not in r.stderr
    share.unlink()  # the share is back, with the gym's database on it
    shutil.copytree(real, share)
    r = _kiosk_process(tmp_path, away)
    assert r.returncode == 0 and "kiosk-roster athletes=8 kept=False" in r.stdout, r.stderr


def test_the_kept_class_is_the_kiosks_until_it_would_have_ended(db):
    """A kiosk restarted while the database is away logs into the class it last
    read, as one that never restarted would, but never into a class that has
    ended by the time left it had (then: open gym)."""
    import time as _time
    from datetime import UTC, datetime, timedelta

    from backbeat.store.classes import start_class
    from backbeat.store.kiosk import roster_or_kept

    ensure_demo(db, weeks=1)
    class_id = start_class(db, "Precision Back", 1, at_ns=_time.time_ns(), leader=None,
                           position_ms=60_000)
    at = datetime.now(UTC)
    fresh = roster_or_kept(db, day=date.today(), wall=at)
    assert fresh.class_set is not None and fresh.class_set.session_id == class_id
    left = timedelta(milliseconds=fresh.class_set.left_ms)
    assert timedelta(minutes=5) < left
    soon = kept_roster(date.today(), now=at + left - timedelta(seconds=1))
    assert soon.class_set is not None and soon.class_set.session_id == class_id
    assert soon.class_set.exercise == fresh.class_set.exercise and soon.class_set.load == fresh.class_set.load
    assert kept_roster(date.today(), now=at + left + timedelta(seconds=1)).class_set is None
