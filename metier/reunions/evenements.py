"""Événements Discord des prochaines séances : ce qui doit être publié, ce qui l'est, les échecs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from metier.reunions.registre import annulees_par_reunion
from metier.reunions.series import Occurrence, exiger_utc, occurrences
from metier.serveurs import Configuration, configuration_amorcee
from metier.stockage import ident
from modeles import EtatBot, EvenementDiscord, Reunion

PROCHAINES_EVENEMENTS = 3  # séances publiées par série
# Après un refus de Discord (403, 429, 5xx) : nouvel essai après ces délais, puis signalement.
DELAIS_REPRISE = (timedelta(seconds=30), timedelta(minutes=2), timedelta(minutes=10), timedelta(minutes=30))


@dataclass(frozen=True)
class SeancePubliable:
    """Une séance à venir qui doit avoir son événement Discord."""

    reunion: Reunion
    seance: Occurrence


@dataclass(frozen=True)
class EtatEvenements:
    """Les séances à publier, les événements enregistrés, et la configuration du serveur."""

    voulues: list[SeancePubliable]
    publies: dict[tuple[int, datetime], EvenementDiscord]
    configuration: Configuration
    annulees: dict[int, set[datetime]]  # séances annulées des séries non annulées


def etat_evenements(session: Session, *, guild_id: int, maintenant: datetime) -> EtatEvenements:
    """Les prochaines séances de chaque série non annulée, et les événements déjà enregistrés."""
    maintenant = exiger_utc(maintenant)
    reunions = session.exec(
        select(Reunion).where(Reunion.guild_id == guild_id, col(Reunion.annulee).is_(False))
    ).all()
    annulees = annulees_par_reunion(session, [ident(r) for r in reunions])
    voulues = [
        SeancePubliable(reunion, seance)
        for reunion in reunions
        for seance in occurrences(
            reunion, maintenant, limite=PROCHAINES_EVENEMENTS, annulees=annulees[ident(reunion)]
        )
    ]
    publies = {
        (ligne.reunion_id, exiger_utc(ligne.debut)): ligne
        for ligne in session.exec(select(EvenementDiscord).where(EvenementDiscord.guild_id == guild_id))
    }
    voulues.sort(key=lambda s: (s.seance.debut, s.reunion.numero))
    return EtatEvenements(voulues, publies, configuration_amorcee(session, guild_id), annulees)


def serveurs_concernes(session: Session, *, guild_ids: list[int]) -> set[int]:
    """Parmi `guild_ids`, ceux qui ont une série non annulée ou un événement enregistré.

    Pour les autres, `etat_evenements` ne voudrait ni ne trouverait rien : le démarrage d'un bot qui
    sert mille serveurs ne les relit pas un par un.
    """
    avec_reunion = select(Reunion.guild_id).where(
        col(Reunion.guild_id).in_(guild_ids), col(Reunion.annulee).is_(False)
    )
    avec_evenement = select(EvenementDiscord.guild_id).where(col(EvenementDiscord.guild_id).in_(guild_ids))
    return set(session.execute(avec_reunion.union(avec_evenement)).scalars())


def _ligne(session: Session, guild_id: int, reunion_id: int, debut: datetime) -> EvenementDiscord:
    ligne = session.exec(
        select(EvenementDiscord).where(
            EvenementDiscord.reunion_id == reunion_id, EvenementDiscord.debut == debut
        )
    ).first()
    return ligne or EvenementDiscord(guild_id=guild_id, reunion_id=reunion_id, debut=debut)


def noter_publie(
    session: Session, *, guild_id: int, reunion_id: int, debut: datetime, event_id: int, empreinte: str
) -> None:
    """Retient l'événement publié (créé ou mis à jour) ; efface les échecs passés."""
    ligne = _ligne(session, guild_id, reunion_id, debut)
    ligne.event_id, ligne.empreinte = event_id, empreinte
    ligne.tentatives, ligne.prochain_essai, ligne.erreur, ligne.signale = 0, None, None, False
    session.add(ligne)


def noter_echec(
    session: Session, *, guild_id: int, reunion_id: int, debut: datetime, erreur: str, maintenant: datetime
) -> tuple[bool, datetime]:
    """Compte un échec, fixe le prochain essai ; rend s'il faut le signaler (une fois) et quand reprendre."""
    ligne = _ligne(session, guild_id, reunion_id, debut)
    ligne.tentatives += 1
    ligne.erreur = erreur[:500]
    delai = DELAIS_REPRISE[min(ligne.tentatives, len(DELAIS_REPRISE)) - 1]
    ligne.prochain_essai = maintenant + delai
    signaler = ligne.tentatives >= len(DELAIS_REPRISE) and not ligne.signale
    ligne.signale = ligne.signale or signaler
    session.add(ligne)
    return signaler, ligne.prochain_essai


def deplacer(session: Session, *, reunion_id: int, ancien: datetime, nouveau: datetime) -> None:
    """L'événement d'une séance dont l'heure a changé suit la séance (même événement, nouveau début)."""
    ligne = session.exec(
        select(EvenementDiscord).where(
            EvenementDiscord.reunion_id == reunion_id, EvenementDiscord.debut == ancien
        )
    ).first()
    if ligne is not None:
        ligne.debut = nouveau
        session.add(ligne)


def oublier(session: Session, *, reunion_id: int, debut: datetime) -> None:
    """Efface l'enregistrement d'un événement retiré (séance annulée, commencée, série annulée)."""
    ligne = session.exec(
        select(EvenementDiscord).where(
            EvenementDiscord.reunion_id == reunion_id, EvenementDiscord.debut == debut
        )
    ).first()
    if ligne is not None:
        session.delete(ligne)


def avertir_une_fois(session: Session, *, guild_id: int, maintenant: datetime) -> bool:
    """Vrai la première fois seulement : le serveur n'a pas encore été prévenu de la permission manquante."""
    cle = f"evenements:permission:{guild_id}"
    if session.get(EtatBot, cle) is not None:
        return False
    session.add(EtatBot(cle=cle, valeur="averti", modifie_le=maintenant))
    return True
