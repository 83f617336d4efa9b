"""Les mots d'une action : le nom de sa ville porteuse, et ce qu'une mise à jour a changé."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from sqlmodel import Session

from metier.formats import format_pourcentage
from metier.protocole import chiffre_romain, code_objectif
from metier.statuts import LIBELLES_STATUT
from metier.temps import Ville, citer, format_date_courte
from modeles import Axe, Objectif, StatutAction
from modeles.actions import VILLE_TOUTES

LIBELLES_CHAMPS: Final = {
    "titre": "titre",
    "description": "description",
    "axe_id": "axe",
    "objectif_id": "objectif",
    "ville": "ville porteuse",
    "responsable_id": "responsable",
    "echeance": "échéance",
    "partenaires": "partenaires",
    "avancement": "avancement",
    "statut": "statut",
    "reference": "référence",
}
SAISIS: Final = frozenset({"titre", "partenaires", "reference"})
"""Les champs dont la valeur est un texte saisi par un membre : cité, à neutraliser à l'affichage."""
LONGUEUR_CITEE: Final = 80


def nom_ville_porteuse(villes: Sequence[Ville], code: str) -> str:
    """« Namur », ou « Terrebonne et Namur » (« A, B et C ») pour une action portée par toutes les villes.

    Une ville qui n'est plus partenaire garde son nom d'après son code.
    """
    if code == VILLE_TOUTES:
        noms = [v.nom for v in villes]
        return " et ".join([", ".join(noms[:-1]), noms[-1]]) if len(noms) > 1 else "".join(noms) or "Toutes"
    return next((v.nom for v in villes if v.code == code), code.capitalize())


@dataclass(frozen=True)
class Changement:
    """Un champ changé, en mots : « échéance », « 15 déc. 2026 », « 31 janv. 2027 ».

    `avant` est None quand l'ancienne valeur ne se redit pas (une description : « modifiée »).
    """

    libelle: str
    avant: str | None
    apres: str
    saisi: bool = False


def decrire_changements(
    session: Session, changements: Mapping[str, tuple[Any, Any]], villes: Sequence[Ville] = ()
) -> tuple[Changement, ...]:
    """Met en mots chaque champ changé, ancienne et nouvelle valeur (à appeler avant de les appliquer)."""
    decrits = []
    for champ, (avant, apres) in changements.items():
        libelle = LIBELLES_CHAMPS.get(champ, champ)
        if champ == "description":
            decrits.append(Changement(libelle, None, _description(avant, apres)))
            continue
        decrits.append(
            Changement(
                libelle,
                _valeur(session, villes, champ, avant),
                _valeur(session, villes, champ, apres),
                saisi=champ in SAISIS,
            )
        )
    return tuple(decrits)


def _description(avant: str | None, apres: str | None) -> str:
    if avant is None:
        return "ajoutée"
    return "retirée" if apres is None else "modifiée"


def _valeur(session: Session, villes: Sequence[Ville], champ: str, valeur: Any) -> str:
    if champ in SAISIS:
        return citer(valeur, LONGUEUR_CITEE) if valeur else "aucun"
    if champ == "echeance":
        return format_date_courte(valeur) if valeur else "sans échéance"
    if champ == "avancement":
        return format_pourcentage(valeur)
    if champ == "statut":
        return LIBELLES_STATUT[StatutAction(valeur)]
    if champ == "responsable_id":
        return f"<@{valeur}>"
    if champ == "ville":
        return nom_ville_porteuse(villes, valeur)
    if champ == "axe_id":
        return chiffre_romain(_axe(session, valeur).numero)
    if champ == "objectif_id":
        if valeur is None:
            return "aucun"
        objectif = session.get(Objectif, valeur)
        assert objectif is not None
        return code_objectif(_axe(session, objectif.axe_id).numero, objectif.numero)
    return str(valeur)


def _axe(session: Session, axe_id: int) -> Axe:
    axe = session.get(Axe, axe_id)
    assert axe is not None  # clé étrangère
    return axe
