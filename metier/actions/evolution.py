"""Avancement des axes mois par mois : un cumul tenu à jour plutôt que l'historique rejoué.

À chaque instant, une action compte dans l'avancement moyen de son axe selon son état à cet
instant (`metier.actions.etat`) et la règle de `metier.statuts` : non archivée, non abandonnée,
à son avancement d'alors.

Chaque action se résume ainsi à des apports datés de l'instant effectif de chaque changement : à
sa création, sa contribution de départ (son avancement et une action de plus, si elle compte) ; à
chaque mise à jour, l'écart avec sa contribution d'avant (une action abandonnée retire son
avancement et se retire du nombre). La table `evolution_mensuelle` en garde la somme par axe et par
mois (UTC) : le graphique `evolution` lit quelques dizaines de lignes au lieu de rejouer des
dizaines de milliers de mises à jour.

Les règles de `metier.actions.registre` la tiennent à jour : elles relèvent les apports d'une action avant
de la changer (`apports_action`), puis reportent la différence (`reporter`). `recalculer` la
reconstruit d'après l'historique : au démarrage après une migration qui la marque à refaire, ou
après un chargement en bloc qui passe à côté des règles.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy import false
from sqlmodel import Session, col, select

from metier.actions.etat import (
    Etat,
    Trajectoire,
    borne_de_maintenant,
    contribution,
    lire_historiques,
    lire_trajectoires,
    trajectoire,
)
from metier.stockage import lire_lignes
from metier.temps import en_utc
from modeles import Action, ConfigServeur, EvolutionMensuelle, MiseAJour, StatutAction

_TABLE = EvolutionMensuelle.__table__  # type: ignore[attr-defined]

Apports = dict[tuple[int, date], tuple[int, int]]
"""(axe_id, premier jour du mois) → (variation de la somme des avancements, du nombre d'actions comptées)."""


def premier_du_mois(instant: datetime) -> date:
    """Premier jour du mois (UTC) de cet instant."""
    utc = en_utc(instant)
    return date(utc.year, utc.month, 1)


def _ajouter(apports: Apports, cle: tuple[int, date], somme: int, nombre: int) -> None:
    ancienne_somme, ancien_nombre = apports.get(cle, (0, 0))
    apports[cle] = (ancienne_somme + somme, ancien_nombre + nombre)


def _apports_d_une_trajectoire(apports: Apports, t: Trajectoire, avant: datetime | None = None) -> None:
    """Ajoute les apports d'une action, de ses changements antérieurs à `avant` (tous sans borne)."""
    somme = nombre = 0
    for quand, etat in t.changements:
        if avant is not None and quand >= avant:
            break
        nouvelle_somme, nouveau_nombre = contribution(etat)
        if (nouvelle_somme, nouveau_nombre) != (somme, nombre):
            cle = (t.axe_id, premier_du_mois(quand))
            _ajouter(apports, cle, nouvelle_somme - somme, nouveau_nombre - nombre)
            somme, nombre = nouvelle_somme, nouveau_nombre


def calculer_apports(
    session: Session,
    guild_id: int,
    *,
    avant: datetime | None = None,
    axe_ids: Iterable[int] | None = None,
) -> Apports:
    """Apports des actions non archivées du serveur d'après leur historique (avant `avant` s'il est donné)."""
    apports: Apports = {}
    for t in lire_trajectoires(session, guild_id=guild_id, axe_ids=axe_ids):
        _apports_d_une_trajectoire(apports, t, avant)
    return apports


def apports_action(session: Session, action: Action) -> Apports:
    """Ce que cette action apporte au cumul, telle qu'elle est maintenant (à relever avant un changement)."""
    if action.id is None or action.archivee:
        return {}
    t = trajectoire(
        action_id=action.id,
        axe_id=action.axe_id,
        cree_le=action.cree_le,
        actuel=Etat(StatutAction(action.statut), action.avancement),
        lignes=lire_historiques(session, col(MiseAJour.action_id) == action.id).get(action.id, ()),
    )
    apports: Apports = {}
    _apports_d_une_trajectoire(apports, t)
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


def _cumul_utilisable(session: Session, guild_id: int, avant: datetime) -> bool:
    """Vrai si le cumul donne l'état juste avant `avant` : à jour, et rien d'enregistré depuis."""
    config = session.get(ConfigServeur, guild_id)
    if config is None or not config.evolution_a_jour:
        return False
    apres = sa.union_all(
        sa.select(sa.literal(1)).where(col(MiseAJour.guild_id) == guild_id, col(MiseAJour.quand) >= avant),
        sa.select(sa.literal(1)).where(
            col(Action.guild_id) == guild_id,
            col(Action.archivee) == false(),
            col(Action.cree_le) >= avant,
        ),
    )
    return not session.connection().execute(sa.select(sa.exists(apres))).scalar_one()


def sommes_mensuelles(
    session: Session, guild_id: int, *, maintenant: datetime, axe_ids: Iterable[int]
) -> Apports:
    """Apports par axe et par mois jusqu'à `maintenant` (compris), lus dans le cumul quand il le permet.

    Sinon (cumul pas encore construit, ou instant passé alors que l'historique va plus loin), ils
    sont calculés d'après l'historique : même résultat, en plus lent.
    """
    axe_ids = list(axe_ids)
    avant = borne_de_maintenant(maintenant)
    if not _cumul_utilisable(session, guild_id, avant):
        return calculer_apports(session, guild_id, avant=avant, axe_ids=axe_ids)
    lignes = lire_lignes(
        session,
        sa.select(_TABLE.c.axe_id, _TABLE.c.mois, _TABLE.c.somme, _TABLE.c.nombre).where(
            _TABLE.c.guild_id == guild_id, _TABLE.c.axe_id.in_(axe_ids)
        ),
    )
    return {(axe_id, mois): (somme, nombre) for axe_id, mois, somme, nombre in lignes}
