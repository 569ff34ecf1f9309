"""How Backbeat's threads ask the system to schedule them — only what a normal
user may ask for (no privileges, no nice below 0).

- The TV's GUI thread paints each phase change on its deadline. On a busy
  computer (other programs using every core) a thread that wakes must wait for
  one; Linux's scheduler (EEVDF, 6.6 and later) lets a thread ask for a
  shorter *time slice* (``sched_setattr``'s ``sched_runtime`` for the normal
  policy: allowed to any user, it changes no thread's share of the CPU). A
  thread with a shorter slice than the one running is let on to a core when
  it wakes instead of waiting out the other's slice (6.12 and later), which is
  what a frame due now needs. :func:`latency_sensitive`.
- Work that nobody waits for this frame (the rest board's and the timetable's
  reads) runs on threads that do not push the GUI thread off a core when they
  wake: ``SCHED_BATCH``, the same share of the CPU, no wake-up preemption.
  :func:`background`.

Elsewhere (another system, an older kernel) both leave the thread as it was.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import platform
import sys

log = logging.getLogger(__name__)

#: The slice the GUI thread asks for: well under a frame, and under the default
#: (0.75 ms × (1 + log₂ cores), 1.4 ms on two cores, 3 ms on eight).
GUI_SLICE_NS = 300_000
#: sched_setattr / sched_getattr by machine (Linux).
_SYSCALLS = {"x86_64": (314, 315), "aarch64": (274, 275), "arm64": (274, 275)}
SCHED_OTHER = 0


class _SchedAttr(ctypes.Structure):
    _fields_ = [("size", ctypes.c_uint32), ("sched_policy", ctypes.c_uint32),
                ("sched_flags", ctypes.c_uint64), ("sched_nice", ctypes.c_int32),
                ("sched_priority", ctypes.c_uint32), ("sched_runtime", ctypes.c_uint64),
                ("sched_deadline", ctypes.c_uint64), ("sched_period", ctypes.c_uint64),
                ("sched_util_min", ctypes.c_uint32), ("sched_util_max", ctypes.c_uint32)]


def latency_sensitive(slice_ns: int = GUI_SLICE_NS) -> bool:
    """Ask for a short time slice for the calling thread, keeping its policy's share
    and its nice value; True when the system took it."""
    numbers = _SYSCALLS.get(platform.machine())
    if not sys.platform.startswith("linux") or numbers is None:
        return False
    set_nr, get_nr = numbers
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        attr = _SchedAttr()
        attr.size = ctypes.sizeof(_SchedAttr)
        if libc.syscall(get_nr, 0, ctypes.byref(attr), ctypes.sizeof(_SchedAttr), 0) != 0:
            return False
        if attr.sched_policy != SCHED_OTHER:
            return False  # a real-time or batch thread is left as it is
        attr.size = ctypes.sizeof(_SchedAttr)
        attr.sched_flags = 0
        attr.sched_runtime = slice_ns
        if libc.syscall(set_nr, 0, ctypes.byref(attr), 0) != 0:
            log.debug("short time slice refused: %s", os.strerror(ctypes.get_errno()))
            return False
        check = _SchedAttr()  # a kernel without custom slices takes the call and ignores it
        if libc.syscall(get_nr, 0, ctypes.byref(check), ctypes.sizeof(_SchedAttr), 0) != 0:
            return False
    except (OSError, AttributeError):
        return False
    return check.sched_runtime == slice_ns


def background() -> None:
    """The calling thread does not take a core from the GUI thread when it wakes
    (``SCHED_BATCH``; its share of the CPU is unchanged). For pool initializers."""
    with contextlib.suppress(AttributeError, OSError):
        os.sched_setscheduler(0, os.SCHED_BATCH, os.sched_param(0))
