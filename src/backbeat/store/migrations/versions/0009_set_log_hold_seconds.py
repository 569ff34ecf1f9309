"""set_log.hold_s: a timed hold logged (an athlete's substitute) in seconds held

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 06:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("set_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("hold_s", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("set_log", schema=None) as batch_op:
        batch_op.drop_column("hold_s")
