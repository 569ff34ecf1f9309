"""No tap dropped or stuck: every send answered (and "SAVING…" ended), entries
that cannot be read moved aside without blocking the ones behind, format
versions, a full disk (spare folder, then memory), the free-space warning and
the WAL folded back."""

from __future__ import annotations

import builtins
import json
import stat
import threading

import pytest
from sqlalchemy.exc import OperationalError

from backbeat.domain.setlog import SetEntry
from backbeat.store.athletes import list_athletes
from backbeat.store.demo import ensure_demo
from backbeat.store.logs import count_logs, find_log
from backbeat.store.outbox import FORMAT, Outbox, TapSender
from tests.test_kiosk import FakeClock, pick, press_log, settled, tap_tile


@pytest.fixture
def gym(db):
    ensure_demo(db, weeks=1)
    return {a.name: a for a in list_athletes(db)}


def entry(gym, n: int = 0) -> SetEntry:
    return SetEntry(key=f"tap-{n}", athlete_id=gym["Hana"].id, exercise="face-pull", reps=10,
                    load_kg=10.0, station="k")


class Results:
    def __init__(self):
        self.got = []
        self.event = threading.Condition()

    def __call__(self, r) -> None:
        with self.event:
            self.got.append(r)
            self.event.notify_all()

    def wait_for(self, pred, timeout=10.0):
        with self.event:
            assert self.event.wait_for(lambda: pred(self.got), timeout), self.got


def test_unreadable_and_newer_entries_go_aside_and_block_nothing(db, gym, tmp_path):
    box = Outbox(tmp_path / "outbox")
    assert stat.S_IMODE(box.folder.stat().st_mode) == 0o700
    box.put({"op": "log", "entry": entry(gym, 1).to_json()})
    (box.folder / "00000000000000000002-a.json").write_text("{not json")
    (box.folder / "00000000000000000003-b.json").write_text(json.dumps({"v": 99, "op": "log"}))
    (box.folder / "00000000000000000004-c.json").write_text(json.dumps({"op": "log", "entry": {"reps": 1}}))
    old_style = {"op": "log", "entry": entry(gym, 5).to_json() | {"added_later": "x"}}  # no "v"
    (box.folder / "00000000000000000005-d.json").write_text(json.dumps(old_style))
    for n in range(6, 11):
        box.put({"op": "log", "entry": entry(gym, n).to_json()})
    assert all(json.loads(p.read_text()).get("v") == FORMAT for p in box.folder.glob("*.json")
               if "-a." not in p.name and p.stat().st_size and "00000000000000000" not in p.name)
    before = count_logs(db)
    sent, said = box.deliver(db)
    assert sent == 7 and count_logs(db) == before + 7
    assert all(find_log(db, f"tap-{n}") for n in (1, 5, 6, 7, 8, 9, 10))
    aside = {p.suffix for p in box.set_aside()}
    assert aside == {".unreadable", ".newer"} and len(box.set_aside()) == 3 and len(box) == 0
    words = "; ".join(said)
    assert "newer Backbeat (format 99" in words and "damaged" in words and "without its fields" in words
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in box.folder.iterdir()
               if p.suffix == ".json")


@pytest.mark.parametrize("failures", [1, 99])
def test_every_send_is_answered_whatever_fails_and_kept(db, gym, tmp_path, monkeypatch, failures):
    """tap-0 fails with something other than a database error: once (then it is
    delivered), or every time (then it is kept aside, reported, and the taps
    behind it are stored all the same)."""
    import backbeat.store.outbox as outbox_module

    real_apply = outbox_module.apply
    trouble = {"n": failures}

    def apply(database, op):
        if op.get("entry", {}).get("key") == "tap-0" and trouble["n"]:
            trouble["n"] -= 1
            raise RuntimeError("an outbox from another version")  # not a database error
        return real_apply(database, op)

    monkeypatch.setattr(outbox_module, "apply", apply)
    results = Results()
    box = Outbox(tmp_path / "outbox")
    sender = TapSender(db, results, outbox=box, retry_s=0.05, spare=tmp_path / "spare")
    try:
        for n in range(5):
            sender.send_log(entry(gym, n))
        results.wait_for(lambda got: {r.key for r in got if r.op == "log"} == {f"tap-{n}" for n in range(5)})
        first = next(r for r in results.got if r.key == "tap-0")
        assert first.status == "queued" and "RuntimeError" in first.message
        results.wait_for(lambda got: sender.waiting() == 0)
    finally:
        sender.close()
    assert all(find_log(db, f"tap-{n}") for n in range(1, 5))
    if failures == 1:
        assert find_log(db, "tap-0") and not box.set_aside()
    else:
        assert not find_log(db, "tap-0") and [p.suffix for p in box.set_aside()] == [".unreadable"]
        said = " ".join(r.message for r in results.got if r.op == "deliver")
        assert "kept aside: RuntimeError" in said


def test_a_full_disk_keeps_taps_on_a_spare_folder_then_in_memory(db, gym, tmp_path, monkeypatch):
    import backbeat.store.outbox as outbox_module

    real_apply, real_open = outbox_module.apply, builtins.open
    state = {"db": "full", "disks": {str(tmp_path / "outbox")}}

    def apply(database, op):
        if state["db"] == "full":
            raise OperationalError("INSERT", {}, Exception("database or disk is full"))
        return real_apply(database, op)

    def full_open(file, mode="r", *args, **kwargs):
        if isinstance(file, int) and "w" in mode:  # Outbox.put opens its fd: the disk is full
            import os

            folder = os.readlink(f"/proc/self/fd/{file}").rsplit("/", 1)[0]
            if folder in state["disks"]:
                os.close(file)
                return real_open("/dev/full", mode, *args, **kwargs)
        return real_open(file, mode, *args, **kwargs)

    monkeypatch.setattr(outbox_module, "apply", apply)
    monkeypatch.setattr(outbox_module, "open", full_open, raising=False)
    results = Results()
    sender = TapSender(db, results, outbox=Outbox(tmp_path / "outbox"), retry_s=30,
                       spare=tmp_path / "spare")
    try:
        sender.send_log(entry(gym, 1))
        results.wait_for(lambda got: len(got) == 1)
        assert results.got[0].status == "queued" and "spare folder" in results.got[0].message
        state["disks"].add(str(tmp_path / "spare"))
        sender.send_log(entry(gym, 2))
        results.wait_for(lambda got: len(got) == 2)
        assert results.got[1].status == "queued" and "held in memory" in results.got[1].message
        assert sender.waiting() == 2 and len(sender.held) == 1
        assert not list((tmp_path / "outbox").glob(".*.tmp"))  # no 0-byte leftovers
        state["db"] = "back"
        sender.retry_now()
        results.wait_for(lambda got: sender.waiting() == 0)
    finally:
        sender.close()
    assert find_log(db, "tap-1") and find_log(db, "tap-2")


def test_the_disk_warning_folds_the_wal_back(db, tmp_path, monkeypatch):
    import backbeat.store.outbox as outbox_module

    sender = TapSender(db, lambda r: None, outbox=Outbox(tmp_path / "outbox"))
    try:
        assert sender.ready.wait(20)  # its start's warm-up transaction is over
        assert sender.check_disk() == ""
        with db.session() as s:  # something in the write-ahead log
            from backbeat.store.settings import set_setting

            set_setting(db, "units", "kg")
            del s
        wal = tmp_path / "backbeat.db-wal"
        assert wal.stat().st_size > 0
        monkeypatch.setattr(outbox_module, "LOW_DISK_BYTES", 1 << 62)
        assert "The disk is nearly full" in sender.check_disk()
        assert wal.stat().st_size == 0
    finally:
        sender.close()


def test_saving_always_ends_on_the_kiosk(qtbot, db, gym, tmp_path, monkeypatch):
    import backbeat.store.outbox as outbox_module
    from backbeat.ui.kiosk.window import SAVING_TIMEOUT_S, KioskWindow

    monkeypatch.setattr(outbox_module, "apply",
                        lambda database, op: (_ for _ in ()).throw(RuntimeError("disk on fire")))
    clock = FakeClock()
    w = KioskWindow(db, station="k", clock=clock, outbox=Outbox(tmp_path / "outbox"), locked=False)
    qtbot.addWidget(w)
    w.resize(1280, 800)
    w.show()
    qtbot.waitUntil(settled(w), timeout=10_000)  # the first roster read, off the GUI thread
    tap_tile(qtbot, w.roster.grid, "Hana")
    pick(qtbot, w, "face-pull")
    press_log(qtbot, w)  # answered: "queued", the button back
    assert w.log.log_button.text() == "LOG SET" and w.log.log_button.isEnabled()
    assert "Kept on this kiosk" in w.log.message.text() and "disk on fire" in w.log.message.text()
    # a sender that never answers: the kiosk gives the button back and says so
    monkeypatch.setattr(w.sender, "send_log", lambda e: None)
    clock.advance(21)  # past the double-tap window: the next set, not a repeat to ask about
    w.tick()
    qtbot.mouseClick(w.log.log_button, __import__("PySide6.QtCore", fromlist=["Qt"]).Qt.MouseButton.LeftButton)
    assert w.log.log_button.text() == "SAVING…"
    clock.advance(SAVING_TIMEOUT_S + 1)
    w.tick()
    qtbot.waitUntil(settled(w), timeout=2000)
    assert w.log.log_button.text() == "LOG SET" and "No answer from the database yet" in w.log.message.text()
    w.leave()
