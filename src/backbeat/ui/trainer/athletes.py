"""The Athletes tab: roster, screenings, substitutions, notes, and the athlete's
sets (each saying where it belongs) with a form to log one they forgot to tap.

Screening before programming (TRAINING.md): spinal mobility tests, postural
notes, left/right strength, and the disc-history flag. Saving a screening with
the flag gives every exercise risky for it the library's first substitution;
the trainer changes it in the substitutions table (each change is saved at
once). Cautions and substitutes then show on the kiosk and the TV.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from backbeat.domain.athlete import Athlete, caution_for, parse_substitute_prescription, risk_words
from backbeat.domain.errors import InvalidInput
from backbeat.domain.exercise import Library
from backbeat.domain.screening import MOBILITY_TESTS, Findings, Mobility
from backbeat.domain.setcount import OPEN_GYM
from backbeat.domain.setlog import (
    Units,
    is_hold,
    kg_to_units,
    loggable_exercises,
    parse_load,
    set_words,
    units_of,
    units_to_kg,
)
from backbeat.store.athletes import (
    Screening,
    add_athlete,
    athlete_notes,
    delete_screening,
    get_athlete,
    list_athletes,
    list_screenings,
    list_substitutions,
    remove_substitution,
    save_screening,
    set_athlete_notes,
    set_substitution,
)
from backbeat.store.desk import log_for_athlete
from backbeat.store.library import load_library
from backbeat.store.logs import latest_logs
from backbeat.store.settings import get_setting
from backbeat.ui import theme
from backbeat.ui.trainer.context import TrainerContext

#: The athlete's sets, each saying where it belongs.
SET_COLUMNS = ("When", "Exercise", "Set", "Side", "Reps × load", "RPE", "Form", "Class", "Station",
               "Instead of")

def flag_text(athlete: Athlete) -> str:
    return risk_words(athlete.flags)


def _kg(text: str, where: str, units: Units = Units.KG) -> float | None:
    """A load typed in the gym's units, as the kg the store keeps."""
    text = text.strip().replace(",", ".")
    if not text:
        return None
    try:
        return units_to_kg(float(text), units)
    except ValueError:
        raise InvalidInput(f"{text!r} is not a number of {units.value}", where) from None


class ScreeningForm(QGroupBox):
    """One screening: new, or an earlier one being corrected."""

    def __init__(self):
        super().__init__("New screening")
        self.screening_id: int | None = None
        layout = QFormLayout(self)
        self.when = QDateEdit()
        self.when.setCalendarPopup(True)
        self.when.setDisplayFormat("d MMM yyyy")
        layout.addRow("Screened on", self.when)
        grid = QGridLayout()
        self.mobility: dict[str, QComboBox] = {}
        for i, (key, label) in enumerate(MOBILITY_TESTS.items()):
            combo = QComboBox()
            combo.addItems([m.value for m in Mobility])
            self.mobility[key] = combo
            grid.addWidget(QLabel(label), i // 2, (i % 2) * 2)
            grid.addWidget(combo, i // 2, (i % 2) * 2 + 1)
        layout.addRow("Spinal mobility", grid)
        self.posture = QLineEdit()
        self.posture.setPlaceholderText("e.g. rounded shoulders, anterior pelvic tilt")
        layout.addRow("Posture", self.posture)
        self.strength_test = QLineEdit()
        self.strength_test.setPlaceholderText("e.g. single-arm row, 8 reps")
        layout.addRow("Strength test", self.strength_test)
        sides = QHBoxLayout()
        self.units = Units.KG  # the loads typed and shown (set_units: the gym's setting)
        self.left_kg, self.right_kg = QLineEdit(), QLineEdit()
        self.side_labels = []
        for label, field in (("left", self.left_kg), ("right", self.right_kg)):
            field.setPlaceholderText("not tested")
            field.setMaximumWidth(110)
            field.textChanged.connect(self._imbalance)
            self.side_labels.append((label, QLabel(f"{label} kg")))
            sides.addWidget(self.side_labels[-1][1])
            sides.addWidget(field)
        self.imbalance = QLabel()
        sides.addWidget(self.imbalance, 1)
        layout.addRow("Left / right", sides)
        self.disc = QCheckBox("Disc history (prior disc pathology): caution and substitutes on risky "
                              "exercises")
        layout.addRow("", self.disc)
        self.notes = QLineEdit()
        layout.addRow("Notes", self.notes)
        self.save = QPushButton("Save screening")
        self.save.setMinimumHeight(34)
        layout.addRow(self.save)
        self.clear()

    def clear(self) -> None:
        self.screening_id = None
        self.setTitle("New screening")
        self.when.setMaximumDate(QDate.currentDate())
        self.when.setDate(QDate.currentDate())
        for combo in self.mobility.values():
            combo.setCurrentText(Mobility.NOT_TESTED.value)
        for field in (self.posture, self.strength_test, self.left_kg, self.right_kg, self.notes):
            field.clear()
        self.disc.setChecked(False)

    def set_units(self, units: Units) -> None:
        self.units = units
        for side, label in self.side_labels:
            label.setText(f"{side} {units.value}")

    def load(self, s: Screening) -> None:
        self.screening_id = s.id
        self.setTitle(f"Screening of {s.screened_on:%d %b %Y} (editing)")
        self.when.setDate(QDate(s.screened_on.year, s.screened_on.month, s.screened_on.day))
        for key, combo in self.mobility.items():
            combo.setCurrentText(s.findings.mobility.get(key, Mobility.NOT_TESTED).value)
        self.posture.setText(s.findings.posture)
        self.strength_test.setText(s.findings.strength_test)
        for field, kg in ((self.left_kg, s.findings.left_kg), (self.right_kg, s.findings.right_kg)):
            field.setText("" if kg is None else f"{kg_to_units(kg, self.units):g}")
        self.disc.setChecked(s.disc_history)
        self.notes.setText(s.notes)

    def findings(self) -> Findings:
        """What the form says, checked; raises InvalidInput naming the field."""
        mobility = {k: Mobility(c.currentText()) for k, c in self.mobility.items()
                    if c.currentText() != Mobility.NOT_TESTED.value}
        return Findings(mobility=mobility, posture=self.posture.text().strip(),
                        strength_test=self.strength_test.text().strip(),
                        left_kg=_kg(self.left_kg.text(), "left strength", self.units),
                        right_kg=_kg(self.right_kg.text(), "right strength", self.units))

    def screened_on(self) -> date:
        return self.when.date().toPython()

    def _imbalance(self) -> None:
        try:
            self.imbalance.setText(self.findings().imbalance_text())
            self.imbalance.setStyleSheet(theme.PROBLEM_STYLE if "imbalance" in self.imbalance.text() else "")
        except InvalidInput as exc:
            self.imbalance.setText(str(exc))
            self.imbalance.setStyleSheet(theme.PROBLEM_STYLE)


class AthletesTab(QWidget):
    def __init__(self, context: TrainerContext):
        super().__init__()
        self.context = context
        self.athlete: Athlete | None = None
        self.library: Library = load_library(context.db)
        self.screenings: list[Screening] = []
        self._saved_notes = ""
        split = QSplitter(Qt.Orientation.Horizontal)
        outer = QVBoxLayout(self)
        outer.addWidget(split)

        left = QWidget()
        col = QVBoxLayout(left)
        col.addWidget(self._title("Athletes", 3))
        self.roster = QListWidget()
        self.roster.currentItemChanged.connect(lambda item, _old: self._picked(item))
        col.addWidget(self.roster, 1)
        add = QHBoxLayout()
        self.new_name = QLineEdit()
        self.new_name.setPlaceholderText("New athlete's name")
        self.new_name.returnPressed.connect(self.add_athlete)
        self.add = QPushButton("Add")
        self.add.clicked.connect(self.add_athlete)
        add.addWidget(self.new_name, 1)
        add.addWidget(self.add)
        col.addLayout(add)
        split.addWidget(left)

        right = QWidget()
        body = QVBoxLayout(right)
        self.header = self._title("", 5)
        self.flags = QLabel()
        self.flags.setWordWrap(True)
        body.addWidget(self.header)
        body.addWidget(self.flags)
        self.message = QLabel()
        self.message.setWordWrap(True)
        body.addWidget(self.message)

        screenings = QGroupBox("Screenings")
        s_layout = QVBoxLayout(screenings)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["Screened on", "Disc history", "Findings", "Notes"])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.setMaximumHeight(150)
        self.table.itemSelectionChanged.connect(self._screening_picked)
        s_layout.addWidget(self.table)
        buttons = QHBoxLayout()
        self.new_screening = QPushButton("New screening")
        self.new_screening.clicked.connect(self._new_screening)
        self.delete = QPushButton("Delete selected screening")
        self.delete.clicked.connect(self.delete_selected)
        buttons.addWidget(self.new_screening)
        buttons.addWidget(self.delete)
        buttons.addStretch(1)
        s_layout.addLayout(buttons)
        self.form = ScreeningForm()
        self.form.set_units(units_of(get_setting(context.db, "units")))
        self.form.save.clicked.connect(self.save_screening)
        s_layout.addWidget(self.form)
        body.addWidget(screenings)

        subs = QGroupBox("Substitutions (what this athlete does instead)")
        sub_layout = QVBoxLayout(subs)
        self.subs = QTableWidget(0, 4)
        self.subs.setHorizontalHeaderLabels(["Exercise", "Does instead", "Why",
                                             "Its own prescription (reps tempo load)"])
        self.subs.verticalHeader().hide()
        self.subs.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.subs.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.subs.setMaximumHeight(140)
        sub_layout.addWidget(self.subs)
        body.addWidget(subs)

        sets = QGroupBox("Sets (newest first) — log one the athlete forgot to tap")
        sets_layout = QVBoxLayout(sets)
        self.sets = QTableWidget(0, len(SET_COLUMNS))
        self.sets.setHorizontalHeaderLabels(list(SET_COLUMNS))
        self.sets.verticalHeader().hide()
        self.sets.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.sets.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.sets.setMaximumHeight(200)
        sets_layout.addWidget(self.sets)
        row = QHBoxLayout()
        self.log_exercise = QComboBox()
        self.log_reps = QLineEdit("8")
        self.log_reps.setMaximumWidth(60)
        self.log_reps_caption = QLabel("Reps")  # a timed hold: "Seconds held"
        self.log_exercise.currentIndexChanged.connect(self._log_counted)
        self.log_load = QLineEdit()
        self.log_load.setPlaceholderText("e.g. 12.5kg or 25lb")
        self.log_side = QComboBox()
        self.log_side.addItems(["", "left", "right"])
        self.log_rpe = QComboBox()
        self.log_rpe.addItems(["", "6", "7", "8", "9", "10"])
        self.log_form = QComboBox()
        self.log_form.addItems(["", "1", "2", "3", "4", "5"])
        self.log_check_in = QCheckBox("check in for the class")
        self.log_button = QPushButton("Log set")
        self.log_button.clicked.connect(self.log_set)
        for caption, widget in (("Exercise", self.log_exercise), (self.log_reps_caption, self.log_reps),
                                ("Load", self.log_load), ("Side", self.log_side),
                                ("RPE", self.log_rpe), ("Form", self.log_form)):
            row.addWidget(caption if isinstance(caption, QLabel) else QLabel(caption))
            row.addWidget(widget, 2 if widget is self.log_exercise else 0)
        row.addWidget(self.log_check_in)
        row.addWidget(self.log_button)
        sets_layout.addLayout(row)
        body.addWidget(sets)

        notes = QGroupBox("Notes")
        n_layout = QVBoxLayout(notes)
        self.notes = QPlainTextEdit()
        self.notes.setMaximumHeight(90)
        self.save_notes = QPushButton("Save notes")
        self.save_notes.clicked.connect(self.save_athlete_notes)
        n_layout.addWidget(self.notes)
        n_layout.addWidget(self.save_notes, 0, Qt.AlignmentFlag.AlignLeft)
        body.addWidget(notes)

        history = QGroupBox("Training history from other apps")
        h_layout = QHBoxLayout(history)
        self.import_history_button = QPushButton("Import from Strong or Hevy…")
        self.import_history_button.clicked.connect(lambda: self.import_history())
        h_layout.addWidget(self.import_history_button)
        h_layout.addWidget(QLabel("The app's CSV export: exercise names are matched to the "
                                  "library and shown for review before anything is written."), 1)
        body.addWidget(history)
        body.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(right)
        split.addWidget(scroll)
        split.setSizes([280, 1200])
        context.events.library_changed.connect(self._library_changed)
        context.events.settings_changed.connect(self._units_changed)
        self.reload()

    @staticmethod
    def _title(text: str, bigger: int) -> QLabel:
        label = QLabel(text)
        font = label.font()
        font.setPointSize(font.pointSize() + bigger)
        font.setBold(True)
        label.setFont(font)
        return label

    def _say(self, text: str, problem: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(theme.PROBLEM_STYLE if problem else theme.DONE_STYLE)

    # --- roster -----------------------------------------------------------------------
    def _units_changed(self) -> None:
        self.form.set_units(units_of(get_setting(self.context.db, "units")))
        self.reload()

    def reload(self, select: int | None = None) -> None:
        keep = select if select is not None else (self.athlete.id if self.athlete else None)
        self.roster.blockSignals(True)
        self.roster.clear()
        for a in list_athletes(self.context.db):
            item = QListWidgetItem(a.name + (f"   ⚑ {flag_text(a)}" if a.flags else ""))
            item.setData(Qt.ItemDataRole.UserRole, a.id)
            self.roster.addItem(item)
        self.roster.blockSignals(False)
        rows = [self.roster.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.roster.count())]
        if rows:
            self.roster.setCurrentRow(rows.index(keep) if keep in rows else 0)
            self._picked(self.roster.currentItem())
        else:
            self.show_athlete(None)

    def on_shown(self) -> None:
        self.reload()

    def _library_changed(self) -> None:
        self.library = load_library(self.context.db)
        self.reload()

    def _picked(self, item: QListWidgetItem | None) -> None:
        self.show_athlete(item.data(Qt.ItemDataRole.UserRole) if item else None)

    def select_athlete(self, name: str) -> None:
        for i in range(self.roster.count()):
            if self.roster.item(i).text().split("   ⚑")[0] == name:
                self.roster.setCurrentRow(i)
                return
        raise KeyError(name)

    def add_athlete(self) -> bool:
        try:
            new_id = add_athlete(self.context.db, self.new_name.text())
        except InvalidInput as exc:
            self._say(f"Not added — {exc}", problem=True)
            return False
        self._say(f"Added {self.new_name.text().strip()}.")
        self.new_name.clear()
        self.reload(select=new_id)
        self.context.events.athletes_changed.emit()
        return True

    # --- one athlete --------------------------------------------------------------------
    def show_athlete(self, athlete_id: int | None) -> None:
        for w in (self.form, self.notes, self.save_notes, self.new_screening, self.delete,
                  self.import_history_button, self.log_button):
            w.setEnabled(athlete_id is not None)
        if athlete_id is None:
            self.athlete = None
            self.header.setText("No athletes yet")
            self.flags.setText("Add the first one on the left.")
            self.table.setRowCount(0)
            self.subs.setRowCount(0)
            self.sets.setRowCount(0)
            self.notes.clear()
            return
        self.athlete = get_athlete(self.context.db, athlete_id)
        self.header.setText(self.athlete.name)
        self._show_flags()
        self._saved_notes = athlete_notes(self.context.db, athlete_id)
        self.notes.setPlainText(self._saved_notes)
        self._show_screenings()
        self.form.clear()
        if self.screenings:  # start from the latest: a re-screen usually changes a little
            self.table.setCurrentCell(0, 0)
            self._screening_picked()
        self._show_substitutions()
        self._show_sets()

    def _show_sets(self) -> None:
        if self.log_exercise.count() == 0:
            for slug in loggable_exercises(self.library):
                self.log_exercise.addItem(self.library.get(slug).name, slug)
            for ex in self.library.exercises:  # timed holds, done as substitutes: seconds held
                if is_hold(ex):
                    self.log_exercise.addItem(f"{ex.name} (hold)", ex.slug)
        rows = latest_logs(self.context.db, self.athlete.id) if self.athlete else []
        units = units_of(get_setting(self.context.db, "units"))
        self.sets.setRowCount(len(rows))
        for r, x in enumerate(rows):
            replaced = self.library.get(x.replaces) if x.replaces else None
            cells = [f"{x.logged_at.astimezone():%d %b %H:%M}", self._name(x.exercise),
                     str(x.set_number or ""), x.side or "",
                     set_words(x.reps, x.load_kg, units, x.hold_s),
                     "" if x.effort is None else f"{x.effort:g}",
                     "" if x.form is None else str(x.form),
                     f"class #{x.session_id}" if x.session_id else OPEN_GYM, x.station,
                     replaced.name if replaced else (x.replaces or "")]
            for c, text in enumerate(cells):
                self.sets.setItem(r, c, QTableWidgetItem(text))

    def _logging_hold(self) -> bool:
        slug = self.log_exercise.currentData()
        exercise = self.library.get(slug) if slug else None
        return exercise is not None and is_hold(exercise)

    def _log_counted(self) -> None:
        """A timed hold is logged in seconds held: the field says so."""
        self.log_reps_caption.setText("Seconds held" if self._logging_hold() else "Reps")

    def log_set(self) -> bool:
        """Log a set for the athlete as a kiosk tap would be: numbered, checked, into
        the running class (or open gym). A refusal names the field; nothing is written."""
        if self.athlete is None:
            return False
        db = self.context.db
        try:
            units = units_of(get_setting(db, "units"))
            hold = self._logging_hold()
            try:
                reps = int(self.log_reps.text().strip())
            except ValueError:
                raise InvalidInput(f"{self.log_reps.text()!r} is not a whole number",
                                   "hold" if hold else "reps") from None
            done = log_for_athlete(
                db, self.athlete.name, self.log_exercise.currentData(),
                reps=1 if hold else reps, hold_s=reps if hold else None,
                load_kg=parse_load(self.log_load.text(), units), units=units,
                side=self.log_side.currentText() or None,
                effort=float(self.log_rpe.currentText()) if self.log_rpe.currentText() else None,
                form=int(self.log_form.currentText()) if self.log_form.currentText() else None,
                station="trainer", check_in_first=self.log_check_in.isChecked())
        except InvalidInput as exc:
            self._say(f"Not logged — {exc}", problem=True)
            return False
        where = (f"{done.class_set.program}, day {done.class_set.day}" if done.class_set
                 else f"{OPEN_GYM}: the running class's TV is offline" if done.tv_offline else OPEN_GYM)
        self._say(f"Logged set {done.logged.set_number} of {done.exercise.name} for "
                  f"{self.athlete.name} ({where}).")
        self._show_sets()
        self.context.events.logs_changed.emit()
        return True

    def _show_flags(self) -> None:
        a = self.athlete
        if a.flags:
            self.flags.setText(f"⚑ {flag_text(a).capitalize()}: cautions on risky exercises, "
                               "substitutes below.")
            self.flags.setStyleSheet(theme.PROBLEM_STYLE)
        else:
            self.flags.setText("No screening flags.")
            self.flags.setStyleSheet("")

    def _show_screenings(self) -> None:
        self.screenings = list_screenings(self.context.db, self.athlete.id)
        self.table.blockSignals(True)
        self.table.setRowCount(len(self.screenings))
        for r, s in enumerate(self.screenings):
            for c, text in enumerate((f"{s.screened_on:%d %b %Y}", "⚑ yes" if s.disc_history else "no",
                                      s.findings.summary(), s.notes)):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(r, c, item)
        self.table.blockSignals(False)
        self.table.resizeColumnToContents(0)
        self.table.resizeColumnToContents(1)

    def _screening_picked(self) -> None:
        r = self.table.currentRow()
        if 0 <= r < len(self.screenings):
            self.form.load(self.screenings[r])

    def _new_screening(self) -> None:
        self.table.clearSelection()
        self.form.clear()

    def save_screening(self) -> bool:
        if self.athlete is None:
            return False
        try:
            sid, added = save_screening(
                self.context.db, self.athlete.id, screened_on=self.form.screened_on(),
                disc_history=self.form.disc.isChecked(), findings=self.form.findings(),
                notes=self.form.notes.text().strip(), screening_id=self.form.screening_id)
        except InvalidInput as exc:
            self._say(f"Screening not saved — {exc}", problem=True)
            return False
        names = ", ".join(self._name(slug) for slug in added)
        self._say("Screening saved." + (f" Substitutes set for {names}: change them below." if added else ""))
        self.reload(select=self.athlete.id)
        r = next((i for i, s in enumerate(self.screenings) if s.id == sid), None)
        if r is not None:
            self.table.setCurrentCell(r, 0)
            self._screening_picked()
        self.context.events.athletes_changed.emit()
        return True

    def delete_selected(self) -> bool:
        r = self.table.currentRow()
        if self.athlete is None or not 0 <= r < len(self.screenings):
            self._say("Pick a screening to delete.", problem=True)
            return False
        s = self.screenings[r]
        delete_screening(self.context.db, s.id)
        self._say(f"Deleted the screening of {s.screened_on:%d %b %Y}.")
        self.reload(select=self.athlete.id)
        self.context.events.athletes_changed.emit()
        return True

    # --- substitutions ------------------------------------------------------------------
    def _name(self, slug: str) -> str:
        ex = self.library.get(slug)
        return ex.name if ex else slug

    def substitution_rows(self) -> list[str]:
        """Exercises shown in the table: risky for the athlete's flags, or substituted already."""
        risky = [e.slug for e in self.library.exercises if caution_for(self.athlete, e)]
        chosen = [s.exercise for s in list_substitutions(self.context.db, self.athlete.id)]
        return risky + [c for c in chosen if c not in risky]

    def _show_substitutions(self) -> None:
        chosen = {s.exercise: s for s in list_substitutions(self.context.db, self.athlete.id)}
        slugs = self.substitution_rows()
        safe = [e for e in self.library.exercises
                if not (self.athlete.flags & set(e.risk_flags)) and not e.is_breath_drill]
        self.subs.setRowCount(len(slugs))
        for r, slug in enumerate(slugs):
            self.subs.setItem(r, 0, QTableWidgetItem(self._name(slug)))
            combo = QComboBox()
            combo.addItem("— none chosen —", None)
            for e in safe:
                if e.slug != slug:
                    combo.addItem(e.name, e.slug)
            current = chosen[slug].substitute if slug in chosen else None
            combo.setCurrentIndex(max(combo.findData(current), 0))
            combo.currentIndexChanged.connect(lambda _i, s=slug, c=combo: self.choose_substitute(s, c.currentData()))
            self.subs.setCellWidget(r, 1, combo)
            default = self.library.get(slug).substitutions if self.library.get(slug) else ()
            why = chosen[slug].reason if slug in chosen else (
                f"none chosen: {self._name(default[0])} (the library's first) applies" if default
                else "none chosen: the athlete sees the caution only")
            self.subs.setItem(r, 2, QTableWidgetItem(why))
            own = QLineEdit(chosen[slug].prescription.describe(self._units()) if slug in chosen else "")
            own.setPlaceholderText("e.g. 10 2-1-2-2 2kg (empty: the library's)")
            own.setEnabled(slug in chosen)
            own.editingFinished.connect(lambda s=slug, e=own: self.set_substitute_prescription(
                s, e.text()))
            self.subs.setCellWidget(r, 3, own)
        self.subs.resizeColumnToContents(0)
        self.subs.setColumnWidth(1, 300)

    def substitute_combo(self, exercise: str) -> QComboBox:
        for r in range(self.subs.rowCount()):
            if self.subs.item(r, 0).text() == self._name(exercise):
                return self.subs.cellWidget(r, 1)
        raise KeyError(exercise)

    def choose_substitute(self, exercise: str, substitute: str | None) -> bool:
        """Save the trainer's choice at once; None removes it (the library's first applies)."""
        if self.athlete is None:
            return False
        if substitute is None:
            remove_substitution(self.context.db, self.athlete.id, exercise)
            self._say(f"{self.athlete.name}: no substitute chosen for {self._name(exercise)}.")
            self.athlete = get_athlete(self.context.db, self.athlete.id)
            self.subs.item(self._row_of(exercise), 2).setText("none chosen")
            self._own_prescription(exercise, enabled=False)
            self.context.events.athletes_changed.emit()
            return True
        try:
            set_substitution(self.context.db, self.athlete.id, exercise, substitute, "trainer's choice")
        except InvalidInput as exc:
            self._say(f"Substitute not saved — {exc}", problem=True)
            return False
        self._say(f"{self.athlete.name} does {self._name(substitute)} instead of {self._name(exercise)}.")
        self.athlete = get_athlete(self.context.db, self.athlete.id)
        self.subs.item(self._row_of(exercise), 2).setText("trainer's choice")
        self._own_prescription(exercise, enabled=True)  # a new substitute: the library's, until set
        self.context.events.athletes_changed.emit()
        return True

    def _own_prescription(self, exercise: str, *, enabled: bool) -> None:
        edit = self.subs.cellWidget(self._row_of(exercise), 3)
        if edit is not None:
            edit.clear()
            edit.setEnabled(enabled)

    def _units(self):
        return units_of(get_setting(self.context.db, "units"))

    def set_substitute_prescription(self, exercise: str, text: str) -> bool:
        """The substitute's own reps, tempo and load (the kiosk pre-fills its form with
        them); a refusal names the field and keeps what was saved."""
        chosen = self.athlete.substitutions.get(exercise) if self.athlete else None
        if chosen is None:
            return False
        try:
            own = parse_substitute_prescription(text, self._units())
            set_substitution(self.context.db, self.athlete.id, exercise, chosen, "trainer's choice",
                             reps=own.reps, tempo=own.tempo, load_kg=own.load_kg)
        except InvalidInput as exc:
            self._say(f"Prescription not saved — {exc}", problem=True)
            return False
        what = own.describe(self._units()) or "the library's"
        self._say(f"{self.athlete.name} does {self._name(chosen)} instead of {self._name(exercise)}: "
                  f"{what}.")
        self.athlete = get_athlete(self.context.db, self.athlete.id)
        self.context.events.athletes_changed.emit()
        return True

    def _row_of(self, exercise: str) -> int:
        return next(r for r in range(self.subs.rowCount())
                    if self.subs.item(r, 0).text() == self._name(exercise))

    # --- notes --------------------------------------------------------------------------
    def save_athlete_notes(self) -> bool:
        if self.athlete is None:
            return False
        text = self.notes.toPlainText()
        try:
            set_athlete_notes(self.context.db, self.athlete.id, text)
        except InvalidInput as exc:
            self._say(f"Notes not saved — {exc}", problem=True)
            return False
        self._saved_notes = text
        self._say(f"Notes for {self.athlete.name} saved.")
        return True

    # --- training history from Strong or Hevy ------------------------------------------
    def ask_import_path(self) -> str:
        """The export to read (tests replace this)."""
        from PySide6.QtWidgets import QFileDialog

        path, _ = QFileDialog.getOpenFileName(self, "Strong or Hevy export", "", "CSV files (*.csv)")
        return path

    def review_import(self, dialog) -> bool:
        """Show the review; True if the trainer imported (tests replace this)."""
        return bool(dialog.exec())

    def import_history(self, path: str | None = None) -> int:
        """Read, review and import an export for the athlete shown. Returns sets written."""
        from backbeat.store.history_import import plan_import, read_export
        from backbeat.ui.trainer.history_import import ImportReview

        if self.athlete is None:
            return 0
        path = path or self.ask_import_path()
        if not path:
            return 0
        try:
            text = read_export(path)
            plan = plan_import(self.context.db, path, athlete=self.athlete.name, text=text)
        except InvalidInput as exc:
            self._say(f"Nothing imported — {exc}", problem=True)
            return 0
        dialog = ImportReview(self.context.db, plan, text, self.library, self)
        if not self.review_import(dialog):
            self._say("Import cancelled: nothing written.")
            return 0
        self._say(f"{self.athlete.name}: {dialog.plan.summary(done=True)}.")
        self.context.events.logs_changed.emit()
        return dialog.imported

    def unsaved_changes(self) -> str | None:
        if self.athlete is not None and self.notes.toPlainText() != self._saved_notes:
            return f"notes for {self.athlete.name}"
        return None

    def snapshot_focus(self, **_ignored) -> None:
        """For snapshots: the first athlete with a screening flag, if any."""
        for a in list_athletes(self.context.db):
            if a.flags:
                self.select_athlete(a.name)
                return
