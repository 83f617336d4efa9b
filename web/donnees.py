"""Ce que montre chaque page de suivi, lu en une transaction d'après les règles de `metier`.

Rien n'est recalculé ici : statuts, moyennes, retards, « aujourd'hui », bonne voie des indicateurs,
séances et écarts horaires viennent de leur maison dans `metier` ; ce module les rassemble en
valeurs simples pour les gabarits. En mode public, personne n'est nommé : un responsable est
désigné par sa ville porteuse.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter, OrderedDict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Final

import sqlalchemy as sa
from sqlalchemy import func
from sqlmodel import Session, col, select

from metier.actions.indicateurs import EtatIndicateur, lister_indicateurs
from metier.actions.libelles import nom_ville_porteuse
from metier.actions.registre import Filtres, echeance_en_mots, lister_actions, lister_axes, lister_objectifs
from metier.editions import edition_courante, jours_restants, lister_editions, nom_edition
from metier.erreurs import ErreurMetier
from metier.graphiques import (
    AvancementAxe,
    DonneesAxes,
    DonneesIndicateurs,
    MoyennePorteur,
    donnees_axes,
    donnees_indicateurs,
)
from metier.membres import noms_des_membres
from metier.page import AccesPage
from metier.protocole import DEBUT_PROTOCOLE, code_objectif, libelle_axe, titre_axe
from metier.publications.resume import periode, semaine_resumee
from metier.rapport.donnees import (
    PREMIERE_ANNEE,
    annee_en_cours,
    en_bonne_voie,
    part_attendue,
)
from metier.reunions.comptes_rendus import decisions_de, lister_comptes_rendus, presents_nommes
from metier.reunions.horloges import HeureVille, ecart_en_mots, heures_des_villes
from metier.reunions.registre import annulees_par_reunion, lister_reunions
from metier.reunions.series import decrire_recurrence, occurrences
from metier.serveurs import Configuration, lire_configuration
from metier.statuts import LEGENDE_STATUTS, en_retard_sql, est_en_retard, libelle_statut
from metier.stockage import ident, lire_lignes
from metier.temps import Ville, aujourd_hui, en_utc, format_date_longue, format_duree
from modeles import Action, Mesure, MiseAJour, Reunion, StatutAction

ACTIONS_PAR_PAGE: Final = 50
PROCHAINES_SEANCES: Final = 5
JOURS_A_VENIR: Final = 92
JOURS_PASSES: Final = 366
MAX_SEANCES_LISTEES: Final = 40
MAX_COMPTES_RENDUS: Final = 10  # les plus récents ; /reunion comptes-rendus les liste tous
MAX_FAITS_RECENTS: Final = 10
NOM_INCONNU: Final = "(nom pas encore relevé)"
MAX_SEANCES_COMPTEES: Final = 2000  # une série hebdomadaire en compte 157 sur les trois ans du protocole


class PageIntrouvable(Exception):
    """Rien à montrer à cette adresse : la réponse est la même page 404 que pour un lien inconnu."""


# --- Valeurs communes ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Entete:
    """Ce que toutes les pages ont : le protocole, les villes, le jour, le mode."""

    titre_protocole: str
    villes: tuple[str, ...]
    aujourd_hui: date
    publique: bool
    axes: tuple[tuple[int, str], ...]  # (numéro, « I. Climat et transition écologique »)


@dataclass(frozen=True)
class Seance:
    """Une séance dans l'horloge de chaque ville, avec ses avertissements."""

    numero: int
    titre: str
    debut: datetime
    jour: date
    heures: tuple[HeureVille, ...]
    duree: str
    ecart: str | None  # « semaine à 5 h (au lieu de 6 h) »
    decalee: bool
    annulee: bool = False


def _configuration(session: Session, guild_id: int) -> Configuration:
    configuration = lire_configuration(session, guild_id)
    if configuration is None:
        raise PageIntrouvable
    return configuration


def _entete(session: Session, acces: AccesPage, configuration: Configuration, jour: date) -> Entete:
    return Entete(
        titre_protocole=edition_courante(session, guild_id=acces.guild_id).titre,
        villes=tuple(v.nom for v in configuration.villes),
        aujourd_hui=jour,
        publique=acces.publique,
        axes=tuple(
            (a.numero, libelle_axe(a.numero, a.titre_court))
            for a in lister_axes(session, guild_id=acces.guild_id)
        ),
    )


def _seance(
    reunion: Reunion,
    debut: datetime,
    fin: datetime,
    configuration: Configuration,
    *,
    decalee: bool = False,
    annulee: bool = False,
) -> Seance:
    jour, heures = heures_des_villes(debut, configuration.villes, configuration.reference)
    return Seance(
        numero=reunion.numero,
        titre=reunion.titre,
        debut=debut,
        jour=jour,
        heures=heures,
        duree=format_duree(fin - debut),
        ecart=ecart_en_mots(debut, configuration.villes),
        decalee=decalee,
        annulee=annulee,
    )


# --- Accueil ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChiffresIndicateurs:
    """Indicateurs : combien, combien en bonne voie, combien sans mesure."""

    total: int
    en_bonne_voie: int
    sans_mesure: int
    attendu: float  # part du chemin attendue aujourd'hui (%)


@dataclass(frozen=True)
class FaitRecent:
    """Une mise à jour consignée cette semaine : l'action, le jour du fait, ce qu'il dit."""

    numero: int
    titre: str
    jour: date
    avancement: int | None
    statut: str | None


@dataclass(frozen=True)
class Semaine:
    """Ce qui a été consigné dans la semaine en cours (du lundi au dimanche, ville de référence).

    Des faits enregistrés, comptés et listés tels quels (les plus récents d'abord) : le bilan de la
    semaine, avec ses variations d'avancement, reste celui du résumé hebdomadaire (`/progres resume`).
    """

    numero: int
    periode: str
    nb_mises_a_jour: int
    nb_terminees: int
    nb_creees: int
    nb_mesures: int
    recents: tuple[FaitRecent, ...]


@dataclass(frozen=True)
class Accueil:
    """La page d'accueil : le protocole, l'avancement, les chiffres clés, les réunions, la semaine."""

    entete: Entete
    debut_protocole: date
    fin_protocole: date
    jours_restants: int
    part_ecoulee: float
    avancement: DonneesAxes
    villes_porteuses: tuple[tuple[str, str], ...]  # (code, nom) des colonnes du tableau par ville
    lignes_avancement: tuple[tuple[AvancementAxe, tuple[MoyennePorteur | None, ...]], ...]
    statuts: tuple[tuple[str, int], ...]
    nb_actions: int
    moyenne: float | None
    nb_en_retard: int
    indicateurs: ChiffresIndicateurs
    seances_tenues: int
    prochaines: tuple[Seance, ...]
    semaine: Semaine


def accueil(session: Session, *, acces: AccesPage, maintenant: datetime) -> Accueil:
    """Rassemble la page d'accueil d'un serveur."""
    guild_id = acces.guild_id
    configuration = _configuration(session, guild_id)
    jour = aujourd_hui(maintenant, configuration.reference)
    avancement = donnees_axes(session, guild_id=guild_id, maintenant=maintenant)
    comptes = _statuts(session, guild_id)
    edition = edition_courante(session, guild_id=guild_id)
    attendu = part_attendue(jour, edition.debut, edition.fin)
    etats = lister_indicateurs(session, guild_id=guild_id, edition=edition)  # jugés sur sa période
    bonne_voie = [en_bonne_voie(e.progression, attendu) for e in etats]
    retard = lire_lignes(
        session,
        sa.select(func.count()).where(
            col(Action.guild_id) == guild_id, col(Action.archivee).is_(False), en_retard_sql(jour)
        ),
    )[0][0]
    prochaines = tuple(
        _seance(reunion, seance.debut, seance.fin, configuration, decalee=seance.decalee)
        for reunion, seance in lister_reunions(session, guild_id=guild_id, maintenant=maintenant)[
            :PROCHAINES_SEANCES
        ]
    )
    return Accueil(
        entete=_entete(session, acces, configuration, jour),
        debut_protocole=edition.debut,
        fin_protocole=edition.fin,
        jours_restants=jours_restants(edition, jour),
        part_ecoulee=attendu,
        avancement=avancement,
        villes_porteuses=tuple((p.code, p.nom) for p in avancement.porteurs),
        lignes_avancement=tuple(
            (
                axe,
                tuple(
                    next((m for m in axe.par_porteur if m.porteur == p), None) for p in avancement.porteurs
                ),
            )
            for axe in avancement.axes
        ),
        statuts=tuple((libelle, comptes.get(statut, 0)) for statut, libelle in LEGENDE_STATUTS),
        nb_actions=sum(comptes.values()),
        moyenne=_moyenne(avancement),
        nb_en_retard=int(retard),
        indicateurs=ChiffresIndicateurs(
            total=len(etats),
            en_bonne_voie=sum(1 for b in bonne_voie if b),
            sans_mesure=sum(1 for b in bonne_voie if b is None),
            attendu=attendu,
        ),
        seances_tenues=_seances_tenues(session, guild_id, maintenant),
        prochaines=prochaines,
        semaine=_semaine(session, guild_id, maintenant, configuration.reference),
    )


def _statuts(session: Session, guild_id: int) -> Counter[StatutAction]:
    requete = (
        sa.select(col(Action.statut), func.count())
        .where(col(Action.guild_id) == guild_id, col(Action.archivee).is_(False))
        .group_by(col(Action.statut))
    )
    return Counter({StatutAction(statut): int(n) for statut, n in lire_lignes(session, requete)})


def _moyenne(avancement: DonneesAxes) -> float | None:
    """L'avancement moyen de tout le registre, recomposé des groupes (ville, axe) de `donnees_axes`.

    Les groupes ne comptent déjà que les actions de la moyenne (`metier.statuts`) : la somme de
    leurs avancements sur leur nombre est la même moyenne, sans relire les 10 000 actions.
    """
    groupes = [m for axe in avancement.axes for m in axe.par_porteur]
    nombre = sum(m.nb_actions for m in groupes)
    return sum(m.moyenne * m.nb_actions for m in groupes) / nombre if nombre else None


def _semaine(session: Session, guild_id: int, maintenant: datetime, reference: Ville) -> Semaine:
    lundi, debut, fin = semaine_resumee(maintenant, reference, ecoulee=False)
    # Les faits de la semaine, lus dans l'index (guild_id, quand) ; comptés même sur une action
    # archivée depuis (ils ont eu lieu), mais seules les actions au registre sont citées.
    dans_la_semaine = (
        col(MiseAJour.guild_id) == guild_id,
        col(MiseAJour.quand) >= debut,
        col(MiseAJour.quand) < fin,
    )
    terminee = sa.case((col(MiseAJour.statut) == StatutAction.TERMINEE.value, 1))
    nb_mises_a_jour, nb_terminees = lire_lignes(
        session, sa.select(func.count(), func.count(terminee)).where(*dans_la_semaine)
    )[0]
    jointure = sa.join(MiseAJour, Action, col(Action.id) == col(MiseAJour.action_id))
    recents = lire_lignes(
        session,
        sa.select(
            col(Action.numero),
            col(Action.titre),
            col(MiseAJour.quand),
            col(MiseAJour.avancement),
            col(MiseAJour.statut),
        )
        .select_from(jointure)
        .where(*dans_la_semaine, col(Action.archivee).is_(False))
        .order_by(col(MiseAJour.quand).desc(), col(MiseAJour.id).desc())
        .limit(MAX_FAITS_RECENTS),
    )
    nb_creees = lire_lignes(
        session,
        sa.select(func.count()).where(
            col(Action.guild_id) == guild_id,
            col(Action.archivee).is_(False),
            col(Action.cree_le) >= debut,
            col(Action.cree_le) < fin,
        ),
    )[0][0]
    nb_mesures = lire_lignes(
        session,
        sa.select(func.count()).where(
            col(Mesure.guild_id) == guild_id, col(Mesure.quand) >= debut, col(Mesure.quand) < fin
        ),
    )[0][0]
    return Semaine(
        numero=lundi.isocalendar()[1],
        periode=periode(lundi, lundi + timedelta(days=6)),
        nb_mises_a_jour=int(nb_mises_a_jour),
        nb_terminees=int(nb_terminees),
        nb_creees=int(nb_creees),
        nb_mesures=int(nb_mesures),
        recents=tuple(
            FaitRecent(
                numero=ligne.numero,
                titre=ligne.titre,
                jour=aujourd_hui(en_utc(ligne.quand), reference),
                avancement=ligne.avancement,
                statut=libelle_statut(StatutAction(ligne.statut)) if ligne.statut else None,
            )
            for ligne in recents
        ),
    )


def _seances_tenues(session: Session, guild_id: int, maintenant: datetime) -> int:
    """Séances non annulées déjà commencées depuis le début du protocole."""
    reunions = session.exec(
        select(Reunion).where(Reunion.guild_id == guild_id, col(Reunion.annulee).is_(False))
    ).all()
    annulees = annulees_par_reunion(session, [ident(r) for r in reunions])
    return sum(
        bisect_left(_debuts_du_jour(r, frozenset(annulees[ident(r)]), maintenant), maintenant)
        for r in reunions
    )


_DEBUTS: OrderedDict[tuple[object, ...], tuple[datetime, ...]] = OrderedDict()


def _debuts_du_jour(
    reunion: Reunion, annulees: frozenset[datetime], maintenant: datetime
) -> tuple[datetime, ...]:
    """Les débuts des séances, du début du protocole à la fin du lendemain (UTC), gardés pour la journée.

    Dérouler une série depuis janvier 2024 coûte ~5 ms ; la page d'accueil le demanderait à chaque
    affichage. La clé porte tout ce qui définit la série, ses séances annulées et le jour.
    """
    jour = maintenant.astimezone(UTC).date()
    cle = (
        reunion.id,
        reunion.regle,
        reunion.date_debut,
        reunion.heure_locale,
        reunion.fuseau,
        reunion.pli,
        reunion.duree_minutes,
        annulees,
        jour,
    )
    debuts = _DEBUTS.get(cle)
    if debuts is None:
        debut = datetime.combine(DEBUT_PROTOCOLE, time(0), tzinfo=UTC) - timedelta(microseconds=1)
        fin = datetime.combine(jour + timedelta(days=2), time(0), tzinfo=UTC)
        debuts = tuple(o.debut for o in occurrences(reunion, debut, fin, MAX_SEANCES_COMPTEES, annulees))
        _DEBUTS[cle] = debuts
        while len(_DEBUTS) > 256:
            _DEBUTS.popitem(last=False)
    return debuts


# --- Page d'un axe ------------------------------------------------------------------------------


@dataclass(frozen=True)
class LigneAction:
    """Une action dans le tableau de son axe."""

    numero: int
    titre: str
    objectif: str | None
    statut: str
    cle_statut: str
    avancement: int
    ville: str
    responsable: str
    partenaires: str
    echeance: date | None
    delai: str | None
    en_retard: bool


@dataclass(frozen=True)
class LigneIndicateur:
    """Un indicateur de l'axe, sa dernière mesure et sa bonne voie."""

    etat: EtatIndicateur
    en_bonne_voie: bool | None


@dataclass(frozen=True)
class PageAxe:
    """La page d'un axe : ses objectifs, ses actions (une page de la liste), ses indicateurs."""

    entete: Entete
    numero: int
    titre: str
    titre_long: str
    objectifs: tuple[tuple[str, str], ...]
    avancement: AvancementAxe
    actions: tuple[LigneAction, ...]
    total: int
    page: int
    pages: int
    indicateurs: tuple[LigneIndicateur, ...]
    attendu: float
    graphique: DonneesIndicateurs | None


def page_axe(
    session: Session, *, acces: AccesPage, maintenant: datetime, numero: int, page: int = 0
) -> PageAxe:
    """Rassemble la page d'un axe ; un axe inconnu est introuvable."""
    guild_id = acces.guild_id
    configuration = _configuration(session, guild_id)
    axe = next((a for a in lister_axes(session, guild_id=guild_id) if a.numero == numero), None)
    if axe is None:
        raise PageIntrouvable
    jour = aujourd_hui(maintenant, configuration.reference)
    objectifs = lister_objectifs(session, guild_id=guild_id, axe=numero)
    codes = {ident(o): code_objectif(n, o.numero) for o, n in objectifs}
    liste = lister_actions(
        session,
        guild_id=guild_id,
        maintenant=maintenant,
        filtres=Filtres(axe=numero),
        page=page,
        par_page=ACTIONS_PAR_PAGE,
    )
    if page != liste.page:
        raise PageIntrouvable
    noms = (
        {}
        if acces.publique
        else noms_des_membres(session, guild_id, (a.responsable_id for a, _ in liste.actions))
    )
    lignes = tuple(
        _ligne_action(a, codes, noms, configuration.villes, jour, publique=acces.publique)
        for a, _ in liste.actions
    )
    edition = edition_courante(session, guild_id=guild_id)
    attendu = part_attendue(jour, edition.debut, edition.fin)
    try:
        graphique: DonneesIndicateurs | None = donnees_indicateurs(
            session, guild_id=guild_id, maintenant=maintenant, axe=numero
        )
    except ErreurMetier:
        graphique = None
    etats = lister_indicateurs(session, guild_id=guild_id, axe=numero, edition=edition)
    return PageAxe(
        entete=_entete(session, acces, configuration, jour),
        numero=numero,
        titre=titre_axe(axe.numero, axe.titre_court),
        titre_long=axe.titre,
        objectifs=tuple((code_objectif(n, o.numero), o.libelle) for o, n in objectifs),
        avancement=donnees_axes(session, guild_id=guild_id, maintenant=maintenant, axe=numero).axes[0],
        actions=lignes,
        total=liste.total,
        page=liste.page,
        pages=liste.pages,
        indicateurs=tuple(LigneIndicateur(e, en_bonne_voie(e.progression, attendu)) for e in etats),
        attendu=attendu,
        graphique=graphique if graphique is not None and not graphique.est_vide else None,
    )


def _ligne_action(
    action: Action,
    codes: dict[int, str],
    noms: dict[int, str],
    villes: tuple[Ville, ...],
    jour: date,
    *,
    publique: bool,
) -> LigneAction:
    ville = nom_ville_porteuse(villes, action.ville)
    return LigneAction(
        numero=action.numero,
        titre=action.titre,
        objectif=codes.get(action.objectif_id) if action.objectif_id is not None else None,
        statut=libelle_statut(action.statut, majuscule=True),
        cle_statut=str(action.statut),
        avancement=action.avancement,
        ville=ville,
        # Public : jamais le nom d'une personne, seulement sa ville porteuse.
        responsable=ville if publique else noms.get(action.responsable_id, NOM_INCONNU),
        partenaires=action.partenaires or "",
        echeance=action.echeance,
        delai=echeance_en_mots(action, jour),
        en_retard=est_en_retard(action.statut, action.echeance, jour),
    )


# --- Réunions -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SerieAffichee:
    """Une réunion (série) : son rythme, sa ville, sa durée, annulée ou non."""

    numero: int
    titre: str
    rythme: str
    ville: str
    heure: str
    duree: str
    annulee: bool


@dataclass(frozen=True)
class CompteRenduAffiche:
    """Un compte rendu sur la page : sa séance dans chaque horloge, ses trois parties, les présents."""

    seance: Seance
    points: str
    decisions: tuple[str, ...]
    suites: str
    presents: tuple[tuple[str, str], ...]  # (ville, « Alice, Bob ») ; en mode public : (ville, « 2 »)


def _comptes_rendus(
    session: Session, guild_id: int, configuration: Configuration, publique: bool
) -> tuple[tuple[CompteRenduAffiche, ...], int]:
    """Les derniers comptes rendus ; en mode public, les présents comptés par ville, jamais nommés."""
    lignes, total = lister_comptes_rendus(session, guild_id=guild_id, numero=None, limite=MAX_COMPTES_RENDUS)
    noms_villes = {v.code: v.nom for v in configuration.villes}
    affiches = []
    for reunion, compte_rendu in lignes:
        par_ville: dict[str, list[str]] = {}
        for p in presents_nommes(session, compte_rendu):
            ville = noms_villes.get(p.ville or "", "Ville non précisée")
            par_ville.setdefault(ville, []).append(p.nom or "membre sans nom connu")
        debut = en_utc(compte_rendu.debut)
        affiches.append(
            CompteRenduAffiche(
                seance=_seance(
                    reunion, debut, debut + timedelta(minutes=reunion.duree_minutes), configuration
                ),
                points=compte_rendu.points,
                decisions=tuple(decisions_de(compte_rendu.decisions)),
                suites=compte_rendu.suites,
                presents=tuple(
                    (ville, str(len(noms)) if publique else ", ".join(noms))
                    for ville, noms in par_ville.items()
                ),
            )
        )
    return tuple(affiches), total


@dataclass(frozen=True)
class PageReunions:
    """Les réunions : les séries, les séances à venir et passées dans l'horloge de chaque ville."""

    entete: Entete
    series: tuple[SerieAffichee, ...]
    a_venir: tuple[Seance, ...]
    passees: tuple[Seance, ...]
    nb_a_venir: int
    nb_passees: int
    jours_a_venir: int
    jours_passes: int
    comptes_rendus: tuple[CompteRenduAffiche, ...] = ()
    nb_comptes_rendus: int = 0


def page_reunions(session: Session, *, acces: AccesPage, maintenant: datetime) -> PageReunions:
    """Rassemble la page des réunions."""
    guild_id = acces.guild_id
    configuration = _configuration(session, guild_id)
    jour = aujourd_hui(maintenant, configuration.reference)
    reunions = session.exec(
        select(Reunion).where(Reunion.guild_id == guild_id).order_by(col(Reunion.numero))
    ).all()
    annulees = annulees_par_reunion(session, [ident(r) for r in reunions])
    horizon = maintenant + timedelta(days=JOURS_A_VENIR)
    depuis = maintenant - timedelta(days=JOURS_PASSES)
    a_venir: list[Seance] = []
    passees: list[Seance] = []
    for reunion in reunions:
        retirees = annulees[ident(reunion)]
        for seance in occurrences(reunion, maintenant, horizon, MAX_SEANCES_COMPTEES, retirees):
            a_venir.append(_seance(reunion, seance.debut, seance.fin, configuration, decalee=seance.decalee))
        for seance in occurrences(reunion, depuis, maintenant, MAX_SEANCES_COMPTEES, retirees):
            passees.append(_seance(reunion, seance.debut, seance.fin, configuration, decalee=seance.decalee))
        duree = timedelta(minutes=reunion.duree_minutes)
        for debut in retirees:  # les séances annulées restent visibles, marquées
            if maintenant < debut <= horizon:
                a_venir.append(_seance(reunion, debut, debut + duree, configuration, annulee=True))
            elif depuis < debut <= maintenant:
                passees.append(_seance(reunion, debut, debut + duree, configuration, annulee=True))
    a_venir.sort(key=lambda s: (s.debut, s.numero))
    passees.sort(key=lambda s: (s.debut, s.numero), reverse=True)
    villes = {v.code: v for v in configuration.villes}
    comptes_rendus, nb_comptes_rendus = _comptes_rendus(session, guild_id, configuration, acces.publique)
    series = tuple(
        SerieAffichee(
            numero=r.numero,
            titre=r.titre,
            rythme=decrire_recurrence(r.recurrence, r.date_debut),
            ville=villes[r.ville].nom if r.ville in villes else r.ville.capitalize(),
            heure=f"{r.heure_locale.hour:02d}\u00a0h\u00a0{r.heure_locale.minute:02d}",
            duree=format_duree(timedelta(minutes=r.duree_minutes)),
            annulee=r.annulee,
        )
        for r in reunions
    )
    return PageReunions(
        entete=_entete(session, acces, configuration, jour),
        series=series,
        a_venir=tuple(a_venir[:MAX_SEANCES_LISTEES]),
        passees=tuple(passees[:MAX_SEANCES_LISTEES]),
        nb_a_venir=len(a_venir),
        nb_passees=len(passees),
        jours_a_venir=JOURS_A_VENIR,
        jours_passes=JOURS_PASSES,
        comptes_rendus=comptes_rendus,
        nb_comptes_rendus=nb_comptes_rendus,
    )


# --- Rapports -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PageRapports:
    """Les années dont le rapport annuel se télécharge (PDF et CSV)."""

    entete: Entete
    annees: tuple[int, ...]
    annee_courante: int
    editions: tuple[str, ...] = ()  # « 2024-2026 » : les éditions dont le bilan final se télécharge


def page_rapports(session: Session, *, acces: AccesPage, maintenant: datetime) -> PageRapports:
    """Rassemble la page des rapports."""
    configuration = _configuration(session, acces.guild_id)
    jour = aujourd_hui(maintenant, configuration.reference)
    courante = annee_en_cours(maintenant, configuration.reference)
    return PageRapports(
        entete=_entete(session, acces, configuration, jour),
        annees=tuple(range(courante, PREMIERE_ANNEE - 1, -1)),
        annee_courante=courante,
        editions=tuple(nom_edition(e) for e in lister_editions(session, guild_id=acces.guild_id)),
    )


def jour_long(jour: date) -> str:
    """« jeudi 26 novembre 2026 » (pour les gabarits)."""
    return format_date_longue(jour)
