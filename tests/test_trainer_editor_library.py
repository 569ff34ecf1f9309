"""The exercise library editor: edit, refuse with the field named, new exercises, media."""

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage

from backbeat.domain.exercise import Laterality, RiskFlag
from backbeat.store.library import load_library
from backbeat.ui.trainer.context import TrainerContext
from backbeat.ui.trainer.library_editor import LibraryEditor, slugify
from backbeat.ui.trainer.program_editor import ProgramEditor


def make(qtbot, db, context=None):
    editor = LibraryEditor(context or TrainerContext(db))
    editor.confirm = lambda title, text: True
    qtbot.addWidget(editor)
    editor.show()
    return editor


def check(list_widget, slug, on=True):
    for i in range(list_widget.count()):
        item = list_widget.item(i)
        if item.data(Qt.ItemDataRole.UserRole) == slug:
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
            return
    raise AssertionError(f"{slug} not offered")


def test_edit_an_exercise_and_the_program_editor_hears_of_it(qtbot, db):
    context = TrainerContext(db)
    programs = ProgramEditor(context)
    qtbot.addWidget(programs)
    editor = make(qtbot, db, context)
    assert editor.show_exercise("chest-supported-row")
    editor.cues.setPlainText("Chest stays on the pad\nShoulders down first")
    editor.flag_boxes[RiskFlag.SHOULDER].setChecked(True)
    check(editor.substitutions, "band-pull-apart")
    qtbot.keyClicks(editor.name, " (pad)")
    assert editor.unsaved_changes()
    assert editor.save()
    ex = load_library(db).get("chest-supported-row")
    assert ex.name == "Chest-supported row (pad)"
    assert ex.cues == ("Chest stays on the pad", "Shoulders down first")
    assert RiskFlag.SHOULDER in ex.risk_flags and "band-pull-apart" in ex.substitutions
    assert editor.unsaved_changes() is None
    # the program editor took the new library: its tree shows the new name
    assert any("Chest-supported row (pad)" in item.text(0) for item in programs._tree_items.values())


def test_a_bad_tempo_is_refused_at_its_field_and_nothing_is_written(qtbot, db):
    editor = make(qtbot, db)
    editor.show_exercise("face-pull")
    before = load_library(db).get("face-pull")
    editor.tempo.setText("3-1-?-0")
    editor.pattern.setText("")
    assert not editor.save()
    tempo_message = editor.rows["default_tempo"].message
    assert not tempo_message.isHidden() and "concentric phase '?'" in tempo_message.text()
    assert "at least 1 character" in editor.rows["pattern"].message.text()
    assert "2 problems" in editor.banner.text()
    assert load_library(db).get("face-pull") == before
    editor.revert()
    assert editor.tempo.text() == str(before.default_tempo or "")
    assert tempo_message.isHidden()


def test_new_exercise_gets_a_slug_and_a_taken_one_is_refused(qtbot, db):
    editor = make(qtbot, db)
    editor.new_exercise()
    qtbot.keyClicks(editor.name, "Prone cobra hold")
    assert editor.slug.text() == "prone-cobra-hold" == slugify("Prone cobra hold")
    editor.pattern.setText("isometric, scapular retraction")
    editor.start.setCurrentIndex(editor.start.findData("none"))
    editor.laterality.setCurrentIndex(editor.laterality.findData("bilateral"))
    assert editor.save()
    ex = load_library(db).get("prone-cobra-hold")
    assert ex.name == "Prone cobra hold" and ex.laterality is Laterality.BILATERAL
    editor.new_exercise()
    editor.name.setText("Face pull again")
    editor.slug.setText("face-pull")
    editor.pattern.setText("horizontal pull")
    assert not editor.save()
    assert "taken by 'Face pull with retraction'" in editor.rows["slug"].message.text()
    editor.slug.setText("Face Pull!")
    assert not editor.save()
    assert "lower-case letters" in editor.rows["slug"].message.text()


def test_a_breath_drill_must_have_no_rep_phases(qtbot, db):
    editor = make(qtbot, db)
    editor.show_exercise("box-breathing")
    editor.start.setCurrentIndex(editor.start.findData("concentric"))
    assert not editor.save()
    assert "start must be 'none'" in editor.rows["start"].message.text()


def test_media_picture_is_checked_and_previewed(qtbot, db, tmp_path):
    editor = make(qtbot, db)
    editor.show_exercise("bird-dog")
    editor.ask_media_path = lambda: str(tmp_path / "missing.png")
    editor.choose_media()
    assert editor.media_preview.text() == "file not found"
    assert not editor.save()
    assert "no image at" in editor.rows["media"].message.text()
    picture = QImage(120, 80, QImage.Format.Format_RGB32)
    picture.fill(QColor("#4EA8FF"))
    assert picture.save(str(tmp_path / "bird-dog.png"))
    editor.ask_media_path = lambda: str(tmp_path / "bird-dog.png")
    editor.choose_media()
    assert editor.media_preview.pixmap() is not None and not editor.media_preview.pixmap().isNull()
    assert editor.save()
    assert load_library(db).get("bird-dog").media == str(tmp_path / "bird-dog.png")


def test_switching_exercise_with_unsaved_edits_asks(qtbot, db):
    editor = make(qtbot, db)
    editor.show_exercise("face-pull")
    editor.cues.setPlainText("changed")
    asked = []
    editor.confirm = lambda title, text: asked.append(text) or False
    assert not editor.show_exercise("bird-dog")
    assert asked and "unsaved" in asked[0]
    assert editor.current.slug == "face-pull" and editor.cues.toPlainText() == "changed"
