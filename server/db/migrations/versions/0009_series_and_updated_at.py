"""series and meetings.updated_at: what calendars and meeting finders date changes by

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03

meetings gains updated_at (set to created_at for the meetings there are), bumped on
every change, so a moved or cancelled meeting updates in people's calendars. series
keeps the rule a repeating schedule was made by (one row per series_id already in
meetings, as the weekly rule they were all made with, in their first meeting's zone).
The column is added in place: on SQLite a rebuild of meetings would drop the table,
and with foreign keys on that cascades.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    sqlite = op.get_context().dialect.name == "sqlite"
    if sqlite:  # SQLite adds a NOT NULL column only with a default; created_at follows
        op.execute(
            "ALTER TABLE meetings ADD COLUMN updated_at DATETIME NOT NULL"
            " DEFAULT '1970-01-01 00:00:00'"
        )
        op.execute("UPDATE meetings SET updated_at = created_at")
    else:
        op.add_column("meetings", sa.Column("updated_at", sa.DateTime(), nullable=True))
        op.execute("UPDATE meetings SET updated_at = created_at")
        op.alter_column("meetings", "updated_at", nullable=False)
    op.create_table(
        "series",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("group_id", sa.String(length=32), nullable=False),
        sa.Column("rule", sa.JSON(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"], ["groups.id"], name=op.f("fk_series_group_id_groups"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_series")),
    )
    op.create_index(op.f("ix_series_group_id"), "series", ["group_id"], unique=False)
    op.execute(
        """
        INSERT INTO series (id, group_id, rule, timezone, created_at, updated_at)
        SELECT m.series_id, m.group_id, '{"weekly": {"interval": 1}}', m.timezone,
               m.created_at, m.created_at
        FROM meetings m
        WHERE m.series_id IS NOT NULL AND m.starts_at = (
            SELECT MIN(o.starts_at) FROM meetings o WHERE o.series_id = m.series_id
        )
        """
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_series_group_id"), table_name="series")
    op.drop_table("series")
    if op.get_context().dialect.name == "sqlite":
        # SQLite 3.35+ drops a column in place; a batch rebuild would cascade.
        op.execute('ALTER TABLE "meetings" DROP COLUMN updated_at')
    else:
        op.drop_column("meetings", "updated_at")
