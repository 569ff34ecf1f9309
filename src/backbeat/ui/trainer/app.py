"""Starting the trainer's desktop, and rendering it offscreen for docs and reviews.

At start the PIN gate is on screen before the store (SQLAlchemy, the models,
pydantic) is imported: the database is opened on a worker thread while the PIN
is typed, and the trainer window's modules are imported there next. That thread
first reads the PIN's hash without the store (store/pin_hint.py, SQLite only), so
a PIN typed meanwhile goes through scrypt (which lets other threads run) while
the store loads. The PIN is checked on a thread of its own once the database is
open, while the window is built, hidden: it is shown only once the PIN is right."""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSize, Signal, Slot
from PySide6.QtGui import QImage

from backbeat.ui.application import application, exit_after_first_frame, run_event_loop
from backbeat.ui.trainer.context import TrainerContext
from backbeat.ui.trainer.pin_gate import PinGate

if TYPE_CHECKING:
    from backbeat.store.db import Database
    from backbeat.ui.trainer.window import TrainerWindow

#: Imported on the worker thread once the database is open, before the window needs them.
WINDOW_MODULES = ("backbeat.ui.trainer.window",)
#: ``gate.done()`` code: the database says this computer's set-up is due first.
SETUP_FIRST = 2


def open_trainer(context: TrainerContext, *,
                 ask: Callable[[PinGate], int] = PinGate.exec) -> TrainerWindow | None:
    """The trainer window, only past the PIN gate (None when the gate is left)."""
    from backbeat.ui.trainer.window import TrainerWindow

    gate = PinGate(context)
    if not ask(gate) or gate.result() != PinGate.DialogCode.Accepted:
        return None
    return TrainerWindow(context)


class _Opening(QObject):
    """Opens the database on a worker thread; :attr:`opened` reaches the GUI
    thread (this object lives there) with the database or the error."""

    opened = Signal()
    hinted = Signal(object)  # the PIN's hash read before the store (str), or None

    def __init__(self, open_db: Callable[[], Database], setup_due: Callable[[Database], bool],
                 pin_hint: Callable[[], str | None] = lambda: None):
        super().__init__()
        self.gate: PinGate | None = None  # set before the event loop runs, so before _arrived
        self.setup_due = setup_due
        self.db: Database | None = None
        self.error: BaseException | None = None
        self.opened.connect(self._arrived)
        self.hinted.connect(self._hinted)
        self.thread = threading.Thread(target=self._work, args=(open_db, pin_hint),
                                       name="trainer-open", daemon=True)

    def _work(self, open_db: Callable[[], Database], pin_hint: Callable[[], str | None]) -> None:
        try:
            hint = pin_hint()
        except Exception:  # only a hint: the check runs once the database is open
            hint = None
        self.hinted.emit(hint)
        try:
            self.db = open_db()
            importlib.import_module("backbeat.store.auth")  # what the gate checks the PIN with
        except BaseException as exc:  # handed to the GUI thread, raised there
            self.error = exc
        self.opened.emit()
        if self.error is None:
            for name in WINDOW_MODULES:
                importlib.import_module(name)

    @Slot(object)
    def _hinted(self, stored: str | None) -> None:
        self.gate.hint(stored)

    @Slot()
    def _arrived(self) -> None:
        if self.error is not None:
            self.gate.reject()
        elif self.setup_due(self.db):
            self.gate.done(SETUP_FIRST)
        else:
            self.gate.arrived(TrainerContext(self.db))


def run_trainer(open_db: Callable[[], Database], *, windowed: bool = False,
                setup: Callable[[Database], None] = lambda _db: None,
                setup_due: Callable[[Database], bool] = lambda _db: False,
                pin_hint: Callable[[], str | None] = lambda: None) -> int:
    """The trainer's desktop: the PIN gate at once, ``open_db()`` on a worker
    thread meanwhile (its error is raised here once the gate is down), after
    ``pin_hint()``, the PIN's hash read without the store (or None); when
    ``setup_due(db)`` the gate gives way to ``setup(db)`` and is asked again."""
    opening = _Opening(open_db, setup_due, pin_hint)
    opening.thread.start()  # before Qt's own start-up: the two overlap
    application()
    gate = opening.gate = PinGate()
    gate.check_elsewhere = True
    built: list[TrainerWindow] = []

    def build() -> None:
        """While the PIN is checked: the window, hidden (shown only past the gate)."""
        if not built:
            from backbeat.ui.trainer.window import TrainerWindow

            built.append(TrainerWindow(gate.context))

    gate.checking.connect(build)
    code = gate.exec()
    opening.thread.join()
    if opening.error is not None:
        raise opening.error
    if code == SETUP_FIRST:
        setup(opening.db)
        window = open_trainer(TrainerContext(opening.db))
    elif code == PinGate.DialogCode.Accepted:
        from backbeat.ui.trainer.window import TrainerWindow

        window = built[0] if built else TrainerWindow(gate.context)
    else:
        window = None
        for unused in built:
            unused.deleteLater()
    if window is None:
        return 0
    exit_after_first_frame(window)
    if windowed:
        window.resize(1440, 900)
        window.show()
    else:
        window.showMaximized()
    return run_event_loop()


def snapshot_trainer(db: Database, *, size: QSize, tab: str | None = None,
                     program: str | None = None, day: int = 1) -> QImage:
    """The trainer window offscreen. ``tab`` picks the tab; for the program
    editor, ``program`` and ``day`` pick what it shows."""
    from backbeat.ui.trainer.window import TrainerWindow

    application()
    window = TrainerWindow(TrainerContext(db))
    window.resize(size)
    if tab:
        widget = window.show_tab(tab)
        focus = getattr(widget, "snapshot_focus", None)
        if callable(focus):
            focus(program=program, day=day)
    window.show()
    image = QImage(size, QImage.Format.Format_RGB32)
    window.render(image)
    application().processEvents()  # what the first paint asked for (the preview's strip)
    window.render(image)
    window.confirm_discard = lambda _what: True
    window.close()
    return image
