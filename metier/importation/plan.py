"""Le plan d'un import : chaque ligne lue, vérifiée, et classée (à créer, à modifier, inchangée).

Le plan se calcule sans rien écrire (l'essai à blanc que montrent la commande et la ligne de
commande), puis se recalcule dans la transaction qui l'applique (`metier.importation.application`) :
ce qui a changé entre-temps dans la base est pris en compte.

Une action du fichier se rapproche d'une action du serveur par son numéro (« N° », comme l'export),
sinon par son titre (sans accents ni casse, s'il n'y en a qu'une) : importer deux fois le même fichier
ne change rien. Les faits datés (historique) et les mesures déjà enregistrés sont reconnus de même.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Final

import sqlalchemy as sa
from sqlmodel import Session, col, select

from metier.actions.etat import Etat, Ligne, etat_final, lire_historiques
from metier.actions.indicateurs import analyser_nombre
from metier.actions.libelles import nom_ville_porteuse
from metier.actions.registre import (
    Fait,
    admettre_faits,
    instant_du_jour,
    valider_echeance,
    valider_reference,
    valider_texte,
    valider_titre,
    valider_ville,
)
from metier.erreurs import ErreurMetier
from metier.importation.colonnes import Sorte, correspondance, reconnaitre
from metier.importation.lecture import Tableau, lire_fichier
from metier.partenaires import valider_partenaires
from metier.protocole import CHIFFRES_ROMAINS, chiffre_romain, code_objectif
from metier.reunions.comptes_rendus import verifier_champ
from metier.reunions.registre import annulees_par_reunion
from metier.reunions.saisie import analyser_duree
from metier.reunions.tenues import SeancePassee, seance_enregistree, verifier_seance_passee
from metier.serveurs import Configuration, lire_configuration
from metier.statuts import LIBELLES_STATUT
from metier.stockage import lire_lignes
from metier.temps import (
    Ville,
    analyser_date,
    analyser_heure,
    aujourd_hui,
    citer,
    dater_releve,
    en_utc,
    normaliser,
)
from modeles import Action, Axe, Indicateur, Membre, Mesure, MiseAJour, Objectif, Reunion, StatutAction
from modeles.actions import LONGUEUR_DESCRIPTION, LONGUEUR_NOTE

_ROMAINS: Final = {romain.lower(): numero for numero, romain in CHIFFRES_ROMAINS.items()}
_STATUTS: Final = {
    **{normaliser(libelle): statut for statut, libelle in LIBELLES_STATUT.items()},
    **{statut.value: statut for statut in StatutAction},
}
_OUI: Final = frozenset({"oui", "o", "vrai", "true", "1", "x"})
_NON: Final = frozenset({"non", "n", "faux", "false", "0", ""})
_HEURE_FINALE = re.compile(r"^(.*?\d)[ T]+\d{1,2}[:h]\d{2}(:\d{2})?$")
_IDENTIFIANT = re.compile(r"^(?:ID\s*|<@!?)?(\d{15,20})>?$", re.IGNORECASE)
DUREE_PAR_DEFAUT: Final = timedelta(hours=1)


@dataclass(frozen=True)
class Signalement:
    """Une erreur ou un avertissement, situé dans le fichier : « actions.csv, ligne 7 : … »."""

    tableau: str
    ligne: int | None
    message: str

    def __str__(self) -> str:
        ou = f"{self.tableau}, ligne {self.ligne}" if self.ligne is not None else self.tableau
        return f"{ou} : {self.message}"


@dataclass
class ActionPrevue:
    """Une ligne d'actions à appliquer : création (`existante` None) ou modification."""

    tableau: str
    ligne: int
    numero: int | None
    existante: Action | None
    champs: dict[str, Any] = field(default_factory=dict)  # ce qui est à écrire, en saisies des règles
    faits: list[tuple[int, Fait]] = field(default_factory=list)  # (ligne du fichier, fait)
    archiver: bool = False
    etat_voulu: tuple[StatutAction | None, int | None] = (None, None)  # statut, avancement de la ligne
    tableau_faits: str | None = None  # la feuille d'historique, pour situer un fait refusé
    reference: str | None = None  # la référence externe de la ligne (colonne « Référence »)

    @property
    def a_ecrire(self) -> bool:
        """Vrai si l'import change quelque chose à cette action."""
        return bool(self.existante is None or self.champs or self.faits or self.archiver)


@dataclass(frozen=True)
class MesurePrevue:
    """Une mesure d'indicateur à enregistrer."""

    tableau: str
    ligne: int
    indicateur: int
    jour: date
    valeur: str
    note: str | None


@dataclass(frozen=True)
class ReunionPrevue:
    """Une réunion tenue à consigner, ses présents reconnus et les noms gardés en texte."""

    tableau: str
    ligne: int
    seance: SeancePassee
    presents: tuple[int, ...]
    inconnus: tuple[str, ...]
    points: str
    decisions: str


@dataclass(frozen=True)
class Apercu:
    """Le plan en comptes et en signalements : ce que montrent la commande et la ligne de commande."""

    fichiers: tuple[str, ...]
    creations: int
    modifications: int
    inchangees: int
    faits: int
    faits_inchanges: int
    mesures: int
    mesures_inchangees: int
    erreurs: tuple[Signalement, ...]
    avertissements: tuple[Signalement, ...]
    reunions: int = 0
    reunions_inchangees: int = 0

    @property
    def vide(self) -> bool:
        """Vrai si l'import n'écrirait rien."""
        return not (self.creations or self.modifications or self.mesures or self.reunions)

    def en_mots(self, *, applique: bool = False) -> str:
        """« 300 actions à créer, 0 à modifier, 2 inchangées ; 2000 faits datés ; 150 mesures » (ou faits)."""
        creer, modifier, consigner, enregistrer = (
            ("créée(s)", "modifiée(s)", "consigné(s)", "enregistrée(s)")
            if applique
            else ("à créer", "à modifier", "à consigner", "à enregistrer")
        )
        texte = (
            f"{self.creations} action(s) {creer}, {self.modifications} {modifier}, {self.inchangees} "
            f"inchangée(s) ; {self.faits} fait(s) daté(s) {consigner} ({self.faits_inchanges} déjà là) ; "
            f"{self.mesures} mesure(s) {enregistrer} ({self.mesures_inchangees} déjà là)"
        )
        if self.reunions or self.reunions_inchangees:
            texte += (
                f" ; {self.reunions} réunion(s) tenue(s) {enregistrer} ({self.reunions_inchangees} déjà là)"
            )
        return texte


@dataclass
class Plan:
    """Ce qu'un import ferait : les actions à créer et à modifier, les faits et mesures, les erreurs."""

    fichiers: list[str]
    creations: list[ActionPrevue] = field(default_factory=list)
    modifications: list[ActionPrevue] = field(default_factory=list)
    inchangees: int = 0
    faits_inchanges: int = 0
    mesures: list[MesurePrevue] = field(default_factory=list)
    mesures_inchangees: int = 0
    reunions: list[ReunionPrevue] = field(default_factory=list)
    reunions_inchangees: int = 0
    erreurs: list[Signalement] = field(default_factory=list)
    avertissements: list[Signalement] = field(default_factory=list)

    @property
    def faits(self) -> int:
        """Le nombre de faits datés à consigner (historique), toutes actions comprises."""
        return sum(len(a.faits) for a in (*self.creations, *self.modifications))

    @property
    def vide(self) -> bool:
        """Vrai si l'import n'écrirait rien."""
        return not (self.creations or self.modifications or self.mesures or self.reunions)

    def apercu(self) -> Apercu:
        """Le plan résumé (léger, transmissible d'un processus à l'autre)."""
        return Apercu(
            tuple(self.fichiers),
            len(self.creations),
            len(self.modifications),
            self.inchangees,
            self.faits,
            self.faits_inchanges,
            len(self.mesures),
            self.mesures_inchangees,
            tuple(premiers(self.erreurs, len(self.erreurs))),
            tuple(premiers(self.avertissements, len(self.avertissements))),
            len(self.reunions),
            self.reunions_inchangees,
        )


class _Refus(Exception):
    """Une cellule refusée ; le message dit quoi écrire à la place."""


@dataclass
class _Contexte:
    """Ce que le plan lit de la base, une fois."""

    configuration: Configuration
    maintenant: datetime
    axes: dict[int, Axe]
    objectifs: set[tuple[int, int]]
    objectif_de: dict[int, str]  # identifiant d'objectif → « 1.2 »
    actions: dict[int, Action]
    par_titre: dict[str, list[int]]
    par_reference: dict[str, int]  # référence normalisée → numéro de l'action qui la porte
    noms: dict[str, list[int]]
    indicateurs: dict[int, Indicateur]
    mesures: set[tuple[int, date, float]]
    reunions: dict[str, list[Reunion]]  # titre normalisé → réunions non annulées de ce titre
    annulees: dict[int, set[datetime]]  # séances annulées, par réunion

    @property
    def reference(self) -> Ville:
        return self.configuration.reference

    @property
    def aujourd(self) -> date:
        return aujourd_hui(self.maintenant, self.reference)


def _lire_contexte(session: Session, guild_id: int, maintenant: datetime) -> _Contexte:
    configuration = lire_configuration(session, guild_id)
    if configuration is None:
        raise ErreurMetier(
            f"Le serveur {guild_id} est inconnu de la base : vérifiez son identifiant, ou lancez "
            "d'abord le bot sur ce serveur. Rien n'a été importé."
        )
    axes = {a.numero: a for a in session.exec(select(Axe).where(Axe.guild_id == guild_id))}
    numeros_axes = {a.id: a.numero for a in axes.values()}
    objectif_de = {
        o.id or 0: code_objectif(numeros_axes[o.axe_id], o.numero)
        for o in session.exec(select(Objectif).where(Objectif.guild_id == guild_id))
    }
    objectifs = {(int(a), int(o)) for a, _, o in (code.partition(".") for code in objectif_de.values())}
    actions = {a.numero: a for a in session.exec(select(Action).where(Action.guild_id == guild_id))}
    par_titre: dict[str, list[int]] = defaultdict(list)
    for action in actions.values():
        par_titre[normaliser(action.titre)].append(action.numero)
    par_reference = {normaliser(a.reference): a.numero for a in actions.values() if a.reference}
    noms: dict[str, list[int]] = defaultdict(list)
    for ligne in lire_lignes(
        session, sa.select(col(Membre.membre_id), col(Membre.nom)).where(col(Membre.guild_id) == guild_id)
    ):
        noms[normaliser(ligne.nom)].append(ligne.membre_id)
    indicateurs = {
        i.numero: i
        for i in session.exec(
            select(Indicateur).where(Indicateur.guild_id == guild_id, col(Indicateur.archive).is_(False))
        )
    }
    mesures = {
        (ligne.indicateur_id, ligne.date, ligne.valeur)
        for ligne in lire_lignes(
            session,
            sa.select(col(Mesure.indicateur_id), col(Mesure.date), col(Mesure.valeur)).where(
                col(Mesure.guild_id) == guild_id
            ),
        )
    }
    reunions: dict[str, list[Reunion]] = defaultdict(list)
    for reunion in session.exec(
        select(Reunion).where(Reunion.guild_id == guild_id, col(Reunion.annulee).is_(False))
    ):
        reunions[normaliser(reunion.titre)].append(reunion)
    annulees = annulees_par_reunion(session, [r.id or 0 for liste in reunions.values() for r in liste])
    return _Contexte(
        configuration,
        maintenant,
        axes,
        objectifs,
        objectif_de,
        actions,
        par_titre,
        par_reference,
        noms,
        indicateurs,
        mesures,
        reunions,
        annulees,
    )


def planifier(
    session: Session, *, guild_id: int, fichiers: Sequence[tuple[str, bytes]], maintenant: datetime
) -> Plan:
    """Lit les fichiers et calcule le plan de l'import, sans rien écrire.

    Un fichier illisible (encodage, taille, colonnes) refuse tout (`ErreurMetier`) ; une ligne fautive
    devient une erreur du plan, avec son numéro de ligne.
    """
    tableaux: dict[Sorte, list[tuple[Tableau, dict[str, str]]]] = defaultdict(list)
    plan = Plan(fichiers=[nom for nom, _ in fichiers])
    for nom, contenu in fichiers:
        for tableau in lire_fichier(nom, contenu):
            sorte = reconnaitre(tableau.nom, tableau.entetes)
            colonnes, ignorees = correspondance(sorte, tableau.nom, tableau.entetes)
            if ignorees:
                liste = ", ".join(f"« {citer(e, 40)[1:-1]} »" for e in ignorees[:5])
                plan.avertissements.append(Signalement(tableau.nom, None, f"colonnes ignorées : {liste}."))
            tableaux[sorte].append((tableau, colonnes))
    contexte = _lire_contexte(session, guild_id, maintenant)
    prevues = _planifier_actions(plan, contexte, tableaux[Sorte.ACTIONS])
    _planifier_historique(plan, contexte, prevues, tableaux[Sorte.HISTORIQUE])
    _juger_faits(session, plan, contexte, prevues)
    _planifier_mesures(plan, contexte, tableaux[Sorte.MESURES])
    _planifier_reunions(plan, contexte, tableaux[Sorte.REUNIONS])
    return plan


# --- Cellules -------------------------------------------------------------------------------------


def _texte(cellules: dict[str, str], colonnes: dict[str, str], champ: str) -> str | None:
    """La cellule du champ (None si la colonne manque) ; l'apostrophe qui neutralisait une formule ôtée."""
    entete = colonnes.get(champ)
    if entete is None:
        return None
    texte = cellules.get(entete, "").strip()
    if len(texte) > 1 and texte[0] == "'" and texte[1] in "=+-@":
        return texte[1:]  # l'export l'a ajoutée (`export._cellule`) : la valeur est le texte qui suit
    return texte


def _metier(regle: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return regle(*args, **kwargs)
    except ErreurMetier as erreur:
        raise _Refus(erreur.message) from None


def _numero(texte: str, quoi: str = "N°") -> int:
    propre = texte.strip().lstrip("#").strip()
    if propre.endswith(",0"):
        propre = propre[:-2]
    if not propre.isdigit() or len(propre) > 9:
        raise _Refus(f"{quoi} {citer(texte)} n'est pas un numéro : écrivez un nombre entier, par exemple 12.")
    return int(propre)


def _axe(texte: str, contexte: _Contexte) -> Axe:
    brut = normaliser(texte).removeprefix("axe").strip()
    code = re.split(r"[.\s:]", brut, maxsplit=1)[0] if brut else ""
    numero = int(code) if code.isdigit() else _ROMAINS.get(code)
    axe = contexte.axes.get(numero) if numero is not None else None
    if axe is None:
        connus = ", ".join(chiffre_romain(n) for n in sorted(contexte.axes))
        raise _Refus(
            f"l'axe {citer(texte)} n'existe pas sur ce serveur. Écrivez l'un des axes {connus} "
            "(par exemple « II » ou « II. Développement social et économique »)."
        )
    return axe


def _objectif(texte: str, axe: Axe, contexte: _Contexte) -> str:
    axe_saisi, _, numero = texte.strip().rpartition(".")
    if not numero.isdigit() or (axe_saisi and not axe_saisi.isdigit()):
        raise _Refus(f"l'objectif {citer(texte)} n'est pas un code d'objectif : écrivez par exemple 1.2.")
    if axe_saisi and int(axe_saisi) != axe.numero:
        raise _Refus(
            f"l'objectif {texte.strip()} n'appartient pas à l'axe {chiffre_romain(axe.numero)}. "
            f"Écrivez un objectif de cet axe ({axe.numero}.1, {axe.numero}.2…)."
        )
    if (axe.numero, int(numero)) not in contexte.objectifs:
        existants = ", ".join(code_objectif(a, o) for a, o in sorted(contexte.objectifs) if a == axe.numero)
        raise _Refus(
            f"l'objectif {code_objectif(axe.numero, int(numero))} n'existe pas dans l'axe "
            f"{chiffre_romain(axe.numero)} (objectifs : {existants or 'aucun'})."
        )
    return code_objectif(axe.numero, int(numero))


def _ville(texte: str, contexte: _Contexte) -> str:
    villes = contexte.configuration.villes
    if normaliser(texte) == normaliser(nom_ville_porteuse(villes, "toutes")):
        texte = "toutes"
    return str(_metier(valider_ville, texte, contexte.configuration))


def _statut(texte: str) -> StatutAction:
    statut = _STATUTS.get(normaliser(texte).replace(" ", "_")) or _STATUTS.get(normaliser(texte))
    if statut is None:
        permis = ", ".join(LIBELLES_STATUT.values())
        raise _Refus(f"le statut {citer(texte)} est inconnu. Écrivez l'un de : {permis}.")
    return statut


def _avancement(texte: str) -> int:
    valeur = _metier(analyser_nombre, texte, quoi="L'avancement")
    if 0 < valeur < 1 and round(valeur * 100, 6).is_integer():
        valeur = float(round(valeur * 100))  # cellule au format « pourcentage » d'un classeur : 0,4 = 40 %
    if not valeur.is_integer() or not 0 <= valeur <= 100:
        raise _Refus(
            f"l'avancement {citer(texte)} doit être un pourcentage entier entre 0 et 100 (par exemple 40)."
        )
    return int(valeur)


def _jour_du_fait(texte: str, contexte: _Contexte, quoi: str, *, releve: bool = True) -> date:
    """Un jour de relevé : du début du protocole à aujourd'hui (`temps.dater_releve`), heure ôtée.

    Sans `releve`, le jour seulement lu : la règle qui l'emploie en juge les bornes.
    """
    if not texte:
        raise _Refus(f"{quoi} est vide : écrivez une date, par exemple 2025-06-12 ou 12/06/2025.")
    if trouve := _HEURE_FINALE.match(texte.strip()):
        texte = trouve.group(1)  # « 2026-11-26 07:00 » (export) : le jour suffit
    if not releve:
        return _metier(analyser_date, texte, contexte.aujourd, passee=True)  # type: ignore[no-any-return]
    return _metier(dater_releve, texte, contexte.aujourd)  # type: ignore[no-any-return]


def _instant(jour: date, contexte: _Contexte) -> datetime:
    """L'instant d'un fait de ce jour, par la règle des faits datés du registre."""
    return instant_du_jour(jour, contexte.reference, contexte.maintenant)


def _responsable(
    cellules: dict[str, str], colonnes: dict[str, str], contexte: _Contexte
) -> tuple[int | None, str | None]:
    """(identifiant du responsable, nom laissé en texte faute de membre connu)."""
    identifiant = _texte(cellules, colonnes, "responsable_id") or ""
    if trouve := _IDENTIFIANT.match(identifiant):
        return int(trouve.group(1)), None
    nom = _texte(cellules, colonnes, "responsable") or ""
    if not nom:
        return None, None
    if trouve := _IDENTIFIANT.match(nom):
        return int(trouve.group(1)), None
    candidats = contexte.noms.get(normaliser(nom.lstrip("@")), [])
    if len(candidats) == 1:
        return candidats[0], None
    return None, nom


# --- Actions --------------------------------------------------------------------------------------


def _planifier_actions(
    plan: Plan, contexte: _Contexte, tableaux: list[tuple[Tableau, dict[str, str]]]
) -> dict[int, ActionPrevue]:
    """Classe chaque ligne d'actions ; rend les actions prévues par numéro (pour l'historique)."""
    vus: dict[int, tuple[str, int]] = {}
    vues_references: dict[str, tuple[str, int]] = {}
    prevues: dict[int, ActionPrevue] = {}
    for tableau, colonnes in tableaux:
        for ligne in tableau.lignes:

            def signaler(message: str, *, erreur: bool = True, ligne: int = ligne.numero) -> None:
                liste = plan.erreurs if erreur else plan.avertissements
                liste.append(Signalement(tableau.nom, ligne, message))  # noqa: B023

            try:
                prevue = _action(ligne.cellules, colonnes, contexte, tableau.nom, ligne.numero, signaler)
            except _Refus as refus:
                signaler(str(refus))
                continue
            if prevue.reference is not None:
                cle = normaliser(prevue.reference)
                if cle in vues_references:
                    ailleurs, premiere = vues_references[cle]
                    signaler(
                        f"la référence {citer(prevue.reference)} figure déjà à la ligne {premiere}"
                        + (f" de {ailleurs}" if ailleurs != tableau.nom else "")
                        + " : chaque référence ne désigne qu'une action. Corrigez l'une des deux."
                    )
                    continue
                vues_references[cle] = (tableau.nom, ligne.numero)
            if prevue.numero is not None:
                if prevue.numero in vus:
                    ailleurs, premiere = vus[prevue.numero]
                    signaler(
                        f"le N° {prevue.numero} figure déjà à la ligne {premiere}"
                        + (f" de {ailleurs}" if ailleurs != tableau.nom else "")
                        + " : chaque action n'apparaît qu'une fois. Supprimez ou renumérotez l'une des deux."
                    )
                    continue
                vus[prevue.numero] = (tableau.nom, ligne.numero)
                prevues[prevue.numero] = prevue
            # Classée une fois ses faits jugés (`_juger_faits`) : un état changé est un fait à consigner.
            (plan.creations if prevue.existante is None else plan.modifications).append(prevue)
    return prevues


def _action(
    cellules: dict[str, str],
    colonnes: dict[str, str],
    contexte: _Contexte,
    tableau: str,
    numero_ligne: int,
    signaler: Callable[..., None],
) -> ActionPrevue:
    def lire(champ: str) -> str | None:
        return _texte(cellules, colonnes, champ)

    numero = _numero(texte) if (texte := lire("numero")) else None
    titre = str(_metier(valider_titre, lire("titre") or ""))
    reference = _metier(valider_reference, lire("reference"))
    existante = _existante(numero, reference, titre, contexte)
    axe = _axe(lire("axe") or "", contexte)
    valeurs: dict[str, Any] = {"titre": titre, "axe_numero": axe.numero}
    if reference is not None:  # une cellule vide ne retire pas la référence : elle la laisse
        valeurs["reference"] = reference
    if (objectif := lire("objectif")) is not None:
        valeurs["objectif"] = _objectif(objectif, axe, contexte) if objectif else None
    if (ville := lire("ville")) is not None:
        valeurs["ville"] = _ville(ville, contexte)
    if (partenaires := lire("partenaires")) is not None:
        valeurs["partenaires"] = _metier(valider_partenaires, partenaires)
    if (echeance := lire("echeance")) is not None:
        valeurs["echeance"] = _metier(valider_echeance, echeance, contexte.configuration, contexte.maintenant)
    if (description := lire("description")) is not None:
        valeurs["description"] = _metier(
            valider_texte, description, quoi="La description", limite=LONGUEUR_DESCRIPTION
        )
    responsable_id, nom_inconnu = _responsable(cellules, colonnes, contexte)
    statut = _statut(texte) if (texte := lire("statut")) else None
    avancement = _avancement(texte) if (texte := lire("avancement")) else None
    if statut == StatutAction.TERMINEE and avancement not in {None, 100}:
        raise _Refus(
            f"une action terminée est à 100 % (la ligne dit {avancement} %) : corrigez l'avancement "
            "ou le statut."
        )
    texte_archivee = lire("archivee")
    if texte_archivee is not None and normaliser(texte_archivee) not in _OUI | _NON:
        raise _Refus(f"« Archivée » vaut {citer(texte_archivee)} : écrivez oui ou non.")
    archivee = None if texte_archivee is None else normaliser(texte_archivee) in _OUI
    prevue = ActionPrevue(
        tableau, numero_ligne, numero, existante, etat_voulu=(statut, avancement), reference=reference
    )
    if existante is None:
        debut = lire("debut")
        prevue.champs |= valeurs
        if debut:
            prevue.champs["debut"] = _jour_du_fait(debut, contexte, "La date de création")
        prevue.champs["responsable_id"] = responsable_id
        if nom_inconnu:
            signaler(
                f"aucun membre connu ne s'appelle {citer(nom_inconnu)} : le nom est gardé dans la "
                "description, et l'action vous est confiée en attendant (/action modifier responsable).",
                erreur=False,
            )
            prevue.champs["description"] = _avec_responsable(prevue.champs.get("description"), nom_inconnu)
        prevue.archiver = bool(archivee)
        return prevue
    _comparer(prevue, contexte, valeurs, responsable_id, nom_inconnu, archivee, signaler)
    return prevue


def _existante(numero: int | None, reference: str | None, titre: str, contexte: _Contexte) -> Action | None:
    """L'action du serveur que désigne la ligne : par son N°, sinon sa référence, sinon son titre.

    Une action qui porte une autre référence n'est pas celle de la ligne, même de même titre.
    """
    porteuse = contexte.par_reference.get(normaliser(reference)) if reference else None
    if numero is not None:
        if porteuse is not None and porteuse != numero:
            raise _Refus(
                f"la référence {citer(reference or '')} est déjà celle de l'action #{porteuse} : "
                f"elle ne peut pas aussi désigner l'action N° {numero}. Corrigez le N° ou la référence."
            )
        return contexte.actions.get(numero)
    if porteuse is not None:
        return contexte.actions[porteuse]
    memes = [
        n
        for n in contexte.par_titre.get(normaliser(titre), [])
        if not (reference and contexte.actions[n].reference)
    ]
    if len(memes) > 1:
        raise _Refus(
            f"sans N°, le titre « {titre[:60]} » désigne plusieurs actions "
            f"({', '.join(map(str, memes))}) : indiquez le N° de celle à mettre à jour."
        )
    return contexte.actions[memes[0]] if memes else None


def _avec_responsable(description: str | None, nom: str) -> str:
    """La description d'une action créée pour un responsable inconnu : son nom y reste, en texte."""
    note = f"Responsable indiqué à l'import : {nom[:100]}"
    return "\n".join(filter(None, [description, note]))[:LONGUEUR_DESCRIPTION]


def _comparer(
    prevue: ActionPrevue,
    contexte: _Contexte,
    valeurs: dict[str, Any],
    responsable_id: int | None,
    nom_inconnu: str | None,
    archivee: bool | None,
    signaler: Callable[..., None],
) -> None:
    """Garde dans `prevue.champs` ce qui diffère de l'action enregistrée (saisies de `modifier_action`)."""
    existante = prevue.existante
    assert existante is not None
    actuels: dict[str, Any] = {
        "titre": existante.titre,
        "axe_numero": next(n for n, a in contexte.axes.items() if a.id == existante.axe_id),
        "objectif": contexte.objectif_de.get(existante.objectif_id or 0),
        "ville": existante.ville,
        "partenaires": existante.partenaires,
        "echeance": existante.echeance,
        "description": existante.description,
        "reference": existante.reference,
    }
    for champ, valeur in valeurs.items():
        if valeur == actuels[champ]:
            continue
        if (
            champ == "description"
            and nom_inconnu
            and actuels[champ] == _avec_responsable(valeur, nom_inconnu)
        ):
            continue  # le nom gardé en texte à la création : la même description
        if champ == "objectif" and valeur is None:
            if "axe_numero" not in prevue.champs:
                signaler(
                    f"l'import ne retire pas l'objectif {actuels['objectif']} de l'action "
                    f"#{existante.numero} : il reste (changez-le avec /action modifier).",
                    erreur=False,
                )
            continue
        prevue.champs[champ] = valeur
    if responsable_id is not None and responsable_id != existante.responsable_id:
        prevue.champs["responsable_id"] = responsable_id
    if nom_inconnu:
        signaler(
            f"aucun membre connu ne s'appelle {citer(nom_inconnu)} : le responsable de l'action "
            f"#{existante.numero} reste inchangé.",
            erreur=False,
        )
    if existante.archivee and (prevue.champs or archivee is False):
        raise _Refus(
            f"l'action #{existante.numero} est archivée : l'import ne la modifie ni ne la désarchive. "
            "Rendez à cette ligne les valeurs de l'export, ou retirez-la du fichier."
        )
    prevue.archiver = bool(archivee) and not existante.archivee


# --- Historique -----------------------------------------------------------------------------------


def _planifier_historique(
    plan: Plan,
    contexte: _Contexte,
    prevues: dict[int, ActionPrevue],
    tableaux: list[tuple[Tableau, dict[str, str]]],
) -> None:
    for tableau, colonnes in tableaux:
        for ligne in tableau.lignes:
            try:
                numero = _numero(_texte(ligne.cellules, colonnes, "numero") or "")
                jour = _jour_du_fait(_texte(ligne.cellules, colonnes, "date") or "", contexte, "La date")
                statut = _statut(texte) if (texte := _texte(ligne.cellules, colonnes, "statut")) else None
                texte = _texte(ligne.cellules, colonnes, "avancement")
                avancement = _avancement(texte) if texte else None
                if statut is None and avancement is None:
                    raise _Refus("ni avancement ni statut : indiquez au moins l'un des deux.")
                note = _metier(
                    valider_texte,
                    _texte(ligne.cellules, colonnes, "note"),
                    quoi="La note",
                    limite=LONGUEUR_NOTE,
                )
                prevue = prevues.get(numero)
                if prevue is None:
                    existante = contexte.actions.get(numero)
                    if existante is None:
                        raise _Refus(
                            f"l'action N° {numero} n'existe ni sur ce serveur ni dans la feuille des actions."
                        )
                    prevue = prevues[numero] = ActionPrevue(tableau.nom, ligne.numero, numero, existante)
                    plan.modifications.append(prevue)  # comptée inchangée si tous ses faits sont déjà là
                if prevue.existante is not None and prevue.existante.archivee:
                    raise _Refus(f"l'action #{numero} est archivée : son historique ne change plus.")
            except _Refus as refus:
                plan.erreurs.append(Signalement(tableau.nom, ligne.numero, str(refus)))
                continue
            prevue.faits.append((ligne.numero, Fait(_instant(jour, contexte), avancement, statut, note)))
            prevue.tableau_faits = prevue.tableau_faits or tableau.nom


def _juger_faits(session: Session, plan: Plan, contexte: _Contexte, prevues: dict[int, ActionPrevue]) -> None:
    """Écarte les faits déjà consignés, juge les autres par date (`registre.admettre_faits`), et ajoute,
    quand la ligne d'actions dit un état que l'historique ne donne pas, un fait daté d'aujourd'hui.

    Une action rapprochée où rien n'est à écrire est alors comptée inchangée.
    """
    ids = sorted({p.existante.id for p in plan.modifications if p.existante is not None and p.existante.id})
    historiques: dict[int, list[Ligne]] = {}
    for debut in range(0, len(ids), 500):
        historiques |= lire_historiques(session, col(MiseAJour.action_id).in_(ids[debut : debut + 500]))
    for prevue in [*plan.creations, *plan.modifications]:
        _juger_faits_action(plan, contexte, prevue, historiques)
    plan.inchangees += sum(1 for p in plan.modifications if not p.a_ecrire)
    plan.modifications = [p for p in plan.modifications if p.a_ecrire]


def _action_virtuelle(prevue: ActionPrevue, contexte: _Contexte) -> Action:
    """L'action telle que la créera l'import, pour juger ses faits avant qu'elle n'existe."""
    jour = prevue.champs.get("debut")
    if jour is None and prevue.faits:
        jour = min(aujourd_hui(f.quand, contexte.reference) for _, f in prevue.faits)
        prevue.champs["debut"] = jour
    cree_le = _instant(jour, contexte) if jour else contexte.maintenant
    return Action(
        id=0,
        guild_id=0,
        numero=prevue.numero or 0,
        titre="",
        axe_id=0,
        responsable_id=0,
        auteur_id=0,
        cree_le=cree_le,
        statut=StatutAction.PROPOSEE,
        avancement=0,
    )


def _juger_faits_action(
    plan: Plan, contexte: _Contexte, prevue: ActionPrevue, historiques: dict[int, list[Ligne]]
) -> None:
    tableau = prevue.tableau_faits or prevue.tableau
    if prevue.existante is not None:
        action = prevue.existante
        lignes = list(historiques.get(action.id or 0, ()))
        deja = {(en_utc(q), a, s) for q, a, s in lignes}
        nouveaux = []
        for numero_ligne, fait in prevue.faits:
            if _deja_consigne(fait, deja):
                plan.faits_inchanges += 1
            else:
                nouveaux.append((numero_ligne, fait))
        prevue.faits = nouveaux
    else:
        action = _action_virtuelle(prevue, contexte)
        lignes = [(action.cree_le, 0, StatutAction.PROPOSEE.value)]
    statut, avancement = prevue.etat_voulu
    if statut == StatutAction.TERMINEE:
        avancement = 100  # « terminée » porte l'avancement à 100 %, comme /action statut
    faits = [f for _, f in prevue.faits]
    admis, refus = admettre_faits(action, lignes, faits, contexte.reference)
    for rang, message in refus:
        plan.erreurs.append(
            Signalement(tableau, prevue.faits[rang][0], message.removesuffix(" Rien n'a été modifié."))
        )
    if refus:
        return
    final = etat_final(
        cree_le=action.cree_le,
        depart=Etat(StatutAction(action.statut), action.avancement),
        lignes=[*lignes, *((f.quand, f.avancement, f.statut) for f in admis)],
    )
    voulu = Etat(statut or final.statut, final.avancement if avancement is None else avancement)
    if voulu == final:
        return
    if prevue.existante is not None and prevue.existante.archivee:
        plan.erreurs.append(
            Signalement(
                prevue.tableau,
                prevue.ligne,
                f"l'action #{prevue.existante.numero} est archivée : son statut et son avancement ne "
                "changent plus. Rendez à cette ligne les valeurs de l'export, ou retirez-la du fichier.",
            )
        )
        return
    prevue.faits.append((prevue.ligne, Fait(contexte.maintenant, voulu.avancement, voulu.statut)))


def _deja_consigne(fait: Fait, deja: set[tuple[datetime, int | None, str | None]]) -> bool:
    quand = en_utc(fait.quand)
    return any(
        q == quand
        and (fait.avancement is None or a == fait.avancement)
        and (fait.statut is None or s == fait.statut.value)
        for q, a, s in deja
    )


# --- Mesures --------------------------------------------------------------------------------------


def _planifier_mesures(
    plan: Plan, contexte: _Contexte, tableaux: list[tuple[Tableau, dict[str, str]]]
) -> None:
    vues: set[tuple[int, date, float]] = set()
    for tableau, colonnes in tableaux:
        for ligne in tableau.lignes:
            try:
                numero = _numero(_texte(ligne.cellules, colonnes, "indicateur") or "", "Le N° d'indicateur")
                indicateur = contexte.indicateurs.get(numero)
                if indicateur is None:
                    raise _Refus(
                        f"l'indicateur n° {numero} n'existe pas sur ce serveur : créez-le d'abord avec "
                        "/indicateur ajouter, ou corrigez le numéro (voir /indicateur liste)."
                    )
                jour = _jour_du_fait(_texte(ligne.cellules, colonnes, "date") or "", contexte, "La date")
                texte = _texte(ligne.cellules, colonnes, "valeur") or ""
                valeur = _metier(analyser_nombre, texte)
                note = _metier(
                    valider_texte,
                    _texte(ligne.cellules, colonnes, "note"),
                    quoi="La note",
                    limite=LONGUEUR_NOTE,
                )
            except _Refus as refus:
                plan.erreurs.append(Signalement(tableau.nom, ligne.numero, str(refus)))
                continue
            cle = (indicateur.id or 0, jour, valeur)
            if cle in contexte.mesures or cle in vues:
                plan.mesures_inchangees += 1
                continue
            vues.add(cle)
            plan.mesures.append(MesurePrevue(tableau.nom, ligne.numero, numero, jour, texte, note))


# --- Réunions tenues ------------------------------------------------------------------------------


def _planifier_reunions(
    plan: Plan, contexte: _Contexte, tableaux: list[tuple[Tableau, dict[str, str]]]
) -> None:
    """Classe chaque réunion tenue : à consigner, ou déjà là (même titre, même début)."""
    vues: dict[tuple[str, datetime], tuple[str, int]] = {}
    for tableau, colonnes in tableaux:
        for ligne in tableau.lignes:
            try:
                prevue = _reunion(ligne.cellules, colonnes, contexte, tableau.nom, ligne.numero)
            except _Refus as refus:
                plan.erreurs.append(Signalement(tableau.nom, ligne.numero, str(refus)))
                continue
            cle = (normaliser(prevue.seance.titre), prevue.seance.debut)
            if cle in vues:
                ailleurs, premiere = vues[cle]
                plan.erreurs.append(
                    Signalement(
                        tableau.nom,
                        ligne.numero,
                        f"cette réunion figure déjà à la ligne {premiere}"
                        + (f" de {ailleurs}" if ailleurs != tableau.nom else "")
                        + " (même titre, même date et même heure) : supprimez l'une des deux lignes.",
                    )
                )
                continue
            vues[cle] = (tableau.nom, ligne.numero)
            if any(
                seance_enregistree(reunion, prevue.seance.debut, contexte.annulees.get(reunion.id or 0, ()))
                for reunion in contexte.reunions.get(cle[0], ())
            ):
                plan.reunions_inchangees += 1
                continue
            if prevue.seance.message:
                plan.avertissements.append(Signalement(tableau.nom, ligne.numero, prevue.seance.message))
            for nom in prevue.inconnus:
                plan.avertissements.append(
                    Signalement(
                        tableau.nom,
                        ligne.numero,
                        f"aucun membre connu ne s'appelle {citer(nom)} : le nom est gardé en texte dans le "
                        "compte rendu de la séance, sans compter dans les présences par ville.",
                    )
                )
            plan.reunions.append(prevue)


def _reunion(
    cellules: dict[str, str], colonnes: dict[str, str], contexte: _Contexte, tableau: str, numero_ligne: int
) -> ReunionPrevue:
    def lire(champ: str) -> str:
        return _texte(cellules, colonnes, champ) or ""

    # Les bornes (protocole, pas dans le futur) sont celles d'une séance tenue : `verifier_seance_passee`.
    jour = _jour_du_fait(lire("date"), contexte, "La date", releve=False)
    heure = _metier(analyser_heure, lire("heure"))
    ville = _metier(contexte.configuration.ville, lire("ville")) if lire("ville") else None
    if ville is None:
        noms = " ou ".join(v.nom for v in contexte.configuration.villes)
        raise _Refus(f"la ville de l'heure est vide : écrivez {noms} (l'horloge dans laquelle lire l'heure).")
    duree = _metier(analyser_duree, lire("duree")) if lire("duree") else DUREE_PAR_DEFAUT
    seance = _metier(
        verifier_seance_passee,
        titre=lire("titre"),
        jour=jour,
        heure=heure,
        ville=ville,
        duree=duree,
        maintenant=contexte.maintenant,
    )
    presents, inconnus = _presents(lire("presents"), contexte)
    points = _metier(verifier_champ, "points", lire("points"))
    decisions = _metier(verifier_champ, "decisions", lire("decisions"))
    return ReunionPrevue(tableau, numero_ligne, seance, presents, inconnus, points, decisions)


def _presents(texte: str, contexte: _Contexte) -> tuple[tuple[int, ...], tuple[str, ...]]:
    """(membres reconnus, noms gardés en texte) d'une liste « Alice Tremblay ; Bob Lemaire »."""
    reconnus: list[int] = []
    inconnus: list[str] = []
    for nom in (n.strip() for n in re.split(r"[,;\n]", texte)):
        if not nom:
            continue
        if trouve := _IDENTIFIANT.match(nom):
            reconnus.append(int(trouve.group(1)))
            continue
        candidats = contexte.noms.get(normaliser(nom.lstrip("@")), [])
        if len(candidats) == 1:
            reconnus.append(candidats[0])
        else:
            inconnus.append(nom[:100])
    return tuple(dict.fromkeys(reconnus)), tuple(dict.fromkeys(inconnus))


def premiers(signalements: Iterable[Signalement], nombre: int) -> list[Signalement]:
    """Les premiers signalements, dans l'ordre du fichier."""
    return sorted(signalements, key=lambda s: (s.tableau, s.ligne or 0))[:nombre]
