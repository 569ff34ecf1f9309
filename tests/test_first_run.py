"""The first start on a computer: screens with their numbers, a sound test
that asks, the trainer PIN, kg or lb, A4 or Letter; saved where each setting
belongs; changeable later in the trainer's Settings; the trainer in lb."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest
from PySide6.QtGui import QGuiApplication, QImage
from PySide6.QtWidgets import QWizard

from backbeat.store.auth import check_trainer_pin, has_trainer_pin, set_trainer_pin
from backbeat.store.settings import get_setting, set_setting, station_file
from backbeat.ui.first_run import PAGES, FirstRunWizard, first_run_if_needed, snapshot_setup


def _ink(widget) -> float:
    """How much of the widget is drawn on (not the plain window colour)."""
    image = QImage(widget.size(), QImage.Format.Format_RGB32)
    widget.render(image)
    small = image.scaled(72, 48)
    base = small.pixelColor(small.width() - 1, small.height() // 2).lightness()
    dark = sum(1 for x in range(small.width()) for y in range(small.height())
               if abs(small.pixelColor(x, y).lightness() - base) > 40)
    return dark / (small.width() * small.height())


def test_the_set_up_walks_screens_sound_pin_and_measures(qtbot, db):
    played = []
    wizard = FirstRunWizard(db, play=lambda: played.append(1))
    qtbot.addWidget(wizard)
    wizard.show()
    # 1. screens: every screen shows its number, big
    page = wizard.screens_page
    assert wizard.currentPage() is page
    screens = QGuiApplication.screens()
    assert [n.number.text() for n in page.numbers] == [str(i + 1) for i in range(len(screens))]
    assert all(n.isVisible() for n in page.numbers)
    assert page.numbers[0].number.font().pixelSize() >= screens[0].geometry().height() * 0.3
    assert page.tv.count() == len(screens) and page.kiosk.count() == len(screens) + 1
    page.kiosk.setCurrentIndex(1)  # the kiosk on screen 1 too (one screen offscreen)
    wizard.next()
    assert page.numbers == []  # the numbers go once the screens are chosen
    # 2. sound: nothing to go on with until it played and was answered
    sound = wizard.sound_page
    assert wizard.currentPage() is sound and not sound.isComplete()
    sound.button.click()
    assert played == [1] and "Was it heard" in sound.status.text() and not sound.isComplete()
    sound.not_heard.setChecked(True)
    assert "cable" in sound.hint.text() and sound.isComplete()
    sound.heard.setChecked(True)
    assert sound.hint.text() == ""
    wizard.next()
    # 3. PIN: refused in words until it is 6-8 digits, twice the same
    pin = wizard.pin_page
    assert wizard.currentPage() is pin
    pin.pin.setText("12")
    wizard.next()
    assert wizard.currentPage() is pin and "6 to 8 digits" in pin.problem.text()
    pin.pin.setText("246813")
    pin.repeat.setText("246814")
    wizard.next()
    assert wizard.currentPage() is pin and "differ" in pin.problem.text()
    pin.repeat.setText("246813")
    wizard.next()
    # 4. loads and paper
    measures = wizard.measures_page
    assert wizard.currentPage() is measures
    assert measures.choice("units") == "kg" and measures.choice("paper") == "A4"
    [lb] = [b for b in measures.groups["units"].buttons() if b.property("value") == "lb"]
    [letter] = [b for b in measures.groups["paper"].buttons() if b.property("value") == "Letter"]
    lb.setChecked(True)
    letter.setChecked(True)
    assert not has_trainer_pin(db) and not get_setting(db, "setup.done")  # nothing saved before Finish
    wizard.button(QWizard.WizardButton.FinishButton).click()
    assert wizard.result() == QWizard.DialogCode.Accepted
    assert get_setting(db, "units") == "lb" and get_setting(db, "paper") == "Letter"
    assert check_trainer_pin(db, "246813", now=0).ok
    # this computer's: on this computer, not in the gym's database
    local = json.loads(station_file().read_text())
    assert local == {**local, "tv.screen": 0, "kiosk.screen": 0, "sound.heard": True, "setup.done": True}


def test_a_gym_with_a_pin_keeps_it_and_the_set_up_says_where_to_change_it(qtbot, db):
    set_trainer_pin(db, "135791")
    wizard = FirstRunWizard(db, play=lambda: "no sound device found")
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.next()
    wizard.sound_page.button.click()  # no device: said, and counted as not heard
    assert "no sound device found" in wizard.sound_page.status.text()
    assert wizard.sound_page.not_heard.isChecked() and wizard.sound_page.isComplete()
    wizard.next()
    assert wizard.pin_page.already and "Settings" in wizard.pin_page.subTitle()
    wizard.next()
    wizard.button(QWizard.WizardButton.FinishButton).click()
    assert check_trainer_pin(db, "135791", now=0).ok
    assert get_setting(db, "sound.heard") is False and get_setting(db, "setup.done") is True


def test_each_step_renders_with_its_content(db, tmp_path):
    for page in PAGES:
        snapshot_setup(db, page, str(tmp_path / f"{page}.png"))
        image = QImage(str(tmp_path / f"{page}.png"))
        assert image.width() >= 600 and image.height() >= 400
    number = QImage(str(tmp_path / "screens-number.png"))
    # the number is yellow on the TV's dark background, and covers much of it
    small = number.scaled(40, 40)
    yellow = sum(1 for x in range(40) for y in range(40) if small.pixelColor(x, y).red() > 200)
    assert 0.06 < yellow / 1600 < 0.6


def test_the_sound_test_is_the_cue_set_a_class_plays():
    from backbeat.audio.samples import RATE, load_sounds
    from backbeat.audio.sound_check import CUE_SET, cue_set_buffer, play_cue_set

    class Recorder:
        def play(self, buffer, rate):
            self.played = (buffer, rate)
            return self

    buffer = cue_set_buffer()
    sounds = load_sounds({s for _, _, s in CUE_SET})
    assert buffer.dtype == np.int16 and 6.5 < len(buffer) / RATE < 8
    for t_ms, _kind, sound in CUE_SET:  # every cue sounds where the set puts it
        at = round(t_ms * RATE / 1000)
        assert np.abs(buffer[at:at + len(sounds[sound])]).max() > 1000, sound
    recorder = Recorder()
    play_cue_set(recorder)
    assert recorder.played[1] == RATE and np.array_equal(recorder.played[0], cue_set_buffer())


def test_first_start_asks_once_and_never_offscreen(db, monkeypatch):
    from backbeat.ui import application

    shown = []
    monkeypatch.setattr(FirstRunWizard, "exec", lambda self: shown.append(self) or 0)
    first_run_if_needed(db)
    assert shown == []  # offscreen: nobody to answer
    monkeypatch.setattr(application, "nobody_can_answer", lambda: False)
    first_run_if_needed(db)
    assert len(shown) == 1  # a real screen, not set up yet: asked
    set_setting(db, "setup.done", True)
    first_run_if_needed(db)
    assert len(shown) == 1  # set up: never again


def test_a_station_keeps_its_own_screens_on_a_shared_database(db, tmp_path, monkeypatch):
    """Two computers on one gym database: units shared, screens each their own."""
    set_setting(db, "units", "lb")
    set_setting(db, "tv.screen", 1)
    monkeypatch.setenv("BACKBEAT_DATA_DIR", str(tmp_path / "other-computer"))
    assert get_setting(db, "units") == "lb" and get_setting(db, "tv.screen") == 0
    with pytest.raises(ValueError, match="one of kg, lb"):
        set_setting(db, "units", "stone")


def test_settings_tab_changes_units_and_paper_and_reruns_the_set_up(qtbot, db):
    from backbeat.ui.trainer.context import TrainerContext
    from backbeat.ui.trainer.window import TrainerWindow

    window = TrainerWindow(TrainerContext(db))
    qtbot.addWidget(window)
    tab = window.show_tab("Settings")
    changed = []
    window.context.events.settings_changed.connect(lambda: changed.append(1))
    tab.choose("units", "lb")
    tab.choose("paper", "Letter")
    assert get_setting(db, "units") == "lb" and get_setting(db, "paper") == "Letter" and len(changed) == 2
    assert tab.sound.text() == "not tried" and tab.kiosk.text() == "no kiosk on this computer"
    ran = []
    tab.run_setup(exec_=lambda wizard: ran.append(wizard) or 0)
    assert isinstance(ran[0], FirstRunWizard)
    assert _ink(tab) > 0.02


def test_the_trainer_shows_loads_in_lb_when_the_gym_weighs_in_lb(qtbot, db):
    from backbeat.store.demo import ensure_demo
    from backbeat.ui.trainer.context import TrainerContext
    from backbeat.ui.trainer.window import TrainerWindow

    ensure_demo(db)
    window = TrainerWindow(TrainerContext(db))
    qtbot.addWidget(window)
    progress = window.show_tab("Progress")
    progress.select_athlete(progress.athlete.itemText(0))
    kg_rows = [progress.panel.table.item(r, 2).text() for r in range(progress.panel.table.rowCount())]
    assert any(" kg" in t for t in kg_rows)
    window.show_tab("Settings").choose("units", "lb")
    progress = window.show_tab("Progress")
    rows = [progress.panel.table.item(r, 2).text() for r in range(progress.panel.table.rowCount())]
    assert rows and not any(" kg" in t for t in rows) and any(" lb" in t for t in rows)
    assert progress.view.load.getAxis("left").labelText == "top load (lb)"
    assert progress.panel.load_label.text() == "Load (lb)"
    # a load typed in lb is kept as kg
    row = next(r for r in progress.panel.rows if r.suggestion and r.suggestion.prescription.load_kg)
    progress.panel.select(row.exercise)
    progress.panel.load.setText("100")
    assert progress.panel.save_override()
    decided = next(r for r in progress.panel.rows if r.exercise == row.exercise).decision
    assert decided.prescription.load_kg == pytest.approx(45.359237)
    athletes = window.show_tab("Athletes")
    assert [label.text() for _, label in athletes.form.side_labels] == ["left lb", "right lb"]


def test_backbeat_setup_is_a_command(tmp_path):
    out = subprocess.run([sys.executable, "-m", "backbeat", "--help"], capture_output=True, text=True,
                         env={**os.environ, "BACKBEAT_DATA_DIR": str(tmp_path)})
    assert "setup" in out.stdout and "sound test" in out.stdout


def test_the_program_editor_shows_and_takes_loads_in_lb(qtbot, db):
    from backbeat.store.programs import load_program
    from backbeat.ui.trainer.window import TrainerContext, TrainerWindow

    window = TrainerWindow(TrainerContext(db))
    qtbot.addWidget(window)
    window.confirm_discard = lambda _what: True  # the edit below is left unsaved
    editor = window.show_tab("Programs")
    form = editor.item_form
    window.show_tab("Settings").choose("units", "lb")
    assert form.load_kind.itemText(form.load_kind.findData("kg")) == "lb"
    window.show_tab("Programs")
    # an item with a kg load in the sample program, shown in lb
    program = load_program(db, "Precision Back")
    for d, day in enumerate(program.days):
        for b, block in enumerate(day.blocks):
            for i, item in enumerate(block.items):
                if item.load and item.load.kind.value == "kg":
                    path, kg = (d, b, i), item.load.value
                    break
    editor.tree.setCurrentItem(editor._tree_items[path])
    assert form.load_value.suffix() == " lb"
    assert form.load_value.value() == pytest.approx(kg / 0.45359237, abs=0.5)
    form.load_value.setValue(50)  # typed in lb …
    from backbeat.ui.trainer.program_doc import node

    assert node(editor.doc, path)["load"] == {"kind": "kg", "value": pytest.approx(22.68)}  # … in kg
