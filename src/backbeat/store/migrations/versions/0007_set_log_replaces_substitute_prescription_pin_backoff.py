"""set_log.replaces_id; a substitution's own prescription; athlete PIN back-off

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 01:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("set_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("replaces_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_set_log_replaces_id_exercise"), "exercise",
                                    ["replaces_id"], ["id"])
    with op.batch_alter_table("athlete_substitution", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reps", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("tempo", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("load_kg", sa.Float(), nullable=True))
    with op.batch_alter_table("athlete", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pin_failures", sa.Integer(), server_default="0",
                                      nullable=False))
        batch_op.add_column(sa.Column("pin_failed_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("athlete", schema=None) as batch_op:
        batch_op.drop_column("pin_failed_at")
        batch_op.drop_column("pin_failures")
    with op.batch_alter_table("athlete_substitution", schema=None) as batch_op:
        batch_op.drop_column("load_kg")
        batch_op.drop_column("tempo")
        batch_op.drop_column("reps")
    with op.batch_alter_table("set_log", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_set_log_replaces_id_exercise"), type_="foreignkey")
        batch_op.drop_column("replaces_id")
