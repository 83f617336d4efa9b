"""Résumé hebdomadaire : ce qui a bougé dans la semaine, ce qui est en retard, ce qui arrive.

La semaine est une semaine ISO, du lundi 00 h 00 au lundi suivant dans l'horloge de la ville du
résumé (/config resume-horaire). Un lundi, c'est la semaine écoulée qui est résumée : à 9 h, la
semaine qui commence n'a encore rien à dire, et deux résumés du lundi se suivent sans trou ni
recouvrement. Les autres jours, c'est la semaine en cours, jusqu'à maintenant.

Tout est agrégé en SQL, colonnes choisies ; les listes sont coupées à `MAX_ELEMENTS` et leurs
totaux comptés avant la coupe. L'avancement d'il y a une semaine est reconstitué comme pour le
graphique `evolution` : une action vaut son dernier avancement connu à cet instant, 0 avant sa
première mise à jour d'avancement, et son avancement actuel si elle n'en a aucune.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any, Final, Generic, TypeVar

import sqlalchemy as sa
from sqlalchemy import case, false, func
from sqlmodel import Session, col

from metier.actions.registre import lister_axes
from metier.graphiques import libelle_axe
from metier.reunions.registre import lister_reunions
from metier.reunions.series import Occurrence
from metier.serveurs import Configuration, configuration_amorcee
from metier.statuts import ouverte_sql
from metier.stockage import lire_lignes
from metier.temps import Ville, aujourd_hui, instant_local, nom_mois
from modeles import Action, Axe, Indicateur, Mesure, MiseAJour, StatutAction

MAX_ELEMENTS: Final = 10
MAX_REUNIONS: Final = 5
JOURS_ECHEANCES: Final = 14

T = TypeVar("T")


# --- Valeurs rendues ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Liste(Generic[T]):
    """Les premiers éléments d'une liste, et combien elle en comptait avant la coupe."""

    elements: tuple[T, ...]
    total: int

    @property
    def autres(self) -> int:
        """Nombre d'éléments coupés."""
        return self.total - len(self.elements)


@dataclass(frozen=True)
class AxeResume:
    """Avancement moyen d'un axe en fin de semaine, et au début de la semaine."""

    numero: int
    libelle: str
    nb_actions: int
    moyenne: float | None
    moyenne_avant: float | None

    @property
    def variation(self) -> float | None:
        """Points d'avancement gagnés (ou perdus) dans la semaine ; None sans point de comparaison."""
        if self.moyenne is None or self.moyenne_avant is None:
            return None
        return self.moyenne - self.moyenne_avant


@dataclass(frozen=True)
class ActionResume:
    """Une action citée dans le résumé ; `auteurs` : qui l'a créée ou mise à jour dans la semaine."""

    numero: int
    titre: str
    avancement: int
    statut: StatutAction
    echeance: date | None
    responsable_id: int
    auteurs: tuple[int, ...] = ()
    avancement_avant: int | None = None
    statut_avant: StatutAction | None = None


@dataclass(frozen=True)
class MesureResume:
    """Un indicateur mesuré dans la semaine : valeur d'avant (None : aucune mesure) → nouvelle valeur."""

    numero: int
    nom: str
    unite: str
    valeur_depart: float
    cible: float
    valeur_avant: float | None
    valeur: float
    date_mesure: date


@dataclass(frozen=True)
class SeanceResume:
    """La prochaine séance d'une réunion, avec la ville dont l'horloge fait foi."""

    numero: int
    titre: str
    ancre: Ville
    occurrence: Occurrence


@dataclass(frozen=True)
class Resume:
    """Le résumé d'une semaine, en valeurs simples, prêt à afficher."""

    annee: int
    numero_semaine: int
    lundi: date
    debut: datetime
    fin: datetime
    en_cours: bool
    maintenant: datetime
    aujourd_hui: date
    ville: Ville
    villes: tuple[Ville, ...]
    axes: tuple[AxeResume, ...]
    terminees: Liste[ActionResume]
    creees: Liste[ActionResume]
    mises_a_jour: Liste[ActionResume]
    nb_mises_a_jour: int
    contributeurs: Liste[tuple[int, int]]
    en_retard: Liste[ActionResume]
    echeances: Liste[ActionResume]
    indicateurs: Liste[MesureResume]
    reunions: Liste[SeanceResume]

    @property
    def nb_actions(self) -> int:
        """Nombre d'actions (non archivées) en fin de semaine."""
        return sum(a.nb_actions for a in self.axes)

    @property
    def moyenne(self) -> float | None:
        """Avancement moyen de toutes les actions en fin de semaine."""
        return _moyenne_ponderee((a.moyenne, a.nb_actions) for a in self.axes)

    @property
    def periode(self) -> str:
        """« du 1er au 7 mars 2027 »."""
        return periode(self.lundi, self.lundi + timedelta(days=6))

    @property
    def titre(self) -> str:
        """« Semaine 9 : du 1er au 7 mars 2027 »."""
        return f"Semaine {self.numero_semaine} : {self.periode}"

    @property
    def est_calme(self) -> bool:
        """Vrai si rien n'a bougé dans le registre pendant la semaine."""
        return not (
            self.terminees.total
            or self.creees.total
            or self.mises_a_jour.total
            or self.indicateurs.total
            or self.nb_mises_a_jour
        )


def _moyenne_ponderee(paires: Iterable[tuple[float | None, int]]) -> float | None:
    somme = nombre = 0.0
    for moyenne, n in paires:
        if moyenne is not None and n:
            somme, nombre = somme + moyenne * n, nombre + n
    return somme / nombre if nombre else None


def jour_du_mois(jour: date) -> str:
    """« 1er mars », « 7 mars »."""
    return f"{'1er' if jour.day == 1 else jour.day} {nom_mois(jour.month)}"


def periode(premier: date, dernier: date) -> str:
    """« du 1er au 7 mars 2027 », « du 29 mars au 4 avril 2027 » : mois et année dits une fois."""
    if premier.year != dernier.year:
        return f"du {jour_du_mois(premier)} {premier.year} au {jour_du_mois(dernier)} {dernier.year}"
    if premier.month != dernier.month:
        return f"du {jour_du_mois(premier)} au {jour_du_mois(dernier)} {dernier.year}"
    jour = "1er" if premier.day == 1 else str(premier.day)
    return f"du {jour} au {jour_du_mois(dernier)} {dernier.year}"


# --- La semaine ---------------------------------------------------------------------------------


def semaine_resumee(reference: datetime, ville: Ville) -> tuple[date, datetime, datetime]:
    """Rend le lundi de la semaine résumée et ses bornes UTC (lundi 00 h 00 → lundi suivant, heure locale).

    C'est la semaine qui contient la veille de `reference` : un lundi, la semaine écoulée.
    """
    veille = ville.heure_locale(reference).date() - timedelta(days=1)
    lundi = veille - timedelta(days=veille.weekday())
    return (
        lundi,
        instant_local(lundi, time(0), ville),
        instant_local(lundi + timedelta(weeks=1), time(0), ville),
    )


# --- Lecture ------------------------------------------------------------------------------------


def _derniere_valeur(colonne: Any, avant: datetime) -> Any:
    """La dernière valeur non nulle de `colonne` dans l'historique de l'action, avant l'instant."""
    return (
        sa.select(colonne)
        .where(col(MiseAJour.action_id) == col(Action.id), colonne.is_not(None), col(MiseAJour.quand) < avant)
        .order_by(col(MiseAJour.quand).desc(), col(MiseAJour.id).desc())
        .limit(1)
        .scalar_subquery()
    )


def _statut(valeur: str | None) -> StatutAction | None:
    try:
        return StatutAction(valeur) if valeur is not None else None
    except ValueError:
        return None


@dataclass
class _Axe:
    nombre_avant: int = 0
    somme_avant: float = 0.0
    nombre: int = 0
    somme: float = 0.0


def construire_resume(
    session: Session, *, guild_id: int, maintenant: datetime, reference: datetime | None = None
) -> Resume:
    """Rassemble le résumé de la semaine qui contient la veille de `reference` (par défaut : maintenant).

    Les listes « en retard », « échéances des 14 prochains jours » et « prochaines réunions »
    sont lues à `maintenant` : un résumé publié en retard dit l'état du moment.
    """
    configuration = configuration_amorcee(session, guild_id)
    ville = configuration.reference
    lundi, debut, fin = semaine_resumee(reference or maintenant, ville)
    annee, numero_semaine, _ = lundi.isocalendar()
    jour = aujourd_hui(maintenant, ville)
    actives = (col(Action.guild_id) == guild_id, col(Action.archivee) == false())
    ouvertes = ouverte_sql()

    # Avancement par axe au début et à la fin de la semaine, d'après l'avancement actuel…
    axes = lister_axes(session, guild_id=guild_id)
    par_axe: dict[int, _Axe] = {a.id: _Axe() for a in axes if a.id is not None}
    avant_debut = case((col(Action.cree_le) < debut, 1), else_=0)
    avant_fin = case((col(Action.cree_le) < fin, 1), else_=0)
    for axe_id, nombre_avant, somme_avant, nombre, somme in lire_lignes(
        session,
        sa.select(
            col(Action.axe_id),
            func.coalesce(func.sum(avant_debut), 0),
            func.coalesce(func.sum(avant_debut * col(Action.avancement)), 0),
            func.coalesce(func.sum(avant_fin), 0),
            func.coalesce(func.sum(avant_fin * col(Action.avancement)), 0),
        )
        .where(*actives)
        .group_by(col(Action.axe_id)),
    ):
        if axe_id in par_axe:
            par_axe[axe_id] = _Axe(int(nombre_avant), float(somme_avant), int(nombre), float(somme))

    # … corrigé par les actions dont l'historique a bougé depuis le début de la semaine : seules
    # celles-là sont lues une à une (une semaine d'activité, pas tout le registre).
    dans_semaine = col(MiseAJour.quand) < fin
    avance = col(MiseAJour.avancement).is_not(None)
    bouge = (
        sa.select(
            col(MiseAJour.action_id).label("action_id"),
            func.count(case((dans_semaine, 1))).label("nombre"),
            func.max(case((dans_semaine, col(MiseAJour.quand)))).label("derniere"),
            func.max(case((avance, 1), else_=0)).label("avance_depuis_debut"),
            func.max(case((sa.and_(avance, col(MiseAJour.quand) >= fin), 1), else_=0)).label(
                "avance_depuis_fin"
            ),
        )
        .where(col(MiseAJour.guild_id) == guild_id, col(MiseAJour.quand) >= debut)
        .group_by(col(MiseAJour.action_id))
        .subquery()
    )
    touchees = lire_lignes(
        session,
        sa.select(
            col(Action.id),
            col(Action.numero),
            col(Action.titre),
            col(Action.axe_id),
            col(Action.avancement),
            col(Action.statut),
            col(Action.echeance),
            col(Action.responsable_id),
            case((col(Action.cree_le) < debut, 0), else_=1),
            case((col(Action.cree_le) < fin, 1), else_=0),
            bouge.c.nombre,
            bouge.c.derniere,
            bouge.c.avance_depuis_debut,
            bouge.c.avance_depuis_fin,
            _derniere_valeur(col(MiseAJour.avancement), debut),
            _derniere_valeur(col(MiseAJour.avancement), fin),
            _derniere_valeur(col(MiseAJour.statut), debut),
            _derniere_valeur(col(MiseAJour.statut), fin),
        )
        .join(bouge, bouge.c.action_id == col(Action.id))
        # Par clé primaire seulement (`bouge` est déjà filtré par serveur) : un filtre indexé de plus
        # sur `action` pousse PostgreSQL, sans statistiques fraîches, vers une boucle imbriquée.
        .where(col(Action.archivee) == false()),
    )
    terminees: list[tuple[datetime, int, ActionResume]] = []
    autres: list[tuple[datetime, int, ActionResume]] = []
    nb_mises_a_jour = 0
    for (
        action_id,
        numero,
        titre,
        axe_id,
        actuel,
        statut,
        echeance,
        responsable_id,
        nouvelle,
        existait_a_la_fin,
        nombre,
        derniere,
        avance_depuis_debut,
        avance_depuis_fin,
        avancement_debut,
        avancement_fin,
        statut_debut,
        statut_fin,
    ) in touchees:
        compte = par_axe.get(axe_id)
        if compte is None:
            continue
        # Sa valeur à un instant : la dernière connue ; 0 si elle n'en a pas encore ; l'actuelle
        # si son avancement n'a plus bougé depuis.
        valeur_debut = (avancement_debut or 0) if avance_depuis_debut else actuel
        valeur_fin = (avancement_fin or 0) if avance_depuis_fin else actuel
        if not nouvelle:
            compte.somme_avant += valeur_debut - actuel
        if existait_a_la_fin:
            compte.somme += valeur_fin - actuel
        if not nombre:
            continue  # bougée seulement après la fin de la semaine résumée
        nb_mises_a_jour += int(nombre)
        etat_avant, etat = _statut(statut_debut), _statut(statut_fin) or StatutAction(statut)
        resume = ActionResume(
            numero=numero,
            titre=titre,
            avancement=valeur_fin,
            statut=etat,
            echeance=echeance,
            responsable_id=responsable_id,
            avancement_avant=None if nouvelle else valeur_debut,
            statut_avant=None if nouvelle else etat_avant,
        )
        if etat == StatutAction.TERMINEE and etat_avant != StatutAction.TERMINEE:
            terminees.append((derniere, action_id, resume))
        elif not nouvelle:
            autres.append((derniere, action_id, resume))
    terminees.sort(key=lambda t: t[:2], reverse=True)  # la plus récemment touchée d'abord
    autres.sort(key=lambda t: t[:2], reverse=True)
    gardees = [*terminees[:MAX_ELEMENTS], *autres[:MAX_ELEMENTS]]
    auteurs = _auteurs(session, [action_id for _, action_id, _ in gardees], debut, fin)

    def _avec_auteurs(liste: list[tuple[datetime, int, ActionResume]]) -> Liste[ActionResume]:
        return Liste(
            tuple(
                replace(resume, auteurs=auteurs.get(action_id, ()))
                for _, action_id, resume in liste[:MAX_ELEMENTS]
            ),
            len(liste),
        )

    axes_resume = tuple(_axe_resume(a, par_axe[a.id]) for a in axes if a.id is not None)
    nb_creees = sum(c.nombre - c.nombre_avant for c in par_axe.values())
    return Resume(
        annee=annee,
        numero_semaine=numero_semaine,
        lundi=lundi,
        debut=debut,
        fin=fin,
        en_cours=maintenant < fin,
        maintenant=maintenant,
        aujourd_hui=jour,
        ville=ville,
        villes=configuration.villes,
        axes=axes_resume,
        terminees=_avec_auteurs(terminees),
        creees=Liste(_creees(session, actives, debut, fin), nb_creees),
        mises_a_jour=_avec_auteurs(autres),
        nb_mises_a_jour=nb_mises_a_jour,
        contributeurs=_contributeurs(session, guild_id, debut, fin),
        en_retard=_actions(
            session,
            (*actives, ouvertes, col(Action.echeance) < jour),
        ),
        echeances=_actions(
            session,
            (
                *actives,
                ouvertes,
                col(Action.echeance) >= jour,
                col(Action.echeance) <= jour + timedelta(days=JOURS_ECHEANCES),
            ),
        ),
        indicateurs=_indicateurs(session, guild_id, debut, fin),
        reunions=_reunions(session, configuration, guild_id, maintenant),
    )


def _axe_resume(axe: Axe, compte: _Axe) -> AxeResume:
    return AxeResume(
        numero=axe.numero,
        libelle=libelle_axe(axe.numero, axe.titre_court),
        nb_actions=compte.nombre,
        moyenne=compte.somme / compte.nombre if compte.nombre else None,
        moyenne_avant=compte.somme_avant / compte.nombre_avant if compte.nombre_avant else None,
    )


def _auteurs(
    session: Session, action_ids: list[int], debut: datetime, fin: datetime
) -> dict[int, tuple[int, ...]]:
    """Qui a mis à jour chacune de ces actions dans la semaine, le plus actif d'abord."""
    if not action_ids:
        return {}
    lignes = lire_lignes(
        session,
        sa.select(col(MiseAJour.action_id), col(MiseAJour.auteur_id), func.count())
        .where(
            col(MiseAJour.action_id).in_(action_ids),
            col(MiseAJour.quand) >= debut,
            col(MiseAJour.quand) < fin,
        )
        .group_by(col(MiseAJour.action_id), col(MiseAJour.auteur_id))
        .order_by(func.count().desc(), col(MiseAJour.auteur_id)),
    )
    par_action: dict[int, list[int]] = {}
    for action_id, auteur_id, _ in lignes:
        par_action.setdefault(action_id, []).append(auteur_id)
    return {action_id: tuple(liste) for action_id, liste in par_action.items()}


_COLONNES_ACTION: Final = (
    col(Action.numero),
    col(Action.titre),
    col(Action.avancement),
    col(Action.statut),
    col(Action.echeance),
    col(Action.responsable_id),
)


def _creees(
    session: Session, actives: tuple[Any, ...], debut: datetime, fin: datetime
) -> tuple[ActionResume, ...]:
    lignes = lire_lignes(
        session,
        sa.select(*_COLONNES_ACTION, col(Action.auteur_id))
        .where(*actives, col(Action.cree_le) >= debut, col(Action.cree_le) < fin)
        .order_by(col(Action.cree_le).desc(), col(Action.numero).desc())
        .limit(MAX_ELEMENTS),
    )
    return tuple(
        ActionResume(numero, titre, avancement, StatutAction(statut), echeance, responsable, (auteur,))
        for numero, titre, avancement, statut, echeance, responsable, auteur in lignes
    )


def _actions(session: Session, conditions: tuple[Any, ...]) -> Liste[ActionResume]:
    """Les actions qui remplissent ces conditions, par échéance ; et leur nombre."""
    total = lire_lignes(session, sa.select(func.count()).where(*conditions))[0][0]
    lignes = lire_lignes(
        session,
        sa.select(*_COLONNES_ACTION)
        .where(*conditions)
        .order_by(col(Action.echeance), col(Action.numero))
        .limit(MAX_ELEMENTS),
    )
    return Liste(
        tuple(
            ActionResume(numero, titre, avancement, StatutAction(statut), echeance, responsable)
            for numero, titre, avancement, statut, echeance, responsable in lignes
        ),
        int(total),
    )


def _contributeurs(session: Session, guild_id: int, debut: datetime, fin: datetime) -> Liste[tuple[int, int]]:
    """Qui a mis à jour le registre dans la semaine, et combien de fois."""
    semaine = (
        col(MiseAJour.guild_id) == guild_id,
        col(MiseAJour.quand) >= debut,
        col(MiseAJour.quand) < fin,
    )
    total = lire_lignes(session, sa.select(func.count(sa.distinct(col(MiseAJour.auteur_id)))).where(*semaine))
    lignes = lire_lignes(
        session,
        sa.select(col(MiseAJour.auteur_id), func.count())
        .where(*semaine)
        .group_by(col(MiseAJour.auteur_id))
        .order_by(func.count().desc(), col(MiseAJour.auteur_id))
        .limit(MAX_ELEMENTS),
    )
    return Liste(tuple((int(a), int(n)) for a, n in lignes), int(total[0][0]))


def _indicateurs(session: Session, guild_id: int, debut: datetime, fin: datetime) -> Liste[MesureResume]:
    """Les indicateurs mesurés dans la semaine : dernière valeur d'avant → dernière valeur."""

    def derniere(colonne: Any, avant: datetime) -> Any:
        return (
            sa.select(colonne)
            .where(col(Mesure.indicateur_id) == col(Indicateur.id), col(Mesure.quand) < avant)
            .order_by(col(Mesure.date).desc(), col(Mesure.quand).desc(), col(Mesure.id).desc())
            .limit(1)
            .scalar_subquery()
        )

    mesures = (
        sa.select(col(Mesure.indicateur_id))
        .where(col(Mesure.guild_id) == guild_id, col(Mesure.quand) >= debut, col(Mesure.quand) < fin)
        .distinct()
    )
    conditions = (
        col(Indicateur.guild_id) == guild_id,
        col(Indicateur.archive) == false(),
        col(Indicateur.id).in_(mesures),
    )
    total = lire_lignes(session, sa.select(func.count()).where(*conditions))[0][0]
    lignes = lire_lignes(
        session,
        sa.select(
            col(Indicateur.numero),
            col(Indicateur.nom),
            col(Indicateur.unite),
            col(Indicateur.valeur_depart),
            col(Indicateur.cible),
            derniere(col(Mesure.valeur), debut),
            derniere(col(Mesure.valeur), fin),
            derniere(col(Mesure.date), fin),
        )
        .where(*conditions)
        .order_by(col(Indicateur.numero))
        .limit(MAX_ELEMENTS),
    )
    return Liste(tuple(MesureResume(*ligne) for ligne in lignes), int(total))


def _reunions(
    session: Session, configuration: Configuration, guild_id: int, maintenant: datetime
) -> Liste[SeanceResume]:
    paires = lister_reunions(session, guild_id=guild_id, maintenant=maintenant)
    villes = {v.code: v for v in configuration.villes}
    seances = tuple(
        SeanceResume(
            numero=reunion.numero,
            titre=reunion.titre,
            # Une ville retirée des partenaires garde son horloge pour ses réunions.
            ancre=villes.get(reunion.ville)
            or Ville(reunion.ville, reunion.ville.capitalize(), reunion.fuseau, "#888888"),
            occurrence=seance,
        )
        for reunion, seance in paires[:MAX_REUNIONS]
    )
    return Liste(seances, len(paires))
