import sqlite3

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select, text

from backbeat.domain.errors import InvalidInput
from backbeat.domain.program import ProgramFileError
from backbeat.store import maintenance
from backbeat.store.db import Database, StoreError
from backbeat.store.demo import FLAGGED, ensure_demo
from backbeat.store.library import load_library
from backbeat.store.models import AthleteRow, Base, SetLogRow
from backbeat.store.programs import list_programs, load_program, save_program
from backbeat.store.seed import open_database


def test_migrations_match_the_models(db):
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_sqlite_runs_in_wal_with_foreign_keys_and_busy_timeout(db):
    with db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 5000


def test_first_open_seeds_library_and_sample_program(db, library):
    stored = load_library(db)
    assert {e.slug for e in stored.exercises} == {e.slug for e in library.exercises}
    assert list_programs(db) == ["Precision Back"]
    for slug in ("band-pull-apart", "face-pull", "single-arm-dumbbell-row", "weighted-hyperextension",
                 "scapular-retraction-hold", "prone-ytw-raise", "bird-dog", "dead-bug", "lat-pulldown"):
        assert slug in stored


def test_reopening_does_not_seed_twice(db_url, library):
    open_database(db_url).close()
    again = open_database(db_url)
    assert len(load_library(again).exercises) == len(library.exercises)
    assert list_programs(again) == ["Precision Back"]


def test_program_round_trips_through_the_store(db, sample_program):
    loaded = load_program(db, "precision back")
    assert loaded.to_document() == sample_program.to_document()


def test_refused_program_leaves_the_database_unchanged(db, sample_program):
    doc = sample_program.to_document()
    doc["days"][1]["blocks"][2]["items"][0]["exercise"] = "no-such-exercise"
    from backbeat.domain.program import program_from_data

    bad = program_from_data(doc)
    with pytest.raises(ProgramFileError, match="unknown exercise 'no-such-exercise'"):
        save_program(db, bad)
    assert load_program(db, "Precision Back").to_document() == sample_program.to_document()


def test_unknown_program_lists_what_exists(db):
    with pytest.raises(InvalidInput, match="programs: 'Precision Back'"):
        load_program(db, "Back Burn")


def test_corrupt_database_gives_a_clear_message(tmp_path):
    path = tmp_path / "broken.db"
    path.write_bytes(b"this is not a database, just junk " * 200)
    with pytest.raises(StoreError) as err:
        open_database(f"sqlite:///{path}")
    assert "broken.db" in str(err.value) and "damaged" in str(err.value)
    assert path.read_bytes().startswith(b"this is not")  # nothing was overwritten


def test_demo_adds_athletes_history_and_a_flag_once(db):
    assert ensure_demo(db) is True
    assert ensure_demo(db) is False
    with db.read() as s:
        names = set(s.scalars(select(AthleteRow.name)))
        logs = s.scalar(select(func.count()).select_from(SetLogRow))
    assert FLAGGED in names and len(names) >= 6
    assert logs > 100


def test_check_backup_and_restore(db, db_url, tmp_path):
    assert maintenance.check(db) == []
    backup = maintenance.backup(db, str(tmp_path / "b.db"))
    from backbeat.store.programs import delete_program

    delete_program(db, "Precision Back")
    assert list_programs(db) == []
    db.close()
    maintenance.restore(db_url, str(backup))
    assert list_programs(open_database(db_url)) == ["Precision Back"]


def test_restore_refuses_a_bad_backup(db_url, tmp_path):
    junk = tmp_path / "junk.db"
    sqlite3.connect(junk).execute("CREATE TABLE x (y)").connection.commit()
    with pytest.raises(InvalidInput, match="not a Backbeat backup"):
        maintenance.restore(db_url, str(junk))


def test_head_revision_constant_matches_the_migrations(db):
    from backbeat.store.db import HEAD_REVISION, current_revision, head_revision

    assert head_revision(db.engine) == HEAD_REVISION == current_revision(db.engine)


def test_an_older_database_upgrades_on_open_and_keeps_its_logs(db_url):
    from alembic import command

    from backbeat.store.db import HEAD_REVISION, alembic_config, current_revision, make_engine

    engine = make_engine(db_url)
    cfg = alembic_config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0002")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO athlete (name, active, notes, created_at) "
                          "VALUES ('Old Timer', 1, '', '2025-01-01 00:00:00')"))
        conn.execute(text("INSERT INTO exercise (slug, name, data, builtin) VALUES "
                          "('face-pull', 'Face pull', '{}', 1)"))
        conn.execute(text("INSERT INTO set_log (idempotency_key, athlete_id, exercise_id, reps, "
                          "logged_at, station, undone) VALUES ('k1', 1, 1, 8, '2025-01-02 10:00:00', "
                          "'kiosk-1', 0)"))
    engine.dispose()
    db = Database(db_url)
    assert current_revision(db.engine) == HEAD_REVISION
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(SetLogRow)) == 1
    with db.engine.connect() as conn:
        names = {r[1] for r in conn.execute(text("PRAGMA index_list('set_log')"))}
    assert "ix_set_log_logged_at" not in names and "ix_set_log_athlete_exercise_time" in names


def test_demo_checks_most_athletes_in_for_today(db):
    from backbeat.store.checkins import checked_in
    from backbeat.store.demo import DEMO_ATHLETES, check_in_demo_athletes

    ensure_demo(db)
    assert check_in_demo_athletes(db) == len(DEMO_ATHLETES) - 2
    assert check_in_demo_athletes(db) == len(DEMO_ATHLETES) - 2  # again: still one check-in each
    assert len(checked_in(db)) == len(DEMO_ATHLETES) - 2
