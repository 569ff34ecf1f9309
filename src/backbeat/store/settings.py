"""Every setting, declared once with its default, read and written here.

The gym's settings (units, paper, the trainer PIN, equipment, ...) live in the
database, shared by every station. A station's own settings (which screen is
its TV, its kiosk's screen, its volume, whether this computer was set up) are
the station's: they live on this computer, in ``station.json`` in
:func:`backbeat.paths.config_dir`, so two TVs on one gym database keep their
own screens. Callers do not care which: ``get_setting(db, key)`` either way.
"""

from __future__ import annotations

import json
import os
from typing import Any

from backbeat.paths import config_dir
from backbeat.store.db import Database
from backbeat.store.models import SettingRow

#: Settings that belong to this computer (kept in station.json), with defaults.
STATION_DEFAULTS: dict[str, Any] = {
    "tv.screen": 0,  # which display the TV goes fullscreen on
    "kiosk.screen": None,  # which display the kiosk fills (None: the primary one)
    "audio.volume": 0.9,
    "audio.muted": False,
    "setup.done": False,  # the first-run set-up was finished on this computer
    "sound.heard": None,  # the set-up's sound test: True heard, False not, None not tried
}

#: Values a person chooses from (the set-up and the Settings tab offer these).
CHOICES: dict[str, tuple[str, ...]] = {"units": ("kg", "lb"), "paper": ("A4", "Letter")}

DEFAULTS: dict[str, Any] = {
    **STATION_DEFAULTS,
    "units": "kg",  # what kiosks, the trainer and sheets show: "kg" or "lb" (the store keeps kg)
    "paper": "A4",  # the class sheet's paper: "A4" or "Letter"
    "trainer.pin": None,  # salted scrypt hash (domain.pin), set on first run
    "trainer.pin_failures": {"count": 0, "last": 0.0},
    "import.exercise_map": {},  # exercise names in Strong/Hevy exports → library slug (None: skip)
    "equipment": None,  # the gym's bars, plates, dumbbells, bands (store/equipment.py)
    "remote.enabled": False,  # the TV serves the coach's phone remote
    "remote.address": "0.0.0.0:8088",  # where: [HOST:]PORT on the gym's network
    "timetable": None,  # the week's classes (store/timetable.py); None: none yet
    "timetable.handled": {},  # classes started, asked about or declined, by occurrence key
}


def station_file():
    return config_dir() / "station.json"


def _station() -> dict[str, Any]:
    try:
        data = json.loads(station_file().read_text("utf-8"))
    except (OSError, ValueError):
        return {}  # none yet, or unreadable: the defaults (written afresh on the next change)
    return data if isinstance(data, dict) else {}


def _check(key: str, value: Any = None, *, writing: bool = False) -> None:
    if key not in DEFAULTS:
        raise KeyError(f"unknown setting {key!r}")
    if writing and key in CHOICES and value not in CHOICES[key]:
        raise ValueError(f"setting {key!r} is one of {', '.join(CHOICES[key])}, not {value!r}")


def get_setting(db: Database, key: str) -> Any:
    _check(key)
    if key in STATION_DEFAULTS:
        return _station().get(key, STATION_DEFAULTS[key])
    with db.read() as s:
        row = s.get(SettingRow, key)
        return row.value["v"] if row else DEFAULTS[key]


def set_setting(db: Database, key: str, value: Any) -> None:
    _check(key, value, writing=True)
    if key in STATION_DEFAULTS:
        data = _station() | {key: value}
        path = station_file()
        part = path.with_name(path.name + ".part")  # a crash mid-write keeps the old file
        part.write_text(json.dumps(data, indent=1, sort_keys=True), "utf-8")
        os.replace(part, path)
        return
    with db.session() as s:
        row = s.get(SettingRow, key)
        if row is None:
            s.add(SettingRow(key=key, value={"v": value}))
        else:
            row.value = {"v": value}
