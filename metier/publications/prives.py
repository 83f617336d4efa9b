"""Rappels en message privé : un membre s'inscrit aux rappels suivants d'une réunion, ou s'en retire."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from metier.erreurs import ErreurMetier
from metier.publications.livraisons import MOTIF_DESINSCRIPTION, TypeLivraison, planifier_prives
from metier.reunions.registre import seances_annulees
from metier.reunions.saisie import rappels_de
from metier.reunions.series import Occurrence, exiger_utc, occurrences
from metier.serveurs import Configuration, configuration_amorcee
from modeles import Livraison, RappelPrive, Reunion, StatutLivraison


@dataclass(frozen=True)
class Inscription:
    """Où en est un membre après son clic : inscrit ou non, et le prochain rappel privé prévu."""

    reunion: Reunion
    inscrit: bool
    # Le prochain message privé déjà planifié : son instant et le début de sa séance.
    prochain: tuple[datetime, datetime] | None


@dataclass(frozen=True)
class ContextePrive:
    """Ce qu'un rappel en message privé montre : la réunion, la séance, les villes du serveur."""

    reunion: Reunion
    seance: Occurrence
    configuration: Configuration


def _reunion_ouverte(session: Session, reunion_id: int, guild_id: int | None) -> Reunion:
    reunion = session.get(Reunion, reunion_id)
    if reunion is None or (guild_id is not None and reunion.guild_id != guild_id):
        raise ErreurMetier("Cette réunion n'existe plus.")
    return reunion


def _prochain(
    session: Session, reunion_id: int, membre_id: int, maintenant: datetime
) -> tuple[datetime, datetime] | None:
    ligne = session.exec(
        select(Livraison.echeance, Livraison.occurrence)
        .where(
            Livraison.reunion_id == reunion_id,
            Livraison.membre_id == membre_id,
            Livraison.type == TypeLivraison.PRIVE,
            Livraison.statut == StatutLivraison.PREVUE,
            Livraison.echeance > maintenant,
        )
        .order_by(col(Livraison.echeance))
    ).first()
    if ligne is None or ligne[1] is None:
        return None
    return exiger_utc(ligne[0]), exiger_utc(ligne[1])


def basculer_rappel_prive(
    session: Session, *, guild_id: int, reunion_id: int, membre_id: int, maintenant: datetime
) -> Inscription:
    """Inscrit le membre aux rappels privés de la réunion, ou l'en retire s'il l'était déjà."""
    inscrite = session.exec(
        select(RappelPrive.id).where(RappelPrive.reunion_id == reunion_id, RappelPrive.membre_id == membre_id)
    ).first()
    if inscrite is not None:
        return retirer_rappel_prive(session, reunion_id=reunion_id, membre_id=membre_id, guild_id=guild_id)
    reunion = _reunion_ouverte(session, reunion_id, guild_id)
    if reunion.annulee:
        raise ErreurMetier("Cette réunion est annulée : il n'y a plus rien à rappeler.")
    if not rappels_de(reunion):
        raise ErreurMetier(
            f"La réunion #{reunion.numero} n'a aucun rappel (option « rappels ») : rien à envoyer en privé."
        )
    if not occurrences(reunion, maintenant, limite=1, annulees=seances_annulees(session, reunion_id)):
        raise ErreurMetier("Cette réunion n'a plus de séance à venir : il n'y a plus rien à rappeler.")
    try:
        with session.begin_nested():
            session.add(
                RappelPrive(guild_id=guild_id, reunion_id=reunion_id, membre_id=membre_id, cree_le=maintenant)
            )
            session.flush()
    except IntegrityError:
        pass  # double clic simultané : une seule inscription
    planifier_prives(session, guild_id=guild_id, maintenant=maintenant)
    return Inscription(reunion, True, _prochain(session, reunion_id, membre_id, maintenant))


def retirer_rappel_prive(
    session: Session, *, reunion_id: int, membre_id: int, guild_id: int | None = None
) -> Inscription:
    """Retire l'inscription (du serveur ou du message privé) et les messages privés pas encore partis."""
    reunion = _reunion_ouverte(session, reunion_id, guild_id)
    inscription = session.exec(
        select(RappelPrive).where(RappelPrive.reunion_id == reunion_id, RappelPrive.membre_id == membre_id)
    ).first()
    if inscription is not None:
        session.delete(inscription)
    en_attente = session.exec(
        select(Livraison).where(
            Livraison.reunion_id == reunion_id,
            Livraison.membre_id == membre_id,
            Livraison.type == TypeLivraison.PRIVE,
            Livraison.statut == StatutLivraison.PREVUE,
        )
    ).all()
    for livraison in en_attente:
        livraison.statut, livraison.erreur = StatutLivraison.ANNULEE, MOTIF_DESINSCRIPTION
        session.add(livraison)
    session.flush()
    return Inscription(reunion, False, None)


def contexte_prive(session: Session, *, livraison_id: int) -> ContextePrive | None:
    """La séance d'un rappel privé ; None si elle est annulée ou si le membre s'est retiré entre-temps."""
    livraison = session.get(Livraison, livraison_id)
    if livraison is None or livraison.reunion_id is None or livraison.occurrence is None:
        return None
    reunion = session.get(Reunion, livraison.reunion_id)
    if reunion is None or reunion.annulee:
        return None
    inscrit = session.exec(
        select(RappelPrive.id).where(
            RappelPrive.reunion_id == livraison.reunion_id, RappelPrive.membre_id == livraison.membre_id
        )
    ).first()
    if inscrit is None:
        return None
    debut = livraison.occurrence
    seances = occurrences(
        reunion,
        debut - timedelta(seconds=1),
        debut + timedelta(seconds=1),
        annulees=seances_annulees(session, livraison.reunion_id),
    )
    if not seances:
        return None
    return ContextePrive(reunion, seances[0], configuration_amorcee(session, reunion.guild_id))
