from __future__ import annotations

import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path, monkeypatch):
    """Every test gets its own data dir and never touches the user's database."""
    monkeypatch.setenv("BACKBEAT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("BACKBEAT_DB", raising=False)


@pytest.fixture
def db_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'backbeat.db'}"


@pytest.fixture
def db(db_url):
    from backbeat.store.seed import open_database

    database = open_database(db_url)
    yield database
    database.close()


@pytest.fixture(scope="session")
def library():
    from backbeat.store.seed import builtin_library

    return builtin_library()


@pytest.fixture(scope="session")
def sample_program():
    from backbeat.domain.program import parse_program
    from backbeat.paths import resources_dir

    return parse_program((resources_dir() / "programs" / "precision-back.json").read_text())


@pytest.fixture(scope="session")
def pg_server():
    """One throw-away PostgreSQL server for the whole run (tests/pg.py)."""
    from tests.pg import postgres_server

    with postgres_server() as url:
        yield url


@pytest.fixture(scope="module")
def pg_url(pg_server, request):
    """A fresh database on that server for each test module."""
    from sqlalchemy import create_engine, text

    name = "t_" + request.module.__name__.rsplit(".", 1)[-1].lower()
    admin = create_engine(pg_server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    yield pg_server.replace("/postgres?", f"/{name}?", 1)


@pytest.fixture(scope="module")
def pg_db(pg_url):
    from backbeat.store.seed import open_database

    database = open_database(pg_url)
    yield database
    database.close()
