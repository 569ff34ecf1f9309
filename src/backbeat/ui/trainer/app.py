"""Starting the trainer's desktop, and rendering it offscreen for docs and reviews."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSize
from PySide6.QtGui import QImage

from backbeat.store.db import Database
from backbeat.ui.application import application, exit_after_first_frame
from backbeat.ui.trainer.context import TrainerContext
from backbeat.ui.trainer.pin_gate import PinGate
from backbeat.ui.trainer.window import TrainerWindow


def open_trainer(context: TrainerContext, *,
                 ask: Callable[[PinGate], int] = PinGate.exec) -> TrainerWindow | None:
    """The trainer window, only past the PIN gate (None when the gate is left)."""
    gate = PinGate(context)
    if not ask(gate) or gate.result() != PinGate.DialogCode.Accepted:
        return None
    return TrainerWindow(context)


def run_trainer(db: Database, *, windowed: bool = False) -> int:
    app = application()
    window = open_trainer(TrainerContext(db))
    if window is None:
        return 0
    exit_after_first_frame(window)
    if windowed:
        window.resize(1440, 900)
        window.show()
    else:
        window.showMaximized()
    return app.exec()


def snapshot_trainer(db: Database, *, size: QSize, tab: str | None = None,
                     program: str | None = None, day: int = 1) -> QImage:
    """The trainer window offscreen. ``tab`` picks the tab; for the program
    editor, ``program`` and ``day`` pick what it shows."""
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
