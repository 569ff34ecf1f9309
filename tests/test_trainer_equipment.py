"""The trainer's Equipment tab and the library's "loaded with" field."""

from backbeat.domain.equipment import STARTER_EQUIPMENT, Equipment, Kind
from backbeat.store.equipment import get_equipment
from backbeat.store.library import load_library
from backbeat.ui.trainer.context import TrainerContext
from backbeat.ui.trainer.equipment import EquipmentTab
from backbeat.ui.trainer.library_editor import LibraryEditor
from backbeat.ui.trainer.window import TAB_FACTORIES


def make(qtbot, db) -> EquipmentTab:
    tab = EquipmentTab(TrainerContext(db))
    qtbot.addWidget(tab)
    tab.show()
    return tab


def test_record_the_gyms_equipment(qtbot, db):
    assert "Equipment" in [t.title for t in TAB_FACTORIES]
    tab = make(qtbot, db)
    assert tab.bars.rows() == [] and tab.unsaved_changes() is None
    tab.show_equipment(STARTER_EQUIPMENT)  # "Start from a typical gym"
    assert tab.unsaved_changes() == "equipment not saved"
    # the gym has no 1.25s and a 45 lb bar of its own; one more pair of 20s
    t = tab.plates.table
    last = t.rowCount() - 1
    assert t.item(last, 0).text() == "1.25"
    t.selectRow(last)
    tab.plates.remove_row()
    t.item(1, 2).setText("3")
    tab.bars.add_row(["Power bar", "45", "lb"])
    tab.dumbbells.setText("10, 12, 14, 16, 20")
    assert tab.save()
    saved = get_equipment(db)
    assert saved.bar("power bar").kg == 45 * 0.45359237
    assert [(p.weight, p.pairs) for p in saved.plates][-1] == (2.5, 2)
    assert saved.plates[1].pairs == 3
    assert saved.dumbbells.weights == (10, 12, 14, 16, 20)
    assert tab.unsaved_changes() is None and "Saved" in tab.message.text()
    # try a load: without the 1.25s, 62.5 kg cannot be built
    tab.probe.setText("62.5")
    tab.show_probe()
    assert tab.probe_result.text() == "62.5 kg cannot be built: 60 kg or 65 kg"
    tab.probe.setText("100")
    tab.show_probe()
    assert tab.probe_result.text() == ("Olympic bar 20 kg + 25 · 15 kg each side  ·  "
                                       "warm-up bar → 45 → 65 → 85")


def test_a_bad_cell_is_named_and_nothing_is_saved(qtbot, db):
    tab = make(qtbot, db)
    tab.show_equipment(STARTER_EQUIPMENT)
    assert tab.save()
    tab.plates.table.item(0, 0).setText("heavy")
    assert not tab.save()
    assert "plates.0.weight: 'heavy' is not a number" in tab.message.text()
    tab.plates.table.item(0, 0).setText("25")
    tab.plates.table.item(0, 2).setText("1.5")
    assert not tab.save() and "count whole pairs" in tab.message.text()
    tab.plates.table.item(0, 2).setText("4")
    tab.bars.add_row(["olympic BAR", "20", "kg"])
    assert not tab.save() and "two bars have the same name" in tab.message.text()
    assert get_equipment(db) == STARTER_EQUIPMENT
    tab.load()
    assert tab.unsaved_changes() is None
    tab.show_equipment(Equipment())
    assert tab.save() and get_equipment(db) == Equipment()


def test_the_library_says_what_an_exercise_is_loaded_with(qtbot, db):
    editor = LibraryEditor(TrainerContext(db))
    editor.confirm = lambda title, text: True
    qtbot.addWidget(editor)
    assert editor.show_exercise("romanian-deadlift")
    assert editor.equipment.currentData() == "barbell"
    editor.bar.setText("Women's bar")
    editor.bar.textEdited.emit("Women's bar")
    assert editor.save()
    ex = load_library(db).get("romanian-deadlift")
    assert ex.equipment is Kind.BARBELL and ex.bar == "Women's bar"
    assert STARTER_EQUIPMENT.menu_for(ex).builds[0].kg == 15  # the women's bar
    assert editor.show_exercise("bird-dog")
    editor.equipment.setCurrentIndex(editor.equipment.findData(""))
    editor.equipment.activated.emit(0)
    assert editor.save()
    assert load_library(db).get("bird-dog").equipment is None
