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
