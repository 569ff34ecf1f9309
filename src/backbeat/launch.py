"""Starting another Backbeat process (the demo's kiosk, the trainer's *Start
on TV*): the same program this one is, whether it runs from Python
(``python -m backbeat``) or from the frozen bundle (the bundle's own
executable, which takes the CLI's arguments directly).

The database URL goes to the child in its environment (``BACKBEAT_DB``),
never on its command line: any user of the machine can read command lines
(``ps``), and a PostgreSQL URL may carry a password.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping


def is_frozen() -> bool:
    return bool(getattr(sys, "frozen", False))


def backbeat_command(*args: str) -> list[str]:
    """``backbeat ARGS…`` as an argument list for this installation."""
    if is_frozen():
        return [sys.executable, *args]
    return [sys.executable, "-m", "backbeat", *args]


def child_environment(db_url: str, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """This process's environment with the database the child is to open."""
    env = dict(os.environ if base is None else base)
    env["BACKBEAT_DB"] = db_url
    return env
