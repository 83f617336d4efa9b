"""Indicateurs de performance : création, mesures, liste avec progression vers la cible."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import false, func
from sqlmodel import Session, col, select

from metier.actions.registre import lire_action, lire_axe, valider_texte
from metier.editions import id_edition_courante, indicateurs_de_l_edition, lire_edition, nom_edition
from metier.erreurs import ErreurMetier, RefusDroits
from metier.formats import format_nombre
from metier.journal import journaliser
from metier.serveurs import configuration_amorcee, reserver_numero, ville_de_reference
from metier.stockage import ident, lire_lignes
from metier.temps import analyser_date, aujourd_hui, dater_releve, format_date_courte, normaliser
from modeles import Axe, Edition, Indicateur, Mesure
from modeles.actions import LONGUEUR_NOTE, LONGUEUR_TITRE

LONGUEUR_UNITE = 40
_NOMBRE = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")
LIMITE_VALEUR = 1e12


def analyser_nombre(texte: str, *, quoi: str = "La valeur") -> float:
    """Lit un nombre saisi à la française (« 12,5 », « 1 200 », « 45 % »)."""
    propre = re.sub(r"[\s\u00a0\u202f]", "", texte or "").rstrip("%")
    if not propre:
        raise ErreurMetier(f"{quoi} est vide : indiquez un nombre, par exemple 12,5.")
    if not _NOMBRE.match(propre):
        raise ErreurMetier(
            f"{quoi} « {texte.strip()[:30]} » n'est pas un nombre. Écrivez par exemple 12,5 ou 1200."
        )
    valeur = float(propre.replace(",", "."))
    if abs(valeur) >= LIMITE_VALEUR:
        raise ErreurMetier(f"{quoi} {texte.strip()[:30]} est hors des limites acceptées.")
    return valeur


def lire_indicateur(session: Session, *, guild_id: int, numero: int) -> Indicateur:
    """Rend l'indicateur de ce numéro sur ce serveur."""
    indicateur = session.exec(
        select(Indicateur).where(Indicateur.guild_id == guild_id, Indicateur.numero == numero)
    ).first()
    if indicateur is None or indicateur.archive:
        raise ErreurMetier(f"Il n'y a pas d'indicateur n° {numero} sur ce serveur. Voyez /indicateur liste.")
    return indicateur


def creer_indicateur(
    session: Session,
    *,
    guild_id: int,
    auteur_id: int,
    nom: str,
    axe_numero: int,
    unite: str,
    cible: str,
    maintenant: datetime,
    valeur_depart: str | None = None,
    action_numero: int | None = None,
) -> Indicateur:
    """Enregistre un indicateur ; la cible doit différer de la valeur de départ."""
    configuration_amorcee(session, guild_id)
    nom_propre = valider_texte(nom, quoi="Le nom", limite=LONGUEUR_TITRE, obligatoire=True)
    assert nom_propre is not None
    nom = nom_propre
    unite_propre = valider_texte(unite, quoi="L'unité", limite=LONGUEUR_UNITE, obligatoire=True)
    assert unite_propre is not None
    valeur_cible = analyser_nombre(cible, quoi="La cible")
    depart = analyser_nombre(valeur_depart, quoi="La valeur de départ") if valeur_depart else 0.0
    if valeur_cible == depart:
        raise ErreurMetier(
            f"La cible ({format_nombre(valeur_cible)}) est égale à la valeur de départ : il n'y aurait rien "
            "à mesurer. Indiquez une valeur de départ ou une cible différente."
        )
    axe = lire_axe(session, guild_id=guild_id, numero=axe_numero)
    action = lire_action(session, guild_id=guild_id, numero=action_numero) if action_numero else None
    indicateur = Indicateur(
        guild_id=guild_id,
        numero=reserver_numero(session, guild_id, "indicateur"),
        nom=nom,
        recherche=normaliser(nom),
        axe_id=ident(axe),
        unite=unite_propre,
        valeur_depart=depart,
        cible=valeur_cible,
        action_id=action.id if action else None,
        auteur_id=auteur_id,
        cree_le=maintenant,
    )
    session.add(indicateur)
    session.flush()
    journaliser(
        session,
        guild_id=guild_id,
        auteur_id=auteur_id,
        entite="indicateur",
        entite_id=indicateur.numero,
        changements={"creation": (None, nom)},
        quand=maintenant,
    )
    return indicateur


def mesurer(
    session: Session,
    *,
    guild_id: int,
    auteur_id: int,
    numero: int,
    valeur: str,
    maintenant: datetime,
    jour: str | None = None,
    note: str | None = None,
) -> tuple[EtatIndicateur, Mesure]:
    """Enregistre la valeur d'un indicateur à une date (aujourd'hui par défaut, dans la période du protocole).

    Rend l'indicateur situé par sa dernière mesure, qui n'est pas celle-ci si elle rattrape une date passée.
    """
    configuration = configuration_amorcee(session, guild_id)
    indicateur = lire_indicateur(session, guild_id=guild_id, numero=numero)
    nombre = analyser_nombre(valeur)
    note = valider_texte(note, quoi="La note", limite=LONGUEUR_NOTE)
    aujourd = aujourd_hui(maintenant, configuration.reference)
    date_mesure = dater_releve(jour, aujourd) if jour and jour.strip() else aujourd
    mesure = Mesure(
        guild_id=guild_id,
        indicateur_id=ident(indicateur),
        date=date_mesure,
        valeur=nombre,
        note=note,
        auteur_id=auteur_id,
        quand=maintenant,
    )
    session.add(mesure)
    journaliser(
        session,
        guild_id=guild_id,
        auteur_id=auteur_id,
        entite="indicateur",
        entite_id=indicateur.numero,
        changements={f"mesure {date_mesure.isoformat()}": (None, nombre)},
        quand=maintenant,
    )
    session.flush()
    [etat] = lister_indicateurs(session, guild_id=guild_id, numero=indicateur.numero)
    return etat, mesure


@dataclass(frozen=True)
class MesureCorrigee:
    """Une mesure avant et après sa correction (`apres` vaut None si elle est supprimée)."""

    etat: EtatIndicateur  # l'indicateur situé par sa dernière mesure, après le changement
    date_avant: date
    valeur_avant: float
    apres: Mesure | None


def mesures_recentes(session: Session, *, guild_id: int, numero: int, limite: int = 25) -> list[Mesure]:
    """Rend les dernières mesures d'un indicateur (celle qui compte pour chaque date), récentes d'abord."""
    mesures = session.exec(
        select(Mesure)
        .join(Indicateur, col(Indicateur.id) == col(Mesure.indicateur_id))
        .where(Indicateur.guild_id == guild_id, Indicateur.numero == numero)
        .order_by(*ordre_des_mesures())
        .limit(limite * 2)
    ).all()
    par_date: dict[date, Mesure] = {}
    for mesure in mesures:
        par_date.setdefault(mesure.date, mesure)
    return list(par_date.values())[:limite]


def _mesure_designee(
    session: Session, *, guild_id: int, numero: int, jour: str, aujourd: date
) -> tuple[Indicateur, Mesure]:
    """La mesure d'un indicateur à cette date ; à plusieurs, celle qui compte (saisie en dernier)."""
    indicateur = lire_indicateur(session, guild_id=guild_id, numero=numero)
    if not jour.strip():
        raise ErreurMetier("Indiquez la date de la mesure visée, par exemple 2026-11-20.")
    date_mesure = analyser_date(jour, aujourd)
    mesure = session.exec(
        select(Mesure)
        .where(Mesure.indicateur_id == ident(indicateur), Mesure.date == date_mesure)
        .order_by(*ordre_des_mesures())
    ).first()
    if mesure is None:
        raise ErreurMetier(
            f"L'indicateur n° {numero} n'a pas de mesure le {format_date_courte(date_mesure)}. "
            "Choisissez l'une de ses mesures dans la liste proposée."
        )
    return indicateur, mesure


def _exiger_auteur(mesure: Mesure, membre_id: int, est_coordination: bool, verbe: str) -> None:
    if not est_coordination and mesure.auteur_id != membre_id:
        raise RefusDroits(
            f"Seules la personne qui a saisi cette mesure (<@{mesure.auteur_id}>) et la coordination du "
            f"protocole peuvent la {verbe}. Rien n'a été modifié."
        )


def corriger_mesure(
    session: Session,
    *,
    guild_id: int,
    auteur_id: int,
    est_coordination: bool,
    numero: int,
    jour: str,
    maintenant: datetime,
    valeur: str | None = None,
    nouvelle_date: str | None = None,
    note: str | None = None,
) -> MesureCorrigee:
    """Corrige la valeur, la date ou la note d'une mesure ; les anciennes restent au journal."""
    aujourd = aujourd_hui(maintenant, configuration_amorcee(session, guild_id).reference)
    indicateur, mesure = _mesure_designee(
        session, guild_id=guild_id, numero=numero, jour=jour, aujourd=aujourd
    )
    _exiger_auteur(mesure, auteur_id, est_coordination, "corriger")
    if valeur is None and nouvelle_date is None and note is None:
        raise ErreurMetier("Indiquez ce qui change : une nouvelle valeur, une nouvelle date ou une note.")
    avant = (mesure.date, mesure.valeur, mesure.note)
    nombre = analyser_nombre(valeur, quoi="La nouvelle valeur") if valeur is not None else mesure.valeur
    date_apres = dater_releve(nouvelle_date, aujourd) if nouvelle_date is not None else mesure.date
    note_apres = valider_texte(note, quoi="La note", limite=LONGUEUR_NOTE) or mesure.note
    if (date_apres, nombre, note_apres) == avant:
        raise ErreurMetier(
            f"La mesure du {format_date_courte(mesure.date)} vaut déjà {format_nombre(nombre)} "
            f"{indicateur.unite} : rien n'a été modifié."
        )
    if date_apres != mesure.date:
        _exiger_date_libre(session, indicateur, date_apres)
    mesure.date, mesure.valeur, mesure.note = date_apres, nombre, note_apres
    cle = f"mesure {avant[0].isoformat()}"
    journaliser(
        session,
        guild_id=guild_id,
        auteur_id=auteur_id,
        entite="indicateur",
        entite_id=indicateur.numero,
        changements={
            f"{cle} date": (avant[0].isoformat(), date_apres.isoformat()),
            cle: (avant[1], nombre),
            f"{cle} note": (avant[2], note_apres),
        },
        quand=maintenant,
    )
    session.flush()
    [etat] = lister_indicateurs(session, guild_id=guild_id, numero=numero)
    return MesureCorrigee(etat=etat, date_avant=avant[0], valeur_avant=avant[1], apres=mesure)


def _exiger_date_libre(session: Session, indicateur: Indicateur, jour: date) -> None:
    """Refuse de déplacer une mesure sur une date déjà mesurée : on ne saurait plus laquelle compte."""
    autre = session.exec(
        select(Mesure).where(Mesure.indicateur_id == ident(indicateur), Mesure.date == jour)
    ).first()
    if autre is not None:
        raise ErreurMetier(
            f"L'indicateur n° {indicateur.numero} a déjà une mesure le {format_date_courte(jour)} "
            f"({format_nombre(autre.valeur)} {indicateur.unite}) : corrigez plutôt celle-là, "
            "ou supprimez-en une."
        )


def mesure_a_supprimer(
    session: Session,
    *,
    guild_id: int,
    auteur_id: int,
    est_coordination: bool,
    numero: int,
    jour: str,
    maintenant: datetime,
) -> tuple[Indicateur, Mesure]:
    """Rend la mesure désignée si ce membre peut la supprimer ; sinon dit pourquoi."""
    aujourd = aujourd_hui(maintenant, ville_de_reference(session, guild_id))
    indicateur, mesure = _mesure_designee(
        session, guild_id=guild_id, numero=numero, jour=jour, aujourd=aujourd
    )
    _exiger_auteur(mesure, auteur_id, est_coordination, "supprimer")
    return indicateur, mesure


def supprimer_mesure(
    session: Session,
    *,
    guild_id: int,
    auteur_id: int,
    est_coordination: bool,
    numero: int,
    jour: str,
    maintenant: datetime,
) -> MesureCorrigee:
    """Supprime une mesure ; sa valeur, sa note, son auteur et sa saisie restent au journal."""
    indicateur, mesure = mesure_a_supprimer(
        session,
        guild_id=guild_id,
        auteur_id=auteur_id,
        est_coordination=est_coordination,
        numero=numero,
        jour=jour,
        maintenant=maintenant,
    )
    cle = f"mesure {mesure.date.isoformat()}"
    journaliser(
        session,
        guild_id=guild_id,
        auteur_id=auteur_id,
        entite="indicateur",
        entite_id=indicateur.numero,
        changements={
            cle: (mesure.valeur, None),
            f"{cle} note": (mesure.note, None),
            f"{cle} saisie": (f"par {mesure.auteur_id} le {mesure.quand.isoformat()}", None),
        },
        quand=maintenant,
    )
    session.delete(mesure)
    session.flush()
    [etat] = lister_indicateurs(session, guild_id=guild_id, numero=numero)
    return MesureCorrigee(etat=etat, date_avant=mesure.date, valeur_avant=mesure.valeur, apres=None)


def progression(valeur_depart: float, cible: float, valeur: float) -> float:
    """Chemin parcouru de la valeur de départ vers la cible, en % (peut dépasser 100 ou être négatif).

    Une cible égale à la valeur de départ (indicateur importé, base modifiée à la main) : 100 % si la
    valeur l'atteint, 0 sinon ; jamais de division par zéro.
    """
    if cible == valeur_depart:
        return 100.0 if valeur == cible else 0.0
    return (valeur - valeur_depart) / (cible - valeur_depart) * 100


@dataclass(frozen=True)
class EtatIndicateur:
    """Un indicateur et sa dernière mesure, situés entre sa valeur de départ et sa cible."""

    numero: int
    nom: str
    axe_numero: int
    unite: str
    valeur_depart: float
    cible: float
    valeur: float | None
    date_mesure: date | None

    @property
    def progression(self) -> float | None:
        """% du chemin de la valeur de départ vers la cible, selon la dernière mesure ; None sans mesure."""
        return None if self.valeur is None else progression(self.valeur_depart, self.cible, self.valeur)

    @property
    def libelle_valeurs(self) -> str:
        """« 130 t (cible 200, départ 0), mesuré le 1 oct. 2026 » ou « aucune mesure (cible 20 t) »."""
        if self.valeur is None or self.date_mesure is None:
            return f"aucune mesure (cible {format_nombre(self.cible)} {self.unite})"
        return (
            f"{format_nombre(self.valeur)} {self.unite} (cible {format_nombre(self.cible)}, "
            f"départ {format_nombre(self.valeur_depart)}), mesuré le {format_date_courte(self.date_mesure)}"
        )


def ordre_des_mesures() -> tuple[Any, ...]:
    """La plus récente d'abord : par la date mesurée, puis la dernière saisie (un rattrapage daté
    d'avant ne passe pas devant)."""
    return col(Mesure.date).desc(), col(Mesure.quand).desc(), col(Mesure.id).desc()


def dernieres_mesures(guild_id: int, *, jusqu_au: date | None = None) -> Any:
    """Sous-requête (indicateur_id, valeur, date) : la dernière mesure de chaque indicateur, datée au plus
    tard du `jusqu_au` s'il est donné."""
    conditions: list[Any] = [col(Mesure.guild_id) == guild_id]
    if jusqu_au is not None:
        conditions.append(col(Mesure.date) <= jusqu_au)
    rang = func.row_number().over(partition_by=col(Mesure.indicateur_id), order_by=ordre_des_mesures())
    mesures = (
        sa.select(
            col(Mesure.indicateur_id).label("indicateur_id"),
            col(Mesure.valeur).label("valeur"),
            col(Mesure.date).label("date"),
            rang.label("rang"),
        )
        .where(*conditions)
        .subquery()
    )
    return sa.select(mesures).where(mesures.c.rang == 1).subquery()


def lister_indicateurs(
    session: Session,
    *,
    guild_id: int,
    axe: int | None = None,
    numero: int | None = None,
    edition: Edition | None = None,
) -> list[EtatIndicateur]:
    """Rend les indicateurs (par axe puis numéro) avec leur dernière mesure ; ceux d'une édition si
    elle est donnée (`indicateurs_de_l_edition`), sinon tous."""
    condition, jusqu_au = (
        (None, None)
        if edition is None
        else indicateurs_de_l_edition(session, guild_id=guild_id, edition=edition)
    )
    derniere = dernieres_mesures(guild_id, jusqu_au=jusqu_au)
    requete = (
        sa.select(
            col(Indicateur.numero),
            col(Indicateur.nom),
            col(Axe.numero).label("axe_numero"),
            col(Indicateur.unite),
            col(Indicateur.valeur_depart),
            col(Indicateur.cible),
            derniere.c.valeur,
            derniere.c.date,
        )
        .join(Axe, col(Axe.id) == col(Indicateur.axe_id))
        .outerjoin(derniere, derniere.c.indicateur_id == col(Indicateur.id))
        .where(col(Indicateur.guild_id) == guild_id, col(Indicateur.archive) == false())
        .order_by(col(Axe.numero), col(Indicateur.numero))
    )
    if condition is not None:
        requete = requete.where(condition)
    if axe is not None:
        requete = requete.where(col(Axe.numero) == axe)
    if numero is not None:
        requete = requete.where(col(Indicateur.numero) == numero)
    return [
        EtatIndicateur(
            numero=ligne.numero,
            nom=ligne.nom,
            axe_numero=ligne.axe_numero,
            unite=ligne.unite,
            valeur_depart=float(ligne.valeur_depart),
            cible=float(ligne.cible),
            valeur=ligne.valeur,
            date_mesure=ligne.date,
        )
        for ligne in lire_lignes(session, requete)
    ]


@dataclass(frozen=True)
class IndicateursDeLEdition:
    """Ce que montre /indicateur liste : les indicateurs d'une édition (une passée : tels qu'à sa fin)."""

    edition: str  # « 2024-2026 »
    courante: bool
    au: date | None  # dernier jour des mesures montrées (une édition passée) ; None : aujourd'hui
    indicateurs: list[EtatIndicateur]


def lister_indicateurs_de_l_edition(
    session: Session, *, guild_id: int, edition: str | None = None, axe: int | None = None
) -> IndicateursDeLEdition:
    """Les indicateurs de l'édition désignée (l'édition en vigueur par défaut), d'un axe ou de tous."""
    choisie = lire_edition(session, guild_id=guild_id, saisie=edition)
    _, jusqu_au = indicateurs_de_l_edition(session, guild_id=guild_id, edition=choisie)
    return IndicateursDeLEdition(
        edition=nom_edition(choisie),
        courante=choisie.id == id_edition_courante(session, guild_id=guild_id),
        au=jusqu_au,
        indicateurs=lister_indicateurs(session, guild_id=guild_id, axe=axe, edition=choisie),
    )


def rechercher_indicateurs(
    session: Session, *, guild_id: int, saisie: str, limite: int = 25
) -> list[tuple[int, str]]:
    """Rend (numéro, nom) des indicateurs qui correspondent, par numéro ou par mots, sans accents.

    Seuls ceux de l'édition en vigueur sont proposés ; un autre se retrouve par son numéro exact.
    """
    texte = normaliser(saisie).lstrip("#").strip()
    requete = select(Indicateur.numero, Indicateur.nom).where(
        Indicateur.guild_id == guild_id, col(Indicateur.archive).is_(False)
    )
    if texte.isdigit() and len(texte) <= 9:
        requete = requete.where(col(Indicateur.numero) == int(texte))
    else:
        courante = session.get(Edition, id_edition_courante(session, guild_id=guild_id) or 0)
        if courante is not None:
            condition, _ = indicateurs_de_l_edition(session, guild_id=guild_id, edition=courante)
            if condition is not None:
                requete = requete.where(condition)
        for mot in texte.split()[:5]:
            requete = requete.where(col(Indicateur.recherche).contains(mot, autoescape=True))
    lignes = session.exec(requete.order_by(col(Indicateur.numero).desc()).limit(min(limite, 25))).all()
    return [(numero, nom) for numero, nom in lignes]
