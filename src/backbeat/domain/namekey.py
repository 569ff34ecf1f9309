"""The one rule for when two names are the same name (see ``domain/names.py``),
in a module of its own so that what runs before the first frame (the TV's kept
class, ``ui/tv/first_frame.py``) can compare names without pydantic."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def name_key(name: str) -> str:
    """The form two names are compared in: equal keys, the same name."""
    text = unicodedata.normalize("NFKC", name)
    text = unicodedata.normalize("NFKC", text.casefold())
    return _SPACES.sub(" ", text).strip()
