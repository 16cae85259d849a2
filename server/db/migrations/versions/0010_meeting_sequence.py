"""meetings.sequence: the revision number calendars compare (RFC 5545 SEQUENCE)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03

A calendar that already holds a meeting replaces it only with a copy whose SEQUENCE
is higher, so a moved, lengthened or cancelled meeting must carry a higher one. Every
meeting there is starts at 0, as RFC 5545 has a first version. Added in place, with a
server default, for the reason 0009 gives (a SQLite rebuild of meetings cascades).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_context().dialect.name == "sqlite":
        op.execute("ALTER TABLE meetings ADD COLUMN sequence INTEGER NOT NULL DEFAULT 0")
    else:
        op.add_column(
            "meetings", sa.Column("sequence", sa.Integer(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    if op.get_context().dialect.name == "sqlite":
        op.execute('ALTER TABLE "meetings" DROP COLUMN sequence')
    else:
        op.drop_column("meetings", "sequence")
