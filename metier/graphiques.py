"""Données des graphiques de progrès (`/progres graphique`), agrégées en SQL, prêtes à dessiner.

Chaque fonction `donnees_*` rend un instantané figé (valeurs simples, libellés en français) que
`rendu.graphiques.dessiner_png` dessine. Une sélection vide est rendue telle quelle (`est_vide`) ;
c'est `preparer` qui la refuse avec un message qui dit quoi faire. Un numéro d'axe inconnu est
refusé partout (`ErreurMetier`).

« Aujourd'hui » est la date dans l'horloge de la ville de référence (`temps.aujourd_hui`), comme
dans /action liste. Les fins de mois de l'évolution restent comptées en UTC, comme le cumul
mensuel de `actions.evolution` qu'elles lisent.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Any, ClassVar, Final, NamedTuple, assert_never

import sqlalchemy as sa
from babel.dates import format_date
from sqlalchemy import case, false, func
from sqlmodel import Session, col, select

from metier import temps
from metier.actions.etat import (
    COLONNES_TRAJECTOIRE,
    RESOLUTION,
    borne_de_maintenant,
    contribution,
    etat_a,
    lire_historiques,
    trajectoire_de_ligne,
)
from metier.actions.evolution import calculer_apports, sommes_mensuelles
from metier.actions.indicateurs import EtatIndicateur, lister_indicateurs
from metier.actions.libelles import nom_ville_porteuse
from metier.editions import actions_de_l_edition, id_edition_courante, lire_edition, nom_edition
from metier.erreurs import ErreurMetier
from metier.formats import format_nombre, pluriel
from metier.protocole import (
    COULEUR_TOUTES,
    COULEUR_VILLE_RETIREE,
    DEBUT_PROTOCOLE,
    FIN_PROTOCOLE,
    chiffre_romain,
    libelle_axe,
    titre_axe,
)
from metier.serveurs import ville_de_reference
from metier.statuts import LEGENDE_STATUTS, dans_la_moyenne_sql, ouverte_sql
from metier.stockage import ident, lire_lignes
from metier.temps import LOCALE, Ville, format_date_courte, format_jour
from modeles import Action, Axe, Edition, MiseAJour, StatutAction, VillePartenaire
from modeles.actions import VILLE_TOUTES


class TypeGraphique(StrEnum):
    """Ce que montre un graphique de /progres graphique (aussi le nom de son fichier)."""

    AXES = "axes"
    STATUTS = "statuts"
    EVOLUTION = "evolution"
    INDICATEURS = "indicateurs"
    ECHEANCES = "echeances"


MAX_ECHEANCES: Final = 15
MAX_INDICATEURS: Final = 10
MOIS_PAR_DEFAUT: Final = 12
JOURS_PAR_DEFAUT: Final = 90

AUCUNE_ACTION: Final = "Aucune action enregistrée pour l'instant : ajoutez-en avec /action ajouter."
AUCUN_INDICATEUR: Final = "Aucun indicateur enregistré pour l'instant : ajoutez-en avec /indicateur ajouter."


# --- Formats ------------------------------------------------------------------------------------


def format_mois(jour: date) -> str:
    """« nov. 2026 »."""
    return format_date(jour, "MMM y", locale=LOCALE)


# --- Valeurs rendues ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Porteur:
    """Qui porte des actions : une ville partenaire, ou toutes ensemble ; avec sa couleur."""

    code: str
    nom: str
    couleur: str


@dataclass(frozen=True)
class _Graphique:
    """Ce que tous les graphiques ont : un titre, une date, un nom de fichier."""

    type_graphique: ClassVar[TypeGraphique]
    titre: str
    au: date

    @property
    def nom_fichier(self) -> str:
        """« progres-axes-2026-11-26.png »."""
        return f"progres-{self.type_graphique}-{self.au.isoformat()}.png"


@dataclass(frozen=True)
class MoyennePorteur:
    """Avancement moyen des actions d'un axe portées par une ville (ou toutes)."""

    porteur: Porteur
    nb_actions: int
    moyenne: float


@dataclass(frozen=True)
class AvancementAxe:
    """Une ligne du graphique `axes` : `moyenne` et `par_porteur` ne comptent pas les abandonnées."""

    numero: int
    libelle: str
    nb_actions: int
    nb_terminees: int
    nb_abandonnees: int
    moyenne: float | None
    par_porteur: tuple[MoyennePorteur, ...]


@dataclass(frozen=True)
class DonneesAxes(_Graphique):
    """Avancement moyen par axe, et par ville porteuse dans chaque axe."""

    type_graphique: ClassVar[TypeGraphique] = TypeGraphique.AXES
    porteurs: tuple[Porteur, ...]
    axes: tuple[AvancementAxe, ...]

    @property
    def nb_actions(self) -> int:
        """Nombre d'actions représentées."""
        return sum(a.nb_actions for a in self.axes)

    @property
    def est_vide(self) -> bool:
        """Vrai s'il n'y a aucune action à montrer."""
        return self.nb_actions == 0


@dataclass(frozen=True)
class RepartitionAxe:
    """Nombre d'actions de chaque statut dans un axe (dans l'ordre de `DonneesStatuts.statuts`)."""

    numero: int
    libelle: str
    comptes: tuple[int, ...]

    @property
    def total(self) -> int:
        """Nombre d'actions de l'axe."""
        return sum(self.comptes)


@dataclass(frozen=True)
class DonneesStatuts(_Graphique):
    """Actions par statut et par axe (barres empilées)."""

    type_graphique: ClassVar[TypeGraphique] = TypeGraphique.STATUTS
    statuts: tuple[tuple[StatutAction, str], ...]
    axes: tuple[RepartitionAxe, ...]

    @property
    def est_vide(self) -> bool:
        """Vrai s'il n'y a aucune action à montrer."""
        return all(a.total == 0 for a in self.axes)


@dataclass(frozen=True)
class SerieEvolution:
    """Avancement moyen d'un axe (ou de l'ensemble) à chaque date ; None sans action à cette date."""

    numero: int
    libelle: str
    moyennes: tuple[float | None, ...]
    nombres: tuple[int, ...]


@dataclass(frozen=True)
class DonneesEvolution(_Graphique):
    """Avancement moyen par axe à chaque fin de mois, reconstitué d'après l'historique."""

    type_graphique: ClassVar[TypeGraphique] = TypeGraphique.EVOLUTION
    dates: tuple[date, ...]
    libelles_dates: tuple[str, ...]
    series: tuple[SerieEvolution, ...]
    ensemble: SerieEvolution

    @property
    def est_vide(self) -> bool:
        """Vrai si aucune action n'existait à aucune des dates."""
        return not any(self.ensemble.nombres)


@dataclass(frozen=True)
class DonneesIndicateurs(_Graphique):
    """Chaque indicateur : dernière valeur mesurée, en % du chemin entre départ et cible."""

    type_graphique: ClassVar[TypeGraphique] = TypeGraphique.INDICATEURS
    indicateurs: tuple[EtatIndicateur, ...]
    nb_autres: int
    ou_voir_les_autres: str = "filtrez par axe"

    @property
    def est_vide(self) -> bool:
        """Vrai s'il n'y a aucun indicateur à montrer."""
        return not self.indicateurs

    @property
    def note_autres(self) -> str | None:
        """« … et 3 autres : filtrez par axe » quand tout n'est pas montré."""
        if not self.nb_autres:
            return None
        return f"… et {pluriel(self.nb_autres, 'autre')} : {self.ou_voir_les_autres}"


@dataclass(frozen=True)
class Echeance:
    """Une action ouverte et son échéance ; `jours` < 0 quand elle est dépassée."""

    numero: int
    titre: str
    axe_numero: int
    porteur: Porteur
    statut: StatutAction
    echeance: date
    jours: int

    @property
    def en_retard(self) -> bool:
        """Échéance dépassée (l'action n'est ni terminée ni abandonnée)."""
        return self.jours < 0


@dataclass(frozen=True)
class DonneesEcheances(_Graphique):
    """Les échéances les plus proches (en retard ou à venir), au plus `MAX_ECHEANCES`."""

    type_graphique: ClassVar[TypeGraphique] = TypeGraphique.ECHEANCES
    horizon: date
    porteurs: tuple[Porteur, ...]
    echeances: tuple[Echeance, ...]
    nb_en_retard: int
    nb_autres: int
    nb_autres_en_retard: int

    @property
    def est_vide(self) -> bool:
        """Vrai s'il n'y a aucune échéance à montrer."""
        return not self.echeances

    @property
    def note_autres(self) -> str | None:
        """« … et 12 autres, dont 4 en retard » quand tout n'est pas montré."""
        if not self.nb_autres:
            return None
        dont = (
            f", dont {format_nombre(self.nb_autres_en_retard)} en retard" if self.nb_autres_en_retard else ""
        )
        return f"… et {pluriel(self.nb_autres, 'autre')}{dont}"


Donnees = DonneesAxes | DonneesStatuts | DonneesEvolution | DonneesIndicateurs | DonneesEcheances


# --- Lecture commune ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Selection:
    """Ce qu'un graphique montre : les axes d'une édition (ou le seul demandé) et la condition sur ses
    actions, la règle commune de `editions.actions_de_l_edition`."""

    edition: Edition
    courante: bool
    axes: list[Axe]
    conditions: list[Any]

    @property
    def mention(self) -> str:
        """« édition 2024-2026 — » pour une édition passée ; rien pour l'édition en vigueur."""
        return "" if self.courante else f"édition {nom_edition(self.edition)} — "


def _selection(session: Session, guild_id: int, axe: int | None, edition: Edition | None) -> _Selection:
    """Les axes de l'édition choisie (l'édition en vigueur par défaut) ; refuse un numéro inconnu."""
    courante = id_edition_courante(session, guild_id=guild_id)
    if edition is None:
        edition_id = courante
        choisie = session.get(Edition, courante) if courante is not None else None
    else:
        edition_id, choisie = edition.id, edition
    axes = list(session.exec(select(Axe).where(Axe.edition_id == edition_id).order_by(col(Axe.numero))))
    if axe is not None:
        axes = [a for a in axes if a.numero == axe]
        if not axes:
            existants = session.exec(
                select(Axe.numero).where(Axe.edition_id == edition_id).order_by(col(Axe.numero))
            ).all()
            numeros = ", ".join(f"{n} ({chiffre_romain(n)})" for n in existants) or "aucun"
            dans = "" if edition is None else f" dans l'édition {nom_edition(edition)}"
            raise ErreurMetier(f"Il n'y a pas d'axe {axe} sur ce serveur{dans}. Axes existants : {numeros}.")
    conditions: list[Any] = [col(Action.guild_id) == guild_id, col(Action.archivee) == false()]
    # La règle commune : celles d'une édition close restent à son bilan (et à l'option `edition`).
    # Toujours la liste des axes : les graphiques groupent par axe.
    sur_les_axes = actions_de_l_edition(
        session, guild_id=guild_id, edition_id=edition_id, numero=axe, toujours=True
    )
    if sur_les_axes is not None:
        conditions.append(sur_les_axes)
    if choisie is None:  # serveur pas encore amorcé : aucune édition, aucun axe
        choisie = Edition(guild_id=guild_id, titre="", debut=DEBUT_PROTOCOLE, fin=FIN_PROTOCOLE)
    return _Selection(choisie, edition_id == courante, axes, conditions)


class _Porteurs:
    """Les villes partenaires du serveur et « toutes », dans l'ordre de la configuration."""

    def __init__(self, session: Session, guild_id: int) -> None:
        villes = session.exec(
            select(VillePartenaire)
            .where(VillePartenaire.guild_id == guild_id)
            .order_by(col(VillePartenaire.ordre), col(VillePartenaire.id))
        ).all()
        self._villes = [Ville(v.code, v.nom, v.fuseau, v.couleur) for v in villes]
        connus = [Porteur(v.code, v.nom, v.couleur) for v in self._villes]
        # Le même nom que dans les réponses et le rapport : « Terrebonne et Namur ».
        connus.append(Porteur(VILLE_TOUTES, nom_ville_porteuse(self._villes, VILLE_TOUTES), COULEUR_TOUTES))
        self._par_code = {p.code: p for p in connus}

    def __call__(self, code: str) -> Porteur:
        """Rend le porteur de ce code ; une ville retirée de la configuration reste affichée."""
        if code not in self._par_code:
            self._par_code[code] = Porteur(
                code, nom_ville_porteuse(self._villes, code), COULEUR_VILLE_RETIREE
            )
        return self._par_code[code]

    def presents(self, codes: set[str]) -> tuple[Porteur, ...]:
        """Rend les porteurs de ces codes, dans l'ordre de la configuration."""
        ordre = {p.code: i for i, p in enumerate(self._par_code.values())}
        return tuple(sorted((self(c) for c in codes), key=lambda p: (ordre.get(p.code, len(ordre)), p.code)))


def _titre(quoi: str, selection: _Selection, axe: int | None, quand: str, *, par_axe: str = "") -> str:
    """« Avancement moyen par axe — au … » ; filtré : « Avancement moyen — Axe III : Échanges … — au … » ;
    une édition passée est nommée : « … — édition 2024-2026 — au … »."""
    quand = f"{selection.mention}{quand}"
    if axe is None:
        return f"{quoi}{par_axe} — {quand}"
    axes = selection.axes
    return f"{quoi} — {titre_axe(axes[0].numero, axes[0].titre_court)} — {quand}"


# --- Axes ---------------------------------------------------------------------------------------


class _Groupe(NamedTuple):
    """Les actions d'un axe portées par une ville : combien, combien comptent dans la moyenne, leur somme."""

    ville: str
    nombre: int
    comptees: int
    somme: int
    terminees: int
    abandonnees: int


def _groupes_par_axe(session: Session, conditions: list[Any]) -> dict[int, list[_Groupe]]:
    comptee = dans_la_moyenne_sql()

    def combien(condition: Any, valeur: Any = 1) -> Any:
        return func.coalesce(func.sum(case((condition, valeur), else_=0)), 0)

    requete = (
        sa.select(
            col(Action.axe_id),
            col(Action.ville),
            func.count(),
            combien(comptee),
            combien(comptee, col(Action.avancement)),
            combien(col(Action.statut) == StatutAction.TERMINEE.value),
            combien(col(Action.statut) == StatutAction.ABANDONNEE.value),
        )
        .where(*conditions)
        .group_by(col(Action.axe_id), col(Action.ville))
    )
    par_axe: dict[int, list[_Groupe]] = {}
    for axe_id, ville, *nombres in lire_lignes(session, requete):
        par_axe.setdefault(axe_id, []).append(_Groupe(ville, *(int(n) for n in nombres)))
    return par_axe


def _groupes_au(session: Session, conditions: list[Any], au: datetime) -> dict[int, list[_Groupe]]:
    """Les mêmes groupes, tels qu'à l'instant passé `au` (état rejoué par `metier.actions.etat`).

    Une action non modifiée depuis `au` y était déjà telle qu'aujourd'hui : la somme SQL suffit ; les
    quelques actions modifiées depuis sont rejouées. Axe et ville sont les actuels (l'historique ne
    garde que l'avancement et le statut).
    """
    au = temps.en_utc(au)
    existantes = [*conditions, col(Action.cree_le) < au]
    inchangees = _groupes_par_axe(session, [*existantes, col(Action.modifie_le) < au])
    totaux: dict[tuple[int, str], list[int]] = {
        (axe_id, g.ville): list(g[1:]) for axe_id, groupes in inchangees.items() for g in groupes
    }
    touchees = lire_lignes(
        session,
        sa.select(*COLONNES_TRAJECTOIRE, col(Action.ville)).where(*existantes, col(Action.modifie_le) >= au),
    )
    historiques = lire_historiques(session, col(MiseAJour.action_id).in_([ligne.id for ligne in touchees]))
    for ligne in touchees:
        etat = etat_a(trajectoire_de_ligne(ligne, historiques), au)
        assert etat is not None  # créée avant `au`
        somme, comptee = contribution(etat)
        total = totaux.setdefault((ligne.axe_id, ligne.ville), [0, 0, 0, 0, 0])
        for rang, valeur in enumerate(
            (1, comptee, somme, etat.statut == StatutAction.TERMINEE, etat.statut == StatutAction.ABANDONNEE)
        ):
            total[rang] += int(valeur)
    par_axe: dict[int, list[_Groupe]] = {}
    for (axe_id, ville), nombres in sorted(totaux.items()):
        par_axe.setdefault(axe_id, []).append(_Groupe(ville, *nombres))
    return par_axe


def donnees_axes(
    session: Session,
    *,
    guild_id: int,
    maintenant: datetime,
    axe: int | None = None,
    au: datetime | None = None,
    edition: Edition | None = None,
) -> DonneesAxes:
    """Calcule l'avancement moyen par axe et par ville porteuse (hors abandonnées), avec les terminées.

    `au` : un instant passé (la fin de la semaine d'un résumé publié) ; sinon, maintenant. `edition` :
    une édition passée (par défaut, l'édition en vigueur).
    """
    selection = _selection(session, guild_id, axe, edition)
    axes, conditions = selection.axes, selection.conditions
    porteurs = _Porteurs(session, guild_id)
    par_axe = _groupes_par_axe(session, conditions) if au is None else _groupes_au(session, conditions, au)
    # Une ville dont toutes les actions sont abandonnées n'a pas de barre, ni de place dans la légende.
    codes = {g.ville for groupes in par_axe.values() for g in groupes if g.comptees}
    ordre = {p.code: i for i, p in enumerate(porteurs.presents(codes))}
    lignes = []
    for a in axes:
        groupes = par_axe.get(ident(a), [])
        comptes = sorted((g for g in groupes if g.comptees), key=lambda g: ordre[g.ville])
        comptees = sum(g.comptees for g in comptes)
        lignes.append(
            AvancementAxe(
                numero=a.numero,
                libelle=libelle_axe(a.numero, a.titre_court),
                nb_actions=sum(g.nombre for g in groupes),
                nb_terminees=sum(g.terminees for g in groupes),
                nb_abandonnees=sum(g.abandonnees for g in groupes),
                moyenne=sum(g.somme for g in comptes) / comptees if comptees else None,
                par_porteur=tuple(
                    MoyennePorteur(porteurs(g.ville), g.comptees, g.somme / g.comptees) for g in comptes
                ),
            )
        )
    # Le jour de l'état montré : aujourd'hui, ou le dernier jour avant `au` (une fin de semaine).
    instant = maintenant if au is None else temps.en_utc(au) - RESOLUTION
    aujourd_hui = temps.aujourd_hui(instant, ville_de_reference(session, guild_id))
    return DonneesAxes(
        titre=_titre(
            "Avancement moyen", selection, axe, f"au {format_jour(aujourd_hui)}", par_axe=" par axe"
        ),
        au=aujourd_hui,
        porteurs=porteurs.presents(codes),
        axes=tuple(lignes),
    )


# --- Statuts ------------------------------------------------------------------------------------


def donnees_statuts(
    session: Session,
    *,
    guild_id: int,
    maintenant: datetime,
    axe: int | None = None,
    edition: Edition | None = None,
) -> DonneesStatuts:
    """Compte les actions de chaque statut dans chaque axe."""
    selection = _selection(session, guild_id, axe, edition)
    axes = selection.axes
    requete = (
        sa.select(col(Action.axe_id), col(Action.statut), func.count())
        .where(*selection.conditions)
        .group_by(col(Action.axe_id), col(Action.statut))
    )
    comptes = {(axe_id, str(statut)): int(n) for axe_id, statut, n in lire_lignes(session, requete)}
    statuts = LEGENDE_STATUTS
    repartitions = []
    for a in axes:
        repartitions.append(
            RepartitionAxe(
                numero=a.numero,
                libelle=libelle_axe(a.numero, a.titre_court),
                comptes=tuple(comptes.get((a.id, s.value), 0) for s, _ in statuts),
            )
        )
    aujourd_hui = temps.aujourd_hui(maintenant, ville_de_reference(session, guild_id))
    return DonneesStatuts(
        titre=_titre(
            "Actions par statut", selection, axe, f"au {format_jour(aujourd_hui)}", par_axe=" et par axe"
        ),
        au=aujourd_hui,
        statuts=statuts,
        axes=tuple(repartitions),
    )


# --- Évolution ----------------------------------------------------------------------------------


def _debut_mois_suivant(annee: int, mois: int) -> datetime:
    return datetime(annee + mois // 12, mois % 12 + 1, 1, tzinfo=UTC)


def _bornes(maintenant: datetime, mois: int) -> list[datetime]:
    """Fins des `mois - 1` mois précédents (bornes exclusives, UTC), puis `maintenant`."""
    instant = maintenant.astimezone(UTC)
    bornes = []
    for recul in range(mois - 1, 0, -1):
        index = instant.year * 12 + instant.month - 1 - recul
        bornes.append(_debut_mois_suivant(index // 12, index % 12 + 1))
    return [*bornes, instant]


def donnees_evolution(
    session: Session,
    *,
    guild_id: int,
    maintenant: datetime,
    axe: int | None = None,
    mois: int = MOIS_PAR_DEFAUT,
    edition: Edition | None = None,
) -> DonneesEvolution:
    """Reconstitue l'avancement moyen par axe à chaque fin de mois, d'après l'historique.

    À chaque date, chaque action compte dans son état d'alors (`metier.actions.etat`), selon la
    règle de l'avancement moyen (`metier.statuts`). Le dernier point est `maintenant`. Les sommes
    viennent du cumul mensuel tenu par `metier.actions.evolution`.
    """
    if not 1 <= mois <= 120:
        raise ErreurMetier("La période doit compter entre 1 et 120 mois.")
    selection = _selection(session, guild_id, axe, edition)
    axes = selection.axes
    if not selection.courante:  # une édition passée : ses derniers mois, jusqu'à sa fin
        maintenant = min(maintenant, datetime.combine(selection.edition.fin, time(23, 59, 59), tzinfo=UTC))
    bornes = _bornes(maintenant, mois)
    # Ce que chaque mois a apporté, par axe (metier.actions.evolution) ; les mois d'avant la fenêtre
    # comptent dans la première période. Les périodes se terminent au début des mois `limites`.
    axe_ids = [ident(a) for a in axes]
    if selection.courante:
        apports = sommes_mensuelles(session, guild_id, maintenant=maintenant, axe_ids=axe_ids)
    else:
        # Une édition passée : ses actions seules, rejouées (celles reprises dans la suivante n'y sont
        # plus, comme dans les autres graphiques) ; le cumul, lui, les compterait jusqu'à leur reprise.
        apports = calculer_apports(session, guild_id, avant=borne_de_maintenant(maintenant), axe_ids=axe_ids)
    n = len(bornes)
    limites = [b.date() for b in bornes[:-1]]
    index_axes = {a.id: i for i, a in enumerate(axes)}
    ecarts_somme = [[0] * n for _ in axes]
    ecarts_nombre = [[0] * n for _ in axes]
    for (axe_id, debut_mois), (somme, nombre) in apports.items():
        i, k = index_axes[axe_id], bisect_right(limites, debut_mois)
        ecarts_somme[i][k] += somme
        ecarts_nombre[i][k] += nombre

    series = []
    total_somme, total_nombre = [0] * n, [0] * n
    for i, a in enumerate(axes):
        sommes, nombres = _cumuler(ecarts_somme[i]), _cumuler(ecarts_nombre[i])
        total_somme = [t + s for t, s in zip(total_somme, sommes, strict=True)]
        total_nombre = [t + m for t, m in zip(total_nombre, nombres, strict=True)]
        series.append(
            SerieEvolution(a.numero, libelle_axe(a.numero, a.titre_court), *_moyennes(sommes, nombres))
        )

    # Fins de mois en UTC (comme le cumul) ; le dernier point est « aujourd'hui », la règle commune.
    aujourd = temps.aujourd_hui(maintenant, ville_de_reference(session, guild_id))
    dates = (*((b - timedelta(microseconds=1)).date() for b in bornes[:-1]), aujourd)
    libelles = (*(format_mois(d) for d in dates[:-1]), format_date_courte(dates[-1]))
    debut = format_date(dates[0], "MMMM y", locale=LOCALE)
    quand = f"de {debut} au {format_jour(dates[-1])}" if n > 1 else f"au {format_jour(dates[-1])}"
    return DonneesEvolution(
        titre=_titre("Évolution de l'avancement", selection, axe, quand),
        au=dates[-1],
        dates=dates,
        libelles_dates=libelles,
        series=tuple(series),
        ensemble=SerieEvolution(0, "Ensemble", *_moyennes(total_somme, total_nombre)),
    )


def _cumuler(ecarts: list[int]) -> list[int]:
    total, cumul = 0, []
    for ecart in ecarts:
        total += ecart
        cumul.append(total)
    return cumul


def _moyennes(sommes: list[int], nombres: list[int]) -> tuple[tuple[float | None, ...], tuple[int, ...]]:
    return tuple(s / m if m else None for s, m in zip(sommes, nombres, strict=True)), tuple(nombres)


# --- Indicateurs --------------------------------------------------------------------------------


def donnees_indicateurs(
    session: Session,
    *,
    guild_id: int,
    maintenant: datetime,
    axe: int | None = None,
    edition: Edition | None = None,
) -> DonneesIndicateurs:
    """Situe la dernière mesure de chaque indicateur entre son départ et sa cible, comme la liste."""
    selection = _selection(session, guild_id, axe, edition)
    aujourd_hui = temps.aujourd_hui(maintenant, ville_de_reference(session, guild_id))
    etats = lister_indicateurs(session, guild_id=guild_id, axe=axe, edition=selection.edition)
    return DonneesIndicateurs(
        titre=_titre("Indicateurs vers leur cible", selection, axe, f"au {format_jour(aujourd_hui)}"),
        au=aujourd_hui,
        indicateurs=tuple(etats[:MAX_INDICATEURS]),
        nb_autres=max(0, len(etats) - MAX_INDICATEURS),
    )


# --- Échéances ----------------------------------------------------------------------------------


def donnees_echeances(
    session: Session,
    *,
    guild_id: int,
    maintenant: datetime,
    axe: int | None = None,
    jours: int = JOURS_PAR_DEFAUT,
    edition: Edition | None = None,
) -> DonneesEcheances:
    """Rassemble les échéances des actions ouvertes : toutes celles en retard, et les `jours` à venir.

    Au plus `MAX_ECHEANCES` sont gardées, les plus proches d'aujourd'hui ; les autres sont comptées.
    """
    if not 1 <= jours <= 3660:
        raise ErreurMetier("La période doit compter entre 1 et 3 660 jours.")
    selection = _selection(session, guild_id, axe, edition)
    axes = selection.axes
    porteurs = _Porteurs(session, guild_id)
    aujourd_hui = temps.aujourd_hui(maintenant, ville_de_reference(session, guild_id))
    horizon = aujourd_hui + timedelta(days=jours)
    echeance = col(Action.echeance)
    conditions = [
        *selection.conditions,
        ouverte_sql(),
        echeance.is_not(None),
        echeance <= horizon,
    ]
    en_retard = case((echeance < aujourd_hui, 1), else_=0)
    nb_total, nb_en_retard = lire_lignes(
        session, sa.select(func.count(), func.coalesce(func.sum(en_retard), 0)).where(*conditions)
    )[0]
    gardees = _plus_proches(session, conditions, aujourd_hui, {a.id: a.numero for a in axes}, porteurs)
    retard_montre = sum(e.en_retard for e in gardees)
    titre = f"Échéances en retard et à {jours} jours"
    return DonneesEcheances(
        titre=_titre(titre, selection, axe, f"au {format_jour(aujourd_hui)}"),
        au=aujourd_hui,
        horizon=horizon,
        porteurs=porteurs.presents({e.porteur.code for e in gardees}),
        echeances=tuple(gardees),
        nb_en_retard=int(nb_en_retard),
        nb_autres=int(nb_total) - len(gardees),
        nb_autres_en_retard=int(nb_en_retard) - retard_montre,
    )


def _plus_proches(
    session: Session,
    conditions: list[Any],
    aujourd_hui: date,
    numeros_axes: dict[int | None, int],
    porteurs: _Porteurs,
) -> list[Echeance]:
    """Les `MAX_ECHEANCES` échéances les plus proches d'aujourd'hui, dans l'ordre des dates."""
    echeance = col(Action.echeance)
    colonnes = (
        col(Action.numero),
        col(Action.titre),
        col(Action.axe_id),
        col(Action.ville),
        col(Action.statut),
        col(Action.echeance),
    )
    # Les plus proches de chaque côté d'aujourd'hui ; on garde ensuite les plus proches des deux.
    passees = lire_lignes(
        session,
        sa.select(*colonnes)
        .where(*conditions, echeance < aujourd_hui)
        .order_by(echeance.desc(), col(Action.numero))
        .limit(MAX_ECHEANCES),
    )
    a_venir = lire_lignes(
        session,
        sa.select(*colonnes)
        .where(*conditions, echeance >= aujourd_hui)
        .order_by(echeance, col(Action.numero))
        .limit(MAX_ECHEANCES),
    )
    toutes = [
        Echeance(
            numero=numero,
            titre=titre,
            axe_numero=numeros_axes[axe_id],
            porteur=porteurs(ville),
            statut=StatutAction(statut),
            echeance=jour,
            jours=(jour - aujourd_hui).days,
        )
        for numero, titre, axe_id, ville, statut, jour in (*passees, *a_venir)
    ]
    toutes.sort(key=lambda e: (abs(e.jours), e.jours >= 0, e.numero))
    return sorted(toutes[:MAX_ECHEANCES], key=lambda e: (e.echeance, e.numero))


# --- Point d'entrée -----------------------------------------------------------------------------


def preparer(
    session: Session,
    *,
    type_graphique: str,
    guild_id: int,
    maintenant: datetime,
    axe: int | None = None,
    mois: int = MOIS_PAR_DEFAUT,
    jours: int = JOURS_PAR_DEFAUT,
    edition: str | None = None,
) -> Donnees:
    """Prépare les données du graphique demandé, prêtes pour `rendu.graphiques.dessiner_png`.

    `edition` : une édition désignée par ses années (« 2024-2026 ») ; par défaut, l'édition en vigueur.
    Lève `ErreurMetier` pour un type inconnu, une édition ou un axe inconnus, ou s'il n'y a rien à
    dessiner (le message dit comment y remédier). La session vient en premier pour
    `BaseDonnees.lire(preparer, …)`.
    """
    try:
        choix = TypeGraphique(type_graphique)
    except ValueError:
        types = ", ".join(TypeGraphique)
        raise ErreurMetier(
            f"Type de graphique inconnu : « {type_graphique[:40]} ». Choisissez : {types}."
        ) from None
    choisie = None if edition is None else lire_edition(session, guild_id=guild_id, saisie=edition)
    communs: dict[str, Any] = {"guild_id": guild_id, "maintenant": maintenant, "axe": axe, "edition": choisie}
    donnees: Donnees
    match choix:
        case TypeGraphique.AXES:
            donnees = donnees_axes(session, **communs)
        case TypeGraphique.STATUTS:
            donnees = donnees_statuts(session, **communs)
        case TypeGraphique.EVOLUTION:
            donnees = donnees_evolution(session, mois=mois, **communs)
        case TypeGraphique.INDICATEURS:
            donnees = donnees_indicateurs(session, **communs)
        case TypeGraphique.ECHEANCES:
            donnees = donnees_echeances(session, jours=jours, **communs)
        case _:
            assert_never(choix)
    if donnees.est_vide:
        raise ErreurMetier(_message_vide(session, donnees, guild_id, axe, choisie))
    return donnees


def _message_vide(
    session: Session, donnees: Donnees, guild_id: int, axe: int | None, edition: Edition | None
) -> str:
    selection = _selection(session, guild_id, axe, edition)
    dans_axe = f" dans l'axe {chiffre_romain(axe)}" if axe is not None else ""
    if not selection.courante:
        dans_axe += f" de l'édition {nom_edition(selection.edition)}"
    match donnees:
        case DonneesIndicateurs():
            if axe is None and selection.courante:
                return AUCUN_INDICATEUR
            return f"Aucun indicateur{dans_axe} pour l'instant : ajoutez-en avec /indicateur ajouter."
        case _ if not _nombre_actions(session, selection):
            if axe is None and selection.courante:
                return AUCUNE_ACTION
            if not selection.courante:
                return (
                    f"Aucune action{dans_axe} : ses actions ont été reprises dans l'édition suivante, "
                    "ou elle n'en a jamais eu."
                )
            return f"Aucune action{dans_axe} pour l'instant : ajoutez-en avec /action ajouter."
        case DonneesEcheances():
            jours = (donnees.horizon - donnees.au).days
            return (
                f"Aucune action ouverte{dans_axe} n'a d'échéance dépassée ou dans les {jours} prochains "
                "jours : fixez-en avec /action modifier."
            )
        case DonneesAxes() | DonneesStatuts() | DonneesEvolution():
            return f"Aucune action{dans_axe} n'existait encore sur cette période."
        case _:
            assert_never(donnees)


def _nombre_actions(session: Session, selection: _Selection) -> int:
    return int(lire_lignes(session, sa.select(func.count()).where(*selection.conditions))[0][0])
