from backbeat.store.athletes import list_athletes
from backbeat.store.board import format_load, rest_board
from backbeat.store.checkins import check_in
from backbeat.store.demo import FLAGGED, ensure_demo
from backbeat.store.settings import set_setting


def test_board_lists_checked_in_athletes_with_loads_and_substitutions(db):
    ensure_demo(db)
    assert rest_board(db, "weighted-hyperextension") == []  # nobody checked in yet
    athletes = {a.name: a for a in list_athletes(db)}
    check_in(db, athletes["Ana"].id)
    check_in(db, athletes[FLAGGED].id)
    board = {line.athlete: line for line in rest_board(db, "weighted-hyperextension")}
    assert set(board) == {"Ana", FLAGGED}
    assert board[FLAGGED].caution and board[FLAGGED].note == "does Bird dog" and board[FLAGGED].load == ""
    assert board["Ana"].load.endswith(" kg") and not board["Ana"].caution
    set_setting(db, "units", "lb")
    ana = next(x for x in rest_board(db, "lat-pulldown") if x.athlete == "Ana")
    assert ana.load.endswith(" lb")


def test_format_load():
    assert format_load(17.5, "kg") == "17.5 kg"
    assert format_load(20, "lb") == "44 lb"
    assert format_load(None, "kg") == ""


def test_a_snapshot_can_flag_athletes_without_storing_it(db):
    import pytest

    from backbeat.domain.errors import InvalidInput

    ensure_demo(db)
    lines = {line.athlete: line for line in rest_board(db, "weighted-hyperextension",
                                                       flagged=["ana", "Ben"])}
    assert set(lines) == {"Ana", "Ben"}  # taken as checked in for the shot
    assert lines["Ana"].caution and lines["Ana"].why == "disc history" and lines["Ana"].substitute
    assert rest_board(db, "weighted-hyperextension") == []  # nothing was stored
    assert not any(a.flags for a in list_athletes(db) if a.name in ("Ana", "Ben"))
    with pytest.raises(InvalidInput, match="no athlete 'Zed'"):
        rest_board(db, "weighted-hyperextension", flagged=["Zed"])


def test_board_marks_the_sets_each_athlete_logged_of_this_exercise_in_this_class(db):
    import uuid

    from backbeat.domain.setlog import SetEntry
    from backbeat.store.logs import log_set, undo_set
    from backbeat.store.sessions import start_session

    ensure_demo(db)
    athletes = {a.name: a for a in list_athletes(db)}
    for name in ("Ana", "Ben", FLAGGED):
        check_in(db, athletes[name].id)
    session = start_session(db, "Precision Back", 2)

    def tap(name, exercise, **kw) -> str:
        key = uuid.uuid4().hex
        log_set(db, SetEntry(key=key, athlete_id=athletes[name].id, exercise=exercise, reps=8,
                             session_id=session, **kw))
        return key

    tap("Ana", "weighted-hyperextension")
    tap("Ana", "weighted-hyperextension")
    undo_set(db, tap("Ben", "weighted-hyperextension"))  # undone: not counted
    tap(FLAGGED, "bird-dog", replaces="weighted-hyperextension")
    board = {b.athlete: b for b in rest_board(db, "weighted-hyperextension", session_id=session,
                                              sets=3)}
    assert (board["Ana"].marks, board["Ben"].marks) == ("✓✓·", "···")
    assert board[FLAGGED].marks == "✓··" and board[FLAGGED].note == "does Bird dog"
    # one-side work: a set is done when both sides are
    tap("Ana", "single-arm-dumbbell-row", side="left")
    tap("Ana", "single-arm-dumbbell-row", side="right")
    tap("Ana", "single-arm-dumbbell-row", side="left")
    ana = next(b for b in rest_board(db, "single-arm-dumbbell-row", session_id=session, sets=3)
               if b.athlete == "Ana")
    assert ana.done == 1 and ana.marks == "✓··"
    assert all(b.marks == "" for b in rest_board(db, "weighted-hyperextension"))  # no class: no marks
