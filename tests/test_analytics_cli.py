"""`backbeat export-logs`: the CSV, the filters, and refusals that leave files alone."""

import csv
import subprocess
import sys

from backbeat.cli import main
from backbeat.store.demo import ensure_demo
from backbeat.store.seed import open_database


def test_export_logs_cli(db_url, tmp_path, capsys):
    db = open_database(db_url)
    ensure_demo(db)
    db.close()
    out = tmp_path / "ana.csv"
    assert main(["--db", db_url, "export-logs", "--out", str(out), "--athlete", "Ana"]) == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert "exported" in capsys.readouterr().out
    # the demo logs 5 exercises × 3 sets a week for 6 weeks, both sides of the row
    assert len(rows) == 6 * (4 * 3 + 2 * 3)
    assert {r["athlete"] for r in rows} == {"Ana"}
    assert [r["logged_at"] for r in rows] == sorted(r["logged_at"] for r in rows)
    first_day = rows[0]["logged_at"][:10]
    assert main(["--db", db_url, "export-logs", "--out", str(tmp_path / "day.csv"),
                 "--from", first_day, "--to", first_day]) == 0
    day_rows = list(csv.DictReader((tmp_path / "day.csv").open(encoding="utf-8")))
    assert day_rows and all(r["logged_at"].startswith(first_day) for r in day_rows)

    # bad input: exit 2, a message naming what, and the earlier file untouched
    before = out.read_bytes()
    for args, words in ((["--athlete", "Zed"], "no athlete named 'Zed'"),
                        (["--from", "31/01/2026"], "--from '31/01/2026' is not a date"),
                        (["--from", "2026-02-01", "--to", "2026-01-01"], "is after")):
        assert main(["--db", db_url, "export-logs", "--out", str(out), *args]) == 2
        assert words in capsys.readouterr().err
        assert out.read_bytes() == before
    assert not list(tmp_path.glob("*.part"))


def test_export_logs_to_stdout(db_url):
    r = subprocess.run([sys.executable, "-m", "backbeat", "--db", db_url, "export-logs", "--out", "-"],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and r.stdout.splitlines()[0].startswith("logged_at,athlete,exercise")
