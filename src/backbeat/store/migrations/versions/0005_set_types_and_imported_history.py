"""set types and imported history: set_log.set_type, set_log.imported_from

``set_type`` is NULL for a working set, else "warmup", "drop" or "failure"
(sets brought in from Strong or Hevy keep their type); ``imported_from`` names
the app a set came from ("strong", "hevy"), NULL for sets logged here.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("set_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("set_type", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("imported_from", sa.String(length=20), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("set_log", schema=None) as batch_op:
        batch_op.drop_column("imported_from")
        batch_op.drop_column("set_type")
