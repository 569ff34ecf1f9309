"""Where the remote listens and how a phone reaches it (standard library only:
the trainer and the command line read these without starting a server)."""

from __future__ import annotations

import contextlib
import socket


def lan_address() -> str:
    """This machine's address on the gym's network, as a phone would reach it."""
    with contextlib.suppress(OSError):
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            ip = info[4][0]
            if not ip.startswith("127."):
                return ip
    return "127.0.0.1"


def parse_bind(text: str) -> tuple[str, int]:
    """``8088``, ``:8088``, ``0.0.0.0:8088`` or ``127.0.0.1:8088`` → (host, port)."""
    host, _, port_text = text.rpartition(":") if ":" in text else ("", "", text)
    try:
        port = int(port_text)
    except ValueError:
        raise ValueError(f"--remote {text!r}: the port must be a number, e.g. 8088 or 0.0.0.0:8088") from None
    if not 0 <= port <= 65535:
        raise ValueError(f"--remote {text!r}: the port must be 0–65535")
    return host or "0.0.0.0", port
