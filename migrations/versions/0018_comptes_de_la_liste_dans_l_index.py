"""comptes de la liste dans l'index

Révision : 0018
Précédente : 0013
Créée le : 2026-11-30 12:30:00.000000
"""

from collections.abc import Sequence

from alembic import op


revision: str = '0018'
down_revision: str | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # /action liste compte ses segments (en retard, à échéance, sans échéance, closes) sur les
    # actions d'un serveur : avec l'échéance et l'axe dans l'index, le compte ne lit que l'index.
    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.drop_index('ix_action_liste')
        batch_op.create_index(
            'ix_action_liste', ['guild_id', 'archivee', 'statut', 'echeance', 'axe_id'], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.drop_index('ix_action_liste')
        batch_op.create_index('ix_action_liste', ['guild_id', 'archivee', 'statut'], unique=False)
