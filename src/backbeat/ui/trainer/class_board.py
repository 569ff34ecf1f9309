"""The Class tab: the coach's board for the running class, on the trainer's desk.

The same board as the TV's rest screen (``store.board``): each checked-in
athlete's sets logged of the exercise the class is on (✓✓· is 2 of 3), the
suggested load, or what a flagged athlete does instead. Read off the GUI
thread once a second while the tab is shown.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from backbeat.domain.setcount import class_line
from backbeat.store.board import ClassBoard, class_board
from backbeat.ui.trainer.context import TrainerContext

REFRESH_MS = 500  # a tap shows within a second (benchmarks/bench_kiosk.py measures it)
COLUMNS = ("Athlete", "Sets", "Load", "Next / instead")


class ClassBoardTab(QWidget):
    def __init__(self, context: TrainerContext):
        super().__init__()
        self.context = context
        col = QVBoxLayout(self)
        self.title = QLabel("No class running")
        font = self.title.font()
        font.setPointSize(font.pointSize() + 4)
        font.setBold(True)
        self.title.setFont(font)
        self.title.setWordWrap(True)
        col.addWidget(self.title)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        col.addWidget(self.table, 1)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="class-board")
        self._future: Future | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.tick)
        self.destroyed.connect(lambda *_: self._pool.shutdown(wait=False, cancel_futures=True))

    def on_shown(self) -> None:
        self.ask()
        self._timer.start()

    def hideEvent(self, event) -> None:
        self._timer.stop()
        super().hideEvent(event)

    def ask(self) -> None:
        if self._future is None:
            self._future = self._pool.submit(class_board, self.context.db)

    def tick(self) -> None:
        future = self._future
        if future is not None and future.done():
            self._future = None
            try:
                self.show_board(future.result())
            except Exception as exc:  # the database is away: the last board stays up
                self.title.setText(f"⚠ The database cannot be reached ({type(exc).__name__})")
        self.ask()

    def show_board(self, board: ClassBoard) -> None:
        cs = board.class_set
        if cs is None:
            self.title.setText("No class running: the board shows the class the TV runs.")
        else:
            paused = " (paused)" if not cs.running else ""
            self.title.setText(f"{cs.program} · day {cs.day}{paused} — "
                               + class_line(cs.exercise_name, cs.set_number, cs.sets, cs.now))
        self.table.setRowCount(len(board.lines))
        for r, line in enumerate(board.lines):
            cells = (line.athlete, line.marks, line.load or "—",
                     ("⚠ " if line.caution else "") + line.note)
            for c, text in enumerate(cells):
                self.table.setItem(r, c, QTableWidgetItem(text))
