"""Résumé hebdomadaire : ce qui a bougé dans la semaine, ce qui est en retard, ce qui arrive.

La semaine est une semaine ISO, du lundi 00 h 00 au lundi suivant dans l'horloge de la ville du
résumé (/config resume-horaire). Un post résume la dernière semaine complète : le lundi à 9 h,
celle qui vient de finir ; deux posts se suivent sans trou ni recouvrement, quel que soit le jour. À la
demande (/progres resume), c'est la semaine qui contient maintenant, jusqu'à maintenant : le
graphique qui l'accompagne montre le même instant.

Tout est agrégé en SQL, colonnes choisies ; les listes sont coupées à `MAX_ELEMENTS` et leurs
totaux comptés avant la coupe. L'avancement moyen (`metier.statuts`) au début et à la fin de la
semaine part de l'état actuel des actions ; celles dont l'historique a bougé depuis le début de la
semaine sont rejouées selon `metier.actions.etat`, comme pour le graphique `evolution` et le
rapport annuel.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Any, Final, Generic, TypeVar

import sqlalchemy as sa
from sqlalchemy import case, false, func
from sqlmodel import Session, col

from metier.actions.etat import Etat, Trajectoire, contribution, etat_a, lire_historiques, trajectoire
from metier.actions.indicateurs import ordre_des_mesures
from metier.editions import (
    actions_de_l_edition,
    axes_de_l_edition,
    id_edition_courante,
    indicateurs_de_l_edition,
    lire_edition,
    nom_edition,
)
from metier.graphiques import DonneesAxes, donnees_axes
from metier.protocole import libelle_axe
from metier.reunions.registre import lister_reunions, ville_d_ancrage
from metier.reunions.series import Occurrence
from metier.serveurs import Configuration, configuration_amorcee
from metier.statuts import dans_la_moyenne_sql, en_retard_sql, ouverte_sql
from metier.stockage import ident, lire_lignes
from metier.temps import Ville, aujourd_hui, instant_local, nom_mois
from modeles import Action, Axe, Edition, Indicateur, Mesure, MiseAJour, StatutAction

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
    """Avancement moyen d'un axe (actions non abandonnées) en fin de semaine, et au début de la semaine."""

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
    nb_actions_registre: int  # actions non archivées, aujourd'hui
    nb_actions_existantes: int  # actions non archivées qui existaient à la fin de la semaine
    edition: str | None = None  # « 2024-2026 » : une édition passée, demandée ; None : celle en vigueur

    @property
    def nb_actions(self) -> int:
        """Nombre d'actions comptées dans l'avancement moyen en fin de semaine (non abandonnées)."""
        return sum(a.nb_actions for a in self.axes)

    @property
    def moyenne(self) -> float | None:
        """Avancement moyen des actions non abandonnées en fin de semaine, tous axes confondus."""
        return _moyenne_ponderee((a.moyenne, a.nb_actions) for a in self.axes)

    @property
    def periode(self) -> str:
        """« du 1er au 7 mars 2027 »."""
        return periode(self.lundi, self.lundi + timedelta(days=6))

    @property
    def titre(self) -> str:
        """« Semaine 9 : du 1er au 7 mars 2027 » ; « … (édition 2024-2026) » pour une édition passée."""
        edition = f" (édition {self.edition})" if self.edition else ""
        return f"Semaine {self.numero_semaine} : {self.periode}{edition}"

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


def semaine_resumee(
    reference: datetime, ville: Ville, *, ecoulee: bool = True
) -> tuple[date, datetime, datetime]:
    """Rend le lundi de la semaine résumée et ses bornes UTC (lundi 00 h 00 → lundi suivant, heure locale).

    Pour un post (`ecoulee`), c'est la dernière semaine complète avant `reference` : le post du
    lundi résume la semaine qui vient de finir, et un post d'un autre jour aussi ; deux posts se
    suivent donc sans trou ni recouvrement, quel que soit le jour choisi. Sinon, la semaine qui
    contient `reference` (le résumé à la demande).
    """
    jour = ville.heure_locale(reference).date()
    lundi = jour - timedelta(days=jour.weekday(), weeks=1 if ecoulee else 0)
    return (
        lundi,
        instant_local(lundi, time(0), ville),
        instant_local(lundi + timedelta(weeks=1), time(0), ville),
    )


# --- Lecture ------------------------------------------------------------------------------------


@dataclass
class _Moyenne:
    """Somme et nombre des avancements qui comptent dans la moyenne d'un axe, à une borne."""

    somme: int = 0
    nombre: int = 0

    def corriger(self, socle: tuple[int, int], juste: tuple[int, int]) -> None:
        """Remplace une contribution comptée d'après la table par celle que dit l'historique."""
        self.somme += juste[0] - socle[0]
        self.nombre += juste[1] - socle[1]

    @property
    def valeur(self) -> float | None:
        """La moyenne ; None si aucune action n'y compte."""
        return self.somme / self.nombre if self.nombre else None


@dataclass
class _Axe:
    debut: _Moyenne = field(default_factory=_Moyenne)
    fin: _Moyenne = field(default_factory=_Moyenne)


@dataclass(frozen=True)
class _Registre:
    """Ce que la table dit à elle seule : moyennes par axe d'après l'état actuel, créations, existence."""

    par_axe: dict[int, _Axe]
    creees: int
    existantes: int
    total: int


def _lire_registre(
    session: Session, actives: tuple[Any, ...], axes: list[Axe], debut: datetime, fin: datetime
) -> _Registre:
    """Compte chaque action à son état actuel, à chaque borne où elle existait (les corrections suivent)."""
    comptee = dans_la_moyenne_sql()

    def somme(condition: Any, valeur: Any = 1) -> Any:
        return func.coalesce(func.sum(case((condition, valeur), else_=0)), 0)

    avant_debut, avant_fin = col(Action.cree_le) < debut, col(Action.cree_le) < fin
    par_axe = {ident(a): _Axe() for a in axes}
    creees = existantes = total = 0
    for ligne in lire_lignes(
        session,
        sa.select(
            col(Action.axe_id),
            somme(sa.and_(avant_debut, comptee), col(Action.avancement)).label("somme_debut"),
            somme(sa.and_(avant_debut, comptee)).label("nombre_debut"),
            somme(sa.and_(avant_fin, comptee), col(Action.avancement)).label("somme_fin"),
            somme(sa.and_(avant_fin, comptee)).label("nombre_fin"),
            somme(sa.and_(col(Action.cree_le) >= debut, avant_fin)).label("nouvelles"),
            somme(avant_fin).label("existantes"),
            func.count().label("toutes"),
        )
        .where(*actives)
        .group_by(col(Action.axe_id)),
    ):
        if ligne.axe_id in par_axe:
            par_axe[ligne.axe_id] = _Axe(
                _Moyenne(int(ligne.somme_debut), int(ligne.nombre_debut)),
                _Moyenne(int(ligne.somme_fin), int(ligne.nombre_fin)),
            )
        creees += int(ligne.nouvelles)
        existantes += int(ligne.existantes)
        total += int(ligne.toutes)
    return _Registre(par_axe, creees, existantes, total)


@dataclass(frozen=True)
class _Touchee:
    """Une action mise à jour dans la semaine, dans son état aux deux bornes."""

    action_id: int
    derniere: datetime  # sa dernière mise à jour de la semaine
    nombre: int  # ses mises à jour dans la semaine
    resume: ActionResume
    nouvelle: bool  # créée pendant la semaine

    @property
    def terminee(self) -> bool:
        """Vrai si elle a été terminée pendant la semaine (et l'est encore à sa fin)."""
        fin, debut = self.resume.statut, self.resume.statut_avant
        return fin == StatutAction.TERMINEE and debut != StatutAction.TERMINEE


def _corriger(
    compte: _Axe, t: Trajectoire, debut: datetime, fin: datetime
) -> tuple[Etat | None, Etat | None]:
    """Remplace, aux deux bornes, la contribution de l'état actuel par celle de l'état d'alors."""
    etats = etat_a(t, debut), etat_a(t, fin)
    for moyenne, borne, etat in zip((compte.debut, compte.fin), (debut, fin), etats, strict=True):
        moyenne.corriger(contribution(t.actuel if t.cree_le < borne else None), contribution(etat))
    return etats


def _lire_touchees(
    session: Session, par_axe: dict[int, _Axe], guild_id: int, debut: datetime, fin: datetime
) -> list[_Touchee]:
    """Corrige les moyennes des actions dont l'historique a bougé depuis le début de la semaine.

    Seules celles-là sont rejouées (une semaine d'activité, pas tout le registre) ; rend celles qui
    ont été mises à jour pendant la semaine.
    """
    dans_semaine = col(MiseAJour.quand) < fin
    bouge = (
        sa.select(
            col(MiseAJour.action_id).label("action_id"),
            func.count(case((dans_semaine, 1))).label("nombre"),
            func.max(case((dans_semaine, col(MiseAJour.quand)))).label("derniere"),
        )
        .where(col(MiseAJour.guild_id) == guild_id, col(MiseAJour.quand) >= debut)
        .group_by(col(MiseAJour.action_id))
        .subquery()
    )
    lignes = lire_lignes(
        session,
        sa.select(col(Action.id), col(Action.axe_id), col(Action.cree_le), *_COLONNES_ACTION)
        .add_columns(bouge.c.nombre, bouge.c.derniere)
        .join(bouge, bouge.c.action_id == col(Action.id))
        # Par clé primaire seulement (`bouge` est déjà filtré par serveur) : un filtre indexé de plus
        # sur `action` pousse PostgreSQL, sans statistiques fraîches, vers une boucle imbriquée.
        .where(col(Action.archivee) == false()),
    )
    historiques = lire_historiques(session, col(MiseAJour.action_id).in_(sa.select(bouge.c.action_id)))
    touchees = []
    for action_id, axe_id, cree_le, *colonnes, nombre, derniere in lignes:
        if axe_id not in par_axe:
            continue
        resume = _action_resume(*colonnes)
        actuel = Etat(resume.statut, resume.avancement)
        lues = historiques.get(action_id, ())
        t = trajectoire(action_id=action_id, axe_id=axe_id, cree_le=cree_le, actuel=actuel, lignes=lues)
        etat_debut, etat_fin = _corriger(par_axe[axe_id], t, debut, fin)
        if not nombre or etat_fin is None:
            continue  # bougée seulement après la fin de la semaine résumée
        resume = replace(
            resume,
            avancement=etat_fin.avancement,
            statut=etat_fin.statut,
            avancement_avant=None if etat_debut is None else etat_debut.avancement,
            statut_avant=None if etat_debut is None else etat_debut.statut,
        )
        touchees.append(_Touchee(action_id, derniere, int(nombre), resume, etat_debut is None))
    return touchees


def construire_resume(
    session: Session,
    *,
    guild_id: int,
    maintenant: datetime,
    reference: datetime | None = None,
    edition: str | None = None,
) -> Resume:
    """Rassemble le résumé d'une semaine : celle qui contient maintenant, ou celle qu'un post publie.

    `reference` est l'échéance d'un post : c'est la semaine qui contient sa veille (un lundi, la
    semaine écoulée). Les listes « en retard », « échéances des 14 prochains jours » et « prochaines
    réunions » sont lues à `maintenant` : un résumé publié en retard dit l'état du moment.
    `edition` : une édition désignée par ses années (la demande d'un membre) ; le post de chaque
    semaine, lui, porte sur l'édition en vigueur.
    """
    configuration = configuration_amorcee(session, guild_id)
    ville = configuration.reference
    lundi, debut, fin = semaine_resumee(reference or maintenant, ville, ecoulee=reference is not None)
    annee, numero_semaine, _ = lundi.isocalendar()
    jour = aujourd_hui(maintenant, ville)
    # Les actions de l'édition (en vigueur par défaut), par la règle commune : celles d'une édition
    # close restent à son bilan, et à l'option `edition`.
    choisie = lire_edition(session, guild_id=guild_id, saisie=edition)
    axes = axes_de_l_edition(session, edition_id=ident(choisie))
    actives: tuple[Any, ...] = (col(Action.guild_id) == guild_id, col(Action.archivee) == false())
    if (
        sur_les_axes := actions_de_l_edition(session, guild_id=guild_id, edition_id=choisie.id, toujours=True)
    ) is not None:
        actives = (*actives, sur_les_axes)
    passee = edition is not None and choisie.id != id_edition_courante(session, guild_id=guild_id)

    # Les moyennes d'après la table, corrigées par l'historique des actions qui ont bougé depuis le
    # début de la semaine : une semaine d'activité est rejouée, pas tout le registre.
    registre = _lire_registre(session, actives, axes, debut, fin)
    touchees = _lire_touchees(session, registre.par_axe, guild_id, debut, fin)
    terminees, mises_a_jour = _terminees_et_mises_a_jour(session, touchees, debut, fin)
    ouvertes = ouverte_sql()
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
        axes=tuple(_axe_resume(a, registre.par_axe[ident(a)]) for a in axes),
        terminees=terminees,
        creees=Liste(_creees(session, actives, debut, fin), registre.creees),
        mises_a_jour=mises_a_jour,
        nb_mises_a_jour=sum(t.nombre for t in touchees),
        # Le post de chaque semaine compte toutes les mises à jour ; une édition passée, les siennes.
        contributeurs=_contributeurs(session, guild_id, debut, fin, actives if passee else None),
        en_retard=_actions(session, (*actives, en_retard_sql(jour))),
        echeances=_actions(
            session,
            (
                *actives,
                ouvertes,
                col(Action.echeance) >= jour,
                col(Action.echeance) <= jour + timedelta(days=JOURS_ECHEANCES),
            ),
        ),
        indicateurs=_indicateurs(session, guild_id, debut, fin, choisie),
        reunions=_reunions(session, configuration, guild_id, maintenant),
        nb_actions_registre=registre.total,
        nb_actions_existantes=registre.existantes,
        edition=nom_edition(choisie) if passee else None,
    )


def resume_et_axes(
    session: Session,
    *,
    guild_id: int,
    maintenant: datetime,
    reference: datetime | None = None,
    edition: str | None = None,
) -> tuple[Resume, DonneesAxes]:
    """Le résumé et son graphique `axes`, lus ensemble et au même instant.

    Une semaine écoulée (le post du lundi) est montrée telle qu'à sa fin, texte et graphique : ce qui
    a bougé depuis n'y entre ni dans l'un ni dans l'autre.
    """
    resume = construire_resume(
        session, guild_id=guild_id, maintenant=maintenant, reference=reference, edition=edition
    )
    au = None if resume.en_cours else resume.fin
    choisie = None if edition is None else lire_edition(session, guild_id=guild_id, saisie=edition)
    return resume, donnees_axes(session, guild_id=guild_id, maintenant=maintenant, au=au, edition=choisie)


def _terminees_et_mises_a_jour(
    session: Session, touchees: list[_Touchee], debut: datetime, fin: datetime
) -> tuple[Liste[ActionResume], Liste[ActionResume]]:
    """Les actions terminées, puis les autres mises à jour (hors créées), avec leurs auteurs de la semaine."""
    # La plus récemment touchée d'abord ; une action créée cette semaine est dans « créées ».
    terminees = sorted((t for t in touchees if t.terminee), key=_recente, reverse=True)
    autres = sorted((t for t in touchees if not t.terminee and not t.nouvelle), key=_recente, reverse=True)
    gardees = [*terminees[:MAX_ELEMENTS], *autres[:MAX_ELEMENTS]]
    auteurs = _auteurs(session, [t.action_id for t in gardees], debut, fin)

    def avec_auteurs(liste: list[_Touchee]) -> Liste[ActionResume]:
        return Liste(
            tuple(replace(t.resume, auteurs=auteurs.get(t.action_id, ())) for t in liste[:MAX_ELEMENTS]),
            len(liste),
        )

    return avec_auteurs(terminees), avec_auteurs(autres)


def _recente(touchee: _Touchee) -> tuple[datetime, int]:
    return touchee.derniere, touchee.action_id


def _axe_resume(axe: Axe, compte: _Axe) -> AxeResume:
    return AxeResume(
        numero=axe.numero,
        libelle=libelle_axe(axe.numero, axe.titre_court),
        nb_actions=compte.fin.nombre,
        moyenne=compte.fin.valeur,
        moyenne_avant=compte.debut.valeur,
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


def _action_resume(
    numero: int, titre: str, avancement: int, statut: str, echeance: date | None, responsable_id: int
) -> ActionResume:
    """Une action citée, d'après les colonnes `_COLONNES_ACTION` (son état actuel)."""
    return ActionResume(numero, titre, avancement, StatutAction(statut), echeance, responsable_id)


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
    return tuple(replace(_action_resume(*colonnes), auteurs=(auteur,)) for *colonnes, auteur in lignes)


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
    return Liste(tuple(_action_resume(*colonnes) for colonnes in lignes), int(total))


def _contributeurs(
    session: Session, guild_id: int, debut: datetime, fin: datetime, actions: tuple[Any, ...] | None = None
) -> Liste[tuple[int, int]]:
    """Qui a mis à jour le registre dans la semaine, et combien de fois ; `actions` : seulement les mises
    à jour de ces actions (une édition passée)."""
    semaine: tuple[Any, ...] = (
        col(MiseAJour.guild_id) == guild_id,
        col(MiseAJour.quand) >= debut,
        col(MiseAJour.quand) < fin,
    )
    if actions is not None:
        semaine = (*semaine, col(MiseAJour.action_id).in_(sa.select(col(Action.id)).where(*actions)))
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


def _indicateurs(
    session: Session, guild_id: int, debut: datetime, fin: datetime, edition: Edition
) -> Liste[MesureResume]:
    """Les indicateurs de l'édition mesurés dans la semaine : dernière valeur d'avant → dernière valeur."""

    def derniere(colonne: Any, avant: datetime) -> Any:
        return (
            sa.select(colonne)
            .where(col(Mesure.indicateur_id) == col(Indicateur.id), col(Mesure.quand) < avant)
            .order_by(*ordre_des_mesures())
            .limit(1)
            .scalar_subquery()
        )

    mesures = (
        sa.select(col(Mesure.indicateur_id))
        .where(col(Mesure.guild_id) == guild_id, col(Mesure.quand) >= debut, col(Mesure.quand) < fin)
        .distinct()
    )
    conditions: tuple[Any, ...] = (
        col(Indicateur.guild_id) == guild_id,
        col(Indicateur.archive) == false(),
        col(Indicateur.id).in_(mesures),
    )
    de_l_edition, _ = indicateurs_de_l_edition(session, guild_id=guild_id, edition=edition)
    if de_l_edition is not None:
        conditions = (*conditions, de_l_edition)
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
    seances = tuple(
        SeanceResume(
            numero=reunion.numero,
            titre=reunion.titre,
            ancre=ville_d_ancrage(configuration, reunion),  # même une ville retirée des partenaires
            occurrence=seance,
        )
        for reunion, seance in paires[:MAX_REUNIONS]
    )
    return Liste(seances, len(paires))
