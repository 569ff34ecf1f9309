"""The one place that knows where things live: user data, resources, sounds.

Works from a checkout (resources/ and sounds/ at the repository top), from an
installed wheel (copied into the package as ``backbeat/_data``) and from a
frozen bundle (``sys._MEIPASS``). ``BACKBEAT_DATA_DIR`` overrides the user
data directory (tests and portable installs).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

APP_NAME = "backbeat"


def data_dir() -> Path:
    override = os.environ.get("BACKBEAT_DATA_DIR")
    path = Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_db_url() -> str:
    return os.environ.get("BACKBEAT_DB") or f"sqlite:///{data_dir() / 'backbeat.db'}"


def _asset_roots() -> list[Path]:
    roots = []
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        roots.append(Path(frozen))
    here = Path(__file__).resolve()
    roots.append(here.parent / "_data")  # installed wheel
    roots.append(here.parents[2])  # checkout: src/backbeat/paths.py -> repo top
    return roots


def asset_dir(name: str) -> Path:
    """``resources`` or ``sounds``, wherever this copy of Backbeat keeps them."""
    for root in _asset_roots():
        candidate = root / name
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"Backbeat's {name}/ folder was not found next to the program")


def resources_dir() -> Path:
    return asset_dir("resources")


def sounds_dir() -> Path:
    return asset_dir("sounds")
