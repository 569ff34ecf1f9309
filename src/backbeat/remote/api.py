"""Request bodies the remote's API takes (**contract**), validated with pydantic.

Anything else — an unknown command, a field too many, a string where a number
belongs — is refused with 400 and the field named; nothing changes.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from backbeat.domain.pairing import CODE_DIGITS

#: The largest request body the server reads; a bigger one gets 413.
MAX_BODY_BYTES = 4096
MAX_EXTEND_S = 300


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class PairRequest(_Body):
    code: str = Field(pattern=rf"^[0-9]{{{CODE_DIGITS}}}$")
    name: str = Field(default="phone", max_length=80)


class CommandRequest(_Body):
    command: Literal["pause", "resume", "next", "back", "extend", "stop"]
    seconds: int = Field(default=15, ge=1, le=MAX_EXTEND_S)


class StartRequest(_Body):
    program: str = Field(min_length=1, max_length=200)
    day: int = Field(ge=1, le=100)


def explain(exc: ValidationError) -> str:
    """One line naming each bad field: ``command: Input should be 'pause', …``."""
    parts = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"]) or "body"
        parts.append(f"{where}: {err['msg']}")
    return "; ".join(parts)
