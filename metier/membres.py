"""Les membres : leur nom affiché (relevé quand Discord le donne) et leur ville, lus pour nommer les gens."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col

from metier.formats import tronquer
from metier.journal import journaliser
from metier.stockage import lire_lignes
from metier.temps import Ville
from modeles import Action, Membre, VillePartenaire

LONGUEUR_NOM: Final = 100  # Discord en permet 32 ; la marge garde les noms d'autres sources


def _inserer(session: Session) -> Callable[..., Any]:
    """L'INSERT du dialecte de la base, qui sait « ON CONFLICT » (PostgreSQL et SQLite)."""
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


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
    requete = _inserer(session)(Membre).values(lignes)
    requete = requete.on_conflict_do_update(
        index_elements=[col(Membre.guild_id), col(Membre.membre_id)],
        set_={"nom": requete.excluded.nom, "vu_le": requete.excluded.vu_le},
        where=col(Membre.nom) != requete.excluded.nom,
    )
    # Les lignes rendues sont celles écrites : un nom inchangé n'en rend pas.
    return len(session.execute(requete.returning(col(Membre.membre_id))).all())


@dataclass(frozen=True)
class FicheMembre:
    """Ce que le bot sait d'un membre : son nom affiché et, s'il l'a dite, sa ville partenaire."""

    membre_id: int
    nom: str
    ville: str | None = None  # code de la ville partenaire
    nom_ville: str | None = None

    @property
    def libelle(self) -> str:
        """Le membre tel qu'un rapport le nomme : « Alice Tremblay (Terrebonne) », ou son nom seul."""
        return f"{self.nom} ({self.nom_ville})" if self.nom_ville else self.nom


def _fiches(session: Session, guild_id: int, *conditions: sa.ColumnElement[bool]) -> list[FicheMembre]:
    requete = (
        sa.select(
            col(Membre.membre_id),
            col(Membre.nom),
            col(Membre.ville),
            sa.type_coerce(col(VillePartenaire.nom), sa.String).label("nv"),
        )
        .outerjoin(
            VillePartenaire,
            sa.and_(
                col(VillePartenaire.guild_id) == col(Membre.guild_id),
                col(VillePartenaire.code) == col(Membre.ville),
            ),
        )
        .where(col(Membre.guild_id) == guild_id, *conditions)
    )
    return [
        # Une ville retirée du serveur depuis n'est plus nommée : le membre redevient sans ville.
        FicheMembre(f.membre_id, f.nom, f.ville if f.nv else None, f.nv)
        for f in lire_lignes(session, requete)
    ]


def fiches_des_membres(
    session: Session, guild_id: int, identifiants: Iterable[int]
) -> dict[int, FicheMembre]:
    """Les fiches connues de ces membres du serveur ; un membre jamais vu n'y est pas."""
    voulus = sorted(set(identifiants))
    fiches: dict[int, FicheMembre] = {}
    for debut in range(0, len(voulus), 500):  # une liste IN bornée, quel que soit le nombre
        lot = voulus[debut : debut + 500]
        fiches.update({f.membre_id: f for f in _fiches(session, guild_id, col(Membre.membre_id).in_(lot))})
    return fiches


def noms_des_membres(session: Session, guild_id: int, identifiants: Iterable[int]) -> dict[int, str]:
    """Le libellé de ces membres (nom, et ville quand elle est connue) ; un membre jamais vu n'y est pas."""
    return {i: fiche.libelle for i, fiche in fiches_des_membres(session, guild_id, identifiants).items()}


def membres_connus(session: Session, guild_id: int) -> list[FicheMembre]:
    """Tous les membres dont le serveur connaît le nom, par ordre alphabétique."""
    return sorted(_fiches(session, guild_id), key=lambda f: (f.nom.casefold(), f.membre_id))


def definir_ville(
    session: Session,
    *,
    guild_id: int,
    membre_id: int,
    nom: str,
    ville: Ville | None,
    auteur_id: int,
    maintenant: datetime,
) -> str | None:
    """Fixe (ou efface, `ville=None`) la ville d'un membre ; rend le code de l'ancienne. Journalisé.

    Le nom affiché porté par l'interaction est relevé au passage : un membre dont on dit la ville
    est un membre connu.
    """
    # Le relevé des noms (`noter_membres`, à chaque interaction) peut créer la même ligne au même
    # moment : on la crée si elle manque sans jamais entrer en conflit, puis on la verrouille.
    session.execute(
        _inserer(session)(Membre)
        .values(
            guild_id=guild_id,
            membre_id=membre_id,
            nom=tronquer(nom.strip() or str(membre_id), LONGUEUR_NOM),
            vu_le=maintenant,
        )
        .on_conflict_do_nothing(index_elements=[col(Membre.guild_id), col(Membre.membre_id)])
    )
    membre = session.get(Membre, (guild_id, membre_id), with_for_update=True)
    assert membre is not None
    ancienne = membre.ville
    nouvelle = ville.code if ville is not None else None
    if ancienne != nouvelle:
        membre.ville = nouvelle
        session.add(membre)
        journaliser(
            session,
            guild_id=guild_id,
            auteur_id=auteur_id,
            entite="membre",
            entite_id=membre_id,
            changements={"ville": (ancienne, nouvelle)},
            quand=maintenant,
        )
    return ancienne


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
