"""A kiosk's taps on their way to the database, never lost on the way.

:class:`TapSender` commits each tap on a background thread (the screen never
waits on the database) and reports back when the set is safely stored. When
the database cannot be reached, the tap goes to the :class:`Outbox`: one small
JSON file per tap in the data dir, written to a temporary name, fsync'd and
renamed into place (and the folder fsync'd), so a power cut keeps it too. The
sender keeps trying and delivers the outbox in tap order once the database is
back. Every tap carries its idempotency key, so a tap delivered twice (a
crash between commit and clean-up, two kiosks sharing a data dir) is still
stored once.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from backbeat.domain.errors import InvalidInput
from backbeat.domain.setlog import SetEntry
from backbeat.paths import data_dir
from backbeat.store.db import Database, StoreError
from backbeat.store.logs import log_set, undo_set, wal_checkpoint

#: How often a kiosk with queued taps tries the database again.
RETRY_S = 2.0
#: How often the write-ahead log is folded back into the SQLite file, off the tap path.
CHECKPOINT_S = 5.0


def _fsync_dir(folder: Path) -> None:
    if os.name == "nt":  # Windows cannot open a folder; its renames are journaled
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class Outbox:
    """Taps waiting on disk for the database, delivered oldest first."""

    def __init__(self, folder: Path | None = None):
        self.folder = folder or data_dir() / "outbox"
        self.folder.mkdir(parents=True, exist_ok=True)

    def put(self, op: dict) -> Path:
        name = f"{time.time_ns():020d}-{uuid.uuid4().hex[:8]}"
        tmp = self.folder / f".{name}.tmp"
        final = self.folder / f"{name}.json"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(op, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, final)
        _fsync_dir(self.folder)
        return final

    def pending(self) -> list[tuple[Path, dict]]:
        out = []
        for path in sorted(self.folder.glob("*.json")):
            try:
                out.append((path, json.loads(path.read_text("utf-8"))))
            except FileNotFoundError:
                continue  # another kiosk sharing the folder delivered it just now
            except (OSError, ValueError):
                # a damaged file is set aside, never retried forever nor deleted
                path.replace(path.with_suffix(".damaged"))
        return out

    def __len__(self) -> int:
        return sum(1 for _ in self.folder.glob("*.json"))

    def deliver(self, db: Database) -> tuple[int, list[str]]:
        """Send what waits, in tap order. Returns (how many were stored, refusals).

        Stops at the first database failure (raised) and leaves the rest queued.
        """
        sent, refused = 0, []
        for path, op in self.pending():
            try:
                apply(db, op)
                sent += 1
            except InvalidInput as exc:
                refused.append(str(exc))
                path.replace(path.with_suffix(".refused"))
                continue
            path.unlink(missing_ok=True)
        if sent or refused:
            _fsync_dir(self.folder)
        return sent, refused


class TapOp(StrEnum):
    """What a result is about (the outbox's files name ``log`` and ``undo``)."""

    LOG = "log"
    UNDO = "undo"
    DELIVER = "deliver"  # taps kept on this kiosk reached the database
    ERROR = "error"  # the sender met a failure of its own and goes on


class TapStatus(StrEnum):
    SAVED = "saved"  # stored now
    DUPLICATE = "duplicate"  # stored before: a retry
    QUEUED = "queued"  # on this kiosk's disk: the database is unreachable
    REFUSED = "refused"  # the message says why
    DELIVERED = "delivered"  # queued taps stored (``count`` of them)


def apply(db: Database, op: dict) -> bool:
    """Carry out one tap against the database. True if it changed anything."""
    if op["op"] == TapOp.LOG:
        return log_set(db, SetEntry.from_json(op["entry"]))
    if op["op"] == TapOp.UNDO:
        return undo_set(db, op["key"])
    raise InvalidInput(f"unknown kind of tap {op['op']!r}", "outbox")


def unreachable(exc: BaseException) -> bool:
    """The database could not be used (as opposed to the tap being refused)."""
    return isinstance(exc, SQLAlchemyError | StoreError | OSError)


@dataclass(frozen=True)
class TapResult:
    op: TapOp
    key: str
    status: TapStatus
    message: str = ""
    seconds: float = 0.0  # tap to durable commit (or to durably queued)
    pending: int = 0  # taps still waiting in the outbox
    count: int = 0  # for "deliver": how many queued taps were stored


class TapSender:
    """Commits taps off the caller's thread; ``on_result`` is called from the
    sender's thread with a :class:`TapResult` for every tap and delivery."""

    def __init__(self, db: Database, on_result: Callable[[TapResult], None], *,
                 outbox: Outbox | None = None, retry_s: float = RETRY_S):
        self.db = db
        self.outbox = outbox if outbox is not None else Outbox()
        self.on_result = on_result
        self.retry_s = retry_s
        self._jobs: queue.Queue = queue.Queue()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="tap-sender", daemon=True)
        self._thread.start()
        self._checkpointer = threading.Thread(target=self._checkpoints, name="wal-checkpoint",
                                              daemon=True)
        self._checkpointer.start()

    # --- called from the screen --------------------------------------------------
    def send_log(self, entry: SetEntry) -> None:
        self._jobs.put(({"op": TapOp.LOG.value, "entry": entry.to_json()}, entry.key, time.perf_counter()))

    def send_undo(self, key: str) -> None:
        self._jobs.put(({"op": TapOp.UNDO.value, "key": key}, key, time.perf_counter()))

    def retry_now(self) -> None:
        self._jobs.put(None)

    def close(self, timeout: float = 10.0) -> None:
        self._stopping.set()
        self._jobs.put(StopIteration)
        self._thread.join(timeout)
        self._checkpointer.join(timeout)

    def _checkpoints(self) -> None:
        while not self._stopping.wait(CHECKPOINT_S):
            with contextlib.suppress(Exception):  # a busy or absent database: next time
                wal_checkpoint(self.db)

    # --- the sender's thread ---------------------------------------------------
    def _run(self) -> None:
        while True:
            try:
                job = self._jobs.get(timeout=self.retry_s)
            except queue.Empty:
                job = None
            if job is StopIteration:
                return
            try:
                self._deliver_queued()
                if job is not None:
                    self._send(*job)
            except Exception as exc:  # the sender must outlive any one failure
                self.on_result(TapResult(TapOp.ERROR, "", TapStatus.QUEUED,
                                         f"{type(exc).__name__}: {exc}"))

    def _deliver_queued(self) -> bool:
        """Try the outbox first so taps reach the database in the order made.
        True when nothing waits any more."""
        if not len(self.outbox):
            return True
        try:
            sent, refused = self.outbox.deliver(self.db)
        except Exception as exc:
            if not unreachable(exc):
                raise
            self._reconnect()
            return False
        left = len(self.outbox)
        if sent or refused:
            self.on_result(TapResult(TapOp.DELIVER, "", TapStatus.DELIVERED, "; ".join(refused),
                                     pending=left, count=sent))
        return left == 0

    def _send(self, op: dict, key: str, tapped: float) -> None:
        if len(self.outbox):  # older taps wait: this one queues behind them
            self._queue(op, key, tapped, "earlier taps are still waiting for the database")
            return
        try:
            stored = apply(self.db, op)
        except InvalidInput as exc:
            self.on_result(TapResult(TapOp(op["op"]), key, TapStatus.REFUSED, exc.reason,
                                     time.perf_counter() - tapped))
            return
        except Exception as exc:
            if not unreachable(exc):
                raise
            self._reconnect()
            self._queue(op, key, tapped, _why(exc))
            return
        status = TapStatus.SAVED if stored or op["op"] == TapOp.UNDO else TapStatus.DUPLICATE
        self.on_result(TapResult(TapOp(op["op"]), key, status, "", time.perf_counter() - tapped))

    def _queue(self, op: dict, key: str, tapped: float, why: str) -> None:
        self.outbox.put(op)
        self.on_result(TapResult(TapOp(op["op"]), key, TapStatus.QUEUED, why,
                                 time.perf_counter() - tapped,
                                 pending=len(self.outbox)))

    def _reconnect(self) -> None:
        # pooled connections to a vanished server or file are dropped so that
        # the next try opens afresh
        with contextlib.suppress(Exception):
            self.db.engine.dispose()


def _why(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    return f"the database cannot be reached ({str(orig).strip().splitlines()[0][:120]})"
