"""The one place that knows where things live: user data, logs, resources, sounds, media.

``resources/`` and ``sounds/`` sit at the top of the repository and are
installed as the packages ``backbeat.resources`` and ``backbeat.sounds``
(pyproject.toml's ``package-dir``), so :func:`importlib.resources.files` finds
them in an installed wheel, an editable install and a frozen bundle alike. A
source tree put on ``sys.path`` without installing it has no such packages;
there the folders are found at the repository top. ``BACKBEAT_DATA_DIR``
overrides the user data directory (tests and portable installs),
``BACKBEAT_LOG_DIR`` the log directory, ``BACKBEAT_CACHE_DIR`` the cache.
"""

from __future__ import annotations

import importlib.resources
import os
from pathlib import Path

import platformdirs

APP_NAME = "backbeat"
_CHECKOUT = Path(__file__).resolve().parents[2]  # src/backbeat/paths.py -> repository top


def data_dir() -> Path:
    """The user data folder: the database, backups and the kiosk's outbox.
    Created 0700 (only its owner may look in), an existing one tightened."""
    override = os.environ.get("BACKBEAT_DATA_DIR")
    path = Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        if path.stat().st_mode & 0o077:
            path.chmod(0o700)
    except OSError:
        pass  # a folder that is not ours to change
    return path


def data_dir_if_default() -> Path | None:
    """The data folder, when the database in use is the default one in it."""
    return None if os.environ.get("BACKBEAT_DB") else data_dir()


def _user_dir(override: str | None, beside_data: str, platform_dir) -> Path:
    """A per-user folder: ``override`` (an environment variable) if set, else next
    to the data when ``BACKBEAT_DATA_DIR`` is set (tests, portable installs), else
    the platform's own; created."""
    value = os.environ.get(override) if override else None
    if value:
        path = Path(value)
    elif os.environ.get("BACKBEAT_DATA_DIR"):
        path = data_dir() / beside_data
    else:
        path = Path(platform_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def log_dir() -> Path:
    """Where ``backbeat.log`` is written (the user log dir; next to the data with
    ``BACKBEAT_DATA_DIR`` set, so tests never write to the user's logs)."""
    return _user_dir("BACKBEAT_LOG_DIR", "log", platformdirs.user_log_dir)


def config_dir() -> Path:
    """This computer's own settings (``station.json``): the user config dir,
    or next to the data with ``BACKBEAT_DATA_DIR`` set."""
    return _user_dir(None, "config", platformdirs.user_config_dir)


def cache_dir() -> Path:
    """Things Backbeat can make again (the spoken names' voice samples): the user
    cache dir (next to the data with ``BACKBEAT_DATA_DIR`` set, so tests keep
    theirs apart; ``BACKBEAT_CACHE_DIR`` overrides)."""
    return _user_dir("BACKBEAT_CACHE_DIR", "cache", platformdirs.user_cache_dir)


def default_db_url() -> str:
    return os.environ.get("BACKBEAT_DB") or f"sqlite:///{data_dir() / 'backbeat.db'}"


def asset_dir(name: str) -> Path:
    """``resources`` or ``sounds``, wherever this copy of Backbeat keeps them."""
    try:
        folder = importlib.resources.files(f"{APP_NAME}.{name}")
    except ModuleNotFoundError:  # a source tree on sys.path, not installed
        folder = _CHECKOUT / name
    path = Path(str(folder))
    if not path.is_dir():
        raise FileNotFoundError(f"Backbeat's {name}/ folder was not found ({path})")
    return path


def resources_dir() -> Path:
    return asset_dir("resources")


def sounds_dir() -> Path:
    return asset_dir("sounds")


def icon_files() -> list[Path]:
    """Backbeat's icon: the SVG and its PNG sizes (resources/icons/)."""
    folder = resources_dir() / "icons"
    return sorted(folder.glob("backbeat*.svg")) + sorted(
        folder.glob("backbeat-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))


def media_path(name: str | None) -> Path | None:
    """A library media file (an exercise's picture or GIF): absolute, or relative
    to resources/media/; None when there is no such file."""
    if not name:
        return None
    path = Path(name)
    if not path.is_absolute():
        path = resources_dir() / "media" / name
    return path if path.is_file() else None
