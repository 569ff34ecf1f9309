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

No tap is dropped or left unanswered: every send gets a :class:`TapResult`
with its key (saved, duplicate, queued, refused with the reason). Entries carry
a format version (``"v"``); one from a newer Backbeat, or one that cannot be
read, is moved aside (``.newer`` / ``.unreadable``, kept and reported) and
does not hold up the taps behind it. When the outbox's disk is full a tap is
written to a spare folder (``/dev/shm`` when there is one), and when that
fails too it is held in memory until one of them, or the database, takes it.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import shutil
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from backbeat.domain.errors import InvalidInput
from backbeat.domain.setlog import SetEntry
from backbeat.paths import data_dir
from backbeat.store.athletes import record_pin_try
from backbeat.store.auth import record_trainer_pin_try
from backbeat.store.checkins import check_in
from backbeat.store.db import Database, StoreError
from backbeat.store.logs import log_set, prepare_taps, undo_set, wal_checkpoint

#: How often a kiosk with queued taps tries the database again.
RETRY_S = 2.0
#: How often the write-ahead log is folded back into the SQLite file, off the tap path.
CHECKPOINT_S = 5.0
#: The outbox entry format this Backbeat writes (entries without "v" are the
#: format before versions, read the same).
FORMAT = 1
#: Below this much free space the kiosk warns, and folds the WAL back whatever its size.
LOW_DISK_BYTES = 200 * 1024 * 1024
#: Suffixes of entries moved aside (kept for the trainer, never retried or deleted).
ASIDE = (".unreadable", ".newer", ".refused")


class UnreadableEntry(ValueError):
    """An outbox entry this Backbeat cannot read (damaged, or from a newer one)."""

    def __init__(self, message: str, suffix: str = ".unreadable"):
        super().__init__(message)
        self.suffix = suffix


def read_entry(data: object) -> dict:
    """A queued tap as this Backbeat understands it, or :class:`UnreadableEntry`."""
    if not isinstance(data, dict):
        raise UnreadableEntry("not a JSON object")
    version = data.get("v", 0)
    if not isinstance(version, int) or isinstance(version, bool) or version < 0:
        raise UnreadableEntry(f"format version {version!r} is not a version")
    if version > FORMAT:
        raise UnreadableEntry(f"written by a newer Backbeat (format {version}, this one reads "
                              f"up to {FORMAT})", ".newer")
    op = data.get("op")
    if op == "log":
        try:
            SetEntry.from_json(data["entry"])
        except (KeyError, TypeError, AttributeError) as exc:
            raise UnreadableEntry(f"a logged set without its fields ({exc})") from None
    elif op == "undo":
        if not isinstance(data.get("key"), str):
            raise UnreadableEntry("an undo without the key of its tap")
    elif op in ("check_in", "pin"):
        if not (isinstance(data.get("athlete_id"), int) and isinstance(data.get("at"), str)
                and (isinstance(data.get("day"), str) if op == "check_in"
                     else isinstance(data.get("ok"), bool))):
            raise UnreadableEntry(f"a {'check-in' if op == 'check_in' else 'PIN try'} without "
                                  "its athlete, time or result")
    elif op == "trainer_pin":
        if not (isinstance(data.get("at"), str) and isinstance(data.get("ok"), bool)):
            raise UnreadableEntry("a trainer PIN try without its time or result")
    elif not isinstance(op, str):
        raise UnreadableEntry("no kind of tap ('op')")
    return data


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
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        with contextlib.suppress(OSError):
            self.folder.chmod(0o700)

    def put(self, op: dict) -> Path:
        """Write one entry durably (0600). On any failure (a full disk) nothing
        is left behind and OSError is raised."""
        name = f"{time.time_ns():020d}-{uuid.uuid4().hex[:8]}"
        tmp = self.folder / f".{name}.tmp"
        final = self.folder / f"{name}.json"
        try:
            fd = os.open(tmp, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600)
            with open(fd, "w", encoding="utf-8") as f:
                json.dump({"v": FORMAT, **op}, f)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, final)
            _fsync_dir(self.folder)
        except BaseException:
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)  # never a 0-byte .tmp left on a full disk
            raise
        return final

    def pending(self) -> list[tuple[Path, dict]]:
        """The entries this Backbeat can send, in tap order; the others are moved
        aside (see :meth:`set_aside`)."""
        out = []
        for path in sorted(self.folder.glob("*.json")):
            try:
                out.append((path, read_entry(json.loads(path.read_text("utf-8")))))
            except FileNotFoundError:
                continue  # another kiosk sharing the folder delivered it just now
            except UnreadableEntry as exc:
                self._aside(path, exc.suffix, str(exc))
            except (OSError, ValueError) as exc:
                self._aside(path, ".unreadable", f"damaged ({exc})")
        return out

    #: (file name, why) of every entry moved aside since this Outbox was opened
    aside_log: list[tuple[str, str]]

    def _aside(self, path: Path, suffix: str, why: str) -> None:
        if not hasattr(self, "aside_log"):
            self.aside_log = []
        with contextlib.suppress(OSError):
            path.replace(path.with_suffix(suffix))
        self.aside_log.append((path.with_suffix(suffix).name, why))

    def set_aside(self) -> list[Path]:
        """Entries kept aside for the trainer (unreadable, newer, refused)."""
        return sorted(p for suffix in ASIDE for p in self.folder.glob(f"*{suffix}"))

    def __len__(self) -> int:
        return sum(1 for _ in self.folder.glob("*.json"))

    def deliver(self, db: Database) -> tuple[int, list[str]]:
        """Send what waits, in tap order. Returns (how many were stored, what
        was refused or moved aside, in words).

        Stops at the first database failure (raised) and leaves the rest queued;
        an entry that fails in any other way is moved aside, kept, and the ones
        behind it go on."""
        sent, refused = 0, []
        before = len(getattr(self, "aside_log", []))
        for path, op in self.pending():
            try:
                apply(db, op)
                sent += 1
            except InvalidInput as exc:
                refused.append(str(exc))
                self._aside(path, ".refused", str(exc))
                continue
            except Exception as exc:
                if unreachable(exc):
                    raise
                self._aside(path, ".unreadable", f"{type(exc).__name__}: {exc}")
                continue
            path.unlink(missing_ok=True)
        moved = getattr(self, "aside_log", [])[before:]
        refused += [f"{name} kept aside: {why}" for name, why in moved if not name.endswith(".refused")]
        if sent or refused:
            _fsync_dir(self.folder)
        return sent, refused


class TapOp(StrEnum):
    """What a result is about (the outbox's files name ``log``, ``undo``, ``check_in``,
    ``pin`` and ``trainer_pin``)."""

    LOG = "log"
    UNDO = "undo"
    CHECK_IN = "check_in"  # an athlete checked in at this kiosk
    PIN = "pin"  # an athlete's PIN try, right or wrong (the back-off is stored)
    TRAINER_PIN = "trainer_pin"  # a trainer PIN try at the kiosk's TRAINER corner, likewise
    DELIVER = "deliver"  # taps kept on this kiosk reached the database
    ERROR = "error"  # the sender met a failure of its own and goes on


class TapStatus(StrEnum):
    SAVED = "saved"  # stored now
    DUPLICATE = "duplicate"  # stored before: a retry
    QUEUED = "queued"  # on this kiosk's disk: the database is unreachable
    REFUSED = "refused"  # the message says why
    DELIVERED = "delivered"  # queued taps stored (``count`` of them)


def spare_folder() -> Path:
    """Where taps go when the outbox's disk is full: memory-backed /dev/shm when
    there is one (it outlives the kiosk's process, not a power cut), else the
    system's temporary folder."""
    base = Path("/dev/shm") if Path("/dev/shm").is_dir() else Path(tempfile.gettempdir())
    return base / f"backbeat-outbox-{os.getuid() if hasattr(os, 'getuid') else 'user'}"


def low_disk(paths: list[Path], limit: int = 0) -> str:
    """A warning when a folder the kiosk writes to is nearly full ('' if none)."""
    limit = limit or LOW_DISK_BYTES
    for path in paths:
        try:
            free = shutil.disk_usage(path).free
        except OSError:
            continue
        if free < limit:
            return (f"⚠ The disk is nearly full ({free // (1024 * 1024)} MB left): taps are kept, "
                    "but tell the trainer.")
    return ""


def apply(db: Database, op: dict) -> bool:
    """Carry out one tap against the database. True if it changed anything.
    (Outbox entries carry ``"v"``, the format version; :func:`read_entry` checked it.)"""
    if op["op"] == TapOp.LOG:
        return log_set(db, SetEntry.from_json(op["entry"]))
    if op["op"] == TapOp.UNDO:
        return undo_set(db, op["key"])
    if op["op"] == TapOp.CHECK_IN:
        return check_in(db, op["athlete_id"], day=date.fromisoformat(op["day"]),
                        station=op.get("station", ""), session_id=op.get("session_id"),
                        at=datetime.fromisoformat(op["at"]))
    if op["op"] == TapOp.PIN:
        return record_pin_try(db, op["athlete_id"], op["ok"], datetime.fromisoformat(op["at"]))
    if op["op"] == TapOp.TRAINER_PIN:
        return record_trainer_pin_try(db, op["ok"], datetime.fromisoformat(op["at"]))
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
                 outbox: Outbox | None = None, retry_s: float = RETRY_S,
                 spare: Path | None = None):
        self.db = db
        self.outbox = outbox if outbox is not None else Outbox()
        self.on_result = on_result
        self.retry_s = retry_s
        self._spare_folder = spare or spare_folder()
        self._spare: Outbox | None = None
        #: taps no disk would take (a full disk): sent or written out first
        self.held: list[dict] = []
        #: '' or the free-space warning, refreshed with every WAL check
        self.disk_note = ""
        self._jobs: queue.Queue = queue.Queue()
        self._stopping = threading.Event()
        #: set once the sender has connected and prepared the taps' statements
        #: (or found the database away): the first tap then costs what the rest do
        self.ready = threading.Event()
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

    def send_check_in(self, athlete_id: int, *, day: date, station: str,
                      session_id: int | None) -> str:
        """A check-in goes the taps' way (queued while the database is away). Its key."""
        key = uuid.uuid4().hex
        op = {"op": TapOp.CHECK_IN.value, "athlete_id": athlete_id, "day": day.isoformat(),
              "station": station, "session_id": session_id, "at": _now_iso()}
        self._jobs.put((op, key, time.perf_counter()))
        return key

    def send_pin_try(self, athlete_id: int, ok: bool) -> str:
        """An athlete's PIN try, right or wrong: the back-off is stored (and survives a
        restart), queued like a tap while the database is away. Its key."""
        key = uuid.uuid4().hex
        op = {"op": TapOp.PIN.value, "athlete_id": athlete_id, "ok": ok, "at": _now_iso()}
        self._jobs.put((op, key, time.perf_counter()))
        return key

    def send_trainer_pin_try(self, ok: bool) -> str:
        """A trainer PIN try at the kiosk, right or wrong: counted in the database
        like the trainer desktop's, queued like a tap while it is away. Its key."""
        key = uuid.uuid4().hex
        op = {"op": TapOp.TRAINER_PIN.value, "ok": ok, "at": _now_iso()}
        self._jobs.put((op, key, time.perf_counter()))
        return key

    def retry_now(self) -> None:
        self._jobs.put(None)

    def close(self, timeout: float = 10.0) -> None:
        self._stopping.set()
        self._jobs.put(StopIteration)
        self._thread.join(timeout)
        self._checkpointer.join(timeout)

    def _checkpoints(self) -> None:
        while not self._stopping.wait(CHECKPOINT_S):
            self.check_disk()

    def check_disk(self) -> str:
        """Warn when the disk is nearly full, and then fold the WAL back whatever its size."""
        folders = [self.outbox.folder]
        path = getattr(self.db, "url", "").split("///", 1)[-1]
        if path and not path.startswith(("postgres", ":memory:")):
            folders.append(Path(path.removeprefix("file:").split("?", 1)[0]).parent)
        self.disk_note = low_disk(folders)
        with contextlib.suppress(Exception):  # a busy or absent database: next time
            wal_checkpoint(self.db, truncate=bool(self.disk_note))
        return self.disk_note

    def waiting(self) -> int:
        """Taps not yet in the database: on disk, on the spare folder, in memory."""
        spare = len(self._spare) if self._spare is not None else 0
        return len(self.outbox) + spare + len(self.held)

    # --- the sender's thread ---------------------------------------------------
    def _prepare(self) -> None:
        """Connect and compile what a tap runs before the first tap, on this thread."""
        try:
            if not getattr(self.db, "offline", False):  # a server away at start: the first tap connects
                prepare_taps(self.db)
        except Exception:  # the database away or busy: the first tap tries again
            pass
        finally:
            self.ready.set()

    def _run(self) -> None:
        self._prepare()
        while True:
            try:
                job = self._jobs.get(timeout=self.retry_s)
            except queue.Empty:
                job = None
            if job is StopIteration:
                return
            clear = False  # nothing waits on this kiosk (so a tap need not look again)
            try:
                clear = self._deliver_queued()
            except Exception as exc:  # the sender must outlive any one failure
                self.on_result(TapResult(TapOp.DELIVER, "", TapStatus.DELIVERED, f"{type(exc).__name__}: {exc}",
                                         pending=self.waiting()))
            if job is not None:
                op, key, tapped = job
                try:
                    self._send(op, key, tapped, clear=clear)
                except Exception as exc:  # still answered, and still kept
                    self._queue(op, key, tapped, f"not saved yet ({type(exc).__name__}: {exc})")

    def _deliver_queued(self) -> bool:
        """Try what waits first so taps reach the database in the order made:
        the outbox, the spare folder, then taps held in memory. True when
        nothing waits any more."""
        if not self.waiting():
            return True
        sent, refused = 0, []
        try:
            for box in (self.outbox, self._spare):
                if box is not None and len(box):
                    n, r = box.deliver(self.db)
                    sent, refused = sent + n, refused + r
            while self.held:
                try:
                    apply(self.db, self.held[0])
                    sent += 1
                except InvalidInput as exc:
                    refused.append(str(exc))
                self.held.pop(0)
        except Exception as exc:
            if not unreachable(exc):
                raise
            self._reconnect()
            self._write_out_held()
            return False
        finally:
            if sent or refused:
                self.on_result(TapResult(TapOp.DELIVER, "", TapStatus.DELIVERED, "; ".join(refused),
                                         pending=self.waiting(), count=sent))
        return self.waiting() == 0

    def _send(self, op: dict, key: str, tapped: float, *, clear: bool = False) -> None:
        if not clear and self.waiting():  # older taps wait: this one queues behind them
            self._queue(op, key, tapped, "earlier taps are still waiting for the database")
            return
        try:
            stored = apply(self.db, op)
        except InvalidInput as exc:
            self.on_result(TapResult(TapOp(op["op"]), key, TapStatus.REFUSED, exc.reason,
                                     time.perf_counter() - tapped))
            return
        except Exception as exc:
            if unreachable(exc):
                self._reconnect()
            self._queue(op, key, tapped, _why(exc) if unreachable(exc)
                        else f"not saved yet ({type(exc).__name__}: {exc})")
            return
        status = TapStatus.SAVED if stored or op["op"] != TapOp.LOG else TapStatus.DUPLICATE
        self.on_result(TapResult(TapOp(op["op"]), key, status, "", time.perf_counter() - tapped))

    def _queue(self, op: dict, key: str, tapped: float, why: str) -> None:
        """Keep a tap until the database takes it: on disk, else on the spare
        folder, else in memory. Always answered."""
        where = self._keep(op)
        if where != "disk":
            why += ("; the disk is full: kept on a spare folder" if where == "spare"
                    else "; no disk takes it: held in memory until one does")
        self.on_result(TapResult(TapOp(op["op"]), key, TapStatus.QUEUED, why, time.perf_counter() - tapped,
                                 pending=self.waiting()))

    def _keep(self, op: dict) -> str:
        """Where a tap waits, in the order taps were made: behind taps held in
        memory it is held too, behind taps on the spare folder it goes there."""
        if not self.held:
            if self._spare is None or not len(self._spare):
                try:
                    self.outbox.put(op)
                    return "disk"
                except OSError:
                    pass
            try:
                if self._spare is None:
                    self._spare = Outbox(self._spare_folder)
                self._spare.put(op)
                return "spare"
            except OSError:
                pass
        self.held.append(op)
        return "memory"

    def _write_out_held(self) -> None:
        """Taps held in memory go to disk as soon as a disk takes them."""
        while self.held:
            try:
                self.outbox.put(self.held[0])
            except OSError:
                return
            self.held.pop(0)

    def _reconnect(self) -> None:
        # pooled connections to a vanished server or file are dropped so that
        # the next try opens afresh
        with contextlib.suppress(Exception):
            self.db.engine.dispose()


def _now_iso() -> str:
    return datetime.now(UTC).isoformat()


def _why(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    return f"the database cannot be reached ({str(orig).strip().splitlines()[0][:120]})"
