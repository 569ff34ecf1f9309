"""The Progress tab: an athlete's charts, the class charts, and earned progression.

Six charts (made once; picking an athlete only sets their data): load and reps
for one exercise, time under tension per class (prescribed vs logged), weekly
volume, form trend, left/right difference on one-side work, and — for the
whole gym — attendance and completion of the latest classes. Hovering shows
the values of the nearest point; "Save charts as PNG…" writes what is shown.

Beside them, every exercise the athlete logged with the prescription in
force, the rule's suggestion and why; the trainer accepts it or overrides it
(tempo, reps, load and a note). Kiosk and TV show the result.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QPainterPath
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from backbeat.domain import analytics as an
from backbeat.domain.errors import InvalidInput
from backbeat.domain.program import MAX_REPS
from backbeat.domain.progression import Action, Prescription
from backbeat.domain.setlog import KG_PER_LB, Units, format_load, kg_to_units, units_of, units_to_kg
from backbeat.store.athletes import (
    ProgressRow,
    Source,
    decide_prescription,
    list_athletes,
    progress_rows,
)
from backbeat.store.history import AthleteCharts, athlete_charts, class_records, most_logged_athlete
from backbeat.store.library import load_library
from backbeat.store.settings import get_setting
from backbeat.ui import theme
from backbeat.ui.trainer.charts import (
    DAY_S,
    Readout,
    SecondAxis,
    bars,
    dated_plot,
    day_text,
    set_bars,
    stamps,
)
from backbeat.ui.trainer.context import TrainerContext

#: What the range picker offers: label -> days back from today (None = everything).
RANGES = {"Last 12 weeks": 84, "Last year": 365, "All history": None}
ACTION_WORDS = {Action.ADVANCE: "▲ advance", Action.HOLD: "■ hold", Action.STEP_BACK: "▼ step back"}

ORANGE, BLUE, GREEN, VIOLET, GREY = (theme.SERIES_ORANGE, theme.SERIES_BLUE, theme.SERIES_GREEN,
                                     theme.SERIES_VIOLET, theme.SERIES_GREY)


def _dash_symbol() -> QPainterPath:
    """A short horizontal bar: the prescribed level sitting on a logged bar."""
    path = QPainterPath()
    path.addRect(QRectF(-0.5, -0.09, 1.0, 0.18))
    return path


DASH = _dash_symbol()


class AthleteChartsView(pg.GraphicsLayoutWidget):
    """The six charts. ``show_charts`` / ``show_classes`` only set data."""

    def __init__(self):
        super().__init__()
        self.units = Units.KG  # the loads' units on the axes and in the readouts
        self.setBackground("w")
        self.ci.layout.setSpacing(14)
        self.load = dated_plot(self, 0, 0, "Load and reps", "top load (kg)")
        self.reps_axis = SecondAxis(self.load, "reps per set")
        self.load_curve = self.load.plot([], [], pen=pg.mkPen(ORANGE, width=3), symbol="o",
                                         symbolBrush=ORANGE, symbolPen=ORANGE, symbolSize=8,
                                         name="top load")
        self.reps_curve = pg.PlotDataItem([], [], pen=None, symbol="t1", symbolBrush=BLUE,
                                          symbolPen=BLUE, symbolSize=7)
        self.reps_axis.add(self.reps_curve)

        self.tension = dated_plot(self, 0, 1, "Time under tension per class", "minutes")
        self.tension_logged = bars(GREEN)
        self.tension.addItem(self.tension_logged)
        self.tension_prescribed = self.tension.plot([], [], pen=None, symbol=DASH, symbolSize=14,
                                                    symbolBrush=theme.MARK, symbolPen=pg.mkPen(theme.MARK))

        self.volume = dated_plot(self, 1, 0, "Weekly volume", "kg × reps")
        self.volume_bars = bars(ORANGE)
        self.volume.addItem(self.volume_bars)

        self.form = dated_plot(self, 1, 1, "Form (average rating of 5)", "form")
        self.form.setYRange(1, 5.2, padding=0)
        self.form.addItem(pg.InfiniteLine(pos=4, angle=0,
                                          pen=pg.mkPen(GREY, width=1, style=Qt.PenStyle.DashLine)))
        self.form_curve = self.form.plot([], [], pen=pg.mkPen(VIOLET, width=2), symbol="d",
                                         symbolBrush=VIOLET, symbolPen=VIOLET, symbolSize=9)

        self.sides = dated_plot(self, 2, 0, "Left − right (one-side work)", "% of the stronger side")
        self.sides_left = bars(BLUE)
        self.sides_right = bars(ORANGE)
        self.sides.addItem(self.sides_left)
        self.sides.addItem(self.sides_right)
        for y in (-10, 10):
            self.sides.addItem(pg.InfiniteLine(pos=y, angle=0, pen=pg.mkPen(GREY, style=Qt.PenStyle.DashLine)))
        self.sides.addItem(pg.InfiniteLine(pos=0, angle=0, pen=pg.mkPen(theme.MARK)))

        self.classes = dated_plot(self, 2, 1, "Classes: attendance and completion (everyone)",
                                  "athletes")
        self.completion_axis = SecondAxis(self.classes, "completion %")
        self.completion_axis.view.setYRange(0, 105, padding=0)
        self.attendance_bars = bars(theme.BAR_FILL, theme.BAR_EDGE)
        self.classes.addItem(self.attendance_bars)
        self.completion_curve = pg.PlotDataItem([], [], pen=pg.mkPen(GREEN, width=2), symbol="o",
                                                symbolBrush=GREEN, symbolPen=GREEN, symbolSize=7)
        self.completion_axis.add(self.completion_curve)

        self.readouts = {name: Readout(getattr(self, name))
                         for name in ("load", "tension", "volume", "form", "sides", "classes")}
        self.scene().sigMouseMoved.connect(self._hovered)
        self.legends()

    def legends(self) -> None:
        def title(plot: pg.PlotItem, text: str) -> None:
            plot.setTitle(text, color=theme.INK, size="12pt")

        title(self.load, f"Load and reps — <span style='color:{ORANGE}'>● top load</span>  "
                         f"<span style='color:{BLUE}'>▲ reps per set</span>")
        title(self.tension, f"Time under tension per class — <span style='color:{GREEN}'>█ logged</span>"
                            "  ▬ prescribed")
        title(self.form, f"Form (average rating of 5) — <span style='color:{VIOLET}'>◆ per class</span>"
                         "  - - advancing needs 4")
        title(self.sides, f"Left − right, one-side work — <span style='color:{BLUE}'>▲ left did more"
                          f"</span>  <span style='color:{ORANGE}'>▼ right did more</span>")
        title(self.classes, "Classes (everyone) — ▮ athletes  "
                            f"<span style='color:{GREEN}'>● completion %</span>")

    def _hovered(self, pos) -> None:
        for readout in self.readouts.values():
            readout.hover(pos)

    def set_units(self, units: Units) -> None:
        self.units = units
        self.load.setLabel("left", f"top load ({units.value})")
        self.volume.setLabel("left", f"{units.value} × reps")

    def show_charts(self, charts: AthleteCharts, exercise: str | None, exercise_name: str = "") -> None:
        units = self.units
        per_kg = 1.0 if units is Units.KG else 1 / KG_PER_LB  # stored kg → the units shown
        points = charts.load_and_reps(exercise) if exercise else []
        xs = stamps([p.on for p in points])
        loads = np.array([np.nan if p.top_load_kg is None else p.top_load_kg * per_kg for p in points],
                         dtype=float)
        reps = np.array([p.reps_per_set for p in points], dtype=float)
        self.load_curve.setData(xs, loads, connect="finite")
        self.reps_curve.setData(xs, reps)
        self.reps_axis.view.setYRange(0, max(reps.max(initial=0) * 1.15, 1), padding=0)
        self.load.setTitle(f"{exercise_name or 'Load and reps'} — <span style='color:{ORANGE}'>● top load"
                           f"</span>  <span style='color:{BLUE}'>▲ reps per set</span>",
                           color=theme.INK, size="12pt")
        self.readouts["load"].set_points(xs, lambda i: (
            f"{day_text(xs[i])}\n{exercise_name}: "
            f"{format_load(points[i].top_load_kg, units)}, "
            f"{points[i].reps_per_set:.1f} reps a set, {points[i].sets} sets"))

        xs = stamps([p.on for p in charts.tension])
        logged = np.array([p.logged_s / 60 for p in charts.tension])
        prescribed = np.array([p.prescribed_s / 60 for p in charts.tension])
        set_bars(self.tension_logged, xs, logged, 0.8 * DAY_S)
        self.tension_prescribed.setData(xs, prescribed)
        tension = charts.tension
        self.readouts["tension"].set_points(xs, lambda i: (
            f"{day_text(tension[i].on)}\nlogged {tension[i].logged_s / 60:.1f} min, "
            f"prescribed {tension[i].prescribed_s / 60:.1f} min"))

        xs = stamps([v.week for v in charts.volume]) + 3 * DAY_S  # the middle of the week
        set_bars(self.volume_bars, xs, [v.volume_kg * per_kg for v in charts.volume], 6 * DAY_S)
        volume = charts.volume
        self.readouts["volume"].set_points(xs, lambda i: (
            f"week of {day_text(volume[i].week)}\n{volume[i].volume_kg * per_kg:,.0f} {units.value} × reps, "
            f"{volume[i].reps} reps, {volume[i].sets} sets"))

        xs = stamps([f.on for f in charts.form])
        self.form_curve.setData(xs, np.array([f.mean for f in charts.form]))
        form = charts.form
        self.readouts["form"].set_points(xs, lambda i: (
            f"{day_text(form[i].on)}\nform {form[i].mean:.1f} over {form[i].rated_sets} rated sets"))

        xs = stamps([s.on for s in charts.sides])
        diff = np.array([s.difference_pct for s in charts.sides])
        left, right = diff >= 0, diff < 0
        set_bars(self.sides_left, xs[left], diff[left], 0.8 * DAY_S)
        set_bars(self.sides_right, xs[right], diff[right], 0.8 * DAY_S)
        sides = charts.sides

        def side_text(i: int) -> str:
            s = sides[i]
            more = (f"left did {s.difference_pct:.0f}% more" if s.difference_pct >= 0 else
                    f"right did {-s.difference_pct:.0f}% more")
            return (f"{day_text(s.on)}\nleft {s.left * per_kg:,.0f}, right {s.right * per_kg:,.0f} "
                    f"({units.value} × reps): {more}")

        self.readouts["sides"].set_points(xs, side_text)
        for plot in (self.load, self.tension, self.volume, self.form, self.sides):
            plot.enableAutoRange(x=True)
        self.load.enableAutoRange(y=True)
        self.tension.enableAutoRange(y=True)
        self.volume.enableAutoRange(y=True)
        self.sides.setYRange(min(-15.0, diff.min(initial=0) * 1.2), max(15.0, diff.max(initial=0) * 1.2))

    def show_classes(self, points: list[an.ClassPoint]) -> None:
        xs = stamps([p.on for p in points])
        set_bars(self.attendance_bars, xs, [p.attendees for p in points], 0.8 * DAY_S)
        self.completion_curve.setData(xs, np.array([p.completion_pct for p in points]))
        self.classes.enableAutoRange()
        self.readouts["classes"].set_points(xs, lambda i: (
            f"{day_text(points[i].on)} — {points[i].label}\n{points[i].attendees} athletes, "
            f"{points[i].completion_pct:.0f}% of sets logged"))

    def export_png(self, path: str | Path) -> bool:
        return self.grab().save(str(path), "PNG")


class ProgressionPanel(QWidget):
    """Exercises with the prescription in force, the suggestion, and the trainer's decision."""

    COLUMNS = ("Exercise", "Now", "Suggested")

    def __init__(self, context: TrainerContext):
        super().__init__()
        self.context = context
        self.athlete_id: int | None = None
        self.rows: list[ProgressRow] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        title = QLabel("Earned progression")
        font = title.font()
        font.setPointSize(font.pointSize() + 3)
        font.setBold(True)
        title.setFont(font)
        layout.addWidget(title)
        layout.addWidget(QLabel("Eccentric first (+1 s to 6 s), then a small load step — only after two "
                                "sessions with form ≥ 4 and every rep done."))
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setHorizontalHeaderLabels(self.COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        for i in range(len(self.COLUMNS)):
            header.setSectionResizeMode(i, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._selected)
        layout.addWidget(self.table, 1)
        self.why = QLabel()
        self.why.setWordWrap(True)
        self.why.setObjectName("why")
        font = self.why.font()
        font.setPointSize(font.pointSize() + 1)
        self.why.setFont(font)
        self.decided = QLabel()
        self.decided.setWordWrap(True)
        layout.addWidget(self.why)
        layout.addWidget(self.decided)

        self.accept = QPushButton("✓  Accept suggestion")
        self.accept.setMinimumHeight(34)
        self.accept.clicked.connect(self.accept_suggestion)
        layout.addWidget(self.accept)

        box = QGroupBox("Override")
        form = QFormLayout(box)
        self.tempo = QLineEdit()
        self.tempo.setPlaceholderText("e.g. 4-1-1-2")
        self.reps = QSpinBox()
        self.reps.setRange(1, MAX_REPS)
        self.load = QLineEdit()
        self.note = QLineEdit()
        self.note.setPlaceholderText("why (shown to the trainer later)")
        form.addRow("Tempo", self.tempo)
        form.addRow("Reps", self.reps)
        form.addRow("Load", self.load)
        self.load_label = form.labelForField(self.load)
        form.addRow("Note", self.note)
        self.override = QPushButton("Save override")
        self.override.setMinimumHeight(34)
        self.override.clicked.connect(self.save_override)
        form.addRow(self.override)
        layout.addWidget(box)
        self.message = QLabel()
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self._enable(False)

    def _enable(self, on: bool) -> None:
        for w in (self.accept, self.tempo, self.reps, self.load, self.note, self.override):
            w.setEnabled(on)

    def show_athlete(self, athlete_id: int | None) -> None:
        self.athlete_id = athlete_id
        self.refresh()

    def refresh(self, keep: str | None = None) -> None:
        self.units = units_of(get_setting(self.context.db, "units"))
        self.load_label.setText(f"Load ({self.units.value})")
        self.load.setPlaceholderText(f"{self.units.value}, blank for no load")
        self.rows = progress_rows(self.context.db, self.athlete_id) if self.athlete_id else []
        self.table.setRowCount(len(self.rows))
        for r, row in enumerate(self.rows):
            s = row.suggestion
            cells = [row.name,
                     row.current.describe(self.units) if row.current else "no tempo or reps known",
                     f"{ACTION_WORDS[s.action]}  {s.prescription.describe(self.units)}" if s else "—"]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(s.reason if s else text)
                self.table.setItem(r, c, item)
        index = next((i for i, row in enumerate(self.rows) if row.exercise == keep), 0)
        if self.rows:
            self.table.setCurrentCell(index, 0)
            self._selected()  # also when the same row stays current
        else:
            self._enable(False)
            self.why.setText("Nothing logged yet." if self.athlete_id else "")
            self.decided.setText("")

    def current(self) -> ProgressRow | None:
        r = self.table.currentRow()
        return self.rows[r] if 0 <= r < len(self.rows) else None

    def select(self, exercise: str) -> None:
        for i, row in enumerate(self.rows):
            if row.exercise == exercise:
                self.table.setCurrentCell(i, 0)
                return
        raise KeyError(exercise)

    def _selected(self) -> None:
        row = self.current()
        self._enable(row is not None)
        self.accept.setEnabled(row is not None and row.suggestion is not None)
        d = row.decision if row else None
        self.decided.setText(
            f"Last decision: {d.source.value} {d.prescription.describe(self.units)} on {d.decided_at:%d %b %Y}"
            + (f" — “{d.note}”" if d.note else "") if d else "No decision yet: the rule's suggestion applies.")
        if row is None or row.suggestion is None:
            self.why.setText("No tempo or reps known for this exercise: set them with an override."
                             if row else "")
            for field in (self.tempo, self.load, self.note):
                field.clear()
            return
        self.why.setText(f"<b>{row.name}: {ACTION_WORDS[row.suggestion.action]}</b> — {row.suggestion.reason}")
        p = row.suggestion.prescription
        self.tempo.setText(p.tempo)
        self.reps.setValue(p.reps)
        self.load.setText("" if p.load_kg is None else f"{kg_to_units(p.load_kg, self.units):g}")
        self.note.clear()

    def _say(self, text: str, problem: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(theme.PROBLEM_STYLE if problem else theme.DONE_STYLE)

    def accept_suggestion(self) -> bool:
        row = self.current()
        if row is None or row.suggestion is None or self.athlete_id is None:
            return False
        decide_prescription(self.context.db, self.athlete_id, row.exercise,
                            row.suggestion.prescription, Source.ACCEPTED)
        self._say(f"{row.name}: accepted {row.suggestion.prescription.describe(self.units)}")
        self.refresh(keep=row.exercise)
        return True

    def save_override(self) -> bool:
        row = self.current()
        if row is None or self.athlete_id is None:
            return False
        text = self.load.text().strip().replace(",", ".")
        try:
            try:
                load = units_to_kg(float(text), self.units) if text else None
            except ValueError:
                raise InvalidInput(f"{self.load.text()!r} is not a number of {self.units.value}",
                                   "load") from None
            p = Prescription(self.tempo.text().strip(), self.reps.value(), load)
            decide_prescription(self.context.db, self.athlete_id, row.exercise, p, Source.OVERRIDE,
                                self.note.text().strip())
        except InvalidInput as exc:
            self._say(f"Not saved — {exc}", problem=True)
            return False
        self._say(f"{row.name}: override saved, {p.describe(self.units)}")
        self.refresh(keep=row.exercise)
        return True


class ProgressTab(QWidget):
    """Athlete picker, charts and the progression panel."""

    def __init__(self, context: TrainerContext):
        super().__init__()
        self.context = context
        self.charts: AthleteCharts | None = None
        self.names: dict[str, str] = {}
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.athlete = QComboBox()
        self.athlete.setMinimumWidth(220)
        self.exercise = QComboBox()
        self.exercise.setMinimumWidth(260)
        self.range = QComboBox()
        self.range.addItems(list(RANGES))
        self.range.setCurrentText("Last year")
        self.save_png = QPushButton("Save charts as PNG…")
        for label, widget in (("Athlete", self.athlete), ("Exercise", self.exercise),
                              ("Show", self.range)):
            bar.addWidget(QLabel(label))
            bar.addWidget(widget)
        bar.addStretch(1)
        bar.addWidget(self.save_png)
        layout.addLayout(bar)
        self.summary = QLabel()
        layout.addWidget(self.summary)
        split = QSplitter(Qt.Orientation.Horizontal)
        self.view = AthleteChartsView()
        self.panel = ProgressionPanel(context)
        split.addWidget(self.view)
        split.addWidget(self.panel)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        split.setSizes([1300, 500])
        layout.addWidget(split, 1)

        self.athlete.currentIndexChanged.connect(lambda _i: self.show_athlete(self.athlete.currentData()))
        self.exercise.currentIndexChanged.connect(lambda _i: self._exercise_changed())
        self.range.currentIndexChanged.connect(lambda _i: self.show_athlete(self.athlete.currentData()))
        self.save_png.clicked.connect(self._ask_png)
        context.events.athletes_changed.connect(self.reload)
        context.events.logs_changed.connect(self.reload)
        context.events.library_changed.connect(self.reload)
        context.events.settings_changed.connect(self.reload)
        self.reload()

    # --- data ---------------------------------------------------------------------
    def reload(self) -> None:
        keep = self.athlete.currentData()
        self.view.set_units(units_of(get_setting(self.context.db, "units")))
        self.names = {e.slug: e.name for e in load_library(self.context.db).exercises}
        self.athlete.blockSignals(True)
        self.athlete.clear()
        for a in list_athletes(self.context.db):
            self.athlete.addItem(a.name, a.id)
        self.athlete.blockSignals(False)
        i = self.athlete.findData(keep)
        self.athlete.setCurrentIndex(max(i, 0))
        self.show_athlete(self.athlete.currentData())
        self.view.show_classes(an.class_attendance(class_records(self.context.db)))

    def on_shown(self) -> None:
        self.reload()

    def show_athlete(self, athlete_id: int | None) -> None:
        if athlete_id is None:
            self.charts = None
            self.summary.setText("No athletes yet: add them on the Athletes tab.")
            self.panel.show_athlete(None)
            return
        days = RANGES[self.range.currentText()]
        start = date.today() - timedelta(days=days) if days else None
        self.charts = athlete_charts(self.context.db, athlete_id, start=start)
        keep = self.exercise.currentData()
        self.exercise.blockSignals(True)
        self.exercise.clear()
        for slug in self.charts.exercises:
            self.exercise.addItem(self.names.get(slug, slug), slug)
        self.exercise.blockSignals(False)
        i = self.exercise.findData(keep)
        self.exercise.setCurrentIndex(max(i, 0))
        sets = sum(g.sets for g in self.charts.groups)
        days_logged = len({g.on for g in self.charts.groups})
        self.summary.setText(f"{self.athlete.currentText()}: {sets} sets on {days_logged} days "
                             f"({self.range.currentText().lower()})" if sets else
                             f"{self.athlete.currentText()}: nothing logged in this range")
        self._draw()
        self.panel.show_athlete(athlete_id)

    def _exercise_changed(self) -> None:
        if self.charts is not None:
            self._draw()

    def _draw(self) -> None:
        slug = self.exercise.currentData()
        self.view.show_charts(self.charts, slug, self.names.get(slug, slug or ""))

    def select_athlete(self, name: str) -> None:
        i = self.athlete.findText(name)
        if i < 0:
            raise KeyError(name)
        self.athlete.setCurrentIndex(i)

    # --- out ----------------------------------------------------------------------
    def _ask_png(self) -> None:
        name = self.athlete.currentText().replace(" ", "-").lower() or "charts"
        path, _ = QFileDialog.getSaveFileName(self, "Save charts as PNG", f"{name}-progress.png",
                                              "PNG images (*.png)")
        if path:
            self.export_png(path)

    def export_png(self, path: str | Path) -> bool:
        return self.view.export_png(path)

    def snapshot_focus(self, **_ignored) -> None:
        """For snapshots: the athlete with the most logged sets."""
        athlete_id = most_logged_athlete(self.context.db)
        i = self.athlete.findData(athlete_id)
        if i >= 0:
            self.athlete.setCurrentIndex(i)
