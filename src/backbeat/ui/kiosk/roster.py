"""Roster and check-in screens: who is here, by big name tiles."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QSizePolicy, QVBoxLayout, QWidget

from backbeat.ui.kiosk.widgets import Banner, MessageSlot, TileGrid, button, label


class RosterPage(QWidget):
    """Today's class: tap your name. The check-in and trainer doors are here too."""

    athlete_tapped = Signal(object)
    check_in_tapped = Signal()
    class_tapped = Signal()
    trainer_tapped = Signal()

    def __init__(self):
        super().__init__()
        col = QVBoxLayout(self)
        col.setContentsMargins(24, 18, 24, 18)
        col.setSpacing(12)
        top = QHBoxLayout()
        header = QWidget()
        heads = QVBoxLayout(header)
        heads.setContentsMargins(0, 0, 0, 0)
        heads.setSpacing(0)
        self.title = label("Tap your name", "title")
        self.class_label = label("", "muted", wrap=True)
        heads.addWidget(self.title)
        heads.addWidget(self.class_label)
        # "you're checked in" shows where the header is: the name tiles never move
        self.message = MessageSlot(header)
        top.addWidget(self.message, 1)
        self.check_in_button = button("CHECK IN", "primary", self.check_in_tapped.emit,
                                      name="check_in")
        self.check_in_button.setMinimumWidth(300)
        # two classes running (two rooms): this kiosk's class, chosen again
        self.class_button = button("CHOOSE CLASS", "", self.class_tapped.emit, name="choose_class")
        self.class_button.hide()
        top.addWidget(self.class_button)
        top.addWidget(self.check_in_button)
        col.addLayout(top)
        self.grid = TileGrid(columns=4, rows=3)
        self.grid.chosen.connect(self.athlete_tapped.emit)
        col.addWidget(self.grid, 1)
        bottom = QHBoxLayout()
        self.status_label = label("", "muted", wrap=True)
        bottom.addWidget(self.status_label, 1)
        self.trainer_button = button("TRAINER", "quiet", self.trainer_tapped.emit, name="trainer")
        bottom.addWidget(self.trainer_button)
        col.addLayout(bottom)


class _ChooserPage(QWidget):
    """BACK, a title and a page of tiles: the shape of the check-in and exercise pages."""

    back_tapped = Signal()

    def __init__(self, title: str, *, columns: int, rows: int, banner: bool):
        super().__init__()
        col = QVBoxLayout(self)
        col.setContentsMargins(24, 18, 24, 18)
        col.setSpacing(12)
        top = QHBoxLayout()
        top.addWidget(button("◀  BACK", "", self.back_tapped.emit, name="back"))
        top.addSpacing(16)
        self.title = label(title, "title", wrap=True)  # a long name breaks, BACK keeps its size
        self.title.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        if banner:  # a message takes the title's place: the tiles never move
            self.message = MessageSlot(self.title)
            top.addWidget(self.message, 1)
        else:
            top.addWidget(self.title, 1)
        col.addLayout(top)
        self.grid = TileGrid(columns=columns, rows=rows)
        col.addWidget(self.grid, 1)


class CheckInPage(_ChooserPage):
    """Everyone not checked in yet: tap your name to join today's class."""

    athlete_tapped = Signal(object)

    def __init__(self):
        super().__init__("Check in: tap your name", columns=4, rows=3, banner=True)
        self.grid.chosen.connect(self.athlete_tapped.emit)


class PickerPage(_ChooserPage):
    """A choice of exercise, as tiles (no class running, or CHANGE EXERCISE)."""

    exercise_tapped = Signal(object)

    def __init__(self):
        # two wide columns: the longest names fit on two lines at full size
        super().__init__("What are you logging?", columns=2, rows=4, banner=False)
        self.grid.chosen.connect(self.exercise_tapped.emit)


class ClassPage(_ChooserPage):
    """CHOOSE CLASS: two classes running (two rooms), which one this kiosk logs into."""

    class_tapped = Signal(object)

    def __init__(self):
        super().__init__("Choose this kiosk's class", columns=2, rows=2,
                         banner=False)
        self.grid.chosen.connect(self.class_tapped.emit)


class TrainerPage(QWidget):
    """Trainer functions, behind the trainer PIN: leave the kiosk, window mode."""

    leave_tapped = Signal()
    window_tapped = Signal()
    back_tapped = Signal()

    def __init__(self):
        super().__init__()
        col = QVBoxLayout(self)
        col.setContentsMargins(24, 18, 24, 18)
        col.setSpacing(16)
        col.addWidget(label("Trainer", "title"))
        self.message = Banner()
        col.addWidget(self.message)
        self.leave_button = button("LEAVE KIOSK", "undo", self.leave_tapped.emit, name="leave")
        self.window_button = button("SHOW IN A WINDOW", "", self.window_tapped.emit, name="window")
        col.addWidget(self.leave_button)
        col.addWidget(self.window_button)
        col.addStretch(1)
        col.addWidget(button("◀  BACK TO THE ROSTER", "", self.back_tapped.emit, name="back"))
