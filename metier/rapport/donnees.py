"""Rapport annuel du protocole : ce qui s'est passé pendant une année, rassemblé en valeurs simples.

Le protocole demande des « rapports annuels détaillant les réalisations et les indicateurs de
performance liés à chaque thème ». `rassembler` lit tout en une transaction et rend un `Dossier` :
le `Rapport` (valeurs figées, prêtes pour `rendu.rapport`) et les deux CSV de l'année, au
format de /action exporter.

L'état d'une action à une date est reconstitué d'après son historique, selon la règle de
`metier.actions.etat` (comme le résumé et le graphique `evolution`) : le rapport 2025 montre les
actions telles qu'au 31 décembre 2025, même si elles ont bougé depuis. Le dernier jour d'une année
en cours est « aujourd'hui » dans la ville de référence (`temps.aujourd_hui`) ; les bornes des années
restent en UTC. Les actions archivées n'y figurent pas (elles restent dans le CSV
et le journal).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy import Row
from sqlmodel import Session, col, select

from metier.actions.etat import (
    COLONNES_TRAJECTOIRE,
    Etat,
    borne_de_maintenant,
    etat_a,
    lignes_entre,
    lire_historiques,
    termine_le,
    trajectoire_de_ligne,
)
from metier.actions.export import exporter_actions, exporter_mesures
from metier.actions.indicateurs import EtatIndicateur, dernieres_mesures, progression
from metier.actions.libelles import nom_ville_porteuse
from metier.editions import edition_de_l_annee, indicateur_existait
from metier.erreurs import ErreurMetier
from metier.graphiques import (
    MAX_INDICATEURS,
    DonneesIndicateurs,
    DonneesStatuts,
    RepartitionAxe,
)
from metier.membres import noms_des_membres
from metier.protocole import (
    DEBUT_PROTOCOLE,
    FIN_PROTOCOLE,
    TITRE_PROTOCOLE,
    code_objectif,
    libelle_axe,
    titre_axe,
)
from metier.publications.rappels import REPONSES, presences_par_seance
from metier.reunions.comptes_rendus import decisions_de, ids_presents
from metier.reunions.registre import annulees_par_reunion
from metier.reunions.series import occurrences
from metier.serveurs import REFERENCE_PAR_DEFAUT, lire_configuration
from metier.statuts import LEGENDE_STATUTS, STATUTS_CLOS, est_en_retard, moyenne_avancement
from metier.stockage import ident, lire_lignes
from metier.temps import Ville, aujourd_hui, en_utc, format_jour
from modeles import (
    Action,
    Axe,
    CompteRendu,
    Indicateur,
    Mesure,
    MiseAJour,
    Objectif,
    Presence,
    Reunion,
    StatutAction,
)

PREMIERE_ANNEE: Final = 2024
MAX_SEANCES_PAR_SERIE: Final = 400  # une série hebdomadaire en compte 53 par an
DEFINITION_BONNE_VOIE: Final = (
    "Un indicateur est « en bonne voie » quand sa dernière mesure a parcouru, de sa valeur de départ "
    "vers sa cible, au moins la part écoulée de la durée du protocole (du 1er janvier 2024 au "
    "31 décembre 2026, linéairement), quel que soit le jour où l'indicateur a été saisi dans le bot."
)


# --- L'année demandée ---------------------------------------------------------------------------


def annee_en_cours(maintenant: datetime, reference: Ville = REFERENCE_PAR_DEFAUT) -> int:
    """L'année d'aujourd'hui dans l'horloge de la ville de référence."""
    return aujourd_hui(maintenant, reference).year


def verifier_annee(annee: int, maintenant: datetime, reference: Ville = REFERENCE_PAR_DEFAUT) -> None:
    """Refuse une année d'avant le protocole ou pas encore commencée."""
    courante = annee_en_cours(maintenant, reference)
    choix = (
        f"Choisissez une année de {PREMIERE_ANNEE} à {courante}."
        if courante > PREMIERE_ANNEE
        else f"Choisissez {PREMIERE_ANNEE}."
    )
    if annee < PREMIERE_ANNEE:
        raise ErreurMetier(
            f"Le protocole de coopération commence en {PREMIERE_ANNEE} : il n'y a pas de rapport pour "
            f"{annee}. {choix}"
        )
    if annee > courante:
        raise ErreurMetier(f"L'année {annee} n'est pas encore commencée : pas de rapport possible. {choix}")


# --- Valeurs rendues ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ActionRapport:
    """Une action suivie pendant l'année, dans son état à la fin de la période."""

    numero: int
    titre: str
    objectif: str | None  # « 1.2 »
    ville: str  # code de la ville porteuse, ou « toutes »
    responsable_id: int
    responsable: str | None  # nom affiché relevé (metier.membres) ; None pour un membre jamais vu
    partenaires: str
    statut: StatutAction
    avancement: int
    avancement_debut: int | None  # au 1er janvier ; None si créée pendant l'année
    echeance: date | None
    cree_le: date
    terminee_le: date | None  # renseignée si elle a été terminée pendant l'année
    mises_a_jour: int  # mises à jour enregistrées pendant l'année

    def en_retard(self, jour: date) -> bool:
        """Échéance dépassée à ce jour, sans être terminée ni abandonnée."""
        return est_en_retard(self.statut, self.echeance, jour)


@dataclass(frozen=True)
class MesureRapport:
    """Une mesure d'indicateur relevée pendant l'année."""

    date: date
    valeur: float
    note: str | None


@dataclass(frozen=True)
class IndicateurRapport:
    """Un indicateur, ses mesures de l'année et sa situation à la fin de la période."""

    numero: int
    nom: str
    unite: str
    valeur_depart: float
    cible: float
    cree_le: date
    mesures: tuple[MesureRapport, ...]
    valeur: float | None  # dernière valeur connue à la fin de la période (peut dater d'avant)
    date_valeur: date | None
    attendu: float  # % du chemin attendu à la fin de la période (voir DEFINITION_BONNE_VOIE)

    @property
    def progression(self) -> float | None:
        """Chemin parcouru de la valeur de départ vers la cible, en % (peut sortir de 0-100)."""
        return None if self.valeur is None else progression(self.valeur_depart, self.cible, self.valeur)

    @property
    def en_bonne_voie(self) -> bool | None:
        """Vrai si le chemin parcouru atteint le chemin attendu ; None sans aucune mesure."""
        return en_bonne_voie(self.progression, self.attendu)


@dataclass(frozen=True)
class SectionAxe:
    """Un axe du protocole : ses objectifs, ses actions et ses indicateurs de l'année."""

    numero: int
    titre: str
    titre_court: str
    objectifs: tuple[tuple[str, str], ...]  # (« 1.2 », libellé)
    actions: tuple[ActionRapport, ...]
    indicateurs: tuple[IndicateurRapport, ...]
    # Avancement moyen (metier.statuts) à la fin de la période : toutes les actions qui existaient,
    # même closes avant l'année et absentes de `actions`, comme le graphique `evolution` à cette date.
    moyenne_avancement: float | None

    @property
    def libelle(self) -> str:
        """« I. La lutte aux changements climatiques et la transition écologique »."""
        return libelle_axe(self.numero, self.titre)

    @property
    def terminees(self) -> tuple[ActionRapport, ...]:
        """Actions terminées pendant l'année, dans l'ordre où elles l'ont été."""
        return tuple(
            sorted(
                (a for a in self.actions if a.terminee_le is not None),
                key=lambda a: (a.terminee_le or date.min, a.numero),
            )
        )

    @property
    def en_cours(self) -> tuple[ActionRapport, ...]:
        """Actions en cours à la fin de la période."""
        return tuple(a for a in self.actions if a.statut == StatutAction.EN_COURS)

    def compter(self) -> Counter[StatutAction]:
        """Nombre d'actions de chaque statut à la fin de la période."""
        return Counter(a.statut for a in self.actions)

    @property
    def autres(self) -> tuple[ActionRapport, ...]:
        """Actions proposées, en pause ou abandonnées pendant l'année, par statut puis numéro."""
        ordre = list(StatutAction)
        return tuple(
            sorted(
                (a for a in self.actions if a.statut not in {StatutAction.EN_COURS, StatutAction.TERMINEE}),
                key=lambda a: (ordre.index(a.statut), a.numero),
            )
        )


@dataclass(frozen=True)
class SeanceRapport:
    """Une séance de réunion de l'année ; `tenue` si elle a commencé avant la production du rapport."""

    reunion_numero: int
    titre: str
    ville: str  # ville d'ancrage de la série
    debut: datetime
    fin: datetime
    tenue: bool
    presences: dict[str, int] = field(hash=False)
    # Présents par ville (code ; « » si inconnue) : ceux du compte rendu s'il existe, sinon les réponses.
    presents_par_ville: dict[str, int] = field(default_factory=dict, hash=False)
    compte_rendu: CompteRenduRapport | None = None


@dataclass(frozen=True)
class CompteRenduRapport:
    """Le compte rendu d'une séance, tel que le rapport le reprend."""

    points: str
    decisions: tuple[str, ...]
    suites: str


@dataclass(frozen=True)
class GraphiqueRapport:
    """Un graphique du rapport, repéré par une clé (« synthese », « axe-1-statuts »…)."""

    cle: str
    axe: int | None
    donnees: DonneesStatuts | DonneesIndicateurs


@dataclass(frozen=True)
class Rapport:
    """Tout ce que montre le rapport annuel d'un serveur."""

    annee: int
    guild_id: int
    produit_le: datetime
    du: date
    au: date  # dernier jour couvert : le 31 décembre, ou aujourd'hui pour l'année en cours
    villes: tuple[Ville, ...]
    sections: tuple[SectionAxe, ...]
    seances: tuple[SeanceRapport, ...]
    reference: Ville = REFERENCE_PAR_DEFAUT  # l'horloge qui compte les jours (`Configuration.reference`)
    titre_protocole: str = TITRE_PROTOCOLE  # celui de l'édition qui couvre l'année

    @property
    def annee_complete(self) -> bool:
        """Vrai si l'année est finie (sinon le rapport s'arrête à aujourd'hui)."""
        return self.au >= date(self.annee, 12, 31)

    @property
    def actions(self) -> tuple[ActionRapport, ...]:
        """Toutes les actions suivies pendant l'année."""
        return tuple(a for s in self.sections for a in s.actions)

    @property
    def indicateurs(self) -> tuple[IndicateurRapport, ...]:
        """Tous les indicateurs."""
        return tuple(i for s in self.sections for i in s.indicateurs)

    @property
    def nb_en_bonne_voie(self) -> int:
        """Nombre d'indicateurs en bonne voie à la fin de la période."""
        return sum(1 for i in self.indicateurs if i.en_bonne_voie)

    @property
    def nb_sans_mesure(self) -> int:
        """Nombre d'indicateurs qui n'ont aucune mesure à la fin de la période."""
        return sum(1 for i in self.indicateurs if i.en_bonne_voie is None)

    @property
    def nb_mesures(self) -> int:
        """Nombre de mesures d'indicateurs relevées pendant l'année."""
        return sum(len(i.mesures) for i in self.indicateurs)

    @property
    def seances_tenues(self) -> tuple[SeanceRapport, ...]:
        """Séances de l'année déjà commencées."""
        return tuple(s for s in self.seances if s.tenue)

    def compter(self) -> Counter[StatutAction]:
        """Nombre d'actions de chaque statut à la fin de la période, tous axes confondus."""
        total: Counter[StatutAction] = Counter()
        for section in self.sections:
            total.update(section.compter())
        return total

    @property
    def nb_terminees(self) -> int:
        """Actions terminées pendant l'année."""
        return sum(len(s.terminees) for s in self.sections)

    @property
    def est_vide(self) -> bool:
        """Vrai si l'année n'a vu ni action, ni mesure d'indicateur, ni séance de réunion."""
        return not self.actions and not self.nb_mesures and not self.seances

    def nom_ville(self, code: str) -> str:
        """Nom de la ville porteuse ; « Terrebonne et Namur » pour une action conjointe."""
        return nom_ville_porteuse(self.villes, code)

    @property
    def graphiques(self) -> tuple[GraphiqueRapport, ...]:
        """Les graphiques à dessiner : la synthèse, puis pour chaque axe les statuts et les indicateurs."""
        return graphiques_du_rapport(self)


@dataclass(frozen=True)
class Dossier:
    """Le rapport et les deux CSV de l'année (format de /action exporter)."""

    rapport: Rapport
    csv_actions: bytes
    csv_mesures: bytes


# --- Lecture ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _ActionsDeLAxe:
    """Les actions suivies d'un axe, et l'état à la fin de la période de toutes celles qui existaient."""

    suivies: list[ActionRapport] = field(default_factory=list)
    etats: list[Etat] = field(default_factory=list)


def _actions(
    session: Session,
    guild_id: int,
    debut: datetime,
    fin: datetime,
    objectifs: dict[int, str],
    reference: Ville,
) -> dict[int, _ActionsDeLAxe]:
    """Actions de la période par identifiant d'axe, dans leur état d'alors (`metier.actions.etat`)."""
    lignes = lire_lignes(
        session,
        sa.select(
            *COLONNES_TRAJECTOIRE,
            col(Action.modifie_le),
            col(Action.numero),
            col(Action.titre),
            col(Action.objectif_id),
            col(Action.ville),
            col(Action.responsable_id),
            col(Action.partenaires),
            col(Action.echeance),
        )
        .where(
            col(Action.guild_id) == guild_id,
            col(Action.archivee) == sa.false(),
            col(Action.cree_le) < fin,
        )
        .order_by(col(Action.numero)),
    )
    historiques = lire_historiques(session, col(MiseAJour.guild_id) == guild_id)
    noms = noms_des_membres(session, guild_id, {ligne.responsable_id for ligne in lignes})
    par_axe: dict[int, _ActionsDeLAxe] = {}
    for ligne in lignes:
        t = trajectoire_de_ligne(ligne, historiques)
        etat_debut, etat = etat_a(t, debut), etat_a(t, fin)
        assert etat is not None  # créée avant `fin`
        axe = par_axe.setdefault(ligne.axe_id, _ActionsDeLAxe())
        axe.etats.append(etat)
        if etat_debut is not None and etat_debut.statut in STATUTS_CLOS and etat.statut == etat_debut.statut:
            continue  # close avant l'année et restée close : elle n'appartient pas à ce rapport
        terminee = termine_le(t, fin) if etat.statut == StatutAction.TERMINEE else None
        if terminee is not None and len(t.changements) == 1:
            terminee = en_utc(ligne.modifie_le)  # sans historique : sa dernière modification
        if terminee is not None and not debut <= terminee < fin:
            terminee = None
        mises_a_jour = lignes_entre(t, debut, fin)
        axe.suivies.append(
            _action_rapport(
                ligne, objectifs, noms, etat, etat_debut, t.cree_le, terminee, mises_a_jour, reference
            )
        )
    return par_axe


def _action_rapport(
    ligne: Row[Any],
    objectifs: dict[int, str],
    noms: dict[int, str],
    etat: Etat,
    etat_debut: Etat | None,
    cree_le: datetime,
    terminee: datetime | None,
    mises_a_jour: int,
    reference: Ville,
) -> ActionRapport:
    """Une action lue (colonnes nommées d'après le modèle) dans son état de fin de période."""
    return ActionRapport(
        numero=ligne.numero,
        titre=ligne.titre,
        objectif=objectifs.get(ligne.objectif_id) if ligne.objectif_id is not None else None,
        ville=ligne.ville,
        responsable_id=ligne.responsable_id,
        responsable=noms.get(ligne.responsable_id),
        partenaires=ligne.partenaires or "",
        statut=etat.statut,
        avancement=etat.avancement,
        avancement_debut=None if etat_debut is None else etat_debut.avancement,
        echeance=ligne.echeance,
        cree_le=aujourd_hui(cree_le, reference),  # le jour de cet instant dans la ville de référence
        terminee_le=aujourd_hui(terminee, reference) if terminee else None,
        mises_a_jour=mises_a_jour,
    )


def en_bonne_voie(parcouru: float | None, attendu: float) -> bool | None:
    """Vrai si le chemin parcouru (en %) atteint le chemin attendu ; None sans aucune mesure."""
    return None if parcouru is None else parcouru >= attendu - 1e-9


def part_attendue(au: date, debut: date = DEBUT_PROTOCOLE, fin: date = FIN_PROTOCOLE) -> float:
    """Part du chemin attendue à la date `au` (en %) : la part écoulée de la durée du protocole.

    Le jour où l'indicateur a été saisi dans le bot n'y change rien : un indicateur ajouté en
    novembre 2026 n'est pas « attendu à 0 % », le protocole a commencé en janvier 2024.
    """
    if au >= fin:
        return 100.0
    if au <= debut:
        return 0.0
    return (au - debut).days / (fin - debut).days * 100


def _indicateurs(
    session: Session,
    guild_id: int,
    du: date,
    au: date,
    reference: Ville,
    periode: tuple[date, date] = (DEBUT_PROTOCOLE, FIN_PROTOCOLE),
) -> dict[int, list[IndicateurRapport]]:
    """Indicateurs existant pendant la période (créés, ou mesurés à une date de la période ou d'avant),
    avec leurs mesures, par identifiant d'axe."""
    fin_annee = date(du.year, 12, 31)
    derniere = dernieres_mesures(guild_id, jusqu_au=fin_annee)  # la même règle que /indicateur liste
    indicateurs = lire_lignes(
        session,
        sa.select(
            col(Indicateur.id),
            col(Indicateur.numero),
            col(Indicateur.nom),
            col(Indicateur.axe_id),
            col(Indicateur.unite),
            col(Indicateur.valeur_depart),
            col(Indicateur.cible),
            col(Indicateur.cree_le),
            derniere.c.valeur,
            derniere.c.date,
        )
        .outerjoin(derniere, derniere.c.indicateur_id == col(Indicateur.id))
        .where(
            col(Indicateur.guild_id) == guild_id,
            col(Indicateur.archive) == sa.false(),
            indicateur_existait(fin_annee),  # créé, ou mesuré à une date de l'année ou d'avant
        )
        .order_by(col(Indicateur.numero)),
    )
    mesures: dict[int, list[MesureRapport]] = {}
    for mesure in lire_lignes(
        session,
        sa.select(col(Mesure.indicateur_id), col(Mesure.date), col(Mesure.valeur), col(Mesure.note))
        .where(col(Mesure.guild_id) == guild_id, col(Mesure.date) >= du, col(Mesure.date) <= fin_annee)
        .order_by(col(Mesure.indicateur_id), col(Mesure.date), col(Mesure.quand), col(Mesure.id)),
    ):
        mesures.setdefault(mesure.indicateur_id, []).append(
            MesureRapport(mesure.date, float(mesure.valeur), mesure.note)
        )
    par_axe: dict[int, list[IndicateurRapport]] = {}
    for ligne in indicateurs:  # colonnes nommées d'après le modèle ; `valeur`, `date` : la dernière mesure
        cree = aujourd_hui(en_utc(ligne.cree_le), reference)
        par_axe.setdefault(ligne.axe_id, []).append(
            IndicateurRapport(
                numero=ligne.numero,
                nom=ligne.nom,
                unite=ligne.unite,
                valeur_depart=float(ligne.valeur_depart),
                cible=float(ligne.cible),
                cree_le=cree,
                mesures=tuple(mesures.get(ligne.id, ())),
                valeur=None if ligne.valeur is None else float(ligne.valeur),
                date_valeur=ligne.date,
                attendu=part_attendue(au, *periode),
            )
        )
    return par_axe


def _seances(session: Session, guild_id: int, annee: int, maintenant: datetime) -> tuple[SeanceRapport, ...]:
    """Séances non annulées de l'année (déjà tenues ou à venir), avec les présences annoncées."""
    debut = datetime(annee, 1, 1, tzinfo=UTC)
    fin = datetime(annee + 1, 1, 1, tzinfo=UTC)
    reunions = session.exec(
        select(Reunion).where(
            Reunion.guild_id == guild_id,
            col(Reunion.annulee).is_(False),
            col(Reunion.date_debut) <= date(annee, 12, 31) + timedelta(days=1),
            sa.or_(
                col(Reunion.regle).is_not(None),
                col(Reunion.date_debut) >= date(annee, 1, 1) - timedelta(days=1),
            ),
        )
    ).all()
    ids = [ident(reunion) for reunion in reunions]
    annulees = annulees_par_reunion(session, ids)
    presences = presences_par_seance(session, reunion_ids=ids, du=debut, au=fin)
    comptes_rendus, par_ville = _comptes_rendus_et_villes(session, ids, debut, fin)
    seances = []
    for reunion in reunions:
        reunion_id = ident(reunion)
        # `occurrences` garde les séances qui commencent strictement après `apres`.
        for seance in occurrences(
            reunion,
            debut - timedelta(microseconds=1),
            fin,
            limite=MAX_SEANCES_PAR_SERIE,
            annulees=annulees[reunion_id],
        ):
            seances.append(
                SeanceRapport(
                    reunion_numero=reunion.numero,
                    titre=reunion.titre,
                    ville=reunion.ville,
                    debut=seance.debut,
                    fin=seance.fin,
                    tenue=seance.debut < maintenant,
                    presences=presences.get((reunion_id, seance.debut), dict.fromkeys(REPONSES, 0)),
                    presents_par_ville=par_ville.get((reunion_id, seance.debut), {}),
                    compte_rendu=comptes_rendus.get((reunion_id, seance.debut)),
                )
            )
    return tuple(sorted(seances, key=lambda s: (s.debut, s.reunion_numero)))


Seance = tuple[int, datetime]


def _comptes_rendus_et_villes(
    session: Session, ids: list[int], du: datetime, au: datetime
) -> tuple[dict[Seance, CompteRenduRapport], dict[Seance, dict[str, int]]]:
    """Les comptes rendus des séances de la période, et leurs présents comptés par ville.

    Deux requêtes pour toute l'année. Les présents sont ceux du compte rendu (ajustés après la
    séance) ; sans compte rendu, ceux qui ont répondu « présent ». La ville est celle notée à la réponse.
    """
    if not ids:
        return {}, {}
    villes: dict[Seance, dict[int, str]] = {}
    presents: dict[Seance, list[int]] = {}
    for ligne in lire_lignes(
        session,
        sa.select(
            col(Presence.reunion_id),
            col(Presence.debut),
            col(Presence.membre_id),
            col(Presence.ville),
            col(Presence.reponse),
        )
        .where(col(Presence.reunion_id).in_(ids), col(Presence.debut) >= du, col(Presence.debut) < au)
        .order_by(col(Presence.quand), col(Presence.membre_id)),
    ):
        cle = (ligne.reunion_id, en_utc(ligne.debut))
        villes.setdefault(cle, {})[ligne.membre_id] = ligne.ville or ""
        if ligne.reponse == "present":
            presents.setdefault(cle, []).append(ligne.membre_id)
    comptes_rendus: dict[Seance, CompteRenduRapport] = {}
    for compte_rendu in session.exec(
        select(CompteRendu).where(
            col(CompteRendu.reunion_id).in_(ids), CompteRendu.debut >= du, CompteRendu.debut < au
        )
    ):
        cle = (compte_rendu.reunion_id, en_utc(compte_rendu.debut))
        comptes_rendus[cle] = CompteRenduRapport(
            compte_rendu.points, tuple(decisions_de(compte_rendu.decisions)), compte_rendu.suites
        )
        presents[cle] = ids_presents(compte_rendu.presents)
    par_ville = {
        cle: dict(Counter(villes.get(cle, {}).get(membre, "") for membre in membres))
        for cle, membres in presents.items()
    }
    return comptes_rendus, par_ville


def rassembler_rapport(session: Session, *, guild_id: int, annee: int, maintenant: datetime) -> Rapport:
    """Rassemble le rapport annuel d'un serveur (lecture seule).

    Refuse un serveur inconnu de la base, une année d'avant le protocole ou pas encore commencée.
    """
    maintenant = en_utc(maintenant)
    configuration = lire_configuration(session, guild_id)
    if configuration is None:
        raise ErreurMetier(
            f"Le serveur {guild_id} est inconnu de la base : aucune donnée n'y est enregistrée. "
            "Vérifiez son identifiant (clic droit sur le serveur → Copier l'identifiant du serveur)."
        )
    verifier_annee(annee, maintenant, configuration.reference)
    debut = datetime(annee, 1, 1, tzinfo=UTC)
    # Les bornes de l'année restent en UTC ; le 1er janvier déjà commencé dans la ville de référence
    # mais pas encore en UTC donne une période vide, pas à l'envers. Pour l'année en cours, l'état
    # est celui de maintenant : ce qui vient d'être enregistré compte déjà.
    fin = max(debut, min(datetime(annee + 1, 1, 1, tzinfo=UTC), borne_de_maintenant(maintenant)))
    du = debut.date()
    au = max(du, min(date(annee, 12, 31), aujourd_hui(maintenant, configuration.reference)))

    # Les sections : les axes de l'édition qui couvre l'année. Une action reprise d'une édition à
    # l'autre compte dans l'axe de même numéro (`par_numero`) : son année reste entière.
    edition = edition_de_l_annee(session, guild_id=guild_id, annee=annee)
    tous = session.exec(select(Axe).where(Axe.guild_id == guild_id).order_by(col(Axe.numero))).all()
    axes = [a for a in tous if a.edition_id == edition.id]
    numeros_axes = {a.id: a.numero for a in tous}
    par_numero: dict[int, list[int]] = {}
    for autre in tous:
        par_numero.setdefault(autre.numero, []).append(ident(autre))
    objectifs: dict[int, list[tuple[str, str]]] = {}
    codes_objectifs: dict[int, str] = {}
    for objectif in session.exec(
        select(Objectif).where(Objectif.guild_id == guild_id).order_by(col(Objectif.numero))
    ):
        assert objectif.id is not None
        code = code_objectif(numeros_axes[objectif.axe_id], objectif.numero)
        codes_objectifs[objectif.id] = code
        objectifs.setdefault(objectif.axe_id, []).append((code, objectif.libelle))
    reference = configuration.reference
    actions = _actions(session, guild_id, debut, fin, codes_objectifs, reference)
    indicateurs = _indicateurs(session, guild_id, du, au, reference, (edition.debut, edition.fin))
    sections = []
    for axe in axes:
        de_l_axe = _ActionsDeLAxe()
        for axe_id in par_numero[axe.numero]:
            de_l_axe.suivies.extend(actions.get(axe_id, _ActionsDeLAxe()).suivies)
            de_l_axe.etats.extend(actions.get(axe_id, _ActionsDeLAxe()).etats)
        de_l_axe.suivies.sort(key=lambda a: a.numero)
        indicateurs_de_l_axe = [i for axe_id in par_numero[axe.numero] for i in indicateurs.get(axe_id, [])]
        sections.append(
            SectionAxe(
                numero=axe.numero,
                titre=axe.titre,
                titre_court=axe.titre_court,
                objectifs=tuple(objectifs.get(ident(axe), [])),
                actions=tuple(de_l_axe.suivies),
                indicateurs=tuple(sorted(indicateurs_de_l_axe, key=lambda i: i.numero)),
                moyenne_avancement=moyenne_avancement(de_l_axe.etats),
            )
        )
    return Rapport(
        titre_protocole=edition.titre,
        annee=annee,
        guild_id=guild_id,
        produit_le=maintenant,
        du=du,
        au=au,
        villes=configuration.villes,
        sections=tuple(sections),
        seances=_seances(session, guild_id, annee, maintenant),
        reference=configuration.reference,
    )


def rassembler(session: Session, *, guild_id: int, annee: int, maintenant: datetime) -> Dossier:
    """Rassemble le rapport et les CSV de l'année dans une même transaction (un instantané cohérent)."""
    rapport = rassembler_rapport(session, guild_id=guild_id, annee=annee, maintenant=maintenant)
    fin_annee = date(annee, 12, 31)
    return Dossier(
        rapport=rapport,
        csv_actions=exporter_actions(session, guild_id=guild_id, du=rapport.du, au=fin_annee),
        csv_mesures=exporter_mesures(session, guild_id=guild_id, du=rapport.du, au=fin_annee),
    )


# --- Graphiques ---------------------------------------------------------------------------------


def _quand(rapport: Rapport) -> str:
    return f"au {format_jour(rapport.au)}"


def _comptes(actions: Sequence[ActionRapport]) -> tuple[int, ...]:
    comptes = Counter(a.statut for a in actions)
    return tuple(comptes.get(statut, 0) for statut in StatutAction)


def graphiques_du_rapport(rapport: Rapport) -> tuple[GraphiqueRapport, ...]:
    """Les graphiques à dessiner avec `rendu.graphiques.dessiner` ; aucun pour ce qui est vide.

    Mêmes types que /progres graphique, mais remplis avec l'état de fin de période : un rapport
    d'une année passée montre l'année, pas aujourd'hui.
    """
    graphiques: list[GraphiqueRapport] = []
    if rapport.actions:
        graphiques.append(_graphique_de_synthese(rapport))
    for section in rapport.sections:
        if section.actions:
            graphiques.append(_graphique_des_statuts(rapport, section))
        if any(i.valeur is not None for i in section.indicateurs):  # sinon, rien à dessiner
            graphiques.append(_graphique_des_indicateurs(rapport, section))
    return tuple(graphiques)


def _graphique_de_synthese(rapport: Rapport) -> GraphiqueRapport:
    return GraphiqueRapport(
        "synthese",
        None,
        DonneesStatuts(
            titre=f"Actions suivies en {rapport.annee}, par statut et par axe — {_quand(rapport)}",
            au=rapport.au,
            statuts=LEGENDE_STATUTS,
            axes=tuple(
                RepartitionAxe(s.numero, libelle_axe(s.numero, s.titre_court), _comptes(s.actions))
                for s in rapport.sections
            ),
        ),
    )


def _graphique_des_statuts(rapport: Rapport, section: SectionAxe) -> GraphiqueRapport:
    lignes = [
        RepartitionAxe(
            section.numero, f"{code} {libelle}", _comptes([a for a in section.actions if a.objectif == code])
        )
        for code, libelle in section.objectifs
    ]
    sans_objectif = [a for a in section.actions if a.objectif is None]
    if sans_objectif:
        lignes.append(RepartitionAxe(section.numero, "Sans objectif précisé", _comptes(sans_objectif)))
    titre = titre_axe(section.numero, "actions par objectif et par statut")
    return GraphiqueRapport(
        f"axe-{section.numero}-statuts",
        section.numero,
        DonneesStatuts(
            titre=f"{titre} — {_quand(rapport)}", au=rapport.au, statuts=LEGENDE_STATUTS, axes=tuple(lignes)
        ),
    )


def _graphique_des_indicateurs(rapport: Rapport, section: SectionAxe) -> GraphiqueRapport:
    etats = [
        EtatIndicateur(
            numero=i.numero,
            nom=i.nom,
            axe_numero=section.numero,
            unite=i.unite,
            valeur_depart=i.valeur_depart,
            cible=i.cible,
            valeur=i.valeur,
            date_mesure=i.date_valeur,
        )
        for i in section.indicateurs
    ]
    titre = titre_axe(section.numero, "indicateurs vers leur cible")
    return GraphiqueRapport(
        f"axe-{section.numero}-indicateurs",
        section.numero,
        DonneesIndicateurs(
            titre=f"{titre} — {_quand(rapport)}",
            au=rapport.au,
            indicateurs=tuple(etats[:MAX_INDICATEURS]),
            nb_autres=max(0, len(etats) - MAX_INDICATEURS),
            # Ceux qui ne tiennent pas dans le graphique sont dans le tableau de l'axe.
            ou_voir_les_autres="voir le tableau",
        ),
    )


def periode(rapport: Rapport) -> str:
    """« du 1er janvier au 31 décembre 2025 », « du 1er janvier au 26 novembre 2026 (année en cours) »."""
    debut = format_jour(rapport.du).removesuffix(f" {rapport.annee}")
    texte = f"du {debut} au {format_jour(rapport.au)}"
    return texte if rapport.annee_complete else f"{texte} (année en cours)"
