"""date de saisie des mises à jour

Révision : 0008
Précédente : 0007
Créée le : 2026-11-30 08:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # `quand` est désormais la date du fait (une mise à jour consignée après coup) ; `saisi_le` garde
    # l'instant de la saisie (délai pour défaire). Jusqu'ici les deux étaient le même instant.
    with op.batch_alter_table('mise_a_jour') as table:
        table.add_column(sa.Column('saisi_le', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
    op.execute('UPDATE mise_a_jour SET saisi_le = quand')


def downgrade() -> None:
    with op.batch_alter_table('mise_a_jour') as table:
        table.drop_column('saisi_le')
