"""Several computers share one gym through PostgreSQL: the same store code,
migrations and rules must work there as on SQLite."""

import pytest
from sqlalchemy import text

from backbeat.store import maintenance
from backbeat.store.classes import load_class, start_class
from backbeat.store.db import HEAD_REVISION, current_revision
from backbeat.store.demo import ensure_demo
from backbeat.store.library import load_library
from backbeat.store.programs import list_programs, load_program, save_program
from backbeat.store.seed import open_database
from backbeat.store.sessions import start_session


def test_migrations_and_seed_on_postgres(pg_db, sample_program, library):
    assert current_revision(pg_db.engine) == HEAD_REVISION
    assert pg_db.engine.dialect.name == "postgresql"
    assert list_programs(pg_db) == ["Precision Back"]
    assert {e.slug for e in load_library(pg_db).exercises} == {e.slug for e in library.exercises}
    assert load_program(pg_db, "precision back").to_document() == sample_program.to_document()
    assert maintenance.check(pg_db) == []


def test_programs_sessions_and_classes_on_postgres(pg_db, sample_program):
    warnings = save_program(pg_db, sample_program)  # replacing works inside one transaction
    assert warnings == []
    session = start_session(pg_db, "Precision Back", 2)
    class_id = start_class(pg_db, "Precision Back", 2, at_ns=10**18, leader="tv1", position_ms=1234.5,
                           paused=True)
    info = load_class(pg_db, class_id)
    assert info.timing.frozen_ns == 1_234_500_000 and class_id > session
    assert ensure_demo(pg_db) is True
    with pg_db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM set_log")).scalar() > 100


def test_an_unreachable_server_is_named_quickly():
    import time

    from backbeat.store.db import StoreError

    started = time.monotonic()
    with pytest.raises(StoreError) as err:
        open_database("postgresql+psycopg://backbeat@/postgres?host=/nonexistent-backbeat-socket")
    assert "cannot open the database postgresql+psycopg://backbeat@/postgres" in str(err.value)
    assert time.monotonic() - started < 10
