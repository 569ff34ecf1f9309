"""Saving a program makes its spoken names and cues (``audio/speech.py``) off the GUI thread.

Each save starts one short-lived worker that renders the texts not cached yet
(espeak-ng takes about 50 ms a text); the GUI thread looks for its result on a
timer and reports one line — what was made, or why nothing could be — through
:attr:`SpeechMaker.done` (emitted on the GUI thread, never from the worker).
``audio/speech.py`` is imported at the first save, not with the program editor
(the trainer's first frame does without it: tests/test_startup_imports.py).
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from backbeat.engine.timeline import program_spoken_texts

if TYPE_CHECKING:
    from backbeat.domain.exercise import Library
    from backbeat.domain.program import Program

POLL_MS = 100


class SpeechMaker(QObject):
    done = Signal(str)  # the note: "20 spoken names and cues made", or why not

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.last_note = ""
        self._worker: threading.Thread | None = None
        self._result: list[str] = []
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._poll)

    def make(self, program: Program, library: Library) -> threading.Thread:
        texts = program_spoken_texts(program, library)
        from backbeat.audio.speech import prepare, speech_dir

        folder = speech_dir()  # resolved here, where the settings of this process are
        result = self._result = []

        def work() -> None:
            try:
                note = prepare(texts, folder=folder).note()
            except OSError as exc:  # a full or read-only cache: the class runs without them
                note = f"spoken names not made: {exc.strerror or exc}"
            result.append(note)

        self._worker = threading.Thread(target=work, name="speech", daemon=True)
        self._worker.start()
        self._timer.start()
        return self._worker

    def _poll(self) -> None:
        if self._result:
            self._timer.stop()
            self.last_note = self._result[0]
            self.done.emit(self.last_note)
