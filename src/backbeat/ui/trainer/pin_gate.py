"""The trainer PIN: set on first run, asked at every start, changeable.

Wrong PINs back off (store.auth keeps the count in the database, so quitting
does not reset it); while locked out the field is disabled and says how long.

At start the gate shows before the database is open (``PinGate()`` with no
context; ui/trainer/app.py opens it on a worker thread): a PIN typed before the
database arrives is checked when it does (:meth:`PinGate.arrived`). The store
is imported then, not with this module. When the hash could be read before the
store (store/pin_hint.py, :meth:`PinGate.hint`), such a PIN goes through scrypt
at once, on a thread of its own, while the store loads; the store's check then
takes that answer for that very PIN and hash, after the back-off, as always
(:class:`VerifyAhead`).
"""

from __future__ import annotations

import math
import threading

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from backbeat.ui import theme

#: How often the lockout countdown is redrawn. It reads the clock; it counts nothing.
COUNTDOWN_REFRESH_MS = 250


class VerifyAhead:
    """``domain.pin.verify_pin(pin, stored)`` begun on a thread of its own before
    it is asked for. :meth:`verify` is what ``store.auth.check_trainer_pin`` is
    given: for this very PIN and hash it waits for the answer begun here; for any
    other (the PIN was edited, the stored hash changed) it runs verify_pin afresh."""

    def __init__(self, pin: str, stored: str):
        self.pin, self.stored = pin, stored
        self._ok: bool | None = None
        self._thread = threading.Thread(target=self._run, name="trainer-pin-ahead", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        from backbeat.domain.pin import verify_pin

        self._ok = verify_pin(self.pin, self.stored)

    def verify(self, pin: str, stored: str) -> bool:
        from backbeat.domain.pin import verify_pin

        if pin == self.pin and stored == self.stored:
            self._thread.join()
            if self._ok is not None:
                return self._ok
        return verify_pin(pin, stored)


def _pin_field(placeholder: str) -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setMaxLength(8)
    field.setPlaceholderText(placeholder)
    field.setInputMethodHints(Qt.InputMethodHint.ImhDigitsOnly)
    font = field.font()
    font.setPointSize(18)
    field.setFont(font)
    return field


class PinGate(QDialog):
    """Asks for the trainer PIN, or has it set when there is none yet.

    ``accept()`` only after a right PIN (or a new PIN saved). Without a context
    the gate waits for one (:meth:`arrived`): it asks for the PIN meanwhile and
    keeps one submitted early until the context is there to check it."""

    #: a PIN is being checked on another thread (``check_elsewhere``)
    checking = Signal()
    _checked = Signal(object)

    def __init__(self, context=None, parent: QWidget | None = None):
        super().__init__(parent)
        #: check the PIN on a thread of its own (scrypt keeps the GUI thread free)
        self.check_elsewhere = False
        self._checking = False
        self._checked.connect(self._checked_now)
        self.context = context
        self.db = None if context is None else context.db
        self.first_run = False
        if context is not None:
            from backbeat.store.auth import has_trainer_pin

            self.first_run = not has_trainer_pin(self.db)
        self.submitted_early = False
        #: the stored hash read before the store (:meth:`hint`), and the scrypt begun with it
        self.pin_hash_hint: str | None = None
        self._ahead: VerifyAhead | None = None
        self.locked_until = 0.0
        self.setWindowTitle("Backbeat — trainer")
        self.setMinimumWidth(420)
        layout = QVBoxLayout(self)
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        font = self.heading.font()
        font.setPointSize(14)
        font.setBold(True)
        self.heading.setFont(font)
        layout.addWidget(self.heading)
        self.form = QFormLayout()
        self.pin = _pin_field("6 to 8 digits")
        self.repeat = _pin_field("the same again")
        self.heading.setText("Trainer PIN")
        self.form.addRow("PIN", self.pin)
        if self.first_run:
            self._ask_for_a_new_pin()
        layout.addLayout(self.form)
        self.message = QLabel()
        self.message.setObjectName("pin-message")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(theme.PROBLEM_STYLE)
        layout.addWidget(self.message)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._countdown = QTimer(self)
        self._countdown.setInterval(COUNTDOWN_REFRESH_MS)
        self._countdown.timeout.connect(self.refresh)
        self.pin.setFocus()

    def _ask_for_a_new_pin(self) -> None:
        self.heading.setText("Set the trainer PIN. It protects programs, athletes and logs.")
        self.form.labelForField(self.pin).setText("New PIN")
        self.form.addRow("Repeat", self.repeat)

    def arrived(self, context) -> None:
        """The store is open: a PIN submitted before it came is checked now; with
        no trainer PIN set yet the gate asks for a new one (typed twice)."""
        from backbeat.store.auth import has_trainer_pin

        self.context, self.db = context, context.db
        self.first_run = not has_trainer_pin(self.db)
        if self.first_run:
            self._ask_for_a_new_pin()
            self.submitted_early = False
            self._say("")
            self.repeat.setFocus()
        elif self.submitted_early:
            self.submitted_early = False
            self._say("")
            self._check()

    def hint(self, stored: str | None) -> None:
        """The stored hash, read before the store is open (store/pin_hint.py; None:
        no hint): a PIN submitted early goes through scrypt now (:class:`VerifyAhead`)."""
        self.pin_hash_hint = stored
        self._verify_ahead()

    def _verify_ahead(self) -> None:
        pin, stored = self.pin.text(), self.pin_hash_hint
        if self.context is not None or not self.submitted_early or not stored:
            return
        if self._ahead is None or (self._ahead.pin, self._ahead.stored) != (pin, stored):
            self._ahead = VerifyAhead(pin, stored)

    def _verify(self):
        """What the store's check verifies the PIN with (the answer begun early, if any)."""
        if self._ahead is not None:
            return self._ahead.verify
        from backbeat.domain.pin import verify_pin

        return verify_pin

    def submit(self) -> None:
        if self.context is None:
            self.submitted_early = True
            self._say("Opening the gym's database…")
            self._verify_ahead()
            return
        if self.first_run:
            self._set_first_pin()
        else:
            self._check()

    def _set_first_pin(self) -> None:
        from backbeat.domain.errors import InvalidInput
        from backbeat.store.auth import set_trainer_pin

        if self.pin.text() != self.repeat.text():
            self._say("The two PINs differ: type the same PIN twice.")
            self.repeat.clear()
            return
        try:
            set_trainer_pin(self.db, self.pin.text())
        except InvalidInput as exc:
            self._say(f"{exc.reason}.")
            return
        self.accept()

    def _check(self) -> None:
        from backbeat.store.auth import check_trainer_pin

        if self.context.clock() < self.locked_until:
            self.refresh()
            return
        pin, now = self.pin.text(), self.context.clock()
        if not self.check_elsewhere:
            self._checked_now(check_trainer_pin(self.db, pin, now=now, verify=self._verify()))
            return
        if self._checking:
            return
        self._checking = True
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)
        self._say("Checking…")
        threading.Thread(target=self._check_there, args=(pin, now, self._verify()),
                         name="trainer-pin", daemon=True).start()
        self.checking.emit()

    def _check_there(self, pin: str, now: float, verify) -> None:
        """On the checking thread: the store's check (scrypt), handed to the GUI thread."""
        from backbeat.store.auth import check_trainer_pin

        try:
            result = check_trainer_pin(self.db, pin, now=now, verify=verify)
        except Exception as exc:  # the database went away: said in the gate, tried again
            result = exc
        self._checked.emit(result)

    @Slot(object)
    def _checked_now(self, result) -> None:
        self._checking = False
        self._ahead = None  # asked once; a later try is verified afresh
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(True)
        if isinstance(result, Exception):
            self._say(f"The PIN could not be checked: {result}. Try again.")
            return
        if result.ok:
            self._say("")
            self.accept()
            return
        self.pin.clear()
        if result.wait_s > 0:
            self.locked_until = self.context.clock() + result.wait_s
            self._countdown.start()
            self.refresh()
        else:
            self._say(f"{result.message[:1].upper()}{result.message[1:]}. Try again.")

    def refresh(self) -> None:
        """Show the lockout (or lift it) by the clock."""
        left = self.locked_until - self.context.clock()
        locked = left > 0
        self.pin.setEnabled(not locked)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not locked)
        if locked:
            self._say(f"Too many wrong PINs. Wait {math.ceil(left)} s before the next try.")
        else:
            self._countdown.stop()
            if self.message.text().startswith("Too many"):
                self._say("Try again.")
            self.pin.setFocus()

    def _say(self, text: str) -> None:
        self.message.setText(text)


class ChangePinDialog(QDialog):
    """Current PIN, new PIN twice."""

    def __init__(self, context, parent: QWidget | None = None):
        super().__init__(parent)
        self.db = context.db
        self.setWindowTitle("Change the trainer PIN")
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.current = _pin_field("the PIN you use now")
        self.new = _pin_field("6 to 8 digits")
        self.repeat = _pin_field("the same again")
        form.addRow("Current PIN", self.current)
        form.addRow("New PIN", self.new)
        form.addRow("Repeat", self.repeat)
        layout.addLayout(form)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet(theme.PROBLEM_STYLE)
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def submit(self) -> None:
        from backbeat.domain.errors import InvalidInput
        from backbeat.store.auth import set_trainer_pin

        if self.new.text() != self.repeat.text():
            self.message.setText("The two new PINs differ: type the same PIN twice.")
            return
        try:
            set_trainer_pin(self.db, self.new.text(), old_pin=self.current.text())
        except InvalidInput as exc:
            self.message.setText(f"{exc.where}: {exc.reason}.")
            return
        self.accept()
