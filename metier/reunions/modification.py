"""Modifier une réunion (titre, date, heure, durée, lien, rôle notifié) et replanifier ses rappels."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlmodel import Session, col, select

from metier.erreurs import ErreurMetier, RefusDroits
from metier.journal import journaliser
from metier.publications.livraisons import MOTIF_MODIFICATION, RAPPELS, planifier_rappels
from metier.reunions.heure_locale import resoudre_heure_locale
from metier.reunions.registre import (
    PROCHAINES,
    lire_reunion,
    seances_annulees,
    verifier_titre,
    ville_d_ancrage,
)
from metier.reunions.saisie import format_rappel, verifier_duree, verifier_lien
from metier.reunions.series import Occurrence, exiger_utc, occurrences, regle_pour
from metier.serveurs import configuration_amorcee
from metier.stockage import ident
from metier.temps import format_date_longue, format_heure
from modeles import Livraison, Recurrence, Reunion, StatutLivraison

# Le mot qui retire le lien d'une réunion (l'option « lien » ne peut pas être vidée dans Discord).
SANS_LIEN = "aucun"


@dataclass(frozen=True)
class Modification:
    """La réunion modifiée, ce qui a changé (ancien → nouveau) et sa prochaine séance avant et après."""

    reunion: Reunion
    changements: dict[str, tuple[Any, Any]]
    avant: Occurrence | None
    prochaines: list[Occurrence]
    message: str | None  # comment une heure ambiguë a été lue


def modifier_reunion(
    session: Session,
    *,
    guild_id: int,
    numero: int,
    auteur_id: int,
    maintenant: datetime,
    est_coordination: bool = False,
    titre: str | None = None,
    jour: date | None = None,
    heure: time | None = None,
    duree: timedelta | None = None,
    lien: str | None = None,
    role_notifier_id: int | None = None,
) -> Modification:
    """Change ce qui est donné ; les rappels à venir suivent le nouvel horaire, une fois chacun.

    Seuls l'auteur de la réunion et la coordination peuvent la modifier. Le nouvel horaire vaut
    pour toute la série.
    """
    if all(v is None for v in (titre, jour, heure, duree, lien, role_notifier_id)):
        raise ErreurMetier(
            "Dites ce qui change : au moins une option parmi titre, date, heure, duree, lien, notifier."
        )
    maintenant = exiger_utc(maintenant)
    reunion = lire_reunion(session, guild_id=guild_id, numero=numero)
    if reunion.auteur_id != auteur_id and not est_coordination:
        raise RefusDroits(
            f"Seule la personne qui a planifié la réunion #{numero} (<@{reunion.auteur_id}>) ou la "
            "coordination du protocole peut la modifier. Rien n'a été modifié."
        )
    if reunion.annulee:
        raise ErreurMetier(f"La réunion #{numero} est annulée : elle ne peut plus être modifiée.")
    annulees = seances_annulees(session, ident(reunion))
    suivantes = occurrences(reunion, maintenant, limite=1, annulees=annulees)
    if not suivantes:
        raise ErreurMetier(f"La réunion #{numero} est déjà passée : il n'y a plus rien à modifier.")
    ancien = _valeurs(reunion)
    message = None
    if titre is not None:
        reunion.titre = verifier_titre(titre)
    if duree is not None:
        verifier_duree(duree, f"« {format_rappel(duree)} »")
        reunion.duree_minutes = round(duree.total_seconds() / 60)
    if lien is not None:
        reunion.lien = None if lien.strip().lower() == SANS_LIEN else verifier_lien(lien)
    if role_notifier_id is not None:
        reunion.role_notifier_id = role_notifier_id
    if jour is not None or heure is not None:
        message = _changer_horaire(session, reunion, jour, heure, maintenant)
    changements = {c: (ancien[c], v) for c, v in _valeurs(reunion).items() if v != ancien[c]}
    if changements:
        session.add(reunion)
        journaliser(
            session,
            guild_id=guild_id,
            auteur_id=auteur_id,
            entite="reunion",
            entite_id=numero,
            changements=changements,
            quand=maintenant,
        )
        _replanifier_rappels(session, reunion, maintenant)
    prochaines = occurrences(reunion, maintenant, limite=PROCHAINES, annulees=annulees)
    if not prochaines:
        raise ErreurMetier(
            f"Avec ce changement, la réunion #{numero} n'aurait plus de séance à venir : "
            "choisissez une date et une heure à venir. Rien n'a été modifié."
        )
    return Modification(reunion, changements, suivantes[0], prochaines, message)


def _valeurs(reunion: Reunion) -> dict[str, Any]:
    """Les champs modifiables, tels que le journal les garde."""
    return {
        "titre": reunion.titre,
        "date_debut": reunion.date_debut.isoformat(),
        "heure_locale": reunion.heure_locale.strftime("%H:%M"),
        "pli": reunion.pli,
        "regle": reunion.regle,
        "duree_minutes": reunion.duree_minutes,
        "lien": reunion.lien,
        "role_notifier_id": reunion.role_notifier_id,
    }


def _changer_horaire(
    session: Session, reunion: Reunion, jour: date | None, heure: time | None, maintenant: datetime
) -> str | None:
    """Nouvelle date de début et heure murale, lues dans l'horloge de la ville d'ancrage.

    Une nouvelle date de début doit être à venir (comme pour /reunion planifier) : une série ne
    s'invente pas de séances passées. Une nouvelle heure seule vaut pour toute la série.
    """
    ville = ville_d_ancrage(configuration_amorcee(session, reunion.guild_id), reunion)
    date_donnee = jour is not None
    jour = jour or reunion.date_debut
    heure = (heure or reunion.heure_locale).replace(tzinfo=None, fold=0)
    resolution = resoudre_heure_locale(jour, heure, ville)
    if (date_donnee or reunion.regle is None) and resolution.instant <= maintenant:
        raise ErreurMetier(
            f"Le {format_date_longue(jour)} à {format_heure(heure)} (heure de {ville.nom}) est déjà passé : "
            "choisissez une date et une heure à venir. Rien n'a été modifié."
        )
    reunion.date_debut, reunion.heure_locale, reunion.pli = jour, heure, resolution.pli
    reunion.regle = regle_pour(Recurrence(reunion.recurrence), jour)
    return resolution.message


def _replanifier_rappels(session: Session, reunion: Reunion, maintenant: datetime) -> None:
    """Retire les rappels à venir de la réunion, puis planifie ceux du nouvel horaire.

    Un rappel que le nouvel horaire redemande (même séance, même délai) reprend sa ligne
    (`livraisons._ajouter`) : jamais deux lignes pour le même message. Les rappels déjà dus
    (en cours d'envoi ou en reprise) ne sont pas touchés : si leur séance n'existe plus, leur
    rendu le voit et ils sont sautés.
    """
    session.flush()
    a_venir = session.exec(
        select(Livraison).where(
            Livraison.reunion_id == ident(reunion),
            col(Livraison.type).in_(RAPPELS),
            Livraison.statut == StatutLivraison.PREVUE,
            Livraison.tentatives == 0,
            Livraison.echeance > maintenant,
        )
    ).all()
    for livraison in a_venir:
        livraison.statut, livraison.erreur, livraison.envoyee_le = (
            StatutLivraison.ANNULEE,
            MOTIF_MODIFICATION,
            maintenant,
        )
        session.add(livraison)
    session.flush()
    planifier_rappels(session, guild_id=reunion.guild_id, maintenant=maintenant)
