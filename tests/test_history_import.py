"""Training history from Strong and Hevy CSV exports: layouts by header, bad rows refused
whole, fuzzy names reviewed and remembered, re-import adds nothing, lb converted, set
types kept, and the sets feed progression like logged ones."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from backbeat.cli import main
from backbeat.domain.errors import InvalidInput
from backbeat.domain.history_import import (
    How,
    SetType,
    detect_layout,
    match_names,
    parse_export,
    parse_map,
)
from backbeat.domain.setlog import KG_PER_LB, Units
from backbeat.store.athletes import add_athlete, progress_for
from backbeat.store.history_import import plan_import, run_import
from backbeat.store.logs import count_logs, last_load
from backbeat.store.models import SetLogRow

# Strong, 2019–2022: semicolons, a unit on each row, W/D in the set order
STRONG_UNITS = """\
Date;Workout Name;Exercise Name;Set Order;Weight;Weight Unit;Reps;RPE;Distance;Distance Unit;Seconds;Notes;Workout Notes;Workout Duration
2021-03-01 18:02:11;"Back day";"Romanian Deadlift (Barbell)";W;20;kg;10;;;;0;"";"";45m
2021-03-01 18:02:11;"Back day";"Romanian Deadlift (Barbell)";1;60;kg;8;8;;;0;"";"";45m
2021-03-01 18:02:11;"Back day";"Romanian Deadlift (Barbell)";2;60;kg;8;8.5;;;0;"";"";45m
2021-03-01 18:02:11;"Back day";"Lat Pulldown (Cable)";1;100;lbs;10;;;;0;"";"";45m
2021-03-01 18:02:11;"Back day";"Lat Pulldown (Cable)";D;70;lbs;12;;;;0;"";"";45m
2021-03-01 18:02:11;"Back day";"Bench Press (Barbell)";1;80;kg;5;;;;0;"";"";45m
2021-03-01 18:02:11;"Back day";"Plank";1;0;kg;0;;;;60;"";"";45m
"""

# Strong, 2023 on: commas, a Duration column, no unit (the app's setting), 12-hour times
STRONG_2023 = """\
Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,Notes,Workout Notes,RPE
2023-01-05 6:32:11\u202fpm,"Pull",52m,"Seated Row (Cable)",1,55,10,0,0,"","",
2023-01-05 6:32:11\u202fpm,"Pull",52m,"Seated Row (Cable)",2,55,9,0,0,"","",
2023-01-05 6:32:11\u202fpm,"Pull",52m,"Face Pull (Cable)",1,15,15,0,0,"","",7
2023-01-05 6:32:11\u202fpm,"Pull",52m,"Rest Timer",Rest Timer,0,0,0,90,"","",
"""

# Hevy, in kg and in lb
HEVY_KG = """\
"title","start_time","end_time","description","exercise_title","superset_id","exercise_notes","set_index","set_type","weight_kg","reps","distance_km","duration_seconds","rpe"
"Back","26 Jul 2025, 07:06","26 Jul 2025, 08:11","","Single Arm Dumbbell Row",,"",0,"warmup",8,12,,,
"Back","26 Jul 2025, 07:06","26 Jul 2025, 08:11","","Single Arm Dumbbell Row",,"",1,"normal",16,10,,,8
"Back","26 Jul 2025, 07:06","26 Jul 2025, 08:11","","Single Arm Dumbbell Row",,"",2,"dropset",12,12,,,
"Back","26 Jul 2025, 07:06","26 Jul 2025, 08:11","","Bird Dog",,"",0,"normal",,10,,,
"""
HEVY_LB = HEVY_KG.replace('"weight_kg"', '"weight_lbs"').replace('"distance_km"', '"distance_miles"')


@pytest.fixture
def write(tmp_path):
    def write(name: str, text: str):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path
    return write


@pytest.mark.parametrize("text,key,units", [
    (STRONG_UNITS, "strong-units", "kg"),
    (STRONG_2023, "strong", "lb"),
    (HEVY_KG, "hevy-kg", "kg"),
    (HEVY_LB, "hevy-lb", "lb"),
])
def test_the_layout_is_recognised_by_its_header(text, key, units):
    parsed = parse_export(text, units=Units.LB)
    assert parsed.layout.key == key and parsed.units.value == units


def test_the_rows_as_each_app_writes_them():
    strong = parse_export(STRONG_UNITS)
    assert strong.rows == 7 and len(strong.sets) == 6
    assert [s.set_type for s in strong.sets[:3]] == [SetType.WARMUP, SetType.WORKING, SetType.WORKING]
    assert strong.sets[0].when == datetime(2021, 3, 1, 18, 2, 11)
    assert strong.sets[1].effort == 8.0 and strong.sets[0].effort is None
    assert strong.sets[3].load_kg == pytest.approx(100 * KG_PER_LB, abs=0.001)  # lbs converted
    assert strong.sets[4].set_type is SetType.DROP
    assert strong.skipped == [(8, "Plank: no reps (a timed or distance set)")]
    newer = parse_export(STRONG_2023, units=Units.KG)
    assert newer.sets[0].when == datetime(2023, 1, 5, 18, 32, 11)  # 6:32 pm
    assert newer.sets[2].effort == 7.0
    assert len(newer.sets) == 3 and newer.skipped[0][1].startswith("no exercise")
    hevy = parse_export(HEVY_LB)
    assert [s.set_type for s in hevy.sets] == [SetType.WARMUP, SetType.WORKING, SetType.DROP,
                                              SetType.WORKING]
    assert hevy.sets[1].load_kg == pytest.approx(16 * KG_PER_LB, abs=0.001)
    assert hevy.sets[3].load_kg is None  # bodyweight
    assert hevy.sets[0].when == datetime(2025, 7, 26, 7, 6)
    # the same set keys the same way in every export of it; two sets never share a key
    assert [s.source_key for s in parse_export(HEVY_KG).sets] == [s.source_key for s in hevy.sets]
    assert len({s.source_key for s in strong.sets}) == len(strong.sets)


def test_an_unknown_layout_is_refused_naming_the_columns_seen():
    with pytest.raises(InvalidInput, match="Columns seen: Day, Lift, Kilos, Reps") as e:
        parse_export("Day,Lift,Kilos,Reps\n2024-01-01,Row,20,8\n", where="mine.csv")
    assert str(e.value).startswith("mine.csv: not a Strong or Hevy export")
    with pytest.raises(InvalidInput, match="the file is empty"):
        parse_export("\ufeff \n")
    assert detect_layout(["title", "start_time", "exercise_title", "set_index", "set_type",
                          "weight_kg", "reps", "extra column"]).key == "hevy-kg"


def test_bad_rows_are_each_named_and_the_file_refused_whole(db, write):
    add_athlete(db, "Ana")
    bad = (STRONG_UNITS
           + '2021-13-45 18:00:00;"Back day";"Lat Pulldown (Cable)";3;100;lbs;10;;;;0;"";"";45m\n'
           + '2021-03-02 18:00:00;"Back day";"Lat Pulldown (Cable)";4;-20;kg;10;;;;0;"";"";45m\n'
           + '2021-03-02 18:00:00;"Back day";"Lat Pulldown (Cable)";X;20;stone;8.5;;;;0;"";"";45m\n')
    with pytest.raises(InvalidInput) as e:
        plan_import(db, write("bad.csv", bad), athlete="Ana")
    text = str(e.value)
    assert "3 bad rows, nothing imported" in text
    assert "line 9 (Lat Pulldown (Cable)): '2021-13-45 18:00:00' is not a date" in text
    assert "line 10 (Lat Pulldown (Cable)): weight -20 is below zero" in text
    assert ("line 11 (Lat Pulldown (Cable)): set order 'X' is not a number, W, D or F; "
            "weight unit 'stone' is not kg or lbs; reps '8.5' is not a count of reps") in text
    assert count_logs(db) == 0


def test_a_5000_row_file_with_one_bad_row_imports_nothing_then_all_once_fixed(db, write):
    add_athlete(db, "Ana")
    head = STRONG_UNITS.splitlines()[0]
    day0 = datetime(2020, 1, 6, 18)
    rows = [f'{day0 + timedelta(days=d):%Y-%m-%d %H:%M:%S};"Back";"Lat Pulldown (Cable)";'
            f'{n + 1};{40 + d % 10};kg;8;;;;0;"";"";45m' for d in range(1000) for n in range(5)]
    assert len(rows) == 5000
    broken = rows.copy()
    broken[4321] = broken[4321].replace(";8;;", ";eight;;")
    with pytest.raises(InvalidInput, match="line 4323 .*reps 'eight' is not a number"):
        plan_import(db, write("big.csv", "\n".join([head, *broken]) + "\n"), athlete="Ana")
    assert count_logs(db) == 0
    plan = plan_import(db, write("big.csv", "\n".join([head, *rows]) + "\n"), athlete="Ana")
    assert run_import(db, plan) == 5000
    assert count_logs(db) == 5000


def test_import_review_then_write_then_again_adds_nothing(db, write):
    ana = add_athlete(db, "Ana")
    path = write("strong.csv", STRONG_UNITS)
    plan = plan_import(db, path, athlete="Ana")
    assert {m.name: (m.slug, m.how) for m in plan.matches.values()} == {
        "Romanian Deadlift (Barbell)": ("romanian-deadlift", How.FUZZY),
        "Lat Pulldown (Cable)": ("lat-pulldown", How.FUZZY),
        "Bench Press (Barbell)": (None, How.NONE),
    }
    assert plan.summary(done=False) == ("would import 5 sets (1 warm-up, 1 drop), skipped 1 set "
                                        "of 1 unmatched exercise, 1 row without reps left out")
    assert count_logs(db) == 0  # planning writes nothing
    assert run_import(db, plan) == 5
    with db.read() as s:
        rows = s.scalars(select(SetLogRow).order_by(SetLogRow.id)).all()
    assert {r.imported_from for r in rows} == {"strong"}
    assert [r.set_type for r in rows] == ["warmup", None, None, None, "drop"]
    assert rows[3].load_kg == pytest.approx(45.359, abs=0.001)
    assert rows[1].effort == 8.0 and rows[1].athlete_id == ana
    again = plan_import(db, path, athlete="Ana")
    assert (len(again.new), again.already) == (0, 5)
    assert run_import(db, again) == 0 and count_logs(db) == 5
    # a plan made before another import wrote its sets writes nothing at all
    stale = plan_import(db, write("more.csv", STRONG_UNITS.replace("2021-03-01", "2021-03-08")),
                        athlete="Ana")
    assert len(stale.new) == 5
    run_import(db, plan_import(db, write("one.csv", "\n".join(
        STRONG_UNITS.replace("2021-03-01", "2021-03-08").splitlines()[:3]) + "\n"), athlete="Ana"))
    assert count_logs(db) == 7
    with pytest.raises(InvalidInput, match="imported meanwhile; nothing was written"):
        run_import(db, stale)
    assert count_logs(db) == 7
    # another athlete's copy of the same file is theirs
    add_athlete(db, "Ben")
    assert len(plan_import(db, path, athlete="Ben").new) == 5


def test_names_mapped_by_hand_are_remembered(db, write, library):
    add_athlete(db, "Ana")
    manual = parse_map(["Seated Row (Cable)=chest-supported-row", "face pull (cable)=skip"], library)
    plan = plan_import(db, write("s.csv", STRONG_2023), athlete="Ana", manual=manual, units="lb")
    assert plan.matches["Seated Row (Cable)"].how is How.MANUAL
    assert plan.matches["Face Pull (Cable)"].slug is None
    assert run_import(db, plan) == 2
    assert last_load(db, plan.athlete_id, "chest-supported-row") == pytest.approx(55 * KG_PER_LB, abs=0.01)
    later = plan_import(db, write("s.csv", STRONG_2023), athlete="Ana")
    assert later.matches["Seated Row (Cable)"] .how is How.REMEMBERED
    assert later.matches["Face Pull (Cable)"].slug is None  # skipped, and remembered as such
    with pytest.raises(InvalidInput, match="'nope' is not in the library"):
        parse_map(["Row=nope"], library)
    with pytest.raises(InvalidInput, match="is not NAME=EXERCISE"):
        parse_map(["just a name"], library)


def test_fuzzy_matching_of_the_apps_names(library):
    got = match_names(["Romanian Deadlift (Barbell)", "Lat Pulldown - Wide Grip (Cable)",
                       "Single Arm Dumbbell Row", "Squat (Barbell)", "Bench Press (Barbell)"],
                      library)
    assert {n: m.slug for n, m in got.items()} == {
        "Romanian Deadlift (Barbell)": "romanian-deadlift",
        "Lat Pulldown - Wide Grip (Cable)": "lat-pulldown",
        "Single Arm Dumbbell Row": "single-arm-dumbbell-row",
        "Squat (Barbell)": None,
        "Bench Press (Barbell)": None,
    }


def test_imported_history_feeds_progression_without_its_warm_ups(db, write):
    ana = add_athlete(db, "Ana")
    run_import(db, plan_import(db, write("h.csv", HEVY_KG), athlete="Ana"))
    row = progress_for(db, ana, "single-arm-dumbbell-row")
    # the working set (16 kg × 10) is the base; the warm-up and the drop set are not
    assert row.current is not None and row.current.load_kg == 16.0
    assert row.sessions == 1
    assert last_load(db, ana, "single-arm-dumbbell-row") == 16.0


def test_cli_import_history(db_url, db, write, capsys):
    add_athlete(db, "Ana")
    add_athlete(db, "Ben")
    path = str(write("strong.csv", STRONG_UNITS))
    assert main(["--db", db_url, "import-history", path, "--athlete", "Ana", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "Strong export with a weight unit per row (2019–2022), 7 rows, weights in kg and lb" in out
    assert "Bench Press (Barbell)        → skipped (no match)   1 set" in out
    assert "Lat Pulldown (Cable)         → lat-pulldown (matched 100)   2 sets" in out
    assert out.rstrip().endswith("nothing written")
    assert count_logs(db) == 0
    assert main(["--db", db_url, "import-history", path, "--athlete", "Ana",
                 "--map", "Bench Press (Barbell)=chest-supported-row"]) == 0
    out = capsys.readouterr().out
    assert "imported 6 sets (1 warm-up, 1 drop)" in out and count_logs(db) == 6
    assert main(["--db", db_url, "import-history", path, "--athlete", "Ana"]) == 0
    assert "imported 0 sets, 6 already imported" in capsys.readouterr().out
    # bad input: exit 2, the message on stderr, no traceback
    for argv, words in (
        ([path], "say whose history this is: --athlete NAME"),
        ([path, "--athlete", "Zed"], "no athlete named 'Zed'"),
        ([str(write("x.csv", "a,b\n1,2\n")), "--athlete", "Ana"], "Columns seen: a, b"),
        (["/no/such.csv", "--athlete", "Ana"], "/no/such.csv: no such file"),
        ([path, "--athlete", "Ana", "--map", "Row=nope"], "--map: 'nope' is not in the library"),
    ):
        assert main(["--db", db_url, "import-history", *argv]) == 2
        err = capsys.readouterr().err
        assert words in err and "Traceback" not in err


def test_the_kiosk_shows_imported_sets_as_such(qtbot, db, write):
    from backbeat.store.logs import recent_logs
    from backbeat.ui.kiosk.logset import LogPage

    ana = add_athlete(db, "Ana")
    run_import(db, plan_import(db, write("h.csv", HEVY_KG), athlete="Ana"))
    page = LogPage(Units.KG)
    qtbot.addWidget(page)
    rows = recent_logs(db, ana, "single-arm-dumbbell-row", limit=4)
    assert page.describe(rows[0], today=None).endswith("× 12 kg · from Hevy")
