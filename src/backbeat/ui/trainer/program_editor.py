"""The program editor: a tree (program › day › block › item), a form for the
selected node that validates as you type, the compiled class, undo/redo.

The editor works on the program *document* (the ``backbeat.program/1`` dict).
Every edit replaces the document with a new one through an undo command, then
:func:`review_program` says what would refuse it (shown under the field, and
marked in the tree) and what is noise (warnings, never blocking). Saving goes
through the store, which checks again before writing anything.
"""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Callable
from pathlib import Path as FsPath

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QBrush, QColor, QKeySequence, QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QToolBar,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from backbeat.domain.errors import InvalidInput
from backbeat.domain.exercise import Library
from backbeat.domain.prescription import tempo_in_force, works_each_side
from backbeat.domain.program import BlockKind, ProgramFileError
from backbeat.domain.program_review import Note, Review, review_program
from backbeat.domain.setlog import units_of
from backbeat.domain.tempo import StartPhase
from backbeat.engine.timeline import ClassPlan
from backbeat.store.athletes import list_athletes
from backbeat.store.library import load_library
from backbeat.store.programs import (
    classes_run_from,
    delete_program,
    export_program_file,
    import_program_file,
    list_programs,
    load_program,
    save_edited_program,
)
from backbeat.store.settings import get_setting
from backbeat.ui import theme
from backbeat.ui.trainer import program_doc as docs
from backbeat.ui.trainer.forms import (
    BlockForm,
    DayForm,
    ItemForm,
    ProgramForm,
)
from backbeat.ui.trainer.preview import ClassPreview
from backbeat.ui.trainer.speech import SpeechMaker

PATH_ROLE = Qt.ItemDataRole.UserRole
PROBLEM_COLOR = QColor(theme.PROBLEM)
WARNING_COLOR = QColor(theme.CAUTION_TEXT)


class DocumentEdit(QUndoCommand):
    """One edit: the document before and after. Typing in one field merges
    into one step."""

    MERGE_ID = 5

    def __init__(self, editor: ProgramEditor, before: dict, after: dict, text: str,
                 select_before: tuple, select_after: tuple, merge: str = ""):
        super().__init__(text)
        self.editor = editor
        self.before, self.after = before, after
        self.select_before, self.select_after = select_before, select_after
        self.merge = merge

    def id(self) -> int:
        return self.MERGE_ID if self.merge else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, DocumentEdit) or other.merge != self.merge:
            return False
        self.after, self.select_after = other.after, other.select_after
        return True

    def redo(self) -> None:
        self.editor._show_document(self.after, self.select_after)

    def undo(self) -> None:
        self.editor._show_document(self.before, self.select_before)


class ProgramTree(QTreeWidget):
    """The program's structure; drag a day, block or exercise to move it."""

    moved = Signal(tuple, tuple, int)  # source path, new parent path, index

    def __init__(self):
        super().__init__()
        self.setHeaderHidden(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setAlternatingRowColors(True)

    def target_for(self, source: tuple, target: tuple,
                   where: QAbstractItemView.DropIndicatorPosition) -> tuple[tuple, int] | None:
        """Where a dragged node lands: (parent path, index), or None if it cannot."""
        position = QAbstractItemView.DropIndicatorPosition
        if not source or target is None:
            return None
        if len(target) == len(source):
            index = target[-1] + (0 if where == position.AboveItem else 1)
            return target[:-1], index
        if len(target) == len(source) - 1:  # onto a container: to its end
            return target, 10_000
        if len(target) == len(source) + 1 and where == position.BelowItem:
            return target[:-2], target[-2] + 1
        return None

    def dropEvent(self, event) -> None:
        dragged = self.currentItem()
        over = self.itemAt(event.position().toPoint())
        event.setDropAction(Qt.DropAction.IgnoreAction)
        event.accept()  # the editor moves it in the document and rebuilds the tree
        if dragged is None or over is None:
            return
        landing = self.target_for(dragged.data(0, PATH_ROLE), over.data(0, PATH_ROLE),
                                  self.dropIndicatorPosition())
        if landing is not None:
            self.moved.emit(dragged.data(0, PATH_ROLE), *landing)


class ProgramEditor(QWidget):
    """The "Programs" tab."""

    def __init__(self, context):
        super().__init__()
        self.context = context
        self.db = context.db
        self.library: Library = load_library(self.db)
        self.athletes = list_athletes(self.db)
        self.speech = SpeechMaker(self)
        self.speech.done.connect(self._speech_made)
        self.doc: dict = {}
        self.saved_name: str | None = None  # the name in the store, None for a new program
        self.selected: tuple = ()
        self.review: Review | None = None
        self._typing = False
        self._rebuilding = False
        # dialogs; tests replace them
        self.confirm: Callable[[str, str], bool] = self._ask
        self.ask_open_path: Callable[[], str] = self._open_dialog
        self.ask_save_path: Callable[[str], str] = self._save_dialog
        self.undo_stack = QUndoStack(self)
        self.undo_stack.cleanChanged.connect(self._clean_changed)
        self._build()
        context.events.library_changed.connect(self.reload_library)
        context.events.settings_changed.connect(self._units_changed)
        context.events.athletes_changed.connect(self.reload_athletes)
        context.events.programs_changed.connect(lambda _name: self._refresh_program_list())
        names = list_programs(self.db)
        if names:
            self.open_program(names[0])
        else:
            self.new_program()

    # --- layout ------------------------------------------------------------------
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        bar = QToolBar()
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.picker = QComboBox()
        self.picker.setMinimumWidth(220)
        self.picker.activated.connect(lambda _i: self.open_program(self.picker.currentText()))
        bar.addWidget(QLabel("Program "))
        bar.addWidget(self.picker)
        self.actions: dict[str, QAction] = {}

        def act(key: str, text: str, slot, shortcut=None) -> QAction:
            action = QAction(text, self)
            action.triggered.connect(slot)
            if shortcut is not None:
                action.setShortcut(shortcut)
                action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.addAction(action)
            self.actions[key] = action
            return action

        bar.addAction(act("new", "New", self.new_program, QKeySequence.StandardKey.New))
        bar.addAction(act("save", "Save", self.save, QKeySequence.StandardKey.Save))
        bar.addAction(act("import", "Import…", self.import_file))
        bar.addAction(act("export", "Export…", self.export_file))
        bar.addAction(act("sheet", "Class sheet (PDF)…", self.print_sheet,
                          QKeySequence.StandardKey.Print))
        bar.addAction(act("delete_program", "Delete program", self.delete_current))
        bar.addSeparator()
        undo = self.undo_stack.createUndoAction(self, "Undo")
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = self.undo_stack.createRedoAction(self, "Redo")
        redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        for a in (undo, redo):
            a.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.addAction(a)
            bar.addAction(a)
        self.actions["undo"], self.actions["redo"] = undo, redo
        outer.addWidget(bar)
        self.banner = QLabel()
        self.banner.setObjectName("banner")
        self.banner.setWordWrap(True)
        self.banner.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.banner.hide()
        outer.addWidget(self.banner)

        split = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        self.tree = ProgramTree()
        self.tree.currentItemChanged.connect(self._tree_selected)
        self.tree.moved.connect(self.move_node)
        ll.addWidget(self.tree, 1)
        buttons = QHBoxLayout()
        add_day = QPushButton("+ Day")
        add_day.clicked.connect(self.add_day)
        add_block = QToolButton()
        add_block.setText("+ Block ▾")
        add_block.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(add_block)
        for key, text in docs.BLOCK_TEMPLATES.items():
            menu.addAction(text, lambda k=key: self.add_block(k))
        add_block.setMenu(menu)
        add_item = QPushButton("+ Exercise")
        add_item.clicked.connect(self.add_item)
        for w in (add_day, add_block, add_item):
            buttons.addWidget(w)
        ll.addLayout(buttons)
        buttons2 = QHBoxLayout()
        for text, slot, tip in (
            ("Duplicate day", self.duplicate_day, "copy the selected day after it"),
            ("▲", lambda: self.nudge(-1), "move up (or drag)"),
            ("▼", lambda: self.nudge(+1), "move down (or drag)"),
            ("Delete", self.delete_node, "delete the selected day, block or exercise"),
        ):
            b = QPushButton(text)
            b.setToolTip(tip)
            b.clicked.connect(slot)
            buttons2.addWidget(b)
        ll.addLayout(buttons2)
        split.addWidget(left)

        self.forms = QStackedWidget()
        self.program_form = ProgramForm()
        self.day_form = DayForm()
        self.block_form = BlockForm()
        self.item_form = ItemForm()
        self.item_form.set_library(self.library)
        self.item_form.set_units(units_of(get_setting(self.context.db, "units")))
        for form in (self.program_form, self.day_form, self.block_form, self.item_form):
            self.forms.addWidget(form)
            form.edited.connect(self._form_edited)
        scroll = QScrollArea()  # small screens scroll the form, not the window
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.forms)
        split.addWidget(scroll)

        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        self.issues_title = QLabel("Checks")
        self.issues_title.setWordWrap(True)
        rl.addWidget(self.issues_title)
        self.issues = QListWidget()
        self.issues.setWordWrap(True)
        self.issues.itemActivated.connect(self._issue_chosen)
        self.issues.itemClicked.connect(self._issue_chosen)
        rl.addWidget(self.issues, 1)
        split.addWidget(right)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 5)
        split.setStretchFactor(2, 3)
        split.setSizes([300, 640, 300])

        vertical = QSplitter(Qt.Orientation.Vertical)
        vertical.addWidget(split)
        self.preview = ClassPreview()
        self.preview.start_on_tv.connect(self.start_on_tv)
        vertical.addWidget(self.preview)
        vertical.setStretchFactor(0, 4)
        vertical.setStretchFactor(1, 1)
        outer.addWidget(vertical, 1)

    # --- opening and saving --------------------------------------------------------
    def _refresh_program_list(self) -> None:
        names = list_programs(self.db)
        self.picker.blockSignals(True)
        self.picker.clear()
        self.picker.addItems(names)
        if self.saved_name is None:
            self.picker.addItem(f"{self.doc.get('name', '')} (not saved)")
            self.picker.setCurrentIndex(self.picker.count() - 1)
        elif self.saved_name in names:
            self.picker.setCurrentText(self.saved_name)
        self.picker.blockSignals(False)

    def _may_discard(self) -> bool:
        what = self.unsaved_changes()
        return what is None or self.confirm("Unsaved changes", f"{what}. Discard them?")

    def _start(self, doc: dict, saved_name: str | None) -> None:
        self.undo_stack.clear()
        self.saved_name = saved_name
        self._show_document(doc, ())
        self.undo_stack.setClean()
        self._refresh_program_list()
        self._update_title()

    def open_program(self, name: str) -> bool:
        if name == self.saved_name and self.undo_stack.isClean():
            return True
        if not self._may_discard():
            self._refresh_program_list()
            return False
        try:
            program = load_program(self.db, name)
        except InvalidInput as exc:
            self.say(str(exc), problem=True)
            return False
        self._start(program.to_document(), program.name)
        self.say("")
        return True

    def new_program(self) -> None:
        if not self._may_discard():
            return
        names = set(list_programs(self.db))
        name, n = "New program", 2
        while name in names:
            name, n = f"New program {n}", n + 1
        self._start(docs.new_program(self.library, name), None)

    def save(self) -> bool:
        review = self.review
        if review is None or not review.ok or review.program is None:
            count = len(review.problems) if review else 0
            self.say(f"Not saved: {count} problem{'s' * (count != 1)} to fix first "
                     "(marked ✖ in the tree and under the fields).", problem=True)
            return False
        try:
            warnings = save_edited_program(self.db, review.program, previous_name=self.saved_name)
        except InvalidInput as exc:
            if isinstance(exc, ProgramFileError):
                self.review = Review(review.program, [
                    *review.problems, *(_note(p, r) for p, r in exc.problems)])
            else:
                self.review = Review(review.program, [_note(exc.where, exc.reason)],
                                     review.warnings)
            self._show_review()
            self.say(f"Not saved: {exc.reason}", problem=True)
            return False
        self.saved_name = review.program.name
        self.undo_stack.setClean()
        self._refresh_program_list()
        self.context.events.programs_changed.emit(self.saved_name)
        n = len(review.warnings)
        self.say(f"Saved {self.saved_name!r}."
                 + (f" {n} warning{'s' * (n != 1)} to consider." if warnings or n else ""))
        self.speech.make(review.program, self.library)  # its spoken names, off this thread
        return True

    def _speech_made(self, note: str) -> None:
        if self.banner.text().startswith("Saved"):
            self.banner.setText(f"{self.banner.text()} Spoken: {note}.")

    def delete_current(self) -> None:
        if self.saved_name is None:
            self.new_program()
            return
        ran = classes_run_from(self.db, self.saved_name)
        if ran:  # its classes' attendance and logs point to it
            classes = "1 class was" if ran == 1 else f"{ran} classes were"
            self.say(f"Cannot delete {self.saved_name!r}: {classes} run from it and their logs "
                     "point to it. Rename it instead.", problem=True)
            return
        if not self.confirm("Delete program", f"Delete {self.saved_name!r} from the database?"):
            return
        delete_program(self.db, self.saved_name)
        gone = self.saved_name
        self.undo_stack.setClean()
        self.saved_name = None
        self.context.events.programs_changed.emit("")
        names = list_programs(self.db)
        if names:
            self.open_program(names[0])
        else:
            self.new_program()
        self.say(f"Deleted {gone!r}.")

    def import_file(self, path: str | None = None) -> bool:
        """Import a ``backbeat.program/1`` file (the same function as ``backbeat import``)."""
        path = path or self.ask_open_path()
        if not path:
            return False
        if not self._may_discard():
            return False
        try:
            program, warnings = import_program_file(self.db, path)
        except InvalidInput as exc:
            self.say(f"{FsPath(path).name} was refused, nothing was saved:\n{_problems_text(exc)}",
                     problem=True)
            return False
        self._start(program.to_document(), program.name)
        self.context.events.programs_changed.emit(program.name)
        self.say(f"Imported {program.name!r} from {FsPath(path).name}"
                 + (f" with {len(warnings)} warnings." if warnings else "."))
        return True

    def export_file(self, path: str | None = None) -> bool:
        """Export the saved program (the same function as ``backbeat export``)."""
        if self.saved_name is None or not self.undo_stack.isClean():
            self.say("Save the program first: export writes the saved program.", problem=True)
            return False
        path = path or self.ask_save_path(f"{self.saved_name}.json")
        if not path:
            return False
        try:
            export_program_file(self.db, self.saved_name, path)
        except InvalidInput as exc:
            self.say(f"Not exported: {exc}", problem=True)
            return False
        self.say(f"Exported {self.saved_name!r} to {path}.")
        return True

    def print_sheet(self, path: str | None = None) -> bool:
        from backbeat.ui.trainer.sheet import write_class_sheet

        if self.review is None or self.review.program is None or not self.review.ok:
            self.say("Fix the problems first: the sheet is printed from a valid program.",
                     problem=True)
            return False
        day = self.current_day() + 1
        name = self.review.program.name
        path = path or self.ask_save_path(f"{name} day {day}.pdf")
        if not path:
            return False
        try:
            write_class_sheet(self.db, self.review.program, day, path, library=self.library)
        except (InvalidInput, OSError) as exc:
            self.say(f"No sheet written: {exc}", problem=True)
            return False
        self.say(f"Class sheet for day {day} written to {path}.")
        return True

    def start_on_tv(self) -> bool:
        """Save if needed, then start ``backbeat tv`` with the selected day."""
        if (not self.undo_stack.isClean() or self.saved_name is None) and not self.save():
            return False
        day = self.current_day() + 1
        if not self.context.launch_tv(self.db, self.saved_name, day):
            self.say("The TV app did not start.", problem=True)
            return False
        self.say(f"Started day {day} of {self.saved_name!r} on the TV.")
        return True

    def unsaved_changes(self) -> str | None:
        if self.undo_stack.isClean() and self.saved_name is not None:
            return None
        if self.undo_stack.isClean() and self.undo_stack.count() == 0 and self.saved_name is None:
            return None  # a fresh, untouched new program
        return f"program {self.doc.get('name', '')!r} has unsaved edits"

    def say(self, text: str, problem: bool = False) -> None:
        self.banner.setStyleSheet(theme.PROBLEM_STYLE if problem else theme.DONE_STYLE)
        self.banner.setText(text)
        self.banner.setVisible(bool(text))

    def _units_changed(self) -> None:
        self.item_form.set_units(units_of(get_setting(self.context.db, "units")))
        if self.doc and self.forms.currentWidget() is self.item_form:
            self._load_form()  # the load shown afresh in the new units

    def on_shown(self) -> None:
        self._refresh_program_list()

    def snapshot_focus(self, program: str | None = None, day: int = 1) -> None:
        """For screenshots: open ``program`` and select a tempo prescription of ``day``."""
        if program and program in list_programs(self.db):
            self.open_program(program)
        d = max(0, min(day - 1, len(self.doc.get("days", [])) - 1))
        for note in self.review.warnings if self.review else []:
            path, _key = docs.parse_field_path(note.path)
            if len(path) == 3 and path[0] == d:  # show a warning where it is
                self.select(path)
                return
        for b, block in enumerate(self.doc["days"][d]["blocks"]):
            for i, item in enumerate(block["items"]):
                if item.get("reps") and docs.block_kind(block).grouped:
                    self.select((d, b, i))
                    return
        self.select((d,))

    # --- structure edits ------------------------------------------------------------
    def edit(self, after: dict, text: str, select: tuple | None = None, merge: str = "") -> None:
        self.undo_stack.push(DocumentEdit(
            self, copy.deepcopy(self.doc), after, text, self.selected,
            self.selected if select is None else select, merge))

    def current_day(self) -> int:
        return self.selected[0] if self.selected else 0

    def add_day(self) -> None:
        days = self.doc.get("days", [])
        doc, path = docs.insert(self.doc, (), len(days), docs.new_day(self.library, len(days) + 1))
        self.edit(doc, "add a day", path)

    def add_block(self, template: docs.Template | str) -> None:
        template = docs.Template(template)
        day = self.current_day()
        if not self.doc.get("days"):
            self.add_day()
        after = self.selected[1] + 1 if len(self.selected) >= 2 else 10_000
        doc, path = docs.insert(self.doc, (day,), after, docs.new_block(self.library, template))
        self.edit(doc, f"add a {docs.BLOCK_TEMPLATES[template].lower()}", path)

    def add_item(self) -> None:
        if len(self.selected) < 2:
            self.say("Choose a block first: exercises go into blocks.", problem=True)
            return
        block_path = self.selected[:2]
        block = docs.node(self.doc, block_path)
        kind = docs.block_kind(block)
        item = docs.new_item(self.library, kind, grouped=kind.grouped)
        after = self.selected[2] + 1 if len(self.selected) == 3 else 10_000
        doc, path = docs.insert(self.doc, block_path, after, item)
        self.edit(doc, "add an exercise", path)

    def duplicate_day(self) -> None:
        if not self.doc.get("days"):
            return
        doc, path = docs.duplicate_day(self.doc, self.current_day())
        self.edit(doc, "duplicate a day", path)

    def delete_node(self) -> None:
        if not self.selected:
            return
        doc = docs.remove(self.doc, self.selected)
        parent = self.selected[:-1]
        left = len(docs.children(doc, parent)) if parent or doc.get("days") is not None else 0
        select = (*parent, min(self.selected[-1], left - 1)) if left else parent
        self.edit(doc, "delete", select)

    def move_node(self, source: tuple, parent: tuple, index: int) -> None:
        try:
            doc, path = docs.move(self.doc, source, parent, index)
        except (ValueError, IndexError, KeyError):
            return
        if doc != self.doc:
            self.edit(doc, "move", path)

    def nudge(self, step: int) -> None:
        if not self.selected:
            return
        parent, index = self.selected[:-1], self.selected[-1]
        siblings = docs.children(self.doc, parent)
        target = index + step
        if 0 <= target < len(siblings):
            self.move_node(self.selected, parent, target + (1 if step > 0 else 0))

    def select(self, path: tuple) -> None:
        item = self._tree_items.get(tuple(path))
        if item is not None:
            self.tree.setCurrentItem(item)

    # --- form edits -------------------------------------------------------------------
    def _form_edited(self, values: dict, merge: str) -> None:
        path = self.selected
        values = dict(values)
        if len(path) == 2 and "kind" in values:
            doc = docs.set_block_kind(self.doc, path, values.pop("kind"))
        else:
            doc = self.doc
        if len(path) == 3 and "exercise" in values:
            values |= self._volume_for_exercise(values["exercise"])
        if values:
            doc = docs.set_fields(doc, path, **values)
        if doc == self.doc:
            return
        what = ", ".join(k for k, v in values.items() if v is not None) or "a field"
        self._typing = bool(merge)
        try:
            self.edit(doc, f"change {what}", path, merge=f"{path}:{merge}" if merge else "")
        finally:
            self._typing = False
        if not merge:
            self._load_form()  # a choice may change which fields apply

    def _volume_for_exercise(self, slug: str) -> dict:
        """Switching to a hold or a breath drill switches reps to seconds or cycles."""
        ex = self.library.get(slug)
        item = docs.node(self.doc, self.selected)
        if ex is None:
            return {}
        if ex.is_breath_drill and item.get("cycles") is None and item.get("duration_s") is None:
            return {"reps": None, "tempo": None, "cycles": 6}
        if ex.start is StartPhase.NONE and not ex.is_breath_drill and item.get("reps") is not None:
            return {"reps": None, "tempo": None, "duration_s": 20}
        if ex.start is not StartPhase.NONE and item.get("reps") is None:
            return {"duration_s": None, "cycles": None, "reps": 8}
        return {}

    # --- showing ------------------------------------------------------------------
    def _show_document(self, doc: dict, select: tuple) -> None:
        """Called by the undo commands: the document changed."""
        self.doc = doc
        self.review = review_program(doc, self.library, self.athletes)
        self._rebuild_tree(select)
        if not self._typing:
            self._load_form()
        self._show_review()
        self._show_preview()
        self._update_title()

    def _rebuild_tree(self, select: tuple) -> None:
        self._rebuilding = True
        self.tree.clear()
        self._tree_items: dict[tuple, QTreeWidgetItem] = {}
        root = self._tree_item(None, (), f"Program: {self.doc.get('name', '')}")
        for d, day in enumerate(self.doc.get("days", [])):
            name = day.get("name", "")
            label = name if name.casefold().startswith(f"day {d + 1}") else f"Day {d + 1}: {name}"
            day_item = self._tree_item(root, (d,), label)
            for b, block in enumerate(day.get("blocks", [])):
                block_item = self._tree_item(day_item, (d, b), _block_text(b, block))
                for i, item in enumerate(block.get("items", [])):
                    self._tree_item(block_item, (d, b, i),
                                    _item_text(b, i, item, block, self.library))
        self.tree.expandAll()
        path = tuple(select)
        while path not in self._tree_items and path:
            path = path[:-1]
        self.selected = path
        self.tree.setCurrentItem(self._tree_items[path])
        self._rebuilding = False

    def _tree_item(self, parent, path: tuple, text: str) -> QTreeWidgetItem:
        item = QTreeWidgetItem([text])
        item.setData(0, PATH_ROLE, path)
        flags = item.flags() | Qt.ItemFlag.ItemIsDragEnabled | Qt.ItemFlag.ItemIsDropEnabled
        if not path:
            flags &= ~Qt.ItemFlag.ItemIsDragEnabled
        item.setFlags(flags)
        problems, warnings = self.review.under(docs.field_path(path)) if self.review else ([], [])
        if problems:
            item.setText(0, f"✖ {text}")
            item.setForeground(0, QBrush(PROBLEM_COLOR))
            item.setToolTip(0, "\n".join(n.text for n in problems))
        elif warnings and path:
            own = self.review.at(docs.field_path(path))[1] or warnings
            item.setText(0, f"⚠ {text}")
            item.setForeground(0, QBrush(WARNING_COLOR))
            item.setToolTip(0, "\n".join(n.text for n in own))
        if parent is None:
            self.tree.addTopLevelItem(item)
        else:
            parent.addChild(item)
        self._tree_items[path] = item
        return item

    def _tree_selected(self, current, _previous) -> None:
        if self._rebuilding or current is None:
            return
        self.selected = tuple(current.data(0, PATH_ROLE))
        self._load_form()
        self._show_preview()

    def _load_form(self) -> None:
        path = self.selected
        node = docs.node(self.doc, path)
        form = (self.program_form, self.day_form, self.block_form, self.item_form)[len(path)]
        if len(path) == 3:
            form.load(node, docs.block_kind(docs.node(self.doc, path[:2])))
        else:
            form.load(node)
        self.forms.setCurrentWidget(form)
        self._show_form_notes()

    def _show_form_notes(self) -> None:
        form = self.forms.currentWidget()
        base = docs.field_path(self.selected)
        if self.review is None:
            return
        problems, warnings = self.review.under(base)
        if len(self.selected) < 3:
            # a day or block form shows its own fields' notes, not its children's
            depth = len(self.selected)
            problems = [n for n in problems if len(docs.parse_field_path(n.path)[0]) == depth]
            warnings = [n for n in warnings if len(docs.parse_field_path(n.path)[0]) == depth]
        form.show_notes(base, problems, warnings)
        if form is self.item_form:
            self.item_form.show_tempo(docs.node(self.doc, self.selected))

    def _show_review(self) -> None:
        self.issues.clear()
        review = self.review
        for notes, mark, color in ((review.problems, "✖", PROBLEM_COLOR),
                                   (review.warnings, "⚠", WARNING_COLOR)):
            for note in notes:
                entry = QListWidgetItem(f"{mark} {_where(note.path, self.doc)}: {note.text}")
                entry.setForeground(QBrush(color))
                entry.setData(PATH_ROLE, note.path)
                self.issues.addItem(entry)
        p, w = len(review.problems), len(review.warnings)
        if not p and not w:
            self.issues.addItem("✔ Nothing refuses this program, and no noise: fast reps, "
                                "high volume and risky exercises for flagged athletes are "
                                "checked as you type.")
        self.issues_title.setText(
            "Checks: all clear" if not p and not w else
            f"Checks: {p} problem{'s' * (p != 1)} (block saving), "
            f"{w} warning{'s' * (w != 1)} (noise)")
        self._show_form_notes()

    def _issue_chosen(self, entry: QListWidgetItem) -> None:
        if entry.data(PATH_ROLE) is None:  # the all-clear line
            return
        path, _key = docs.parse_field_path(entry.data(PATH_ROLE))
        self.select(path)

    def _show_preview(self) -> None:
        review = self.review
        if review is None or review.program is None or not review.ok:
            self.preview.show_timeline(None, "Fix the problems marked ✖ to see the class.")
            self.preview.start.setEnabled(False)
            return
        try:
            timeline = ClassPlan(review.program, self.current_day() + 1, self.library).timeline()
        except InvalidInput as exc:
            self.preview.show_timeline(None, str(exc))
            self.preview.start.setEnabled(False)
            return
        self.preview.show_timeline(timeline)
        self.preview.start.setEnabled(True)

    def _clean_changed(self, _clean: bool) -> None:
        # the stack also emits while it is torn down with the editor
        with contextlib.suppress(RuntimeError):
            self._update_title()

    def _update_title(self) -> None:
        dirty = "" if self.undo_stack.isClean() and self.saved_name else " — not saved"
        self.setWindowTitle(f"{self.doc.get('name', '')}{dirty}")

    def reload_library(self) -> None:
        self.library = load_library(self.db)
        self.item_form.set_library(self.library)
        self._show_document(self.doc, self.selected)

    def reload_athletes(self) -> None:
        self.athletes = list_athletes(self.db)
        self._show_document(self.doc, self.selected)

    # --- dialogs ----------------------------------------------------------------------
    def _ask(self, title: str, text: str) -> bool:
        answer = QMessageBox.question(self, title, text)
        return answer == QMessageBox.StandardButton.Yes

    def _open_dialog(self) -> str:
        path, _ = QFileDialog.getOpenFileName(self, "Import a program", "",
                                              "Backbeat programs (*.json)")
        return path

    def _save_dialog(self, suggested: str) -> str:
        kind = "PDF (*.pdf)" if suggested.endswith(".pdf") else "Backbeat programs (*.json)"
        path, _ = QFileDialog.getSaveFileName(self, "Save as", suggested, kind)
        return path



def _note(path: str, text: str) -> Note:
    return Note(path, text)


def _problems_text(exc: InvalidInput) -> str:
    problems = getattr(exc, "problems", None)
    if problems:
        return "\n".join(f"  {p}: {r}" if p else f"  {r}" for p, r in problems)
    return f"  {exc}"


def _where(path: str, doc: dict) -> str:
    """``days[0].blocks[1].items[0].tempo`` → ``Day 1 › B1 tempo``."""
    nodes, key = docs.parse_field_path(path)
    parts = []
    if len(nodes) >= 1:
        parts.append(f"Day {nodes[0] + 1}")
    if len(nodes) == 2:
        parts.append(_letter(nodes[1]))
    if len(nodes) == 3:
        parts.append(f"{_letter(nodes[1])}{nodes[2] + 1}")
    text = " › ".join(parts) or "Program"
    return f"{text} {key}" if key else text


def _letter(n: int) -> str:
    return chr(65 + n) if n < 26 else str(n + 1)


def _block_text(b: int, block: dict) -> str:
    kind = docs.block_kind(block)
    extra = ""
    if kind.grouped:
        extra = f" — {kind.value} × {block.get('rounds', '?')}"
    elif kind is BlockKind.BREATH:
        extra = " — breathing"
    return f"{_letter(b)} · {block.get('name', '')}{extra}"


def _item_text(b: int, i: int, item: dict, block: dict, library: Library) -> str:
    ex = library.get(item.get("exercise", ""))
    name = ex.name if ex else item.get("exercise", "?")
    sets = "" if docs.block_kind(block).grouped else f"{item.get('sets', 1)} × "
    if item.get("reps") is not None:
        volume = f"{sets}{item['reps']}"
        tempo = item.get("tempo") or (tempo_in_force(None, ex) if ex else None)
        if tempo:
            volume += f" @ {tempo}"
    elif item.get("duration_s") is not None:
        volume = f"{sets}{item['duration_s']:g} s"
    elif item.get("cycles") is not None:
        volume = f"{item['cycles']} breaths"
    else:
        volume = "?"
    both = works_each_side(ex, item.get("per_side")) if ex else item.get("per_side")
    side = " each side" if both else ""
    return f"{_letter(b)}{i + 1} {name} — {volume}{side}"
