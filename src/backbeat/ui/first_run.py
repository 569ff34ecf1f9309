"""The first start on a computer: a short set-up, four pages.

1. **Screens** — a big number on every screen; which one is the TV, which the
   kiosk (or none on this computer).
2. **Sound** — play the cue set a class uses and say whether it was heard.
3. **Trainer PIN** — set it (skipped when the gym has one).
4. **Loads and paper** — kg or lb, A4 or Letter.

Finishing saves it all through :mod:`backbeat.store.settings` (the screens
and the sound test are this computer's, the rest the gym's) and marks this
computer set up. ``backbeat setup`` and the trainer's Settings tab run it
again.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QGuiApplication, QScreen
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from backbeat.domain.errors import InvalidInput
from backbeat.domain.pin import TRAINER_PIN_DIGITS, validate_pin
from backbeat.store.auth import has_trainer_pin, set_trainer_pin
from backbeat.store.db import Database
from backbeat.store.settings import CHOICES, get_setting, set_setting
from backbeat.ui import theme

#: plays the sound test; returns None when it played, else why it could not
SoundTest = Callable[[], "str | None"]


def play_sound_test() -> str | None:
    from backbeat.audio.player import AudioUnavailable
    from backbeat.audio.sound_check import play_cue_set

    try:
        play_cue_set()
    except AudioUnavailable as exc:
        return exc.reason
    return None


def screen_label(index: int, screen: QScreen) -> str:
    size = screen.geometry().size()
    return f"Screen {index + 1} ({screen.name() or 'unnamed'}, {size.width()}×{size.height()})"


class ScreenNumber(QWidget):
    """A screen's number, as big as the screen allows, so a person across the
    room can say which screen is which."""

    def __init__(self, index: int, screen: QScreen):
        super().__init__(None, Qt.WindowType.FramelessWindowHint | Qt.WindowType.WindowStaysOnTopHint)
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.setStyleSheet(f"background: {theme.BACKGROUND.name()}; color: {theme.SETUP_TEXT.name()};")
        self.number = QLabel(str(index + 1), self)
        self.number.setAlignment(Qt.AlignmentFlag.AlignCenter)
        geometry = screen.geometry()
        # a third of the screen's width, half its height, at its right: big from
        # across the room, and the set-up window (on one of the screens) stays
        # in view beside it
        w, h = geometry.width() // 3, geometry.height() // 2
        font = QFont()
        font.setBold(True)
        font.setPixelSize(max(60, int(h * 0.62)))
        self.number.setFont(font)
        caption = QLabel(f"This is screen {index + 1}", self)
        caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        small = QFont()
        small.setPixelSize(max(18, h // 12))
        caption.setFont(small)
        layout = QVBoxLayout(self)
        layout.addWidget(self.number, 1)
        layout.addWidget(caption)
        self.setScreen(screen)
        self.setGeometry(geometry.x() + geometry.width() - w - geometry.width() // 20,
                         geometry.y() + (geometry.height() - h) // 2, w, h)


class ScreensPage(QWizardPage):
    def __init__(self, db: Database):
        super().__init__()
        self.setTitle("Which screen is which?")
        self.setSubTitle("Every screen now shows its number. Choose the gym TV's screen and the "
                         "kiosk's (the touchscreen by the rack).")
        self.screens = QGuiApplication.screens()
        self.tv = QComboBox()
        self.kiosk = QComboBox()
        self.kiosk.addItem("No kiosk on this computer", None)
        for i, screen in enumerate(self.screens):
            self.tv.addItem(screen_label(i, screen), i)
            self.kiosk.addItem(screen_label(i, screen), i)
        tv = int(get_setting(db, "tv.screen") or 0)
        self.tv.setCurrentIndex(tv if 0 <= tv < len(self.screens) else 0)
        kiosk = get_setting(db, "kiosk.screen")
        self.kiosk.setCurrentIndex(self.kiosk.findData(kiosk) if kiosk is not None else 0)
        form = QFormLayout(self)
        form.addRow("The TV is on", self.tv)
        form.addRow("The kiosk is on", self.kiosk)
        self.numbers: list[ScreenNumber] = []

    def initializePage(self) -> None:
        self.show_numbers()

    def cleanupPage(self) -> None:
        self.hide_numbers()

    def validatePage(self) -> bool:
        self.hide_numbers()
        return True

    def show_numbers(self) -> None:
        self.hide_numbers()
        for i, screen in enumerate(self.screens):
            number = ScreenNumber(i, screen)
            number.show()
            self.numbers.append(number)

    def hide_numbers(self) -> None:
        for number in self.numbers:
            number.close()
            number.deleteLater()
        self.numbers = []


class SoundPage(QWizardPage):
    def __init__(self, play: SoundTest):
        super().__init__()
        self.setTitle("Can the room hear the cues?")
        self.setSubTitle("Turn the speakers to class volume, then play the cue set: get ready, "
                         "the countdown, go, the phase sounds, a count, rest.")
        self.play = play
        self.button = QPushButton("Play the cue set")
        self.button.clicked.connect(self.play_now)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.heard = QRadioButton("I heard it clearly")
        self.not_heard = QRadioButton("I heard nothing, or too quietly")
        self.answer = QButtonGroup(self)
        self.answer.addButton(self.heard)
        self.answer.addButton(self.not_heard)
        self.answer.buttonToggled.connect(lambda *_: self._answered())
        self.hint = QLabel("")
        self.hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        for w in (self.button, self.status, self.heard, self.not_heard, self.hint):
            layout.addWidget(w)
        layout.addStretch(1)
        self.played = False

    def play_now(self) -> None:
        reason = self.play()
        self.played = True
        if reason is None:
            self.status.setText("Playing… Was it heard from the back of the room?")
        else:
            self.status.setText(f"No sound could be played: {reason}.")
            self.not_heard.setChecked(True)
        self.completeChanged.emit()

    def _answered(self) -> None:
        if self.not_heard.isChecked():
            self.hint.setText("Check the speaker's cable and power, the computer's volume and its "
                              "sound output, then play it again. Classes still run without sound; "
                              "the TV then says SOUND OFF and why.")
        else:
            self.hint.setText("")
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self.played and (self.heard.isChecked() or self.not_heard.isChecked())

    def result(self) -> bool:
        return self.heard.isChecked()


class PinPage(QWizardPage):
    def __init__(self, db: Database):
        super().__init__()
        self.db = db
        self.setTitle("The trainer PIN")
        self.already = has_trainer_pin(db)
        layout = QFormLayout(self)
        self.pin = QLineEdit()
        self.repeat = QLineEdit()
        for field in (self.pin, self.repeat):
            field.setEchoMode(QLineEdit.EchoMode.Password)
            field.setInputMethodHints(Qt.InputMethodHint.ImhDigitsOnly)
            field.setMaxLength(8)
        self.problem = QLabel("")
        self.problem.setStyleSheet(f"color: {theme.PROBLEM};")
        if self.already:
            self.setSubTitle("This gym has a trainer PIN already. Change it in the trainer's "
                             "Settings tab.")
            self.pin.hide()
            self.repeat.hide()
        else:
            self.setSubTitle("The PIN opens the trainer's desktop and lets the kiosk be left. "
                             f"{TRAINER_PIN_DIGITS} to 8 digits.")
            layout.addRow("PIN", self.pin)
            layout.addRow("The same PIN again", self.repeat)
        layout.addRow(self.problem)

    def validatePage(self) -> bool:
        if self.already:
            return True
        try:
            validate_pin(self.pin.text(), "PIN", min_digits=TRAINER_PIN_DIGITS)
        except InvalidInput as exc:
            self.problem.setText(f"{exc.reason}.")
            return False
        if self.pin.text() != self.repeat.text():
            self.problem.setText("The two PINs differ: type the same PIN twice.")
            self.repeat.clear()
            return False
        self.problem.setText("")
        return True


class MeasuresPage(QWizardPage):
    def __init__(self, db: Database):
        super().__init__()
        self.setTitle("Loads and paper")
        self.setSubTitle("How this gym weighs its loads, and the paper its class sheets print on.")
        self.groups: dict[str, QButtonGroup] = {}
        layout = QFormLayout(self)
        layout.setVerticalSpacing(24)
        words = {"kg": "kilograms (kg)", "lb": "pounds (lb)", "A4": "A4", "Letter": "US Letter"}
        for key, label in (("units", "Loads in"), ("paper", "Class sheets on")):
            group = QButtonGroup(self)
            row = QWidget()
            box = QVBoxLayout(row)
            box.setContentsMargins(0, 0, 0, 0)
            current = get_setting(db, key)
            for value in CHOICES[key]:
                button = QRadioButton(words[value])
                button.setProperty("value", value)
                button.setChecked(value == current)
                group.addButton(button)
                box.addWidget(button)
            self.groups[key] = group
            layout.addRow(label, row)

    def choice(self, key: str) -> str:
        return self.groups[key].checkedButton().property("value")


class FirstRunWizard(QWizard):
    """The set-up. ``play`` plays the sound test (tests give their own)."""

    def __init__(self, db: Database, *, play: SoundTest = play_sound_test,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.db = db
        self.setWindowTitle("Set up Backbeat on this computer")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage)
        self.screens_page = ScreensPage(db)
        self.sound_page = SoundPage(play)
        self.pin_page = PinPage(db)
        self.measures_page = MeasuresPage(db)
        for page in (self.screens_page, self.sound_page, self.pin_page, self.measures_page):
            self.addPage(page)
        self.resize(720, 480)

    def accept(self) -> None:
        db = self.db
        set_setting(db, "tv.screen", self.screens_page.tv.currentData())
        set_setting(db, "kiosk.screen", self.screens_page.kiosk.currentData())
        set_setting(db, "sound.heard", self.sound_page.result())
        if not self.pin_page.already:
            set_trainer_pin(db, self.pin_page.pin.text())
        for key in ("units", "paper"):
            set_setting(db, key, self.measures_page.choice(key))
        set_setting(db, "setup.done", True)
        self.screens_page.hide_numbers()
        super().accept()

    def reject(self) -> None:
        self.screens_page.hide_numbers()
        super().reject()


def run_setup(db: Database) -> bool:
    """``backbeat setup``: the set-up, whether or not it ran before. True when finished."""
    from backbeat.ui.application import application

    application()
    return FirstRunWizard(db).exec() == QWizard.DialogCode.Accepted


def first_run_if_needed(db: Database) -> None:
    """Before the TV, kiosk or trainer first opens on this computer: the
    set-up, once. Leaving it early is fine: it is offered again next start."""
    from backbeat.ui.application import application, setup_due

    application()
    if setup_due(db):
        FirstRunWizard(db).exec()


PAGES = ("screens", "sound", "pin", "measures")


def snapshot_setup(db: Database, page: str, path: str) -> None:
    """One page of the set-up rendered offscreen to ``path`` (docs and reviews)."""
    from PySide6.QtGui import QImage

    from backbeat.ui.application import application

    application()
    wizard = FirstRunWizard(db, play=lambda: None)
    wizard.show()
    for _ in range(PAGES.index(page)):
        if page != "screens" and wizard.currentPage() is wizard.sound_page:
            wizard.sound_page.play_now()
            wizard.sound_page.heard.setChecked(True)
        if wizard.currentPage() is wizard.pin_page and not wizard.pin_page.already:
            wizard.pin_page.pin.setText("246813")
            wizard.pin_page.repeat.setText("246813")
        wizard.next()
    image = QImage(wizard.size(), QImage.Format.Format_RGB32)
    wizard.render(image)
    if page == "screens":  # what the screen shows beside it: its number
        number = wizard.screens_page.numbers[0]
        shot = QImage(number.size(), QImage.Format.Format_RGB32)
        number.render(shot)
        shot.save(path.replace(".png", "-number.png"))
    image.save(path)
    wizard.reject()
