"""stations and shared classes: the TV's live state and per-station settings move over

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 01:00:00

The single ``live_state`` row named ``tv`` becomes the class's own timing
(``class_session.start_ns`` plus events), paused where it was saved, led by
this machine's TV station (``tv@<host>``), which has no heartbeat yet: the
next TV started offers to resume it, as before.
"""

import json
import socket
import time
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from backbeat.domain.names import name_key

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def _json(value):
    return json.loads(value) if isinstance(value, str) else value


def upgrade() -> None:
    with op.batch_alter_table("class_session", schema=None) as batch_op:
        batch_op.add_column(sa.Column("state", sa.String(length=10), nullable=False, server_default="ended"))
        batch_op.add_column(sa.Column("leader", sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column("start_ns", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("revision", sa.Integer(), nullable=False, server_default="0"))
        batch_op.create_index(batch_op.f("ix_class_session_state"), ["state"], unique=False)
    op.create_table(
        "class_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("class_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("at_ns", sa.BigInteger(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("station", sa.String(length=60), nullable=False),
        sa.ForeignKeyConstraint(["class_id"], ["class_session.id"],
                                name=op.f("fk_class_event_class_id_class_session"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_class_event")),
        sa.UniqueConstraint("class_id", "seq", name=op.f("uq_class_event_class_id")),
    )
    op.create_table(
        "station",
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("host", sa.String(length=120), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=True),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("role", sa.String(length=10), nullable=True),
        sa.Column("class_id", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(length=10), nullable=True),
        sa.Column("position_s", sa.Float(), nullable=True),
        sa.Column("clock_offset_ms", sa.Float(), nullable=True),
        sa.Column("last_seen_ns", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(["class_id"], ["class_session.id"],
                                name=op.f("fk_station_class_id_class_session"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_station")),
    )
    _move_data()
    op.drop_table("live_state")


def _move_data() -> None:
    conn = op.get_bind()
    tv = f"tv@{socket.gethostname()}"[:60]
    row = conn.execute(sa.text("SELECT state, session_id FROM live_state WHERE station = 'tv'")).first()
    state = _json(row[0]) if row else None
    if not state or state.get("state") not in ("running", "paused"):
        return
    conn.execute(sa.text("INSERT INTO station (name, kind, host, settings) VALUES (:n, 'tv', :h, :s)")
                 .bindparams(sa.bindparam("s", type_=sa.JSON)),
                 {"n": tv, "h": socket.gethostname()[:120], "s": {}})
    session_id = row[1]
    if session_id is None:
        program_id = conn.execute(sa.text("SELECT id FROM program WHERE name_key = :n"),
                                  {"n": name_key(str(state.get("program", "")))}).scalar()
        if program_id is None:
            return  # the program went: nothing to resume
        session_id = conn.execute(
            sa.text("INSERT INTO class_session (program_id, day, started_at, state, revision) "
                    "VALUES (:p, :d, :t, 'ended', 0) RETURNING id"),
            {"p": program_id, "d": int(state.get("day", 1)), "t": datetime.now(UTC).replace(tzinfo=None)},
        ).scalar()
    now_ns = time.time_ns()
    position_ns = round(float(state.get("position_ms", 0)) * 1_000_000)
    events = [("extend", {"segment": int(k), "ms": int(v)}) for k, v in state.get("extensions", {}).items()]
    events.append(("pause", {}))
    insert = sa.text("INSERT INTO class_event (class_id, seq, kind, at_ns, data, station) "
                     "VALUES (:c, :q, :k, :a, :d, :s)").bindparams(sa.bindparam("d", type_=sa.JSON))
    for seq, (kind, data) in enumerate(events, 1):
        conn.execute(insert, {"c": session_id, "q": seq, "k": kind, "a": now_ns, "d": data, "s": tv})
    conn.execute(sa.text("UPDATE class_session SET state = 'paused', leader = :l, start_ns = :s, "
                         "revision = :r, ended_at = NULL WHERE id = :id"),
                 {"l": tv, "s": now_ns - position_ns, "r": len(events), "id": session_id})


def downgrade() -> None:
    op.create_table(
        "live_state",
        sa.Column("station", sa.String(length=60), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=True),
        sa.Column("state", sa.JSON(), nullable=False),
        sa.Column("segment_index", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["session_id"], ["class_session.id"],
                                name=op.f("fk_live_state_session_id_class_session")),
        sa.PrimaryKeyConstraint("station", name=op.f("pk_live_state")),
    )
    op.drop_table("station")
    op.drop_table("class_event")
    with op.batch_alter_table("class_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_class_session_state"))
        batch_op.drop_column("revision")
        batch_op.drop_column("start_ns")
        batch_op.drop_column("leader")
        batch_op.drop_column("state")
