"""The trainer window shell (tabs added by factories or at run time) and the PIN gate."""

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel

from backbeat.store.auth import check_trainer_pin, has_trainer_pin, set_trainer_pin
from backbeat.ui.trainer.context import TrainerContext
from backbeat.ui.trainer.pin_gate import ChangePinDialog, PinGate
from backbeat.ui.trainer.window import TabSpec, TrainerWindow


class FakeWallClock:
    def __init__(self, t: float = 1_000_000.0):
        self.t = t

    def __call__(self) -> float:
        return self.t


class Probe(QLabel):
    def __init__(self, context):
        super().__init__("probe")
        self.context = context
        self.shown = 0
        self.pending = None

    def on_shown(self):
        self.shown += 1

    def unsaved_changes(self):
        return self.pending


def test_tabs_from_factories_and_at_run_time(qtbot, db):
    context = TrainerContext(db)
    window = TrainerWindow(context, tabs=[
        TabSpec("First", lambda ctx: QLabel("first")),
        TabSpec("Probe", Probe),
    ])
    qtbot.addWidget(window)
    assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == ["First", "Probe"]
    probe = window.tab("Probe")
    assert isinstance(probe, Probe) and probe.context is context
    window.show_tab("Probe")
    assert probe.shown == 1
    index = window.add_tab("Later", QLabel("added"))
    assert window.tabs.tabText(index) == "Later" and window.tab("Later").text() == "added"
    try:
        window.show_tab("Nope")
    except KeyError as exc:
        assert "Nope" in str(exc) and "Probe" in str(exc)
    else:
        raise AssertionError("an unknown tab must be refused")


def test_closing_with_unsaved_work_asks(qtbot, db):
    window = TrainerWindow(TrainerContext(db), tabs=[TabSpec("Probe", Probe)])
    qtbot.addWidget(window)
    window.show()
    asked = []
    window.confirm_discard = lambda what: asked.append(what) or False
    window.tab("Probe").pending = "program 'X' edited"
    assert not window.close()
    assert asked == ["Probe: program 'X' edited"]
    window.confirm_discard = lambda what: True
    assert window.close()


def test_first_run_sets_the_pin(qtbot, db):
    gate = PinGate(TrainerContext(db))
    qtbot.addWidget(gate)
    assert gate.first_run
    gate.pin.setText("246813")
    gate.repeat.setText("2469")
    gate.submit()
    assert "differ" in gate.message.text() and gate.result() != QDialog.DialogCode.Accepted
    gate.pin.setText("12")
    gate.repeat.setText("12")
    gate.submit()
    assert "6 to 8 digits" in gate.message.text()
    assert not has_trainer_pin(db)
    gate.pin.setText("246813")
    gate.repeat.setText("246813")
    gate.submit()
    assert gate.result() == QDialog.DialogCode.Accepted
    assert check_trainer_pin(db, "246813").ok


def test_wrong_pins_back_off_and_the_lockout_lifts(qtbot, db):
    set_trainer_pin(db, "246813")
    clock = FakeWallClock()
    gate = PinGate(TrainerContext(db, clock=clock))
    qtbot.addWidget(gate)
    assert not gate.first_run
    ok_button = gate.buttons.button(QDialogButtonBox.StandardButton.Ok)
    for attempt in range(2):
        gate.pin.setText("111111")
        gate.submit()
        assert gate.message.text() == "Wrong PIN. Try again.", attempt
        assert gate.pin.isEnabled()
    gate.pin.setText("111111")
    gate.submit()  # the third wrong PIN in a row: locked out
    assert "Wait 2 s" in gate.message.text()
    assert not gate.pin.isEnabled() and not ok_button.isEnabled()
    gate.pin.setText("246813")  # even the right PIN is not checked while locked out
    gate.submit()
    assert gate.result() != QDialog.DialogCode.Accepted
    clock.t += 1.2
    gate.refresh()
    assert "Wait 1 s" in gate.message.text()
    clock.t += 1.0
    gate.refresh()
    assert gate.pin.isEnabled() and ok_button.isEnabled()
    # the back-off survives a restart: a new gate, a fourth wrong PIN waits longer
    again = PinGate(TrainerContext(db, clock=clock))
    qtbot.addWidget(again)
    again.pin.setText("000000")
    again.submit()
    assert "Wait 4 s" in again.message.text()
    clock.t += 4.0
    again.refresh()
    again.pin.setText("246813")
    again.submit()
    assert again.result() == QDialog.DialogCode.Accepted


def test_change_pin(qtbot, db):
    set_trainer_pin(db, "246813")
    dialog = ChangePinDialog(TrainerContext(db))
    qtbot.addWidget(dialog)
    dialog.current.setText("135791")
    dialog.new.setText("975319")
    dialog.repeat.setText("975319")
    dialog.submit()
    assert "current PIN" in dialog.message.text() and "wrong" in dialog.message.text()
    dialog.current.setText("246813")
    dialog.submit()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert check_trainer_pin(db, "975319").ok


def test_the_window_opens_only_past_the_gate(qtbot, db):
    from backbeat.ui.trainer.app import open_trainer

    set_trainer_pin(db, "246813")
    context = TrainerContext(db, clock=FakeWallClock())

    def wrong(gate):
        qtbot.addWidget(gate)
        gate.pin.setText("111111")
        gate.submit()
        gate.reject()  # the trainer gives up
        return gate.result()

    assert open_trainer(context, ask=wrong) is None

    def right(gate):
        qtbot.addWidget(gate)
        gate.pin.setText("246813")
        gate.submit()
        return gate.result()

    window = open_trainer(context, ask=right)
    qtbot.addWidget(window)
    assert isinstance(window, TrainerWindow) and window.tab("Programs") is not None


def test_start_on_tv_runs_the_tv_command_of_this_database(db, tmp_path, monkeypatch):
    """The TV starts on the trainer's database, given in its environment: the
    URL (maybe with a password) never reaches a command line."""
    import os
    import sys
    import time

    from backbeat.cli import build_parser
    from backbeat.ui.trainer.context import launch_tv_process, tv_command

    command = tv_command("Precision Back", 2)
    assert command[:3] == [sys.executable, "-m", "backbeat"]
    args = build_parser().parse_args(command[3:])
    assert (args.command, args.program, args.day, args.db) == ("tv", "Precision Back", 2, None)
    assert db.url not in command
    # The real launch: a fake ``python`` records what it was started with.
    seen = tmp_path / "seen"
    fake = tmp_path / "python"
    fake.write_text(f'#!/bin/sh\necho "$@" > {seen}.args\necho "$BACKBEAT_DB" > {seen}.db\n')
    fake.chmod(0o755)
    monkeypatch.setattr(sys, "executable", str(fake))
    assert launch_tv_process(db, "Precision Back", 2)
    deadline = time.monotonic() + 10
    while not os.path.exists(f"{seen}.db") and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.1)
    from pathlib import Path

    assert Path(f"{seen}.args").read_text().split() == ["-m", "backbeat", "tv", "--program", "Precision",
                                                         "Back", "--day", "2"]
    assert Path(f"{seen}.db").read_text().strip() == db.url
