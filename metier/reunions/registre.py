"""Réunions : planifier, lire, lister, annuler, rechercher (base de données)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import or_
from sqlmodel import Session, col, select

from metier.erreurs import ErreurMetier, RefusDroits
from metier.journal import journaliser
from metier.protocole import COULEUR_VILLE_RETIREE
from metier.reunions.heure_locale import resoudre_heure_locale
from metier.reunions.saisie import (
    LONGUEUR_TITRE,
    format_rappel,
    texte_rappels,
    verifier_duree,
    verifier_lien,
    verifier_rappels,
)
from metier.reunions.series import Occurrence, exiger_utc, occurrences, regle_pour
from metier.serveurs import Configuration, configuration_amorcee, reserver_numero
from metier.temps import (
    Ville,
    format_date_longue,
    format_heure,
    normaliser,
)
from modeles import OccurrenceAnnulee, Recurrence, Reunion

PROCHAINES = 5
_SECONDE = timedelta(seconds=1)

# --- Base de données -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ReunionPlanifiee:
    """Réunion enregistrée, message sur une heure ambiguë, et ses prochaines séances."""

    reunion: Reunion
    message: str | None
    prochaines: list[Occurrence]


@dataclass(frozen=True)
class Annulation:
    """Série annulée (occurrence None) ou une seule séance retirée."""

    reunion: Reunion
    occurrence: Occurrence | None


def verifier_titre(titre: str) -> str:
    propre = " ".join(titre.split())
    if not propre:
        raise ErreurMetier("Donnez un titre à la réunion, par exemple « Comité de suivi du protocole ».")
    if len(propre) > LONGUEUR_TITRE:
        raise ErreurMetier(
            f"Le titre fait {len(propre)} caractères : {LONGUEUR_TITRE} au plus. Raccourcissez-le."
        )
    return propre


def annulees_par_reunion(session: Session, reunion_ids: list[int]) -> dict[int, set[datetime]]:
    """Débuts (UTC) des séances annulées de chaque série."""
    par_reunion: dict[int, set[datetime]] = {i: set() for i in reunion_ids}
    if reunion_ids:
        lignes = session.exec(
            select(OccurrenceAnnulee.reunion_id, OccurrenceAnnulee.debut).where(
                col(OccurrenceAnnulee.reunion_id).in_(reunion_ids)
            )
        )
        for reunion_id, debut in lignes:
            par_reunion[reunion_id].add(exiger_utc(debut))
    return par_reunion


def salon_des_rappels(salon_rappels_id: int | None, reunion: Reunion) -> int | None:
    """Le salon des rappels du serveur s'il est choisi, sinon celui de la réunion."""
    return salon_rappels_id or reunion.salon_id


def seances_annulees(session: Session, reunion_id: int) -> set[datetime]:
    """Débuts (UTC) des séances annulées d'une série."""
    return annulees_par_reunion(session, [reunion_id])[reunion_id]


def _journaliser_creation(session: Session, reunion: Reunion) -> None:
    """Consigne au journal la réunion créée, champ par champ."""
    journaliser(
        session,
        guild_id=reunion.guild_id,
        auteur_id=reunion.auteur_id,
        entite="reunion",
        entite_id=reunion.numero,
        changements={
            "titre": (None, reunion.titre),
            "ville": (None, reunion.ville),
            "date_debut": (None, reunion.date_debut.isoformat()),
            "heure_locale": (None, reunion.heure_locale.strftime("%H:%M")),
            "duree_minutes": (None, reunion.duree_minutes),
            "recurrence": (None, Recurrence(reunion.recurrence).value),
            "regle": (None, reunion.regle),
            "rappels": (None, reunion.rappels),
            "salon_id": (None, reunion.salon_id),
            "lien": (None, reunion.lien),
            "role_notifier_id": (None, reunion.role_notifier_id),
        },
        quand=reunion.cree_le,
    )


def planifier_reunion(
    session: Session,
    *,
    guild_id: int,
    auteur_id: int,
    titre: str,
    jour: date,
    heure: time,
    ville_code: str,
    duree: timedelta,
    recurrence: Recurrence,
    rappels: list[timedelta],
    salon_id: int | None,
    lien: str | None,
    maintenant: datetime,
    role_notifier_id: int | None = None,
) -> ReunionPlanifiee:
    """Enregistre une réunion (ou une série) à l'heure murale d'une ville partenaire."""
    titre = verifier_titre(titre)
    recurrence = Recurrence(recurrence)
    verifier_duree(duree, f"« {format_rappel(duree)} »")
    verifier_rappels(rappels)
    lien = verifier_lien(lien) if lien is not None else None
    configuration = configuration_amorcee(session, guild_id)
    ville = configuration.ville(ville_code)
    resolution = resoudre_heure_locale(jour, heure, ville)
    if resolution.instant <= exiger_utc(maintenant):
        raise ErreurMetier(
            f"Le {format_date_longue(jour)} à {format_heure(heure)} (heure de {ville.nom}) est déjà passé : "
            "choisissez une date et une heure à venir."
        )
    reunion = Reunion(
        guild_id=guild_id,
        numero=reserver_numero(session, guild_id, "reunion"),
        titre=titre,
        ville=ville.code,
        fuseau=ville.fuseau,
        date_debut=jour,
        heure_locale=heure.replace(tzinfo=None, fold=0),
        pli=resolution.pli,
        duree_minutes=round(duree.total_seconds() / 60),
        recurrence=recurrence,
        regle=regle_pour(recurrence, jour),
        rappels=texte_rappels(rappels),
        salon_id=salon_id,
        lien=lien,
        role_notifier_id=role_notifier_id,
        auteur_id=auteur_id,
        cree_le=maintenant,
    )
    session.add(reunion)
    session.flush()
    _journaliser_creation(session, reunion)
    prochaines = occurrences(reunion, maintenant, limite=PROCHAINES)
    return ReunionPlanifiee(reunion=reunion, message=resolution.message, prochaines=prochaines)


def seances_entre(session: Session, *, guild_id: int, du: datetime, au: datetime) -> list[Occurrence]:
    """Les séances non annulées du serveur qui chevauchent la période (pour ne pas les reproposer)."""
    reunions = session.exec(
        select(Reunion).where(
            Reunion.guild_id == guild_id,
            col(Reunion.annulee).is_(False),
            col(Reunion.date_debut) <= (au + timedelta(days=1)).date(),
        )
    ).all()
    annulees = annulees_par_reunion(session, [r.id for r in reunions if r.id is not None])
    seances: list[Occurrence] = []
    for reunion in reunions:
        assert reunion.id is not None
        # Une séance commencée avant `du` peut encore déborder dessus : une demi-journée de marge.
        seances += [
            o
            for o in occurrences(
                reunion, du - timedelta(hours=13), au, limite=500, annulees=annulees[reunion.id]
            )
            if o.fin > du
        ]
    return sorted(seances, key=lambda o: o.debut)


def lire_reunion(session: Session, *, guild_id: int, numero: int) -> Reunion:
    """Rend la réunion de ce numéro sur ce serveur."""
    reunion = session.exec(
        select(Reunion).where(Reunion.guild_id == guild_id, Reunion.numero == numero)
    ).first()
    if reunion is None:
        raise ErreurMetier(
            f"La réunion #{numero} n'existe pas sur ce serveur. Voyez `/reunion liste` pour les numéros."
        )
    return reunion


def lister_reunions(
    session: Session, *, guild_id: int, maintenant: datetime
) -> list[tuple[Reunion, Occurrence]]:
    """Rend chaque réunion non annulée qui a une séance à venir, avec cette séance, la plus proche d'abord."""
    maintenant = exiger_utc(maintenant)
    # Une réunion unique passée depuis plus de deux jours ne peut plus avoir de séance à venir.
    reunions = session.exec(
        select(Reunion).where(
            Reunion.guild_id == guild_id,
            col(Reunion.annulee).is_(False),
            or_(
                col(Reunion.regle).is_not(None),
                col(Reunion.date_debut) >= (maintenant - timedelta(days=2)).date(),
            ),
        )
    ).all()
    annulees = annulees_par_reunion(session, [r.id for r in reunions if r.id is not None])
    liste = []
    for reunion in reunions:
        assert reunion.id is not None
        suivantes = occurrences(reunion, maintenant, limite=1, annulees=annulees[reunion.id])
        if suivantes:
            liste.append((reunion, suivantes[0]))
    return sorted(liste, key=lambda paire: (paire[1].debut, paire[0].numero))


def annuler_reunion(
    session: Session,
    *,
    guild_id: int,
    numero: int,
    auteur_id: int,
    occurrence: datetime | None,
    maintenant: datetime,
    est_coordination: bool = False,
) -> Annulation:
    """Annule toute la série, ou une seule séance (repérée par son début en UTC).

    Seuls l'auteur de la réunion et la coordination peuvent annuler.
    """
    reunion = lire_reunion(session, guild_id=guild_id, numero=numero)
    assert reunion.id is not None
    if reunion.auteur_id != auteur_id and not est_coordination:
        raise RefusDroits(
            f"Seule la personne qui a planifié la réunion #{numero} (<@{reunion.auteur_id}>) ou la "
            "coordination du protocole peut l'annuler. Rien n'a été modifié."
        )
    maintenant = exiger_utc(maintenant)
    if reunion.annulee:
        raise ErreurMetier(f"La réunion #{numero} est déjà annulée.")
    annulees = annulees_par_reunion(session, [reunion.id])[reunion.id]
    if occurrence is None:
        _annuler_serie(session, reunion, annulees, auteur_id, maintenant)
        return Annulation(reunion=reunion, occurrence=None)
    seance = _annuler_seance(session, reunion, exiger_utc(occurrence), annulees, auteur_id, maintenant)
    return Annulation(reunion=reunion, occurrence=seance)


def _annuler_serie(
    session: Session, reunion: Reunion, annulees: set[datetime], auteur_id: int, maintenant: datetime
) -> None:
    if not occurrences(reunion, maintenant, limite=1, annulees=annulees):
        raise ErreurMetier(f"La réunion #{reunion.numero} est déjà passée : il n'y a plus rien à annuler.")
    reunion.annulee = True
    session.add(reunion)
    journaliser(
        session,
        guild_id=reunion.guild_id,
        auteur_id=auteur_id,
        entite="reunion",
        entite_id=reunion.numero,
        changements={"annulee": (False, True)},
        quand=maintenant,
    )
    session.flush()


def _annuler_seance(
    session: Session,
    reunion: Reunion,
    debut: datetime,
    annulees: set[datetime],
    auteur_id: int,
    maintenant: datetime,
) -> Occurrence:
    numero = reunion.numero
    if debut <= maintenant:
        raise ErreurMetier(
            f"Cette séance de la réunion #{numero} est déjà passée : choisissez une séance à venir."
        )
    trouvees = occurrences(reunion, debut - _SECONDE, avant=debut + _SECONDE, limite=1)
    if not trouvees or trouvees[0].debut != debut:
        raise ErreurMetier(
            f"La réunion #{numero} n'a pas de séance à cet instant : "
            "choisissez-en une dans la liste proposée."
        )
    if debut in annulees:
        raise ErreurMetier(f"Cette séance de la réunion #{numero} est déjà annulée.")
    assert reunion.id is not None
    session.add(
        OccurrenceAnnulee(
            guild_id=reunion.guild_id,
            reunion_id=reunion.id,
            debut=debut,
            auteur_id=auteur_id,
            quand=maintenant,
        )
    )
    journaliser(
        session,
        guild_id=reunion.guild_id,
        auteur_id=auteur_id,
        entite="reunion",
        entite_id=numero,
        changements={"occurrence_annulee": (None, debut.isoformat())},
        quand=maintenant,
    )
    session.flush()
    return trouvees[0]


def rechercher_reunions(session: Session, *, guild_id: int, saisie: str, limite: int = 25) -> list[Reunion]:
    """Propose des réunions par numéro (« 12 », « #12 ») ou par mots du titre, sans égard aux accents."""
    cle = normaliser(saisie).lstrip("#").strip()
    mots = cle.split()
    reunions = session.exec(select(Reunion).where(Reunion.guild_id == guild_id)).all()
    classees: list[tuple[tuple[int, bool, int], Reunion]] = []
    for reunion in reunions:
        titre = normaliser(reunion.titre)
        if cle.isdigit() and str(reunion.numero) == cle:
            rang = 0
        elif cle.isdigit() and str(reunion.numero).startswith(cle):
            rang = 1
        elif all(mot in titre for mot in mots):
            rang = 2
        else:
            continue
        classees.append(((rang, reunion.annulee, -reunion.numero), reunion))
    classees.sort(key=lambda paire: paire[0])
    return [reunion for _, reunion in classees[:limite]]


def ville_d_ancrage(configuration: Configuration, reunion: Reunion) -> Ville:
    """Ville dont l'horloge fait foi pour la réunion (même si elle n'est plus partenaire)."""
    return next(
        (v for v in configuration.villes if v.code == reunion.ville),
        Ville(reunion.ville, reunion.ville.capitalize(), reunion.fuseau, COULEUR_VILLE_RETIREE),
    )
