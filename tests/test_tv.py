"""The TV screen driven with a fake clock: what it shows at chosen times, and
the coach's keys."""

import json
import time

import pytest
from PySide6.QtCore import Qt

from backbeat.domain.program import parse_program
from backbeat.engine.clock import FakeClock
from backbeat.engine.runner import ClassRunner, RunState
from backbeat.engine.timeline import ClassPlan
from backbeat.ui.tv.window import TvWindow


def _program(*blocks):
    return parse_program(json.dumps({
        "format": "backbeat.program/1", "name": "TV test",
        "days": [{"name": "D", "get_ready_s": 10, "switch_sides_s": 5, "transition_s": 20,
                  "blocks": list(blocks)}]}))


@pytest.fixture
def tv(qtbot, library):
    def make(*blocks):
        clock = FakeClock()
        runner = ClassRunner(ClassPlan(_program(*blocks), 1, library), clock)
        saved = []
        window = TvWindow(runner, save=lambda state, i: saved.append((state, i)))
        qtbot.addWidget(window)
        window.resize(1280, 720)
        window.show()
        runner.play()
        window.saved = saved
        return window, runner, clock
    return make


def shown(window):
    window.tick()
    window.screen_widget.grab()  # paints through the real paintEvent
    return window.screen_widget.last_display


def test_straight_sets(tv):
    window, runner, clock = tv({"name": "Rows", "items": [
        {"exercise": "chest-supported-row", "sets": 2, "reps": 4, "tempo": "3-1-1-2",
         "rest_s": 60, "load": {"kind": "kg", "value": 20}}]})
    d = shown(window)
    assert d.mode == "get_ready" and d.big_label == "GET READY" and d.seconds_left == 10
    assert d.next_title == "Chest-supported row"
    clock.advance(10 + 0.5)  # first rep: ROW (concentric) 1 s
    d = shown(window)
    assert (d.exercise, d.set_text, d.rep_text) == ("Chest-supported row", "SET 1 / 2", "REP 1 / 4")
    assert d.big_label == "ROW" and d.breath_label == "EXHALE" and d.seconds_left == 1
    clock.advance(1.0)  # the squeeze, 2 s, breath held under load
    d = shown(window)
    assert d.big_label == "SQUEEZE" and d.breath_label == "BRACE" and d.seconds_left == 2
    clock.advance(2.0 + 1.2)  # lowering, 3 s: 1.8 s left shows as 2
    d = shown(window)
    assert d.big_label == "RETURN" and d.breath_label == "INHALE" and d.seconds_left == 2
    clock.advance(68 - 14.7)  # the rest runs 38–98 s: 30 s left
    d = shown(window)
    assert d.mode == "rest" and d.big_label == "REST" and d.seconds_left == 30
    assert d.next_title == "Chest-supported row" and "Set 2 of 2" in d.next_set
    assert d.next_detail == "4 reps · 3-1-1-2 · 20 kg"


def test_unilateral_sides(tv):
    window, runner, clock = tv({"name": "SA", "items": [
        {"exercise": "single-arm-dumbbell-row", "sets": 1, "reps": 2, "tempo": "3-1-1-1",
         "per_side": True}]})
    clock.advance(10.5)
    d = shown(window)
    assert d.side_text == "LEFT" and d.big_label == "ROW"
    clock.advance(2 * 6)
    d = shown(window)
    assert d.mode == "switch_sides" and d.side_text == "RIGHT" and d.seconds_left == 5
    clock.advance(5)
    d = shown(window)
    assert d.side_text == "RIGHT" and d.rep_text == "REP 1 / 2"


def test_superset(tv):
    window, runner, clock = tv({"name": "A", "kind": "superset", "rounds": 2, "rest_s": 30, "items": [
        {"exercise": "band-pull-apart", "reps": 1, "tempo": "3-0-1-2"},
        {"exercise": "face-pull", "reps": 1, "tempo": "3-1-1-2"}]})
    clock.advance(10 + 6 + 10 + 0.5)  # get ready, A1 (6 s), get ready, A2
    d = shown(window)
    assert d.exercise == "Face pull with retraction" and d.big_label == "PULL"
    clock.advance(7 + 1)
    d = shown(window)
    assert d.mode == "rest" and d.next_title == "Band pull-apart" and "Set 2 of 2" in d.next_set


def test_timed_hold(tv):
    window, runner, clock = tv({"name": "Holds", "items": [
        {"exercise": "scapular-retraction-hold", "sets": 2, "duration_s": 20, "rest_s": 30}]})
    clock.advance(10 + 5)
    d = shown(window)
    assert d.mode == "hold" and d.big_label == "HOLD" and d.seconds_left == 15
    assert d.set_text == "SET 1 / 2" and d.breath_label == "BREATHE"


def test_breath_drill(tv):
    window, runner, clock = tv({"name": "Open", "kind": "breath", "items": [
        {"exercise": "box-breathing", "cycles": 2}]})
    clock.advance(10 + 1)
    d = shown(window)
    assert d.mode == "breath" and d.big_label == "INHALE" and d.rep_text == "BREATH 1 / 2"
    assert d.breath_level == pytest.approx(0.25)
    clock.advance(4)
    d = shown(window)
    assert d.big_label == "HOLD" and d.breath_level == 1.0
    clock.advance(4)
    d = shown(window)
    assert d.big_label == "EXHALE" and d.breath_level == pytest.approx(0.75)


def test_keys(tv, qtbot):
    window, runner, clock = tv({"name": "Rows", "items": [
        {"exercise": "face-pull", "sets": 2, "reps": 2, "rest_s": 60}]})
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert runner.state is RunState.PAUSED
    d = shown(window)
    assert d.state is RunState.PAUSED
    clock.advance(30)
    assert runner.position_ms() == 0
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert runner.state is RunState.RUNNING
    qtbot.keyClick(window, Qt.Key.Key_Right)
    assert shown(window).mode == "work"
    qtbot.keyClick(window, Qt.Key.Key_PageDown)  # clicker: next
    d = shown(window)
    assert d.mode == "rest" and d.seconds_left == 60
    qtbot.keyClick(window, Qt.Key.Key_Plus)
    assert shown(window).seconds_left == 75
    qtbot.keyClick(window, Qt.Key.Key_PageUp)  # at the rest's start: back to the set
    assert shown(window).mode == "work"
    qtbot.keyClick(window, Qt.Key.Key_Left)
    assert shown(window).mode == "get_ready"
    assert window.saved and window.saved[-1][0]["position_ms"] == 0
    qtbot.keyClick(window, Qt.Key.Key_Escape)  # the menu, worked with the clicker's buttons
    assert window.screen_widget.menu == 0
    qtbot.keyClick(window, Qt.Key.Key_PageDown)
    qtbot.keyClick(window, Qt.Key.Key_PageDown)  # LEAVE — RESUME LATER
    qtbot.keyClick(window, Qt.Key.Key_B)
    assert not window.isVisible()
    assert runner.state is RunState.PAUSED  # leaving pauses, so a resume continues here


def test_the_whole_class_from_a_four_button_clicker(tv, qtbot):
    """PageDown, PageUp, B (or "."), F5/Esc: start, step, hold for more rest, pause,
    the menu (back to the class, end the class) — no other key needed."""
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    from backbeat.ui.tv.window import HOLD_MS

    window, runner, clock = tv({"name": "Rows", "items": [
        {"exercise": "face-pull", "sets": 2, "reps": 2, "rest_s": 60}]})
    runner.pause()
    qtbot.keyClick(window, Qt.Key.Key_Period)  # the blank-screen button: resume
    assert runner.state is RunState.RUNNING
    qtbot.keyClick(window, Qt.Key.Key_PageDown)
    qtbot.keyClick(window, Qt.Key.Key_PageDown)
    assert shown(window).mode == "rest" and shown(window).seconds_left == 60
    # next held down: 15 s more rest, and no step on (times are the key events' own)
    def key(kind, ms, repeat=False):
        event = QKeyEvent(kind, Qt.Key.Key_PageDown, Qt.KeyboardModifier.NoModifier, "", repeat)
        event.setTimestamp(ms)
        QApplication.sendEvent(window, event)

    key(QEvent.Type.KeyPress, 10_000)
    for ms in (10_300, 10_500):  # the key repeats while held: still one press
        key(QEvent.Type.KeyRelease, ms, True)
        key(QEvent.Type.KeyPress, ms, True)
    assert shown(window).seconds_left == 60  # not yet held long enough
    key(QEvent.Type.KeyRelease, 10_000 + HOLD_MS, True)
    key(QEvent.Type.KeyPress, 10_000 + HOLD_MS, True)  # held HOLD_MS: +15 s, once
    key(QEvent.Type.KeyRelease, 11_500, True)
    key(QEvent.Type.KeyPress, 11_500, True)
    key(QEvent.Type.KeyRelease, 11_600)
    d = shown(window)
    assert d.mode == "rest" and d.seconds_left == 75
    qtbot.keyClick(window, Qt.Key.Key_PageUp)  # back to the set
    assert shown(window).mode == "work"
    qtbot.keyClick(window, Qt.Key.Key_B)  # pause: the pause screen lists the keys
    assert runner.state is RunState.PAUSED
    keys = [t.text for t in window.screen_widget.layout().texts if t.role == "keys"]
    assert any("PAGE DOWN" in k for k in keys) and any("F5" in k for k in keys)
    qtbot.keyClick(window, Qt.Key.Key_B)
    qtbot.keyClick(window, Qt.Key.Key_F5)  # the menu pauses the class …
    assert window.menu == 0 and runner.state is RunState.PAUSED
    menu = [t.text for t in window.screen_widget.layout().texts if t.role == "menu"]
    assert menu[0].startswith("▶") and "END THE CLASS" in menu[1]
    qtbot.keyClick(window, Qt.Key.Key_B)  # … BACK TO THE CLASS runs it again
    assert window.menu is None and runner.state is RunState.RUNNING
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    qtbot.keyClick(window, Qt.Key.Key_PageUp)  # round to the last item and back
    qtbot.keyClick(window, Qt.Key.Key_PageUp)  # END THE CLASS
    qtbot.keyClick(window, Qt.Key.Key_Period)
    assert runner.state is RunState.ENDED and shown(window).mode == "done"
    assert window.isVisible()


def test_exercise_media_shows_while_setting_up(qtbot, library, tmp_path):
    from PySide6.QtGui import QColor, QImage

    from backbeat.domain.exercise import Library
    from backbeat.ui.tv.screen import TvScreen

    picture = QImage(200, 120, QImage.Format.Format_RGB32)
    picture.fill(QColor("#00FF00"))
    path = tmp_path / "face-pull.png"
    picture.save(str(path))
    exercises = [e.model_copy(update={"media": str(path)}) if e.slug == "face-pull" else e
                 for e in library.exercises]
    with_media = Library(exercises=exercises)
    runner = ClassRunner(ClassPlan(_program({"name": "A", "items": [
        {"exercise": "face-pull", "reps": 2}]}), 1, with_media), FakeClock())
    runner.play()
    screen = TvScreen(runner)
    qtbot.addWidget(screen)
    screen.resize(1280, 720)
    image = screen.grab().toImage()
    assert screen.last_display.mode == "get_ready"
    assert screen.last_display.media == str(path)
    greens = sum(1 for x in range(0, 1280, 8) for y in range(0, 720, 8)
                 if image.pixelColor(x, y) == QColor("#00FF00"))
    assert greens > 100  # the picture is on screen
    missing = Library(exercises=[e.model_copy(update={"media": "no/such.gif"}) for e in library.exercises])
    runner2 = ClassRunner(ClassPlan(_program({"name": "A", "items": [
        {"exercise": "face-pull", "reps": 2}]}), 1, missing), FakeClock())
    screen2 = TvScreen(runner2)
    qtbot.addWidget(screen2)
    screen2.resize(1280, 720)
    screen2.grab()  # a missing file is simply not shown
    assert screen2.last_display.media == "no/such.gif"


def test_resume_offer_on_start(qtbot, library):
    clock = FakeClock()
    plan = ClassPlan(_program({"name": "A", "items": [{"exercise": "face-pull", "sets": 3, "reps": 2,
                                                         "rest_s": 60}]}), 1, library)
    saved = {"program": "TV test", "day": 1, "position_ms": 40_000, "state": "running",
             "extensions": {}}
    window = TvWindow(ClassRunner(plan, clock), resume_offer=saved,
                      on_resume=lambda st: ClassRunner.from_state(plan, clock, st))
    qtbot.addWidget(window)
    window.resize(1280, 720)
    assert window.screen_widget.resume_offer is saved
    qtbot.keyClick(window, Qt.Key.Key_R)
    assert window.runner.position_ms() == 40_000 and window.runner.state is RunState.PAUSED
    assert window.resume_offer is None
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert window.runner.state is RunState.RUNNING


def test_coach_chooses_program_and_day_before_starting(qtbot, library):
    from backbeat.paths import resources_dir

    sample = parse_program((resources_dir() / "programs" / "precision-back.json").read_text())
    other = _program({"name": "A", "items": [{"exercise": "face-pull", "reps": 2}]})
    programs = {sample.name: sample, other.name: other}
    clock = FakeClock()
    started = []

    def make(program, day):
        return ClassRunner(ClassPlan(programs[program], day, library), clock)

    window = TvWindow(make("Precision Back", 1), classes=[("Precision Back", 1), ("Precision Back", 2),
                                                          ("TV test", 1)],
                      make_runner=make, on_start=lambda r: started.append(r.timeline.day) or 7)
    qtbot.addWidget(window)
    assert window.screen_widget.choosing
    qtbot.keyClick(window, Qt.Key.Key_PageDown)  # the clicker's next: day 2
    assert (window.runner.timeline.program, window.runner.timeline.day) == ("Precision Back", 2)
    window.screen_widget.grab()
    assert "Posterior chain" in window.runner.timeline.day_name
    qtbot.keyClick(window, Qt.Key.Key_Right)
    qtbot.keyClick(window, Qt.Key.Key_Right)  # wraps round
    assert window.runner.timeline.day == 1 and window.runner.timeline.program == "Precision Back"
    qtbot.keyClick(window, Qt.Key.Key_Left)
    assert window.runner.timeline.program == "TV test"
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert window.runner.state is RunState.RUNNING and started == [1] and window.session_id == 7
    assert not window.screen_widget.choosing
    qtbot.keyClick(window, Qt.Key.Key_Right)  # now next means next step
    assert window.runner.now().segment.kind.value == "work"


def test_rest_board_shows_each_athletes_load_for_the_coming_set(qtbot, library):
    from backbeat.store.board import BoardLine

    asked = []

    def board(slug, session, sets):
        asked.append((slug, session, sets))
        done = min(2, len(asked) - 1)
        return [BoardLine("Ana", "15 kg", "Next: eccentric 4 s", marks="✓" * done + "·" * (2 - done)),
                BoardLine("Dev", "", "does Bird dog", caution=True)]

    clock = FakeClock()
    runner = ClassRunner(ClassPlan(_program({"name": "Rows", "items": [
        {"exercise": "face-pull", "sets": 2, "reps": 2, "rest_s": 60}]}), 1, library), clock)
    window = TvWindow(runner, board=board, session_id=41)
    qtbot.addWidget(window)
    window.resize(1280, 720)
    runner.play()
    window.tick()
    qtbot.waitUntil(lambda: (window.tick() or True) and bool(window.screen_widget.board), timeout=5000)
    assert asked == [("face-pull", 41, 2)]
    d = shown(window)
    assert d.mode == "get_ready"
    assert [b.athlete for b in window.screen_widget.board] == ["Ana", "Dev"]
    clock.advance(10 + 14 + 1)  # into the rest: the same exercise, read again within a second
    started = time.monotonic()
    qtbot.waitUntil(lambda: (window.tick() or True) and window.screen_widget.board[0].marks == "✓·",
                    timeout=5000)
    assert time.monotonic() - started < 1.0
    assert {a[0] for a in asked} == {"face-pull"}


def test_a_failing_rest_board_does_not_stop_the_class(qtbot, library):
    def board(slug, *_):
        raise RuntimeError("database gone")

    clock = FakeClock()
    runner = ClassRunner(ClassPlan(_program({"name": "Rows", "items": [
        {"exercise": "face-pull", "sets": 2, "reps": 2, "rest_s": 60}]}), 1, library), clock)
    window = TvWindow(runner, board=board)
    qtbot.addWidget(window)
    runner.play()
    window.tick()
    qtbot.waitUntil(lambda: (window.tick() or True) and window._board_future is None, timeout=5000)
    assert window.screen_widget.board == []
    clock.advance(12)
    assert shown(window).mode == "work"


def test_losing_the_screen_does_not_stop_the_class(qtbot, library):
    from PySide6.QtGui import QGuiApplication

    clock = FakeClock()
    runner = ClassRunner(ClassPlan(_program({"name": "Rows", "items": [
        {"exercise": "face-pull", "sets": 2, "reps": 2, "rest_s": 60}]}), 1, library), clock)
    window = TvWindow(runner)
    qtbot.addWidget(window)
    window.place_on(QGuiApplication.primaryScreen(), fullscreen=False)
    assert window.isVisible() and not window.isFullScreen()
    runner.play()
    window._screen_removed(window.windowHandle().screen())  # the only screen: stay put
    clock.advance(12)
    assert window.isVisible() and shown(window).mode == "work"
    window.place_on(QGuiApplication.primaryScreen(), fullscreen=True)
    assert window.isFullScreen()


def test_demo_puts_the_kiosk_at_the_right_and_the_tv_in_16_by_9(qtbot):
    from PySide6.QtGui import QGuiApplication

    from backbeat.ui.application import demo_geometry

    area = QGuiApplication.primaryScreen().availableGeometry()
    kiosk, tv = demo_geometry("kiosk"), demo_geometry("tv")
    assert kiosk.right() == area.right() and area.contains(kiosk)
    assert tv.topLeft() == area.topLeft() and abs(tv.width() * 9 / 16 - tv.height()) <= 1
    assert not tv.intersects(kiosk)  # on any screen: see tests/test_demo_laptop.py


def test_the_readme_key_table_is_the_clicker_mapping():
    """Each row of the README's key table: every key it names does what the row says."""
    import re
    from pathlib import Path

    from backbeat.ui.tv import window as tv

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    table = readme[readme.index("| key (keyboard or presenter clicker)"):]
    table = table[: table.index("\n\n")]
    rows = [(line.split("|")[1].strip(), line.split("|")[2].strip())
            for line in table.splitlines()[2:]]
    names = {"PageDown": Qt.Key.Key_PageDown, "PageUp": Qt.Key.Key_PageUp, "B": Qt.Key.Key_B,
             "`.`": Qt.Key.Key_Period, "Space": Qt.Key.Key_Space, "Enter": Qt.Key.Key_Enter,
             "→": Qt.Key.Key_Right, "←": Qt.Key.Key_Left, "↓": Qt.Key.Key_Down,
             "↑": Qt.Key.Key_Up, "F5": Qt.Key.Key_F5, "Esc": Qt.Key.Key_Escape,
             "`+`": Qt.Key.Key_Plus, "`=`": Qt.Key.Key_Equal, "M": Qt.Key.Key_M,
             "`[`": Qt.Key.Key_BracketLeft, "`]`": Qt.Key.Key_BracketRight}
    # what each row says it does -> the keys bound to that
    does = [("start, pause, resume", tv._TOGGLE), ("next step", tv._NEXT),
            ("back a step", tv._BACK), ("the menu", tv._MENU), ("mute", set(tv._SOUND))]
    clicker = {Qt.Key.Key_PageDown, Qt.Key.Key_PageUp, Qt.Key.Key_B, Qt.Key.Key_Period,
               Qt.Key.Key_F5, Qt.Key.Key_Escape}
    said = set()
    for keys, what in rows:
        named = {names[t] for t in re.findall(r"`.`|[\w]+|[→←↓↑]", keys.split("(")[0]) if t in names}
        said |= named
        if "held" in keys:  # next held: more rest, after HOLD_MS; the extend keys in the row
            held = float(re.search(r"held \(([\d.]+) s\)", keys).group(1))
            assert held * 1000 == tv.HOLD_MS and named == {Qt.Key.Key_PageDown}
            extend = {names[t] for t in re.findall(r"`.`", what)}
            assert "15 s more rest" in what and extend == tv._EXTEND and tv.EXTEND_STEP_S == 15
            said |= extend
            continue
        bound = [keyset for text, keyset in does if what.startswith(text)]
        if bound:
            assert named and named <= bound[0], f"{keys!r} does not all {what!r}"
    for keyset in (tv._NEXT, tv._BACK, tv._MENU, tv._EXTEND, set(tv._SOUND)):
        assert keyset <= said, f"bound but not in the README: {keyset - said}"
    assert clicker <= said
    assert {Qt.Key.Key_F5, Qt.Key.Key_Escape} == tv._MENU
    menu = next(what for keys, what in rows if keys.startswith("F5 or Esc"))
    assert "worked with PageDown/PageUp and B" in menu
