"""The kiosk's first frame (painted before the database) is its roster page as the
window first shows it, and a tap on it is not lost."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from backbeat.store.auth import set_trainer_pin
from backbeat.store.demo import ensure_demo
from backbeat.ui.kiosk.app import open_kiosk
from backbeat.ui.kiosk.first_frame import READING, FirstFrame


@pytest.fixture
def opened(qtbot, db):
    """The first frame shown, then ``open(...)``: the kiosk's window in its place."""
    ensure_demo(db, weeks=1)
    frame = FirstFrame()
    qtbot.addWidget(frame)
    frame.resize(1280, 800)
    frame.show()
    qtbot.waitExposed(frame)
    started = []

    def open_in_its_place():
        finish = open_kiosk(db, windowed=True, first_frame=frame)
        started.append(finish)
        window, _link = finish.keep
        return window

    yield frame, open_in_its_place
    for finish in started:
        window, _link = finish.keep
        window.leave()
        finish()


def test_the_first_frame_is_the_roster_page_as_the_window_first_shows_it(qtbot, opened):
    frame, open_in_its_place = opened
    assert frame.roster.class_label.text() == READING
    assert frame.roster.trainer_button.isVisible()
    # no class is known yet: the window hides CHECK IN until one is, so does the frame
    assert not frame.roster.check_in_button.isVisible()
    # no roster yet: no page to turn, no letters
    grid = frame.roster.grid
    assert not grid.prev_button.isVisible() and not grid.next_button.isVisible()
    assert not grid.letters_box.isVisible()
    window = open_in_its_place()
    assert not window.roster.check_in_button.isVisible()
    assert not frame.isVisible()  # the window took its place


def test_trainer_tapped_on_the_first_frame_opens_the_pin_pad_once_the_window_shows(qtbot, db, opened):
    frame, open_in_its_place = opened
    set_trainer_pin(db, "246813")
    qtbot.mouseClick(frame.roster.trainer_button, Qt.MouseButton.LeftButton)
    assert "PIN pad" in frame.roster.status_label.text()  # the tap is seen, and said
    window = open_in_its_place()
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.pin, timeout=10_000)
    assert window.pin.title.text() == "Trainer PIN"


def test_with_no_trainer_pin_set_the_early_tap_opens_the_trainer_page_and_says_why(qtbot, opened):
    frame, open_in_its_place = opened
    qtbot.mouseClick(frame.roster.trainer_button, Qt.MouseButton.LeftButton)
    window = open_in_its_place()
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.trainer, timeout=10_000)
    assert window.view is not None and not window.view.trainer_pin


def test_no_tap_on_the_first_frame_leaves_the_window_on_its_roster(qtbot, opened):
    _frame, open_in_its_place = opened
    window = open_in_its_place()
    qtbot.waitUntil(lambda: window.view is not None, timeout=10_000)
    assert window.stack.currentWidget() is window.roster
