"""Actions du protocole : création, avancement, statut, modification, archivage, liste, recherche."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy import case, func
from sqlmodel import Session, col, select

from metier.actions import evolution
from metier.actions.etat import RESOLUTION, Etat, Ligne, etat_a, etat_final, trajectoire
from metier.actions.libelles import Changement, decrire_changements
from metier.editions import (
    actions_de_l_edition,
    edition_courante,
    id_edition_courante,
    lire_edition,
    nom_edition,
)
from metier.erreurs import ErreurMetier, RefusDroits
from metier.formats import format_pourcentage
from metier.journal import journaliser
from metier.partenaires import associer, noms_des_partenaires, resoudre_partenaires, valider_partenaires
from metier.protocole import DEBUT_PROTOCOLE, chiffre_romain, code_objectif
from metier.serveurs import Configuration, configuration_amorcee, reserver_numero, ville_de_reference
from metier.statuts import LIBELLES_STATUT, STATUTS_CLOS, en_retard_sql, ouverte_sql
from metier.stockage import ident
from metier.temps import (
    Ville,
    analyser_date,
    aujourd_hui,
    dater_releve,
    delai_en_mots,
    en_utc,
    format_date_courte,
    format_jour,
    instant_local,
    normaliser,
)
from modeles import Action, Axe, Edition, MiseAJour, Objectif, StatutAction
from modeles.actions import (
    LONGUEUR_DESCRIPTION,
    LONGUEUR_NOTE,
    LONGUEUR_REFERENCE,
    LONGUEUR_TITRE,
    VILLE_TOUTES,
)

PAR_PAGE = 10


# --- Validation des saisies ----------------------------------------------------------------------


def valider_texte(texte: str | None, *, quoi: str, limite: int, obligatoire: bool = False) -> str | None:
    """Nettoie un texte saisi ; refuse un texte obligatoire vide ou un texte trop long."""
    propre = (texte or "").strip()
    if not propre:
        if obligatoire:
            raise ErreurMetier(f"{quoi} ne peut pas être vide.")
        return None
    if len(propre) > limite:
        raise ErreurMetier(f"{quoi} fait {len(propre)} caractères ; {limite} au plus. Raccourcissez-le.")
    return propre


def valider_titre(titre: str) -> str:
    """Rend le titre nettoyé, ou explique pourquoi il est refusé."""
    propre = valider_texte(titre, quoi="Le titre", limite=LONGUEUR_TITRE, obligatoire=True)
    assert propre is not None
    return propre


def valider_reference(texte: str | None) -> str | None:
    """La référence externe d'une action (registre importé), espaces resserrés ; None si vide."""
    propre = " ".join((texte or "").split())
    return valider_texte(propre, quoi="La référence", limite=LONGUEUR_REFERENCE)


def valider_echeance(texte: str | None, configuration: Configuration, maintenant: datetime) -> date | None:
    """Lit une échéance saisie, depuis le début du protocole : une échéance passée est permise.

    Le registre rattrape ce qui s'est fait depuis janvier 2024 : une action en retard se consigne
    telle quelle, et la fiche le dit (« en retard de 12 jours ») au lieu de refuser.
    """
    if texte is None or not texte.strip():
        return None
    jour = analyser_date(texte, aujourd_hui(maintenant, configuration.reference))
    if jour < DEBUT_PROTOCOLE:
        raise ErreurMetier(
            f"L'échéance du {format_date_courte(jour)} est avant le début du protocole "
            f"({format_date_courte(DEBUT_PROTOCOLE)}) : choisissez une date de 2024 ou après."
        )
    return jour


def instant_du_fait(texte: str | None, reference: Ville, maintenant: datetime) -> datetime:
    """L'instant effectif d'un fait daté (`date`, `debut`) : maintenant sans date, sinon midi ce jour-là.

    Du début du protocole à aujourd'hui (`temps.dater_releve`), jours comptés dans la ville de
    référence ; midi dans cette ville place le fait dans le bon jour pour chaque ville partenaire.
    """
    if texte is None or not texte.strip():
        return maintenant
    return instant_du_jour(dater_releve(texte, aujourd_hui(maintenant, reference)), reference, maintenant)


def instant_du_jour(jour: date, reference: Ville, maintenant: datetime) -> datetime:
    """L'instant d'un fait de ce jour : maintenant s'il s'agit d'aujourd'hui, sinon midi ce jour-là."""
    return (
        maintenant if jour == aujourd_hui(maintenant, reference) else instant_local(jour, time(12), reference)
    )


def _fait_passe(session: Session, guild_id: int, date: str | None, maintenant: datetime) -> _FaitPasse | None:
    """Le fait daté d'avant aujourd'hui que désigne `date` ; None pour un fait d'aujourd'hui."""
    if date is None:
        return None  # le chemin de chaque mise à jour ordinaire : aucune lecture de plus
    reference = ville_de_reference(session, guild_id)
    effectif = instant_du_fait(date, reference, maintenant)
    return None if effectif == maintenant else _FaitPasse(effectif, reference)


@dataclass(frozen=True)
class _FaitPasse:
    effectif: datetime
    reference: Ville


def valider_ville(saisie: str | None, configuration: Configuration) -> str:
    """Rend le code de la ville porteuse (une ville partenaire ou toutes)."""
    if saisie is None or normaliser(saisie) in {VILLE_TOUTES, "", "les deux", "deux"}:
        return VILLE_TOUTES
    return configuration.ville(saisie).code


def lire_numero(saisie: str, *, quoi: str = "d'action") -> int:
    """Lit un numéro saisi (« 12 », « #12 ») ; `quoi` complète « n'est pas un numéro … »."""
    propre = saisie.strip().lstrip("#").strip()
    if not propre.isdigit() or len(propre) > 9:
        raise ErreurMetier(
            f"« {saisie.strip()[:40]} » n'est pas un numéro {quoi}. Choisissez dans la liste proposée "
            f"ou tapez son numéro, par exemple 12."
        )
    return int(propre)


# --- Lecture --------------------------------------------------------------------------------------


def lire_axe(session: Session, *, guild_id: int, numero: int) -> Axe:
    """Rend l'axe de ce numéro dans l'édition en vigueur du protocole."""
    edition = edition_courante(session, guild_id=guild_id)
    axe = session.exec(select(Axe).where(Axe.edition_id == edition.id, Axe.numero == numero)).first()
    if axe is None:
        raise ErreurMetier(f"L'axe {numero} n'existe pas sur ce serveur. Choisissez un axe dans la liste.")
    return axe


def lire_objectif(session: Session, *, axe: Axe, saisie: str) -> Objectif:
    """Rend l'objectif désigné par « 2 », « 1.2 » ou son identifiant, qui doit appartenir à l'axe.

    Un objectif retiré n'est plus proposé : il reste sur les actions qui le citaient déjà.
    """
    propre = saisie.strip()
    numero_axe, _, numero = propre.rpartition(".")
    if not numero.isdigit() or (numero_axe and not numero_axe.isdigit()):
        raise ErreurMetier(
            f"« {propre[:40]} » n'est pas un objectif. Choisissez-en un dans la liste proposée."
        )
    if numero_axe and int(numero_axe) != axe.numero:
        raise ErreurMetier(
            f"L'objectif {propre} n'appartient pas à l'axe {chiffre_romain(axe.numero)}. "
            "Choisissez un objectif de cet axe."
        )
    objectif = session.exec(
        select(Objectif).where(Objectif.axe_id == axe.id, Objectif.numero == int(numero))
    ).first()
    if objectif is None:
        raise ErreurMetier(f"L'axe {chiffre_romain(axe.numero)} n'a pas d'objectif {numero}.")
    if objectif.retire_le is not None:
        raise ErreurMetier(
            f"L'objectif {code_objectif(axe.numero, objectif.numero)} a été retiré du protocole le "
            f"{format_jour(objectif.retire_le.date())} : choisissez un autre objectif de la liste."
        )
    return objectif


def lister_axes(session: Session, *, guild_id: int) -> list[Axe]:
    """Rend les axes de l'édition en vigueur, dans l'ordre du protocole."""
    edition_id = id_edition_courante(session, guild_id=guild_id)
    return list(session.exec(select(Axe).where(Axe.edition_id == edition_id).order_by(col(Axe.numero))).all())


def lister_objectifs(
    session: Session, *, guild_id: int, axe: int | None = None
) -> list[tuple[Objectif, int]]:
    """Rend les objectifs proposés (avec le numéro de leur axe) de l'édition en vigueur, d'un axe ou de tous.

    Les objectifs retirés n'y sont pas.
    """
    edition_id = id_edition_courante(session, guild_id=guild_id)
    requete = (
        select(Objectif, Axe.numero)
        .join(Axe, col(Axe.id) == col(Objectif.axe_id))
        .where(Axe.edition_id == edition_id, col(Objectif.retire_le).is_(None))
        .order_by(col(Axe.numero), col(Objectif.numero))
    )
    if axe is not None:
        requete = requete.where(Axe.numero == axe)
    return [(objectif, numero) for objectif, numero in session.exec(requete).all()]


def lire_action(session: Session, *, guild_id: int, numero: int, pour_modifier: bool = False) -> Action:
    """Rend l'action de ce numéro sur ce serveur (verrouillée si elle va être modifiée)."""
    requete = select(Action).where(Action.guild_id == guild_id, Action.numero == numero)
    if pour_modifier:
        requete = requete.with_for_update()
    action = session.exec(requete).first()
    if action is None:
        raise ErreurMetier(
            f"Il n'y a pas d'action #{numero} sur ce serveur. Vérifiez le numéro avec /action liste."
        )
    if action.archivee:
        raise ErreurMetier(f"L'action #{numero} est archivée : elle ne peut plus être consultée ni modifiée.")
    return action


def echeance_en_mots(action: Action, jour: date) -> str | None:
    """« dans 12 jours », « aujourd'hui », « en retard de 3 jours »… ; None pour une action close."""
    if action.echeance is None:
        return "sans échéance"
    if action.statut in STATUTS_CLOS:
        return None  # son statut se dit ailleurs ; une action close n'est ni en avance ni en retard
    return delai_en_mots((action.echeance - jour).days)


@dataclass(frozen=True)
class FicheAction:
    """Une action avec son axe, son objectif et son historique récent."""

    action: Action
    axe: Axe
    objectif: Objectif | None
    historique: list[MiseAJour]
    nombre_mises_a_jour: int
    reprise_de: str | None = None  # « 2024-2026 » : l'édition d'où l'action a été reprise


def fiche_action(session: Session, *, guild_id: int, numero: int, historique: int = 5) -> FicheAction:
    """Rassemble tout ce qu'il faut pour montrer une action."""
    action = lire_action(session, guild_id=guild_id, numero=numero)
    axe = session.get(Axe, action.axe_id)
    assert axe is not None
    objectif = session.get(Objectif, action.objectif_id) if action.objectif_id else None
    recentes = session.exec(
        select(MiseAJour)
        .where(MiseAJour.action_id == action.id)
        .order_by(col(MiseAJour.quand).desc(), col(MiseAJour.id).desc())
        .limit(historique)
    ).all()
    nombre = session.exec(select(func.count()).where(MiseAJour.action_id == action.id)).one()
    reprise = session.get(Edition, action.reprise_de_id) if action.reprise_de_id else None
    return FicheAction(
        action, axe, objectif, list(recentes), nombre, nom_edition(reprise) if reprise else None
    )


# --- Écriture -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NouvelleAction:
    """Une action à créer, en saisies comme celles de /action ajouter (`creer_action`, `creer_actions`)."""

    titre: str
    axe_numero: int
    objectif: str | None = None
    ville: str | None = None
    responsable_id: int | None = None
    echeance: str | None = None
    description: str | None = None
    partenaires: str | None = None
    debut: str | None = None
    numero: int | None = None  # le numéro qu'elle portait déjà (registre importé), libre sur ce serveur
    reference: str | None = None  # sa référence dans le registre importé (`Action.reference`)
    faits: tuple[Fait, ...] = ()  # son historique daté (`consigner_faits`)


def _preparer_action(
    session: Session,
    configuration: Configuration,
    nouvelle: NouvelleAction,
    *,
    guild_id: int,
    auteur_id: int,
    maintenant: datetime,
    numero: int,
    classement: dict[tuple[int, str | None], tuple[Axe, Objectif | None]] | None = None,
) -> Action:
    """Vérifie les saisies d'une nouvelle action et la construit (pas encore écrite), datée de `debut`.

    `classement` : axes et objectifs déjà lus, par saisie (une création en bloc les lit une fois).
    """
    titre = valider_titre(nouvelle.titre)
    description = valider_texte(nouvelle.description, quoi="La description", limite=LONGUEUR_DESCRIPTION)
    cle = (nouvelle.axe_numero, nouvelle.objectif or None)
    if classement is None or cle not in classement:
        axe_lu = lire_axe(session, guild_id=guild_id, numero=nouvelle.axe_numero)
        objectif_lu = (
            lire_objectif(session, axe=axe_lu, saisie=nouvelle.objectif) if nouvelle.objectif else None
        )
        if classement is not None:
            classement[cle] = (axe_lu, objectif_lu)
    axe, objectif = classement[cle] if classement is not None else (axe_lu, objectif_lu)
    return Action(
        guild_id=guild_id,
        numero=numero,
        titre=titre,
        recherche=normaliser(titre),
        description=description,
        axe_id=ident(axe),
        objectif_id=ident(objectif) if objectif else None,
        ville=valider_ville(nouvelle.ville, configuration),
        responsable_id=nouvelle.responsable_id or auteur_id,
        auteur_id=auteur_id,
        partenaires=valider_partenaires(nouvelle.partenaires),
        echeance=valider_echeance(nouvelle.echeance, configuration, maintenant),
        cree_le=instant_du_fait(nouvelle.debut, configuration.reference, maintenant),
        modifie_le=maintenant,
        reference=valider_reference(nouvelle.reference),
    )


def _ligne_de_creation(action: Action, maintenant: datetime) -> MiseAJour:
    """La première ligne de l'historique d'une action : proposée, 0 %, à sa date de début."""
    return MiseAJour(
        guild_id=action.guild_id,
        action_id=ident(action),
        auteur_id=action.auteur_id,
        quand=action.cree_le,
        avancement=0,
        statut=StatutAction.PROPOSEE,
        note="Action créée",
        saisi_le=maintenant,
    )


def _journaliser_creation(session: Session, action: Action, maintenant: datetime) -> None:
    debut = {"debut": (None, action.cree_le.date().isoformat())} if action.cree_le != maintenant else {}
    if action.reference:
        debut["reference"] = (None, action.reference)
    journaliser(
        session,
        guild_id=action.guild_id,
        auteur_id=action.auteur_id,
        entite="action",
        entite_id=action.numero,
        changements={"creation": (None, action.titre)} | debut,
        quand=maintenant,
    )


def creer_action(
    session: Session,
    *,
    guild_id: int,
    auteur_id: int,
    titre: str,
    axe_numero: int,
    maintenant: datetime,
    objectif: str | None = None,
    ville: str | None = None,
    responsable_id: int | None = None,
    echeance: str | None = None,
    description: str | None = None,
    partenaires: str | None = None,
    debut: str | None = None,
    numero: int | None = None,
) -> Action:
    """Enregistre une nouvelle action et la première ligne de son historique (datée de `debut`).

    `numero` : le numéro qu'elle portait déjà (registre importé), libre sur ce serveur.
    """
    configuration = configuration_amorcee(session, guild_id)
    nouvelle = NouvelleAction(
        titre, axe_numero, objectif, ville, responsable_id, echeance, description, partenaires, debut
    )
    instant_du_fait(debut, configuration.reference, maintenant)  # une date refusée l'est avant tout
    action = _preparer_action(
        session,
        configuration,
        nouvelle,
        guild_id=guild_id,
        auteur_id=auteur_id,
        maintenant=maintenant,
        numero=reserver_numero(session, guild_id, "action", numero),
    )
    session.add(action)
    session.flush()
    session.add(_ligne_de_creation(action, maintenant))
    associer(
        session,
        action=action,
        partenaires=resoudre_partenaires(
            session, guild_id=guild_id, texte=partenaires, maintenant=maintenant
        ),
    )
    evolution.reporter(session, action, avant={})
    _journaliser_creation(session, action, maintenant)
    return action


def creer_actions(
    session: Session,
    *,
    guild_id: int,
    auteur_id: int,
    maintenant: datetime,
    nouvelles: list[NouvelleAction],
) -> list[Action]:
    """Enregistre des actions en bloc avec leur historique daté (import d'un registre).

    Les vérifications sont celles de `creer_action` et de `consigner_faits` (un refus refuse tout,
    en nommant l'action) ; l'écriture est groupée, et le cumul de l'évolution reconstruit une fois
    (`evolution.recalculer`) plutôt que reporté action par action.
    """
    if not nouvelles:
        return []
    configuration = configuration_amorcee(session, guild_id)
    reference = configuration.reference
    numerotees = [n.numero for n in nouvelles if n.numero is not None]
    if numerotees:
        reserver_numero(session, guild_id, "action", max(numerotees))
    actions: list[Action] = []
    admis: list[list[Fait]] = []
    classement: dict[tuple[int, str | None], tuple[Axe, Objectif | None]] = {}
    for nouvelle in sorted(nouvelles, key=lambda n: n.numero is None):
        numero = nouvelle.numero or reserver_numero(session, guild_id, "action")
        action = _preparer_action(
            session,
            configuration,
            nouvelle,
            guild_id=guild_id,
            auteur_id=auteur_id,
            maintenant=maintenant,
            numero=numero,
            classement=classement,
        )
        creation: list[Ligne] = [(action.cree_le, 0, StatutAction.PROPOSEE.value)]
        faits, refus = admettre_faits(action, creation, list(nouvelle.faits), reference)
        if refus:
            raise ErreurMetier(refus[0][1])
        final = etat_final(
            cree_le=action.cree_le,
            depart=Etat(StatutAction.PROPOSEE, 0),
            lignes=[*creation, *((f.quand, f.avancement, f.statut) for f in faits)],
        )
        action.statut, action.avancement = final.statut, final.avancement
        actions.append(action)
        admis.append(faits)
    session.add_all(actions)
    session.flush()
    lignes = [
        {
            "guild_id": guild_id,
            "action_id": ident(action),
            "auteur_id": auteur_id,
            "quand": quand,
            "avancement": avancement,
            "statut": statut,
            "note": note,
            "saisi_le": maintenant,
        }
        for action, faits in zip(actions, admis, strict=True)
        for quand, avancement, statut, note in (
            (action.cree_le, 0, StatutAction.PROPOSEE.value, "Action créée"),
            *((f.quand, f.avancement, f.statut, f.note) for f in faits),
        )
    ]
    # Une insertion « executemany » de la table, sans l'ORM : 22 000 lignes en ≈ 1 s sur PostgreSQL,
    # contre ≈ 2,5 s par l'insertion en bloc de l'ORM et ≈ 25 s en INSERT à valeurs multiples.
    session.connection().execute(sa.insert(MiseAJour.__table__), lignes)  # type: ignore[attr-defined]
    for action in actions:
        if action.partenaires:  # les noms du registre ; un nom inconnu y est inscrit
            associer(
                session,
                action=action,
                partenaires=resoudre_partenaires(
                    session, guild_id=guild_id, texte=action.partenaires, maintenant=maintenant
                ),
            )
        _journaliser_creation(session, action, maintenant)
    session.flush()
    evolution.recalculer(session, guild_id)
    return actions


def peut_gerer(action: Action, membre_id: int, est_coordination: bool) -> bool:
    """Le responsable, l'auteur et la coordination gèrent une action."""
    return est_coordination or membre_id in {action.responsable_id, action.auteur_id}


def _exiger_gestion(action: Action, membre_id: int, est_coordination: bool, verbe: str) -> None:
    if not peut_gerer(action, membre_id, est_coordination):
        raise RefusDroits(
            f"Seuls le responsable de l'action #{action.numero}, son auteur ou la coordination peuvent "
            f"{verbe}. Rien n'a été modifié."
        )


@dataclass
class ResultatMiseAJour:
    """Ce qu'une mise à jour a changé, pour l'annoncer."""

    action: Action
    changements: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    proposer_terminer: bool = False
    en_mots: tuple[Changement, ...] = ()  # les mêmes changements, dits en français


def _reels(changements: dict[str, tuple[Any, Any]]) -> dict[str, tuple[Any, Any]]:
    """Garde les champs dont la valeur change vraiment (« 0 % → 0 % » n'est pas un changement)."""
    return {champ: (avant, apres) for champ, (avant, apres) in changements.items() if avant != apres}


def _appliquer(
    session: Session,
    action: Action,
    *,
    auteur_id: int,
    maintenant: datetime,
    changements: dict[str, tuple[Any, Any]],
    note: str | None = None,
    historiser: bool = False,
    trace: dict[str, tuple[Any, Any]] | None = None,
    avant: evolution.Apports | None = None,
) -> None:
    """Écrit les changements sur l'action, dans le journal et (au besoin) dans l'historique.

    `trace` : ce que le journal garde en plus (un fait daté, une ligne défaite) ; `avant` : les apports
    au cumul relevés par l'appelant avant qu'il ne touche lui-même à l'historique.
    """
    # Ce qui change l'évolution de l'avancement : l'historique, l'axe, l'archivage.
    suivie = historiser or not changements.keys().isdisjoint({"axe_id", "archivee"})
    if avant is None and suivie:
        avant = evolution.apports_action(session, action)
    for champ, (_, nouveau) in changements.items():
        setattr(action, champ, nouveau)
    if "titre" in changements:
        action.recherche = normaliser(action.titre)
    action.modifie_le = maintenant
    session.add(action)
    if historiser:
        session.add(
            MiseAJour(
                guild_id=action.guild_id,
                action_id=ident(action),
                auteur_id=auteur_id,
                quand=maintenant,
                avancement=action.avancement,
                statut=action.statut,
                note=note,
                saisi_le=maintenant,
            )
        )
    journaliser(
        session,
        guild_id=action.guild_id,
        auteur_id=auteur_id,
        entite="action",
        entite_id=action.numero,
        changements={**changements, **(trace or {})},
        quand=maintenant,
    )
    session.flush()
    if avant is not None:
        evolution.reporter(session, action, avant)


def mettre_a_jour_avancement(
    session: Session,
    *,
    guild_id: int,
    numero: int,
    auteur_id: int,
    est_coordination: bool,
    pourcentage: int,
    maintenant: datetime,
    note: str | None = None,
    date: str | None = None,
) -> ResultatMiseAJour:
    """Enregistre un avancement (daté de `date`, sinon d'aujourd'hui) ; une action proposée passe en cours."""
    if not 0 <= pourcentage <= 100:
        raise ErreurMetier(f"Le pourcentage doit être entre 0 et 100 (reçu : {pourcentage}).")
    note = valider_texte(note, quoi="La note", limite=LONGUEUR_NOTE)
    action = lire_action(session, guild_id=guild_id, numero=numero, pour_modifier=True)
    _exiger_gestion(action, auteur_id, est_coordination, "mettre à jour son avancement")
    if fait := _fait_passe(session, guild_id, date, maintenant):
        return _consigner_apres_coup(
            session,
            action,
            fait,
            auteur_id=auteur_id,
            maintenant=maintenant,
            avancement=pourcentage,
            note=note,
        )
    if action.statut in STATUTS_CLOS and pourcentage != action.avancement:
        raise ErreurMetier(
            f"L'action #{numero} est {LIBELLES_STATUT[action.statut]} : rouvrez-la d'abord avec "
            f"/action statut (en_cours) pour changer son avancement."
        )
    changements = _reels({"avancement": (action.avancement, pourcentage)})
    if action.statut == StatutAction.PROPOSEE and pourcentage > 0:
        changements["statut"] = (action.statut, StatutAction.EN_COURS)
    if not changements and note is None:
        return ResultatMiseAJour(action)  # rien à changer : rien n'est écrit
    en_mots = _historiser(
        session, action, auteur_id=auteur_id, maintenant=maintenant, changements=changements, note=note
    )
    return ResultatMiseAJour(
        action,
        changements,
        proposer_terminer=pourcentage == 100 and action.statut not in STATUTS_CLOS,
        en_mots=en_mots,
    )


def changer_statut(
    session: Session,
    *,
    guild_id: int,
    numero: int,
    auteur_id: int,
    est_coordination: bool,
    statut: StatutAction | str,
    maintenant: datetime,
    note: str | None = None,
    date: str | None = None,
) -> ResultatMiseAJour:
    """Change le statut (daté de `date`, aujourd'hui sinon) ; « terminée » porte l'avancement à 100 %."""
    try:
        nouveau = StatutAction(statut)
    except ValueError:
        permis = ", ".join(s.value for s in StatutAction)
        raise ErreurMetier(f"Statut inconnu « {str(statut)[:30]} ». Choisissez : {permis}.") from None
    note = valider_texte(note, quoi="La note", limite=LONGUEUR_NOTE)
    action = lire_action(session, guild_id=guild_id, numero=numero, pour_modifier=True)
    _exiger_gestion(action, auteur_id, est_coordination, "changer son statut")
    if fait := _fait_passe(session, guild_id, date, maintenant):
        return _consigner_apres_coup(
            session,
            action,
            fait,
            auteur_id=auteur_id,
            maintenant=maintenant,
            avancement=100 if nouveau == StatutAction.TERMINEE else None,
            statut=nouveau,
            note=note,
        )
    changements = _reels({"statut": (action.statut, nouveau)})
    if nouveau == StatutAction.TERMINEE:
        changements |= _reels({"avancement": (action.avancement, 100)})
    if not changements and note is None:
        return ResultatMiseAJour(action)  # rien à changer : rien n'est écrit
    en_mots = _historiser(
        session, action, auteur_id=auteur_id, maintenant=maintenant, changements=changements, note=note
    )
    return ResultatMiseAJour(action, changements, en_mots=en_mots)


def _historiser(
    session: Session,
    action: Action,
    *,
    auteur_id: int,
    maintenant: datetime,
    changements: dict[str, tuple[Any, Any]],
    note: str | None,
) -> tuple[Changement, ...]:
    """Applique une mise à jour d'aujourd'hui (historique, journal, cumul) ; rend ses changements en mots."""
    en_mots = decrire_changements(session, changements)
    _appliquer(
        session,
        action,
        auteur_id=auteur_id,
        maintenant=maintenant,
        changements=changements,
        note=note,
        historiser=True,
    )
    return en_mots


def _historique(session: Session, action: Action) -> list[MiseAJour]:
    """Les lignes d'historique de l'action, dans l'ordre de saisie."""
    requete = select(MiseAJour).where(MiseAJour.action_id == ident(action))
    return list(session.exec(requete.order_by(col(MiseAJour.id))).all())


def _lignes(historique: list[MiseAJour]) -> list[Ligne]:
    return [(m.quand, m.avancement, m.statut) for m in historique]


@dataclass(frozen=True)
class Fait:
    """Un fait daté à consigner dans l'historique d'une action : avancement, statut, ou les deux."""

    quand: datetime
    avancement: int | None = None
    statut: StatutAction | None = None
    note: str | None = None


def _admettre_fait(action: Action, alors: Etat | None, fait: Fait, reference: Ville) -> Fait:
    """Le fait tel qu'il s'écrit dans l'historique, ou le refus qui dit pourquoi il ne peut pas y entrer.

    `alors` : l'état de l'action à la date du fait. Un fait ne précède pas la création ; une action
    close à sa date ne change pas d'avancement ; une action proposée qui avance passe en cours ;
    « terminée » porte l'avancement à 100 %.
    """
    effectif, avancement, statut = fait.quand, fait.avancement, fait.statut
    if effectif < en_utc(action.cree_le):
        jour = format_date_courte(aujourd_hui(action.cree_le, reference))
        raise ErreurMetier(
            f"L'action #{action.numero} commence le {jour} : un fait ne peut pas la précéder. "
            "Datez son début avec /action modifier, ou choisissez une date ultérieure. Rien n'a été modifié."
        )
    if statut == StatutAction.TERMINEE and avancement is None:
        avancement = 100
    if avancement is not None and statut is None and alors is not None:
        if alors.statut in STATUTS_CLOS and avancement != alors.avancement:
            raise ErreurMetier(
                f"Le {format_date_courte(aujourd_hui(effectif, reference))}, l'action #{action.numero} était "
                f"{LIBELLES_STATUT[alors.statut]} : son avancement ne pouvait pas changer. "
                "Rien n'a été modifié."
            )
        if alors.statut == StatutAction.PROPOSEE and avancement > 0:
            statut = StatutAction.EN_COURS
    return Fait(effectif, avancement, statut, fait.note)


def admettre_faits(
    action: Action, lignes: list[Ligne], faits: list[Fait], reference: Ville
) -> tuple[list[Fait], list[tuple[int, str]]]:
    """Range des faits datés dans l'historique d'une action, par date ; rend ceux admis et les refus.

    Chacun est jugé sur l'état que laissent l'historique et les faits admis avant lui, comme s'ils
    avaient été consignés un à un dans l'ordre des dates. Un refus : (rang du fait dans `faits`, raison).
    """
    cree_le = en_utc(action.cree_le)
    depart = Etat(StatutAction(action.statut), action.avancement)
    lignes = list(lignes)
    # L'état que laisse tout l'historique, et son dernier instant : un fait qui vient après (le cas
    # d'un registre importé dans l'ordre) se juge sur cet état, puis s'y ajoute, sans tout rejouer.
    final = etat_final(cree_le=cree_le, depart=depart, lignes=lignes)
    dernier = max((max(en_utc(quand), cree_le) for quand, _, _ in lignes), default=cree_le)
    admis: list[Fait] = []
    refus: list[tuple[int, str]] = []
    for rang in sorted(range(len(faits)), key=lambda r: en_utc(faits[r].quand)):
        effectif = en_utc(faits[rang].quand)
        if effectif >= dernier:
            alors: Etat | None = final
        else:
            t_action = trajectoire(  # l'action n'est peut-être pas encore écrite (`creer_actions`)
                action_id=action.id or 0, axe_id=action.axe_id, cree_le=cree_le, actuel=final, lignes=lignes
            )
            alors = etat_a(t_action, effectif + RESOLUTION)
        try:
            fait = _admettre_fait(action, alors, faits[rang], reference)
        except ErreurMetier as erreur:
            refus.append((rang, erreur.message))
            continue
        lignes.append((fait.quand, fait.avancement, fait.statut))
        admis.append(fait)
        if effectif >= dernier:
            statut = fait.statut or final.statut
            final = Etat(
                StatutAction(statut), final.avancement if fait.avancement is None else fait.avancement
            )
            dernier = effectif
        else:
            final = etat_final(cree_le=cree_le, depart=depart, lignes=lignes)
    return admis, sorted(refus)


def consigner_faits(
    session: Session,
    action: Action,
    faits: list[Fait],
    *,
    auteur_id: int,
    maintenant: datetime,
    reference: Ville,
    trace: dict[str, tuple[Any, Any]] | None = None,
) -> ResultatMiseAJour:
    """Consigne des faits datés : l'historique les range à leur date, l'action prend l'état qui en découle.

    La date de saisie reste au journal. Si des faits plus récents sont déjà consignés, l'état actuel
    reste le leur : seul le passé change (graphiques, résumés et rapports des périodes concernées).
    Un fait refusé (`_admettre_fait`) refuse le tout : rien n'est écrit.
    """
    lignes = _lignes(_historique(session, action))
    admis, refus = admettre_faits(action, lignes, faits, reference)
    if refus:
        raise ErreurMetier(refus[0][1])
    avant = evolution.apports_action(session, action)
    session.add_all(
        MiseAJour(
            guild_id=action.guild_id,
            action_id=ident(action),
            auteur_id=auteur_id,
            quand=fait.quand,
            avancement=fait.avancement,
            statut=fait.statut,
            note=fait.note,
            saisi_le=maintenant,
        )
        for fait in admis
    )
    final = etat_final(
        cree_le=action.cree_le,
        depart=Etat(StatutAction(action.statut), action.avancement),
        lignes=[*lignes, *((f.quand, f.avancement, f.statut) for f in admis)],
    )
    changements = _reels(
        {"avancement": (action.avancement, final.avancement), "statut": (action.statut, final.statut)}
    )
    _appliquer(
        session,
        action,
        auteur_id=auteur_id,
        maintenant=maintenant,
        changements=changements,
        trace=trace,
        avant=avant,
    )
    return ResultatMiseAJour(action, changements)


def _consigner_apres_coup(
    session: Session,
    action: Action,
    fait: _FaitPasse,
    *,
    auteur_id: int,
    maintenant: datetime,
    avancement: int | None,
    statut: StatutAction | None = None,
    note: str | None,
) -> ResultatMiseAJour:
    """Consigne un fait daté du passé (`consigner_faits`) ; rend ses changements en mots."""
    effectif, reference = fait.effectif, fait.reference
    resultat = consigner_faits(
        session,
        action,
        [Fait(effectif, avancement, statut, note)],
        auteur_id=auteur_id,
        maintenant=maintenant,
        reference=reference,
        trace={"fait_date_du": (None, f"{effectif.isoformat()} · {avancement} % · {statut}")},
    )
    consigne = format_date_courte(aujourd_hui(effectif, reference))
    en_mots = (
        *(
            Changement(f"{libelle} au {consigne}", None, valeur)
            for libelle, valeur in (
                ("avancement", None if avancement is None else format_pourcentage(avancement)),
                ("statut", None if statut is None else LIBELLES_STATUT[statut]),
            )
            if valeur is not None
        ),
        *decrire_changements(session, resultat.changements),
    )
    return ResultatMiseAJour(action, resultat.changements, en_mots=en_mots)


DELAI_POUR_DEFAIRE = timedelta(days=7)


def defaire_derniere_mise_a_jour(
    session: Session,
    *,
    guild_id: int,
    numero: int,
    auteur_id: int,
    est_coordination: bool,
    maintenant: datetime,
) -> ResultatMiseAJour:
    """Défait la dernière mise à jour d'une action (son auteur ou la coordination, dans les 7 jours).

    L'action reprend l'avancement et le statut d'avant ; la ligne d'historique défaite quitte
    l'historique mais ses valeurs restent au journal : rien n'est perdu sans trace.
    """
    action = lire_action(session, guild_id=guild_id, numero=numero, pour_modifier=True)
    historique = _historique(session, action)
    if len(historique) < 2:
        raise ErreurMetier(f"Rien à défaire : l'action #{numero} n'a pas été mise à jour depuis sa création.")
    *restantes, derniere = historique
    if derniere.auteur_id != auteur_id and not est_coordination:
        raise RefusDroits(
            f"Seule la personne qui a fait la dernière mise à jour de l'action #{numero} "
            f"(<@{derniere.auteur_id}>) ou la coordination peut la défaire. Rien n'a été modifié."
        )
    saisie = en_utc(derniere.saisi_le or derniere.quand)  # le délai court depuis la saisie, pas le fait
    if en_utc(maintenant) - saisie > DELAI_POUR_DEFAIRE:
        jour = aujourd_hui(saisie, ville_de_reference(session, guild_id))
        raise ErreurMetier(
            f"La dernière mise à jour de l'action #{numero} a été saisie le {format_date_courte(jour)} : "
            "on ne peut défaire qu'une mise à jour de moins de 7 jours. Enregistrez plutôt la bonne "
            "valeur avec /action avancement ou /action statut. Rien n'a été modifié."
        )
    avant = evolution.apports_action(session, action)
    # L'état que laisse l'historique sans elle (rangé par dates effectives : `metier.actions.etat`).
    reprise = etat_final(
        cree_le=action.cree_le,
        depart=Etat(StatutAction(action.statut), action.avancement),
        lignes=_lignes(restantes),
    )
    changements = _reels(
        {
            "avancement": (action.avancement, reprise.avancement),
            "statut": (action.statut, reprise.statut),
        }
    )
    en_mots = decrire_changements(session, changements)
    defaite = f"{en_utc(derniere.quand).isoformat()} · {derniere.avancement} % · {derniere.statut}"
    session.delete(derniere)
    _appliquer(
        session,
        action,
        auteur_id=auteur_id,
        maintenant=maintenant,
        changements=changements,
        trace={"mise_a_jour_defaite": (defaite + (f" · {derniere.note}" if derniere.note else ""), None)},
        avant=avant,
    )
    return ResultatMiseAJour(action, changements, en_mots=en_mots)


def modifier_action(
    session: Session,
    *,
    guild_id: int,
    numero: int,
    auteur_id: int,
    est_coordination: bool,
    maintenant: datetime,
    titre: str | None = None,
    axe_numero: int | None = None,
    objectif: str | None = None,
    ville: str | None = None,
    responsable_id: int | None = None,
    echeance: str | None = None,
    description: str | None = None,
    partenaires: str | None = None,
    reference: str | None = None,
) -> ResultatMiseAJour:
    """Modifie les champs donnés (les autres restent tels quels) ; `reference` : d'un registre importé."""
    configuration = configuration_amorcee(session, guild_id)
    action = lire_action(session, guild_id=guild_id, numero=numero, pour_modifier=True)
    _exiger_gestion(action, auteur_id, est_coordination, "la modifier")
    nouveaux: dict[str, Any] = {}
    if titre is not None:
        nouveaux["titre"] = valider_titre(titre)
    if description is not None:
        nouveaux["description"] = valider_texte(
            description, quoi="La description", limite=LONGUEUR_DESCRIPTION
        )
    axe = lire_axe(session, guild_id=guild_id, numero=axe_numero) if axe_numero is not None else None
    if axe is not None and axe.id != action.axe_id:
        nouveaux["axe_id"] = axe.id
        nouveaux["objectif_id"] = None  # l'ancien objectif appartenait à l'autre axe
    if objectif is not None:
        axe_cible = axe or session.get(Axe, action.axe_id)
        assert axe_cible is not None
        nouveaux["objectif_id"] = lire_objectif(session, axe=axe_cible, saisie=objectif).id
    if ville is not None:
        nouveaux["ville"] = valider_ville(ville, configuration)
    if responsable_id is not None:
        nouveaux["responsable_id"] = responsable_id
    if echeance is not None:
        nouveaux["echeance"] = valider_echeance(echeance, configuration, maintenant)
    associes = None
    if partenaires is not None:
        associes = resoudre_partenaires(session, guild_id=guild_id, texte=partenaires, maintenant=maintenant)
        nouveaux["partenaires"] = noms_des_partenaires(associes)
    if reference is not None:
        nouveaux["reference"] = valider_reference(reference)
    if not nouveaux:
        raise ErreurMetier("Indiquez au moins un champ à modifier (titre, axe, échéance, responsable…).")
    changements = {
        champ: (getattr(action, champ), valeur)
        for champ, valeur in nouveaux.items()
        if getattr(action, champ) != valeur
    }
    if not changements:
        return ResultatMiseAJour(action)  # rien à écrire : ni journal, ni date de modification
    en_mots = decrire_changements(session, changements, configuration.villes)
    _appliquer(session, action, auteur_id=auteur_id, maintenant=maintenant, changements=changements)
    if associes is not None and "partenaires" in changements:
        associer(session, action=action, partenaires=associes)
    return ResultatMiseAJour(action, changements, en_mots=en_mots)


def archiver_action(
    session: Session,
    *,
    guild_id: int,
    numero: int,
    auteur_id: int,
    est_coordination: bool,
    maintenant: datetime,
) -> Action:
    """Archive l'action : masquée des listes et graphiques, jamais supprimée."""
    action = lire_action(session, guild_id=guild_id, numero=numero, pour_modifier=True)
    _exiger_gestion(action, auteur_id, est_coordination, "l'archiver")
    _appliquer(
        session, action, auteur_id=auteur_id, maintenant=maintenant, changements={"archivee": (False, True)}
    )
    return action


def reprendre_action(
    session: Session,
    action: Action,
    *,
    axe_id: int,
    objectif_id: int | None,
    reprise_de: int,
    note: str,
    auteur_id: int,
    maintenant: datetime,
) -> None:
    """Reprend l'action dans une nouvelle édition : axe et objectif y passent, l'historique reste."""
    _appliquer(
        session,
        action,
        auteur_id=auteur_id,
        maintenant=maintenant,
        changements={
            "axe_id": (action.axe_id, axe_id),
            "objectif_id": (action.objectif_id, objectif_id),
            "reprise_de_id": (action.reprise_de_id, reprise_de),
        },
        note=note,
        historiser=True,
    )


# --- Liste et recherche ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Filtres:
    """Filtres de /action liste."""

    axe: int | None = None
    ville: str | None = None
    statut: StatutAction | None = None
    responsable_id: int | None = None
    en_retard: bool = False
    edition: str | None = None  # « 2024-2026 » ; None : l'édition en vigueur


@dataclass(frozen=True)
class PageActions:
    """Une page de la liste des actions."""

    actions: list[tuple[Action, int]]  # (action, numéro de son axe)
    total: int
    page: int
    pages: int
    jour: date


def _segments(jour: date) -> list[tuple[Any, tuple[Any, ...]]]:
    """Les segments de la liste et leur ordre : en retard, à échéance, sans échéance, closes.

    Les trois premiers se lisent dans l'index (guild_id, echeance, numero) ; les closes dans l'index
    unique (guild_id, numero), à rebours.
    """
    echeance, numero = col(Action.echeance), col(Action.numero)
    ouverte = ouverte_sql()
    return [
        (en_retard_sql(jour), (echeance, numero)),
        (ouverte & (echeance >= jour), (echeance, numero)),
        (ouverte & echeance.is_(None), (numero,)),
        (~ouverte, (numero.desc(),)),
    ]


def lister_actions(
    session: Session,
    *,
    guild_id: int,
    maintenant: datetime,
    filtres: Filtres,
    page: int = 0,
    par_page: int = PAR_PAGE,
) -> PageActions:
    """Rend une page d'actions filtrées : les ouvertes en retard d'abord, puis par échéance, puis sans
    échéance ; les terminées et abandonnées en dernier, les plus récentes d'abord.

    Chaque segment est trié par un index plutôt que par un tri calculé sur toutes les lignes : la
    page se lit sans trier 10 000 actions.
    """
    configuration = configuration_amorcee(session, guild_id)
    jour = aujourd_hui(maintenant, configuration.reference)
    conditions: list[Any] = [Action.guild_id == guild_id, col(Action.archivee).is_(False)]
    edition = lire_edition(session, guild_id=guild_id, saisie=filtres.edition)
    if (
        sur_les_axes := actions_de_l_edition(
            session, guild_id=guild_id, edition_id=edition.id, numero=filtres.axe
        )
    ) is not None:
        conditions.append(sur_les_axes)
    if filtres.ville is not None:
        conditions.append(Action.ville == valider_ville(filtres.ville, configuration))
    if filtres.statut is not None:
        conditions.append(Action.statut == filtres.statut)
    if filtres.responsable_id is not None:
        conditions.append(Action.responsable_id == filtres.responsable_id)
    segments = _segments(jour)
    if filtres.en_retard:
        segments = segments[:1]
    comptes = [func.count(case((condition, 1))) for condition, _ in segments]
    # Les conditions ne portent que sur l'action : le compte se lit dans l'index ix_action_liste.
    tailles = tuple(session.execute(select(*comptes).select_from(Action).where(*conditions)).one())
    total = sum(tailles)
    pages = max(1, math.ceil(total / par_page))
    page = min(max(page, 0), pages - 1)
    debut = page * par_page
    lignes: list[tuple[Action, int]] = []
    for (condition, ordre), taille in zip(segments, tailles, strict=True):
        if debut < taille and len(lignes) < par_page:
            lignes += session.exec(
                select(Action, Axe.numero)
                .join(Axe, col(Axe.id) == col(Action.axe_id))
                .where(*conditions, condition)
                .order_by(*ordre)
                .offset(debut)
                .limit(par_page - len(lignes))
            ).all()
        debut = max(0, debut - taille)
    return PageActions([(a, n) for a, n in lignes], total, page, pages, jour)


def rechercher_actions(
    session: Session, *, guild_id: int, saisie: str, limite: int = 25
) -> list[tuple[int, str]]:
    """Rend (numéro, titre) des actions qui correspondent : par numéro ou par mots, sans accents.

    Les plus pertinentes d'abord : numéro exact, titre qui commence par la saisie, puis les plus
    récemment modifiées. Seules les actions de l'édition en vigueur sont proposées (celles d'une
    édition close se retrouvent par leur numéro exact).
    """
    texte = normaliser(saisie).lstrip("#").strip()
    courante = actions_de_l_edition(
        session, guild_id=guild_id, edition_id=id_edition_courante(session, guild_id=guild_id)
    )
    conditions: list[Any] = [Action.guild_id == guild_id, col(Action.archivee).is_(False)]
    pertinence: list[Any] = []
    if texte.isdigit() and len(texte) <= 9:
        par_mots = col(Action.recherche).contains(texte, autoescape=True)
        conditions.append(
            (col(Action.numero) == int(texte)) | (par_mots if courante is None else par_mots & courante)
        )
        pertinence.append(case((col(Action.numero) == int(texte), 0), else_=1))
    elif courante is not None:
        conditions.append(courante)
    if texte and not (texte.isdigit() and len(texte) <= 9):
        for mot in texte.split()[:5]:
            conditions.append(col(Action.recherche).contains(mot, autoescape=True))
        pertinence.append(case((col(Action.recherche).startswith(texte, autoescape=True), 0), else_=1))
    lignes = session.exec(
        select(Action.numero, Action.titre)
        .where(*conditions)
        .order_by(*pertinence, col(Action.modifie_le).desc(), col(Action.numero).desc())
        .limit(min(limite, 25))
    ).all()
    return [(numero, titre) for numero, titre in lignes]
