"""Safe databases and backups: damaged, foreign, newer and read-only files are
told in words and never written into; restore and backup are all or nothing;
automatic backups rotate; everything is the owner's alone."""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import stat
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from backbeat.cli import main
from backbeat.store.db import Database, StoreError


def cli(db_url, *args):
    r = subprocess.run([sys.executable, "-m", "backbeat", "--db", db_url, *args],
                       capture_output=True, text=True, timeout=60)
    assert "Traceback" not in r.stderr, r.stderr
    return r


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def add_logs(db, n: int, *, start: datetime | None = None, prefix: str = "k") -> None:
    from backbeat.store.athletes import add_athlete
    from backbeat.store.models import AthleteRow, ExerciseRow, SetLogRow

    with db.read() as s:
        athlete = s.query(AthleteRow).first()
    aid = athlete.id if athlete else add_athlete(db, "Ann")
    start = start or datetime(2026, 1, 1, tzinfo=UTC)
    with db.session() as s:
        ex = s.query(ExerciseRow).first().id
        for i in range(n):
            s.add(SetLogRow(idempotency_key=f"{prefix}{i}", athlete_id=aid, exercise_id=ex, reps=8,
                            logged_at=start + timedelta(minutes=i), station="t"))


def sql(path: Path, *statements: str):
    """Run statements on a file and close it (nothing left in a WAL)."""
    with contextlib.closing(sqlite3.connect(path)) as conn:
        rows = [conn.execute(st).fetchall() for st in statements]
        conn.commit()
    return rows[-1]


def count_logs(path: Path) -> int:
    return sql(path, "SELECT count(*) FROM set_log")[0][0]


def checkpointed(db: Database) -> Path:
    path = Path(db.url.split("///", 1)[1])
    db.close()
    sql(path, "PRAGMA wal_checkpoint(TRUNCATE)")
    return path


def damage(path: Path) -> None:
    """Garbage over the second half of the file (its size kept)."""
    size = path.stat().st_size
    with path.open("r+b") as f:
        f.seek(size // 3)
        f.write(os.urandom(size - size // 3))


def test_a_damaged_file_is_told_by_check_and_every_command_in_words(db, db_url):
    add_logs(db, 50)
    path = checkpointed(db)
    damage(path)
    r = cli(db_url, "db", "check")
    assert r.returncode in (1, 2) and "is damaged" in r.stderr and "backbeat db restore" in r.stderr
    for args in (["export-logs", "--out", "-"], ["plan", "Precision Back"]):
        r = cli(db_url, *args)
        assert r.returncode in (1, 2) and r.stderr.startswith("backbeat: ")


def test_a_newer_revision_is_refused_and_never_touched(db, db_url):
    path = checkpointed(db)
    sql(path, "UPDATE alembic_version SET version_num = '0999'")
    before = digest(path)
    r = cli(db_url, "plan", "Precision Back")
    assert r.returncode == 2 and "0999" in r.stderr and "newer Backbeat" in r.stderr
    assert digest(path) == before


def test_a_foreign_sqlite_file_is_refused_and_never_written_into(tmp_path):
    path = tmp_path / "recipes.db"
    sql(path, "CREATE TABLE recipe (id INTEGER PRIMARY KEY, name TEXT)",
        "INSERT INTO recipe (name) VALUES ('soup')")
    before = digest(path)
    with pytest.raises(StoreError, match="a database of something else .tables: recipe."):
        Database(f"sqlite:///{path}")
    assert digest(path) == before
    sql(path, "CREATE TABLE alembic_version (version_num TEXT)",
        "INSERT INTO alembic_version VALUES ('0001')")
    with pytest.raises(StoreError, match="not a Backbeat database"):
        Database(f"sqlite:///{path}")


def test_a_read_only_database_is_reported_and_the_faces_say_so(db, db_url, qtbot, capsys):
    path = checkpointed(db)
    url = f"sqlite:///file:{path}?mode=ro&uri=true"
    ro = Database(url)
    assert ro.read_only and "nothing can be saved" in ro.read_only_note()
    assert main(["--db", url, "db", "check"]) == 0
    assert "read-only: nothing can be saved" in capsys.readouterr().out
    from backbeat.ui.kiosk.window import KioskWindow

    kiosk = KioskWindow(ro, station="k", locked=False)
    qtbot.addWidget(kiosk)
    assert "read-only" in kiosk.roster.status_label.text()
    ro.close()
    assert not Database(db_url).read_only


def test_restore_onto_a_damaged_or_missing_file_keeps_the_replaced_one(db, db_url, tmp_path, capsys):
    add_logs(db, 30)
    backup = tmp_path / "b.db"
    assert main(["--db", db_url, "db", "backup", str(backup)]) == 0
    path = checkpointed(db)
    damage(path)
    assert main(["--db", db_url, "db", "restore", str(backup)]) == 0
    out = capsys.readouterr()
    kept = next(p for p in tmp_path.glob("backbeat.db.replaced-*") if p.name[-4:] not in ("-wal", "-shm"))
    assert f"kept as {kept}" in out.out and "could not be read" in out.err
    restored = Database(db_url)
    assert restored.read_only is False and count_logs(path) == 30
    restored.close()
    for p in tmp_path.glob("backbeat.db*"):
        p.unlink()
    assert main(["--db", db_url, "db", "restore", str(backup)]) == 0
    assert count_logs(path) == 30


def test_restore_warns_when_the_backup_is_older_and_keeps_the_newer_logs(db, db_url, tmp_path, capsys):
    add_logs(db, 20)
    backup = tmp_path / "b.db"
    assert main(["--db", db_url, "db", "backup", str(backup)]) == 0
    add_logs(db, 100, start=datetime(2026, 2, 1, tzinfo=UTC), prefix="new")
    path = checkpointed(db)
    assert main(["--db", db_url, "db", "restore", str(backup)]) == 0
    err = capsys.readouterr().err
    assert "the backup is older than the data it replaces: the database had 120 logs" in err
    kept = next(p for p in tmp_path.glob("backbeat.db.replaced-*") if p.name[-4:] not in ("-wal", "-shm"))
    assert count_logs(path) == 20 and count_logs(kept) == 120


def test_restore_refuses_newer_foreign_and_damaged_backups_untouched(db, db_url, tmp_path, capsys):
    add_logs(db, 10)
    path = checkpointed(db)
    before = digest(path)
    newer = tmp_path / "newer.db"
    assert main(["--db", db_url, "db", "backup", str(newer)]) == 0
    sql(newer, "UPDATE alembic_version SET version_num = '0999'")
    foreign = tmp_path / "foreign.db"
    sql(foreign, "CREATE TABLE alembic_version (version_num TEXT)",
        "INSERT INTO alembic_version VALUES ('0004')")
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(os.urandom(50_000))
    for bad, words in ((newer, "made by a newer Backbeat"), (foreign, "not a Backbeat backup"),
                       (garbage, "not a usable database"), (tmp_path / "none.db", "no backup file")):
        assert main(["--db", db_url, "db", "restore", str(bad)]) == 2
        assert words in capsys.readouterr().err
    assert digest(path) == before and not list(tmp_path.glob("*.replaced-*"))


def test_backup_to_a_missing_folder_or_a_garbage_target_is_told(db, db_url, tmp_path, capsys):
    assert main(["--db", db_url, "db", "backup", str(tmp_path / "no" / "such" / "b.db")]) == 2
    assert "does not exist" in capsys.readouterr().err
    garbage = tmp_path / "notes.txt"
    garbage.write_text("my notes")
    assert main(["--db", db_url, "db", "backup", str(garbage)]) == 2
    assert "is not a database: Backbeat will not overwrite it" in capsys.readouterr().err
    assert garbage.read_text() == "my notes"
    assert main(["--db", db_url, "db", "backup", str(tmp_path / "b.db")]) == 0
    assert stat.S_IMODE((tmp_path / "b.db").stat().st_mode) == 0o600


def test_import_under_a_write_lock_says_the_database_is_busy(db, db_url, tmp_path, capsys, monkeypatch):
    import backbeat.store.db as store_db
    from backbeat.store.programs import export_program_file

    program = tmp_path / "p.json"
    export_program_file(db, "Precision Back", program)
    path = checkpointed(db)
    monkeypatch.setattr(store_db, "BUSY_TIMEOUT_MS", 300)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        assert main(["--db", db_url, "import", str(program)]) == 1
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert "the database is busy" in capsys.readouterr().err


def test_automatic_backups_rotate_and_come_daily_and_at_class_end(db):
    from backbeat.store import maintenance

    start = datetime(2026, 3, 1, 6, 0)
    for h in range(16):
        maintenance.auto_backup(db, "class-end", now=start + timedelta(hours=h))
    made = maintenance.automatic_backups(db)
    assert len(made) == maintenance.KEEP_BACKUPS
    assert made[0].name == "backbeat-20260301-080000-class-end.db"
    assert stat.S_IMODE(made[0].parent.stat().st_mode) == 0o700
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in made)
    assert maintenance.backup_if_due(db, now=start + timedelta(hours=20)) is None
    due = maintenance.backup_if_due(db, now=start + timedelta(days=2))
    assert due is not None and due.name.endswith("-daily.db")
    assert sql(due, "PRAGMA integrity_check") == [("ok",)]

    keeper = maintenance.BackupKeeper(db)
    try:
        keeper.class_ended(7)
        keeper.class_ended(7)  # saved again after the end: still one backup
        for _ in range(100):
            if any(p.name.endswith("-class-end.db") for p in keeper.made):
                break
            import time

            time.sleep(0.05)
        assert [p.name.endswith("-class-end.db") for p in keeper.made].count(True) == 1
    finally:
        keeper.close()


def test_the_database_and_its_folder_are_the_owners_alone(tmp_path, monkeypatch):
    from backbeat.paths import data_dir, default_db_url

    folder = tmp_path / "data"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    (folder / "backbeat.db").touch()
    (folder / "backbeat.db").chmod(0o644)
    monkeypatch.setenv("BACKBEAT_DATA_DIR", str(folder))
    Database(default_db_url()).close()  # an existing install: tightened
    assert stat.S_IMODE(data_dir().stat().st_mode) == 0o700
    for p in folder.glob("backbeat.db*"):
        assert stat.S_IMODE(p.stat().st_mode) == 0o600, p
    other = tmp_path / "elsewhere" / "gym.db"
    Database(f"sqlite:///{other}").close()  # a new file anywhere: 0600
    assert stat.S_IMODE(other.stat().st_mode) == 0o600
