"""The program editor end to end: edit, see the message, undo, save, reload,
import/export from the GUI, warnings, Start on TV."""

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView

from backbeat.engine.timeline import ClassPlan
from backbeat.store.demo import ensure_demo
from backbeat.store.library import load_library
from backbeat.store.programs import list_programs, load_program, program_file_text
from backbeat.store.sessions import start_session
from backbeat.ui.trainer.context import TrainerContext
from backbeat.ui.trainer.preview import clock
from backbeat.ui.trainer.program_editor import ProgramEditor


@pytest.fixture
def editor(qtbot, db):
    launched = []
    context = TrainerContext(db, launch_tv=lambda db_, name, day: launched.append((name, day)) or True)
    widget = ProgramEditor(context)
    widget.confirm = lambda title, text: True
    widget.launched = launched
    qtbot.addWidget(widget)
    widget.resize(1400, 900)
    widget.show()
    yield widget
    worker = widget.speech._worker  # a save makes its spoken names with espeak-ng, off the GUI thread:
    if worker is not None:  # slow on a busy machine, and not this test's leak
        worker.join(60)


def type_into(qtbot, field, text):
    field.selectAll()
    qtbot.keyClick(field, Qt.Key.Key_Delete)
    qtbot.keyClicks(field, text)


def tree_texts(editor):
    return [item.text(0) for item in editor._tree_items.values()]


def test_add_a_superset_break_the_tempo_see_the_message_undo(qtbot, editor, db):
    assert editor.saved_name == "Precision Back"
    day1_blocks = len(editor.doc["days"][0]["blocks"])
    editor.select((0,))
    editor.add_block("superset")
    block = editor.doc["days"][0]["blocks"][day1_blocks]
    assert block["kind"] == "superset" and block["rounds"] == 3 and len(block["items"]) == 2
    assert editor.selected == (0, day1_blocks)
    assert editor.review.ok
    assert any("Superset — superset × 3" in t for t in tree_texts(editor))
    assert editor.unsaved_changes()

    editor.select((0, day1_blocks, 0))
    assert editor.forms.currentWidget() is editor.item_form
    form = editor.item_form
    assert not form.rows["tempo"].isHidden()
    assert form.rows["sets"].isHidden()  # a superset's rounds set the sets
    type_into(qtbot, form.tempo, "3-1-?-0")
    item_path = f"days[0].blocks[{day1_blocks}].items[0]"
    assert [n.path for n in editor.review.problems] == [f"{item_path}.tempo"]
    message = form.rows["tempo"].message
    assert not message.isHidden()
    assert "concentric phase '?'" in message.text() and message.text().startswith("✖")
    assert "(got" not in message.text()  # the value is quoted once
    assert form.diagram.isHidden()  # the message sits right under the field
    assert form.tempo.text() == "3-1-?-0"  # what was typed stays, cursor and all
    assert tree_texts(editor)[0].startswith("✖")  # the program is marked …
    assert any(t.startswith("✖ E1") or t.startswith(f"✖ {chr(65 + day1_blocks)}1")
               for t in tree_texts(editor))  # … down to the exercise
    assert "1 problem" in editor.issues_title.text()
    assert not editor.preview.start.isEnabled()
    assert not editor.save()
    assert "1 problem" in editor.banner.text()
    assert len(load_program(db, "Precision Back").days[0].blocks) == day1_blocks  # nothing written

    editor.undo_stack.undo()  # the whole typed tempo is one step
    assert editor.review.ok and message.isHidden()
    assert not form.diagram.isHidden() and form.diagram.phases
    assert form.tempo.text() == block["items"][0]["tempo"]
    assert editor.doc["days"][0]["blocks"][day1_blocks]["items"][0]["tempo"] == block["items"][0]["tempo"]
    editor.undo_stack.undo()  # the superset goes
    assert len(editor.doc["days"][0]["blocks"]) == day1_blocks
    assert editor.unsaved_changes() is None
    editor.undo_stack.redo()
    assert editor.doc["days"][0]["blocks"][day1_blocks]["kind"] == "superset"


def test_tempo_shows_the_rep_in_the_movements_order(qtbot, editor):
    d, b, i = next((d, b, i) for d, day in enumerate(editor.doc["days"])
                   for b, block in enumerate(day["blocks"])
                   for i, item in enumerate(block["items"]) if item["exercise"] == "lat-pulldown")
    editor.select((d, b, i))
    form = editor.item_form
    type_into(qtbot, form.tempo, "4-1-1-2")
    assert "one rep: 8 s" in form.tempo_info.text()
    # a pull starts with the concentric: PULL 1 s, SQUEEZE 2 s, then the 4 s return
    phases = [(p, s, breath) for p, _label, s, breath in form.diagram.phases]
    assert phases == [("concentric", 1, "exhale"), ("pause_top", 2, "hold"),
                      ("eccentric", 4, "inhale"), ("pause_bottom", 1, "hold")]
    assert form.breath_cells[0][0].text().endswith("(concentric)")
    # override the breath in the squeeze: shown in the diagram and saved in the document
    box = form.breath_box(__import__("backbeat.domain.tempo", fromlist=["Phase"]).Phase.PAUSE_TOP)
    box.setCurrentIndex(box.findData("exhale"))
    box.activated.emit(box.currentIndex())
    assert editor.doc["days"][d]["blocks"][b]["items"][i]["breath"] == {"pause_top": "exhale"}
    assert form.diagram.phases[1][3] == "exhale"
    assert editor.save()
    assert str(load_program(editor.db, "Precision Back").days[d].blocks[b].items[i].tempo) == "4-1-1-2"


def test_save_and_reload(qtbot, editor, db):
    editor.select((0,))
    editor.add_block("superset")
    path = editor.selected
    editor.select((*path, 1))
    type_into(qtbot, editor.item_form.tempo, "4-0-1-2")
    editor.select(path)
    type_into(qtbot, editor.block_form.name, "Rear delts")
    editor.block_form.rounds.setValue(4)
    assert editor.save()
    assert editor.unsaved_changes() is None
    block = load_program(db, "Precision Back").days[0].blocks[path[1]]
    assert (block.name, block.kind.value, block.rounds) == ("Rear delts", "superset", 4)
    assert str(block.items[1].tempo) == "4-0-1-2"
    again = ProgramEditor(TrainerContext(db))
    qtbot.addWidget(again)
    assert again.doc == editor.doc


def test_duplicate_a_day_reorder_and_drag(qtbot, editor, db):
    days = len(editor.doc["days"])
    editor.select((0, 2))
    editor.duplicate_day()
    assert len(editor.doc["days"]) == days + 1
    assert editor.doc["days"][1]["name"] == editor.doc["days"][0]["name"] + " (copy)"
    assert editor.doc["days"][1]["blocks"] == editor.doc["days"][0]["blocks"]
    first, second = (b["name"] for b in editor.doc["days"][1]["blocks"][:2])
    editor.select((1, 0))
    editor.nudge(+1)
    assert [b["name"] for b in editor.doc["days"][1]["blocks"][:2]] == [second, first]
    assert editor.selected == (1, 1)
    # a drag of day 2's first exercise of block C onto block B lands at B's end
    tree = editor.tree
    position = QAbstractItemView.DropIndicatorPosition
    moving = editor.doc["days"][1]["blocks"][2]["items"][0]
    landing = tree.target_for((1, 2, 0), (1, 0), position.OnItem)
    assert landing == ((1, 0), 10_000)
    editor.move_node((1, 2, 0), *landing)
    assert editor.doc["days"][1]["blocks"][0]["items"][-1] == moving
    assert tree.target_for((1, 0), (0, 1, 0), position.OnItem) is None  # a block into an item: no
    assert tree.target_for((1, 0), (0, 3), position.AboveItem) == ((0,), 3)
    # block C lost its only exercise: that is a problem until undone
    assert any(n.path == "days[1].blocks[2].items" for n in editor.review.problems)
    editor.undo_stack.undo()
    assert editor.review.ok
    assert editor.save()
    assert len(load_program(db, "Precision Back").days) == days + 1


def test_bad_values_in_other_fields_name_their_field(qtbot, editor):
    editor.select((0, 1))  # the scapular holds superset
    editor.block_form.kind.setCurrentIndex(editor.block_form.kind.findData("straight"))
    editor.block_form.kind.activated.emit(editor.block_form.kind.currentIndex())
    block = editor.doc["days"][0]["blocks"][1]
    assert "kind" not in block and "rounds" not in block
    assert all(item["sets"] == 3 for item in block["items"])  # rounds carried over to sets
    editor.select(())
    type_into(qtbot, editor.program_form.name, "")
    assert not editor.program_form.rows["name"].message.isHidden()
    assert "at least 1 character" in editor.program_form.rows["name"].message.text()
    type_into(qtbot, editor.program_form.name, "Precision Back 2")
    assert editor.review.ok


def test_noise_warns_but_does_not_block(qtbot, editor, db):
    ensure_demo(db)  # Dev: disc history, substitution bird dog for the hyperextension
    editor.reload_athletes()
    risky = [n for n in editor.review.warnings if "Weighted hyperextension" in n.text]
    assert risky and "Dev" in risky[0].text and "Bird dog" in risky[0].text
    assert risky[0].path.endswith(".exercise")
    d, b, i = next((d, b, i) for d, day in enumerate(editor.doc["days"])
                   for b, block in enumerate(day["blocks"])
                   for i, item in enumerate(block["items"]) if item["exercise"] == "lat-pulldown")
    editor.select((d, b, i))
    type_into(qtbot, editor.item_form.tempo, "1-0-1-0")
    message = editor.item_form.rows["tempo"].message
    assert message.text().startswith("⚠") and "fast reps are noise" in message.text()
    editor.item_form.volume_value.setValue(30)
    editor.item_form.sets.setValue(4)
    texts = [n.text for n in editor.review.warnings]
    assert any("120 reps of Lat pulldown" in t for t in texts)
    assert any("high-rep volume" in t for t in texts)
    assert editor.review.ok and editor.save()  # warnings never block
    assert load_program(db, "Precision Back").days[d].blocks[b].items[i].reps == 30


def test_exercise_change_fits_the_volume(qtbot, editor):
    editor.select((0, 2, 0))  # lat pulldown, 8 reps
    form = editor.item_form
    form.exercise.setCurrentIndex(form.exercise.findData("scapular-retraction-hold"))
    form.exercise.activated.emit(form.exercise.currentIndex())
    item = editor.doc["days"][0]["blocks"][2]["items"][0]
    assert item["exercise"] == "scapular-retraction-hold"
    assert item.get("reps") is None and item["duration_s"] == 20 and "tempo" not in item
    assert editor.review.ok
    assert form.volume_kind.currentData() == "duration_s"


def test_preview_total_time_and_start_on_tv(qtbot, editor, db):
    plan = ClassPlan(load_program(db, "Precision Back"), 1, load_library(db))
    assert editor.preview.total.text().startswith(clock(plan.timeline().duration_s))
    assert editor.preview.describe_at(0.05)  # hovering names what runs there
    editor.select((1,))
    plan2 = ClassPlan(load_program(db, "Precision Back"), 2, load_library(db))
    assert editor.preview.total.text().startswith(clock(plan2.timeline().duration_s))
    editor.select((1, 2, 0))
    editor.item_form.rest.setValue(editor.item_form.rest.value() + 60)
    assert editor.unsaved_changes()
    editor.preview.start.click()  # saves first: the TV reads the store
    assert editor.launched == [("Precision Back", 2)]
    assert editor.unsaved_changes() is None
    longer = ClassPlan(load_program(db, "Precision Back"), 2, load_library(db)).timeline()
    assert longer.duration_s > plan2.timeline().duration_s


def test_import_export_round_trip_from_the_gui(qtbot, editor, db, tmp_path):
    out = tmp_path / "exported.json"
    assert editor.export_file(str(out))
    text = out.read_text("utf-8")
    assert text == program_file_text(load_program(db, "Precision Back"))  # what the CLI writes
    doc = json.loads(text)
    doc["name"] = "Precision Back B"
    (tmp_path / "b.json").write_text(json.dumps(doc))
    assert editor.import_file(str(tmp_path / "b.json"))
    assert editor.saved_name == "Precision Back B"
    assert set(list_programs(db)) == {"Precision Back", "Precision Back B"}
    assert load_program(db, "Precision Back B").days == load_program(db, "Precision Back").days
    again = tmp_path / "again.json"
    assert editor.export_file(str(again))
    assert json.loads(again.read_text()) == doc

    bad = dict(doc, name="Bad")
    bad["days"][0]["blocks"][2]["items"][0]["tempo"] = "3-1-?-0"
    bad["days"][0]["blocks"][2]["items"][0]["exercise"] = "lat-pulldown"
    (tmp_path / "bad.json").write_text(json.dumps(bad))
    assert not editor.import_file(str(tmp_path / "bad.json"))
    assert "bad.json was refused, nothing was saved" in editor.banner.text()
    assert "days[0].blocks[2].items[0].tempo" in editor.banner.text()
    assert "Bad" not in list_programs(db)
    assert editor.saved_name == "Precision Back B"  # the open program is untouched

    editor.select((0, 0, 0))
    editor.item_form.volume_value.setValue(9)
    assert not editor.export_file(str(tmp_path / "dirty.json"))
    assert "Save the program first" in editor.banner.text()


def test_rename_keeps_its_classes_and_refuses_a_taken_name(qtbot, editor, db):
    start_session(db, "Precision Back", 1)  # a class already ran from it
    editor.select(())
    type_into(qtbot, editor.program_form.name, "Precision Back II")
    assert editor.save()
    assert list_programs(db) == ["Precision Back II"]
    editor.new_program()
    type_into(qtbot, editor.program_form.name, "Precision Back II")
    assert not editor.save()
    message = editor.program_form.rows["name"].message
    assert "another program is called 'Precision Back II'" in message.text()
    assert list_programs(db) == ["Precision Back II"]


@pytest.mark.parametrize("template", ["straight", "superset", "circuit", "breath", "hold"])
def test_every_block_template_makes_a_valid_class(editor, template):
    editor.select((0, 1))
    editor.add_block(template)
    assert editor.selected == (0, 2)
    assert editor.review.ok, editor.review.problems
    assert editor.preview.start.isEnabled()
    editor.select((0, 2))
    editor.add_item()  # one more station: still valid
    assert editor.review.ok, editor.review.problems


def test_a_new_program_saved_and_listed(qtbot, editor, db):
    editor.new_program()
    assert editor.saved_name is None and editor.unsaved_changes() is None
    type_into(qtbot, editor.program_form.name, "Tuesday backs")
    editor.select((0, 0))
    editor.add_item()
    assert editor.save()
    assert set(list_programs(db)) == {"Precision Back", "Tuesday backs"}
    assert editor.picker.currentText() == "Tuesday backs"
    assert len(load_program(db, "Tuesday backs").days[0].blocks[0].items) == 2
    editor.open_program("Precision Back")
    assert editor.saved_name == "Precision Back"


def test_a_program_classes_ran_from_is_not_deleted(editor, db):
    start_session(db, "Precision Back", 1)
    editor.delete_current()
    assert editor.banner.text().startswith("Cannot delete 'Precision Back': 1 class was run")
    assert list_programs(db) == ["Precision Back"]


def test_deleting_a_program_no_class_ran_from(editor, db):
    editor.new_program()
    editor.select(())
    editor.program_form.name.setText("Scratch")
    editor.program_form.name.textEdited.emit("Scratch")
    assert editor.save() and "Scratch" in list_programs(db)
    editor.delete_current()
    assert list_programs(db) == ["Precision Back"]
    assert editor.saved_name == "Precision Back" and "Deleted 'Scratch'" in editor.banner.text()


def test_a_real_drop_event_moves_in_the_document(qtbot, editor):
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QDropEvent

    tree = editor.tree
    source = editor._tree_items[(0, 2)]  # block C
    target = editor._tree_items[(0, 4)]  # block E
    names = [b["name"] for b in editor.doc["days"][0]["blocks"]]
    tree.setCurrentItem(source)
    rect = tree.visualItemRect(target)
    event = QDropEvent(QPointF(rect.center()), Qt.DropAction.MoveAction,
                       tree.model().mimeData([tree.indexFromItem(source)]),
                       Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    tree.dropEvent(event)
    moved = [b["name"] for b in editor.doc["days"][0]["blocks"]]
    assert moved != names and sorted(moved) == sorted(names)
    assert moved.index(names[2]) in (3, 4)  # landed at block E
    assert editor.tree.topLevelItemCount() == 1  # the tree was rebuilt, not moved by Qt
    editor.undo_stack.undo()
    assert [b["name"] for b in editor.doc["days"][0]["blocks"]] == names


def test_undo_and_redo_from_the_keyboard(qtbot, editor):
    editor.select((0,))
    editor.duplicate_day()
    days = len(editor.doc["days"])
    editor.activateWindow()
    editor.tree.setFocus()
    qtbot.keyClick(editor.tree, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert len(editor.doc["days"]) == days - 1
    qtbot.keyClick(editor.tree, Qt.Key.Key_Z,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert len(editor.doc["days"]) == days


def test_choosing_a_check_selects_its_node(qtbot, editor):
    editor.select((1, 2, 0))
    type_into(qtbot, editor.item_form.tempo, "3-1-?-0")
    editor.select((0,))
    entry = editor.issues.item(0)
    assert entry.text().startswith("✖ Day 2 › C1 tempo")
    editor._issue_chosen(entry)
    assert editor.selected == (1, 2, 0)
    editor.undo_stack.undo()
    assert editor.issues.item(0).text().startswith("✔")
    editor._issue_chosen(editor.issues.item(0))  # the all-clear line goes nowhere
    assert editor.selected == (1, 2, 0)


def test_reimporting_a_program_classes_ran_from_replaces_it_in_place(db, tmp_path):
    from backbeat.store.programs import classes_run_from, export_program_file, import_program_file

    start_session(db, "Precision Back", 1)
    path = tmp_path / "pb.json"
    export_program_file(db, "Precision Back", path)
    doc = json.loads(path.read_text())
    doc["days"][0]["name"] = "Day 1 — Scapular control, v2"
    path.write_text(json.dumps(doc))
    program, _warnings = import_program_file(db, path)  # the old row stays, so its class does
    assert load_program(db, "Precision Back").days[0].name == "Day 1 — Scapular control, v2"
    assert classes_run_from(db, "Precision Back") == 1
