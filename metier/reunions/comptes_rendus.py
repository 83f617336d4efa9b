"""Comptes rendus de séance : rédiger, modifier, lire, lister ; une décision devient une action."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from metier.actions.registre import creer_action
from metier.erreurs import ErreurMetier, RefusDroits
from metier.formats import format_nombre, tronquer
from metier.journal import journaliser
from metier.membres import FicheMembre, fiches_des_membres
from metier.reunions.registre import annulees_par_reunion, lire_reunion, seances_annulees
from metier.reunions.series import Occurrence, exiger_utc, lire_cle_occurrence, occurrences
from metier.serveurs import Configuration, configuration_amorcee
from metier.stockage import ident
from metier.temps import format_date_longue
from modeles import Action, CompteRendu, DecisionAction, MiseAJour, Presence, Reunion
from modeles.comptes_rendus import LONGUEUR_CHAMP_COMPTE_RENDU

# Les séances passées qu'on propose (autocomplétion) et où l'on cherche « la dernière ».
RECUL_SEANCES = timedelta(days=400)
# Ce qui bouge dans le registre juste après la séance en fait partie (on saisit souvent après coup).
APRES_SEANCE = timedelta(hours=1)
CHAMPS = {"points": "Points abordés", "decisions": "Décisions", "suites": "Prochaines étapes"}
_PUCE = re.compile(r"^\s*(?:[-–—•*·]|\d{1,2}[.)])\s*")


@dataclass(frozen=True)
class SeanceTenue:
    """Une séance commencée (non annulée) et son éventuel compte rendu."""

    reunion: Reunion
    seance: Occurrence
    compte_rendu: CompteRendu | None


@dataclass(frozen=True)
class ActionBougee:
    """Une action dont le statut ou l'avancement a changé pendant la séance (ou l'heure qui suit)."""

    numero: int
    titre: str
    statut: str | None
    avancement: int | None


@dataclass(frozen=True)
class Present:
    """Un membre présent, nommé, avec sa ville partenaire quand on la connaît."""

    membre_id: int
    nom: str | None
    ville: str | None


def present(membre_id: int, fiche: FicheMembre | None, ville_du_role: str | None) -> Present:
    """Un présent nommé par sa fiche ; sa ville : celle qu'il a dite (`/membre ville`), sinon celle de
    son rôle au nom d'une ville partenaire, relevée quand il a répondu."""
    if fiche is None:
        return Present(membre_id, None, ville_du_role)
    return Present(membre_id, fiche.nom, fiche.ville or ville_du_role)


@dataclass(frozen=True)
class ContenuCompteRendu:
    """Tout ce que montre un compte rendu publié."""

    compte_rendu: CompteRendu
    reunion: Reunion
    seance: Occurrence
    configuration: Configuration
    decisions: list[str]
    actions_bougees: list[ActionBougee]
    presents: list[Present]
    actions_nees: dict[int, int]  # rang de la décision → numéro de l'action créée


@dataclass(frozen=True)
class Suivis:
    """Les prochaines étapes notées au compte rendu de la séance précédente."""

    debut: datetime
    texte: str


# --- Lecture des textes --------------------------------------------------------------------------


def decisions_de(texte: str) -> list[str]:
    """Une décision par ligne non vide, sans la puce ni le numéro saisis (« - », « 1. »)."""
    return [propre for ligne in texte.splitlines() if (propre := _PUCE.sub("", ligne).strip())]


def ids_presents(texte: str) -> list[int]:
    """Les identifiants stockés dans `CompteRendu.presents`."""
    return [int(morceau) for morceau in texte.split(",") if morceau.strip().isdigit()]


def verifier_champ(nom: str, texte: str | None) -> str:
    """Un champ du compte rendu (« points », « decisions », « suites »), sans blancs ; refuse trop long."""
    propre = (texte or "").strip()
    if len(propre) > LONGUEUR_CHAMP_COMPTE_RENDU:
        raise ErreurMetier(
            f"Le champ « {CHAMPS[nom]} » fait {format_nombre(len(propre))} caractères : "
            f"{format_nombre(LONGUEUR_CHAMP_COMPTE_RENDU)} au plus. Raccourcissez-le ; rien n'a été "
            "enregistré."
        )
    return propre


# --- Séance visée et droits ----------------------------------------------------------------------


def seances_passees(
    reunion: Reunion, maintenant: datetime, annulees: set[datetime], recul: timedelta = RECUL_SEANCES
) -> list[Occurrence]:
    """Les séances commencées d'une série (sur un peu plus d'un an), la plus récente en dernier."""
    return occurrences(reunion, maintenant - recul, maintenant, limite=500, annulees=annulees)


def seances_commencees(
    session: Session, *, guild_id: int, maintenant: datetime, recul: timedelta = RECUL_SEANCES
) -> list[tuple[Reunion, Occurrence]]:
    """Les séances commencées depuis `recul` de toutes les réunions (non annulées) du serveur, la plus
    récente d'abord."""
    maintenant = exiger_utc(maintenant)
    reunions = session.exec(
        select(Reunion).where(
            Reunion.guild_id == guild_id,
            col(Reunion.annulee).is_(False),
            col(Reunion.date_debut) <= (maintenant + timedelta(days=1)).date(),
        )
    ).all()
    annulees = annulees_par_reunion(session, [ident(r) for r in reunions])
    seances = [
        (reunion, seance)
        for reunion in reunions
        for seance in seances_passees(reunion, maintenant, annulees[ident(reunion)], recul)
    ]
    return sorted(seances, key=lambda paire: (paire[1].debut, paire[0].numero), reverse=True)


def derniere_seance_commencee(session: Session, *, guild_id: int, maintenant: datetime) -> tuple[int, str]:
    """Le numéro de réunion et la clé de la dernière séance commencée sur le serveur."""
    seances = seances_commencees(session, guild_id=guild_id, maintenant=maintenant)
    if not seances:
        raise ErreurMetier(
            "Aucune réunion de ce serveur n'a encore eu de séance : le compte rendu se rédige une fois "
            "la séance commencée."
        )
    reunion, seance = seances[0]
    return reunion.numero, seance.cle


def trouver_seance(
    session: Session, *, guild_id: int, numero: int, cle: str | None, maintenant: datetime
) -> SeanceTenue:
    """La séance visée (par défaut la dernière commencée) : elle doit avoir eu lieu et ne pas être annulée."""
    maintenant = exiger_utc(maintenant)
    reunion = lire_reunion(session, guild_id=guild_id, numero=numero)
    if reunion.annulee:
        raise ErreurMetier(
            f"La réunion #{numero} est annulée : ses séances n'ont pas de compte rendu à rédiger."
        )
    annulees = seances_annulees(session, ident(reunion))
    if cle is None:
        passees = seances_passees(reunion, maintenant, annulees)
        if not passees:
            raise ErreurMetier(
                f"La réunion #{numero} n'a pas encore eu de séance : le compte rendu se rédige une fois "
                "la séance commencée."
            )
        seance = passees[-1]
    else:
        debut = lire_cle_occurrence(cle)
        trouvees = occurrences(reunion, debut - timedelta(seconds=1), debut + timedelta(seconds=1), limite=1)
        if not trouvees or trouvees[0].debut != debut:
            raise ErreurMetier(
                f"La réunion #{numero} n'a pas de séance à cet instant : choisissez-en une dans la liste."
            )
        if debut in annulees:
            raise ErreurMetier("Cette séance a été annulée : elle n'a pas de compte rendu.")
        if debut > maintenant:
            raise ErreurMetier(
                f"La séance du {format_date_longue(debut.date())} n'a pas encore eu lieu : le compte rendu "
                "se rédige une fois la séance commencée."
            )
        seance = trouvees[0]
    return SeanceTenue(reunion, seance, _compte_rendu(session, ident(reunion), seance.debut))


def _compte_rendu(session: Session, reunion_id: int, debut: datetime) -> CompteRendu | None:
    return session.exec(
        select(CompteRendu).where(CompteRendu.reunion_id == reunion_id, CompteRendu.debut == debut)
    ).first()


def presents_annonces(session: Session, reunion_id: int, debut: datetime) -> list[int]:
    """Les membres qui ont répondu « présent » à l'invitation de la séance, dans l'ordre des réponses."""
    return list(
        session.exec(
            select(Presence.membre_id)
            .where(Presence.reunion_id == reunion_id, Presence.debut == debut, Presence.reponse == "present")
            .order_by(col(Presence.quand), col(Presence.membre_id))
        )
    )


def verifier_droits(session: Session, tenue: SeanceTenue, *, membre_id: int, est_coordination: bool) -> None:
    """L'auteur de la réunion, la coordination ou un présent de la séance ; sinon un refus."""
    if est_coordination or tenue.reunion.auteur_id == membre_id:
        return
    presents = set(presents_annonces(session, ident(tenue.reunion), tenue.seance.debut))
    if tenue.compte_rendu is not None:
        presents |= set(ids_presents(tenue.compte_rendu.presents))
    if membre_id not in presents:
        raise RefusDroits(
            f"Le compte rendu de cette séance se rédige par la personne qui a planifié la réunion "
            f"#{tenue.reunion.numero} (<@{tenue.reunion.auteur_id}>), par la coordination ou par un "
            "membre présent (bouton « ✅ Présent » du rappel). Rien n'a été enregistré."
        )


def preparer_compte_rendu(
    session: Session,
    *,
    guild_id: int,
    numero: int,
    cle: str | None,
    membre_id: int,
    est_coordination: bool,
    maintenant: datetime,
) -> SeanceTenue:
    """La séance à rédiger, droits vérifiés (avant d'ouvrir la fenêtre de saisie)."""
    tenue = trouver_seance(session, guild_id=guild_id, numero=numero, cle=cle, maintenant=maintenant)
    verifier_droits(session, tenue, membre_id=membre_id, est_coordination=est_coordination)
    return tenue


# --- Écriture ------------------------------------------------------------------------------------


def enregistrer_compte_rendu(
    session: Session,
    *,
    guild_id: int,
    numero: int,
    cle: str,
    auteur_id: int,
    est_coordination: bool,
    points: str | None,
    decisions: str | None,
    suites: str | None,
    maintenant: datetime,
) -> CompteRendu:
    """Crée ou modifie le compte rendu d'une séance ; chaque champ changé est consigné au journal."""
    textes = {
        "points": verifier_champ("points", points),
        "decisions": verifier_champ("decisions", decisions),
        "suites": verifier_champ("suites", suites),
    }
    if not any(textes.values()):
        raise ErreurMetier(
            "Le compte rendu est vide : remplissez au moins un champ (points abordés, décisions ou "
            "prochaines étapes)."
        )
    tenue = preparer_compte_rendu(
        session,
        guild_id=guild_id,
        numero=numero,
        cle=cle,
        membre_id=auteur_id,
        est_coordination=est_coordination,
        maintenant=maintenant,
    )
    reunion_id = ident(tenue.reunion)
    compte_rendu = tenue.compte_rendu
    if compte_rendu is None:
        anciens: dict[str, str | None] = dict.fromkeys(textes)
        presents = presents_annonces(session, reunion_id, tenue.seance.debut)
        compte_rendu = CompteRendu(
            guild_id=guild_id,
            reunion_id=reunion_id,
            debut=tenue.seance.debut,
            presents=",".join(str(i) for i in presents),
            auteur_id=auteur_id,
            salon_id=tenue.reunion.salon_id,
            cree_le=maintenant,
        )
    else:
        anciens = {nom: getattr(compte_rendu, nom) for nom in textes}
    for nom, texte in textes.items():
        setattr(compte_rendu, nom, texte)
    compte_rendu.modifie_le = maintenant
    session.add(compte_rendu)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        raise ErreurMetier(
            "Quelqu'un vient d'enregistrer le compte rendu de cette séance en même temps : rouvrez-le "
            "avec `/reunion compte-rendu` pour le compléter."
        ) from None
    journaliser(
        session,
        guild_id=guild_id,
        auteur_id=auteur_id,
        entite="compte_rendu",
        entite_id=f"{tenue.reunion.numero}:{tenue.seance.cle}",
        changements={nom: (anciens[nom] or None, texte or None) for nom, texte in textes.items()},
        quand=maintenant,
    )
    return compte_rendu


def lire_compte_rendu(session: Session, *, guild_id: int, compte_rendu_id: int) -> CompteRendu:
    """Le compte rendu de cet identifiant, sur ce serveur."""
    compte_rendu = session.get(CompteRendu, compte_rendu_id)
    if compte_rendu is None or compte_rendu.guild_id != guild_id:
        raise ErreurMetier("Ce compte rendu n'existe plus.")
    return compte_rendu


def tenue_du_compte_rendu(session: Session, compte_rendu: CompteRendu) -> SeanceTenue:
    """La réunion et la séance d'un compte rendu enregistré."""
    reunion = session.get(Reunion, compte_rendu.reunion_id)
    assert reunion is not None
    debut = exiger_utc(compte_rendu.debut)
    duree = timedelta(minutes=reunion.duree_minutes)
    return SeanceTenue(reunion, Occurrence(debut, debut + duree, ident(reunion)), compte_rendu)


def modifier_presents(
    session: Session,
    *,
    guild_id: int,
    compte_rendu_id: int,
    auteur_id: int,
    est_coordination: bool,
    presents: list[int],
    maintenant: datetime,
) -> CompteRendu:
    """Remplace la liste des présents d'un compte rendu (consigné au journal)."""
    compte_rendu = lire_compte_rendu(session, guild_id=guild_id, compte_rendu_id=compte_rendu_id)
    tenue = tenue_du_compte_rendu(session, compte_rendu)
    verifier_droits(session, tenue, membre_id=auteur_id, est_coordination=est_coordination)
    ancien = compte_rendu.presents
    compte_rendu.presents = ",".join(str(i) for i in dict.fromkeys(presents))
    compte_rendu.modifie_le = maintenant
    session.add(compte_rendu)
    journaliser(
        session,
        guild_id=guild_id,
        auteur_id=auteur_id,
        entite="compte_rendu",
        entite_id=f"{tenue.reunion.numero}:{tenue.seance.cle}",
        changements={"presents": (ancien or None, compte_rendu.presents or None)},
        quand=maintenant,
    )
    session.flush()
    return compte_rendu


def noter_message(session: Session, *, compte_rendu_id: int, salon_id: int, message_id: int) -> None:
    """Retient où le compte rendu est publié (pour le mettre à jour après une modification)."""
    compte_rendu = session.get(CompteRendu, compte_rendu_id)
    if compte_rendu is not None:
        compte_rendu.salon_id, compte_rendu.message_id = salon_id, message_id
        session.add(compte_rendu)


def action_depuis_decision(
    session: Session,
    *,
    guild_id: int,
    compte_rendu_id: int,
    rang: int,
    auteur_id: int,
    titre: str,
    axe_numero: int,
    echeance: str | None,
    maintenant: datetime,
) -> Action:
    """Crée l'action d'une décision, liée à la séance ; une décision ne donne qu'une action."""
    compte_rendu = lire_compte_rendu(session, guild_id=guild_id, compte_rendu_id=compte_rendu_id)
    decisions = decisions_de(compte_rendu.decisions)
    if not 1 <= rang <= len(decisions):
        raise ErreurMetier(
            "Cette décision n'est plus dans le compte rendu (il a été modifié) : rouvrez-le pour la voir."
        )
    existante = _action_nee(session, compte_rendu_id, rang)
    if existante is not None:
        raise ErreurMetier(f"La décision {rang} est déjà devenue l'action #{existante}. Rien n'a été créé.")
    tenue = tenue_du_compte_rendu(session, compte_rendu)
    jour = format_date_longue(tenue.seance.debut.date())
    action = creer_action(
        session,
        guild_id=guild_id,
        auteur_id=auteur_id,
        titre=titre,
        axe_numero=axe_numero,
        echeance=echeance,
        description=tronquer(
            f"Décision {rang} de la réunion #{tenue.reunion.numero} « {tenue.reunion.titre} » du {jour} : "
            f"{decisions[rang - 1]}",
            1000,
        ),
        maintenant=maintenant,
    )
    try:
        with session.begin_nested():
            session.add(
                DecisionAction(
                    guild_id=guild_id,
                    compte_rendu_id=compte_rendu_id,
                    rang=rang,
                    action_id=ident(action),
                    auteur_id=auteur_id,
                    quand=maintenant,
                )
            )
            session.flush()
    except IntegrityError:
        raise ErreurMetier(
            f"La décision {rang} vient de devenir une action (double clic) : rien de plus n'a été créé."
        ) from None
    return action


def _action_nee(session: Session, compte_rendu_id: int, rang: int) -> int | None:
    return session.exec(
        select(Action.numero)
        .join(DecisionAction, col(DecisionAction.action_id) == col(Action.id))
        .where(DecisionAction.compte_rendu_id == compte_rendu_id, DecisionAction.rang == rang)
    ).first()


# --- Ce que montre un compte rendu ---------------------------------------------------------------


def actions_bougees(session: Session, *, guild_id: int, du: datetime, au: datetime) -> list[ActionBougee]:
    """Les actions dont le statut ou l'avancement a été saisi entre `du` et `au`, dans leur dernier état."""
    saisie = func.coalesce(col(MiseAJour.saisi_le), col(MiseAJour.quand))
    # Deux branches indexées (serveur + instant de saisie ; avant 0008, serveur + date du fait) : pas
    # de balayage de tout l'historique du serveur.
    dans_la_fenetre = or_(
        and_(
            col(MiseAJour.guild_id) == guild_id,
            col(MiseAJour.saisi_le) >= du,
            col(MiseAJour.saisi_le) < au,
        ),
        and_(
            col(MiseAJour.guild_id) == guild_id,
            col(MiseAJour.saisi_le).is_(None),
            col(MiseAJour.quand) >= du,
            col(MiseAJour.quand) < au,
        ),
    )
    lignes = session.exec(
        select(Action.numero, Action.titre, MiseAJour.statut, MiseAJour.avancement)
        .join(Action, col(Action.id) == col(MiseAJour.action_id))
        .where(
            dans_la_fenetre,
            col(MiseAJour.statut).is_not(None) | col(MiseAJour.avancement).is_not(None),
        )
        .order_by(saisie, col(MiseAJour.id))
    ).all()
    dernieres: dict[int, ActionBougee] = {}
    for numero, titre, statut, avancement in lignes:
        avant = dernieres.get(numero)
        dernieres[numero] = ActionBougee(
            numero,
            titre,
            statut if statut is not None else (avant.statut if avant else None),
            avancement if avancement is not None else (avant.avancement if avant else None),
        )
    return sorted(dernieres.values(), key=lambda a: a.numero)


def presents_nommes(session: Session, compte_rendu: CompteRendu) -> list[Present]:
    """Les présents d'un compte rendu, nommés, avec leur ville (dite, sinon celle de leur rôle)."""
    ids = ids_presents(compte_rendu.presents)
    fiches = fiches_des_membres(session, compte_rendu.guild_id, ids)
    villes = dict(
        session.exec(
            select(Presence.membre_id, Presence.ville).where(
                Presence.reunion_id == compte_rendu.reunion_id,
                Presence.debut == compte_rendu.debut,
                col(Presence.ville).is_not(None),
            )
        ).all()
    )
    return [present(i, fiches.get(i), villes.get(i)) for i in ids]


def contenu_compte_rendu(session: Session, *, guild_id: int, compte_rendu_id: int) -> ContenuCompteRendu:
    """Le compte rendu, ses décisions, les actions qui ont bougé, les présents nommés."""
    compte_rendu = lire_compte_rendu(session, guild_id=guild_id, compte_rendu_id=compte_rendu_id)
    tenue = tenue_du_compte_rendu(session, compte_rendu)
    nees = session.exec(
        select(DecisionAction.rang, Action.numero)
        .join(Action, col(Action.id) == col(DecisionAction.action_id))
        .where(DecisionAction.compte_rendu_id == compte_rendu_id)
    ).all()
    return ContenuCompteRendu(
        compte_rendu=compte_rendu,
        reunion=tenue.reunion,
        seance=tenue.seance,
        configuration=configuration_amorcee(session, guild_id),
        decisions=decisions_de(compte_rendu.decisions),
        actions_bougees=actions_bougees(
            session, guild_id=guild_id, du=tenue.seance.debut, au=tenue.seance.fin + APRES_SEANCE
        ),
        presents=presents_nommes(session, compte_rendu),
        actions_nees=dict(nees),
    )


def lister_comptes_rendus(
    session: Session, *, guild_id: int, numero: int | None, limite: int = 25
) -> tuple[list[tuple[Reunion, CompteRendu]], int]:
    """Les comptes rendus du serveur (ou d'une réunion), le plus récent d'abord ; et leur nombre total."""
    conditions = [CompteRendu.guild_id == guild_id]
    if numero is not None:
        conditions.append(
            CompteRendu.reunion_id == ident(lire_reunion(session, guild_id=guild_id, numero=numero))
        )
    total = session.exec(select(func.count()).select_from(CompteRendu).where(*conditions)).one()
    lignes = session.exec(
        select(Reunion, CompteRendu)
        .join(Reunion, col(Reunion.id) == col(CompteRendu.reunion_id))
        .where(*conditions)
        .order_by(col(CompteRendu.debut).desc(), col(Reunion.numero))
        .limit(limite)
    ).all()
    return [(reunion, compte_rendu) for reunion, compte_rendu in lignes], total


def suivis_precedents(session: Session, *, reunion_id: int, avant: datetime) -> Suivis | None:
    """Les prochaines étapes du dernier compte rendu de la série avant cette séance, s'il y en a."""
    compte_rendu = session.exec(
        select(CompteRendu)
        .where(
            CompteRendu.reunion_id == reunion_id,
            CompteRendu.debut < avant,
            CompteRendu.debut >= avant - RECUL_SEANCES,
        )
        .order_by(col(CompteRendu.debut).desc())
        .limit(1)
    ).first()
    if compte_rendu is None or not compte_rendu.suites.strip():
        return None
    return Suivis(exiger_utc(compte_rendu.debut), compte_rendu.suites)
