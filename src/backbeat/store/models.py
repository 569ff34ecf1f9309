"""SQLAlchemy 2 models. Changing them needs an Alembic migration
(tests/test_store.py fails when models and migrations disagree)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship, validates

from backbeat.domain.names import MAX_KEY_LENGTH, clean_name, name_key

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class Named:
    """A row found by its name: ``name_key`` (domain.names) is kept beside the
    name, unique, and every lookup by name compares keys."""

    name_key: Mapped[str] = mapped_column(String(MAX_KEY_LENGTH), unique=True, index=True,
                                          server_default="")

    @validates("name")
    def _keep_key(self, _field: str, value: str) -> str:
        value = clean_name(value, "name")
        self.name_key = name_key(value)
        return value


class ExerciseRow(Named, Base):
    __tablename__ = "exercise"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    # The whole validated library entry (domain.exercise.Exercise) as JSON.
    data: Mapped[dict[str, Any]]
    builtin: Mapped[bool] = mapped_column(Boolean, default=False)


class ProgramRow(Named, Base):
    __tablename__ = "program"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    days: Mapped[list[DayRow]] = relationship(
        back_populates="program", order_by="DayRow.position", cascade="all, delete-orphan"
    )


class DayRow(Base):
    __tablename__ = "program_day"
    __table_args__ = (UniqueConstraint("program_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("program.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(80))
    # get_ready_s, switch_sides_s, transition_s as written in the file
    settings: Mapped[dict[str, Any]]
    program: Mapped[ProgramRow] = relationship(back_populates="days")
    blocks: Mapped[list[BlockRow]] = relationship(
        back_populates="day", order_by="BlockRow.position", cascade="all, delete-orphan"
    )


class BlockRow(Base):
    __tablename__ = "program_block"
    __table_args__ = (UniqueConstraint("day_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day_id: Mapped[int] = mapped_column(ForeignKey("program_day.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(20))
    # rounds, rest_s, get_ready_s as written
    settings: Mapped[dict[str, Any]]
    day: Mapped[DayRow] = relationship(back_populates="blocks")
    items: Mapped[list[PrescriptionRow]] = relationship(
        back_populates="block", order_by="PrescriptionRow.position", cascade="all, delete-orphan"
    )


class PrescriptionRow(Base):
    __tablename__ = "prescription"
    __table_args__ = (UniqueConstraint("block_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    block_id: Mapped[int] = mapped_column(ForeignKey("program_block.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    exercise_id: Mapped[int] = mapped_column(ForeignKey("exercise.id"), index=True)
    sets: Mapped[int | None] = mapped_column(Integer)
    reps: Mapped[int | None] = mapped_column(Integer)
    duration_s: Mapped[float | None] = mapped_column(Float)
    tempo: Mapped[str | None] = mapped_column(String(20))
    rest_s: Mapped[float | None] = mapped_column(Float)
    # per_side, load, breath, breath_pattern, cycles, cues, notes as written
    extra: Mapped[dict[str, Any]]
    block: Mapped[BlockRow] = relationship(back_populates="items")
    exercise: Mapped[ExerciseRow] = relationship()


class AthleteRow(Named, Base):
    __tablename__ = "athlete"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    pin_hash: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime)
    # wrong kiosk PINs in a row and the last one's time: the back-off survives a restart
    pin_failures: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    pin_failed_at: Mapped[datetime | None] = mapped_column(DateTime)


class ScreeningRow(Base):
    __tablename__ = "screening"

    id: Mapped[int] = mapped_column(primary_key=True)
    athlete_id: Mapped[int] = mapped_column(ForeignKey("athlete.id", ondelete="CASCADE"), index=True)
    screened_on: Mapped[datetime] = mapped_column(DateTime)
    disc_history: Mapped[bool] = mapped_column(Boolean, default=False)
    # spinal mobility results, posture notes, left/right strength figures
    findings: Mapped[dict[str, Any]]
    notes: Mapped[str] = mapped_column(Text, default="")


class SubstitutionRow(Base):
    """The trainer's choice of what a flagged athlete does instead of an exercise."""

    __tablename__ = "athlete_substitution"
    __table_args__ = (UniqueConstraint("athlete_id", "exercise_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    athlete_id: Mapped[int] = mapped_column(ForeignKey("athlete.id", ondelete="CASCADE"), index=True)
    exercise_id: Mapped[int] = mapped_column(ForeignKey("exercise.id"))
    substitute_id: Mapped[int] = mapped_column(ForeignKey("exercise.id"))
    reason: Mapped[str] = mapped_column(Text, default="")
    # the substitute's own prescription, where the trainer gave one (else the library's)
    reps: Mapped[int | None] = mapped_column(Integer)
    tempo: Mapped[str | None] = mapped_column(String(20))
    load_kg: Mapped[float | None] = mapped_column(Float)


class ClassSessionRow(Base):
    """A class: attendance and logs point at it; while it runs, every screen
    follows its timing (``start_ns`` on the gym's clock plus its events)."""

    __tablename__ = "class_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("program.id"), index=True)
    day: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(DateTime)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime)
    state: Mapped[str] = mapped_column(String(10), default="ended", index=True)
    leader: Mapped[str | None] = mapped_column(String(60))
    #: the gym-clock instant (Unix epoch ns of the database server) of position 0
    start_ns: Mapped[int | None] = mapped_column(BigInteger)
    #: bumped by every event: readers reload the events only when it moved
    revision: Mapped[int] = mapped_column(Integer, default=0)


class ClassEventRow(Base):
    """A control of a running class (pause, resume, seek, extend, stop), in order."""

    __tablename__ = "class_event"
    __table_args__ = (UniqueConstraint("class_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("class_session.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(10))
    at_ns: Mapped[int] = mapped_column(BigInteger)
    data: Mapped[dict[str, Any]]
    station: Mapped[str] = mapped_column(String(60), default="")


class StationRow(Base):
    """A TV or kiosk of the gym: its own settings, and its heartbeat."""

    __tablename__ = "station"

    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))  # "tv" | "kiosk"
    host: Mapped[str] = mapped_column(String(120), default="")
    pid: Mapped[int | None] = mapped_column(Integer)
    #: screen, volume, muted (store.settings.STATION_DEFAULTS)
    settings: Mapped[dict[str, Any]]
    role: Mapped[str | None] = mapped_column(String(10))  # "leader" | "follower" | None
    class_id: Mapped[int | None] = mapped_column(ForeignKey("class_session.id", ondelete="SET NULL"))
    state: Mapped[str | None] = mapped_column(String(10))
    position_s: Mapped[float | None] = mapped_column(Float)
    clock_offset_ms: Mapped[float | None] = mapped_column(Float)
    #: the gym-clock instant of the latest heartbeat; None once it left cleanly
    last_seen_ns: Mapped[int | None] = mapped_column(BigInteger)


class SetLogRow(Base):
    __tablename__ = "set_log"
    __table_args__ = (
        Index("ix_set_log_athlete_time", "athlete_id", "logged_at"),
        Index("ix_set_log_athlete_exercise_time", "athlete_id", "exercise_id", "logged_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Sent with every tap: a retried tap is recognised, never stored twice.
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    # athlete and time are served by the composite indexes above; single-column
    # indexes on them only made a million-log file bigger (docs/architecture.md)
    athlete_id: Mapped[int] = mapped_column(ForeignKey("athlete.id"))
    exercise_id: Mapped[int] = mapped_column(ForeignKey("exercise.id"))
    session_id: Mapped[int | None] = mapped_column(ForeignKey("class_session.id"), index=True)
    # the athlete's own count in the class (open gym: in the day), 1..k: store.logs numbers it
    set_number: Mapped[int | None] = mapped_column(Integer)
    side: Mapped[str | None] = mapped_column(String(5))
    # a substitute's set names the exercise it was done instead of
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("exercise.id"))
    reps: Mapped[int] = mapped_column(Integer)
    # a timed hold (an athlete's substitute): the seconds held; reps is 1
    hold_s: Mapped[int | None] = mapped_column(Integer)
    load_kg: Mapped[float | None] = mapped_column(Float)
    effort: Mapped[float | None] = mapped_column(Float)
    form: Mapped[int | None] = mapped_column(Integer)
    tempo: Mapped[str | None] = mapped_column(String(20))
    logged_at: Mapped[datetime] = mapped_column(DateTime)
    station: Mapped[str] = mapped_column(String(60), default="")
    undone: Mapped[bool] = mapped_column(Boolean, default=False)
    # None: a working set; "warmup", "drop" or "failure" (domain.history_import.SetType)
    set_type: Mapped[str | None] = mapped_column(String(10))
    # the app an imported set came from ("strong", "hevy"); None: logged here
    imported_from: Mapped[str | None] = mapped_column(String(20))


class CheckInRow(Base):
    """An athlete checked in for a class on a day (the kiosk's roster)."""

    __tablename__ = "check_in"
    __table_args__ = (UniqueConstraint("athlete_id", "class_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    athlete_id: Mapped[int] = mapped_column(ForeignKey("athlete.id", ondelete="CASCADE"), index=True)
    session_id: Mapped[int | None] = mapped_column(ForeignKey("class_session.id"))
    class_date: Mapped[date] = mapped_column(Date, index=True)
    checked_in_at: Mapped[datetime] = mapped_column(DateTime)
    station: Mapped[str] = mapped_column(String(60), default="")


class AthletePrescriptionRow(Base):
    """The trainer's decision on an athlete's next prescription for an exercise:
    an accepted progression suggestion or an override."""

    __tablename__ = "athlete_prescription"

    id: Mapped[int] = mapped_column(primary_key=True)
    athlete_id: Mapped[int] = mapped_column(ForeignKey("athlete.id", ondelete="CASCADE"), index=True)
    exercise_id: Mapped[int] = mapped_column(ForeignKey("exercise.id"), index=True)
    tempo: Mapped[str | None] = mapped_column(String(20))
    reps: Mapped[int | None] = mapped_column(Integer)
    load_kg: Mapped[float | None] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(20))  # "accepted" | "override"
    note: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime] = mapped_column(DateTime, index=True)


class SettingRow(Base):
    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[dict[str, Any]]


class RemoteDeviceRow(Base):
    """A coach's phone paired with a station: only the token's SHA-256 is kept."""

    __tablename__ = "remote_device"

    id: Mapped[int] = mapped_column(primary_key=True)
    station: Mapped[str] = mapped_column(String(60), index=True)
    name: Mapped[str] = mapped_column(String(80))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    paired_at: Mapped[datetime] = mapped_column(DateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)


class RemotePairingRow(Base):
    """The pairing code a serving station shows now, and where its page is,
    so that ``backbeat remote code`` and the trainer can show them too."""

    __tablename__ = "remote_pairing"

    station: Mapped[str] = mapped_column(String(60), primary_key=True)
    code: Mapped[str] = mapped_column(String(12))
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    address: Mapped[str] = mapped_column(String(200), default="")
