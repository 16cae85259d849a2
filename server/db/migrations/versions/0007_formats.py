"""formats: an organiser's plans for a group's meetings, and which one a meeting follows

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02

formats holds each group's formats (name, case-folded name_key unique per group, the
segments as JSON); groups gains format_id (its default format) and meetings format_id
(this meeting's pick, NULL for the group's default), both set to NULL when the format
is deleted. The columns are added in place, never by rebuilding groups or meetings: on
SQLite a rebuild drops the old table, and with foreign keys on that cascades.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "formats",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("group_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("name_key", sa.String(length=255), nullable=False),
        sa.Column("segments", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["groups.id"],
            name=op.f("fk_formats_group_id_groups"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_formats")),
        sa.UniqueConstraint("group_id", "name_key", name=op.f("uq_formats_group_id")),
    )
    sqlite = op.get_context().dialect.name == "sqlite"
    for table in ("groups", "meetings"):
        fk = f"fk_{table}_format_id_formats"
        if sqlite:  # SQLite adds a foreign key only inline, with its column
            op.execute(
                f'ALTER TABLE "{table}" ADD COLUMN format_id VARCHAR(32) CONSTRAINT "{fk}"'
                " REFERENCES formats (id) ON DELETE SET NULL"
            )
        else:
            op.add_column(table, sa.Column("format_id", sa.String(length=32), nullable=True))
            op.create_foreign_key(
                op.f(fk), table, "formats", ["format_id"], ["id"], ondelete="SET NULL"
            )


def downgrade() -> None:
    sqlite = op.get_context().dialect.name == "sqlite"
    for table in ("meetings", "groups"):
        if sqlite:
            # SQLite 3.35+ drops a column in place; a batch rebuild would cascade.
            op.execute(f'ALTER TABLE "{table}" DROP COLUMN format_id')
        else:
            op.drop_constraint(op.f(f"fk_{table}_format_id_formats"), table, type_="foreignkey")
            op.drop_column(table, "format_id")
    op.drop_table("formats")
