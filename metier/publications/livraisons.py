"""Publications planifiées (rappels, avis de changement d'écart, résumés) : rien de perdu, rien en double.

Chaque publication due est une ligne `Livraison`. Le bot ne fait que se réveiller à la prochaine
échéance ; ces règles disent ce qui est dû, le réservent (une seule fois), et consignent l'issue.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from enum import StrEnum
from typing import Any, assert_never, cast

from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select
from sqlmodel.sql.sqltypes import UTCDateTime

from metier.reunions.registre import salon_des_rappels, seances_annulees
from metier.reunions.saisie import rappels_de
from metier.reunions.series import occurrences
from metier.serveurs import Configuration, configuration_amorcee, lire_configurations
from metier.stockage import ident
from metier.temps import changements_ecart, instant_local
from modeles import Livraison, RappelPrive, Reunion, StatutLivraison

HORIZON = timedelta(days=35)
# Une publication partie plus d'une minute après son échéance est dite « en retard ».
TOLERANCE_RETARD = timedelta(minutes=1)
# Le temps de poster : une réservation plus vieille est reprise (le processus est mort en route).
BAIL = timedelta(minutes=5)
ATTENTES = (timedelta(seconds=30), timedelta(minutes=2), timedelta(minutes=10), timedelta(minutes=30))
PREAVIS_ECART = timedelta(days=7)
# Motif des rappels retirés par /reunion modifier : ceux que le nouvel horaire redemande reprennent.
MOTIF_MODIFICATION = "réunion modifiée"
# Motif des rappels privés retirés par le membre : ils reprennent s'il se réinscrit.
MOTIF_DESINSCRIPTION = "rappel en privé retiré par le membre"
MOTIFS_REPRISE = (MOTIF_MODIFICATION, MOTIF_DESINSCRIPTION)


class TypeLivraison(StrEnum):
    """Ce qu'une livraison publie."""

    RAPPEL = "rappel"
    ECART = "ecart"
    RESUME = "resume"
    PRIVE = "prive"  # un rappel en message privé, à un membre inscrit

    @property
    def designation(self) -> str:
        """« le rappel », « l'avis de changement d'écart », « le résumé hebdomadaire »."""
        match self:
            case TypeLivraison.RAPPEL:
                return "le rappel"
            case TypeLivraison.ECART:
                return "l'avis de changement d'écart"
            case TypeLivraison.RESUME:
                return "le résumé hebdomadaire"
            case TypeLivraison.PRIVE:
                return "le rappel en message privé"
            case _:
                assert_never(self)


# Les rappels d'une séance : dans le salon, et en message privé à chaque inscrit.
RAPPELS = (TypeLivraison.RAPPEL, TypeLivraison.PRIVE)


@dataclass(frozen=True)
class Decision:
    """Ce qu'il faut faire d'une livraison réservée."""

    publier: bool
    en_retard: bool
    raison: str | None = None  # pourquoi elle est sautée
    salon_id: int | None = None  # où la publier


def _ajouter(session: Session, livraison: Livraison) -> bool:
    """Ajoute la livraison si sa clé est nouvelle pour ce serveur ; rend vrai si elle l'était.

    Un rappel retiré par une modification de la réunion que le nouvel horaire redemande (même
    séance, même délai), ou un rappel privé retiré puis redemandé par le membre, reprend : sa clé
    est la même, il ne peut pas être recréé.
    """
    existe = session.exec(
        select(Livraison).where(Livraison.guild_id == livraison.guild_id, Livraison.cle == livraison.cle)
    ).first()
    if existe is not None:
        if existe.statut == StatutLivraison.ANNULEE and existe.erreur in MOTIFS_REPRISE:
            existe.statut, existe.erreur, existe.envoyee_le = StatutLivraison.PREVUE, None, None
            existe.echeance, existe.limite = livraison.echeance, livraison.limite
            session.add(existe)
            session.flush()
            return True
        return False
    try:
        with session.begin_nested():
            session.add(livraison)
            session.flush()
    except IntegrityError:
        return False  # planifiée au même instant par un autre processus
    return True


def planifier_rappels(
    session: Session, *, guild_id: int, maintenant: datetime, horizon: timedelta = HORIZON
) -> int:
    """Crée les lignes des rappels des séances des `horizon` prochains jours ; rend le nombre créé.

    Un rappel dont l'instant est déjà passé au moment où on le planifie n'est pas créé (la réponse
    de /reunion planifier le dit) ; les rappels d'une séance ou d'une série annulée sont annulés.
    """
    annuler_rappels_caducs(session, guild_id=guild_id, maintenant=maintenant)
    configuration_amorcee(session, guild_id)
    creees = 0
    reunions = session.exec(
        select(Reunion).where(Reunion.guild_id == guild_id, col(Reunion.annulee).is_(False))
    ).all()
    for reunion in reunions:
        decalages = rappels_de(reunion)
        if not decalages:
            continue
        plus_long = max(decalages)
        seances = occurrences(
            reunion,
            maintenant,
            maintenant + horizon + plus_long,
            annulees=seances_annulees(session, ident(reunion)),
        )
        for seance in seances:
            for decalage in decalages:
                echeance = seance.debut - decalage
                if echeance <= maintenant or echeance > maintenant + horizon:
                    continue
                creees += _ajouter(
                    session,
                    Livraison(
                        guild_id=guild_id,
                        type=TypeLivraison.RAPPEL,
                        cle=f"rappel:{reunion.id}:{seance.cle}:{int(decalage.total_seconds() // 60)}",
                        echeance=echeance,
                        limite=seance.debut,
                        reunion_id=reunion.id,
                        occurrence=seance.debut,
                    ),
                )
    return creees + planifier_prives(session, guild_id=guild_id, maintenant=maintenant)


def planifier_prives(session: Session, *, guild_id: int, maintenant: datetime) -> int:
    """Double chaque rappel à venir d'un message privé à chaque membre inscrit ; rend le nombre créé.

    Le message privé est une livraison à part (même échéance, même limite) : réservée, reprise
    et consignée comme les autres, il part une fois même si le rappel du salon échoue.
    """
    paires = session.exec(
        select(Livraison, RappelPrive.membre_id)
        .join(RappelPrive, col(RappelPrive.reunion_id) == col(Livraison.reunion_id))
        .where(
            Livraison.guild_id == guild_id,
            Livraison.type == TypeLivraison.RAPPEL,
            Livraison.statut == StatutLivraison.PREVUE,
            Livraison.echeance > maintenant,
        )
    ).all()
    creees = 0
    for rappel, membre_id in paires:
        creees += _ajouter(
            session,
            Livraison(
                guild_id=guild_id,
                type=TypeLivraison.PRIVE,
                cle=f"prive:{membre_id}:{rappel.cle.removeprefix('rappel:')}",
                echeance=rappel.echeance,
                limite=rappel.limite,
                reunion_id=rappel.reunion_id,
                occurrence=rappel.occurrence,
                membre_id=membre_id,
            ),
        )
    return creees


def annuler_rappels_caducs(session: Session, *, guild_id: int, maintenant: datetime) -> int:
    """Annule les rappels en attente d'une série ou d'une séance annulée ; rend le nombre annulé."""
    en_attente = session.exec(
        select(Livraison, Reunion)
        .join(Reunion, col(Reunion.id) == col(Livraison.reunion_id))
        .where(
            Livraison.guild_id == guild_id,
            col(Livraison.type).in_(RAPPELS),
            Livraison.statut == StatutLivraison.PREVUE,
        )
    ).all()
    annulees_par_reunion: dict[int, set[datetime]] = {}
    nombre = 0
    for livraison, reunion in en_attente:
        if not reunion.annulee:
            seances = annulees_par_reunion.setdefault(
                ident(reunion), seances_annulees(session, ident(reunion))
            )
            if livraison.occurrence not in seances:
                continue
        livraison.statut = StatutLivraison.ANNULEE
        livraison.erreur = "réunion annulée"
        livraison.envoyee_le = maintenant
        session.add(livraison)
        nombre += 1
    session.flush()
    return nombre


def planifier_avis_ecart(
    session: Session, *, guild_id: int, maintenant: datetime, configuration: Configuration | None = None
) -> int:
    """Crée l'avis publié une semaine avant chaque changement d'écart dû dans les `HORIZON` prochains jours.

    Tous les changements, pas seulement le prochain : à l'automne, Namur (fin octobre) puis
    Terrebonne (début novembre) changent à une semaine d'intervalle, et l'avis du second est dû
    quelques heures après le premier changement, avant la préparation suivante. `configuration` :
    déjà lue (`preparer_serveurs`), sinon lue ici.
    """
    configuration = configuration or configuration_amorcee(session, guild_id)
    if len(configuration.villes) < 2:
        return 0
    reference, creees = configuration.villes[0], 0
    fin = maintenant + HORIZON + PREAVIS_ECART  # l'avis (une semaine avant) tombe dans l'horizon
    for autre in configuration.villes[1:]:
        for changement in changements_ecart(reference, autre, maintenant, fin):
            creees += _ajouter(
                session,
                Livraison(
                    guild_id=guild_id,
                    type=TypeLivraison.ECART,
                    cle=f"ecart:{autre.code}:{changement.instant:%Y%m%dT%H%MZ}",
                    # Changement déjà dans la semaine (serveur tout neuf) : l'avis part tout de suite.
                    echeance=max(changement.instant - PREAVIS_ECART, maintenant),
                    limite=changement.instant,
                    occurrence=changement.instant,
                ),
            )
    return creees


def _prochain_essai() -> Any:
    """Instant du prochain essai : la première échéance, ou la date de la nouvelle tentative."""
    return func.coalesce(Livraison.prochain_essai, Livraison.echeance, type_=UTCDateTime())


def planifier_resume(
    session: Session, *, guild_id: int, maintenant: datetime, configuration: Configuration | None = None
) -> int:
    """Crée (ou recale) la livraison du résumé de la semaine en cours et de la suivante.

    L'instant est le jour et l'heure configurés dans l'horloge de la ville choisie ; la limite est
    la fin de la semaine (lundi suivant, 00 h 00 dans cette ville) : un résumé manqué pendant un
    arrêt part en retard dans la même semaine, sinon il est sauté. `configuration` : déjà lue
    (`preparer_serveurs`), sinon lue ici.
    """
    configuration = configuration or configuration_amorcee(session, guild_id)
    config = configuration.config
    ville = configuration.reference  # la ville du résumé, ou la première si elle a été retirée
    local = ville.heure_locale(maintenant).date()
    creees = 0
    for semaine in (0, 1):
        lundi = local - timedelta(days=local.weekday()) + timedelta(weeks=semaine)
        echeance = instant_local(lundi + timedelta(days=config.resume_jour), config.resume_heure, ville)
        limite = instant_local(lundi + timedelta(weeks=1), time(0), ville)
        annee, numero, _ = lundi.isocalendar()
        cle = f"resume:{annee}-S{numero:02d}"
        existante = session.exec(
            select(Livraison).where(Livraison.guild_id == guild_id, Livraison.cle == cle)
        ).first()
        if existante is not None:
            if (
                existante.statut == StatutLivraison.PREVUE
                and existante.tentatives == 0
                and (existante.echeance != echeance)
            ):
                # L'horaire a changé (/config resume-horaire) : la livraison suit, si elle n'est pas partie.
                existante.echeance, existante.limite = echeance, limite
                session.add(existante)
            continue
        if echeance <= maintenant and semaine == 0 and config.cree_le > echeance:
            continue  # serveur configuré après l'heure de cette semaine : rien de manqué
        creees += _ajouter(
            session,
            Livraison(
                guild_id=guild_id, type=TypeLivraison.RESUME, cle=cle, echeance=echeance, limite=limite
            ),
        )
    session.flush()
    return creees


def preparer_serveurs(session: Session, *, guild_ids: list[int], maintenant: datetime) -> int:
    """Crée les rappels, avis d'écart et résumés à venir de plusieurs serveurs, en une transaction.

    Le démarrage d'un bot qui sert mille serveurs : une transaction (et un passage par un thread)
    par lot plutôt que trois par serveur, les configurations lues ensemble, et les rappels relus
    seulement là où il y a des réunions ou des rappels en attente (ailleurs, `planifier_rappels` ne
    trouverait rien) : 17 requêtes par serveur devenaient ≈ 18 ms chacun, 18 s pour mille.
    Rend le nombre de lignes créées.
    """
    configurations = lire_configurations(session, guild_ids)
    avec_rappels = _serveurs_avec_rappels(session, guild_ids)
    creees = 0
    for guild_id in guild_ids:
        configuration = configurations.get(guild_id) or configuration_amorcee(session, guild_id)
        if guild_id in avec_rappels:
            creees += planifier_rappels(session, guild_id=guild_id, maintenant=maintenant)
        creees += planifier_avis_ecart(
            session, guild_id=guild_id, maintenant=maintenant, configuration=configuration
        )
        creees += planifier_resume(
            session, guild_id=guild_id, maintenant=maintenant, configuration=configuration
        )
    return creees


def _serveurs_avec_rappels(session: Session, guild_ids: list[int]) -> set[int]:
    """Ceux qui ont une réunion non annulée, ou un rappel en attente (peut-être à annuler)."""
    reunions = select(Reunion.guild_id).where(
        col(Reunion.guild_id).in_(guild_ids), col(Reunion.annulee).is_(False)
    )
    rappels = select(Livraison.guild_id).where(
        col(Livraison.guild_id).in_(guild_ids),
        Livraison.type == TypeLivraison.RAPPEL,
        Livraison.statut == StatutLivraison.PREVUE,
    )
    return set(session.execute(reunions.union(rappels)).scalars())


def planifier_resumes(session: Session, *, guild_ids: list[int], maintenant: datetime) -> int:
    """`planifier_resume` pour plusieurs serveurs (les résumés de la même minute), en une transaction."""
    return sum(planifier_resume(session, guild_id=g, maintenant=maintenant) for g in guild_ids)


def prochaine_echeance(session: Session) -> datetime | None:
    """L'instant de la prochaine livraison à tenter, tous serveurs confondus."""
    plus_tot = func.min(_prochain_essai(), type_=UTCDateTime())
    return cast(
        "datetime | None",
        session.exec(select(plus_tot).where(Livraison.statut == StatutLivraison.PREVUE)).one(),
    )


def livraisons_dues(session: Session, *, maintenant: datetime, limite: int = 50) -> list[int]:
    """Rend les identifiants des livraisons à tenter maintenant, les plus anciennes d'abord."""
    quand = _prochain_essai()
    ids = session.exec(
        select(Livraison.id)
        .where(Livraison.statut == StatutLivraison.PREVUE, quand <= maintenant)
        .order_by(quand, col(Livraison.id))
        .limit(limite)
    ).all()
    return [i for i in ids if i is not None]


def reserver(session: Session, *, livraison_id: int, maintenant: datetime) -> Livraison | None:
    """Réserve une livraison due pour ce processus, ou rend None si un autre l'a prise.

    La réservation repousse le prochain essai de `BAIL` : si le processus meurt avant d'avoir
    consigné l'issue, la livraison sera reprise après ce délai, pas perdue.
    """
    quand = _prochain_essai()
    prise = session.execute(
        update(Livraison)
        .where(
            col(Livraison.id) == livraison_id,
            col(Livraison.statut) == StatutLivraison.PREVUE,
            quand <= maintenant,
        )
        .values(prochain_essai=maintenant + BAIL, tentatives=col(Livraison.tentatives) + 1)
        .returning(col(Livraison.id))
    ).first()
    if prise is None:
        return None
    return session.get(Livraison, livraison_id, populate_existing=True)


def decider(session: Session, *, livraison: Livraison, maintenant: datetime) -> Decision:
    """Publier (à l'heure ou en retard, et où) ou sauter une livraison qui n'a plus de sens."""
    if maintenant >= livraison.limite:
        return Decision(publier=False, en_retard=True, raison="trop tard : l'événement a commencé")
    if supplantee(session, livraison, maintenant):
        return Decision(
            publier=False, en_retard=True, raison="remplacé par un rappel plus proche de la séance"
        )
    salon_id = salon_de_livraison(session, livraison_id=ident(livraison))
    if salon_id is None and livraison.type not in RAPPELS:
        # Aucun salon choisi pour ce type de publication : la fonction est désactivée, pas en panne.
        return Decision(publier=False, en_retard=False, raison="aucun salon choisi")
    en_retard = maintenant - livraison.echeance > TOLERANCE_RETARD
    return Decision(publier=True, en_retard=en_retard, salon_id=salon_id)


def supplantee(session: Session, livraison: Livraison, maintenant: datetime) -> bool:
    """Vrai si un rappel plus proche de la même séance est lui aussi dû : seul celui-là partira.

    Après un arrêt, le rappel « 24 h avant » et le rappel « 1 h avant » peuvent être dus ensemble ;
    un seul message, le plus récent, est utile.
    """
    if livraison.type not in RAPPELS or livraison.reunion_id is None:
        return False
    plus_recent = session.exec(
        select(Livraison.id).where(
            Livraison.guild_id == livraison.guild_id,
            Livraison.reunion_id == livraison.reunion_id,
            Livraison.occurrence == livraison.occurrence,
            Livraison.type == livraison.type,
            Livraison.membre_id == livraison.membre_id,
            col(Livraison.statut).in_([StatutLivraison.PREVUE, StatutLivraison.ENVOYEE]),
            Livraison.echeance > livraison.echeance,
            Livraison.echeance <= maintenant,
        )
    ).first()
    return plus_recent is not None


def consigner_envoi(
    session: Session,
    *,
    livraison_id: int,
    maintenant: datetime,
    salon_id: int,
    message_id: int | None,
    en_retard: bool,
) -> None:
    """Note qu'une livraison est partie, où et quand."""
    livraison = session.get(Livraison, livraison_id)
    assert livraison is not None
    livraison.statut, livraison.envoyee_le, livraison.salon_id = StatutLivraison.ENVOYEE, maintenant, salon_id
    livraison.message_id, livraison.en_retard, livraison.erreur = message_id, en_retard, None
    session.add(livraison)


def consigner_saut(session: Session, *, livraison_id: int, maintenant: datetime, raison: str) -> None:
    """Note qu'une livraison n'est pas partie parce qu'elle n'avait plus de sens."""
    livraison = session.get(Livraison, livraison_id)
    assert livraison is not None
    livraison.statut, livraison.envoyee_le, livraison.erreur = (
        StatutLivraison.SAUTEE,
        maintenant,
        raison[:500],
    )
    session.add(livraison)


def consigner_echec(session: Session, *, livraison_id: int, maintenant: datetime, erreur: str) -> bool:
    """Note un échec ; replanifie avec un délai croissant. Rend vrai si c'est l'échec définitif."""
    livraison = session.get(Livraison, livraison_id)
    assert livraison is not None
    livraison.erreur = erreur[:500]
    essai = max(livraison.tentatives, 1)
    attente = ATTENTES[essai - 1] if essai <= len(ATTENTES) else None
    definitif = attente is None or maintenant + attente >= livraison.limite
    if definitif:
        livraison.statut, livraison.envoyee_le = StatutLivraison.ECHEC, maintenant
    else:
        assert attente is not None
        livraison.prochain_essai = maintenant + attente
    session.add(livraison)
    return definitif


def salons_de_secours(session: Session, *, livraison_id: int) -> tuple[list[int], int | None]:
    """Où signaler une livraison abandonnée (autres que son propre salon) et quel rôle prévenir."""
    livraison = session.get(Livraison, livraison_id)
    assert livraison is not None
    config = configuration_amorcee(session, livraison.guild_id).config
    candidats = [config.salon_rappels_id, config.salon_resume_id]
    if livraison.reunion_id is not None:
        reunion = session.get(Reunion, livraison.reunion_id)
        candidats.append(reunion.salon_id if reunion else None)
    echec = salon_de_livraison(session, livraison_id=livraison_id)
    salons = [c for c in dict.fromkeys(candidats) if c is not None and c != echec]
    return salons, config.role_coordination_id


def salon_de_livraison(session: Session, *, livraison_id: int) -> int | None:
    """Le salon où publier, lu au moment de publier : la configuration a pu changer depuis."""
    livraison = session.get(Livraison, livraison_id)
    assert livraison is not None
    config = configuration_amorcee(session, livraison.guild_id).config
    match genre := TypeLivraison(livraison.type):
        case TypeLivraison.RESUME:
            return config.salon_resume_id
        case TypeLivraison.RAPPEL:
            reunion = session.get(Reunion, livraison.reunion_id) if livraison.reunion_id is not None else None
            return salon_des_rappels(config.salon_rappels_id, reunion) if reunion else config.salon_rappels_id
        case TypeLivraison.ECART:
            return config.salon_rappels_id
        case TypeLivraison.PRIVE:
            return None  # la conversation privée du membre, ouverte au moment d'écrire
        case _:
            assert_never(genre)
