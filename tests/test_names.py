"""Names are names: one Unicode-aware rule for programs, athletes and exercises
on both databases, and the one program reader's limits."""

from __future__ import annotations

import copy
import io
import json

import pytest
from sqlalchemy import text

from backbeat.cli import main
from backbeat.domain.errors import InvalidInput
from backbeat.domain.names import clean_name, name_key
from backbeat.domain.program import (
    MAX_FILE_BYTES,
    ProgramFileError,
    parse_program,
    program_from_data,
)
from backbeat.paths import resources_dir

SAMPLE = json.loads((resources_dir() / "programs" / "precision-back.json").read_text("utf-8"))


def doc(name: str) -> dict:
    d = copy.deepcopy(SAMPLE)
    d["name"] = name
    return d


def test_the_rule_folds_case_compatibility_forms_and_spaces():
    assert name_key("Straße") == name_key("STRASSE") == name_key("strasse")
    assert name_key("ÜBUNG Rücken") == name_key("übung rücken")
    assert name_key("Ü") == name_key("U\u0308")  # precomposed and combining forms
    assert name_key("İstanbul Back") == name_key("i̇stanbul back")
    assert name_key("ＰＲＥＣＩＳＩＯＮ  Back") == name_key("precision back")
    assert name_key("Émile") != name_key("Emile")  # accents are letters, not noise


@pytest.mark.parametrize("bad", ["Ann\x00", "Tab\there", "line\nbreak", "a\u2028b", "\x1b[31mred"])
def test_control_characters_are_refused_in_names(bad):
    with pytest.raises(InvalidInput, match="control character U\\+"):
        clean_name(bad)
    with pytest.raises(ProgramFileError, match="control character"):
        program_from_data(doc(bad))


NAMES = ["Straße", "2024", "3", "ÜBUNG Rücken", "İstanbul Back"]


def _names_round_trip(db):
    from backbeat.store.programs import list_programs, load_program, save_program

    for n in NAMES:
        save_program(db, program_from_data(doc(n)))
    for n, other in zip(NAMES, ["STRASSE", "2024", "3", "übung rücken", "i̇stanbul back"], strict=True):
        assert load_program(db, n).name == n
        assert load_program(db, other).name == n
    # an all-digit name is a name; an id is asked for with '#'
    assert load_program(db, "3").name == "3"
    assert load_program(db, "#1").name == "Precision Back"
    assert set(NAMES) < set(list_programs(db))
    with pytest.raises(InvalidInput, match="same name as the stored program 'Precision Back'"):
        save_program(db, program_from_data(doc("PRECISION BACK")))
    assert list_programs(db).count("Precision Back") == 1
    assert "PRECISION BACK" not in list_programs(db)


def test_names_are_found_and_clash_on_sqlite(db):
    _names_round_trip(db)


def test_names_are_found_and_clash_on_postgresql(pg_url):
    from backbeat.store.athletes import add_athlete
    from backbeat.store.history import export_logs
    from backbeat.store.seed import open_database

    db = open_database(pg_url)
    try:
        _names_round_trip(db)
        add_athlete(db, "Émile")
        with pytest.raises(InvalidInput, match="exists already"):
            add_athlete(db, "ÉMILE")
        with pytest.raises(InvalidInput, match="control character U\\+0000"):
            add_athlete(db, "Nul\x00l")
        export_logs(db, io.StringIO(), athlete="émile")
    finally:
        db.close()


def test_athletes_and_exercises_follow_the_rule_on_sqlite(db, db_url, tmp_path, capsys):
    from backbeat.domain.exercise import Exercise
    from backbeat.store.athletes import add_athlete
    from backbeat.store.library import load_library, save_exercise

    add_athlete(db, "Émile")
    with pytest.raises(InvalidInput, match="an athlete named 'Émile' exists already"):
        add_athlete(db, "  émile ")
    with pytest.raises(InvalidInput, match="control character"):
        add_athlete(db, "Ann\x00")
    assert main(["--db", db_url, "export-logs", "--athlete", "ÉMILE", "--out", str(tmp_path / "l.csv")]) == 0
    face_pull = load_library(db).get("face-pull")
    assert load_library(db).get("FACE PULL with  RETRACTION") == face_pull
    twin = Exercise.model_validate(face_pull.model_dump() | {"slug": "face-pull-2",
                                                             "name": "FACE  PULL with retraction"})
    with pytest.raises(InvalidInput, match="'Face pull with retraction' .face-pull. has this name"):
        save_exercise(db, twin)


def test_the_migration_keeps_both_programs_of_clashing_names(db_url):
    from alembic import command

    from backbeat.store.db import Database, alembic_config, make_engine
    from backbeat.store.programs import list_programs

    engine = make_engine(db_url)
    cfg = alembic_config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0003")
    with engine.begin() as conn:
        for name in ("Precision Back", "PRECISION BACK", "Tab\tname"):
            conn.execute(text("INSERT INTO program (name, description, updated_at) "
                              "VALUES (:n, '', '2025-01-01 00:00:00')"), {"n": name})
    engine.dispose()
    db = Database(db_url)
    assert list_programs(db) == ["Precision Back", "PRECISION BACK (2)", "Tab name"]
    db.close()


def test_the_tv_lists_classes_without_loading_programs(db, monkeypatch):
    import backbeat.store.programs as programs
    from backbeat.store.programs import save_program

    save_program(db, program_from_data(doc("Second")))
    loaded = []
    monkeypatch.setattr(programs, "program_from_data", lambda *a, **k: loaded.append(a))
    from backbeat.ui.tv.app import class_choices

    assert class_choices(db) == [("Precision Back", 1), ("Precision Back", 2), ("Second", 1), ("Second", 2)]
    assert loaded == []


# -- the one reader ---------------------------------------------------------------------------

def refused(text: str | bytes) -> str:
    with pytest.raises(ProgramFileError) as info:
        parse_program(text)
    return str(info.value)


def test_duplicate_keys_are_refused_with_their_path():
    text = json.dumps(SAMPLE)
    text = text.replace('"name": "Precision Back"', '"name": "A", "name": "B"', 1)
    assert "name: this key appears more than once" in refused(text)
    inner = json.dumps(SAMPLE).replace('"sets": ', '"sets": 2, "sets": ', 1)
    assert ".items[0].sets: this key appears more than once" in refused(inner)


@pytest.mark.parametrize("value, words", [("NaN", "NaN is not a number"), ("Infinity", "Infinity is not"),
                                          ("-Infinity", "-Infinity is not"), ("1e999", "too big a number"),
                                          ("9" * 5000, "5000-digit number is too big")])
def test_non_finite_and_huge_numbers_are_refused_with_their_path(value, words):
    text = json.dumps(SAMPLE).replace('"rest_s": ', f'"rest_s": {value}, "x": ', 1)
    message = refused(text)
    assert words in message and "days[0]" in message


def test_nan_breath_patterns_are_refused():
    d = copy.deepcopy(SAMPLE)
    d["days"][0]["blocks"][0]["items"][0]["breath_pattern"] = "nan-4-nan-4"
    assert "breath_pattern: breath pattern 'nan-4-nan-4' is neither" in refused(json.dumps(d))


def test_deep_nesting_huge_files_and_item_counts_are_refused_before_they_cost():
    assert "nested more than" in refused("[" * 1000 + "]" * 1000)
    assert "nested more than" in refused("[" * 100_000)
    assert f"a program file is at most {MAX_FILE_BYTES:,}" in refused(" " * (MAX_FILE_BYTES + 1))
    d = copy.deepcopy(SAMPLE)
    d["days"][0]["blocks"][0]["items"] *= 40
    assert "days[0].blocks[0].items: List should have at most 30 items" in refused(json.dumps(d))
    d = copy.deepcopy(SAMPLE)
    d["days"] *= 61
    assert "days: List should have at most 60 items" in refused(json.dumps(d))
    d = copy.deepcopy(SAMPLE)
    straight = next(b for b in d["days"][0]["blocks"] if b.get("kind", "straight") == "straight")
    straight["items"][0].update(sets=20, reps=100)
    d["days"][0]["blocks"] = [straight] * 30
    assert "days[0]: this day asks for" in refused(json.dumps(d))


def test_invalid_utf8_is_named_with_its_line():
    data = json.dumps(SAMPLE, indent=1).encode()
    at = data.index(b"Precision")
    assert "line 3 (byte" in refused(data[:at] + b"\xff\xfe" + data[at:])


@pytest.mark.parametrize("content", [b"\xff\xfe{}", b"[" * 5000, b"1" * 5000, b'{"a":1,"a":2}'])
def test_plan_and_import_share_the_reader_and_never_trace_back(tmp_path, db_url, content):
    import subprocess
    import sys

    f = tmp_path / "p.json"
    f.write_bytes(content)
    for command in (["plan", str(f)], ["import", str(f)]):
        r = subprocess.run([sys.executable, "-m", "backbeat", "--db", db_url, *command],
                           capture_output=True, text=True, timeout=60)
        assert r.returncode == 2, r.stderr
        assert "Traceback" not in r.stderr and "refused, nothing was saved" in r.stderr


def test_a_huge_file_is_refused_by_its_size_unread(tmp_path, db_url, capsys):
    import tracemalloc

    f = tmp_path / "big.json"
    with f.open("wb") as out:
        out.truncate(500 * MAX_FILE_BYTES)  # sparse: 500 MB that costs no disk
    tracemalloc.start()
    try:
        assert main(["--db", db_url, "import", str(f)]) == 2
        assert tracemalloc.get_traced_memory()[1] < 5 * MAX_FILE_BYTES  # opening the database included
    finally:
        tracemalloc.stop()
    assert "the file is 500,000,000 bytes; a program file is at most 1,000,000" in capsys.readouterr().err
