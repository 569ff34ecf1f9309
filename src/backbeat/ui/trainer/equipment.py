"""The Equipment tab: the gym's bars, plate pairs, dumbbell rack and bands.

Progression then suggests only loads this equipment can build and the kiosk
shows how to load them (``domain/equipment.py``). Four tables, each row one
item; Save checks the whole set and names the first bad cell; nothing is
written until it passes. "Start from a typical gym" fills the starter set.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from backbeat.domain.equipment import STARTER_EQUIPMENT, Equipment, Kind, warmup_ramp
from backbeat.domain.errors import InvalidInput
from backbeat.domain.setlog import Units
from backbeat.store.equipment import get_equipment, save_equipment
from backbeat.ui.trainer.context import TrainerContext
from backbeat.ui.trainer.saved_form import SavedForm


class _Table(QGroupBox):
    """A titled table of rows (text cells, a unit column as a combo box)."""

    def __init__(self, title: str, columns: list[str], unit_column: int | None, hint: str):
        super().__init__(title)
        self.columns = columns
        self.unit_column = unit_column
        lay = QVBoxLayout(self)
        self.table = QTableWidget(0, len(columns))
        self.table.setHorizontalHeaderLabels(columns)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        lay.addWidget(self.table, 1)
        note = QLabel(hint)
        note.setWordWrap(True)
        lay.addWidget(note)
        row = QHBoxLayout()
        add = QPushButton("+ Row")
        add.clicked.connect(lambda: self.add_row([""] * len(columns)))
        remove = QPushButton("Remove row")
        remove.clicked.connect(self.remove_row)
        row.addWidget(add)
        row.addWidget(remove)
        row.addStretch(1)
        lay.addLayout(row)

    def add_row(self, values: list[str]) -> None:
        r = self.table.rowCount()
        self.table.insertRow(r)
        for c, value in enumerate(values):
            if c == self.unit_column:
                box = QComboBox()
                for u in Units:
                    box.addItem(u.value, u.value)
                box.setCurrentIndex(max(0, box.findData(value or "kg")))
                self.table.setCellWidget(r, c, box)
            else:
                self.table.setItem(r, c, QTableWidgetItem(value))

    def remove_row(self) -> None:
        r = self.table.currentRow()
        if r >= 0:
            self.table.removeRow(r)

    def set_rows(self, rows: list[list[str]]) -> None:
        self.table.setRowCount(0)
        for values in rows:
            self.add_row(values)

    def rows(self) -> list[list[str]]:
        out = []
        for r in range(self.table.rowCount()):
            values = []
            for c in range(len(self.columns)):
                if c == self.unit_column:
                    values.append(self.table.cellWidget(r, c).currentData())
                else:
                    item = self.table.item(r, c)
                    values.append(item.text().strip() if item else "")
            if any(v for i, v in enumerate(values) if i != self.unit_column):
                out.append(values)
        return out


def _num(text: str, where: str) -> float:
    try:
        return float(text.replace(",", "."))
    except ValueError:
        raise InvalidInput(f"{text!r} is not a number", where) from None


def _g(value: float) -> str:
    return f"{value:g}"


class EquipmentTab(SavedForm, QWidget):
    def __init__(self, context: TrainerContext):
        super().__init__()
        self.context = context
        self.db = context.db
        outer = QVBoxLayout(self)
        heading = QLabel("<b>The gym's equipment</b> — progression suggests only loads it can "
                         "build; the kiosk shows the plates on each side, the nearest dumbbell, "
                         "and a warm-up for barbell lifts.")
        heading.setWordWrap(True)
        outer.addWidget(heading)
        grid = QGridLayout()
        self.bars = _Table("Bars", ["Name", "Weight", "Unit"], 2,
                           "The first bar is the one barbell lifts use unless the library names another.")
        self.plates = _Table("Plates", ["Weight", "Unit", "Pairs"], 1,
                             "A pair is one plate for each side of the bar.")
        self.bands = _Table("Bands", ["Colour", "About kg"], None,
                            "What each band adds at the working stretch, roughly.")
        dumbbells = QGroupBox("Dumbbell rack")
        dl = QVBoxLayout(dumbbells)
        row = QHBoxLayout()
        self.dumbbell_unit = QComboBox()
        for u in Units:
            self.dumbbell_unit.addItem(u.value, u.value)
        self.dumbbells = QLineEdit()
        self.dumbbells.setPlaceholderText("e.g. 2, 4, 6, 8, 10, 12.5, 15")
        row.addWidget(self.dumbbells, 1)
        row.addWidget(self.dumbbell_unit)
        dl.addLayout(row)
        hint = QLabel("Every weight on the rack, comma-separated.")
        hint.setWordWrap(True)
        dl.addWidget(hint)
        dl.addStretch(1)
        grid.addWidget(self.bars, 0, 0)
        grid.addWidget(self.plates, 0, 1)
        grid.addWidget(dumbbells, 1, 0)
        grid.addWidget(self.bands, 1, 1)
        outer.addLayout(grid, 1)
        # try a load: how it is built here, or the nearest two
        probe = QHBoxLayout()
        probe.addWidget(QLabel("Try a barbell load (kg):"))
        self.probe = QLineEdit()
        self.probe.setMaximumWidth(100)
        self.probe.textEdited.connect(lambda _t: self.show_probe())
        probe.addWidget(self.probe)
        self.probe_result = QLabel("")
        self.probe_result.setWordWrap(True)
        probe.addWidget(self.probe_result, 1)
        outer.addLayout(probe)
        buttons = QHBoxLayout()
        self.message = QLabel("")
        self.message.setWordWrap(True)
        buttons.addWidget(self.message, 1)
        starter = QPushButton("Start from a typical gym")
        starter.clicked.connect(lambda: self.show_equipment(STARTER_EQUIPMENT))
        revert = QPushButton("Revert")
        revert.clicked.connect(self.load)
        self.save_button = QPushButton("Save equipment")
        self.save_button.clicked.connect(self.save)
        buttons.addWidget(starter)
        buttons.addWidget(revert)
        buttons.addWidget(self.save_button)
        outer.addLayout(buttons)
        self.saved = Equipment()
        self.load()

    # --- in and out of the form ---------------------------------------------------------
    def read_saved(self):
        return get_equipment(self.db)

    def show_value(self, value) -> None:
        self.show_equipment(value)

    def show_equipment(self, eq: Equipment) -> None:
        self.bars.set_rows([[b.name, _g(b.weight), b.unit.value] for b in eq.bars])
        self.plates.set_rows([[_g(p.weight), p.unit.value, str(p.pairs)] for p in eq.plates])
        self.bands.set_rows([[b.name, _g(b.resistance_kg)] for b in eq.bands])
        self.dumbbells.setText(", ".join(_g(w) for w in eq.dumbbells.weights))
        self.dumbbell_unit.setCurrentIndex(max(0, self.dumbbell_unit.findData(eq.dumbbells.unit.value)))
        self.show_probe()

    def form_data(self) -> dict:
        """The form as the equipment's fields; a cell that is not a number is refused here."""
        bars = [{"name": n, "weight": _num(w, f"bars.{i}.weight"), "unit": u}
                for i, (n, w, u) in enumerate(self.bars.rows())]
        plates = []
        for i, (w, u, n) in enumerate(self.plates.rows()):
            pairs = _num(n or "1", f"plates.{i}.pairs")
            if pairs != int(pairs):
                raise InvalidInput(f"{n} pairs: count whole pairs", f"plates.{i}.pairs")
            plates.append({"weight": _num(w, f"plates.{i}.weight"), "unit": u, "pairs": int(pairs)})
        bands = [{"name": n, "resistance_kg": _num(k, f"bands.{i}.resistance_kg")}
                 for i, (n, k) in enumerate(self.bands.rows())]
        weights = [_num(x.strip(), "dumbbells.weights")
                   for x in self.dumbbells.text().replace(";", ",").split(",") if x.strip()]
        return {"bars": bars, "plates": plates, "bands": bands,
                "dumbbells": {"unit": self.dumbbell_unit.currentData(), "weights": weights}}

    def current(self) -> Equipment:
        from backbeat.store.equipment import parse_equipment

        return parse_equipment(self.form_data())

    def unsaved_changes(self) -> str | None:
        try:
            return None if self.current() == self.saved else "equipment not saved"
        except InvalidInput:
            return "equipment not saved"

    def save(self) -> bool:
        try:
            self.saved = save_equipment(self.db, self.form_data())
        except InvalidInput as exc:
            self.tell(f"Not saved — {exc}", problem=True)
            return False
        self.tell("Saved: progression and the kiosks use it from the next set.")
        self.show_probe()
        return True

    def show_probe(self) -> None:
        text = self.probe.text().strip()
        if not text:
            self.probe_result.setText("")
            return
        try:
            kg = _num(text, "load")
            menu = self.current().menu(Kind.BARBELL)
        except InvalidInput as exc:
            self.probe_result.setText(str(exc))
            return
        if menu is None:
            self.probe_result.setText("add a bar first")
            return
        fit = menu.fit(kg)
        if fit.exact is not None:
            ramp = " → ".join("bar" if i == 0 else _g(b.kg) for i, b in enumerate(warmup_ramp(kg, menu)))
            self.probe_result.setText(f"{fit.exact.describe()}" + (f"  ·  warm-up {ramp}" if ramp else ""))
        else:
            near = " or ".join(f"{_g(b.kg)} kg" for b in (fit.below, fit.above) if b is not None)
            self.probe_result.setText(f"{kg:g} kg cannot be built: {near or 'nothing near'}")
