"""moderation audit keeps roles and ordinals, not pseudonyms

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02

The README promises that a pseudonym lives only as long as its meeting, but the audit
kept the acting and target pseudonyms until the meeting was deleted. Each row now keeps
the role of the actor and of the target and their ordinal in the meeting (the order
they joined in). Rows written before this revision keep their action and time; their
pseudonyms are dropped with the columns, and their roles and ordinals are unknown
(NULL), since a pseudonym cannot tell them.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("moderation_audit", schema=None) as batch_op:
        batch_op.add_column(sa.Column("actor_role", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("actor_ordinal", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("target_role", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("target_ordinal", sa.Integer(), nullable=True))
        batch_op.drop_column("actor")
        batch_op.drop_column("target")


def downgrade() -> None:
    # The pseudonyms are gone for good: a downgrade leaves the columns empty.
    with op.batch_alter_table("moderation_audit", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("actor", sa.String(length=64), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("target", sa.String(length=64), nullable=True))
        batch_op.drop_column("target_ordinal")
        batch_op.drop_column("target_role")
        batch_op.drop_column("actor_ordinal")
        batch_op.drop_column("actor_role")
    with op.batch_alter_table("moderation_audit", schema=None) as batch_op:
        batch_op.alter_column("actor", server_default=None)
