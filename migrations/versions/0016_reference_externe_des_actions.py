"""référence externe des actions

Révision : 0016
Précédente : 0019
Créée le : 2026-11-30 14:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0016'
down_revision: str | None = '0019'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # La référence d'une action dans un registre importé sans N° : inconnue pour toutes jusque-là.
    op.add_column('action', sa.Column('reference', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True))
    op.create_index('ix_action_reference', 'action', ['guild_id', 'reference'], unique=True)


def downgrade() -> None:
    op.drop_index('ix_action_reference', table_name='action')
    # ALTER TABLE … DROP COLUMN (SQLite ≥ 3.35) : recréer `action` laisserait son historique orphelin.
    op.execute('ALTER TABLE action DROP COLUMN reference')
