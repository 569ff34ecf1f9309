"""The install guide's several-computers set-up, on the suite's throw-away
PostgreSQL: packaging/postgres/roles.sql makes least-privilege roles, the
owner migrates, a station works through a service file (no password on any
command line) but cannot change the schema, and the backup role's pg_dump
reads everything."""

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import create_engine, text

ROOT = Path(__file__).parents[1]
PG = ROOT / "packaging" / "postgres"


def _bin(name: str) -> str:
    found = shutil.which(name) or next(iter(sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))), None)
    assert found, f"{name} is not installed (scripts/system-deps.sh test installs postgresql)"
    return str(found)


@pytest.fixture(scope="module")
def gym_server(pg_server, tmp_path_factory):
    sock = parse_qs(urlsplit(pg_server).query)["host"][0]
    admin = create_engine(pg_server, isolation_level="AUTOCOMMIT")

    def clean():
        with admin.connect() as conn:
            conn.execute(text("DROP DATABASE IF EXISTS backbeat"))
            for role in ("backbeat_owner", "backbeat_station", "backbeat_backup"):
                conn.execute(text(f"DROP ROLE IF EXISTS {role}"))

    clean()
    subprocess.run([_bin("psql"), "-v", "ON_ERROR_STOP=1", "-q", f"host={sock} user=backbeat dbname=postgres",
                    "-v", "owner_pw='o-secret'", "-v", "station_pw='s-secret'", "-v", "backup_pw='b-secret'",
                    "-f", str(PG / "roles.sql")], check=True, capture_output=True, text=True, timeout=60)
    # the guide's service file, pointed at this server's socket
    services = tmp_path_factory.mktemp("pgservice") / "pg_service.conf"
    services.write_text((PG / "pg_service.conf").read_text().replace("host=server.local", f"host={sock}"))
    yield {"PGSERVICEFILE": str(services)}
    admin.dispose()
    clean()


def backbeat(env, service, *args, check=True):
    r = subprocess.run([sys.executable, "-m", "backbeat", "--db", f"postgresql+psycopg:///?service={service}",
                        *args], capture_output=True, text=True, timeout=120,
                       env={**os.environ, **env, "QT_QPA_PLATFORM": "offscreen"})
    if check:
        assert r.returncode == 0, r.stderr
    return r


def test_owner_migrates_station_works_backup_dumps(gym_server, tmp_path):
    env = gym_server
    up = backbeat(env, "backbeat_owner", "db", "upgrade")
    assert "is at revision" in up.stdout
    plan = backbeat(env, "backbeat", "plan", "Precision Back")
    assert "Precision Back" in plan.stdout
    # the station's role writes rows but cannot touch the schema
    code = textwrap.dedent("""
        from sqlalchemy import create_engine, text
        from sqlalchemy.exc import ProgrammingError
        with create_engine("postgresql+psycopg:///?service=backbeat").connect() as conn:
            conn.execute(text("SELECT count(*) FROM alembic_version"))
            try:
                conn.execute(text("DROP TABLE alembic_version"))
                print("dropped")
            except ProgrammingError as exc:
                print(type(exc.orig).__name__)
    """)
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                       env={**os.environ, **env})
    assert r.stdout.strip() == "InsufficientPrivilege", r.stdout + r.stderr
    dump = tmp_path / "backbeat.dump"
    subprocess.run([_bin("pg_dump"), "--format=custom", "--dbname=service=backbeat_backup", "--file", str(dump)],
                   check=True, capture_output=True, text=True, timeout=120, env={**os.environ, **env})
    listing = subprocess.run([_bin("pg_restore"), "--list", str(dump)], check=True, capture_output=True,
                             text=True).stdout
    assert "TABLE DATA public alembic_version" in listing and "TABLE DATA public program" in listing


def test_the_backup_timer_and_service_name_no_password(gym_server):
    service = (PG / "backbeat-pg-dump.service").read_text()
    assert "--dbname=\"service=backbeat_backup\"" in service and "password" not in service.lower().replace(
        "passwords", "")
    timer = (PG / "backbeat-pg-dump.timer").read_text()
    assert "OnCalendar=" in timer and "Persistent=true" in timer
    r = subprocess.run([_systemd_analyze(), "verify", str(PG / "backbeat-pg-dump.service"),
                        str(PG / "backbeat-pg-dump.timer")], capture_output=True, text=True)
    assert r.returncode == 0 and r.stderr.strip() == "", r.stderr


def _systemd_analyze() -> str:
    found = shutil.which("systemd-analyze")
    assert found, "systemd-analyze is not installed (scripts/system-deps.sh test installs systemd)"
    return found
