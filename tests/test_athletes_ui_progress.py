"""The Progress tab driven with pytest-qt: chart data against the logs, hover,
accept and override a suggestion, PNG export."""

import uuid
from datetime import datetime, timedelta

import numpy as np
import pytest
from PySide6.QtCore import QPointF

from backbeat.domain import analytics as an
from backbeat.domain.progression import Action
from backbeat.store.athletes import Source, add_athlete, progress_for
from backbeat.store.history import add_logs_bulk, athlete_charts, exercise_slugs
from backbeat.ui.trainer.charts import stamp
from backbeat.ui.trainer.context import TrainerContext
from backbeat.ui.trainer.progress import ProgressTab

T0 = datetime(2026, 10, 5, 18)  # a Monday


def _log(db, athlete, slug, when, sets, side=None, tempo="3-1-1-2"):
    ids = {s: i for i, s in exercise_slugs(db).items()}
    add_logs_bulk(db, [dict(idempotency_key=uuid.uuid4().hex, athlete_id=athlete, exercise_id=ids[slug],
                            set_number=n + 1, side=side, reps=reps, load_kg=load, form=form, tempo=tempo,
                            logged_at=when + timedelta(minutes=3 * n), station="t", undone=False)
                       for n, (reps, load, form) in enumerate(sets)])


@pytest.fixture
def tab(db, qtbot):
    ana = add_athlete(db, "Ana")
    add_athlete(db, "Ben")
    for week in range(3):
        day = T0 + timedelta(weeks=week)
        _log(db, ana, "lat-pulldown", day, [(8, 30.0 + 2.5 * week, 4), (8, 30.0 + 2.5 * week, 5)])
        _log(db, ana, "single-arm-dumbbell-row", day + timedelta(minutes=20), [(8, 12.0, 4)], side="left")
        _log(db, ana, "single-arm-dumbbell-row", day + timedelta(minutes=22), [(8, 10.0, 3)], side="right")
    widget = ProgressTab(TrainerContext(db))
    qtbot.addWidget(widget)
    widget.resize(1600, 950)
    widget.range.setCurrentText("All history")
    widget.select_athlete("Ana")
    return widget, ana


def _bars(item):
    return np.asarray(item.opts["x"]), np.asarray(item.opts["height"])


def test_charts_show_what_was_logged(db, tab):
    widget, ana = tab
    expected = athlete_charts(db, ana)
    assert widget.exercise.currentData() == "lat-pulldown"  # the most logged first
    xs, loads = widget.view.load_curve.getData()
    assert list(loads) == [30.0, 32.5, 35.0]
    assert list(xs) == [stamp((T0 + timedelta(weeks=w)).date()) for w in range(3)]
    _x, volume = _bars(widget.view.volume_bars)
    assert list(volume) == [v.volume_kg for v in expected.volume]
    assert volume[0] == 2 * 8 * 30.0 + 8 * 12.0 + 8 * 10.0
    _x, logged = _bars(widget.view.tension_logged)
    assert list(logged) == pytest.approx([(16 * 7 + 16 * 7) / 60] * 3)  # 3-1-1-2 = 7 s a rep
    _x, form = widget.view.form_curve.getData()
    assert list(form) == pytest.approx([(4 + 5 + 4 + 3) / 4] * 3)
    _x, left = _bars(widget.view.sides_left)
    assert list(left) == pytest.approx([(96 - 80) / 96 * 100] * 3)
    # another exercise: the load chart follows
    widget.exercise.setCurrentIndex(widget.exercise.findData("single-arm-dumbbell-row"))
    assert list(widget.view.load_curve.getData()[1]) == [12.0] * 3
    # another athlete with nothing logged: empty charts, no error
    widget.select_athlete("Ben")
    assert len(widget.view.load_curve.getData()[0] or []) == 0
    assert "nothing logged" in widget.summary.text()


def test_hover_shows_the_values_under_the_mouse(tab, qtbot):
    widget, _ana = tab
    widget.show()
    qtbot.waitExposed(widget)
    widget.view.grab()  # lays the plots out and settles their ranges
    plot = widget.view.volume
    week1 = stamp(T0.date()) + 3 * 86400
    scene = plot.vb.mapViewToScene(QPointF(week1, 100.0))
    widget.view._hovered(scene)
    readout = widget.view.readouts["volume"]
    assert readout.label.isVisible()
    assert "week of 5 Oct 2026" in readout.label.textItem.toPlainText()
    assert "656 kg × reps, 32 reps, 4 sets" in readout.label.textItem.toPlainText()
    # the mouse over another chart hides this one's readout
    widget.view._hovered(widget.view.form.vb.mapViewToScene(QPointF(stamp(T0.date()), 4.0)))
    assert not readout.label.isVisible() and widget.view.readouts["form"].label.isVisible()
    assert "form 4.0 over 4 rated sets" in widget.view.readouts["form"].label.textItem.toPlainText()


def test_accept_and_override_a_suggestion(db, tab):
    widget, ana = tab
    panel = widget.panel
    panel.select("lat-pulldown")
    row = panel.current()
    assert row.suggestion.action is Action.ADVANCE  # 4.5 form, every rep, two sessions
    assert "lengthen the eccentric 3 → 4 s" in panel.why.text()
    assert panel.accept_suggestion()
    decided = progress_for(db, ana, "lat-pulldown").decision
    assert decided.source is Source.ACCEPTED and decided.prescription.tempo == "4-1-1-2"
    assert panel.current().exercise == "lat-pulldown" and "accepted" in panel.decided.text()

    # a bad override says what is wrong and saves nothing
    panel.tempo.setText("3-1-?-0")
    assert not panel.save_override()
    assert "Not saved" in panel.message.text() and "tempo" in panel.message.text()
    panel.tempo.setText("3-1-1-2")
    panel.load.setText("thirty")
    assert not panel.save_override()
    assert "'thirty' is not a number of kg" in panel.message.text()
    assert progress_for(db, ana, "lat-pulldown").decision == decided

    panel.load.setText("32,5")
    panel.reps.setValue(6)
    panel.note.setText("elbow")
    assert panel.save_override()
    d = progress_for(db, ana, "lat-pulldown").decision
    assert (d.source, d.prescription.tempo, d.prescription.reps, d.prescription.load_kg, d.note) == (
        Source.OVERRIDE, "3-1-1-2", 6, 32.5, "elbow")
    assert "override" in panel.decided.text() and "elbow" in panel.decided.text()


def test_charts_export_to_png(tab, tmp_path):
    widget, _ana = tab
    out = tmp_path / "ana.png"
    assert widget.export_png(out)
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000


def test_class_chart_reads_the_sessions(db, qtbot):
    points = an.class_attendance([
        an.ClassRecord(1, T0, "Precision Back day 1", 4, 60, 19),
        an.ClassRecord(2, T0 + timedelta(days=2), "Precision Back day 2", 0, 0, 18)])
    widget = ProgressTab(TrainerContext(db))
    qtbot.addWidget(widget)
    widget.view.show_classes(points)
    _x, heights = _bars(widget.view.attendance_bars)
    assert list(heights) == [4, 0]
    assert list(widget.view.completion_curve.getData()[1]) == pytest.approx([60 / 76 * 100, 0.0])


def test_an_exercise_without_tempo_can_be_set_by_override(db, qtbot):
    from backbeat.domain.exercise import Exercise
    from backbeat.store.library import save_exercise

    # a gym's own exercise: no default tempo, in no program, logged without tempo
    save_exercise(db, Exercise(slug="seal-row", name="Seal row", pattern="horizontal pull",
                               start="concentric"))
    ana = add_athlete(db, "Ana")
    _log(db, ana, "seal-row", T0, [(8, 40.0, 4)], tempo=None)
    widget = ProgressTab(TrainerContext(db))
    qtbot.addWidget(widget)
    panel = widget.panel
    panel.select("seal-row")
    assert panel.current().suggestion is None  # nothing to progress from: only an override
    assert not panel.accept.isEnabled() and panel.override.isEnabled()
    assert "set them with an override" in panel.why.text()
    panel.tempo.setText("4-0-1-0")
    panel.reps.setValue(8)
    panel.load.setText("40")
    assert panel.save_override()
    row = progress_for(db, ana, "seal-row")
    assert row.current == row.decision.prescription and row.suggestion is not None
