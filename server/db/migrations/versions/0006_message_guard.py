"""message guard: links from facilitators only, and a word list masked in messages

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02

groups gains links_from_facilitators_only (default false) and masked_words (a JSON
list of the organiser's words and phrases, default empty). Neither holds anything an
attendee wrote. Plain string defaults, so SQLite adds the columns in place: a
copied table would cascade its deletion to the meetings and their audit.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("groups") as batch:
        batch.add_column(
            sa.Column(
                "links_from_facilitators_only",
                sa.Boolean(),
                server_default="0",
                nullable=False,
            )
        )
        batch.add_column(sa.Column("masked_words", sa.JSON(), server_default="[]", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("groups") as batch:
        batch.drop_column("masked_words")
        batch.drop_column("links_from_facilitators_only")
