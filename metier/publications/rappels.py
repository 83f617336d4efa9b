"""Ce qu'un rappel de réunion montre : la séance, l'ordre du jour automatique, les présences."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from metier.actions.etat import RESOLUTION
from metier.erreurs import ErreurMetier
from metier.membres import fiches_des_membres
from metier.publications.ordre_du_jour import OrdreDuJour, ordre_du_jour
from metier.reunions.comptes_rendus import Present, Suivis, present, suivis_precedents
from metier.reunions.registre import annulees_par_reunion, seances_annulees
from metier.reunions.series import Occurrence, occurrences
from metier.serveurs import Configuration, configuration_amorcee
from metier.stockage import ident
from metier.temps import ChangementEcart, aujourd_hui, en_utc, prochain_changement_ecart
from modeles import Livraison, Presence, Reunion

REPONSES = {"present": "présent", "absent": "absent", "peut_etre": "peut-être"}
RECUL_SEANCE_PRECEDENTE = timedelta(days=400)
SANS_SEANCE_SUIVANTE = timedelta(days=14)


@dataclass(frozen=True)
class ContexteRappel:
    """Tout ce qu'il faut pour écrire un rappel."""

    reunion: Reunion
    seance: Occurrence
    configuration: Configuration
    ordre: OrdreDuJour
    presences: dict[str, int]
    decalage: timedelta
    nommees: dict[str, list[Present]]
    suivis: Suivis | None = None


def compter_presences(session: Session, *, reunion_id: int, debut: datetime) -> dict[str, int]:
    """Nombre de présents, d'absents et de peut-être pour une séance."""
    par_seance = presences_par_seance(session, reunion_ids=[reunion_id], du=debut, au=debut + RESOLUTION)
    return par_seance.get((reunion_id, en_utc(debut)), dict.fromkeys(REPONSES, 0))


def presences_nommees(session: Session, *, reunion_id: int, debut: datetime) -> dict[str, list[Present]]:
    """Qui a répondu quoi à une séance, nommé (nom relevé) avec sa ville, dans l'ordre des réponses."""
    lignes = session.exec(
        select(Presence.membre_id, Presence.reponse, Presence.ville, Presence.guild_id)
        .where(Presence.reunion_id == reunion_id, Presence.debut == debut)
        .order_by(col(Presence.quand), col(Presence.membre_id))
    ).all()
    fiches = fiches_des_membres(session, lignes[0][3], [ligne[0] for ligne in lignes]) if lignes else {}
    par_reponse: dict[str, list[Present]] = {reponse: [] for reponse in REPONSES}
    for membre_id, reponse, ville, _ in lignes:
        if reponse in par_reponse:
            par_reponse[reponse].append(present(membre_id, fiches.get(membre_id), ville))
    return par_reponse


def presences_par_seance(
    session: Session, *, reunion_ids: list[int], du: datetime, au: datetime
) -> dict[tuple[int, datetime], dict[str, int]]:
    """Les réponses de chaque séance de ces réunions commencée entre `du` (inclus) et `au` (exclu).

    Une seule requête pour toute une année de séances (le rapport), au lieu d'une par séance.
    """
    if not reunion_ids:
        return {}
    lignes = session.exec(
        select(Presence.reunion_id, Presence.debut, Presence.reponse, func.count())
        .where(col(Presence.reunion_id).in_(reunion_ids), Presence.debut >= du, Presence.debut < au)
        .group_by(col(Presence.reunion_id), col(Presence.debut), col(Presence.reponse))
    )
    comptes: dict[tuple[int, datetime], dict[str, int]] = {}
    for reunion_id, debut, reponse, nombre in lignes:
        seance = comptes.setdefault((reunion_id, en_utc(debut)), dict.fromkeys(REPONSES, 0))
        if reponse in seance:
            seance[reponse] = int(nombre)
    return comptes


def contexte_rappel(session: Session, *, livraison_id: int, maintenant: datetime) -> ContexteRappel | None:
    """Rassemble le rappel d'une livraison ; None si la séance a été annulée entre-temps."""
    livraison = session.get(Livraison, livraison_id)
    if livraison is None or livraison.reunion_id is None or livraison.occurrence is None:
        return None
    reunion = session.get(Reunion, livraison.reunion_id)
    if reunion is None or reunion.annulee:
        return None
    annulees = seances_annulees(session, ident(reunion))
    debut = livraison.occurrence
    seances = occurrences(
        reunion, debut - timedelta(seconds=1), debut + timedelta(seconds=1), annulees=annulees
    )
    if not seances:
        return None
    seance = seances[0]
    precedentes = occurrences(reunion, debut - RECUL_SEANCE_PRECEDENTE, debut, limite=500, annulees=annulees)
    suivantes = occurrences(reunion, debut, limite=1, annulees=annulees)
    configuration = configuration_amorcee(session, reunion.guild_id)
    depuis = precedentes[-1].debut if precedentes else reunion.cree_le
    jusqu_au = suivantes[0].debut if suivantes else debut + SANS_SEANCE_SUIVANTE
    ordre = ordre_du_jour(
        session,
        guild_id=reunion.guild_id,
        depuis=depuis,
        jour=aujourd_hui(maintenant, configuration.reference),
        jusqu_au=aujourd_hui(jusqu_au, configuration.reference),
    )
    return ContexteRappel(
        reunion=reunion,
        seance=seance,
        configuration=configuration,
        ordre=ordre,
        presences=compter_presences(session, reunion_id=ident(reunion), debut=debut),
        decalage=debut - livraison.echeance,
        nommees=presences_nommees(session, reunion_id=ident(reunion), debut=debut),
        suivis=suivis_precedents(session, reunion_id=ident(reunion), avant=debut),
    )


def repondre_presence(
    session: Session,
    *,
    guild_id: int,
    reunion_id: int,
    debut: datetime,
    membre_id: int,
    reponse: str,
    maintenant: datetime,
    ville: str | None = None,
) -> dict[str, int]:
    """Enregistre (ou remplace) la réponse d'un membre et sa ville ; rend les nouveaux comptes."""
    if reponse not in REPONSES:
        raise ErreurMetier("Réponse inconnue : choisissez présent, absent ou peut-être.")
    reunion = session.get(Reunion, reunion_id)
    if reunion is None or reunion.guild_id != guild_id:
        raise ErreurMetier("Cette réunion n'existe plus.")
    if reunion.annulee or debut in seances_annulees(session, reunion_id):
        raise ErreurMetier("Cette séance a été annulée : inutile d'y répondre.")
    if debut <= maintenant:
        raise ErreurMetier("Cette séance a déjà commencé : les réponses sont closes.")
    existante = session.exec(
        select(Presence).where(
            Presence.reunion_id == reunion_id, Presence.debut == debut, Presence.membre_id == membre_id
        )
    ).first()
    if existante is None:
        try:
            with session.begin_nested():
                session.add(
                    Presence(
                        guild_id=guild_id,
                        reunion_id=reunion_id,
                        debut=debut,
                        membre_id=membre_id,
                        reponse=reponse,
                        ville=ville,
                        quand=maintenant,
                    )
                )
                session.flush()
        except IntegrityError:  # double clic simultané : la seconde réponse remplace la première
            existante = session.exec(
                select(Presence).where(
                    Presence.reunion_id == reunion_id,
                    Presence.debut == debut,
                    Presence.membre_id == membre_id,
                )
            ).one()
    if existante is not None:
        existante.reponse, existante.ville, existante.quand = reponse, ville, maintenant
        session.add(existante)
        session.flush()
    return compter_presences(session, reunion_id=reunion_id, debut=debut)


@dataclass(frozen=True)
class ContexteEcart:
    """Un changement d'écart à annoncer et les séances qu'il déplace dans l'horloge des autres villes."""

    changement: ChangementEcart
    retour: ChangementEcart | None
    configuration: Configuration
    seances: list[tuple[Reunion, Occurrence]]


def contexte_avis_ecart(session: Session, *, livraison_id: int) -> ContexteEcart | None:
    """Rassemble l'avis d'un changement d'écart ; None s'il n'y a plus de changement à cet instant."""
    livraison = session.get(Livraison, livraison_id)
    if livraison is None or livraison.occurrence is None:
        return None
    configuration = configuration_amorcee(session, livraison.guild_id)
    ville = livraison.cle.split(":")[1]
    autres = [v for v in configuration.villes[1:] if v.code == ville]
    if not autres:
        return None
    reference, autre = configuration.villes[0], autres[0]
    changement = prochain_changement_ecart(reference, autre, livraison.occurrence - timedelta(seconds=1))
    if changement is None or changement.instant != livraison.occurrence:
        return None
    retour = prochain_changement_ecart(reference, autre, changement.instant)
    fin = retour.instant if retour else changement.instant + timedelta(days=60)
    seances: list[tuple[Reunion, Occurrence]] = []
    reunions = session.exec(
        select(Reunion).where(Reunion.guild_id == livraison.guild_id, Reunion.annulee == False)  # noqa: E712
    ).all()
    annulees = annulees_par_reunion(session, [ident(r) for r in reunions])
    for reunion in reunions:
        debuts = annulees[ident(reunion)]
        seances += [(reunion, s) for s in occurrences(reunion, changement.instant, fin, annulees=debuts)]
    seances.sort(key=lambda paire: paire[1].debut)
    return ContexteEcart(changement, retour, configuration, seances)
