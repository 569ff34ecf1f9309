"""The trainer's Timetable tab: add classes, a clash refused, saved, exported as iCalendar."""

from PySide6.QtCore import QTime

from backbeat.store.seed import seed_if_empty
from backbeat.store.timetable import get_timetable
from backbeat.ui.trainer.timetable import TimetableTab
from backbeat.ui.trainer.window import TAB_FACTORIES, TrainerContext


def test_keep_the_weeks_classes(qtbot, db, tmp_path):
    seed_if_empty(db)
    assert "Timetable" in [t.title for t in TAB_FACTORIES]
    tab = TimetableTab(TrainerContext(db))
    qtbot.addWidget(tab)
    tab.show()
    assert tab.table.rowCount() == 0 and tab.unsaved_changes() is None
    tab.zone.setText("Europe/Berlin")
    tab.add_row(None)
    tab.cell(0, 0).setCurrentIndex(1)  # Tuesday
    tab.cell(0, 1).setTime(QTime(18, 0))
    tab.cell(0, 2).setText("tv-main")
    assert [tab.cell(0, 4).itemText(i) for i in range(tab.cell(0, 4).count())] == [
        "next day of the program", "day 1", "day 2"]
    tab.cell(0, 5).setText("Mara")
    tab.cell(0, 6).setChecked(True)
    tab.add_row(None)  # the same room at the same time: refused, nothing saved
    tab.cell(1, 0).setCurrentIndex(1)
    tab.cell(1, 1).setTime(QTime(18, 0))
    tab.cell(1, 2).setText("TV-MAIN")
    assert tab.unsaved_changes() == "timetable not saved"
    assert not tab.save()
    assert "TV-MAIN has two classes at Tuesday 18:00" in tab.message.text()
    assert get_timetable(db).entries == ()
    tab.cell(1, 1).setTime(QTime(7, 30))
    tab.cell(1, 4).setCurrentIndex(2)  # day 2
    assert tab.save() and tab.unsaved_changes() is None
    tt = get_timetable(db)
    assert tt.timezone == "Europe/Berlin"
    first, second = sorted(tt.entries, key=lambda e: e.start)
    assert (second.weekday, f"{second.start:%H:%M}", second.room, second.day, second.coach,
            second.self_start) == (1, "18:00", "tv-main", None, "Mara", True)
    assert (f"{first.start:%H:%M}", first.day, first.self_start) == ("07:30", 2, False)
    # keys stay across edits and saves
    tab.cell(0, 5).setText("Jo")
    assert tab.unsaved_changes() and tab.save()
    assert {e.key for e in get_timetable(db).entries} == {e.key for e in tt.entries}
    out = tmp_path / "classes.ics"
    assert tab.export_ics(str(out))
    text = out.read_text()
    assert text.count("BEGIN:VEVENT") == 2 and "RRULE:FREQ=WEEKLY;BYDAY=TU" in text
    assert not tab.export_ics(str(tmp_path / "no" / "such" / "dir.ics"))
    assert "Not exported" in tab.message.text()
    tab.zone.setText("Mars/Olympus")
    assert not tab.save() and "not a time zone name" in tab.message.text()


def test_cli_timetable(db_url, db, tmp_path, capsys):
    from datetime import time

    from backbeat.cli import main
    from backbeat.domain.timetable import Entry, Timetable
    from backbeat.store.timetable import save_timetable

    seed_if_empty(db)
    assert main(["--db", db_url, "timetable"]) == 0
    assert "no classes in the timetable" in capsys.readouterr().out
    save_timetable(db, Timetable(timezone="Europe/Berlin", entries=(
        Entry(weekday=1, start=time(18), room="tv-main", program="Precision Back", coach="Mara",
              self_start=True),)))
    assert main(["--db", db_url, "timetable"]) == 0
    out = capsys.readouterr().out
    assert "  Tuesday   18:00  tv-main: Precision Back (next day), coach Mara; starts itself" in out
    assert main(["--db", db_url, "timetable", "--ics", str(tmp_path / "w.ics")]) == 0
    assert (tmp_path / "w.ics").read_text().startswith("BEGIN:VCALENDAR")
    assert main(["--db", db_url, "timetable", "--ics", str(tmp_path / "no/such.ics")]) == 1
    assert "cannot write" in capsys.readouterr().err
