"""The TV's side of the phone remote: the latest state for the page, and the
remote's commands handed to the GUI thread, where the keys' own path runs them.

The server's threads put commands in a queue and post an event that wakes the
GUI thread to drain it at once; the TV's repaint tick (every 16 ms) drains it
too, so a command is never left waiting on a lost wake-up. The GUI thread
never waits on a phone."""

from __future__ import annotations

import queue
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject

from backbeat.engine.commands import CommandRefused
from backbeat.engine.display import describe
from backbeat.remote.state import page_state

#: How long the remote waits for the TV's GUI thread to take a command.
COMMAND_TIMEOUT_S = 3.0


class _Waker(QObject):
    """Lives on the GUI thread; an event posted to it (from any thread) drains."""

    def __init__(self, control: TvRemoteControl, parent: QObject):
        super().__init__(parent)
        self.control = control

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.User:
            self.control.drain()
            return True
        return super().event(event)


class TvRemoteControl:
    """``remote.server.ClassControl`` for a TV window."""

    def __init__(self, window):
        self.window = window
        self._waker = _Waker(self, window)
        self._snapshot: dict[str, Any] = page_state(None)
        self._requests: queue.SimpleQueue = queue.SimpleQueue()
        self._draining = False
        self.publish()

    # --- GUI thread -----------------------------------------------------------
    def publish(self) -> None:
        """Called by the TV on every frame: what the page shows now."""
        w = self.window
        r = w.runner
        now = r.now()
        self._snapshot = page_state(describe(now, r.timeline), program=r.timeline.program,
                                    day=r.timeline.day, position_s=now.position_ms / 1000,
                                    choosing=w.screen_widget.choosing)

    def drain(self) -> None:
        """Run the commands the server has handed over (GUI thread, every tick)."""
        if self._draining:  # a command's own tick: the rest wait for the next frame
            return
        self._draining = True
        try:
            while True:
                try:
                    action, future = self._requests.get_nowait()
                except queue.Empty:
                    return
                if not future.set_running_or_notify_cancel():
                    continue
                try:
                    action()
                    self.window.tick()
                    self.publish()
                    future.set_result(self._snapshot)
                except Exception as exc:  # refused or failed: the phone is told in words
                    future.set_exception(exc)
        finally:
            self._draining = False

    # --- server threads ---------------------------------------------------------
    def snapshot(self) -> dict[str, Any]:
        return self._snapshot

    def classes(self) -> list[dict[str, Any]]:
        return [{"program": program, "day": day} for program, day in list(self.window.classes)]

    def command(self, command: str, seconds: int) -> dict[str, Any]:
        return self._on_gui(lambda: self.window.command(command, seconds))

    def start(self, program: str, day: int) -> dict[str, Any]:
        return self._on_gui(lambda: self.window.start_class(program, day))

    def _on_gui(self, action) -> dict[str, Any]:
        future: Future = Future()
        self._requests.put((action, future))
        QCoreApplication.postEvent(self._waker, QEvent(QEvent.Type.User))  # thread-safe
        try:
            return future.result(COMMAND_TIMEOUT_S)
        except FutureTimeout:
            future.cancel()
            raise CommandRefused("the TV did not answer in time: try again") from None

