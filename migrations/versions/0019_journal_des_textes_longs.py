"""journal des textes longs

Révision : 0019
Précédente : 0018
Créée le : 2026-11-30 12:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0019'
down_revision: str | None = '0018'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # L'ancienne valeur d'un champ de compte rendu (jusqu'à 4 000 caractères, la limite d'une fenêtre
    # modale) se relit en entier dans le journal : la colonne passe de 2 000 à 4 000 caractères.
    with op.batch_alter_table('journal', schema=None) as batch_op:
        for colonne in ('ancien', 'nouveau'):
            batch_op.alter_column(
                colonne,
                existing_type=sqlmodel.sql.sqltypes.AutoString(length=2000),
                type_=sqlmodel.sql.sqltypes.AutoString(length=4000),
                existing_nullable=True,
            )


def downgrade() -> None:
    # Les valeurs plus longues que 2 000 caractères sont coupées : la colonne ne les tiendrait plus.
    journal = sa.table('journal', sa.column('ancien', sa.String), sa.column('nouveau', sa.String))
    for colonne in ('ancien', 'nouveau'):
        op.execute(
            journal.update()
            .where(sa.func.length(journal.c[colonne]) > 2000)
            .values({colonne: sa.func.substr(journal.c[colonne], 1, 2000)})
        )
    with op.batch_alter_table('journal', schema=None) as batch_op:
        for colonne in ('ancien', 'nouveau'):
            batch_op.alter_column(
                colonne,
                existing_type=sqlmodel.sql.sqltypes.AutoString(length=4000),
                type_=sqlmodel.sql.sqltypes.AutoString(length=2000),
                existing_nullable=True,
            )
