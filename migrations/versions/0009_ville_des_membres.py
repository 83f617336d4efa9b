"""ville des membres

Révision : 0009
Précédente : 0008
Créée le : 2026-11-30 09:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # La ville d'un membre (code d'une ville partenaire), dite par lui ou par la coordination ;
    # inconnue pour tous jusque-là.
    with op.batch_alter_table('membre') as table:
        table.add_column(sa.Column('ville', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('membre') as table:
        table.drop_column('ville')
