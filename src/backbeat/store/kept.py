"""Files a station keeps on its own computer for a start without the database
(the TV's last class, the kiosk's roster): JSON in the data dir, 0600, written
to a temporary name, fsync'd and renamed, so a power cut leaves the old or the
new file, never half of one."""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path


def keep_json(path: Path, doc: object) -> bool:
    """Write ``doc`` to ``path`` (best effort: a full or read-only disk keeps the
    old file). True when written."""
    part = path.with_name(path.name + ".part")
    try:
        fd = os.open(part, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
        with open(fd, "w", encoding="utf-8") as f:
            json.dump(doc, f, ensure_ascii=False)
            f.flush()
            os.fsync(f.fileno())
        os.replace(part, path)
    except OSError:
        with contextlib.suppress(OSError):
            part.unlink(missing_ok=True)
        return False
    return True


def read_json(path: Path) -> object | None:
    """What :func:`keep_json` wrote, or None (never kept, or unreadable)."""
    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None
