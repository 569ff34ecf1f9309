"""The Settings tab: what the first-run set-up asked, changeable later.

The gym's (shared by every station): loads in kg or lb, the class sheet's
paper, the trainer PIN. This computer's: its TV and kiosk screens and its
sound test, changed by running the set-up again. Where the log is, and the
release.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from backbeat.store.settings import CHOICES, get_setting, set_setting
from backbeat.ui.trainer.context import TrainerContext

WORDS = {"kg": "kilograms (kg)", "lb": "pounds (lb)", "A4": "A4", "Letter": "US Letter"}


class SettingsTab(QWidget):
    def __init__(self, context: TrainerContext):
        super().__init__()
        self.context = context
        layout = QVBoxLayout(self)

        gym = QGroupBox("The gym (every station)")
        form = QFormLayout(gym)
        self.choices: dict[str, QComboBox] = {}
        for key, label in (("units", "Loads in"), ("paper", "Class sheets on")):
            combo = QComboBox()
            for value in CHOICES[key]:
                combo.addItem(WORDS[value], value)
            combo.currentIndexChanged.connect(lambda _i, k=key: self._chosen(k))
            self.choices[key] = combo
            form.addRow(label, combo)
        self.change_pin = QPushButton("Change the trainer PIN…")
        self.change_pin.clicked.connect(self._change_pin)
        form.addRow("Trainer PIN", self.change_pin)
        layout.addWidget(gym)

        here = QGroupBox("This computer")
        form = QFormLayout(here)
        self.tv = QLabel()
        self.kiosk = QLabel()
        self.sound = QLabel()
        form.addRow("The TV is on", self.tv)
        form.addRow("The kiosk is on", self.kiosk)
        form.addRow("Sound test", self.sound)
        self.setup = QPushButton("Set up this computer again…")
        self.setup.clicked.connect(self.run_setup)
        form.addRow(self.setup)
        layout.addWidget(here)

        about = QGroupBox("Backbeat")
        form = QFormLayout(about)
        from backbeat import __version__
        from backbeat.diagnostics import log_file

        form.addRow("Release", QLabel(__version__))
        log = QLabel(str(log_file()))
        log.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow("Log file", log)
        form.addRow("Database", QLabel(context.db.describe()))
        layout.addWidget(about)
        layout.addStretch(1)
        self.message = QLabel("")
        layout.addWidget(self.message)
        self.on_shown()

    def on_shown(self) -> None:
        db = self.context.db
        for key, combo in self.choices.items():
            combo.blockSignals(True)
            combo.setCurrentIndex(combo.findData(get_setting(db, key)))
            combo.blockSignals(False)
        screens = QGuiApplication.screens()

        def screen(index) -> str:
            if index is None:
                return "no kiosk on this computer"
            if not 0 <= index < len(screens):
                return f"screen {index + 1} (not connected now)"
            name = screens[index].name()
            return f"screen {index + 1}" + (f" ({name})" if name else "")

        self.tv.setText(screen(int(get_setting(db, "tv.screen") or 0)))
        self.kiosk.setText(screen(get_setting(db, "kiosk.screen")))
        heard = get_setting(db, "sound.heard")
        self.sound.setText({True: "heard", False: "not heard: check the speakers, then test again",
                            None: "not tried"}[heard])

    def choose(self, key: str, value: str) -> None:
        combo = self.choices[key]
        combo.setCurrentIndex(combo.findData(value))

    def _chosen(self, key: str) -> None:
        value = self.choices[key].currentData()
        set_setting(self.context.db, key, value)
        self.message.setText(f"Saved: {WORDS[value]}.")
        self.context.events.settings_changed.emit()

    def _change_pin(self) -> None:
        from backbeat.ui.trainer.pin_gate import ChangePinDialog

        ChangePinDialog(self.context, self).exec()

    def run_setup(self, *, exec_=None) -> None:
        from backbeat.ui.first_run import FirstRunWizard

        wizard = FirstRunWizard(self.context.db, parent=self)
        if (exec_ or FirstRunWizard.exec)(wizard):
            self.context.events.settings_changed.emit()
        self.on_shown()
