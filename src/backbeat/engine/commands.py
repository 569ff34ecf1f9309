"""The coach's class commands, one rule for every way they arrive: the TV's
keys and clicker, and the phone remote (**contract** names: pause, resume,
next, back, extend, stop)."""

from __future__ import annotations

from backbeat.engine.runner import EXTEND_STEP_S, ClassRunner, RunState

COMMANDS = ("pause", "resume", "next", "back", "extend", "stop")


class CommandRefused(Exception):
    """A command the class cannot take now, in words for the coach."""


def apply_command(runner: ClassRunner, command: str, seconds: float = EXTEND_STEP_S) -> None:
    """Move ``runner`` as ``command`` says, or raise :class:`CommandRefused`
    (and change nothing). Starting a class that is READY is ``resume``."""
    if command not in COMMANDS:
        raise CommandRefused(f"unknown command {command!r}: use one of {', '.join(COMMANDS)}")
    if runner.state is RunState.ENDED:
        raise CommandRefused("the class has ended: start another one")
    if command == "pause":
        if runner.state is RunState.READY:
            raise CommandRefused("the class has not started yet")
        runner.pause()
    elif command == "resume":
        runner.play()
    elif command == "next":
        runner.next()
    elif command == "back":
        runner.back()
    elif command == "extend":
        if not runner.extend(seconds):
            raise CommandRefused("nothing to lengthen now: extra time goes on a rest or a get-ready")
    elif command == "stop":
        runner.end()
