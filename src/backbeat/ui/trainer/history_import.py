"""The review before an athlete's Strong or Hevy history is written (Athletes tab).

The whole file is read and checked first (``store.history_import.plan_import``:
a bad row refuses it, nothing written); the dialog then shows each exercise
name in the file, how many sets it has and the library exercise it goes to
(fuzzy-matched, remembered, or none), each changeable or skipped, with the
counts kept up to date. Import writes the matched sets in one go and remembers
the mapping.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from backbeat.domain.errors import InvalidInput
from backbeat.domain.exercise import Library
from backbeat.domain.history_import import How
from backbeat.domain.names import name_key
from backbeat.store.db import Database
from backbeat.store.history_import import ImportPlan, describe_plan, plan_import, run_import
from backbeat.ui import theme

SKIP = ""


class ImportReview(QDialog):
    def __init__(self, db: Database, plan: ImportPlan, text: str, library: Library, parent=None):
        super().__init__(parent)
        self.setWindowTitle(f"Import history for {plan.athlete}")
        self.db, self.plan, self.text, self.library = db, plan, text, library
        self.first = plan  # what the matching proposed; the trainer's changes are on top
        self.imported = 0
        lay = QVBoxLayout(self)
        head = QLabel(describe_plan(plan)[0])
        head.setWordWrap(True)
        lay.addWidget(head)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["In the file", "Sets", "Library exercise", "How"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        lay.addWidget(self.table, 1)
        self.combos: dict[str, QComboBox] = {}
        names = sorted(plan.matches, key=str.casefold)
        self.table.setRowCount(len(names))
        options = sorted((ex for ex in library.exercises if not ex.is_breath_drill),
                         key=lambda e: e.name.casefold())
        for r, name in enumerate(names):
            m = plan.matches[name]
            self.table.setItem(r, 0, QTableWidgetItem(name))
            self.table.setItem(r, 1, QTableWidgetItem(str(plan.sets_per_name[name])))
            combo = QComboBox()
            combo.addItem("— skip —", SKIP)
            for ex in options:
                combo.addItem(ex.name, ex.slug)
            combo.setCurrentIndex(max(0, combo.findData(m.slug or SKIP)))
            combo.currentIndexChanged.connect(lambda _i, name=name: self._changed(name))
            self.combos[name] = combo
            self.table.setCellWidget(r, 2, combo)
            self.table.setItem(r, 3, QTableWidgetItem(self._how(m.how, m.score)))
        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        lay.addWidget(self.summary)
        self.buttons = QDialogButtonBox()
        self.import_button = self.buttons.addButton("Import", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.do_import)
        self.buttons.rejected.connect(self.reject)
        lay.addWidget(self.buttons)
        self.resize(760, 520)
        self._show_summary()

    @staticmethod
    def _how(how: How, score: float) -> str:
        return f"{how.value} {score:.0f}" if how is How.FUZZY else how.value

    def choose(self, name: str, slug: str | None) -> None:
        """What the trainer picks for a name (None: skip)."""
        combo = self.combos[name]
        combo.setCurrentIndex(max(0, combo.findData(slug or SKIP)))

    def choices(self) -> dict[str, str | None]:
        """The names the trainer changed from the proposal, keyed as the store remembers them."""
        return {name_key(n): (c.currentData() or None) for n, c in self.combos.items()
                if (c.currentData() or None) != self.first.matches[n].slug}

    def _changed(self, name: str) -> None:
        self.plan = plan_import(self.db, self.first.path, athlete=self.first.athlete,
                                manual=self.choices(), text=self.text)
        r = sorted(self.plan.matches, key=str.casefold).index(name)
        m = self.plan.matches[name]
        self.table.item(r, 3).setText(self._how(m.how, m.score))
        self._show_summary()

    def _show_summary(self) -> None:
        self.summary.setText(self.plan.summary(done=False).capitalize() + ".")
        self.import_button.setEnabled(bool(self.plan.new))

    def do_import(self) -> bool:
        try:
            self.imported = run_import(self.db, self.plan)
        except InvalidInput as exc:  # the file's sets were imported meanwhile
            self.summary.setText(f"Nothing imported — {exc.reason}")
            self.summary.setStyleSheet(theme.PROBLEM_STYLE)
            return False
        self.accept()
        return True
