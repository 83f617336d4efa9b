"""Actions du protocole : création, avancement, statut, modification, archivage, liste, recherche."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import case, func
from sqlmodel import Session, col, select

from metier.actions import evolution
from metier.actions.etat import RESOLUTION, Etat, Ligne, etat_a, etat_final, trajectoire
from metier.actions.libelles import Changement, decrire_changements
from metier.erreurs import ErreurMetier, RefusDroits
from metier.formats import format_pourcentage
from metier.journal import journaliser
from metier.protocole import DEBUT_PROTOCOLE, chiffre_romain
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
    instant_local,
    normaliser,
)
from modeles import Action, Axe, MiseAJour, Objectif, StatutAction
from modeles.actions import (
    LONGUEUR_DESCRIPTION,
    LONGUEUR_NOTE,
    LONGUEUR_PARTENAIRES,
    LONGUEUR_TITRE,
    VILLE_TOUTES,
)

PAR_PAGE = 10
LONGUEUR_PARTENAIRE = 40


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


def valider_partenaires(texte: str | None) -> str:
    """Rend les étiquettes de partenaires normalisées : « UNamur, UQTR »."""
    etiquettes: list[str] = []
    for brute in (texte or "").replace(";", ",").split(","):
        etiquette = " ".join(brute.split())
        if not etiquette:
            continue
        if len(etiquette) > LONGUEUR_PARTENAIRE:
            raise ErreurMetier(
                f"Le partenaire « {etiquette[:40]}… » dépasse {LONGUEUR_PARTENAIRE} caractères. "
                "Séparez les partenaires par des virgules : UNamur, UQTR, BEP, CCIM."
            )
        if etiquette.casefold() not in {e.casefold() for e in etiquettes}:
            etiquettes.append(etiquette)
    resultat = ", ".join(etiquettes)
    if len(resultat) > LONGUEUR_PARTENAIRES:
        raise ErreurMetier(f"La liste des partenaires dépasse {LONGUEUR_PARTENAIRES} caractères.")
    return resultat


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
    aujourd = aujourd_hui(maintenant, reference)
    jour = dater_releve(texte, aujourd)
    return maintenant if jour == aujourd else instant_local(jour, time(12), reference)


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
    """Rend l'axe de ce numéro sur ce serveur."""
    axe = session.exec(select(Axe).where(Axe.guild_id == guild_id, Axe.numero == numero)).first()
    if axe is None:
        raise ErreurMetier(f"L'axe {numero} n'existe pas sur ce serveur. Choisissez un axe dans la liste.")
    return axe


def lire_objectif(session: Session, *, axe: Axe, saisie: str) -> Objectif:
    """Rend l'objectif désigné par « 2 », « 1.2 » ou son identifiant, qui doit appartenir à l'axe."""
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
    return objectif


def lister_axes(session: Session, *, guild_id: int) -> list[Axe]:
    """Rend les axes du serveur, dans l'ordre du protocole."""
    return list(session.exec(select(Axe).where(Axe.guild_id == guild_id).order_by(col(Axe.numero))).all())


def lister_objectifs(
    session: Session, *, guild_id: int, axe: int | None = None
) -> list[tuple[Objectif, int]]:
    """Rend les objectifs (avec le numéro de leur axe), d'un axe ou de tous."""
    requete = (
        select(Objectif, Axe.numero)
        .join(Axe, col(Axe.id) == col(Objectif.axe_id))
        .where(Objectif.guild_id == guild_id)
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
    return FicheAction(action, axe, objectif, list(recentes), nombre)


# --- Écriture -------------------------------------------------------------------------------------


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
) -> Action:
    """Enregistre une nouvelle action et la première ligne de son historique (datée de `debut`)."""
    configuration = configuration_amorcee(session, guild_id)
    debutee = instant_du_fait(debut, configuration.reference, maintenant)
    titre = valider_titre(titre)
    description = valider_texte(description, quoi="La description", limite=LONGUEUR_DESCRIPTION)
    axe = lire_axe(session, guild_id=guild_id, numero=axe_numero)
    objectif_choisi = lire_objectif(session, axe=axe, saisie=objectif) if objectif else None
    action = Action(
        guild_id=guild_id,
        numero=reserver_numero(session, guild_id, "action"),
        titre=titre,
        recherche=normaliser(titre),
        description=description,
        axe_id=ident(axe),
        objectif_id=ident(objectif_choisi) if objectif_choisi else None,
        ville=valider_ville(ville, configuration),
        responsable_id=responsable_id or auteur_id,
        auteur_id=auteur_id,
        partenaires=valider_partenaires(partenaires),
        echeance=valider_echeance(echeance, configuration, maintenant),
        cree_le=debutee,
        modifie_le=maintenant,
    )
    session.add(action)
    session.flush()
    session.add(
        MiseAJour(
            guild_id=guild_id,
            action_id=ident(action),
            auteur_id=auteur_id,
            quand=debutee,
            avancement=0,
            statut=action.statut,
            note="Action créée",
            saisi_le=maintenant,
        )
    )
    evolution.reporter(session, action, avant={})
    journaliser(
        session,
        guild_id=guild_id,
        auteur_id=auteur_id,
        entite="action",
        entite_id=action.numero,
        changements={"creation": (None, titre)}
        | ({"debut": (None, debutee.date().isoformat())} if debutee != maintenant else {}),
        quand=maintenant,
    )
    return action


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
    """Consigne un fait daté du passé : l'historique le range à sa date, l'action prend l'état qui en découle.

    La date de saisie reste au journal. Si des faits plus récents sont déjà consignés, l'état actuel
    reste le leur : seul le passé change (graphiques, résumés et rapports des périodes concernées).
    """
    effectif, reference = fait.effectif, fait.reference
    if effectif < en_utc(action.cree_le):
        jour = format_date_courte(aujourd_hui(action.cree_le, reference))
        raise ErreurMetier(
            f"L'action #{action.numero} commence le {jour} : un fait ne peut pas la précéder. "
            "Datez son début avec /action modifier, ou choisissez une date ultérieure. Rien n'a été modifié."
        )
    lignes = _lignes(_historique(session, action))
    actuel = Etat(StatutAction(action.statut), action.avancement)
    t_action = trajectoire(
        action_id=ident(action), axe_id=action.axe_id, cree_le=action.cree_le, actuel=actuel, lignes=lignes
    )
    alors = etat_a(t_action, effectif + RESOLUTION)
    if avancement is not None and statut is None and alors is not None:
        if alors.statut in STATUTS_CLOS and avancement != alors.avancement:
            raise ErreurMetier(
                f"Le {format_date_courte(aujourd_hui(effectif, reference))}, l'action #{action.numero} était "
                f"{LIBELLES_STATUT[alors.statut]} : son avancement ne pouvait pas changer. "
                "Rien n'a été modifié."
            )
        if alors.statut == StatutAction.PROPOSEE and avancement > 0:
            statut = StatutAction.EN_COURS
    avant = evolution.apports_action(session, action)
    ligne = MiseAJour(
        guild_id=action.guild_id,
        action_id=ident(action),
        auteur_id=auteur_id,
        quand=effectif,
        avancement=avancement,
        statut=statut,
        note=note,
        saisi_le=maintenant,
    )
    session.add(ligne)
    final = etat_final(
        cree_le=action.cree_le, depart=actuel, lignes=[*lignes, (effectif, avancement, statut)]
    )
    changements = _reels(
        {"avancement": (action.avancement, final.avancement), "statut": (action.statut, final.statut)}
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
        *decrire_changements(session, changements),
    )
    _appliquer(
        session,
        action,
        auteur_id=auteur_id,
        maintenant=maintenant,
        changements=changements,
        trace={"fait_date_du": (None, f"{effectif.isoformat()} · {avancement} % · {statut}")},
        avant=avant,
    )
    return ResultatMiseAJour(action, changements, en_mots=en_mots)


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
) -> ResultatMiseAJour:
    """Modifie les champs donnés (les autres restent tels quels)."""
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
    if partenaires is not None:
        nouveaux["partenaires"] = valider_partenaires(partenaires)
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


# --- Liste et recherche ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Filtres:
    """Filtres de /action liste."""

    axe: int | None = None
    ville: str | None = None
    statut: StatutAction | None = None
    responsable_id: int | None = None
    en_retard: bool = False


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
    if filtres.axe is not None:
        axe = select(Axe.id).where(Axe.guild_id == guild_id, Axe.numero == filtres.axe).scalar_subquery()
        conditions.append(col(Action.axe_id) == axe)
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
    tailles = tuple(
        session.execute(
            select(*comptes)
            .select_from(Action)
            .join(Axe, col(Axe.id) == col(Action.axe_id))
            .where(*conditions)
        ).one()
    )
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
    récemment modifiées.
    """
    texte = normaliser(saisie).lstrip("#").strip()
    conditions: list[Any] = [Action.guild_id == guild_id, col(Action.archivee).is_(False)]
    pertinence: list[Any] = []
    if texte.isdigit() and len(texte) <= 9:
        conditions.append(
            (col(Action.numero) == int(texte)) | col(Action.recherche).contains(texte, autoescape=True)
        )
        pertinence.append(case((col(Action.numero) == int(texte), 0), else_=1))
    elif texte:
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
