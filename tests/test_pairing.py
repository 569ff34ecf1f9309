"""Pairing rules on a fake clock: codes live two minutes, are spent once, and
five wrong ones lock pairing for a minute."""

from __future__ import annotations

import pytest

from backbeat.domain.pairing import (
    CODE_LIFETIME_S,
    LOCKOUT_S,
    MAX_WRONG_CODES,
    Pairing,
    PairingRefused,
    token_hash,
)


class Clock:
    def __init__(self):
        self.t = 1000.0

    def __call__(self):
        return self.t


def _pairing(clock):
    codes = iter(range(111111, 999999, 111111))
    return Pairing(clock, randbelow=lambda _n: next(codes))


def test_a_code_pairs_once_and_is_replaced():
    clock = Clock()
    pairing = _pairing(clock)
    first = pairing.current()
    assert first.code == "111111" and first.seconds_left(clock.t) == CODE_LIFETIME_S
    pairing.check("111111")
    assert pairing.current().code == "222222"
    with pytest.raises(PairingRefused, match="expired"):
        pairing.check("111111")  # spent: a second phone needs the next code


def test_a_code_expires_after_two_minutes():
    clock = Clock()
    pairing = _pairing(clock)
    code = pairing.current().code
    clock.t += CODE_LIFETIME_S - 0.1
    assert pairing.current().code == code
    clock.t += 0.2
    with pytest.raises(PairingRefused, match="expired"):
        pairing.check(code)
    assert pairing.current().code != code


def test_five_wrong_codes_lock_pairing_for_a_minute():
    clock = Clock()
    pairing = _pairing(clock)
    right = pairing.current().code
    for _ in range(MAX_WRONG_CODES - 1):
        with pytest.raises(PairingRefused, match="wrong code"):
            pairing.check("000000")
    with pytest.raises(PairingRefused, match="wrong code"):
        pairing.check("000000")
    with pytest.raises(PairingRefused, match="locked") as locked:
        pairing.check(pairing.current().code)  # even the right code waits
    assert locked.value.locked_for_s == pytest.approx(LOCKOUT_S)
    clock.t += LOCKOUT_S + 0.1
    pairing.check(pairing.current().code)
    assert right != pairing.current().code


def test_a_right_code_resets_the_wrong_count():
    clock = Clock()
    pairing = _pairing(clock)
    for _ in range(MAX_WRONG_CODES - 1):
        with pytest.raises(PairingRefused):
            pairing.check("000000")
    pairing.check(pairing.current().code)
    for _ in range(MAX_WRONG_CODES - 1):
        with pytest.raises(PairingRefused, match="wrong code"):
            pairing.check("000000")
    assert pairing.locked_for() == 0


def test_tokens_are_kept_as_their_hash_only():
    assert len(token_hash("abc")) == 64 and token_hash("abc") != "abc"


def test_only_what_looks_like_a_token_is_looked_up():
    from backbeat.domain.pairing import looks_like_token, new_token

    assert looks_like_token(new_token())
    for bad in ("", "short", "\x80" * 30, "a" * 30 + " ", "a" * 200, None, 12, "ä" * 30):
        assert not looks_like_token(bad), bad
