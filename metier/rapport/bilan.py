"""Le bilan final d'une édition du protocole : année par année, par axe, indicateurs, réunions, partenaires.

Chaque année est lue par les règles du rapport annuel (`rassembler_rapport`, actions rejouées d'après
leur historique) : le bilan ne recompte rien autrement que lui. S'y ajoutent ce qui n'a de sens que
sur toute l'édition : les indicateurs de leur départ à leur dernière mesure, les partenaires et leurs
actions, les axes et objectifs ajoutés ou retirés en cours de route.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Session, col, select

from metier.actions.export import ecrire_csv
from metier.actions.indicateurs import progression
from metier.editions import axes_de_l_edition, lire_edition, nom_edition
from metier.erreurs import ErreurMetier
from metier.formats import arrondi, pluriel
from metier.protocole import chiffre_romain, code_objectif, libelle_axe
from metier.publications.rappels import REPONSES
from metier.rapport.donnees import MesureRapport, Rapport, annee_en_cours, rassembler_rapport
from metier.serveurs import lire_configuration, ville_de_reference
from metier.stockage import ident, lire_lignes
from metier.temps import aujourd_hui, en_utc
from modeles import Action, ActionPartenaire, Edition, EntreeJournal, Objectif, Partenaire, StatutAction


@dataclass(frozen=True)
class AnneeAxe:
    """Ce qu'une année a vu dans un axe."""

    annee: int
    commencees: int
    terminees: int
    abandonnees: int


@dataclass(frozen=True)
class AxeBilan:
    """Un axe de l'édition, année par année, et l'état de ses actions à la fin."""

    numero: int
    titre: str
    titre_court: str
    annees: tuple[AnneeAxe, ...]
    statuts_a_la_fin: dict[StatutAction, int]

    @property
    def libelle(self) -> str:
        """« II. Développement social et économique »."""
        return libelle_axe(self.numero, self.titre_court)


@dataclass(frozen=True)
class IndicateurBilan:
    """Un indicateur sur toute l'édition : de sa valeur de départ à sa dernière mesure, contre sa cible."""

    numero: int
    nom: str
    axe: int
    unite: str
    valeur_depart: float
    cible: float
    mesures: tuple[MesureRapport, ...]

    @property
    def derniere(self) -> MesureRapport | None:
        """La dernière mesure de l'édition (None : jamais mesuré)."""
        return self.mesures[-1] if self.mesures else None

    @property
    def progression(self) -> float | None:
        """Chemin parcouru vers la cible à la dernière mesure, en %."""
        derniere = self.derniere
        return None if derniere is None else progression(self.valeur_depart, self.cible, derniere.valeur)


@dataclass(frozen=True)
class ReunionsAnnee:
    """Les séances tenues une année et les présences annoncées."""

    annee: int
    tenues: int
    presences: dict[str, int]


@dataclass(frozen=True)
class ActionDuBilan:
    """Une action qui associe un partenaire, dans son état d'aujourd'hui."""

    numero: int
    titre: str
    statut: StatutAction
    avancement: int


@dataclass(frozen=True)
class PartenaireBilan:
    """Un partenaire et les actions de l'édition qui l'associent."""

    nom: str
    type: str
    actions: tuple[ActionDuBilan, ...]


class SorteDeChangement(StrEnum):
    """Ce qu'un changement a fait au protocole pendant l'édition (la colonne « Changement » du CSV)."""

    AJOUT = "ajouté"
    REFORMULATION = "reformulé"
    RETRAIT = "retiré"


@dataclass(frozen=True)
class ChangementDuProtocole:
    """Un axe ou un objectif ajouté, reformulé ou retiré pendant l'édition."""

    jour: date
    sorte: SorteDeChangement
    element: str  # « Objectif 2.2 », « Axe IV », « Axe II (titre court) »
    libelle: str  # le libellé ajouté ou retiré ; pour une reformulation, le nouveau
    ancien: str | None = None  # pour une reformulation : le libellé d'avant

    @property
    def texte(self) -> str:
        """« Objectif 2.2 reformulé : « ancien » → « nouveau » », « Axe IV ajouté : La culture »."""
        if self.sorte == SorteDeChangement.REFORMULATION:
            return f"{self.element} {self.sorte} : « {self.ancien} » → « {self.libelle} »"
        return f"{self.element} {self.sorte} : {self.libelle}"


@dataclass(frozen=True)
class Bilan:
    """Tout ce que montre le bilan final d'une édition."""

    edition: Edition
    nom: str  # « 2024-2026 »
    produit_le: datetime
    au: date  # dernier jour couvert : la fin de l'édition, ou aujourd'hui si elle court encore
    annees: tuple[int, ...]
    axes: tuple[AxeBilan, ...]
    indicateurs: tuple[IndicateurBilan, ...]
    reunions: tuple[ReunionsAnnee, ...]
    partenaires: tuple[PartenaireBilan, ...]
    changements: tuple[ChangementDuProtocole, ...]
    dernier_rapport: Rapport  # celui de la dernière année, sans ses sections (villes, horloge, mise en page)

    @property
    def terminee(self) -> bool:
        """Vrai si l'édition est finie au moment du bilan."""
        return self.au >= self.edition.fin

    def total(self, quoi: str) -> int:
        """Somme sur les axes et les années de « commencees », « terminees » ou « abandonnees »."""
        return sum(getattr(a, quoi) for axe in self.axes for a in axe.annees)


def rassembler_bilan(
    session: Session, *, guild_id: int, maintenant: datetime, edition: str | None = None
) -> Bilan:
    """Rassemble le bilan d'une édition (la courante par défaut) ; lecture seule, un instantané cohérent."""
    configuration = lire_configuration(session, guild_id)
    if configuration is None:
        raise ErreurMetier(
            f"Le serveur {guild_id} est inconnu de la base : aucune donnée n'y est enregistrée."
        )
    choisie = lire_edition(session, guild_id=guild_id, saisie=edition)
    jour = aujourd_hui(maintenant, configuration.reference)
    if jour < choisie.debut:
        raise ErreurMetier(
            f"L'édition {nom_edition(choisie)} n'a pas encore commencé : son bilan se fera à partir de "
            f"{choisie.debut.year}."
        )
    derniere = min(choisie.fin.year, annee_en_cours(maintenant, configuration.reference))
    annees = tuple(range(choisie.debut.year, derniere + 1))
    rapports = [
        rassembler_rapport(session, guild_id=guild_id, annee=a, maintenant=maintenant) for a in annees
    ]
    axes = axes_de_l_edition(session, edition_id=ident(choisie))
    return Bilan(
        edition=choisie,
        nom=nom_edition(choisie),
        produit_le=maintenant,
        au=min(choisie.fin, jour),
        annees=annees,
        axes=tuple(_axe(a.numero, a.titre, a.titre_court, rapports) for a in axes),
        indicateurs=_indicateurs(rapports, choisie),
        reunions=tuple(_reunions(r) for r in rapports),
        partenaires=_partenaires(session, choisie),
        changements=_changements(session, choisie),
        # Pour la mise en page (villes, horloge, date) : sans ses sections, le bilan part léger à l'atelier.
        dernier_rapport=replace(rapports[-1], sections=(), seances=()),
    )


def _axe(numero: int, titre: str, titre_court: str, rapports: list[Rapport]) -> AxeBilan:
    annees = []
    for rapport in rapports:
        section = next((s for s in rapport.sections if s.numero == numero), None)
        actions = section.actions if section is not None else ()
        annees.append(
            AnneeAxe(
                annee=rapport.annee,
                commencees=sum(1 for a in actions if a.cree_le.year == rapport.annee),
                terminees=sum(1 for a in actions if a.terminee_le is not None),
                abandonnees=sum(1 for a in actions if a.statut == StatutAction.ABANDONNEE),
            )
        )
    derniere = next((s for s in rapports[-1].sections if s.numero == numero), None)
    statuts = derniere.compter() if derniere is not None else Counter[StatutAction]()
    return AxeBilan(numero, titre, titre_court, tuple(annees), dict(statuts))


def _indicateurs(rapports: list[Rapport], edition: Edition) -> tuple[IndicateurBilan, ...]:
    """Chaque indicateur avec toutes ses mesures de l'édition, dans l'ordre des dates."""
    vus: dict[int, IndicateurBilan] = {}
    for rapport in rapports:
        for section in rapport.sections:
            for indicateur in section.indicateurs:
                connu = vus.get(indicateur.numero)
                mesures = (connu.mesures if connu else ()) + tuple(
                    m for m in indicateur.mesures if edition.debut <= m.date <= edition.fin
                )
                vus[indicateur.numero] = IndicateurBilan(
                    numero=indicateur.numero,
                    nom=indicateur.nom,
                    axe=section.numero,
                    unite=indicateur.unite,
                    valeur_depart=indicateur.valeur_depart,
                    cible=indicateur.cible,
                    mesures=mesures,
                )
    return tuple(sorted(vus.values(), key=lambda i: (i.axe, i.numero)))


def _reunions(rapport: Rapport) -> ReunionsAnnee:
    tenues = rapport.seances_tenues
    presences = dict.fromkeys(REPONSES, 0)
    for seance in tenues:
        for reponse, nombre in seance.presences.items():
            presences[reponse] = presences.get(reponse, 0) + nombre
    return ReunionsAnnee(rapport.annee, len(tenues), presences)


def _partenaires(session: Session, edition: Edition) -> tuple[PartenaireBilan, ...]:
    """Les partenaires associés aux actions de l'édition (reprises ailleurs comprises)."""
    axes = [ident(a) for a in axes_de_l_edition(session, edition_id=ident(edition))]
    lignes = lire_lignes(
        session,
        sa.select(
            col(Partenaire.nom),
            col(Partenaire.type),
            col(Action.numero),
            col(Action.titre),
            col(Action.statut),
            col(Action.avancement),
        )
        .join(ActionPartenaire, col(ActionPartenaire.partenaire_id) == col(Partenaire.id))
        .join(Action, col(Action.id) == col(ActionPartenaire.action_id))
        .where(
            col(Action.archivee).is_(False),
            sa.or_(col(Action.axe_id).in_(axes), col(Action.reprise_de_id) == edition.id),
        )
        .order_by(col(Partenaire.recherche), col(Action.numero)),
    )
    par_nom: dict[str, tuple[str, list[ActionDuBilan]]] = {}
    for nom, type_, numero, titre, statut, avancement in lignes:
        par_nom.setdefault(nom, (type_, []))[1].append(
            ActionDuBilan(numero, titre, StatutAction(statut), avancement)
        )
    return tuple(PartenaireBilan(nom, type_, tuple(actions)) for nom, (type_, actions) in par_nom.items())


def _changements(session: Session, edition: Edition) -> tuple[ChangementDuProtocole, ...]:
    """Axes et objectifs ajoutés, reformulés, retirés pendant l'édition, dans l'ordre où ils ont eu lieu.

    Les ajouts et retraits sont datés sur l'axe ou l'objectif ; les reformulations viennent du journal
    d'audit (`/protocole axe-modifier`, `/protocole objectif-modifier` : ancien → nouveau libellé), la
    seule trace de l'ancien texte. Chacune y est, même si une autre l'a suivie. Le jour est celui de la
    ville de référence (`temps.aujourd_hui`).
    """
    axes = axes_de_l_edition(session, edition_id=ident(edition))
    numeros = {ident(a): a.numero for a in axes}
    faits: list[tuple[datetime, SorteDeChangement, str, str, str | None]] = [
        (a.ajoute_le, SorteDeChangement.AJOUT, f"Axe {chiffre_romain(a.numero)}", a.titre, None)
        for a in axes
        if a.ajoute_le is not None
    ]
    codes: dict[str, str] = {}
    for objectif in session.exec(select(Objectif).where(col(Objectif.axe_id).in_(list(numeros)))).all():
        element = f"Objectif {code_objectif(numeros[objectif.axe_id], objectif.numero)}"
        codes[str(objectif.id)] = element
        if objectif.ajoute_le is not None:
            faits.append((objectif.ajoute_le, SorteDeChangement.AJOUT, element, objectif.libelle, None))
        if objectif.retire_le is not None:
            faits.append((objectif.retire_le, SorteDeChangement.RETRAIT, element, objectif.libelle, None))
    elements = {
        ("objectif", "libelle"): codes,
        ("axe", "titre"): {str(i): f"Axe {chiffre_romain(n)}" for i, n in numeros.items()},
        ("axe", "titre_court"): {
            str(i): f"Axe {chiffre_romain(n)} (titre court)" for i, n in numeros.items()
        },
    }
    for entree in session.exec(
        select(EntreeJournal)
        .where(
            EntreeJournal.guild_id == edition.guild_id,
            col(EntreeJournal.entite).in_(["objectif", "axe"]),
            col(EntreeJournal.champ).in_(["libelle", "titre", "titre_court"]),
            col(EntreeJournal.entite_id).in_([*codes, *(str(i) for i in numeros)]),
        )
        .order_by(col(EntreeJournal.quand), col(EntreeJournal.id))
    ).all():
        nomme = elements.get((entree.entite, entree.champ), {}).get(entree.entite_id)
        if nomme is not None and entree.ancien is not None and entree.nouveau is not None:
            faits.append(
                (entree.quand, SorteDeChangement.REFORMULATION, nomme, entree.nouveau, entree.ancien)
            )
    reference = ville_de_reference(session, edition.guild_id)
    # Dans l'ordre où ils ont eu lieu ; au même instant, dans l'ordre des éléments. Les reformulations
    # successives d'un même objectif restent dans leur ordre (tri stable, journal lu dans l'ordre).
    faits.sort(key=lambda f: (en_utc(f[0]), f[2]))
    return tuple(
        ChangementDuProtocole(aujourd_hui(en_utc(quand), reference), sorte, element, libelle, ancien)
        for quand, sorte, element, libelle, ancien in faits
    )


# --- CSV -----------------------------------------------------------------------------------------

ENTETES_ANNEES = ("Axe", "Année", "Actions commencées", "Actions terminées", "Actions abandonnées")
ENTETES_INDICATEURS = (
    "N° indicateur",
    "Indicateur",
    "Axe",
    "Unité",
    "Valeur de départ",
    "Dernière mesure",
    "Date de la dernière mesure",
    "Cible",
    "Chemin parcouru (%)",
    "Mesures pendant l'édition",
)


def csv_par_annee(bilan: Bilan) -> bytes:
    """Le CSV du bilan : par axe et par année, actions commencées, terminées, abandonnées."""
    lignes: list[list[object]] = [
        [axe.libelle, a.annee, a.commencees, a.terminees, a.abandonnees]
        for axe in bilan.axes
        for a in axe.annees
    ]
    lignes += [
        [
            f"Tous les axes, {bilan.nom}",
            "toutes",
            bilan.total("commencees"),
            bilan.total("terminees"),
            bilan.total("abandonnees"),
        ]
    ]
    return ecrire_csv(ENTETES_ANNEES, lignes)


def csv_indicateurs(bilan: Bilan) -> bytes:
    """Le CSV des indicateurs : départ, dernière mesure, cible, chemin parcouru."""
    lignes = []
    for i in bilan.indicateurs:
        derniere = i.derniere
        parcouru = i.progression
        lignes.append(
            [
                i.numero,
                i.nom,
                chiffre_romain(i.axe),
                i.unite,
                i.valeur_depart,
                "" if derniere is None else derniere.valeur,
                "" if derniere is None else derniere.date.isoformat(),
                i.cible,
                "" if parcouru is None else arrondi(parcouru),
                len(i.mesures),
            ]
        )
    return ecrire_csv(ENTETES_INDICATEURS, lignes)


ENTETES_CHANGEMENTS = ("Date", "Élément", "Changement", "Ancien libellé", "Libellé")


def csv_changements(bilan: Bilan) -> bytes:
    """Le CSV de l'évolution du protocole : axes et objectifs ajoutés, reformulés (avec l'ancien libellé),
    retirés."""
    return ecrire_csv(
        ENTETES_CHANGEMENTS,
        [[c.jour.isoformat(), c.element, str(c.sorte), c.ancien or "", c.libelle] for c in bilan.changements],
    )


def csv_du_bilan(bilan: Bilan) -> list[tuple[str, bytes]]:
    """Les CSV du bilan et leurs noms de fichier : la commande et la ligne de commande joignent les mêmes."""
    return [
        (f"bilan-{bilan.nom}-par-annee.csv", csv_par_annee(bilan)),
        (f"bilan-{bilan.nom}-indicateurs.csv", csv_indicateurs(bilan)),
        (f"bilan-{bilan.nom}-protocole.csv", csv_changements(bilan)),
    ]


def resume_du_bilan(bilan: Bilan) -> str:
    """« 2 000 actions commencées, 1 200 terminées, 150 abandonnées » : une phrase pour le message."""
    return (
        f"{pluriel(bilan.total('commencees'), 'action commencée', 'actions commencées')}, "
        f"{pluriel(bilan.total('terminees'), 'terminée')}, "
        f"{pluriel(bilan.total('abandonnees'), 'abandonnée')} ; "
        f"{pluriel(len(bilan.indicateurs), 'indicateur')}, "
        f"{pluriel(sum(r.tenues for r in bilan.reunions), 'séance tenue', 'séances tenues')}"
    )
