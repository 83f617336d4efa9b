"""les indicateurs suivent leurs axes dans l'édition en vigueur

Révision : 0015
Précédente : 0014
Créée le : 2026-11-30 13:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0015'
down_revision: str | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Données seulement. Depuis cette révision, `/protocole renouveler` rattache les indicateurs des
    # axes recopiés aux axes de la nouvelle édition (même numéro, mesures gardées). Un serveur déjà
    # renouvelé avant elle les avait laissés sur les axes de l'ancienne : ils rejoignent l'axe de même
    # numéro de l'édition en vigueur (la dernière ouverte), comme s'ils avaient suivi chaque
    # renouvellement. Les archivés restent où ils sont. L'ancienne édition les garde (rapport annuel,
    # bilan, liste d'une édition passée : par numéro d'axe et par date).
    connexion = op.get_bind()
    edition = sa.table('edition', sa.column('id'), sa.column('guild_id'), sa.column('debut'))
    axe = sa.table('axe', sa.column('id'), sa.column('guild_id'), sa.column('edition_id'), sa.column('numero'))
    indicateur = sa.table('indicateur', sa.column('axe_id'), sa.column('archive'))
    en_vigueur: dict[int, int] = {}
    for edition_id, guild_id, _ in sorted(
        connexion.execute(sa.select(edition.c.id, edition.c.guild_id, edition.c.debut)).all(),
        key=lambda ligne: (ligne[1], ligne[2]),
    ):
        en_vigueur[guild_id] = edition_id  # la dernière ouverte, par ordre de début
    axes = connexion.execute(sa.select(axe.c.id, axe.c.guild_id, axe.c.edition_id, axe.c.numero)).all()
    cibles = {(g, n): i for i, g, e, n in axes if en_vigueur.get(g) == e}
    for axe_id, guild_id, edition_id, numero in axes:
        cible = cibles.get((guild_id, numero))
        if edition_id != en_vigueur.get(guild_id) and cible is not None:
            connexion.execute(
                indicateur.update()
                .where(indicateur.c.axe_id == axe_id, indicateur.c.archive == sa.false())
                .values(axe_id=cible)
            )


def downgrade() -> None:
    # Rien à défaire : l'axe d'avant n'est pas gardé, et le code d'avant lit un indicateur sur l'axe
    # de l'édition en vigueur comme l'un des siens.
    pass
