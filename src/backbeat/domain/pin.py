"""PINs (trainer and athlete): salted scrypt hashes and a back-off after failures."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from backbeat.domain.errors import InvalidInput

#: scrypt cost of an athlete's PIN (checked on the kiosk at every tap of a name).
ATHLETE_COST = (2**14, 8, 1)
#: The trainer PIN guards every athlete's health notes: 64 MiB and ≥ 100 ms a
#: try here (benchmarks print it), so a copied database does not give up a
#: 6-digit PIN to a search on one core in less than about a day.
TRAINER_COST = (2**16, 8, 1)
_MAXMEM = 2**28
#: After this many wrong PINs in a row, each further try waits longer.
FREE_TRIES = 3
MAX_LOCKOUT_S = 300.0
#: Digits of a trainer PIN (an athlete's may be as short as 4).
TRAINER_PIN_DIGITS = 6


def validate_pin(pin: str, where: str = "PIN", *, min_digits: int = 4) -> str:
    if not (isinstance(pin, str) and pin.isascii() and pin.isdigit() and min_digits <= len(pin) <= 8):
        raise InvalidInput(f"a PIN is {min_digits} to 8 digits", where)
    return pin


def hash_pin(pin: str, cost: tuple[int, int, int] = ATHLETE_COST) -> str:
    validate_pin(pin)
    n, r, p = cost
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=n, r=r, p=p, dklen=32, maxmem=_MAXMEM)
    return f"scrypt${n}${r}${p}${salt.hex()}${digest.hex()}"


def verify_pin(pin: str, stored: str) -> bool:
    try:
        kind, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if kind != "scrypt" or not isinstance(pin, str):
        return False
    try:
        got = hashlib.scrypt(pin.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p),
                             dklen=len(digest) // 2, maxmem=_MAXMEM)
    except (ValueError, MemoryError):
        return False  # a damaged hash is no way in
    return hmac.compare_digest(got.hex(), digest)


@dataclass(frozen=True)
class PinState:
    """A PIN as a kiosk checks it on its own thread (an athlete's, or the trainer's:
    store.athletes.pin_states, store.auth.trainer_pin_state): the hash and the
    back-off so far."""

    pin_hash: str
    failures: int = 0
    failed_at: datetime | None = None  # UTC

    def wait_s(self, now: datetime) -> float:
        """Seconds still to wait before the next try (:func:`lockout_s`)."""
        if not self.failures or self.failed_at is None:
            return 0.0
        since = (now - self.failed_at.replace(tzinfo=self.failed_at.tzinfo or UTC)).total_seconds()
        return max(0.0, lockout_s(self.failures) - since)


def lockout_s(failures: int) -> float:
    """Seconds to wait before the next try after ``failures`` wrong PINs in a row
    (doubling, capped: any count, however large, gives at most MAX_LOCKOUT_S)."""
    if failures < FREE_TRIES:
        return 0.0
    exponent = min(failures - FREE_TRIES + 1, 16)  # 2**16 s is far past the cap already
    return min(MAX_LOCKOUT_S, 2.0 ** exponent)
