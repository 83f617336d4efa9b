"""Avancement des axes mois par mois : un cumul tenu à jour plutôt que l'historique rejoué.

Une action compte dans son axe à partir de sa création, avec son dernier avancement connu : 0
avant sa première mise à jour d'avancement, son avancement actuel si elle n'en a aucune. Une mise
à jour antidatée (avant la création : horloge décalée, import) compte à la création. Une action
archivée ne compte nulle part, même dans le passé.

Chaque action se résume ainsi à des apports datés : à sa création, une action de plus et sa valeur
de départ ; à chaque mise à jour, l'écart avec la valeur précédente. La table
`evolution_mensuelle` en garde la somme par axe et par mois (UTC) : le graphique `evolution` lit
quelques dizaines de lignes au lieu de rejouer des dizaines de milliers de mises à jour.

Les règles de `metier.actions.registre` la tiennent à jour : elles relèvent les apports d'une action avant
de la changer (`apports_action`), puis reportent la différence (`reporter`). `recalculer` la
reconstruit d'après l'historique : au démarrage après la migration qui l'a créée, ou après un
chargement en bloc qui passe à côté des règles.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from itertools import groupby
from typing import Any

import sqlalchemy as sa
from sqlalchemy import false
from sqlmodel import Session, col, select

from metier.stockage import lire_lignes
from metier.temps import en_utc
from modeles import Action, ConfigServeur, EvolutionMensuelle, MiseAJour

_TABLE = EvolutionMensuelle.__table__  # type: ignore[attr-defined]

Apports = dict[tuple[int, date], tuple[int, int]]
"""(axe_id, premier jour du mois) → (variation de la somme des avancements, actions apparues)."""


def premier_du_mois(instant: datetime) -> date:
    """Premier jour du mois (UTC) de cet instant."""
    utc = en_utc(instant)
    return date(utc.year, utc.month, 1)


def _ajouter(apports: Apports, cle: tuple[int, date], somme: int, nombre: int) -> None:
    ancienne_somme, ancien_nombre = apports.get(cle, (0, 0))
    apports[cle] = (ancienne_somme + somme, ancien_nombre + nombre)


def _apports_d_une_action(
    apports: Apports, axe_id: int, cree_le: datetime, actuel: int, etapes: Iterable[Any]
) -> None:
    """Ajoute les apports d'une action ; `etapes` : ses mises à jour (instant, avancement), dans l'ordre."""
    cree = en_utc(cree_le)
    etapes = [(en_utc(quand), valeur) for quand, valeur in etapes]
    precedente = 0 if etapes else actuel
    _ajouter(apports, (axe_id, premier_du_mois(cree)), precedente, 1)
    for quand, valeur in etapes:
        _ajouter(apports, (axe_id, premier_du_mois(max(quand, cree))), valeur - precedente, 0)
        precedente = valeur


def calculer_apports(
    session: Session,
    guild_id: int,
    *,
    action_id: int | None = None,
    jusqu_a: datetime | None = None,
    axe_ids: Iterable[int] | None = None,
) -> Apports:
    """Apports des actions non archivées du serveur (ou d'une seule), d'après leur historique.

    Avec `jusqu_a`, seul compte ce qui existait à cet instant (actions créées, mises à jour faites).
    """
    actions: list[Any] = [col(Action.guild_id) == guild_id, col(Action.archivee) == false()]
    historique: list[Any] = [col(MiseAJour.guild_id) == guild_id, col(MiseAJour.avancement).is_not(None)]
    if action_id is not None:
        actions.append(col(Action.id) == action_id)
        historique.append(col(MiseAJour.action_id) == action_id)
    if jusqu_a is not None:
        actions.append(col(Action.cree_le) <= jusqu_a)
        historique.append(col(MiseAJour.quand) <= jusqu_a)
    if axe_ids is not None:
        actions.append(col(Action.axe_id).in_(list(axe_ids)))
    actions_lues = lire_lignes(
        session,
        sa.select(col(Action.id), col(Action.axe_id), col(Action.cree_le), col(Action.avancement)).where(
            *actions
        ),
    )
    etapes = lire_lignes(
        session,
        sa.select(col(MiseAJour.action_id), col(MiseAJour.quand), col(MiseAJour.avancement))
        .where(*historique)
        .order_by(col(MiseAJour.action_id), col(MiseAJour.quand), col(MiseAJour.id)),
    )
    par_action = {
        ident: [(quand, valeur) for _, quand, valeur in groupe]
        for ident, groupe in groupby(etapes, key=lambda e: e[0])
    }
    apports: Apports = {}
    for ident, axe_id, cree_le, actuel in actions_lues:
        _apports_d_une_action(apports, axe_id, cree_le, actuel, par_action.get(ident, ()))
    return apports


def apports_action(session: Session, action: Action) -> Apports:
    """Ce que cette action apporte au cumul, telle qu'elle est maintenant (à relever avant un changement)."""
    if action.id is None or action.archivee:
        return {}
    etapes = lire_lignes(
        session,
        sa.select(col(MiseAJour.quand), col(MiseAJour.avancement))
        .where(col(MiseAJour.action_id) == action.id, col(MiseAJour.avancement).is_not(None))
        .order_by(col(MiseAJour.quand), col(MiseAJour.id)),
    )
    apports: Apports = {}
    _apports_d_une_action(apports, action.axe_id, action.cree_le, action.avancement, etapes)
    return apports


def _verrouiller(session: Session, guild_id: int) -> ConfigServeur | None:
    # Sur PostgreSQL, la ligne de configuration sérialise les reports et `recalculer` ;
    # sur SQLite, chaque écriture tient déjà le verrou de la base (BEGIN IMMEDIATE).
    return session.exec(
        select(ConfigServeur).where(ConfigServeur.guild_id == guild_id).with_for_update()
    ).first()


def reporter(session: Session, action: Action, avant: Apports) -> None:
    """Reporte dans le cumul ce qui a changé dans les apports de l'action depuis `avant`."""
    apres = apports_action(session, action)
    ecarts: Apports = {}
    for cle in avant.keys() | apres.keys():
        somme_avant, nombre_avant = avant.get(cle, (0, 0))
        somme_apres, nombre_apres = apres.get(cle, (0, 0))
        if (somme_apres, nombre_apres) != (somme_avant, nombre_avant):
            ecarts[cle] = (somme_apres - somme_avant, nombre_apres - nombre_avant)
    if not ecarts:
        return
    _verrouiller(session, action.guild_id)
    connexion = session.connection()
    for (axe_id, mois), (somme, nombre) in ecarts.items():
        ligne = (_TABLE.c.guild_id == action.guild_id, _TABLE.c.axe_id == axe_id, _TABLE.c.mois == mois)
        modifiees = connexion.execute(
            _TABLE.update()
            .where(*ligne)
            .values(somme=_TABLE.c.somme + somme, nombre=_TABLE.c.nombre + nombre)
        ).rowcount
        if not modifiees:
            connexion.execute(
                _TABLE.insert().values(
                    guild_id=action.guild_id, axe_id=axe_id, mois=mois, somme=somme, nombre=nombre
                )
            )


def recalculer(session: Session, guild_id: int) -> None:
    """Reconstruit le cumul du serveur d'après tout son historique, et le marque à jour."""
    config = _verrouiller(session, guild_id)
    if config is None:
        return
    connexion = session.connection()
    connexion.execute(_TABLE.delete().where(_TABLE.c.guild_id == guild_id))
    lignes = [
        {"guild_id": guild_id, "axe_id": axe_id, "mois": mois, "somme": somme, "nombre": nombre}
        for (axe_id, mois), (somme, nombre) in calculer_apports(session, guild_id).items()
        if (somme, nombre) != (0, 0)
    ]
    if lignes:
        connexion.execute(_TABLE.insert(), lignes)
    config.evolution_a_jour = True
    session.add(config)
    session.flush()


def recalculer_en_retard(session: Session) -> list[int]:
    """Reconstruit le cumul des serveurs qui n'en ont pas encore ; rend leurs identifiants."""
    serveurs = list(
        session.exec(select(ConfigServeur.guild_id).where(col(ConfigServeur.evolution_a_jour) == false()))
    )
    for guild_id in serveurs:
        recalculer(session, guild_id)
    return serveurs


def _cumul_utilisable(session: Session, guild_id: int, maintenant: datetime) -> bool:
    """Vrai si le cumul donne l'état à `maintenant` : à jour, et rien d'enregistré après."""
    config = session.get(ConfigServeur, guild_id)
    if config is None or not config.evolution_a_jour:
        return False
    apres = sa.union_all(
        sa.select(sa.literal(1)).where(
            col(MiseAJour.guild_id) == guild_id,
            col(MiseAJour.quand) > maintenant,
            col(MiseAJour.avancement).is_not(None),
        ),
        sa.select(sa.literal(1)).where(
            col(Action.guild_id) == guild_id,
            col(Action.archivee) == false(),
            col(Action.cree_le) > maintenant,
        ),
    )
    return not session.connection().execute(sa.select(sa.exists(apres))).scalar_one()


def sommes_mensuelles(
    session: Session, guild_id: int, *, maintenant: datetime, axe_ids: Iterable[int]
) -> Apports:
    """Apports par axe et par mois jusqu'à `maintenant`, lus dans le cumul quand il le permet.

    Sinon (cumul pas encore construit, ou instant passé alors que l'historique va plus loin), ils
    sont calculés d'après l'historique : même résultat, en plus lent.
    """
    axe_ids = list(axe_ids)
    if not _cumul_utilisable(session, guild_id, maintenant):
        return calculer_apports(session, guild_id, jusqu_a=maintenant, axe_ids=axe_ids)
    lignes = lire_lignes(
        session,
        sa.select(_TABLE.c.axe_id, _TABLE.c.mois, _TABLE.c.somme, _TABLE.c.nombre).where(
            _TABLE.c.guild_id == guild_id, _TABLE.c.axe_id.in_(axe_ids)
        ),
    )
    return {(axe_id, mois): (somme, nombre) for axe_id, mois, somme, nombre in lignes}
