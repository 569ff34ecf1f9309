"""The coach's class commands, one rule for every way they arrive: the TV's
keys and clicker, the phone remote (**contract** names: pause, resume, next,
back, extend, stop) and ``backbeat class …`` (store.classes.send_command).

Each becomes an event of the shared class by :func:`backbeat.engine.gymclass.command`;
here the TV's runner takes it at once, and the caller records it for the
other screens.
"""

from __future__ import annotations

from backbeat.engine.gymclass import COMMANDS as _ALL
from backbeat.engine.gymclass import CommandRefused, Event, apply, command
from backbeat.engine.runner import EXTEND_STEP_S, ClassRunner, RunState

COMMANDS = tuple(c for c in _ALL if c != "toggle")

__all__ = ["COMMANDS", "CommandRefused", "apply_command"]


def apply_command(runner: ClassRunner, name: str, seconds: float = EXTEND_STEP_S) -> Event:
    """Move ``runner`` as ``name`` says and return the event it made, or raise
    :class:`CommandRefused` (and change nothing). Starting a class that is
    READY is ``resume``."""
    if name not in COMMANDS:
        raise CommandRefused(f"unknown command {name!r}: use one of {', '.join(COMMANDS)}")
    if runner.state is RunState.ENDED:
        raise CommandRefused("the class has ended: start another one")
    if name == "pause" and runner.state is RunState.READY:
        raise CommandRefused("the class has not started yet")
    event = command(runner.timing(), runner.timeline, name, runner.clock.now_ns(), seconds)
    runner.adopt(apply(runner.timing(), event))
    return event
