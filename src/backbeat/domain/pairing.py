"""Pairing a coach's phone with a station: the rules, without a network.

A station shows a six-digit code (on the TV's pause screen, the trainer's
desktop, ``backbeat remote code``). The phone sends it once and gets a token
back; every later call carries the token. A code lives two minutes and is
replaced by a fresh one as it expires; five wrong codes lock pairing for a
minute, so the million codes cannot be walked. Tokens are random and long,
and only their SHA-256 is ever stored.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass

CODE_DIGITS = 6
CODE_LIFETIME_S = 120.0
MAX_WRONG_CODES = 5
LOCKOUT_S = 60.0
TOKEN_BYTES = 32


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,128}")


def looks_like_token(text: object) -> bool:
    """What ``new_token`` makes (URL-safe base64); anything else is not looked up."""
    return isinstance(text, str) and _TOKEN.fullmatch(text) is not None


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class PairingCode:
    code: str
    expires_at: float  # on the pairing clock

    def seconds_left(self, now: float) -> int:
        return max(0, int(self.expires_at - now))


class PairingRefused(Exception):
    """Why a code was not taken, in words a coach can act on."""

    def __init__(self, message: str, *, locked_for_s: float = 0.0):
        super().__init__(message)
        self.locked_for_s = locked_for_s


class Pairing:
    """The station's current code, and the count of wrong ones.

    ``clock`` returns seconds (a wall clock is fine: codes only need to agree
    with themselves). Thread-safe: the server checks codes from its own thread
    while the TV reads the code to show it.
    """

    def __init__(self, clock: Callable[[], float], *, randbelow: Callable[[int], int] = secrets.randbelow):
        self._clock = clock
        self._randbelow = randbelow
        self._lock = threading.Lock()
        self._code: PairingCode | None = None
        self._previous: PairingCode | None = None
        self._wrong = 0
        self._locked_until = 0.0

    def current(self) -> PairingCode:
        """The code in force, a fresh one when the last has expired."""
        with self._lock:
            return self._current(self._clock())

    def _current(self, now: float) -> PairingCode:
        if self._code is None or now >= self._code.expires_at:
            if self._code is not None:
                self._previous = self._code
            code = str(self._randbelow(10**CODE_DIGITS)).zfill(CODE_DIGITS)
            self._code = PairingCode(code, now + CODE_LIFETIME_S)
        return self._code

    def locked_for(self) -> float:
        with self._lock:
            return max(0.0, self._locked_until - self._clock())

    def check(self, code: str) -> None:
        """Accept ``code`` or raise :class:`PairingRefused`. A taken code is
        spent: the next phone needs the next code."""
        with self._lock:
            now = self._clock()
            if now < self._locked_until:
                left = self._locked_until - now
                raise PairingRefused(
                    f"pairing is locked for {left:.0f} s after {MAX_WRONG_CODES} wrong codes",
                    locked_for_s=left)
            live = self._current(now)
            if not hmac.compare_digest(code, live.code):
                self._wrong_code(now)
                if self._previous is not None and hmac.compare_digest(code, self._previous.code):
                    raise PairingRefused("that code has expired: use the one on the screen now")
                raise PairingRefused("wrong code")
            self._wrong = 0
            self._previous, self._code = live, None  # spent: the next phone needs the next code
            self._current(now)

    def _wrong_code(self, now: float) -> None:
        self._wrong += 1
        if self._wrong >= MAX_WRONG_CODES:
            self._wrong = 0
            self._locked_until = now + LOCKOUT_S
