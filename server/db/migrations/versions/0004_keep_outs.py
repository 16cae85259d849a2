"""keep-outs: a removal keeps the removed browser out of the group for a while

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02

keep_outs holds, per group, a keyed hash of the device value a removed browser sent
(never the value) and when the keep-out ends; groups gains keep_out_days (default 7,
0 keeps nobody out), lobby_after_removal_minutes (default 0, off) and lobby_until (until
when newcomers wait in the lobby after a removal).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "keep_outs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.String(length=32), nullable=False),
        sa.Column("device_hash", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["groups.id"],
            name=op.f("fk_keep_outs_group_id_groups"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_keep_outs")),
    )
    op.create_index("ix_keep_outs_group_device", "keep_outs", ["group_id", "device_hash"])
    op.create_index(op.f("ix_keep_outs_expires_at"), "keep_outs", ["expires_at"])
    with op.batch_alter_table("groups") as batch:
        batch.add_column(
            sa.Column("keep_out_days", sa.Integer(), server_default="7", nullable=False)
        )
        batch.add_column(
            sa.Column(
                "lobby_after_removal_minutes", sa.Integer(), server_default="0", nullable=False
            )
        )
        batch.add_column(sa.Column("lobby_until", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("groups") as batch:
        batch.drop_column("lobby_until")
        batch.drop_column("lobby_after_removal_minutes")
        batch.drop_column("keep_out_days")
    op.drop_index(op.f("ix_keep_outs_expires_at"), table_name="keep_outs")
    op.drop_index("ix_keep_outs_group_device", table_name="keep_outs")
    op.drop_table("keep_outs")
