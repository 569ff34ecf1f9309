"""The Athletes tab's import from Strong or Hevy: review, change a mapping, import once."""

from backbeat.store.athletes import add_athlete
from backbeat.store.history_import import remembered_map
from backbeat.store.logs import count_logs
from backbeat.ui.trainer.athletes import AthletesTab
from backbeat.ui.trainer.context import TrainerContext
from tests.test_history_import import STRONG_UNITS


def make(qtbot, db):
    context = TrainerContext(db)
    tab = AthletesTab(context)
    qtbot.addWidget(tab)
    tab.show()
    return tab, context


def test_review_change_a_name_and_import(qtbot, db, tmp_path):
    add_athlete(db, "Ana")
    add_athlete(db, "Ben")
    tab, context = make(qtbot, db)
    tab.select_athlete("Ben")
    path = tmp_path / "strong.csv"
    path.write_text(STRONG_UNITS, encoding="utf-8")
    seen = {}

    def review(dialog):
        seen["head"] = dialog.windowTitle()
        seen["before"] = dialog.summary.text()
        assert dialog.combos["Lat Pulldown (Cable)"].currentData() == "lat-pulldown"
        assert dialog.combos["Bench Press (Barbell)"].currentData() == ""  # no match: skip
        dialog.choose("Bench Press (Barbell)", "chest-supported-row")
        dialog.choose("Lat Pulldown (Cable)", None)
        seen["after"] = dialog.summary.text()
        seen["how"] = dialog.table.item(0, 3).text()
        return dialog.do_import()

    tab.review_import = review
    with qtbot.waitSignal(context.events.logs_changed):
        assert tab.import_history(str(path)) == 4
    assert seen["head"] == "Import history for Ben"
    assert seen["before"].startswith("Would import 5 sets (1 warm-up, 1 drop)")
    assert seen["after"].startswith("Would import 4 sets (1 warm-up)")
    assert seen["how"] == "mapped"  # Bench Press, chosen by hand
    assert count_logs(db) == 4
    assert "Ben: imported 4 sets" in tab.message.text()
    memory = remembered_map(db)
    assert memory["bench press (barbell)"] == "chest-supported-row"
    assert memory["lat pulldown (cable)"] is None
    # a second import of the file: nothing new, and the import button says so
    tab.review_import = lambda dialog: (seen.update(again=dialog.import_button.isEnabled()), False)[1]
    assert tab.import_history(str(path)) == 0
    assert seen["again"] is False and "cancelled" in tab.message.text()


def test_a_bad_file_is_refused_in_the_tab(qtbot, db, tmp_path):
    add_athlete(db, "Ana")
    tab, _ = make(qtbot, db)
    path = tmp_path / "bad.csv"
    path.write_text(STRONG_UNITS.replace("2021-03-01 18:02:11", "someday", 1), encoding="utf-8")
    tab.review_import = lambda dialog: (_ for _ in ()).throw(AssertionError("no review"))
    assert tab.import_history(str(path)) == 0
    assert "Nothing imported" in tab.message.text() and "'someday' is not a date" in tab.message.text()
    assert count_logs(db) == 0
