"""No way past the PIN: trainer PINs of 6+ digits at a high scrypt cost, wrong
PINs counted atomically with a capped back-off, trainer snapshots only past
the PIN, a locked kiosk that takes its screen back, CSV that stays data."""

from __future__ import annotations

import csv
import io
import sys
import threading

import pytest

from backbeat.domain.errors import InvalidInput
from backbeat.domain.pin import MAX_LOCKOUT_S, TRAINER_COST, lockout_s
from backbeat.store.auth import check_trainer_pin, set_trainer_pin
from backbeat.store.settings import get_setting, set_setting


def test_a_trainer_pin_is_at_least_six_digits_and_costly(db):
    for short in ("1234", "12345", "１２３４５６", "12 456"):
        with pytest.raises(InvalidInput, match="6 to 8 digits"):
            set_trainer_pin(db, short)
    set_trainer_pin(db, "246813")
    kind, n, r, p, _salt, _digest = get_setting(db, "trainer.pin").split("$")
    assert (kind, int(n), int(r), int(p)) == ("scrypt", *TRAINER_COST)
    assert TRAINER_COST[0] * TRAINER_COST[1] >= 2**19  # 64 MiB a try (≥ 100 ms: make bench)


@pytest.mark.parametrize("failures", [3, 20, 1026, 10**6, 10**30])
def test_the_back_off_is_capped_and_never_overflows(failures):
    assert 0 < lockout_s(failures) <= MAX_LOCKOUT_S


def test_a_huge_failure_count_still_lets_the_right_pin_in_after_the_wait(db):
    set_trainer_pin(db, "246813")
    set_setting(db, "trainer.pin_failures", {"count": 1026, "last": 1000.0})
    assert check_trainer_pin(db, "246813", now=1001.0).wait_s > 0
    assert check_trainer_pin(db, "246813", now=1000.0 + MAX_LOCKOUT_S + 1).ok


def _wrong_pins_at_once(db, n: int = 8) -> int:
    set_trainer_pin(db, "246813")
    start = threading.Barrier(n)

    def wrong() -> None:
        start.wait()
        check_trainer_pin(db, "000000", now=1000.0)

    threads = [threading.Thread(target=wrong) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return get_setting(db, "trainer.pin_failures")["count"]


def test_wrong_pins_typed_at_once_are_each_counted_on_sqlite(db):
    assert _wrong_pins_at_once(db) == 8


def test_wrong_pins_typed_at_once_are_each_counted_on_postgresql(pg_db):
    assert _wrong_pins_at_once(pg_db) == 8


def test_trainer_snapshots_need_the_pin_once_one_is_set(db, db_url, tmp_path, capsys, monkeypatch):
    from backbeat.cli import main

    out = tmp_path / "t.png"

    def snap(*extra, pin=""):
        monkeypatch.setattr(sys, "stdin", io.StringIO(pin))
        return main(["--db", db_url, "snapshot", "trainer", "--tab", "Athletes", "--size", "800x600",
                     "--out", str(out), *extra])

    set_trainer_pin(db, "246813")
    assert snap() == 2 and "only past the trainer PIN" in capsys.readouterr().err
    assert not out.exists()
    assert snap("--pin-stdin", pin="111111\n") == 2 and "wrong PIN" in capsys.readouterr().err
    assert not out.exists() and get_setting(db, "trainer.pin_failures")["count"] == 1
    assert snap("--pin-stdin", pin="246813\n") == 0 and out.stat().st_size > 0


def test_a_locked_kiosk_takes_its_screen_back(qtbot, db, tmp_path):
    from backbeat.store.outbox import Outbox
    from backbeat.ui.kiosk.window import KioskWindow

    w = KioskWindow(db, station="k", outbox=Outbox(tmp_path / "outbox"), locked=True)
    qtbot.addWidget(w)
    w.showFullScreen()
    qtbot.waitUntil(w.isFullScreen)
    w.showMinimized()
    qtbot.waitUntil(lambda: w.isFullScreen() and not w.isMinimized() and w.isVisible(), timeout=2000)
    w.hide()
    qtbot.waitUntil(lambda: w.isVisible() and w.isFullScreen(), timeout=2000)
    w.showNormal()
    w.tick()
    qtbot.waitUntil(w.isFullScreen, timeout=2000)
    w._may_close = True
    w.close()


@pytest.mark.parametrize("evil", ["=HYPERLINK(\"http://x\",\"y\")", "=cmd|' /C calc'!A0", "+1+1", "-2+3",
                                  "@SUM(A1:A2)", "\tTab"])
def test_export_cells_cannot_become_formulas(evil):
    from backbeat.domain.spreadsheet import csv_writer, safe_cell

    out = io.StringIO()
    csv_writer(out).writerow([evil, 12.5, -3, "Ana"])
    cells = next(csv.reader(io.StringIO(out.getvalue(), newline="")))
    assert cells == ["'" + evil, "12.5", "-3", "Ana"]
    assert safe_cell(-3) == -3


def test_export_logs_neutralises_what_athletes_and_stations_typed(db, db_url, capsys):
    from datetime import UTC, datetime

    from backbeat.cli import main
    from backbeat.store.athletes import add_athlete
    from backbeat.store.models import ExerciseRow, SetLogRow

    aid = add_athlete(db, "=HYPERLINK(\"http://evil\")")
    with db.session() as s:
        ex = s.query(ExerciseRow).first().id
        s.add(SetLogRow(idempotency_key="k", athlete_id=aid, exercise_id=ex, reps=8, tempo="-1-1-",
                        logged_at=datetime(2026, 1, 1, tzinfo=UTC), station="@kiosk"))
    assert main(["--db", db_url, "export-logs", "--out", "-"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    cells = [c for row in rows[1:] for c in row]
    assert "'=HYPERLINK(\"http://evil\")" in cells and "'@kiosk" in cells and "'-1-1-" in cells
    assert not any(c[:1] in "=+-@\t" for c in cells if c)
