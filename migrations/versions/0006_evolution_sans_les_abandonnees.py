"""évolution sans les abandonnées

Révision : 0006
Précédente : 0005
Créée le : 2026-11-27 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Le cumul mensuel compte désormais l'avancement moyen des seules actions non abandonnées, d'après
    # leur statut à chaque instant : les cumuls existants sont marqués à refaire, le bot les
    # reconstruit au démarrage (metier.actions.evolution.recalculer_en_retard), d'après l'historique.
    op.execute(sa.text("UPDATE config_serveur SET evolution_a_jour = :faux").bindparams(faux=False))


def downgrade() -> None:
    # L'ancienne règle (toutes les actions, quel que soit leur statut) : à reconstruire aussi.
    op.execute(sa.text("UPDATE config_serveur SET evolution_a_jour = :faux").bindparams(faux=False))
