"""What a gym's admin reads when something went wrong: a rotating log file in
the user log directory, faulthandler's dump of a hard crash, and an
excepthook that writes the trace to the log and shows a plain message (on
stderr, and on screen through the hook the Qt faces register).

``backbeat.log`` (1 MB, 3 old copies kept) and ``faults.log`` (Python's
faulthandler: where a segfault or abort happened) live in
:func:`backbeat.paths.log_dir`.
"""

from __future__ import annotations

import faulthandler
import logging
import logging.handlers
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from backbeat import __version__
from backbeat.paths import log_dir

LOG_NAME = "backbeat.log"
FAULTS_NAME = "faults.log"
MAX_BYTES = 1_000_000
BACKUPS = 3
log = logging.getLogger("backbeat")

_handler: logging.Handler | None = None
_faults = None
#: shows a one-line message to whoever is at the screen (the Qt faces set it)
_show: Callable[[str], None] | None = None


def log_file() -> Path:
    return log_dir() / LOG_NAME


def setup(command: str = "") -> Path | None:
    """Log to the user log dir and catch crashes; returns the log file (None if
    the log dir cannot be written: Backbeat runs on without a log file)."""
    global _handler, _faults
    try:
        path = log_file()
        if _handler is None or Path(getattr(_handler, "baseFilename", "")) != path:
            handler = logging.handlers.RotatingFileHandler(
                path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8", delay=True)
            handler.setFormatter(logging.Formatter(
                "%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s"))
            if _handler is not None:
                log.removeHandler(_handler)
                _handler.close()
            log.addHandler(handler)
            log.setLevel(logging.INFO)
            _handler = handler
            # A crash dump already going elsewhere (PYTHONFAULTHANDLER, a test
            # runner) stays there; otherwise it goes next to the log.
            if _faults is not None or not faulthandler.is_enabled():
                faults = (path.parent / FAULTS_NAME).open("a", encoding="utf-8")
                faulthandler.enable(faults, all_threads=True)
                if _faults is not None:
                    _faults.close()
                _faults = faults
    except OSError as exc:
        print(f"backbeat: no log file ({exc}); carrying on without one", file=sys.stderr)
        if not faulthandler.is_enabled():
            faulthandler.enable(all_threads=True)
        path = None
    sys.excepthook = excepthook
    threading.excepthook = _thread_excepthook
    if command:
        log.info("backbeat %s: %s (python %s)", __version__, command, sys.version.split()[0])
    return path


def on_screen(show: Callable[[str], None] | None) -> None:
    """Register how a message reaches the screen (None: stderr only)."""
    global _show
    _show = show


def about(database: str) -> list[str]:
    """What the About box says: the release, where its files are, the licence."""
    import platform

    lines = [f"Backbeat {__version__}",
             "Session timer and cueing station for tempo-driven back classes.",
             f"Database: {database}",
             f"Log file: {log_file()}",
             f"Python {platform.python_version()} on {platform.system()} {platform.release()}"]
    try:
        import PySide6

        lines.append(f"Qt for Python {PySide6.__version__}")
    except ImportError:  # pragma: no cover - the faces need it; the CLI does not
        pass
    lines.append("MIT licence. Copyright (c) 2026 The Backbeat authors.")
    return lines


def plain_message(exc: BaseException) -> str:
    where = str(log_file()) if _handler is not None else "the terminal"
    return (f"Backbeat hit an unexpected problem ({type(exc).__name__}: {exc}). "
            f"The details are in {where}; send that file with a note of what was happening.")


def report(exc: BaseException, tb: TracebackType | None = None) -> str:
    """Write the trace to the log and tell the person at the screen in one line."""
    log.critical("unexpected error", exc_info=(type(exc), exc, tb or exc.__traceback__))
    message = plain_message(exc)
    print(f"backbeat: {message}", file=sys.stderr)
    if _show is not None:
        try:
            _show(message)
        except Exception:  # the screen itself is broken: the log has it
            log.exception("could not show the message on screen")
    return message


def excepthook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, exc, tb)
        return
    report(exc, tb)


def _thread_excepthook(args: threading.ExceptHookArgs) -> None:
    if args.exc_value is None or issubclass(args.exc_type, SystemExit):
        return
    log.critical("unexpected error in thread %s", getattr(args.thread, "name", "?"),
                 exc_info=(args.exc_type, args.exc_value, args.exc_traceback))
    print(f"backbeat: {plain_message(args.exc_value)}", file=sys.stderr)
