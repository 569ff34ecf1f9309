"""The trainer's desktop window: a shell of tabs behind the trainer PIN.

Adding a tab
------------
Every tab is a ``QWidget`` built from a
:class:`~backbeat.ui.trainer.context.TrainerContext`. To add one, append a
:class:`TabSpec` to :data:`TAB_FACTORIES` below with its module and class (or
any callable taking the context)::

    TabSpec("Athletes", lazy_tab("backbeat.ui.trainer.athletes", "AthletesTab")),

A tab is built the first time it is shown (or asked for with
:meth:`TrainerWindow.tab`), its module imported then: the window's first frame
needs only the first tab (the Progress tab's charts, for one, load pyqtgraph's
plots).

Tab modules import the context from ``ui/trainer/context.py``, never this
module, so there is no cycle. Tabs appear in list order. At run time,
:meth:`TrainerWindow.add_tab` adds an already-built widget.

A tab may define any of these optional hooks:

* ``on_shown()`` — called each time the tab becomes the current one (refresh
  from the store here);
* ``unsaved_changes() -> str | None`` — a short description of unsaved work;
  closing the window asks before it is lost.

Tabs talk to each other only through ``context.events`` (Qt signals): emit
``programs_changed`` after saving a program, ``library_changed`` after saving an
exercise, ``athletes_changed`` after editing athletes or screenings,
``logs_changed`` after changing logs, ``settings_changed`` after changing a
setting (units: show loads in kg or lb); connect to the ones you show.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMessageBox, QTabWidget, QVBoxLayout, QWidget

from backbeat.ui.trainer.context import TrainerContext


@dataclass(frozen=True)
class TabSpec:
    title: str
    #: the tab's class, or any callable; called with the TrainerContext
    factory: Callable[[TrainerContext], QWidget]

    def build(self, context: TrainerContext) -> QWidget:
        return self.factory(context)


def lazy_tab(module: str, name: str) -> Callable[[TrainerContext], QWidget]:
    """A factory that imports ``module`` when the tab is built and calls its ``name``."""
    def build(context: TrainerContext) -> QWidget:
        return getattr(importlib.import_module(module), name)(context)

    build.__qualname__ = name
    return build


#: The trainer's tabs, in order. Append yours here (see the module docstring).
TAB_FACTORIES: list[TabSpec] = [
    TabSpec("Programs", lazy_tab("backbeat.ui.trainer.program_editor", "ProgramEditor")),
    TabSpec("Library", lazy_tab("backbeat.ui.trainer.library_editor", "LibraryEditor")),
    TabSpec("Athletes", lazy_tab("backbeat.ui.trainer.athletes", "AthletesTab")),
    TabSpec("Class", lazy_tab("backbeat.ui.trainer.class_board", "ClassBoardTab")),
    TabSpec("Progress", lazy_tab("backbeat.ui.trainer.progress", "ProgressTab")),
    TabSpec("Equipment", lazy_tab("backbeat.ui.trainer.equipment", "EquipmentTab")),
    TabSpec("Timetable", lazy_tab("backbeat.ui.trainer.timetable", "TimetableTab")),
    TabSpec("Remote", lazy_tab("backbeat.ui.trainer.remote_tab", "RemoteTab")),
    TabSpec("Settings", lazy_tab("backbeat.ui.trainer.settings_tab", "SettingsTab")),
]


class _Unbuilt(QWidget):
    """A tab's page until the tab is first shown: then the tab is built into it."""

    def __init__(self, spec: TabSpec, context: TrainerContext):
        super().__init__()
        self.spec, self.context = spec, context
        self.built: QWidget | None = None
        QVBoxLayout(self).setContentsMargins(0, 0, 0, 0)

    def build(self) -> QWidget:
        if self.built is None:
            self.built = self.spec.build(self.context)
            self.built.setObjectName(self.built.objectName() or f"tab-{self.spec.title.lower()}")
            self.layout().addWidget(self.built)
        return self.built


class TrainerWindow(QMainWindow):
    def __init__(self, context: TrainerContext, tabs: list[TabSpec] | None = None):
        super().__init__()
        self.context = context
        self.setWindowTitle("Backbeat — trainer")
        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        self.tabs.currentChanged.connect(self._tab_shown)
        self.setCentralWidget(self.tabs)
        #: asks before closing with unsaved work; tests replace it
        self.confirm_discard: Callable[[str], bool] = self._ask_discard
        for i, spec in enumerate(TAB_FACTORIES if tabs is None else tabs):
            page = _Unbuilt(spec, context)
            if i == 0:
                page.build()  # the one on screen first
            self.tabs.addTab(page, spec.title)
        self._menus()

    # --- tabs -------------------------------------------------------------------
    def add_tab(self, title: str, widget: QWidget) -> int:
        """Add a built tab; returns its index."""
        widget.setObjectName(widget.objectName() or f"tab-{title.lower()}")
        return self.tabs.addTab(widget, title)

    def _page(self, index: int, *, build: bool = True) -> QWidget | None:
        """The tab at ``index`` (built now if it was not yet; None if not and not ``build``)."""
        page = self.tabs.widget(index)
        if isinstance(page, _Unbuilt):
            return page.build() if build else page.built
        return page

    def tab(self, title: str) -> QWidget | None:
        for i in range(self.tabs.count()):
            if self.tabs.tabText(i).replace("&", "") == title:
                return self._page(i)
        return None

    def show_tab(self, title: str) -> QWidget:
        widget = self.tab(title)
        if widget is None:
            titles = [self.tabs.tabText(i) for i in range(self.tabs.count())]
            raise KeyError(f"no tab {title!r} (tabs: {', '.join(titles)})")
        for i in range(self.tabs.count()):
            if self._page(i, build=False) is widget:
                self.tabs.setCurrentIndex(i)
        return widget

    def _tab_shown(self, index: int) -> None:
        widget = self._page(index)
        hook = getattr(widget, "on_shown", None)
        if callable(hook):
            hook()

    # --- menus ------------------------------------------------------------------
    def _menus(self) -> None:
        menu = self.menuBar().addMenu("&Trainer")
        change = QAction("Change trainer &PIN…", self)
        change.triggered.connect(self.change_pin)
        menu.addAction(change)
        menu.addSeparator()
        quit_ = QAction("&Quit", self)
        quit_.setShortcut(QKeySequence.StandardKey.Quit)
        quit_.triggered.connect(self.close)
        menu.addAction(quit_)
        help_ = self.menuBar().addMenu("&Help")
        about = QAction("&About Backbeat", self)
        about.triggered.connect(self.show_about)
        help_.addAction(about)

    def about_text(self) -> str:
        from backbeat.diagnostics import about

        return "\n".join(about(self.context.db.describe()))

    def show_about(self) -> None:
        QMessageBox.about(self, "About Backbeat", self.about_text())

    def change_pin(self) -> None:
        from backbeat.ui.trainer.pin_gate import ChangePinDialog

        ChangePinDialog(self.context, self).exec()

    # --- closing ----------------------------------------------------------------
    def unsaved_changes(self) -> list[str]:
        out = []
        for i in range(self.tabs.count()):  # a tab never built has nothing unsaved
            hook = getattr(self._page(i, build=False), "unsaved_changes", None)
            what = hook() if callable(hook) else None
            if what:
                out.append(f"{self.tabs.tabText(i)}: {what}")
        return out

    def closeEvent(self, event: QCloseEvent) -> None:
        pending = self.unsaved_changes()
        if pending and not self.confirm_discard("\n".join(pending)):
            event.ignore()
            return
        event.accept()

    def _ask_discard(self, what: str) -> bool:
        answer = QMessageBox.question(
            self, "Unsaved changes",
            f"These changes are not saved:\n\n{what}\n\nClose and lose them?",
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel)
        return answer == QMessageBox.StandardButton.Discard
