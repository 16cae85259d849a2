"""lobby when unattended: newcomers wait in the lobby while no facilitator is here

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02

groups gains lobby_when_unattended (default false): while a meeting's chair is empty
(its last facilitator timed out or left), newcomers wait in the lobby.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A literal default ('0' is false in SQLite and PostgreSQL alike): an expression would
    # make SQLite's batch mode copy the table, and dropping the old one cascades.
    with op.batch_alter_table("groups") as batch:
        batch.add_column(
            sa.Column("lobby_when_unattended", sa.Boolean(), server_default="0", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("groups") as batch:
        batch.drop_column("lobby_when_unattended")
