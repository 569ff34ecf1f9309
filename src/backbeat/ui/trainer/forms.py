"""The program editor's forms: one per kind of node (program, day, block, item).

A form only shows a node and reports edits as ``edited(values, merge_key)``;
the editor turns them into undoable document edits. Each field has a message
line under it where the problems and warnings for that field's path appear.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPen
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from backbeat.domain.breath import DEFAULT_BREATH, Breath
from backbeat.domain.errors import InvalidInput
from backbeat.domain.exercise import Exercise, Laterality, Library
from backbeat.domain.prescription import tempo_in_force, works_each_side
from backbeat.domain.program import MAX_LOAD_KG, BlockKind
from backbeat.domain.program_review import Note
from backbeat.domain.setlog import Units, kg_to_units, units_to_kg
from backbeat.domain.tempo import Phase, StartPhase, Tempo, parse_tempo, rep_phases
from backbeat.ui import theme

BLOCK_KINDS = [(BlockKind.STRAIGHT, "Straight sets"), (BlockKind.SUPERSET, "Superset"),
               (BlockKind.CIRCUIT, "Circuit"), (BlockKind.BREATH, "Breath drill")]
VOLUME_KINDS = [("reps", "reps"), ("duration_s", "seconds (timed hold)"),
                ("cycles", "breath cycles")]
LOAD_KINDS = [("", "no load given"), ("kg", "kg"), ("bodyweight", "bodyweight"),
              ("band", "band"), ("rpe", "RPE (effort 1–10)")]
BANDS = ["light", "medium", "heavy", "extra-heavy"]


def _fmt_s(seconds: float) -> str:
    return f"{seconds:g} s"


_ECHO = re.compile(r" \(got (.+)\)$")


def _without_echo(text: str) -> str:
    """Drop a trailing "(got '3-1-?-0')" when the message quotes the value already."""
    m = _ECHO.search(text)
    return text[: m.start()] if m and m.group(1) in text[: m.start()] else text


class FieldRow(QWidget):
    """A field with a message line under it."""

    def __init__(self, field: QWidget):
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.field = field
        layout.addWidget(field)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.hide()
        layout.addWidget(self.message)

    def show_notes(self, problems: list[str], warnings: list[str]) -> None:
        problems = [_without_echo(p) for p in problems]
        if problems:
            self.message.setStyleSheet(theme.PROBLEM_STYLE)
            self.message.setText("\n".join(f"✖ {p}" for p in problems))
        elif warnings:
            self.message.setStyleSheet(theme.WARNING_STYLE)
            self.message.setText("\n".join(f"⚠ {w}" for w in warnings))
        else:
            self.message.clear()
        self.message.setVisible(bool(problems or warnings))


class NodeForm(QWidget):
    """Fields keyed by document key; ``edited`` carries {key: value} (None removes)."""

    edited = Signal(dict, str)

    def __init__(self, title: str):
        super().__init__()
        self._loading = False
        self.rows: dict[str, FieldRow] = {}
        outer = QVBoxLayout(self)
        heading = QLabel(title)
        font = heading.font()
        font.setPointSize(font.pointSize() + 3)
        font.setBold(True)
        heading.setFont(font)
        outer.addWidget(heading)
        self.general = QLabel()
        self.general.setWordWrap(True)
        self.general.hide()
        outer.addWidget(self.general)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        outer.addLayout(self.form)
        outer.addStretch(1)

    def add(self, key: str, label: str, field: QWidget) -> QWidget:
        row = FieldRow(field)
        self.rows[key] = row
        self.form.addRow(label, row)
        return field

    def set_row_visible(self, key: str, visible: bool) -> None:
        self.form.setRowVisible(self.rows[key], visible)

    def emit(self, values: dict, merge: str = "") -> None:
        if not self._loading:
            self.edited.emit(values, merge)

    def show_notes(self, base: str, problems: list[Note], warnings: list[Note]) -> None:
        """Put each note under its field (``base.key…``); the rest at the top."""
        per_key: dict[str, tuple[list[str], list[str]]] = {k: ([], []) for k in self.rows}
        general_p, general_w = [], []
        for notes, slot, general in ((problems, 0, general_p), (warnings, 1, general_w)):
            for note in notes:
                rest = note.path[len(base):].lstrip(".") if base else note.path
                key = self.key_for(rest.split(".")[0].split("[")[0] if rest else "")
                if key in per_key:
                    per_key[key][slot].append(note.text)
                else:
                    general.append(f"{rest}: {note.text}" if rest else note.text)
        for key, (p, w) in per_key.items():
            self.rows[key].show_notes(p, w)
        if general_p or general_w:
            self.general.setStyleSheet(theme.PROBLEM_STYLE if general_p else theme.WARNING_STYLE)
            self.general.setText("\n".join([f"✖ {t}" for t in general_p] +
                                           [f"⚠ {t}" for t in general_w]))
        else:
            self.general.clear()
        self.general.setVisible(bool(general_p or general_w))

    def key_for(self, field: str) -> str:
        return field


def _spin(lo: int, hi: int, suffix: str = "", special: str | None = None) -> QSpinBox:
    box = QSpinBox()
    box.setRange(lo, hi)
    box.setSuffix(suffix)
    if special:
        box.setSpecialValueText(special)
    box.setKeyboardTracking(False)
    return box


class ProgramForm(NodeForm):
    def __init__(self):
        super().__init__("Program")
        self.name = self.add("name", "Name", QLineEdit())
        self.description = self.add("description", "Description", QPlainTextEdit())
        self.description.setMaximumHeight(120)
        self.name.textEdited.connect(lambda t: self.emit({"name": t}, "name"))
        self.description.textChanged.connect(
            lambda: self.emit({"description": self.description.toPlainText().strip() or None},
                             "description"))

    def load(self, node: dict) -> None:
        self._loading = True
        self.name.setText(node.get("name", ""))
        if self.description.toPlainText() != node.get("description", ""):
            self.description.setPlainText(node.get("description", ""))
        self._loading = False


class DayForm(NodeForm):
    def __init__(self):
        super().__init__("Class day")
        self.name = self.add("name", "Name", QLineEdit())
        self.get_ready = self.add("get_ready_s", "Get ready", _spin(0, 120, " s"))
        self.switch = self.add("switch_sides_s", "Switch sides", _spin(0, 60, " s"))
        self.transition = self.add("transition_s", "Between blocks", _spin(0, 300, " s"))
        self.name.textEdited.connect(lambda t: self.emit({"name": t}, "name"))
        for key, box in (("get_ready_s", self.get_ready), ("switch_sides_s", self.switch),
                         ("transition_s", self.transition)):
            box.valueChanged.connect(lambda v, k=key: self.emit({k: v}))

    def load(self, node: dict) -> None:
        self._loading = True
        self.name.setText(node.get("name", ""))
        self.get_ready.setValue(int(node.get("get_ready_s", 10)))
        self.switch.setValue(int(node.get("switch_sides_s", 5)))
        self.transition.setValue(int(node.get("transition_s", 20)))
        self._loading = False


class BlockForm(NodeForm):
    def __init__(self):
        super().__init__("Block")
        self.name = self.add("name", "Name", QLineEdit())
        self.kind = self.add("kind", "Kind", QComboBox())
        for value, text in BLOCK_KINDS:
            self.kind.addItem(text, value.value)
        self.rounds = self.add("rounds", "Rounds", _spin(1, 20))
        self.rest = self.add("rest_s", "Rest after each round", _spin(0, 900, " s"))
        self.get_ready = self.add("get_ready_s", "Get ready", _spin(-1, 120, " s", "day's default"))
        self.name.textEdited.connect(lambda t: self.emit({"name": t}, "name"))
        self.kind.activated.connect(lambda _i: self.emit({"kind": self.kind.currentData()}))
        self.rounds.valueChanged.connect(lambda v: self.emit({"rounds": v}))
        self.rest.valueChanged.connect(lambda v: self.emit({"rest_s": v}))
        self.get_ready.valueChanged.connect(
            lambda v: self.emit({"get_ready_s": None if v < 0 else v}))

    def load(self, node: dict) -> None:
        self._loading = True
        self.name.setText(node.get("name", ""))
        kind = BlockKind(node.get("kind", BlockKind.STRAIGHT))
        self.kind.setCurrentIndex(max(0, self.kind.findData(kind.value)))
        grouped = kind.grouped
        self.set_row_visible("rounds", grouped or "rounds" in node)
        self.set_row_visible("rest_s", grouped or "rest_s" in node)
        self.rounds.setValue(int(node.get("rounds", 3)))
        self.rest.setValue(int(node.get("rest_s", 60)))
        self.get_ready.setValue(int(node["get_ready_s"]) if "get_ready_s" in node else -1)
        self._loading = False


class TempoDiagram(QWidget):
    """One rep drawn in the order it is performed: a box per phase, as wide as
    its seconds, coloured and named (PULL 1 s) with the breath under it."""

    def __init__(self):
        super().__init__()
        self.phases: list[tuple[str, str, float, str]] = []  # (phase, label, s, breath)
        self.setMinimumHeight(70)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def sizeHint(self) -> QSize:
        return QSize(420, 70)

    def show_rep(self, tempo: Tempo | None, exercise: Exercise | None,
                 breath: dict[str, str] | None) -> None:
        self.phases = []
        if tempo is not None and exercise is not None and exercise.start is not StartPhase.NONE:
            for phase, seconds in rep_phases(tempo, exercise.start):
                b = (breath or {}).get(phase.value) or DEFAULT_BREATH[phase].value
                self.phases.append((phase.value, exercise.phase_label(phase), seconds, b))
        self.update()

    def paintEvent(self, _event) -> None:
        if not self.phases:
            return
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        total = sum(s for _, _, s, _ in self.phases)
        w, h = self.width() - 2, self.height()
        box_h = h * 0.58
        x = 1.0
        font = p.font()
        font.setBold(True)
        for phase, label, seconds, breath in self.phases:
            width = w * seconds / total
            rect = QRectF(x, 1, width - 3, box_h)
            color = theme.PHASE[phase]
            p.setPen(QPen(color.darker(160), 1.5))
            p.setBrush(color)
            p.drawRoundedRect(rect, 5, 5)
            p.setPen(QColor(theme.DIAGRAM_TEXT))
            text = f"{label} {seconds:g}s"
            px = int(box_h * 0.36)
            font.setPixelSize(px)
            while px > 9 and QFontMetricsF(font).horizontalAdvance(text) > rect.width() - 6:
                px -= 1
                font.setPixelSize(px)
            if QFontMetricsF(font).horizontalAdvance(text) > rect.width() - 6:
                text = f"{seconds:g}s"
            p.setFont(font)
            p.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
            font.setPixelSize(int(h * 0.24))
            p.setFont(font)
            p.setPen(QColor(theme.RULE))
            p.drawText(QRectF(x, box_h + 2, width - 3, h - box_h - 2),
                       Qt.AlignmentFlag.AlignCenter, breath.upper())
            x += width
        p.end()


class ItemForm(NodeForm):
    """One prescription: exercise, sets, reps or time, tempo, rest, load, breath, cues.
    A load is shown and typed in the gym's units (:meth:`set_units`), kept in kg."""

    units = Units.KG

    def set_units(self, units: Units) -> None:
        self.units = units
        self.load_kind.setItemText(self.load_kind.findData("kg"), units.value)
        self.load_value.setSingleStep(2.5 if units is Units.KG else 5)
        self._show_load_fields(self.load_kind.currentData())

    def __init__(self):
        super().__init__("Exercise in the block")
        self.library: Library | None = None
        self.exercise_row = None
        self.exercise = self.add("exercise", "Exercise", QComboBox())
        self.exercise.setMaxVisibleItems(25)
        self.exercise.setMinimumContentsLength(22)  # long names scroll in the list, not the form
        self.exercise.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.sets = self.add("sets", "Sets", _spin(1, 20))
        volume = QWidget()
        vl = QHBoxLayout(volume)
        vl.setContentsMargins(0, 0, 0, 0)
        self.volume_value = _spin(1, 600)
        self.volume_kind = QComboBox()
        for value, text in VOLUME_KINDS:
            self.volume_kind.addItem(text, value)
        vl.addWidget(self.volume_value)
        vl.addWidget(self.volume_kind, 1)
        self.add("volume", "Volume", volume)
        tempo_box = QWidget()
        tl = QVBoxLayout(tempo_box)
        tl.setContentsMargins(0, 0, 0, 0)
        self.tempo = QLineEdit()
        self.tempo.setObjectName("tempo")
        self.tempo_info = QLabel()
        self.tempo_info.setObjectName("tempo-info")
        self.diagram = TempoDiagram()
        tl.addWidget(self.tempo)
        tl.addWidget(self.tempo_info)
        tl.addWidget(self.diagram)
        self.add("tempo", "Tempo", tempo_box)
        self.rest = self.add("rest_s", "Rest after each set", _spin(0, 900, " s"))
        self.per_side = self.add("per_side", "Sides", QCheckBox("each side in turn (left, then right)"))
        load = QWidget()
        ll = QHBoxLayout(load)
        ll.setContentsMargins(0, 0, 0, 0)
        self.load_kind = QComboBox()
        for value, text in LOAD_KINDS:
            self.load_kind.addItem(text, value)
        self.load_value = QDoubleSpinBox()
        self.load_value.setRange(0, 300)
        self.load_value.setDecimals(1)
        self.load_value.setSingleStep(2.5)
        self.load_value.setKeyboardTracking(False)
        self.band = QComboBox()
        self.band.addItems(BANDS)
        ll.addWidget(self.load_kind)
        ll.addWidget(self.load_value)
        ll.addWidget(self.band)
        ll.addStretch(1)
        self.add("load", "Load", load)
        breath = QWidget()
        bl = QHBoxLayout(breath)
        bl.setContentsMargins(0, 0, 0, 0)
        # four cells, filled in the order the rep runs (see _show_breath)
        self.breath_cells: list[tuple[QLabel, QComboBox]] = []
        self.breath_order: list[Phase] = list(Phase)
        for _ in Phase:
            cell = QVBoxLayout()
            name = QLabel()
            name.setWordWrap(True)
            box = QComboBox()
            box.setMinimumContentsLength(6)
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            cell.addWidget(name)
            cell.addWidget(box)
            bl.addLayout(cell)
            self.breath_cells.append((name, box))
            box.activated.connect(self._breath_edited)
        self.add("breath", "Breath", breath)
        self.pattern = self.add("breath_pattern", "Breath pattern", QLineEdit())
        self.pattern.setPlaceholderText("the drill's own; or box, long_exhale, 90_90, 4-4-4-4")
        self.cues = self.add("cues", "Cues (one a line)", QPlainTextEdit())
        self.cues.setMaximumHeight(80)
        self.notes = self.add("notes", "Notes", QLineEdit())

        self.exercise.activated.connect(lambda _i: self.emit({"exercise": self.exercise.currentData()}))
        self.sets.valueChanged.connect(lambda v: self.emit({"sets": v}))
        self.volume_value.valueChanged.connect(lambda _v: self._volume_edited())
        self.volume_kind.activated.connect(lambda _i: self._volume_edited())
        self.tempo.textEdited.connect(lambda t: self.emit({"tempo": t.strip() or None}, "tempo"))
        self.rest.valueChanged.connect(lambda v: self.emit({"rest_s": v}))
        self.per_side.toggled.connect(lambda on: self.emit({"per_side": True if on else None}))
        self.load_kind.activated.connect(lambda _i: self._load_edited())
        self.load_value.valueChanged.connect(lambda _v: self._load_edited())
        self.band.activated.connect(lambda _i: self._load_edited())
        self.pattern.textEdited.connect(
            lambda t: self.emit({"breath_pattern": t.strip() or None}, "breath_pattern"))
        self.cues.textChanged.connect(lambda: self.emit(
            {"cues": [c.strip() for c in self.cues.toPlainText().splitlines() if c.strip()]},
            "cues"))
        self.notes.textEdited.connect(lambda t: self.emit({"notes": t.strip() or None}, "notes"))

    def key_for(self, field: str) -> str:
        return "volume" if field in ("reps", "duration_s", "cycles") else field

    # --- edits -------------------------------------------------------------------
    def _volume_edited(self) -> None:
        kind = self.volume_kind.currentData()
        values = {k: None for k, _ in VOLUME_KINDS}
        values[kind] = self.volume_value.value()
        self.emit(values)

    def _load_edited(self) -> None:
        kind = self.load_kind.currentData()
        self._show_load_fields(kind)
        if not kind:
            self.emit({"load": None})
        elif kind == "band":
            self.emit({"load": {"kind": kind, "value": self.band.currentText()}})
        elif kind == "bodyweight":
            self.emit({"load": {"kind": kind}})
        else:
            value = self.load_value.value()
            if kind == "kg":  # typed in the gym's units, kept in kg (the program file's unit)
                value = round(units_to_kg(value, self.units), 2)
            self.emit({"load": {"kind": kind, "value": int(value) if value == int(value) else value}})

    def _breath_edited(self) -> None:
        mapping = {}
        for phase, (_name, box) in zip(self.breath_order, self.breath_cells, strict=True):
            if box.currentData():
                mapping[phase.value] = box.currentData()
        self.emit({"breath": mapping or None})

    def _show_load_fields(self, kind: str) -> None:
        self.load_value.setVisible(kind in ("kg", "rpe"))
        self.band.setVisible(kind == "band")
        if kind == "rpe":
            self.load_value.setRange(1, 10)
            self.load_value.setSuffix("")
        elif kind == "kg":
            self.load_value.setRange(0, kg_to_units(MAX_LOAD_KG, self.units))
            self.load_value.setSuffix(f" {self.units.value}")

    # --- showing -----------------------------------------------------------------
    def set_library(self, library: Library) -> None:
        self.library = library
        self._loading = True
        self.exercise.clear()
        for ex in sorted(library.exercises, key=lambda e: e.name.casefold()):
            kind = "breath drill" if ex.is_breath_drill else (
                "hold" if ex.start is StartPhase.NONE else ex.pattern)
            self.exercise.addItem(f"{ex.name}  ·  {kind}", ex.slug)
        self._loading = False

    def load(self, node: dict, block_kind: BlockKind | str) -> None:
        self._loading = True
        ex = self.library.get(node.get("exercise", "")) if self.library else None
        index = self.exercise.findData(ex.slug) if ex else -1
        if index < 0:
            self.exercise.setEditable(True)
            self.exercise.setEditText(node.get("exercise", ""))
        else:
            self.exercise.setEditable(False)
            self.exercise.setCurrentIndex(index)
        block_kind = BlockKind(block_kind)
        grouped = block_kind.grouped
        breath_block = block_kind is BlockKind.BREATH
        self.set_row_visible("sets", not grouped and not breath_block or "sets" in node)
        self.sets.setValue(int(node.get("sets", 1)))
        kind = next((k for k, _ in VOLUME_KINDS if node.get(k) is not None), None)
        if kind is None:
            kind = "cycles" if breath_block else (
                "duration_s" if ex is not None and ex.start is StartPhase.NONE else "reps")
        self.volume_kind.setCurrentIndex(self.volume_kind.findData(kind))
        self.volume_value.setValue(int(node.get(kind) or 0))
        reps = kind == "reps"
        self.set_row_visible("tempo", reps or "tempo" in node)
        self.set_row_visible("breath", reps or "breath" in node)
        self.set_row_visible("breath_pattern", breath_block or "breath_pattern" in node)
        self.set_row_visible("rest_s", not grouped or "rest_s" in node)
        self.set_row_visible("per_side", not breath_block)
        self.set_row_visible("load", not breath_block or "load" in node)
        if self.tempo.text() != (node.get("tempo") or ""):
            self.tempo.setText(node.get("tempo") or "")
        default = tempo_in_force(None, ex)
        self.tempo.setPlaceholderText(f"{default} (the library's tempo for this exercise)")
        self.rest.setValue(int(node.get("rest_s", 0)))
        sided = ex is not None and ex.laterality is Laterality.UNILATERAL
        self.per_side.setEnabled(sided or bool(node.get("per_side")))
        self.per_side.setChecked(bool(node.get("per_side")))
        if ex is not None and ex.laterality is Laterality.ALTERNATING:
            self.per_side.setText("alternates sides rep by rep (reps count per side)")
        elif not sided:
            self.per_side.setText("works both sides at once")
        else:
            self.per_side.setText("each side in turn (left, then right)")
        load = node.get("load") or {}
        self.load_kind.setCurrentIndex(max(0, self.load_kind.findData(load.get("kind", ""))))
        self._show_load_fields(load.get("kind", ""))
        if load.get("kind") == "kg" and isinstance(load.get("value"), int | float):
            self.load_value.setValue(kg_to_units(float(load["value"]), self.units))
        elif load.get("kind") == "rpe" and isinstance(load.get("value"), int | float):
            self.load_value.setValue(float(load["value"]))
        if load.get("kind") == "band" and load.get("value") in BANDS:
            self.band.setCurrentText(load["value"])
        self.pattern.setText(node.get("breath_pattern") or "")
        cues = "\n".join(node.get("cues", []))
        if self.cues.toPlainText().strip() != cues:
            self.cues.setPlainText(cues)
        self.notes.setText(node.get("notes") or "")
        self._show_breath(ex, node)
        self._loading = False
        self.show_tempo(node, ex)

    def _show_breath(self, ex: Exercise | None, node: dict) -> None:
        breath = node.get("breath") or {}
        start = ex.start if ex is not None else StartPhase.ECCENTRIC
        order = [Phase.CONCENTRIC, Phase.PAUSE_TOP, Phase.ECCENTRIC, Phase.PAUSE_BOTTOM] \
            if start is StartPhase.CONCENTRIC else list(Phase)
        self.breath_order = order
        for phase, (name, box) in zip(order, self.breath_cells, strict=True):
            label = ex.phase_label(phase) if ex is not None else phase.value
            name.setText(f"{label} ({phase.value.replace('_', ' ')})")
            box.clear()
            box.addItem(f"usual: {DEFAULT_BREATH[phase].value}", "")
            for b in Breath:
                box.addItem(b.value, b.value)
            box.setCurrentIndex(max(0, box.findData(breath.get(phase.value, ""))))

    def show_tempo(self, node: dict, ex: Exercise | None = None) -> None:
        """The rep's length and its phases in the movement's order, or why not."""
        if ex is None and self.library is not None:
            ex = self.library.get(node.get("exercise", ""))
        try:
            tempo = tempo_in_force(parse_tempo(node["tempo"]) if node.get("tempo") else None, ex)
        except InvalidInput:
            # the message under the field says why; keep it next to the field
            self.tempo_info.hide()
            self.diagram.hide()
            return
        self.tempo_info.show()
        self.diagram.setVisible(node.get("reps") is not None)
        reps = node.get("reps")
        info = f"one rep: {_fmt_s(tempo.rep_s)}"
        if reps:
            both = works_each_side(ex, node.get("per_side")) if ex is not None else bool(
                node.get("per_side"))
            sides = 2 if both else 1
            info += f" · a set of {reps}: {_fmt_s(tempo.rep_s * reps * sides)}"
            if sides == 2:
                info += " (both sides)"
        if ex is not None and ex.start is StartPhase.CONCENTRIC:
            info += " · starts with the pull"
        elif ex is not None and ex.start is StartPhase.ECCENTRIC:
            info += " · starts by lowering"
        self.tempo_info.setText(info)
        self.diagram.show_rep(tempo, ex, node.get("breath"))


    def breath_box(self, phase: Phase) -> QComboBox:
        return self.breath_cells[self.breath_order.index(phase)][1]
