"""The CLI contract: `backbeat …` in a subprocess where it matters (exit codes,
stderr), in-process for speed elsewhere."""

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from backbeat.cli import main


def run(*args, db_url):
    return subprocess.run(
        [sys.executable, "-m", "backbeat", "--db", db_url, *args],
        capture_output=True, text=True, timeout=120,
    )


def test_plan_json_contract(db_url, capsys):
    assert main(["--db", db_url, "plan", "Precision Back", "--day", "1", "--json"]) == 0
    plan = json.loads(capsys.readouterr().out)
    assert set(plan) >= {"program", "day", "duration_s", "segments", "cues"}
    assert plan["program"] == "Precision Back" and plan["day"] == 1
    t = 0.0
    for seg in plan["segments"]:
        assert set(seg) >= {"start_s", "duration_s", "kind", "block", "exercise", "set", "rep",
                            "side", "phase", "breath"}
        assert seg["kind"] in {"get_ready", "work", "rest", "switch_sides", "hold", "breath", "transition"}
        assert seg["side"] in {"left", "right", None}
        assert seg["phase"] in {"eccentric", "pause_bottom", "concentric", "pause_top", None}
        assert seg["breath"] in {"inhale", "exhale", "hold", None}
        assert seg["start_s"] == pytest.approx(t, abs=1e-9)
        t += seg["duration_s"]
    assert t == pytest.approx(plan["duration_s"], abs=1e-9)
    assert all(set(c) >= {"t_s", "kind", "sound"} for c in plan["cues"])


def test_plan_table(db_url, capsys):
    assert main(["--db", db_url, "plan", "Precision Back", "--day", "2"]) == 0
    out = capsys.readouterr().out
    assert "Weighted hyperextension" in out and "switch_sides" in out


def test_plan_of_a_missing_day_is_bad_input(db_url):
    r = run("plan", "Precision Back", "--day", "9", db_url=db_url)
    assert r.returncode == 2
    assert "has days 1–2, not 9" in r.stderr


def _db_digest(db_url: str) -> str:
    import sqlite3

    path = db_url.split("///", 1)[1]
    conn = sqlite3.connect(path)
    dump = "\n".join(conn.iterdump())
    conn.close()
    return hashlib.sha256(dump.encode()).hexdigest()


BAD_FILES = {
    "bad tempo": ('"tempo": "3-1-1-2"', '"tempo": "3-1-?-0"', "tempo", "'?'"),
    "negative reps": ('"reps": 8', '"reps": -8', "reps", "greater than or equal to 1"),
    "unknown exercise": ('"exercise": "lat-pulldown"', '"exercise": "lat-pullover-9000"', "exercise",
                         "unknown exercise"),
    "wrong type": ('"sets": 3', '"sets": "three"', "sets", "valid integer"),
    "absurd load": ('"value": 35.0', '"value": 900', "load", "900 kg"),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_program_files_exit_2_and_write_nothing(db_url, tmp_path, case):
    assert main(["--db", db_url, "export", "Precision Back", "--out", str(tmp_path / "p.json")]) == 0
    good = (tmp_path / "p.json").read_text()
    before_text, after_text, field, words = BAD_FILES[case]
    assert before_text in good, before_text
    bad = good.replace(before_text, after_text, 1).replace('"Precision Back"', '"Other"', 1)
    (tmp_path / "bad.json").write_text(bad)
    before = _db_digest(db_url)
    r = run("import", str(tmp_path / "bad.json"), db_url=db_url)
    assert r.returncode == 2, r.stderr
    assert "refused, nothing was saved" in r.stderr
    assert field in r.stderr and words in r.stderr
    assert "days[" in r.stderr  # the path of the bad field
    assert _db_digest(db_url) == before


def test_truncated_file_exit_2(db_url, tmp_path):
    (tmp_path / "t.json").write_text('{"format": "backbeat.program/1", "name": "X", "days": [')
    r = run("import", str(tmp_path / "t.json"), db_url=db_url)
    assert r.returncode == 2 and "line 1 column" in r.stderr and "not valid JSON" in r.stderr


def test_export_import_round_trips_exactly(db_url, tmp_path, capsys):
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    assert main(["--db", db_url, "export", "Precision Back", "--out", str(a)]) == 0
    doc = json.loads(a.read_text())
    doc["name"] = "Precision Back copy"
    a2 = tmp_path / "a2.json"
    a2.write_text(json.dumps(doc))
    assert main(["--db", db_url, "import", str(a2)]) == 0
    assert main(["--db", db_url, "export", "Precision Back copy", "--out", str(b)]) == 0
    assert json.loads(b.read_text()) == doc
    # and the file matches the shipped sample exactly
    shipped = Path(__file__).parents[1] / "resources" / "programs" / "precision-back.json"
    assert json.loads(a.read_text()) == json.loads(shipped.read_text())


def test_db_commands(db_url, tmp_path, capsys):
    assert main(["--db", db_url, "db", "upgrade"]) == 0
    assert main(["--db", db_url, "db", "check"]) == 0
    assert "ok" in capsys.readouterr().out
    backup = tmp_path / "backup.db"
    assert main(["--db", db_url, "db", "backup", str(backup)]) == 0
    assert backup.stat().st_size > 0
    assert main(["--db", db_url, "db", "restore", str(backup)]) == 0


def test_corrupt_database_exit_2(tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"\x00garbage" * 500)
    r = run("db", "check", db_url=f"sqlite:///{junk}")
    assert r.returncode == 2 and "junk.db" in r.stderr and "damaged" in r.stderr


def test_program_file_path_works_for_plan(db_url, capsys):
    shipped = Path(__file__).parents[1] / "resources" / "programs" / "precision-back.json"
    assert main(["--db", db_url, "plan", str(shipped), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["program"] == "Precision Back"


def test_json_schema_is_committed_and_current():
    from backbeat.domain.program import program_json_schema

    committed = Path(__file__).parents[1] / "resources" / "schema" / "backbeat.program-1.schema.json"
    assert json.loads(committed.read_text()) == program_json_schema()


def test_plan_of_a_missing_program_file_says_so(db_url, tmp_path, capsys):
    assert main(["--db", db_url, "plan", str(tmp_path / "nope.json")]) == 2
    assert "nope.json: no such program file" in capsys.readouterr().err


def test_snapshot_tv_flags_athletes_for_the_shot(db_url, tmp_path):
    from backbeat.store.demo import ensure_demo
    from backbeat.store.seed import open_database

    db = open_database(db_url)
    ensure_demo(db)
    db.close()
    out = tmp_path / "flag.png"
    done = run("snapshot", "tv", "--day", "2", "--at", "550", "--flag", "Ana", "--flag", "Dev",
               "--size", "1280x720", "--out", str(out), db_url=db_url)
    assert done.returncode == 0, done.stderr
    assert out.stat().st_size > 10_000
    bad = run("snapshot", "tv", "--at", "550", "--flag", "Nobody", "--out", str(out), db_url=db_url)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert "--flag: no athlete 'Nobody'" in bad.stderr
