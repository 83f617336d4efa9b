"""Exports CSV lisibles par un tableur français : UTF-8 avec BOM, séparateur « ; », en-têtes en français.

Les jours s'écrivent « 2027-03-31 » et les instants « 2026-11-26 07:00 » dans l'heure de la ville de
référence, nommée dans l'en-tête : deux formes qu'Excel et LibreOffice lisent comme des dates.
Les gens y sont nommés par leur nom affiché (`metier.membres`) ; leur identifiant Discord ne vient
qu'en dernière colonne, en texte (`identifiant_texte`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Final

import sqlalchemy as sa
from sqlalchemy.orm import Mapped
from sqlmodel import Session, col, select

from metier.actions.libelles import nom_ville_porteuse
from metier.protocole import code_objectif, libelle_axe
from metier.serveurs import lire_configuration, ville_de_reference
from metier.statuts import LIBELLES_STATUT
from metier.temps import Ville, en_utc
from modeles import Action, Axe, Indicateur, Membre, Mesure, Objectif, StatutAction

COLONNES_ACTIONS: Final = (
    "N°",
    "Titre",
    "Axe",
    "Objectif",
    "Ville porteuse",
    "Responsable",
    "Ville du responsable",
    "Partenaires",
    "Statut",
    "Avancement (%)",
    "Échéance",
    "Description",
    "Archivée",
    "Référence",
    "Créée le (heure de {ville})",
    "Modifiée le (heure de {ville})",
    "Identifiant du responsable",
)
"""En-têtes du CSV des actions ; `{ville}` est la ville de référence (`entetes_actions`)."""
COLONNES_MESURES: Final = (
    "N° indicateur",
    "Indicateur",
    "Axe",
    "Unité",
    "Valeur de départ",
    "Cible",
    "Date",
    "Valeur",
    "Note",
    "Saisie par",
    "Identifiant de l'auteur",
)


def entetes_actions(reference: Ville) -> tuple[str, ...]:
    """Les en-têtes du CSV des actions, l'heure dite dans la ville de référence."""
    return tuple(colonne.format(ville=reference.nom) for colonne in COLONNES_ACTIONS)


def identifiant_texte(identifiant: int) -> str:
    """« ID 1576825805990789125 » : un identifiant Discord qu'un tableur garde en texte.

    Excel et LibreOffice lisent une cellule de 18 ou 19 chiffres comme un nombre, l'affichent
    « 1,57683E+18 » et n'en gardent que 15 chiffres : l'identifiant serait perdu au premier
    enregistrement. Le préfixe en fait un texte, lisible et relu tel quel.
    """
    return f"ID {identifiant}"


def _nom_de(membre_id: Mapped[int], guild_id: Mapped[int]) -> sa.ColumnElement[bool]:
    """Condition de jointure du nom affiché d'un membre du même serveur."""
    return sa.and_(col(Membre.guild_id) == guild_id, col(Membre.membre_id) == membre_id)


def _cellule(valeur: object) -> str:
    if valeur is None:
        return ""
    if isinstance(valeur, datetime):
        # Sans fuseau ni « T » : l'heure murale, que l'en-tête situe, lue comme une date et heure.
        return f"{valeur:%Y-%m-%d %H:%M}"
    if isinstance(valeur, date):
        return valeur.isoformat()
    if isinstance(valeur, bool):
        return "oui" if valeur else "non"
    if isinstance(valeur, float):
        # Tous les chiffres, sans exposant : « 1,23457e+06 » serait relu 1 234 570 par le tableur.
        return format(Decimal(repr(valeur)).normalize(), "f").replace(".", ",")
    texte = str(valeur)
    # Une cellule qui commence par = + - @ serait une formule pour le tableur : on la neutralise.
    return "'" + texte if texte[:1] in {"=", "+", "-", "@"} else texte


def ecrire_csv(entetes: Sequence[str], lignes: Iterable[Sequence[object]]) -> bytes:
    """Rend un CSV UTF-8 avec BOM et « ; » comme séparateur."""
    tampon = io.StringIO()
    ecrivain = csv.writer(tampon, delimiter=";", lineterminator="\r\n")
    ecrivain.writerow(entetes)
    for ligne in lignes:
        ecrivain.writerow([_cellule(v) for v in ligne])
    return tampon.getvalue().encode("utf-8-sig")


COLONNES_PERSONNELLES: Final = frozenset(
    {"Identifiant du responsable", "Saisie par", "Identifiant de l'auteur"}
)
"""Colonnes qui désignent une personne, retirées des CSV de la page publique (`sans_les_personnes`)."""


def sans_les_personnes(contenu: bytes) -> bytes:
    """Le même CSV sans personne nommée : le responsable devient sa ville porteuse, les auteurs disparaissent.

    Pour la page de suivi publique, qui ne nomme jamais personne. Les cellules sont reprises telles
    qu'écrites par `ecrire_csv` (déjà neutralisées pour le tableur).
    """
    lignes = list(csv.reader(io.StringIO(contenu.decode("utf-8-sig")), delimiter=";"))
    if not lignes:
        return contenu
    entetes = lignes[0]
    gardees = [i for i, entete in enumerate(entetes) if entete not in COLONNES_PERSONNELLES]
    responsable = entetes.index("Responsable") if "Responsable" in entetes else None
    ville = entetes.index("Ville porteuse") if "Ville porteuse" in entetes else None
    tampon = io.StringIO()
    ecrivain = csv.writer(tampon, delimiter=";", lineterminator="\r\n")
    ecrivain.writerow([entetes[i] for i in gardees])
    for ligne in lignes[1:]:
        if responsable is not None:
            ligne[responsable] = ligne[ville] if ville is not None else ""
        ecrivain.writerow([ligne[i] for i in gardees])
    return tampon.getvalue().encode("utf-8-sig")


def exporter_actions(
    session: Session, *, guild_id: int, du: date | None = None, au: date | None = None, archivees: bool = True
) -> bytes:
    """CSV des actions du serveur (celles touchées entre `du` et `au` si donnés, jours UTC)."""
    requete = (
        select(Action, Axe, Objectif, Membre)
        .join(Axe, col(Axe.id) == col(Action.axe_id))
        .outerjoin(Objectif, col(Objectif.id) == col(Action.objectif_id))
        .outerjoin(Membre, _nom_de(col(Action.responsable_id), col(Action.guild_id)))
        .where(Action.guild_id == guild_id)
        .order_by(col(Action.numero))
    )
    if not archivees:
        requete = requete.where(col(Action.archivee).is_(False))
    # Touchée dans la période : modifiée au plus tôt le jour `du`, créée au plus tard le jour `au`.
    if du:
        requete = requete.where(col(Action.modifie_le) >= datetime.combine(du, time(), UTC))
    if au:
        requete = requete.where(col(Action.cree_le) < datetime.combine(au + timedelta(days=1), time(), UTC))
    configuration = lire_configuration(session, guild_id)
    villes = configuration.villes if configuration is not None else ()
    reference = ville_de_reference(session, guild_id)
    noms_villes = {v.code: v.nom for v in villes}
    lignes = [
        (
            action.numero,
            action.titre,
            libelle_axe(axe.numero, axe.titre_court),
            code_objectif(axe.numero, objectif.numero) if objectif else None,
            nom_ville_porteuse(villes, action.ville),
            responsable.nom if responsable else None,
            noms_villes.get(responsable.ville or "") if responsable else None,
            action.partenaires,
            LIBELLES_STATUT[StatutAction(action.statut)],
            action.avancement,
            action.echeance,
            action.description,
            action.archivee,
            action.reference,
            reference.heure_locale(en_utc(action.cree_le)),
            reference.heure_locale(en_utc(action.modifie_le)),
            identifiant_texte(action.responsable_id),
        )
        for action, axe, objectif, responsable in session.exec(requete)
    ]
    return ecrire_csv(entetes_actions(reference), lignes)


def exporter_mesures(
    session: Session, *, guild_id: int, du: date | None = None, au: date | None = None
) -> bytes:
    """CSV des mesures des indicateurs du serveur (entre `du` et `au` si donnés)."""
    requete = (
        select(Mesure, Indicateur, Axe, col(Membre.nom))
        .join(Indicateur, col(Indicateur.id) == col(Mesure.indicateur_id))
        .join(Axe, col(Axe.id) == col(Indicateur.axe_id))
        .outerjoin(Membre, _nom_de(col(Mesure.auteur_id), col(Mesure.guild_id)))
        .where(Mesure.guild_id == guild_id)
        .order_by(col(Indicateur.numero), col(Mesure.date), col(Mesure.id))
    )
    if du:
        requete = requete.where(col(Mesure.date) >= du)
    if au:
        requete = requete.where(col(Mesure.date) <= au)
    lignes = [
        (
            indicateur.numero,
            indicateur.nom,
            libelle_axe(axe.numero, axe.titre_court),
            indicateur.unite,
            indicateur.valeur_depart,
            indicateur.cible,
            mesure.date,
            mesure.valeur,
            mesure.note,
            auteur,
            identifiant_texte(mesure.auteur_id),
        )
        for mesure, indicateur, axe, auteur in session.exec(requete)
    ]
    return ecrire_csv(COLONNES_MESURES, lignes)


def exporter_registre(session: Session, *, guild_id: int) -> tuple[bytes, bytes]:
    """Rend les deux CSV du registre : actions, puis mesures des indicateurs."""
    return exporter_actions(session, guild_id=guild_id), exporter_mesures(session, guild_id=guild_id)
