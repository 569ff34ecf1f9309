"""The layout check on the kiosk and the trainer desktop: every view's labels,
buttons and tabs show their whole text, nothing is cut off by its parent, and no
two overlap (tests/layout_check.py) — at the tablet and wall-screen sizes, with
a 24-letter athlete name and the library's longest exercise names."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSize
from PySide6.QtWidgets import QAbstractButton

from backbeat.ui.kiosk.app import VIEWS, kiosk_view
from tests.layout_check import kiosk_rules, widget_problems

LONG_NAME = "Konstantina Papadopoulous"  # 24 letters


def settle() -> None:
    from PySide6.QtWidgets import QApplication

    for _ in range(3):
        QApplication.processEvents()


@pytest.mark.parametrize("size", [(1280, 800), (1920, 1080)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_every_kiosk_view_fits(qtbot, size):
    problems = []
    for view in VIEWS:
        for at in (None, 1000.0):
            with kiosk_view(view=view, size=QSize(*size), at_s=at,
                            extra_athletes=(LONG_NAME,)) as window:
                settle()
                page = window.stack.currentWidget()
                where = f"kiosk {view} at {size[0]}x{size[1]}{' in class' if at else ''}"
                problems += widget_problems(window, where, size=QSize(*size),
                                            **kiosk_rules(size[1]))
                if view == "double-tap":  # the question and its two answers, not LOG SET
                    log = window.log
                    assert page is log and log.asking and not log.log_button.isVisible()
                    assert log.question.isVisible() and log.question.text().endswith(
                        "is this your next set?")
                    assert log.next_set_button.isVisible() and log.mistake_button.isVisible()
                if view == "change":
                    tiles = [t.text() for t in window.picker.grid.tiles]
                    assert tiles and page is window.picker
                if view in ("roster", "checkin") and at is None:
                    assert any(t.name == LONG_NAME for t in page.grid.tiles) or \
                        page.grid.page_label.text()
    assert not problems, "\n".join(problems)


def test_the_exercise_picker_shows_whole_names(qtbot):
    """The safe variant must be told from the risky one: no name cropped, on every page."""
    with kiosk_view(view="change", size=QSize(1280, 800)) as window:
        grid = window.picker.grid
        seen = []
        for page in range(8):
            settle()
            seen += [t.name for t in grid.tiles]
            problems = widget_problems(window, f"picker page {page + 1}", size=QSize(1280, 800),
                                        **kiosk_rules(800))
            assert not problems, "\n".join(problems)
            grid.turn(1)
        names = {window.library.get(slug).name for slug, _ in grid.items}
        shown = set(seen)
        assert names <= shown
        assert "Unloaded slow hyperextension" in shown and "Weighted hyperextension" in shown


def test_trainer_tabs_fit_a_laptop(qtbot, db):
    from backbeat.store.demo import check_in_demo_athletes, ensure_demo
    from backbeat.store.seed import seed_if_empty
    from backbeat.ui.trainer.window import TrainerContext, TrainerWindow

    seed_if_empty(db)
    ensure_demo(db)
    check_in_demo_athletes(db)
    window = TrainerWindow(TrainerContext(db))
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    problems = []
    for i in range(window.tabs.count()):
        tab = window.tabs.tabText(i).replace("&", "")
        focus = getattr(window.show_tab(tab), "snapshot_focus", None)
        if callable(focus):
            focus(program="Precision Back", day=2)
        settle()
        qtbot.wait(10)
        problems += widget_problems(window, f"trainer {tab}")
    window.confirm_discard = lambda _what: True
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("size", [(1280, 800), (1920, 1080)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_a_long_name_with_a_long_exercise_fits_the_log_and_the_picker(qtbot, size):
    with kiosk_view(view="roster", size=QSize(*size), at_s=1000.0,
                    extra_athletes=(LONG_NAME,)) as window:
        athlete = next(a for a in window.athletes.values() if a.name == LONG_NAME)
        window.open_athlete(athlete)
        window.open_log("lat-pulldown")  # the library's longest exercise name
        settle()
        assert LONG_NAME in window.log.athlete_label.text()
        problems = widget_problems(window, f"log of {LONG_NAME}", size=QSize(*size),
                                    **kiosk_rules(size[1]))
        window.show_picker()
        settle()
        problems += widget_problems(window, f"picker of {LONG_NAME}", size=QSize(*size),
                                     **kiosk_rules(size[1]))
    assert not problems, "\n".join(problems)


def test_the_double_tap_question_moves_nothing_a_finger_is_on_its_way_to(qtbot):
    """The question takes the place of LAST SETS: the steppers and choices stay put."""
    with kiosk_view(view="double-tap", size=QSize(1280, 800)) as window:
        settle()
        log = window.log

        def places() -> dict:
            return {(b.objectName(), b.text()): b.mapTo(window, b.rect().topLeft()).toTuple()
                    for b in log.findChildren(QAbstractButton) if b.isVisibleTo(window)
                    and b not in (log.next_set_button, log.mistake_button)}

        asking = places()
        assert log.asking and log.question.isVisible()
        log.end_question()
        settle()
        assert not log.question.isVisible() and log.history_labels[0].isVisible()
        answered = places()
        assert {k: v for k, v in answered.items() if k[0] != "log"} == asking
