"""The exercise library: what each movement is, how its rep runs, what to say.

Edits are checked as a whole exercise by the domain model when saved; each
refusal shows under its field and nothing is written.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from pydantic import ValidationError
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QMovie, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from backbeat.domain.exercise import EquipmentKind, Exercise, Laterality, Library, RiskFlag
from backbeat.domain.tempo import StartPhase
from backbeat.paths import media_path
from backbeat.store.library import load_library, save_exercise
from backbeat.ui import theme
from backbeat.ui.trainer.forms import FieldRow

STARTS = [
    (StartPhase.CONCENTRIC, "with the pull (rows, pull-aparts, pulldowns)"),
    (StartPhase.ECCENTRIC, "at the top, lowering first (hinges, extensions)"),
    (StartPhase.NONE, "no rep phases (holds, breath drills)"),
]
SIDES = [
    (Laterality.BILATERAL, "both sides at once"),
    (Laterality.UNILATERAL, "one side at a time (per-side sets)"),
    (Laterality.ALTERNATING, "alternating sides rep by rep (bird dog, dead bug)"),
]
FLAGS = [(RiskFlag.DISC, "risky with a disc history"),
         (RiskFlag.SHOULDER, "risky with a shoulder history")]
MEDIA_FILTER = "Images and GIFs (*.png *.jpg *.jpeg *.gif *.webp)"


def slugify(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-")[:60]


def _lines(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in text.splitlines() if line.strip())


class LibraryEditor(QWidget):
    """The "Library" tab."""

    def __init__(self, context):
        super().__init__()
        self.context = context
        self.db = context.db
        self.library: Library = load_library(self.db)
        self.current: Exercise | None = None  # None: a new exercise
        self.dirty = False
        self._loading = False
        self.ask_media_path: Callable[[], str] = self._media_dialog
        self.confirm: Callable[[str, str], bool] = self._ask
        self.rows: dict[str, FieldRow] = {}
        self._build()
        self._fill_list()
        if self.library.exercises:
            self.show_exercise(self.library.exercises[0].slug)

    # --- layout -------------------------------------------------------------------
    def _build(self) -> None:
        outer = QHBoxLayout(self)
        split = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Find an exercise…")
        self.search.textChanged.connect(self._fill_list)
        ll.addWidget(self.search)
        self.list = QListWidget()
        self.list.currentItemChanged.connect(self._chosen)
        ll.addWidget(self.list, 1)
        new = QPushButton("+ New exercise")
        new.clicked.connect(self.new_exercise)
        ll.addWidget(new)
        split.addWidget(left)

        right = QWidget()
        rl = QVBoxLayout(right)
        self.heading = QLabel()
        font = self.heading.font()
        font.setPointSize(font.pointSize() + 3)
        font.setBold(True)
        self.heading.setFont(font)
        rl.addWidget(self.heading)
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.hide()
        rl.addWidget(self.banner)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        body = QWidget()
        form = QFormLayout(body)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form = form

        def add(key: str, label: str, widget: QWidget) -> QWidget:
            row = FieldRow(widget)
            self.rows[key] = row
            form.addRow(label, row)
            return widget

        self.name = add("name", "Name", QLineEdit())
        self.slug = add("slug", "Short name (id)", QLineEdit())
        self.slug.setToolTip("how program files refer to the exercise; fixed once saved")
        self.pattern = add("pattern", "Movement pattern", QLineEdit())
        self.muscles = add("muscles", "Muscles (comma-separated)", QLineEdit())
        self.start = add("start", "A rep starts", QComboBox())
        for value, text in STARTS:
            self.start.addItem(text, value.value)
        self.laterality = add("laterality", "Sides", QComboBox())
        for value, text in SIDES:
            self.laterality.addItem(text, value.value)
        self.equipment = add("equipment", "Loaded with", QComboBox())
        self.equipment.addItem("—", "")
        for kind in EquipmentKind:
            self.equipment.addItem(kind.value, kind.value)
        self.equipment.setToolTip("barbell, dumbbell and band loads are kept to what the gym's "
                                  "equipment (Equipment tab) can build")
        self.bar = add("bar", "Bar", QLineEdit())
        self.bar.setPlaceholderText("barbell lifts: the bar's name (empty: the gym's first bar)")
        self.tempo = add("default_tempo", "Usual tempo", QLineEdit())
        self.tempo.setPlaceholderText("e.g. 3-1-1-2 (eccentric-pause-concentric-pause)")
        self.cues = add("cues", "Cues (one a line)", QPlainTextEdit())
        self.cautions = add("cautions", "Cautions (one a line)", QPlainTextEdit())
        for box in (self.cues, self.cautions):
            box.setMaximumHeight(90)
        flags = QWidget()
        fl = QHBoxLayout(flags)
        fl.setContentsMargins(0, 0, 0, 0)
        self.flag_boxes: dict[RiskFlag, QCheckBox] = {}
        for flag, text in FLAGS:
            box = QCheckBox(text)
            self.flag_boxes[flag] = box
            fl.addWidget(box)
            box.toggled.connect(self._edited)
        fl.addStretch(1)
        add("risk_flags", "Screening risks", flags)
        self.substitutions = add("substitutions", "Substitutes (for flagged athletes)", QListWidget())
        self.substitutions.setMaximumHeight(140)
        self.substitutions.itemChanged.connect(self._edited)
        self.breath_pattern = add("breath_pattern", "Breath drill pattern", QLineEdit())
        self.breath_pattern.setPlaceholderText("only for breath drills: box, long_exhale, 90_90 or 4-4-4-4")
        media = QWidget()
        ml = QHBoxLayout(media)
        ml.setContentsMargins(0, 0, 0, 0)
        self.media = QLineEdit()
        self.media.setPlaceholderText("image or GIF shown on the TV while setting up (optional)")
        browse = QPushButton("Choose…")
        browse.clicked.connect(self.choose_media)
        ml.addWidget(self.media, 1)
        ml.addWidget(browse)
        add("media", "Picture", media)
        self.media_preview = QLabel()
        self.media_preview.setFixedSize(QSize(240, 160))
        self.media_preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.media_preview.setStyleSheet(f"border: 1px solid {theme.FRAME};")
        form.addRow("", self.media_preview)
        scroll.setWidget(body)
        rl.addWidget(scroll, 1)
        buttons = QHBoxLayout()
        self.save_button = QPushButton("Save exercise")
        self.save_button.clicked.connect(self.save)
        self.revert_button = QPushButton("Revert")
        self.revert_button.clicked.connect(self.revert)
        buttons.addStretch(1)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)
        rl.addLayout(buttons)
        split.addWidget(right)
        split.setSizes([320, 900])
        outer.addWidget(split)

        for w in (self.name, self.slug, self.pattern, self.muscles, self.tempo,
                  self.breath_pattern, self.media, self.bar):
            w.textEdited.connect(self._edited)
        for w in (self.cues, self.cautions):
            w.textChanged.connect(self._edited)
        for w in (self.start, self.laterality, self.equipment):
            w.activated.connect(self._edited)
        self.name.textEdited.connect(self._name_typed)
        self.media.textEdited.connect(lambda _t: self._show_media())

    # --- list -----------------------------------------------------------------------
    def _fill_list(self) -> None:
        wanted = self.search.text().casefold()
        self.list.blockSignals(True)
        self.list.clear()
        for ex in sorted(self.library.exercises, key=lambda e: e.name.casefold()):
            if wanted and wanted not in ex.name.casefold() and wanted not in ex.pattern.casefold():
                continue
            marks = " ⚠" if ex.risk_flags else ""
            item = QListWidgetItem(f"{ex.name}{marks}")
            item.setData(Qt.ItemDataRole.UserRole, ex.slug)
            item.setToolTip(ex.pattern)
            self.list.addItem(item)
            if self.current is not None and ex.slug == self.current.slug:
                self.list.setCurrentItem(item)
        self.list.blockSignals(False)

    def _chosen(self, item, _previous) -> None:
        if item is None:
            return
        slug = item.data(Qt.ItemDataRole.UserRole)
        if self.current is not None and slug == self.current.slug:
            return
        if not self.show_exercise(slug):
            self._fill_list()  # stay where the unsaved edits are

    # --- showing --------------------------------------------------------------------
    def _may_discard(self) -> bool:
        what = self.unsaved_changes()
        return what is None or self.confirm("Unsaved changes", f"{what}. Discard them?")

    def show_exercise(self, slug: str) -> bool:
        if not self._may_discard():
            return False
        ex = self.library.get(slug)
        if ex is None:
            return False
        self.current = ex
        self._load(ex.model_dump(mode="json"), new=False)
        self._fill_list()
        return True

    def new_exercise(self) -> None:
        if not self._may_discard():
            return
        self.current = None
        self._load({"name": "", "slug": "", "pattern": "", "start": "concentric"}, new=True)
        self.list.clearSelection()
        self.name.setFocus()

    def revert(self) -> None:
        self.dirty = False
        if self.current is None:
            self.new_exercise()
        else:
            self._load(self.current.model_dump(mode="json"), new=False)

    def _load(self, data: dict, new: bool) -> None:
        self._loading = True
        self.heading.setText("New exercise" if new else data["name"])
        self.name.setText(data.get("name", ""))
        self.slug.setText(data.get("slug", ""))
        self.slug.setReadOnly(not new)
        self.pattern.setText(data.get("pattern", ""))
        self.muscles.setText(", ".join(data.get("muscles", [])))
        self.start.setCurrentIndex(max(0, self.start.findData(data.get("start", "concentric"))))
        self.laterality.setCurrentIndex(max(0, self.laterality.findData(data.get("laterality", "bilateral"))))
        self.equipment.setCurrentIndex(max(0, self.equipment.findData(data.get("equipment") or "")))
        self.bar.setText(data.get("bar") or "")
        self.tempo.setText(data.get("default_tempo") or "")
        self.cues.setPlainText("\n".join(data.get("cues", [])))
        self.cautions.setPlainText("\n".join(data.get("cautions", [])))
        for flag, box in self.flag_boxes.items():
            box.setChecked(flag.value in data.get("risk_flags", []))
        self.substitutions.clear()
        for ex in sorted(self.library.exercises, key=lambda e: e.name.casefold()):
            if ex.slug == data.get("slug"):
                continue
            item = QListWidgetItem(ex.name)
            item.setData(Qt.ItemDataRole.UserRole, ex.slug)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if ex.slug in data.get("substitutions", [])
                               else Qt.CheckState.Unchecked)
            self.substitutions.addItem(item)
        self.breath_pattern.setText(data.get("breath_pattern") or "")
        self.media.setText(data.get("media") or "")
        self._loaded_extra = {k: data[k] for k in ("phase_labels",) if data.get(k)}
        self._show_media()
        for row in self.rows.values():
            row.show_notes([], [])
        self.say("")
        self.dirty = False
        self._loading = False

    def _show_media(self) -> None:
        text = self.media.text().strip()
        self.media_preview.setMovie(None)
        if not text:
            self.media_preview.setText("no picture")
            return
        path = media_path(text)
        if path is None:
            self.media_preview.setText("file not found")
            return
        if path.suffix.lower() == ".gif":
            movie = QMovie(str(path), parent=self.media_preview)
            movie.setScaledSize(self.media_preview.size())
            self.media_preview.setMovie(movie)
            movie.start()
        else:
            pixmap = QPixmap(str(path))
            self.media_preview.setPixmap(pixmap.scaled(
                self.media_preview.size(), Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation))

    # --- editing --------------------------------------------------------------------
    def _edited(self, *_args) -> None:
        if not self._loading:
            self.dirty = True

    def _name_typed(self, text: str) -> None:
        if self.current is None:
            self.slug.setText(slugify(text))

    def choose_media(self) -> None:
        path = self.ask_media_path()
        if path:
            self.media.setText(path)
            self._edited()
            self._show_media()

    def form_data(self) -> dict:
        data = {
            "slug": self.slug.text().strip(),
            "name": self.name.text().strip(),
            "pattern": self.pattern.text().strip(),
            "muscles": [m.strip() for m in self.muscles.text().split(",") if m.strip()],
            "start": self.start.currentData(),
            "laterality": self.laterality.currentData(),
            "cues": list(_lines(self.cues.toPlainText())),
            "cautions": list(_lines(self.cautions.toPlainText())),
            "risk_flags": [f.value for f, box in self.flag_boxes.items() if box.isChecked()],
            "substitutions": [
                self.substitutions.item(i).data(Qt.ItemDataRole.UserRole)
                for i in range(self.substitutions.count())
                if self.substitutions.item(i).checkState() == Qt.CheckState.Checked],
        }
        if self.equipment.currentData():
            data["equipment"] = self.equipment.currentData()
        for key, widget in (("default_tempo", self.tempo), ("breath_pattern", self.breath_pattern),
                            ("media", self.media), ("bar", self.bar)):
            if widget.text().strip():
                data[key] = widget.text().strip()
        return data | getattr(self, "_loaded_extra", {})

    def save(self) -> bool:
        for row in self.rows.values():
            row.show_notes([], [])
        data = self.form_data()
        problems: dict[str, list[str]] = {}
        try:
            exercise = Exercise.model_validate(data)
        except ValidationError as exc:
            for err in exc.errors():
                key = str(err["loc"][0]) if err["loc"] else ""
                msg = err["msg"].removeprefix("Value error, ")
                if key == "slug" and err["type"] == "string_pattern_mismatch":
                    msg = "lower-case letters, digits and single dashes only, like 'face-pull'"
                if key not in self.rows:
                    key = "start" if "start" in msg else "name"
                problems.setdefault(key, []).append(msg)
            exercise = None
        if exercise is not None and self.current is None and exercise.slug in self.library:
            problems.setdefault("slug", []).append(
                f"{exercise.slug!r} is taken by {self.library.get(exercise.slug).name!r}")
        if exercise is not None and exercise.media and media_path(exercise.media) is None:
            problems.setdefault("media", []).append(f"no image at {exercise.media}")
        if problems:
            for key, messages in problems.items():
                self.rows[key].show_notes(messages, [])
            n = sum(len(m) for m in problems.values())
            self.say(f"Not saved: {n} problem{'s' * (n != 1)} to fix (marked ✖).", problem=True)
            return False
        save_exercise(self.db, exercise)
        self.library = load_library(self.db)
        self.current = exercise
        self.dirty = False
        self.heading.setText(exercise.name)
        self.slug.setReadOnly(True)
        self._fill_list()
        self.context.events.library_changed.emit()
        self.say(f"Saved {exercise.name!r}.")
        return True

    def say(self, text: str, problem: bool = False) -> None:
        self.banner.setStyleSheet(theme.PROBLEM_STYLE if problem else theme.DONE_STYLE)
        self.banner.setText(text)
        self.banner.setVisible(bool(text))

    def unsaved_changes(self) -> str | None:
        if not self.dirty:
            return None
        name = self.name.text().strip() or "a new exercise"
        return f"exercise {name!r} has unsaved edits"

    def on_shown(self) -> None:
        self.library = load_library(self.db)
        self._fill_list()

    def _ask(self, title: str, text: str) -> bool:
        return QMessageBox.question(self, title, text) == QMessageBox.StandardButton.Yes

    def _media_dialog(self) -> str:
        path, _ = QFileDialog.getOpenFileName(self, "Choose a picture", str(Path.home()), MEDIA_FILTER)
        return path
