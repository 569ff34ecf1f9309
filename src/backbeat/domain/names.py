"""Names as people write them: one rule for when two names are the same.

Programs, athletes and exercises are found by name. Two names are the same
name when they agree after Unicode compatibility normalisation and case
folding (NFKC, casefold, NFKC again — Unicode's "NFKC_Casefold" in spirit) with
runs of white space made one space: ``Straße`` is ``STRASSE``, ``İstanbul Back``
is ``i̇stanbul back``, ``ＰＲＥＣＩＳＩＯＮ`` is ``precision``. The database keeps
this key beside each name with a unique index, so a lookup is one indexed
comparison on SQLite and PostgreSQL alike, and two programs can never share a
name under the rule.

A name holds no control characters (NUL, tab, new line, …): they cannot be
typed on a kiosk, PostgreSQL refuses NUL outright, and they break CSV and the
TV's one-line labels.
"""

from __future__ import annotations

import unicodedata
from typing import Annotated

from pydantic import AfterValidator

from backbeat.domain.errors import InvalidInput
from backbeat.domain.namekey import name_key  # noqa: F401  (the rule, re-exported)

#: Line and paragraph separators are white space to ``str.split`` but not "Cc".
_FORBIDDEN_CATEGORIES = ("Cc", "Cs", "Zl", "Zp")
#: The longest key a stored name may have (casefold and NFKC can lengthen a name).
MAX_KEY_LENGTH = 400




def bad_character(name: str) -> str | None:
    """A description of the first character a name may not hold, or None."""
    for i, ch in enumerate(name):
        if unicodedata.category(ch) in _FORBIDDEN_CATEGORIES:
            return f"character {i + 1} is the control character U+{ord(ch):04X}"
    return None


def clean_name(name: str, where: str = "name", max_length: int = 80) -> str:
    """A name as stored: trimmed, 1 to ``max_length`` characters, no control
    characters. Raises :class:`InvalidInput` saying what is wrong."""
    if not isinstance(name, str):
        raise InvalidInput("a name is text", where)
    problem = bad_character(name)
    if problem:
        raise InvalidInput(f"{problem}; names hold no control characters", where)
    name = name.strip()
    if not name or len(name) > max_length:
        raise InvalidInput(f"a name is 1 to {max_length} characters", where)
    if not name_key(name):
        raise InvalidInput("a name needs a letter or a digit", where)
    if len(name_key(name)) > MAX_KEY_LENGTH:
        raise InvalidInput("this name grows too long when compared (too many ligatures)", where)
    return name


def _valid_name(value: str) -> str:
    problem = bad_character(value)
    if problem:
        raise ValueError(f"{problem}; names hold no control characters")
    value = value.strip()
    if not name_key(value):
        raise ValueError("a name needs a letter or a digit")
    return value


#: A name field in a file (program, day, block, exercise): pydantic refuses
#: control characters with the field's path; surrounding spaces are dropped.
Name = Annotated[str, AfterValidator(_valid_name)]
