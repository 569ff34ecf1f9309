"""Opening the database: URL resolution, SQLite pragmas, migrations.

First-run content is added by :func:`backbeat.store.seed.open_database`, not here.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from backbeat.paths import default_db_url
from backbeat.store.sqlite_url import sqlite_file

MIGRATIONS = Path(__file__).with_name("migrations")
log = logging.getLogger(__name__)
#: How long a writer waits for another station's transaction before failing.
BUSY_TIMEOUT_MS = 10_000
#: How long a station waits for another one's migration to finish.
MIGRATION_WAIT_S = 60
#: How long a station waits for a PostgreSQL server before it counts as unreachable.
CONNECT_TIMEOUT_S = 3


class StoreError(RuntimeError):
    """The database cannot be used; the message says which file and why.
    ``unreachable``: a database server that did not answer (it may come back)."""

    unreachable = False


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    # WAL changes the file's header: only in a new file or one of Backbeat's own,
    # never in somebody else's database that is about to be refused
    try:
        tables = cur.execute("SELECT count(*), sum(name = 'alembic_version') FROM sqlite_master "
                             "WHERE type = 'table'").fetchone()
    except sqlite3.DatabaseError:
        tables = (0, 0)  # damaged: opening says so
    if not tables[0] or tables[1]:
        cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


#: Backbeat's own files (database, backups, outbox) are the owner's alone.
PRIVATE_FILE, PRIVATE_DIR = 0o600, 0o700
#: Tables every Backbeat database has (a file without them is someone else's).
BACKBEAT_TABLES = frozenset({"exercise", "program", "athlete", "set_log"})


def keep_private(path: Path, *, folder: bool = True) -> None:
    """Make ``path`` (and SQLite's -wal/-shm beside it) 0600 and, when
    ``folder``, its folder 0700: other users of the computer read nothing."""
    if folder:
        with contextlib.suppress(OSError):
            path.parent.chmod(PRIVATE_DIR)
    for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        with contextlib.suppress(FileNotFoundError, PermissionError):
            if p.stat().st_mode & 0o077:
                p.chmod(PRIVATE_FILE)


def _prepare_sqlite_file(path: Path) -> None:
    """A new database file is created 0600 (SQLite gives its -wal and -shm the
    same); in Backbeat's own data folder the folder is 0700 and an existing
    install's files are tightened."""
    from backbeat.paths import data_dir_if_default

    ours = data_dir_if_default()
    own_folder = ours is not None and path.parent.resolve() == ours.resolve()
    path.parent.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
    if not path.exists():
        with contextlib.suppress(OSError):
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, PRIVATE_FILE))
    if own_folder:
        keep_private(path)


def make_engine(url: str | None = None, *, prepare: bool = True) -> Engine:
    url = url or default_db_url()
    if url.startswith("sqlite"):
        path = sqlite_file(url)
        if path is not None and prepare:
            try:
                _prepare_sqlite_file(path)
            except OSError as exc:  # its folder cannot be made or reached (a share away)
                error = StoreError(f"cannot open the database {path}: its folder cannot be "
                                   f"reached ({exc.strerror or exc})")
                error.unreachable = True
                raise error from None
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
HEAD_REVISION = "0009"


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

    def __init__(self, url: str | None = None):
        self.url = url or default_db_url()
        self.engine = make_engine(self.url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
                refusal = foreign(conn)
                self.read_only = _read_only(conn, self.url)
            if refusal:
                raise StoreError(f"cannot open the database {self.describe()}: {refusal}")
            #: (from, to) when this open migrated the schema, else None
            self.migrated = None
            if current_revision(self.engine) != HEAD_REVISION:
                if self.read_only:
                    raise StoreError(f"cannot open the database {self.describe()}: it needs an "
                                     "upgrade but is read-only")
                self.migrated = upgrade(self.engine)
                if self.migrated:
                    log.info("database %s migrated from %s to %s", self.describe(), *self.migrated)
        except StoreError:
            self.engine.dispose()
            raise
        except (DatabaseError, OperationalError, sqlite3.DatabaseError) as exc:
            self.engine.dispose()
            error = StoreError(f"cannot open the database {self.describe()}: {_reason(exc)}")
            error.unreachable = isinstance(exc, OperationalError) and (
                self.engine.dialect.name == "postgresql" or "unable to open" in str(exc))
            raise error from None

    #: True for a station that started while the server was away (see :meth:`unopened`)
    offline = False

    @classmethod
    def unopened(cls, url: str) -> Database:
        """A database whose server did not answer at start: connections are
        tried afresh on every use (so the station joins when the server is
        back); its revision was not checked, and nothing is migrated or seeded."""
        db = cls.__new__(cls)
        db.url = url
        db.engine = make_engine(url, prepare=False)  # a SQLite file is never made here
        db._sessions = sessionmaker(db.engine, expire_on_commit=False)
        db.read_only, db.migrated, db.offline = False, None, True
        return db

    def describe(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    def read_only_note(self) -> str:
        """What a face shows while the database cannot be written ('' if it can)."""
        if not self.read_only:
            return ""
        return "⚠ The database is read-only: nothing can be saved (ask the trainer)."

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: committed on success, rolled back on any error."""
        with self._sessions() as session, session.begin():
            yield session

    def read(self) -> Session:
        return self._sessions()

    def close(self) -> None:
        self.engine.dispose()


def foreign(conn) -> str | None:
    """Why this database is not Backbeat's at all, in words (None: it is, or it
    is empty). A file of another program is never written into. (A Backbeat
    database from a newer Backbeat is refused by :func:`upgrade`.)"""
    tables = set(inspect(conn).get_table_names())
    if "alembic_version" not in tables:
        if tables:
            shown = ", ".join(sorted(tables)[:5])
            return (f"it is a database of something else (tables: {shown}); Backbeat "
                    "writes nothing into it: give another file with --db")
        return None
    revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    if not tables >= BACKBEAT_TABLES and revision is not None:
        return "it has an alembic_version table but not Backbeat's tables: it is not a Backbeat database"
    return None


def known_revision(revision: str) -> bool:
    """Whether this Backbeat's migrations know ``revision``."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    try:
        return ScriptDirectory.from_config(cfg).get_revision(revision) is not None
    except Exception:  # alembic's "Can't locate revision" and kin
        return False


def _read_only(conn, url: str) -> bool:
    """True when this station cannot write the database."""
    if conn.dialect.name == "postgresql":
        return conn.execute(text("SHOW transaction_read_only")).scalar() == "on"
    path = sqlite_file(url)
    if path is None:
        return False
    if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK):
        return True
    # opened read-only (mode=ro), or a file the system will not let us write:
    # ask SQLite for the write lock and give it straight back
    raw = conn.connection.driver_connection
    if raw.in_transaction:
        return False
    # (a write rolled back: setting user_version to itself inside BEGIN … ROLLBACK)
    try:
        raw.execute("PRAGMA busy_timeout=200")
        version = raw.execute("PRAGMA user_version").fetchone()[0]
        raw.execute("BEGIN IMMEDIATE")
        try:
            raw.execute(f"PRAGMA user_version={int(version)}")
        finally:
            raw.execute("ROLLBACK")
    except sqlite3.OperationalError as exc:
        return "readonly" in str(exc) or "read-only" in str(exc)
    finally:
        raw.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    return False


def database_away(exc: BaseException) -> bool:
    """The database did not answer (the server or file is away), as the screens ask it:
    they never look at SQLAlchemy's errors themselves."""
    return isinstance(exc, OperationalError | StoreError)


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
