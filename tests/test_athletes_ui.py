"""The Athletes tab driven with pytest-qt: roster, screening, disc history →
substitution, notes, and refusals that keep what was saved."""

from datetime import date

import pytest

from backbeat.domain.athlete import caution_for
from backbeat.store.athletes import athlete_notes, get_athlete, list_athletes, list_screenings
from backbeat.ui.trainer.athletes import AthletesTab
from backbeat.ui.trainer.context import TrainerContext


@pytest.fixture
def tab(db, qtbot):
    context = TrainerContext(db)
    widget = AthletesTab(context)
    qtbot.addWidget(widget)
    return widget, context


def _add(widget, name):
    widget.new_name.setText(name)
    return widget.add_athlete()


def test_roster_add_and_refuse_duplicates(db, tab, qtbot):
    widget, context = tab
    assert widget.header.text() == "No athletes yet" and not widget.form.isEnabled()
    with qtbot.waitSignal(context.events.athletes_changed):
        assert _add(widget, "Zoe")
    assert [a.name for a in list_athletes(db)] == ["Zoe"]
    assert widget.header.text() == "Zoe" and widget.form.isEnabled()
    assert not _add(widget, " zoe ".replace("z", "Z"))
    assert "exists already" in widget.message.text()
    assert not _add(widget, "")
    assert "1 to 80 characters" in widget.message.text()
    assert widget.roster.count() == 1


def test_screening_with_disc_history_then_choose_the_substitute(db, tab, library):
    widget, _context = tab
    _add(widget, "Dev")
    _add(widget, "Ana")
    widget.select_athlete("Dev")
    form = widget.form
    form.mobility["flexion"].setCurrentText("limited")
    form.mobility["extension"].setCurrentText("painful")
    form.posture.setText("Rounded shoulders")
    form.strength_test.setText("single-arm row 8RM")
    form.left_kg.setText("14")
    form.right_kg.setText("12")
    assert form.imbalance.text() == "right 14% weaker — imbalance"
    form.disc.setChecked(True)
    assert widget.save_screening()
    assert "Substitutes set for" in widget.message.text()
    [s] = list_screenings(db, get_athlete(db, widget.athlete.id).id)
    assert s.disc_history and s.findings.left_kg == 14 and s.findings.posture == "Rounded shoulders"
    assert widget.table.rowCount() == 1 and widget.table.item(0, 1).text() == "⚑ yes"
    assert "disc history" in widget.roster.currentItem().text()
    assert "Disc history" in widget.flags.text()
    # the flag brings the risky exercises into the substitutions table with the library's first
    assert "weighted-hyperextension" in widget.substitution_rows()
    combo = widget.substitute_combo("weighted-hyperextension")
    assert combo.currentData() == library.get("weighted-hyperextension").substitutions[0]
    # the trainer picks another; it is saved at once and reaches the caution
    combo.setCurrentIndex(combo.findData("unloaded-slow-hyperextension"))
    dev = get_athlete(db, widget.athlete.id)
    assert dev.substitutions["weighted-hyperextension"] == "unloaded-slow-hyperextension"
    assert caution_for(dev, library.get("weighted-hyperextension")).substitute == "unloaded-slow-hyperextension"
    # the substitute's own prescription: what the kiosk pre-fills (refusals name the field)
    row = widget._row_of("weighted-hyperextension")
    own = widget.subs.cellWidget(row, 3)
    assert own.isEnabled() and own.text() == ""
    assert widget.set_substitute_prescription("weighted-hyperextension", "12 5-1-2-1 2kg")
    dev = get_athlete(db, widget.athlete.id)
    sp = dev.substitute_prescriptions["weighted-hyperextension"]
    assert (sp.reps, sp.tempo, sp.load_kg) == (12, "5-1-2-1", 2.0)
    assert not widget.set_substitute_prescription("weighted-hyperextension", "12 5-1-?-1")
    assert "prescription: tempo" in widget.message.text()
    assert get_athlete(db, widget.athlete.id).substitute_prescriptions == dev.substitute_prescriptions
    # risky substitutes are not even offered
    assert combo.findData("romanian-deadlift") == -1
    # "none chosen" removes the trainer's choice
    combo.setCurrentIndex(combo.findData(None))
    assert "weighted-hyperextension" not in get_athlete(db, widget.athlete.id).substitutions
    # Ana is untouched
    widget.select_athlete("Ana")
    assert widget.substitution_rows() == [] and widget.table.rowCount() == 0


def test_editing_a_screening_and_bad_input(db, tab):
    widget, _context = tab
    _add(widget, "Eli")
    form = widget.form
    form.left_kg.setText("12")
    assert widget.save_screening()
    sid = list_screenings(db, widget.athlete.id)[0].id
    # the saved screening is loaded for editing; a bad number is refused, nothing changes
    widget.table.selectRow(0)
    assert form.screening_id == sid and form.left_kg.text() == "12"
    form.right_kg.setText("twelve")
    assert "right strength: 'twelve' is not a number of kg" in form.imbalance.text()
    assert not widget.save_screening()
    assert "Screening not saved — right strength: 'twelve' is not a number of kg" in widget.message.text()
    assert list_screenings(db, widget.athlete.id)[0].findings.right_kg is None
    form.right_kg.setText("10.5")
    form.notes.setText("re-test in 6 weeks")
    assert widget.save_screening()
    [s] = list_screenings(db, widget.athlete.id)
    assert s.id == sid and s.findings.right_kg == 10.5 and s.notes == "re-test in 6 weeks"
    # a new one dated yesterday (listed second), then delete it
    widget._new_screening()
    assert form.screening_id is None and form.left_kg.text() == ""
    form.when.setDate(form.when.date().addDays(-1))
    assert widget.save_screening()
    assert len(list_screenings(db, widget.athlete.id)) == 2
    widget.table.selectRow(1)
    assert widget.delete_selected()
    assert [x.id for x in list_screenings(db, widget.athlete.id)] == [sid]  # yesterday's went
    assert form.when.maximumDate().toPython() == date.today()  # no screenings in the future


def test_notes_saved_and_unsaved_warned(db, tab):
    widget, _context = tab
    _add(widget, "Gus")
    widget.notes.setPlainText("Works nights; Tuesday class only.")
    assert widget.unsaved_changes() == "notes for Gus"
    assert widget.save_athlete_notes()
    assert athlete_notes(db, widget.athlete.id) == "Works nights; Tuesday class only."
    assert widget.unsaved_changes() is None
    widget.notes.setPlainText("x" * 4001)
    assert not widget.save_athlete_notes()
    assert "at most 4000" in widget.message.text()
    assert athlete_notes(db, widget.athlete.id) == "Works nights; Tuesday class only."


def test_the_trainer_logs_a_forgotten_set_and_sees_where_each_set_belongs(db, tab, qtbot):
    from backbeat.store.logs import count_logs

    widget, context = tab
    _add(widget, "Ana")
    widget.log_exercise.setCurrentIndex(widget.log_exercise.findData("face-pull"))
    widget.log_reps.setText("8")
    widget.log_load.setText("12.5kg")
    widget.log_rpe.setCurrentText("8")
    with qtbot.waitSignal(context.events.logs_changed):
        assert widget.log_set()
    assert "Logged set 1 of Face pull with retraction for Ana (open gym)" in widget.message.text()
    assert widget.log_set()  # set 2
    cells = [widget.sets.item(0, c).text() for c in range(widget.sets.columnCount())]
    assert cells[1:] == ["Face pull with retraction", "2", "", "8 × 12.5 kg", "8", "", "open gym", "trainer", ""]
    before = count_logs(db)
    widget.log_load.setText("900kg")
    assert not widget.log_set()
    assert "load: 900 kg is more than this gym logs" in widget.message.text()
    widget.log_load.setText("")
    widget.log_reps.setText("-1")
    assert not widget.log_set() and "reps" in widget.message.text()
    assert count_logs(db) == before and widget.sets.rowCount() == 2
    # a timed hold (done as a substitute) is logged in seconds held
    widget.log_exercise.setCurrentIndex(widget.log_exercise.findData("scapular-retraction-hold"))
    assert widget.log_reps_caption.text() == "Seconds held"
    widget.log_reps.setText("40")
    assert widget.log_set()
    cells = [widget.sets.item(0, c).text() for c in range(widget.sets.columnCount())]
    assert cells[1] == "Scapular retraction hold" and cells[4] == "40 s hold"
    widget.log_exercise.setCurrentIndex(widget.log_exercise.findData("face-pull"))
    assert widget.log_reps_caption.text() == "Reps"
