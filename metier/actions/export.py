"""Exports CSV lisibles par un tableur français : UTF-8 avec BOM, séparateur « ; », dates ISO."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

from sqlmodel import Session, col, select

from metier.protocole import chiffre_romain, code_objectif, libelle_axe
from metier.statuts import LIBELLES_STATUT
from modeles import Action, Axe, Indicateur, Mesure, Objectif, StatutAction

COLONNES_ACTIONS = (
    "numero",
    "titre",
    "axe",
    "objectif",
    "ville",
    "responsable_id",
    "partenaires",
    "statut",
    "avancement_pct",
    "echeance",
    "description",
    "archivee",
    "cree_le",
    "modifie_le",
)
COLONNES_MESURES = (
    "indicateur",
    "nom",
    "axe",
    "unite",
    "valeur_depart",
    "cible",
    "date",
    "valeur",
    "note",
    "auteur_id",
)


def _cellule(valeur: object) -> str:
    if valeur is None:
        return ""
    if isinstance(valeur, datetime):
        return valeur.isoformat(timespec="seconds")
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


def exporter_actions(
    session: Session, *, guild_id: int, du: date | None = None, au: date | None = None, archivees: bool = True
) -> bytes:
    """CSV des actions du serveur (celles touchées entre `du` et `au` si donnés)."""
    requete = (
        select(Action, Axe, Objectif)
        .join(Axe, col(Axe.id) == col(Action.axe_id))
        .outerjoin(Objectif, col(Objectif.id) == col(Action.objectif_id))
        .where(Action.guild_id == guild_id)
        .order_by(col(Action.numero))
    )
    if not archivees:
        requete = requete.where(col(Action.archivee).is_(False))
    lignes = []
    for action, axe, objectif in session.exec(requete):
        if (du and action.modifie_le.date() < du) or (au and action.cree_le.date() > au):
            continue
        lignes.append(
            (
                action.numero,
                action.titre,
                libelle_axe(axe.numero, axe.titre_court),
                code_objectif(axe.numero, objectif.numero) if objectif else None,
                action.ville,
                action.responsable_id,
                action.partenaires,
                LIBELLES_STATUT[StatutAction(action.statut)],
                action.avancement,
                action.echeance,
                action.description,
                action.archivee,
                action.cree_le,
                action.modifie_le,
            )
        )
    return ecrire_csv(COLONNES_ACTIONS, lignes)


def exporter_mesures(
    session: Session, *, guild_id: int, du: date | None = None, au: date | None = None
) -> bytes:
    """CSV des mesures des indicateurs du serveur (entre `du` et `au` si donnés)."""
    requete = (
        select(Mesure, Indicateur, Axe)
        .join(Indicateur, col(Indicateur.id) == col(Mesure.indicateur_id))
        .join(Axe, col(Axe.id) == col(Indicateur.axe_id))
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
            chiffre_romain(axe.numero),
            indicateur.unite,
            indicateur.valeur_depart,
            indicateur.cible,
            mesure.date,
            mesure.valeur,
            mesure.note,
            mesure.auteur_id,
        )
        for mesure, indicateur, axe in session.exec(requete)
    ]
    return ecrire_csv(COLONNES_MESURES, lignes)


def exporter_registre(session: Session, *, guild_id: int) -> tuple[bytes, bytes]:
    """Rend les deux CSV du registre : actions, puis mesures des indicateurs."""
    return exporter_actions(session, guild_id=guild_id), exporter_mesures(session, guild_id=guild_id)
