"""Paired remotes (the coach's phone) and the pairing code a station shows.

Tokens are stored as their SHA-256 only (domain.pairing.token_hash): a copy
of the database does not hand out control of the TV.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select

from backbeat.domain.errors import InvalidInput
from backbeat.domain.pairing import new_token, token_hash
from backbeat.store.db import Database
from backbeat.store.models import RemoteDeviceRow, RemotePairingRow

MAX_DEVICE_NAME = 80


@dataclass(frozen=True)
class RemoteDevice:
    id: int
    station: str
    name: str
    paired_at: datetime
    last_used_at: datetime | None
    revoked: bool


@dataclass(frozen=True)
class ShownCode:
    station: str
    code: str
    expires_at: datetime
    address: str

    def seconds_left(self, now: datetime | None = None) -> int:
        now = now or datetime.now(UTC).replace(tzinfo=None)
        return max(0, int((self.expires_at - now).total_seconds()))


def _utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def clean_device_name(name: str) -> str:
    name = "".join(ch for ch in (name or "") if ch.isprintable()).strip()[:MAX_DEVICE_NAME]
    return name or "phone"


def pair_device(db: Database, station: str, name: str) -> str:
    """A new device for ``station``; returns its token (shown once, never stored)."""
    token = new_token()
    with db.session() as s:
        s.add(RemoteDeviceRow(station=station, name=clean_device_name(name),
                              token_hash=token_hash(token), paired_at=_utcnow()))
    return token


def device_for_token(db: Database, token: str) -> RemoteDevice | None:
    """The live (not revoked) device holding ``token``, its use noted."""
    if not token:
        return None
    with db.session() as s:
        row = s.scalar(select(RemoteDeviceRow).where(RemoteDeviceRow.token_hash == token_hash(token)))
        if row is None or row.revoked_at is not None:
            return None
        row.last_used_at = _utcnow()
        return _device(row)


def list_devices(db: Database, station: str | None = None) -> list[RemoteDevice]:
    with db.read() as s:
        q = select(RemoteDeviceRow).order_by(RemoteDeviceRow.paired_at)
        if station is not None:
            q = q.where(RemoteDeviceRow.station == station)
        return [_device(r) for r in s.scalars(q)]


def revoke_device(db: Database, device_id: int) -> None:
    with db.session() as s:
        row = s.get(RemoteDeviceRow, device_id)
        if row is None:
            raise InvalidInput(f"no paired remote with id {device_id}", "device")
        if row.revoked_at is None:
            row.revoked_at = _utcnow()


def show_code(db: Database, station: str, code: str, expires_at: datetime, address: str) -> None:
    with db.session() as s:
        row = s.get(RemotePairingRow, station)
        if row is None:
            s.add(RemotePairingRow(station=station, code=code, expires_at=expires_at, address=address))
        else:
            row.code, row.expires_at, row.address = code, expires_at, address


def hide_code(db: Database, station: str) -> None:
    with db.session() as s:
        row = s.get(RemotePairingRow, station)
        if row is not None:
            s.delete(row)


def shown_codes(db: Database) -> list[ShownCode]:
    """Codes shown now by serving stations (expired ones left out)."""
    now = _utcnow()
    with db.read() as s:
        rows = s.scalars(select(RemotePairingRow).order_by(RemotePairingRow.station))
        return [ShownCode(r.station, r.code, r.expires_at, r.address) for r in rows if r.expires_at > now]


def _device(row: RemoteDeviceRow) -> RemoteDevice:
    return RemoteDevice(row.id, row.station, row.name, row.paired_at, row.last_used_at,
                        row.revoked_at is not None)
