"""Stations: every TV and kiosk by name, with its own settings and heartbeat."""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update

from backbeat.domain.errors import InvalidInput
from backbeat.engine.gymclass import silent
from backbeat.store.db import Database
from backbeat.store.models import StationRow

KINDS = ("tv", "kiosk")
#: What the store keeps on a station's row (its screen and sound are kept on its
#: computer: store.settings.ROW_DEFAULTS).
ROW_DEFAULTS: dict[str, Any] = {
    "class": None,  # a kiosk's choice of class when several run (two rooms)
}


def default_station(kind: str) -> str:
    return f"{kind}@{socket.gethostname()}"[:60]


@dataclass(frozen=True)
class Station:
    name: str
    kind: str
    host: str
    pid: int | None
    role: str | None
    class_id: int | None
    state: str | None
    position_s: float | None
    clock_offset_ms: float | None
    last_seen_ns: int | None


def _station(r: StationRow) -> Station:
    return Station(r.name, r.kind, r.host, r.pid, r.role, r.class_id, r.state, r.position_s,
                   r.clock_offset_ms, r.last_seen_ns)


class StationTaken(InvalidInput):
    """A second station started under a name that is running already."""


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def register_station(db: Database, name: str, kind: str, now_ns: int, *,
                     host: str | None = None, pid: int | None = None) -> tuple[int | None, int | None]:
    """Claim ``name`` for this process; returns the class it was in when it last
    ran, and its last heartbeat then.
    Refused (naming the first and where it runs) while another process holds it
    and is alive."""
    name = name.strip()
    if not name or len(name) > 60:
        raise InvalidInput(f"a station name has 1 to 60 characters, not {len(name)}", "--station")
    if kind not in KINDS:
        raise ValueError(kind)
    host = host or socket.gethostname()
    pid = os.getpid() if pid is None else pid
    with db.session() as s:
        row = s.get(StationRow, name, with_for_update=True)
        if row is None:
            s.add(StationRow(name=name, kind=kind, host=host, pid=pid, settings={},
                             last_seen_ns=now_ns))
            return None, None
        if row.pid is not None and row.pid != pid and not silent(row.last_seen_ns, now_ns):
            same_host = row.host == host
            if not same_host or _pid_alive(row.pid):
                raise StationTaken(
                    f"the station {name!r} is already running: a {row.kind} on {row.host} "
                    f"(process {row.pid}); give this one another name with --station", "--station")
        previous = row.class_id, row.last_seen_ns
        row.kind, row.host, row.pid, row.last_seen_ns = kind, host, pid, now_ns
        row.role = row.state = row.position_s = row.class_id = None
        return previous


def heartbeat(db: Database, name: str, now_ns: int, *, role: str | None, class_id: int | None,
              state: str | None, position_s: float | None, clock_offset_ms: float | None) -> None:
    with db.session() as s:
        s.execute(update(StationRow).where(StationRow.name == name).values(
            last_seen_ns=now_ns, role=role, class_id=class_id, state=state,
            position_s=position_s, clock_offset_ms=clock_offset_ms))


def leave_station(db: Database, name: str, pid: int | None = None) -> None:
    """A station closing cleanly: its name is free at once, its heartbeat stops."""
    pid = os.getpid() if pid is None else pid
    with db.session() as s:
        s.execute(update(StationRow).where(StationRow.name == name, StationRow.pid == pid)
                  .values(pid=None, last_seen_ns=None, role=None, state=None, class_id=None))


def list_stations(db: Database) -> list[Station]:
    with db.read() as s:
        return [_station(r) for r in s.scalars(select(StationRow).order_by(StationRow.name))]


def last_seen(db: Database, names: list[str]) -> dict[str, int | None]:
    with db.read() as s:
        return dict(s.execute(select(StationRow.name, StationRow.last_seen_ns)
                              .where(StationRow.name.in_(names))).all())


def tv_last_seen(db: Database, class_id: int, leader: str | None) -> int | None:
    """The latest heartbeat of any TV in the class (its leader included)."""
    with db.read() as s:
        cond = StationRow.class_id == class_id
        if leader:
            cond = cond | (StationRow.name == leader)
        return s.scalar(select(func.max(StationRow.last_seen_ns))
                        .where(StationRow.kind == "tv", cond))


def tv_stations_in(db: Database, class_id: int) -> dict[str, int | None]:
    """The TVs showing the class, with their latest heartbeats."""
    with db.read() as s:
        return dict(s.execute(select(StationRow.name, StationRow.last_seen_ns)
                              .where(StationRow.kind == "tv", StationRow.class_id == class_id)).all())


def station_setting(db: Database, name: str, key: str) -> Any:
    if key not in ROW_DEFAULTS:
        raise KeyError(f"unknown station setting {key!r}")
    with db.read() as s:
        settings = s.scalar(select(StationRow.settings).where(StationRow.name == name)) or {}
    return settings.get(key, ROW_DEFAULTS[key])


def set_station_setting(db: Database, name: str, key: str, value: Any) -> None:
    if key not in ROW_DEFAULTS:
        raise KeyError(f"unknown station setting {key!r}")
    with db.session() as s:
        row = s.get(StationRow, name, with_for_update=True)
        if row is None:
            row = StationRow(name=name, kind="tv", host=socket.gethostname(), settings={})
            s.add(row)
        row.settings = {**(row.settings or {}), key: value}


def station_name(kind: str, given: str | None) -> str:
    """This machine's station name: ``given`` (then remembered), else the one
    remembered, else ``tv@<host>`` / ``kiosk@<host>``."""
    import json

    from backbeat.paths import data_dir

    path = data_dir() / "stations.json"
    try:
        known = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        known = {}
    if given:
        if known.get(kind) != given:
            known[kind] = given
            tmp = path.with_suffix(".part")
            tmp.write_text(json.dumps(known), "utf-8")
            tmp.replace(path)
        return given
    return known.get(kind) or default_station(kind)
