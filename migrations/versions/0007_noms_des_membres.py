"""noms des membres

Révision : 0007
Précédente : 0006
Créée le : 2026-11-28 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Le nom affiché de chaque membre, relevé à chaque interaction : le rapport et les exports
    # nomment les gens au lieu de montrer leur identifiant Discord.
    op.create_table('membre',
    sa.Column('guild_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('membre_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('nom', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('vu_le', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('guild_id', 'membre_id')
    )


def downgrade() -> None:
    op.drop_table('membre')
