"""rappels en message privé

Révision : 0014
Précédente : 0016
Créée le : 2026-11-30 12:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0014'
down_revision: str | None = '0016'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Qui veut les rappels d'une réunion en message privé ; chaque message privé dû est une
    # livraison (type « prive ») qui porte le membre : réservée, reprise, jamais en double.
    op.create_table('rappel_prive',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('guild_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('reunion_id', sa.Integer(), nullable=False),
    sa.Column('membre_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('cree_le', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['reunion_id'], ['reunion.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('reunion_id', 'membre_id'),
    )
    with op.batch_alter_table('rappel_prive', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rappel_prive_reunion_id'), ['reunion_id'], unique=False)
    with op.batch_alter_table('livraison', schema=None) as batch_op:
        batch_op.add_column(sa.Column('membre_id', sa.BigInteger(), autoincrement=False, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('livraison', schema=None) as batch_op:
        batch_op.drop_column('membre_id')
    with op.batch_alter_table('rappel_prive', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rappel_prive_reunion_id'))
    op.drop_table('rappel_prive')
