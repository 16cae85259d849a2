"""meeting_stats: the counts a meeting leaves for its organisers, one row per meeting

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03

meeting_stats holds, per ended meeting, its peak and total attendance, the people let
in from the lobby, the shares and polls held and the minutes each part of its format
ran (JSON), never a pseudonym, a word or a vote. The row goes with its meeting (and its
group); group_id and starts_at are indexed together for a group's figures over time.
A new table only: nothing existing is altered or rebuilt.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "meeting_stats",
        sa.Column("meeting_id", sa.String(length=32), nullable=False),
        sa.Column("group_id", sa.String(length=32), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=False),
        sa.Column("peak_present", sa.Integer(), nullable=False),
        sa.Column("attended", sa.Integer(), nullable=False),
        sa.Column("let_in", sa.Integer(), nullable=False),
        sa.Column("shares", sa.Integer(), nullable=False),
        sa.Column("polls", sa.Integer(), nullable=False),
        sa.Column("format_name", sa.String(length=80), nullable=True),
        sa.Column("segments", sa.JSON(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("final", sa.Boolean(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["groups.id"],
            name=op.f("fk_meeting_stats_group_id_groups"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_meeting_stats_meeting_id_meetings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("meeting_id", name=op.f("pk_meeting_stats")),
    )
    op.create_index(
        "ix_meeting_stats_group_starts", "meeting_stats", ["group_id", "starts_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_meeting_stats_group_starts", table_name="meeting_stats")
    op.drop_table("meeting_stats")
