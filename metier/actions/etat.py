"""L'état d'une action à un instant, d'après son historique : la seule définition.

Le résumé de la semaine, le cumul de l'évolution et le rapport annuel lisent tous l'état passé
d'une action ici (le résumé et le graphique `evolution` gardent leurs raccourcis SQL pour aller
vite, mais corrigent ou cumulent avec ces règles) :

- Une action existe à partir de sa création ; archivée, elle ne compte nulle part, même dans le passé.
- L'historique se rejoue dans l'ordre des instants effectifs : la date du fait (`date` d'une mise à
  jour consignée après coup), pas celle de la saisie, qui reste au journal ; à instant égal, dans
  l'ordre d'écriture. Une ligne datée d'avant la création compte à la création.
- Avant sa première ligne qui le note, un champ vaut sa valeur de départ (« proposée », 0 %) ; un
  champ que l'historique ne note jamais garde sa valeur actuelle.
- Après la dernière ligne, l'action est dans son état actuel : rejouer jusqu'au bout rend toujours
  la ligne de la table.
- L'état « à » un instant est celui que laissent les lignes d'instant effectif strictement
  antérieur : une borne de semaine ou de mois appartient à la période qui commence. Pour lire
  « maintenant », ce qui vient d'être enregistré compte déjà (`borne_de_maintenant`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import groupby
from typing import Any, Final, NamedTuple

import sqlalchemy as sa
from sqlalchemy import false
from sqlmodel import Session, col

from metier.statuts import compte_dans_la_moyenne
from metier.stockage import lire_lignes
from metier.temps import en_utc
from modeles import Action, MiseAJour, StatutAction

# La précision des instants stockés (SQLite et PostgreSQL) : rien ne tient entre t et t + 1 µs.
RESOLUTION: Final = timedelta(microseconds=1)

Ligne = tuple[datetime, int | None, str | None]
"""Une ligne d'historique telle que stockée : (instant, avancement, statut) ; l'un des deux peut manquer."""


class Etat(NamedTuple):
    """Statut et avancement d'une action."""

    statut: StatutAction
    avancement: int


@dataclass(frozen=True)
class Trajectoire:
    """Une action (non archivée) et ses états successifs, datés de leur instant effectif."""

    action_id: int
    axe_id: int
    cree_le: datetime
    actuel: Etat
    changements: tuple[tuple[datetime, Etat], ...]  # (création, état de départ), puis un par ligne


# Les états possibles, créés une fois et retrouvés par la valeur stockée du statut : le cumul de
# l'évolution en rejoue des centaines de milliers. Un statut inconnu (saisie directe en base) ne
# change rien : il se lit comme un statut absent.
_ETATS: Final = {(s.value, a): Etat(s, a) for s in StatutAction for a in range(101)}
_STATUTS: Final = frozenset(s.value for s in StatutAction)


def _en_utc(instant: datetime) -> datetime:
    # Le cas courant en ligne, sans appel : relu de SQLite (sans fuseau) ou de PostgreSQL (en UTC).
    if instant.tzinfo is None:
        return instant.replace(tzinfo=UTC)
    return instant if instant.tzinfo is UTC else en_utc(instant)


def trajectoire(
    *, action_id: int, axe_id: int, cree_le: datetime, actuel: Etat, lignes: Iterable[Ligne]
) -> Trajectoire:
    """Rejoue les lignes d'historique d'une action (données dans l'ordre d'écriture) par instant effectif."""
    changements = _rejouer(cree_le, actuel, lignes)
    changements[-1] = (changements[-1][0], actuel)
    return Trajectoire(action_id, axe_id, changements[0][0], actuel, tuple(changements))


def etat_final(*, cree_le: datetime, depart: Etat, lignes: Iterable[Ligne]) -> Etat:
    """L'état que laisse tout l'historique : ce que l'action doit valoir après une ligne datée du passé."""
    return _rejouer(cree_le, depart, lignes)[-1][1]


def _rejouer(cree_le: datetime, actuel: Etat, lignes: Iterable[Ligne]) -> list[tuple[datetime, Etat]]:
    creation = _en_utc(cree_le)
    etapes = sorted(  # stable : à instant égal, l'ordre d'écriture
        (
            (max(_en_utc(quand), creation), avancement, statut if statut in _STATUTS else None)
            for quand, avancement, statut in lignes
        ),
        key=lambda etape: etape[0],
    )
    statut = StatutAction.PROPOSEE.value if any(e[2] for e in etapes) else actuel.statut.value
    avancement = 0 if any(e[1] is not None for e in etapes) else actuel.avancement
    changements = [(creation, _ETATS.get((statut, avancement)) or Etat(StatutAction(statut), avancement))]
    for quand, valeur, note in etapes:
        statut = note or statut
        avancement = avancement if valeur is None else valeur
        etat = _ETATS.get((statut, avancement)) or Etat(StatutAction(statut), avancement)
        changements.append((quand, etat))
    return changements


def etat_a(trajectoire: Trajectoire, avant: datetime | None) -> Etat | None:
    """Rend l'état laissé par les lignes antérieures à `avant` (None : l'actuel) ; None avant la création."""
    if avant is None:
        return trajectoire.actuel
    etat = None
    for quand, suivant in trajectoire.changements:
        if quand >= avant:
            break
        etat = suivant
    return etat


def termine_le(trajectoire: Trajectoire, avant: datetime) -> datetime | None:
    """Instant du dernier passage à « terminée » avant `avant` (None si elle ne l'est pas à cet instant)."""
    depuis: datetime | None = None
    for quand, etat in trajectoire.changements:
        if quand >= avant:
            break
        if etat.statut != StatutAction.TERMINEE:
            depuis = None
        elif depuis is None:
            depuis = quand
    return depuis


def lignes_entre(trajectoire: Trajectoire, debut: datetime, fin: datetime) -> int:
    """Nombre de lignes d'historique d'instant effectif compris entre `debut` (inclus) et `fin` (exclu)."""
    return sum(1 for quand, _ in trajectoire.changements[1:] if debut <= quand < fin)


def contribution(etat: Etat | None) -> tuple[int, int]:
    """Ce qu'un état apporte à l'avancement moyen : (avancement, 1), ou (0, 0) s'il n'y compte pas."""
    if etat is None or not compte_dans_la_moyenne(etat.statut):
        return 0, 0
    return etat.avancement, 1


def borne_de_maintenant(maintenant: datetime) -> datetime:
    """La borne qui lit l'état à `maintenant` : ce qui a été enregistré à cet instant même compte déjà."""
    return en_utc(maintenant) + RESOLUTION


# --- Lecture ------------------------------------------------------------------------------------


def lire_historiques(session: Session, *conditions: Any) -> dict[int, list[Ligne]]:
    """Les lignes d'historique choisies par `conditions`, par action, dans l'ordre d'écriture."""
    # Instants lus tels que stockés, mis en UTC par `trajectoire` : la conversion ligne à ligne de
    # SQLModel double le temps de lecture de 100 000 lignes (cumul reconstruit au démarrage).
    quand = sa.type_coerce(col(MiseAJour.quand), sa.DateTime())
    lignes = lire_lignes(
        session,
        sa.select(col(MiseAJour.action_id), quand, col(MiseAJour.avancement), col(MiseAJour.statut))
        .where(*conditions)
        .order_by(col(MiseAJour.action_id), col(MiseAJour.id)),
    )
    return {
        action_id: [(quand, avancement, statut) for _, quand, avancement, statut in groupe]
        for action_id, groupe in groupby(lignes, key=lambda ligne: ligne[0])
    }


COLONNES_TRAJECTOIRE: Final = (
    col(Action.id),
    col(Action.axe_id),
    col(Action.cree_le),
    col(Action.statut),
    col(Action.avancement),
)
"""Les colonnes d'une action qu'il faut pour la rejouer (`trajectoire_de_ligne`), à ajouter à une requête."""


def trajectoire_de_ligne(ligne: Any, historiques: dict[int, list[Ligne]]) -> Trajectoire:
    """La trajectoire d'une action lue avec `COLONNES_TRAJECTOIRE` et son historique (`lire_historiques`)."""
    return trajectoire(
        action_id=ligne.id,
        axe_id=ligne.axe_id,
        cree_le=ligne.cree_le,
        actuel=Etat(StatutAction(ligne.statut), int(ligne.avancement)),
        lignes=historiques.get(ligne.id, ()),
    )


def lire_trajectoires(
    session: Session,
    *,
    guild_id: int,
    action_id: int | None = None,
    axe_ids: Iterable[int] | None = None,
) -> list[Trajectoire]:
    """Les trajectoires des actions non archivées du serveur (ou d'une seule, ou de quelques axes)."""
    actions: list[Any] = [col(Action.guild_id) == guild_id, col(Action.archivee) == false()]
    historique: list[Any] = [col(MiseAJour.guild_id) == guild_id]
    if action_id is not None:
        actions.append(col(Action.id) == action_id)
        historique.append(col(MiseAJour.action_id) == action_id)
    if axe_ids is not None:
        actions.append(col(Action.axe_id).in_(list(axe_ids)))
    lignes = lire_lignes(session, sa.select(*COLONNES_TRAJECTOIRE).where(*actions))
    historiques = lire_historiques(session, *historique)
    return [trajectoire_de_ligne(ligne, historiques) for ligne in lignes]
