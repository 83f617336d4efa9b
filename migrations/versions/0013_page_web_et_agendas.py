"""page web et agendas abonnés

Révision : 0013
Précédente : 0012
Créée le : 2026-11-30 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0013'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # La page de suivi (lien secret, mode privé ou public) et les agendas abonnés : seules les
    # empreintes SHA-256 des liens sont gardées, jamais les liens.
    op.create_table('page_web',
    sa.Column('guild_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('empreinte', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('mode', sa.String(length=10), nullable=False),
    sa.Column('ouverte', sa.Boolean(), nullable=False),
    sa.Column('modifiee_par', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('modifiee_le', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('guild_id'),
    sa.UniqueConstraint('empreinte'),
    )
    op.create_table('abonnement_agenda',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('guild_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('membre_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('empreinte', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('cree_le', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('guild_id', 'membre_id'),
    sa.UniqueConstraint('empreinte'),
    )


def downgrade() -> None:
    op.drop_table('abonnement_agenda')
    op.drop_table('page_web')
