"""Les noms affichés des membres : relevés quand Discord les donne, lus pour nommer les gens."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Final

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col

from metier.formats import tronquer
from metier.stockage import lire_lignes
from modeles import Action, Membre

LONGUEUR_NOM: Final = 100  # Discord en permet 32 ; la marge garde les noms d'autres sources


def noter_membres(session: Session, *, guild_id: int, noms: Mapping[int, str], maintenant: datetime) -> int:
    """Enregistre les noms nouveaux ou changés d'un serveur ; rend le nombre de membres écrits.

    Une seule instruction « insérer ou mettre à jour si le nom diffère » : deux interactions
    simultanées du même membre ne se gênent pas, et un nom inchangé n'écrit rien.
    """
    lignes = [
        {
            "guild_id": guild_id,
            "membre_id": membre_id,
            "nom": tronquer(nom.strip(), LONGUEUR_NOM),
            "vu_le": maintenant,
        }
        for membre_id, nom in sorted(noms.items())
        if nom.strip()
    ]
    if not lignes:
        return 0
    inserer = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    requete = inserer(Membre).values(lignes)
    requete = requete.on_conflict_do_update(
        index_elements=[col(Membre.guild_id), col(Membre.membre_id)],
        set_={"nom": requete.excluded.nom, "vu_le": requete.excluded.vu_le},
        where=col(Membre.nom) != requete.excluded.nom,
    )
    # Les lignes rendues sont celles écrites : un nom inchangé n'en rend pas.
    return len(session.execute(requete.returning(col(Membre.membre_id))).all())


def noms_des_membres(session: Session, guild_id: int, identifiants: Iterable[int]) -> dict[int, str]:
    """Les noms connus de ces membres du serveur ; un membre jamais vu n'y est pas."""
    voulus = sorted(set(identifiants))
    noms: dict[int, str] = {}
    for debut in range(0, len(voulus), 500):  # une liste IN bornée, quel que soit le nombre
        lot = voulus[debut : debut + 500]
        for ligne in lire_lignes(
            session,
            sa.select(col(Membre.membre_id), col(Membre.nom)).where(
                col(Membre.guild_id) == guild_id, col(Membre.membre_id).in_(lot)
            ),
        ):
            noms[ligne.membre_id] = ligne.nom
    return noms


def responsables_sans_nom(session: Session, guild_id: int) -> list[int]:
    """Les responsables d'actions du serveur dont aucun nom n'a encore été relevé."""
    connus = sa.select(col(Membre.membre_id)).where(col(Membre.guild_id) == guild_id)
    requete = (
        sa.select(col(Action.responsable_id))
        .where(col(Action.guild_id) == guild_id, col(Action.responsable_id).not_in(connus))
        .distinct()
        .order_by(col(Action.responsable_id))
    )
    return [ligne.responsable_id for ligne in lire_lignes(session, requete)]
