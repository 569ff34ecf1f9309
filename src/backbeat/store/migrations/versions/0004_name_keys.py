"""name keys: programs, athletes and exercises found by Unicode-aware name

Each named table gets ``name_key`` (backbeat.domain.names.name_key: NFKC,
casefold, NFKC, spaces folded) with a unique index. Names already stored that
hold control characters have them made spaces; two names that are the same
under the rule (``Precision Back`` and ``PRECISION BACK``) keep the older one
as it is and give the newer one a ``(2)`` suffix, so no row is lost.

Revision ID: 0004
Revises: 0003
"""

import unicodedata

import sqlalchemy as sa
from alembic import op

from backbeat.domain.names import MAX_KEY_LENGTH, bad_character, name_key

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TABLES = ("exercise", "program", "athlete")


def _printable(name: str) -> str:
    if bad_character(name) is None:
        return name
    return "".join(" " if unicodedata.category(c) in ("Cc", "Cs", "Zl", "Zp") else c
                   for c in name).strip() or "unnamed"


def upgrade() -> None:
    conn = op.get_bind()
    for table in TABLES:
        # a plain ADD COLUMN (no table rebuild: other tables' foreign keys point here)
        op.add_column(table, sa.Column("name_key", sa.String(MAX_KEY_LENGTH), nullable=False,
                                       server_default=""))
        rows = conn.execute(sa.text(f"SELECT id, name FROM {table} ORDER BY id")).all()
        taken = {name_key(_printable(n)) for _i, n in rows}
        seen: set[str] = set()
        for row_id, name in rows:
            new = _printable(name)
            key = name_key(new)
            if key in seen:
                n = 2
                while name_key(f"{new[:74]} ({n})") in taken:
                    n += 1
                new = f"{new[:74]} ({n})"
                key = name_key(new)
                taken.add(key)
            seen.add(key)
            conn.execute(sa.text(f"UPDATE {table} SET name = :name, name_key = :key WHERE id = :id"),
                         {"name": new, "key": key, "id": row_id})
        op.create_index(f"ix_{table}_name_key", table, ["name_key"], unique=True)


def downgrade() -> None:
    for table in TABLES:
        op.drop_index(f"ix_{table}_name_key", table_name=table)
        op.drop_column(table, "name_key")
