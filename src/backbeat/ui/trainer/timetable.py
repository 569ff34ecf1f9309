"""The Timetable tab: the week's classes, each with its room, program and day, coach,
and whether it starts itself; saved whole (a clash or a bad time zone is named and
nothing is written); exported as iCalendar for the gym's website and members'
calendars (``store/timetable.py``)."""

from __future__ import annotations

import json
from datetime import time

from PySide6.QtCore import QTime
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from backbeat.domain.errors import InvalidInput
from backbeat.domain.timetable import WEEKDAYS, Entry, Timetable
from backbeat.store.programs import list_programs, load_program
from backbeat.store.timetable import get_timetable, save_timetable, timetable_ics
from backbeat.ui.trainer.context import TrainerContext
from backbeat.ui.trainer.saved_form import SavedForm

COLUMNS = ["Day", "Starts", "Room (TV)", "Program", "Program day", "Coach", "Starts itself"]
NEXT_DAY = 0


def _plain(tt: Timetable) -> tuple:
    """A timetable as the trainer sees it (keys are the store's business)."""
    return (tt.timezone, sorted(json.dumps(e.model_dump(mode="json", exclude={"key"}), sort_keys=True)
                                for e in tt.entries))


class TimetableTab(SavedForm, QWidget):
    def __init__(self, context: TrainerContext):
        super().__init__()
        self.context = context
        self.db = context.db
        outer = QVBoxLayout(self)
        head = QLabel("<b>The week's classes</b> — a class that starts itself begins on time with "
                      "its get-ready countdown on its room's TV; one that waits shows "
                      "\"ready — press Start\". A class missed while the TV was off is asked "
                      "about, never started late.")
        head.setWordWrap(True)
        outer.addWidget(head)
        zone = QHBoxLayout()
        zone.addWidget(QLabel("Time zone:"))
        self.zone = QLineEdit()
        self.zone.setMaximumWidth(240)
        zone.addWidget(self.zone)
        zone.addStretch(1)
        outer.addLayout(zone)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        outer.addWidget(self.table, 1)
        rows = QHBoxLayout()
        add = QPushButton("+ Class")
        add.clicked.connect(lambda: self.add_row(None))
        remove = QPushButton("Remove class")
        remove.clicked.connect(self.remove_row)
        rows.addWidget(add)
        rows.addWidget(remove)
        rows.addStretch(1)
        outer.addLayout(rows)
        bottom = QHBoxLayout()
        self.message = QLabel("")
        self.message.setWordWrap(True)
        bottom.addWidget(self.message, 1)
        self.export_button = QPushButton("Export iCalendar…")
        self.export_button.clicked.connect(lambda: self.export_ics())
        revert = QPushButton("Revert")
        revert.clicked.connect(self.load)
        self.save_button = QPushButton("Save timetable")
        self.save_button.clicked.connect(self.save)
        for b in (self.export_button, revert, self.save_button):
            bottom.addWidget(b)
        outer.addLayout(bottom)
        self._keys: list[str | None] = []
        self.saved = Timetable()
        self.load()

    # --- rows ---------------------------------------------------------------------------
    def _programs(self) -> list[str]:
        return list_programs(self.db)

    def add_row(self, e: Entry | None) -> None:
        r = self.table.rowCount()
        self.table.insertRow(r)
        self._keys.append(e.key if e else None)
        weekday = QComboBox()
        for i, name in enumerate(WEEKDAYS):
            weekday.addItem(name, i)
        weekday.setCurrentIndex(e.weekday if e else 0)
        start = QTimeEdit(QTime(e.start.hour, e.start.minute) if e else QTime(18, 0))
        start.setDisplayFormat("HH:mm")
        room = QLineEdit(e.room if e else "tv")
        program = QComboBox()
        names = self._programs()
        if e and e.program not in names:
            names = [e.program, *names]  # a program gone from the store: shown, refused at start
        program.addItems(names)
        if e:
            program.setCurrentText(e.program)
        day = QComboBox()
        coach = QLineEdit(e.coach if e else "")
        self_start = QCheckBox()
        self_start.setChecked(bool(e and e.self_start))
        for c, w in enumerate((weekday, start, room, program, day, coach, self_start)):
            self.table.setCellWidget(r, c, w)
        program.currentTextChanged.connect(lambda _t, day=day, program=program: self._days(day, program))
        self._days(day, program, e.day if e else None)

    def _days(self, box: QComboBox, program: QComboBox, chosen: int | None = None) -> None:
        keep = box.currentData() if chosen is None else chosen
        box.clear()
        box.addItem("next day of the program", NEXT_DAY)
        try:
            days = len(load_program(self.db, program.currentText()).days)
        except InvalidInput:
            days = 0
        for d in range(1, days + 1):
            box.addItem(f"day {d}", d)
        box.setCurrentIndex(max(0, box.findData(keep or NEXT_DAY)))

    def remove_row(self) -> None:
        r = self.table.currentRow()
        if r >= 0:
            self.table.removeRow(r)
            del self._keys[r]

    def cell(self, r: int, c: int):
        return self.table.cellWidget(r, c)

    # --- in and out -------------------------------------------------------------------
    def read_saved(self):
        return get_timetable(self.db)

    def show_value(self, value) -> None:
        self.show_timetable(value)

    def show_timetable(self, tt: Timetable) -> None:
        self.table.setRowCount(0)
        self._keys = []
        self.zone.setText(tt.timezone)
        for e in sorted(tt.entries, key=lambda e: (e.weekday, e.start, e.room)):
            self.add_row(e)

    def form_data(self) -> dict:
        entries = []
        for r in range(self.table.rowCount()):
            t = self.cell(r, 1).time()
            entry = {"weekday": self.cell(r, 0).currentData(), "start": time(t.hour(), t.minute()),
                     "room": self.cell(r, 2).text().strip(), "program": self.cell(r, 3).currentText(),
                     "day": self.cell(r, 4).currentData() or None,
                     "coach": self.cell(r, 5).text().strip(), "self_start": self.cell(r, 6).isChecked()}
            if self._keys[r]:
                entry["key"] = self._keys[r]
            entries.append(entry)
        return {"timezone": self.zone.text().strip(), "entries": entries}

    def unsaved_changes(self) -> str | None:
        from backbeat.store.timetable import parse_timetable

        try:
            now = parse_timetable(self.form_data())
        except InvalidInput:
            return "timetable not saved"
        return None if _plain(now) == _plain(self.saved) else "timetable not saved"

    def save(self) -> bool:
        try:
            self.saved = save_timetable(self.db, self.form_data())
        except InvalidInput as exc:
            self.tell(f"Not saved — {exc}", problem=True)
            return False
        self._keys = [e.key for e in self.saved.entries]
        self.show_timetable(self.saved)
        n = len(self.saved.entries)
        self.tell(f"Saved: {n} class{'es' * (n != 1)} a week.")
        return True

    def ask_ics_path(self) -> str:
        path, _ = QFileDialog.getSaveFileName(self, "Export the timetable", "classes.ics",
                                              "iCalendar (*.ics)")
        return path

    def export_ics(self, path: str | None = None) -> bool:
        path = path or self.ask_ics_path()
        if not path:
            return False
        try:
            data = timetable_ics(self.db)
            with open(path, "wb") as f:
                f.write(data)
        except OSError as exc:
            self.tell(f"Not exported — {path}: {exc.strerror or exc}", problem=True)
            return False
        self.tell(f"Exported the saved timetable to {path}.")
        return True
