"""The coach's board on the trainer's desk (the Class tab): the running class's
checked-in athletes with their sets logged of the current exercise, read again
off the GUI thread twice a second (benchmarks/bench_kiosk.py measures tap → board)."""

from __future__ import annotations

import uuid

from backbeat.domain.setlog import SetEntry
from backbeat.engine.timeline import ClassPlan
from backbeat.store.athletes import list_athletes
from backbeat.store.board import class_board
from backbeat.store.checkins import check_in
from backbeat.store.demo import FLAGGED, ensure_demo
from backbeat.store.library import load_library
from backbeat.store.logs import log_set
from backbeat.store.programs import load_program
from backbeat.store.sessions import start_session
from backbeat.ui.trainer.class_board import ClassBoardTab
from backbeat.ui.trainer.context import TrainerContext
from backbeat.ui.trainer.window import TAB_FACTORIES
from tests.live_class import save_live_state


def test_the_class_tab_shows_the_board_and_a_tap_within_a_second(db, qtbot):
    assert "Class" in [t.title for t in TAB_FACTORIES]
    ensure_demo(db, weeks=1)
    athletes = {a.name: a for a in list_athletes(db)}
    session = start_session(db, "Precision Back", 2)
    seg = next(s for s in ClassPlan(load_program(db, "Precision Back"), 2, load_library(db)).timeline().segments
               if s.exercise == "weighted-hyperextension" and s.kind == "work")
    save_live_state(db, "tv", {"program": "Precision Back", "day": 2, "position_ms": seg.start_ms,
                               "state": "paused", "extensions": {}, "session_id": session}, 0)
    for name in ("Ana", FLAGGED):
        check_in(db, athletes[name].id)
    assert class_board(db).class_set.exercise == "weighted-hyperextension"
    tab = ClassBoardTab(TrainerContext(db))
    qtbot.addWidget(tab)
    tab.show()
    tab.on_shown()

    def row(name: str) -> list[str]:
        for r in range(tab.table.rowCount()):
            if tab.table.item(r, 0).text() == name:
                return [tab.table.item(r, c).text() for c in range(tab.table.columnCount())]
        return []

    assert tab._timer.isActive() and tab._timer.interval() <= 500
    # ticked here as the timer would (as the TV tests tick the TV)
    qtbot.waitUntil(lambda: (tab.tick(), bool(row("Ana")))[1], timeout=20_000)
    assert "Precision Back · day 2 (paused)" in tab.title.text()
    assert row("Ana")[1] == "···"
    assert row(FLAGGED)[1:] == ["···", "—", "⚠ does Bird dog"]
    log_set(db, SetEntry(key=uuid.uuid4().hex, athlete_id=athletes["Ana"].id,
                         exercise="weighted-hyperextension", reps=8, session_id=session))
    qtbot.waitUntil(lambda: (tab.tick(), row("Ana")[1] == "✓··")[1], timeout=20_000)  # read again
