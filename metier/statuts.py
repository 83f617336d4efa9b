"""Statuts d'une action : leurs noms, ceux qui la ferment, ceux qui comptent dans l'avancement moyen.

L'avancement moyen, partout (graphique `axes`, résumé, évolution, rapport), est celui des actions
non archivées et non abandonnées qui existent à l'instant dit : une action terminée y compte à sa
valeur (100 %), une action proposée ou en pause aussi. Abandonner est une décision, pas un
progrès : son pourcentage figé tirerait la moyenne d'un côté ou de l'autre. Une moyenne des seules
actions ouvertes baisserait au contraire chaque fois qu'une action se termine.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any, Final

import sqlalchemy as sa
from sqlmodel import col

from metier.formats import format_nombre
from modeles import Action, StatutAction

LIBELLES_STATUT: Final = {
    StatutAction.PROPOSEE: "proposée",
    StatutAction.EN_COURS: "en cours",
    StatutAction.EN_PAUSE: "en pause",
    StatutAction.TERMINEE: "terminée",
    StatutAction.ABANDONNEE: "abandonnée",
}
PLURIELS_STATUT: Final = {
    StatutAction.PROPOSEE: "proposées",
    StatutAction.EN_COURS: "en cours",
    StatutAction.EN_PAUSE: "en pause",
    StatutAction.TERMINEE: "terminées",
    StatutAction.ABANDONNEE: "abandonnées",
}
STATUTS_CLOS: Final = frozenset({StatutAction.TERMINEE, StatutAction.ABANDONNEE})
HORS_MOYENNE: Final = frozenset({StatutAction.ABANDONNEE})
NOM_MOYENNE: Final = "Avancement moyen des actions non abandonnées"


def libelle_statut(statut: StatutAction, *, majuscule: bool = False) -> str:
    """« en cours », ou « En cours » en tête de ligne ou de légende."""
    libelle = LIBELLES_STATUT[statut]
    return libelle[0].upper() + libelle[1:] if majuscule else libelle


LEGENDE_STATUTS: Final = tuple((s, libelle_statut(s, majuscule=True)) for s in StatutAction)
"""Chaque statut et son libellé de légende, dans l'ordre du cycle de vie d'une action."""


def compte_statut(statut: StatutAction, nombre: int) -> str:
    """« 1 terminée », « 3 en cours », « 2 abandonnées »."""
    mot = PLURIELS_STATUT[statut] if nombre > 1 else LIBELLES_STATUT[statut]
    return f"{format_nombre(nombre)} {mot}"


def est_en_retard(statut: StatutAction, echeance: date | None, jour: date) -> bool:
    """Une action est en retard si son échéance est passée et qu'elle n'est ni terminée ni abandonnée."""
    return echeance is not None and echeance < jour and statut not in STATUTS_CLOS


def compte_dans_la_moyenne(statut: StatutAction) -> bool:
    """Vrai si une action de ce statut compte dans l'avancement moyen."""
    return statut not in HORS_MOYENNE


def moyenne_avancement(etats: Iterable[tuple[StatutAction, int]]) -> float | None:
    """L'avancement moyen de ces (statut, avancement) ; None si aucun ne compte."""
    comptes = [avancement for statut, avancement in etats if compte_dans_la_moyenne(statut)]
    return sum(comptes) / len(comptes) if comptes else None


def ouverte_sql() -> Any:
    """Condition SQL : l'action n'est ni terminée ni abandonnée."""
    return col(Action.statut).not_in([s.value for s in STATUTS_CLOS])


def en_retard_sql(jour: date) -> Any:
    """Condition SQL : l'action est ouverte et son échéance est passée (`est_en_retard`, en SQL)."""
    return sa.and_(ouverte_sql(), col(Action.echeance) < jour)


def dans_la_moyenne_sql() -> Any:
    """Condition SQL : l'action compte dans l'avancement moyen (voir `compte_dans_la_moyenne`)."""
    return col(Action.statut).not_in([s.value for s in HORS_MOYENNE])
