"""What every tab of the trainer's desktop is built with: the store, the events
the tabs tell each other, and the outside world (starting the TV, the clock).

Tabs import this module, never ``window.py``: the window imports the tabs.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QProcess, QProcessEnvironment, Signal

if TYPE_CHECKING:  # the gate is shown before the store is imported (ui/trainer/app.py)
    from backbeat.store.db import Database


class TrainerEvents(QObject):
    """What one tab tells the others. Emit after the store has the change."""

    programs_changed = Signal(str)  # the program's name ("" when unknown or deleted)
    library_changed = Signal()
    athletes_changed = Signal()
    logs_changed = Signal()
    settings_changed = Signal()  # the gym's units, paper, ... (store/settings.py)


def tv_command(program: str, day: int) -> list[str]:
    """``backbeat tv --program P --day D`` as an argument list (the database
    goes in the environment: see :mod:`backbeat.launch`)."""
    from backbeat.launch import backbeat_command

    return backbeat_command("tv", "--program", program, "--day", str(day))


def launch_tv_process(db: Database, program: str, day: int) -> bool:
    """Start the TV app as its own process: the trainer's desktop stays free."""
    command = tv_command(program, day)
    process = QProcess()
    process.setProgram(command[0])
    process.setArguments(command[1:])
    env = QProcessEnvironment.systemEnvironment()
    env.insert("BACKBEAT_DB", db.url)
    process.setProcessEnvironment(env)
    started = process.startDetached()
    return bool(started[0] if isinstance(started, tuple) else started)


@dataclass
class TrainerContext:
    """What every tab gets: the store, the shared events and the outside world."""

    db: Database
    events: TrainerEvents = field(default_factory=TrainerEvents)
    #: starts the TV app for (program, day); tests replace it
    launch_tv: Callable[[Database, str, int], bool] = launch_tv_process
    #: wall clock in seconds (the PIN back-off reads it); tests replace it
    clock: Callable[[], float] = time.time
