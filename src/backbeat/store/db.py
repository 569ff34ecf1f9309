"""Opening the database: URL resolution, SQLite pragmas, migrations, seeding."""

from __future__ import annotations

import contextlib
import logging
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from backbeat.paths import default_db_url

MIGRATIONS = Path(__file__).with_name("migrations")
log = logging.getLogger(__name__)
#: How long a writer waits for another station's transaction before failing.
BUSY_TIMEOUT_MS = 10_000
#: How long a station waits for another one's migration to finish.
MIGRATION_WAIT_S = 60
#: How long a station waits for a PostgreSQL server before it counts as unreachable.
CONNECT_TIMEOUT_S = 3


class StoreError(RuntimeError):
    """The database cannot be used; the message says which file and why."""


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def make_engine(url: str | None = None) -> Engine:
    url = url or default_db_url()
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _sqlite_pragmas)
        # Let SQLAlchemy's BEGIN be a real BEGIN so writers queue on the busy timeout.
        return engine
    connect_args = {}
    if url.startswith("postgresql"):
        # a station whose server is away fails fast and queues, rather than hanging
        connect_args["connect_timeout"] = CONNECT_TIMEOUT_S
    try:
        return create_engine(url, pool_pre_ping=True, connect_args=connect_args)
    except ImportError as exc:
        if url.startswith("postgresql"):
            raise StoreError(
                "PostgreSQL support is not installed on this computer: install it with "
                "pip install 'backbeat[postgres]' (the bundle has it built in)") from None
        raise StoreError(f"no database driver for {url.split(':', 1)[0]} ({exc.name})") from None


#: The newest migration. Checked against Alembic's own view by a test; kept here
#: so that opening an up-to-date database does not import Alembic (start-up time).
HEAD_REVISION = "0005"


def alembic_config(engine: Engine):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    # ConfigParser interpolates '%': URL-escaped characters (a socket path, a password) need '%%'.
    url = engine.url.render_as_string(hide_password=False).replace("%", "%%")
    cfg.set_main_option("sqlalchemy.url", url)
    return cfg


def head_revision(engine: Engine) -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return _revision_on(conn)


class NewerDatabase(StoreError):
    """The database was made by a newer Backbeat: refused, never touched."""


#: PostgreSQL advisory lock held while one station migrates (any 64-bit key, fixed)
MIGRATION_LOCK_KEY = 0x6261636B62656174  # "backbeat"


def _migration_engine(engine: Engine) -> Engine:
    """For SQLite, an engine whose transactions start with BEGIN IMMEDIATE: the
    migration holds the write lock from its first statement (pysqlite would
    run the DDL outside any transaction), so a second station waits for it."""
    url = engine.url
    if url.get_backend_name() != "sqlite":
        return engine
    locked = create_engine(url, poolclass=NullPool, connect_args={"timeout": MIGRATION_WAIT_S})

    @event.listens_for(locked, "connect")
    def _connect(dbapi_conn, record):
        _sqlite_pragmas(dbapi_conn, record)
        dbapi_conn.isolation_level = None  # no implicit BEGIN: ours below

    @event.listens_for(locked, "begin")
    def _begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return locked


def upgrade(engine: Engine) -> tuple[str | None, str] | None:
    """Bring the schema to this Backbeat's head, once: under a lock (SQLite's
    write lock, a PostgreSQL advisory lock) the revision is read again, so of
    several stations opening an old database at once one migrates and the
    others find it done. A database from a newer Backbeat raises
    :class:`NewerDatabase` before anything is written. Returns (from, to) when
    this call migrated, else None."""
    from alembic import command
    from alembic.script import ScriptDirectory

    cfg = alembic_config(engine)
    known = {rev.revision for rev in ScriptDirectory.from_config(cfg).walk_revisions()}
    locked = _migration_engine(engine)
    try:
        with locked.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": MIGRATION_LOCK_KEY})
            current = _revision_on(conn)
            if current is not None and current not in known:
                raise NewerDatabase(
                    f"the database {engine.url.render_as_string(hide_password=True)} was made by a "
                    f"newer Backbeat (schema {current}; this Backbeat knows up to {HEAD_REVISION}): "
                    "update Backbeat on this computer. The database was not changed.")
            if current == HEAD_REVISION:
                return None  # another station migrated it while this one waited
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
            return current, HEAD_REVISION
    finally:
        if locked is not engine:
            locked.dispose()


def _revision_on(conn) -> str | None:
    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


class Database:
    """An open, migrated Backbeat database."""

    def __init__(self, url: str | None = None, *, seed: bool = True):
        self.url = url or default_db_url()
        self.engine = make_engine(self.url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            #: (from, to) when this open migrated the schema, else None
            self.migrated = None
            if current_revision(self.engine) != HEAD_REVISION:
                self.migrated = upgrade(self.engine)
                if self.migrated:
                    log.info("database %s migrated from %s to %s", self.describe(), *self.migrated)
        except StoreError:
            self.engine.dispose()
            raise
        except (DatabaseError, OperationalError, sqlite3.DatabaseError) as exc:
            self.engine.dispose()
            raise StoreError(f"cannot open the database {self.describe()}: {_reason(exc)}") from None
        if seed:
            from backbeat.store.seed import seed_if_empty

            seed_if_empty(self)

    def describe(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: committed on success, rolled back on any error."""
        with self._sessions() as session, session.begin():
            yield session

    def read(self) -> Session:
        return self._sessions()

    def close(self) -> None:
        self.engine.dispose()


def describe_store_error(exc: BaseException) -> str:
    """A database error met while working (not while opening), in words."""
    reason = _reason(exc)
    if "locked" in reason or "busy" in reason:
        return (f"the database is busy: another station held it for more than "
                f"{BUSY_TIMEOUT_MS // 1000} s; nothing was saved, try again ({reason})")
    if "readonly" in reason or "read-only" in reason:
        return f"the database cannot be written (read-only); nothing was saved ({reason})"
    if "disk" in reason and "full" in reason:
        return f"the disk is full; nothing was saved ({reason})"
    return f"the database failed: {reason}"


def _reason(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    msg = str(orig).strip()
    if "file is not a database" in msg or "malformed" in msg:
        return f"the file is damaged or is not a Backbeat database ({msg}); restore a backup with 'backbeat db restore'"
    return msg
