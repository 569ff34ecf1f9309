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


def test_a_face_that_quits_with_its_window_open_does_not_end_the_loops_after_it(qtbot):
    """As run_tv's and the kiosk's start-up checks leave: ``quit`` with the window
    still open (Qt closes it as the loop ends, and that posts a second Quit)."""
    window = QWidget()
    qtbot.addWidget(window)
    window.show()
    QTimer.singleShot(0, QApplication.quit)
    assert run_event_loop() == 0
    QApplication.processEvents()
    later = QEventLoop()
    ran = []
    QTimer.singleShot(20, lambda: (ran.append(True), later.quit()))
    assert later.exec() == 0 and ran


def test_the_suite_s_check_clears_a_pending_quit_and_leaves_open_windows_open(qtbot):
    """conftest's check, with a window some test left open: the loops run again
    after it, for the next test too, and the window stays as it was."""
    from PySide6.QtCore import QCoreApplication

    from tests.conftest import _quit_left_pending

    window = QWidget()
    qtbot.addWidget(window)
    window.show()
    QCoreApplication.exit(0)  # told to quit while no loop runs: what a stray Quit does
    assert _quit_left_pending()
    assert window.isVisible()
    QApplication.processEvents()  # the next test's first turn of events
    assert not _quit_left_pending()
