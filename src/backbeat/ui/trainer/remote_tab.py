"""The Remote tab: the coach's phone remote from the trainer's desk.

Whether the TV serves the remote (and where), the code a serving TV shows now
(as a QR code and in digits, for a coach who pairs at the desk), and every
paired phone, each revocable at once.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt, QTimer
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QCheckBox,
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

from backbeat.remote.address import parse_bind
from backbeat.store.remote import ShownCode, list_devices, revoke_device, shown_codes
from backbeat.store.settings import get_setting, set_setting
from backbeat.ui.qr import paint_qr, spaced_code
from backbeat.ui.trainer.context import TrainerContext

#: How often the shown code is read again (a code lives two minutes).
REFRESH_MS = 5000


class _QrView(QWidget):
    def __init__(self):
        super().__init__()
        self.text = ""
        self.setMinimumSize(220, 220)

    def paintEvent(self, _event) -> None:
        if not self.text:
            return
        p = QPainter(self)
        paint_qr(p, QRectF(0, 0, self.width(), self.height()), self.text)
        p.end()


class RemoteTab(QWidget):
    def __init__(self, context: TrainerContext):
        super().__init__()
        self.db = context.db
        lay = QVBoxLayout(self)

        serve = QGroupBox("Serve the phone remote from the TV")
        row = QHBoxLayout(serve)
        self.enabled = QCheckBox("On (the TV serves the page on the gym's network)")
        self.address = QLineEdit()
        self.address.setPlaceholderText("[HOST:]PORT, e.g. 0.0.0.0:8088")
        save = QPushButton("Save")
        save.clicked.connect(self.save_settings)
        self.message = QLabel("")
        row.addWidget(self.enabled)
        row.addWidget(QLabel("Address:"))
        row.addWidget(self.address, 1)
        row.addWidget(save)
        lay.addWidget(serve)
        lay.addWidget(self.message)

        pairing = QGroupBox("Pair a phone")
        prow = QHBoxLayout(pairing)
        self.qr = _QrView()
        prow.addWidget(self.qr)
        self.code = QLabel("")
        self.code.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.code.setWordWrap(True)
        prow.addWidget(self.code, 1)
        lay.addWidget(pairing)

        devices = QGroupBox("Paired phones")
        dlay = QVBoxLayout(devices)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["Phone", "Station", "Paired", "Last used"])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        dlay.addWidget(self.table, 1)
        self.revoke_button = QPushButton("Revoke the chosen phone")
        self.revoke_button.clicked.connect(self.revoke_chosen)
        dlay.addWidget(self.revoke_button)
        lay.addWidget(devices, 1)

        self._devices: list = []
        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.refresh_code)
        self.load()

    # --- hooks -------------------------------------------------------------------
    def on_shown(self) -> None:
        self.load()
        self._timer.start()

    def hideEvent(self, event) -> None:
        self._timer.stop()
        super().hideEvent(event)

    # --- store -------------------------------------------------------------------
    def load(self) -> None:
        self.enabled.setChecked(bool(get_setting(self.db, "remote.enabled")))
        self.address.setText(str(get_setting(self.db, "remote.address")))
        self.refresh_code()
        self.refresh_devices()

    def save_settings(self) -> None:
        address = self.address.text().strip()
        try:
            parse_bind(address)
        except ValueError as exc:
            self.message.setText(str(exc).replace("--remote", "address"))
            return
        set_setting(self.db, "remote.enabled", self.enabled.isChecked())
        set_setting(self.db, "remote.address", address)
        self.message.setText("Saved: a TV started from now on "
                             + ("serves the remote." if self.enabled.isChecked() else "does not serve it."))

    def refresh_code(self) -> None:
        codes: list[ShownCode] = shown_codes(self.db)
        if not codes:
            self.qr.text = ""
            self.code.setText("No TV serves the remote now. Turn it on above and start the TV, "
                              "or start it with 'backbeat tv --remote 8088'.")
        else:
            shown = codes[0]
            self.qr.text = f"{shown.address}#pair={shown.code}"
            self.code.setText(f"<p style='font-size:28pt'><b>{spaced_code(shown.code)}</b></p>"
                              f"<p>Scan the code, or open {shown.address} on the phone and type the "
                              f"digits. From {shown.station}; a new code every two minutes.</p>")
        self.qr.update()

    def refresh_devices(self) -> None:
        self._devices = list_devices(self.db)
        self.table.setRowCount(len(self._devices))
        for r, d in enumerate(self._devices):
            name = d.name + ("  (revoked)" if d.revoked else "")
            used = d.last_used_at.strftime("%Y-%m-%d %H:%M") if d.last_used_at else "never"
            for c, text in enumerate([name, d.station, d.paired_at.strftime("%Y-%m-%d %H:%M"), used]):
                self.table.setItem(r, c, QTableWidgetItem(text))

    def revoke_chosen(self) -> None:
        rows = {i.row() for i in self.table.selectedIndexes()}
        for r in sorted(rows):
            revoke_device(self.db, self._devices[r].id)
        self.refresh_devices()
