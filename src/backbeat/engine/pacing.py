"""Frame pacing for the TV (no Qt): which instant a frame shows, and when to wake
so that a phase change is on screen with its sound.

A frame is not on screen the moment its state is read: laying it out and
painting it take time, and under load the thread doing it may wait for a
core. So a frame shows the class as it will be when it is on screen — the
class's clock (the sound's) plus the *measured* time frames have lately taken
from being read to being painted — capped, so that no frame ever shows a
phase more than part of a frame before its sound.

A phase change is prepared ahead (laid out and its still layer drawn, off the
critical moment) and woken for at an absolute deadline on the class's clock:
the boundary less the measured time from waking to the frame being on screen.
"""

from __future__ import annotations

import math
from collections import deque

NS_PER_MS = 1_000_000
#: One 60 Hz frame.
FRAME_NS = 1_000_000_000 // 60
#: A frame shows at most this far ahead of the clock: the new phase never appears
#: more than half a frame before its sound, whatever was measured.
MAX_AHEAD_NS = FRAME_NS // 2
#: The frame of a phase change wakes at most this long before the boundary (made
#: ahead, it is on screen within this of waking: never earlier before its sound).
MAX_LEAD_NS = FRAME_NS // 2
#: The next phase's frame is prepared (laid out, its still layer drawn) this long
#: before the boundary: several repaint periods, so even a core shared with other
#: programs has time to do it before the boundary comes.
PREPARE_NS = 100 * NS_PER_MS
#: How many recent measurements the estimates are taken over.
WINDOW = 16
#: The phase change's frame aims at the 3rd quartile of the lately measured time from
#: waking to the screen: on a computer where the GUI thread often waits for a core,
#: late by more than a frame is likelier than early (the wait only ever delays), and
#: MAX_LEAD_NS bounds how early it can be.
EDGE_QUANTILE = 0.75


class Latency:
    """How long, lately, from a frame's instant being chosen to its being on screen:
    a quantile (the median unless told) of the last WINDOW measurements, kept within
    [0, cap]. Nothing measured yet is 0 (the clock itself)."""

    def __init__(self, cap_ns: int = MAX_AHEAD_NS, window: int = WINDOW, quantile: float = 0.5):
        self.cap_ns = cap_ns
        self.quantile = quantile
        self._recent: deque[int] = deque(maxlen=window)

    def add(self, ns: int) -> None:
        self._recent.append(max(0, int(ns)))

    def ns(self) -> int:
        if not self._recent:
            return 0
        ordered = sorted(self._recent)
        value = ordered[min(len(ordered) - 1, int(self.quantile * (len(ordered) - 1) + 0.5))]
        return min(value, self.cap_ns)

    def __len__(self) -> int:
        return len(self._recent)


def wake_in_ms(now_ns: int, edge_ns: int, lead_ns: int) -> int:
    """Whole ms to set a timer for (one that never fires early) so that, waking then
    and on screen ``lead_ns`` later, the frame is there at ``edge_ns``: the deadline
    is absolute (``edge_ns`` on the clock), the wait worked out from the clock now,
    never from a count of ticks."""
    return max(0, math.ceil((edge_ns - lead_ns - now_ns) / NS_PER_MS))


def shown_at(now_ns: int, edge_ns: int | None, ahead_ns: int) -> int:
    """The clock instant a frame painted now should show: the clock plus the measured
    latency, and for the frame of a phase change never before the boundary it was
    woken for (it is on screen from then)."""
    at = now_ns + max(0, ahead_ns)
    return at if edge_ns is None else max(at, edge_ns)
