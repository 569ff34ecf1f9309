"""PINs (trainer and athlete): salted scrypt hashes and a back-off after failures."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from backbeat.domain.errors import InvalidInput

_N, _R, _P = 2**14, 8, 1
#: After this many wrong PINs in a row, each further try waits longer.
FREE_TRIES = 3
MAX_LOCKOUT_S = 300.0


def validate_pin(pin: str, where: str = "PIN") -> str:
    if not (isinstance(pin, str) and pin.isdigit() and 4 <= len(pin) <= 8):
        raise InvalidInput("a PIN is 4 to 8 digits", where)
    return pin


def hash_pin(pin: str) -> str:
    validate_pin(pin)
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${digest.hex()}"


def verify_pin(pin: str, stored: str) -> bool:
    try:
        kind, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if kind != "scrypt":
        return False
    got = hashlib.scrypt(pin.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p),
                         dklen=len(digest) // 2)
    return hmac.compare_digest(got.hex(), digest)


def lockout_s(failures: int) -> float:
    """Seconds to wait before the next try after ``failures`` wrong PINs in a row."""
    if failures < FREE_TRIES:
        return 0.0
    return min(MAX_LOCKOUT_S, 2.0 ** (failures - FREE_TRIES + 1))
