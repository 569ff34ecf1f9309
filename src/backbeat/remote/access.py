"""The remote's paired devices and shown code, kept in the store for one station."""

from __future__ import annotations

from datetime import datetime

from backbeat.store.db import Database
from backbeat.store.remote import device_for_token, hide_code, pair_device, show_code


class StoreAccess:
    def __init__(self, db: Database, station: str):
        self.db = db
        self.station = station

    def authorize(self, token: str) -> bool:
        device = device_for_token(self.db, token)
        return device is not None and device.station == self.station

    def pair(self, name: str) -> str:
        return pair_device(self.db, self.station, name)

    def show_code(self, code: str, expires_at: datetime, url: str) -> None:
        show_code(self.db, self.station, code, expires_at, url)

    def hide_code(self) -> None:
        hide_code(self.db, self.station)
