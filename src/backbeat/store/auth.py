"""The trainer PIN: set on first run, changeable, checked with back-off.

The failure count lives in the database so that restarting the app does not
reset the back-off.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from backbeat.domain.errors import InvalidInput
from backbeat.domain.pin import hash_pin, lockout_s, validate_pin, verify_pin
from backbeat.store.db import Database
from backbeat.store.settings import get_setting, set_setting


@dataclass(frozen=True)
class PinCheck:
    ok: bool
    wait_s: float = 0.0  # > 0: locked out for this long, the PIN was not even checked
    message: str = ""


def has_trainer_pin(db: Database) -> bool:
    return bool(get_setting(db, "trainer.pin"))


def set_trainer_pin(db: Database, new_pin: str, *, old_pin: str | None = None) -> None:
    validate_pin(new_pin, "new PIN")
    if has_trainer_pin(db) and (old_pin is None or not verify_pin(old_pin, get_setting(db, "trainer.pin"))):
        raise InvalidInput("the current trainer PIN is wrong", "current PIN")
    set_setting(db, "trainer.pin", hash_pin(new_pin))
    set_setting(db, "trainer.pin_failures", {"count": 0, "last": 0.0})


def check_trainer_pin(db: Database, pin: str, *, now: float | None = None) -> PinCheck:
    now = time.time() if now is None else now
    stored = get_setting(db, "trainer.pin")
    if not stored:
        return PinCheck(False, message="no trainer PIN is set yet")
    failures = get_setting(db, "trainer.pin_failures")
    wait = failures["last"] + lockout_s(failures["count"]) - now
    if wait > 0:
        return PinCheck(False, wait_s=wait, message=f"too many wrong PINs: wait {wait:.0f} s")
    if verify_pin(pin, stored):
        set_setting(db, "trainer.pin_failures", {"count": 0, "last": 0.0})
        return PinCheck(True)
    count = failures["count"] + 1
    set_setting(db, "trainer.pin_failures", {"count": count, "last": now})
    wait = lockout_s(count)
    return PinCheck(False, wait_s=wait, message="wrong PIN" + (f": wait {wait:.0f} s" if wait else ""))
