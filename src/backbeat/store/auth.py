"""The trainer PIN: set on first run, changeable, checked with back-off.

The failure count lives in the database so that restarting the app does not
reset the back-off.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import update

from backbeat.domain.errors import InvalidInput
from backbeat.domain.pin import (
    TRAINER_COST,
    TRAINER_PIN_DIGITS,
    PinState,
    hash_pin,
    lockout_s,
    validate_pin,
    verify_pin,
)
from backbeat.store.db import Database
from backbeat.store.models import SettingRow
from backbeat.store.settings import DEFAULTS, get_setting, set_setting

_FAILURES = "trainer.pin_failures"


@dataclass(frozen=True)
class PinCheck:
    ok: bool
    wait_s: float = 0.0  # > 0: locked out for this long, the PIN was not even checked
    message: str = ""


def has_trainer_pin(db: Database) -> bool:
    return bool(get_setting(db, "trainer.pin"))


def set_trainer_pin(db: Database, new_pin: str, *, old_pin: str | None = None) -> None:
    validate_pin(new_pin, "new PIN", min_digits=TRAINER_PIN_DIGITS)
    if has_trainer_pin(db) and (old_pin is None or not verify_pin(old_pin, get_setting(db, "trainer.pin"))):
        raise InvalidInput("the current trainer PIN is wrong", "current PIN")
    set_setting(db, "trainer.pin", hash_pin(new_pin, TRAINER_COST))
    set_setting(db, _FAILURES, {"count": 0, "last": 0.0})


def _count_failure(db: Database, now: float) -> int:
    """One more wrong PIN, counted in one transaction that holds the row's write
    lock from its first statement (SQLite's write lock, PostgreSQL's row lock),
    so wrong PINs typed at once on several stations are each counted."""
    with db.session() as s:
        locked = s.execute(update(SettingRow).where(SettingRow.key == _FAILURES)
                           .values(key=_FAILURES)).rowcount
        row = s.get(SettingRow, _FAILURES, populate_existing=True) if locked else None
        if row is None:
            s.add(row := SettingRow(key=_FAILURES, value={"v": dict(DEFAULTS[_FAILURES])}))
        count = int(row.value["v"].get("count", 0)) + 1
        row.value = {"v": {"count": count, "last": now}}
    return count


def trainer_pin_state(db: Database) -> PinState | None:
    """The trainer PIN's hash and back-off so far, as a kiosk checks it on its own
    thread (and keeps it for a start without the database); None: no PIN set."""
    stored = get_setting(db, "trainer.pin")
    if not stored:
        return None
    failures = get_setting(db, _FAILURES)
    count = int(failures.get("count", 0))
    return PinState(stored, count,
                    datetime.fromtimestamp(float(failures["last"]), UTC) if count else None)


def record_trainer_pin_try(db: Database, ok: bool, at: datetime) -> bool:
    """Store a trainer PIN try made at a kiosk (sent like a tap, queued while the
    database is away): a right one clears the back-off, a wrong one is counted as
    :func:`check_trainer_pin` counts it."""
    if ok:
        set_setting(db, _FAILURES, {"count": 0, "last": 0.0})
    else:
        _count_failure(db, at.timestamp())
    return True


def check_trainer_pin(db: Database, pin: str, *, now: float | None = None,
                      verify: Callable[[str, str], bool] = verify_pin) -> PinCheck:
    """The back-off first, then the PIN against the stored hash with ``verify``
    (domain.pin.verify_pin; the trainer's gate passes one that may already have
    the answer for this PIN and hash: ui/trainer/pin_gate.py)."""
    now = time.time() if now is None else now
    stored = get_setting(db, "trainer.pin")
    if not stored:
        return PinCheck(False, message="no trainer PIN is set yet")
    failures = get_setting(db, _FAILURES)
    wait = failures["last"] + lockout_s(failures["count"]) - now
    if wait > 0:
        return PinCheck(False, wait_s=wait, message=f"too many wrong PINs: wait {wait:.0f} s")
    if verify(pin, stored):
        if failures["count"]:
            set_setting(db, _FAILURES, {"count": 0, "last": 0.0})
        return PinCheck(True)
    count = _count_failure(db, now)
    wait = lockout_s(count)
    return PinCheck(False, wait_s=wait, message="wrong PIN" + (f": wait {wait:.0f} s" if wait else ""))
