"""A face's event loop leaves nothing of its end behind for the loops after it."""

from __future__ import annotations

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from backbeat.ui.application import run_event_loop


def test_a_last_window_closed_as_the_loop_ends_does_not_end_the_loops_after_it(qtbot):
    """As ``backbeat tv`` ends on a refused option: its first frame closed, then quit.
    The last window's Quit, posted as the loop ended, must not run later and tell
    every loop after it (a dialog's, these waits) to end at once."""
    frame = QWidget()
    frame.show()

    def refused() -> None:
        frame.close()
        QApplication.quit()

    QTimer.singleShot(0, refused)
    assert run_event_loop() == 0
    QApplication.processEvents()  # where a Quit left behind would run
    later = QEventLoop()
    ran = []
    QTimer.singleShot(20, lambda: (ran.append(True), later.quit()))
    assert later.exec() == 0 and ran  # it ran until told, not ended at once
