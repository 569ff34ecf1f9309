"""What the remote page shows, as JSON: the TV's own display, in few words."""

from __future__ import annotations

from typing import Any

from backbeat.engine.display import Display

COMMANDS = ("pause", "resume", "next", "back", "extend", "stop")


def page_state(display: Display | None, *, program: str = "", day: int = 0,
               position_s: float = 0.0, choosing: bool = False) -> dict[str, Any]:
    """``GET /api/state`` and each live message. ``display`` is None when no
    class is loaded (the station idles)."""
    if display is None:
        return {"state": "idle", "program": "", "day": 0, "mode": "", "exercise": "", "set": "",
                "rep": "", "side": "", "phase": "", "seconds_left": 0, "next": "",
                "position_s": 0.0, "choosing": choosing}
    return {
        "state": display.state.value,
        "program": program,
        "day": day,
        "mode": display.mode,
        "exercise": display.exercise,
        "set": display.set_text,
        "rep": display.rep_text,
        "side": display.side_text,
        "phase": display.big_label,
        "seconds_left": display.seconds_left,
        "next": display.next_title,
        "position_s": round(position_s, 3),
        "choosing": choosing,
    }
