"""Station and gym settings kept in the database, each declared once with its default."""

from __future__ import annotations

from typing import Any

from backbeat.store.db import Database
from backbeat.store.models import SettingRow

DEFAULTS: dict[str, Any] = {
    "tv.screen": 0,  # which display the TV goes fullscreen on
    "audio.volume": 0.9,
    "audio.muted": False,
    "units": "kg",  # what kiosks and sheets show: "kg" or "lb" (the store keeps kg)
    "trainer.pin": None,  # salted scrypt hash (domain.pin), set on first run
    "trainer.pin_failures": {"count": 0, "last": 0.0},
    "import.exercise_map": {},  # exercise names in Strong/Hevy exports → library slug (None: skip)
    "equipment": None,  # the gym's bars, plates, dumbbells, bands (store/equipment.py)
    "remote.enabled": False,  # the TV serves the coach's phone remote
    "remote.address": "0.0.0.0:8088",  # where: [HOST:]PORT on the gym's network
}


def get_setting(db: Database, key: str) -> Any:
    if key not in DEFAULTS:
        raise KeyError(f"unknown setting {key!r}")
    with db.read() as s:
        row = s.get(SettingRow, key)
        return row.value["v"] if row else DEFAULTS[key]


def set_setting(db: Database, key: str, value: Any) -> None:
    if key not in DEFAULTS:
        raise KeyError(f"unknown setting {key!r}")
    with db.session() as s:
        row = s.get(SettingRow, key)
        if row is None:
            s.add(SettingRow(key=key, value={"v": value}))
        else:
            row.value = {"v": value}
