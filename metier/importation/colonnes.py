"""Les colonnes que l'import reconnaît : celles de `/action exporter`, et quelques variantes de tableur.

Un en-tête se compare sans accents ni casse, sans sa parenthèse finale : « Créée le (heure de
Terrebonne) » et « creee le » désignent la même colonne, comme « Avancement (%) » et « avancement ».
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from enum import StrEnum
from typing import Final

from metier.actions.export import COLONNES_ACTIONS, COLONNES_MESURES
from metier.erreurs import ErreurMetier
from metier.temps import normaliser


class Sorte(StrEnum):
    """Ce que contient une feuille importée."""

    ACTIONS = "actions"
    HISTORIQUE = "historique"
    MESURES = "mesures"
    REUNIONS = "reunions"


def cle_entete(entete: str) -> str:
    """« Créée le (heure de Namur) » → « creee le » : la forme sous laquelle un en-tête se reconnaît."""
    return re.sub(r"\s*\([^)]*\)\s*$", "", normaliser(entete)).strip()


_EXPORT: Final = dict(
    zip(
        (
            "numero",
            "titre",
            "axe",
            "objectif",
            "ville",
            "responsable",
            "ville_responsable",
            "partenaires",
            "statut",
            "avancement",
            "echeance",
            "description",
            "archivee",
            "reference",
            "debut",
            "modifiee",
            "responsable_id",
        ),
        COLONNES_ACTIONS,
        strict=True,  # une colonne ajoutée à l'export sans être nommée ici échoue dès l'import du module
    )
)
"""Le champ de chaque colonne de `/action exporter`, par son nom (jamais par sa position)."""

# champ → en-têtes acceptés (le premier est celui de l'export, cité dans les messages)
CHAMPS_ACTIONS: Final = {
    "numero": (_EXPORT["numero"], "No", "Numéro", "N° action", "#"),
    "titre": (_EXPORT["titre"],),
    "axe": (_EXPORT["axe"],),
    "objectif": (_EXPORT["objectif"],),
    "ville": (_EXPORT["ville"], "Ville"),
    "responsable": (_EXPORT["responsable"],),
    "partenaires": (_EXPORT["partenaires"],),
    "statut": (_EXPORT["statut"],),
    "avancement": (_EXPORT["avancement"],),
    "echeance": (_EXPORT["echeance"],),
    "description": (_EXPORT["description"],),
    "archivee": (_EXPORT["archivee"],),
    "reference": (_EXPORT["reference"], "Réf.", "Réf", "Référence externe"),
    "debut": (_EXPORT["debut"], "Début", "Date de début"),
    "modifiee": (_EXPORT["modifiee"],),
    "responsable_id": (_EXPORT["responsable_id"],),
}
IGNOREES_ACTIONS: Final = frozenset({cle_entete(_EXPORT["ville_responsable"])})
"""Colonnes de l'export des actions relues sans rien changer : la ville du responsable se dit par
`/membre ville`, pas par l'action."""

CHAMPS_HISTORIQUE: Final = {
    "numero": ("N°", "No", "Numéro", "N° action", "Action", "#"),
    "date": ("Date", "Date du fait"),
    "avancement": ("Avancement (%)",),
    "statut": ("Statut",),
    "note": ("Note",),
}
CHAMPS_MESURES: Final = {
    "indicateur": (COLONNES_MESURES[0], "Numéro indicateur"),
    "date": (COLONNES_MESURES[6],),
    "valeur": (COLONNES_MESURES[7],),
    "note": (COLONNES_MESURES[8],),
}
CHAMPS_REUNIONS: Final = {
    "date": ("Date",),
    "heure": ("Heure",),
    "ville": ("Ville de l'heure", "Ville"),
    "titre": ("Titre",),
    "duree": ("Durée (min)", "Durée"),
    "presents": ("Présents", "Présences", "Participants"),
    "points": ("Points", "Points abordés"),
    "decisions": ("Décisions",),
}
IGNOREES_MESURES: Final = frozenset(cle_entete(c) for c in COLONNES_MESURES[1:6] + COLONNES_MESURES[9:])
"""Colonnes de l'export des mesures qui décrivent l'indicateur ou l'auteur : relues sans rien changer."""

OBLIGATOIRES: Final = {
    Sorte.ACTIONS: ("titre", "axe"),
    Sorte.HISTORIQUE: ("numero", "date"),
    Sorte.MESURES: ("indicateur", "date", "valeur"),
    Sorte.REUNIONS: ("date", "heure", "ville", "titre"),
}
IGNOREES: Final = {Sorte.ACTIONS: IGNOREES_ACTIONS, Sorte.MESURES: IGNOREES_MESURES}
CHAMPS: Final = {
    Sorte.ACTIONS: CHAMPS_ACTIONS,
    Sorte.HISTORIQUE: CHAMPS_HISTORIQUE,
    Sorte.MESURES: CHAMPS_MESURES,
    Sorte.REUNIONS: CHAMPS_REUNIONS,
}


def _index(champs: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {cle_entete(entete): champ for champ, entetes in champs.items() for entete in entetes}


_INDEX: Final = {sorte: _index(champs) for sorte, champs in CHAMPS.items()}


def reconnaitre(nom: str, entetes: Iterable[str]) -> Sorte:
    """La sorte d'une feuille d'après ses en-têtes : actions (« Titre »), mesures, réunions (« Heure »,
    sans « Axe »), ou historique."""
    cles = {cle_entete(e) for e in entetes}
    if cle_entete(CHAMPS_MESURES["indicateur"][0]) in cles or "numero indicateur" in cles:
        return Sorte.MESURES
    if "heure" in cles and "axe" not in cles:
        return Sorte.REUNIONS
    if "titre" in cles:
        return Sorte.ACTIONS
    if "date" in cles:
        return Sorte.HISTORIQUE
    raise ErreurMetier(
        f"« {nom[:80]} » n'est pas reconnu : il faut les colonnes « Titre » et « Axe » (actions, comme "
        "/action exporter), « N° », « Date » et « Avancement (%) » ou « Statut » (historique), ou "
        "« N° indicateur », « Date » et « Valeur » (mesures), ou « Date », « Heure », « Ville de l'heure » "
        "et « Titre » (réunions tenues). Rien n'a été importé."
    )


def correspondance(sorte: Sorte, nom: str, entetes: Iterable[str]) -> tuple[dict[str, str], list[str]]:
    """Associe chaque champ à son en-tête dans la feuille ; rend aussi les en-têtes ignorés.

    Refuse une colonne obligatoire absente, ou un champ donné par deux colonnes.
    """
    index = _INDEX[sorte]
    trouves: dict[str, str] = {}
    ignores: list[str] = []
    for entete in entetes:
        if not entete:
            continue
        champ = index.get(cle_entete(entete))
        if champ is None:
            if cle_entete(entete) not in IGNOREES.get(sorte, frozenset()):
                ignores.append(entete)
            continue
        if champ in trouves:
            raise ErreurMetier(
                f"« {nom[:80]} » a deux colonnes pour la même donnée : « {trouves[champ]} » et "
                f"« {entete} ». Gardez-en une. Rien n'a été importé."
            )
        trouves[champ] = entete
    manquantes = [CHAMPS[sorte][c][0] for c in OBLIGATOIRES[sorte] if c not in trouves]
    if sorte == Sorte.HISTORIQUE and not {"avancement", "statut"} & trouves.keys():
        manquantes.append("Avancement (%) ou Statut")
    if manquantes:
        liste = ", ".join(f"« {m} »" for m in manquantes)
        raise ErreurMetier(
            f"Colonne obligatoire absente de « {nom[:80]} » ({sorte.value}) : {liste}. Ajoutez-la avec "
            "cet en-tête en première ligne (les en-têtes de /action exporter conviennent). "
            "Rien n'a été importé."
        )
    return trouves, ignores
