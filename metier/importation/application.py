"""Appliquer un import : tout ou rien, dans la transaction de l'appelant, par les règles du registre.

Le plan est recalculé dans cette transaction (la base a pu changer depuis l'essai à blanc) ; s'il a
des erreurs, rien n'est écrit. Chaque action passe par les règles ordinaires (`creer_action`,
`modifier_action`, `archiver_action`, `consigner_faits`, `mesurer`, `consigner_seance_passee`) :
mêmes vérifications, même historique, même cumul de l'évolution qu'une saisie dans Discord. Le
journal garde en plus une entrée pour l'import entier : ses fichiers et ses comptes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, TypeVar

from sqlmodel import Session

from metier.actions.indicateurs import mesurer
from metier.actions.registre import (
    NouvelleAction,
    archiver_action,
    consigner_faits,
    creer_actions,
    lire_action,
    modifier_action,
)
from metier.erreurs import ErreurMetier
from metier.formats import tronquer
from metier.importation.plan import ActionPrevue, Apercu, Plan, planifier, premiers
from metier.journal import journaliser
from metier.reunions.tenues import consigner_seance_passee
from metier.serveurs import ville_de_reference

T = TypeVar("T")
LONGUEUR_ENTITE = 40  # `EntreeJournal.entite_id` : les noms de fichiers entiers vont dans la valeur
ERREURS_CITEES = 10


def refus_du_plan(plan: Plan) -> ErreurMetier:
    """L'erreur qui refuse un plan fautif : les premières erreurs, avec leur ligne."""
    lignes = [f"• {s}" for s in premiers(plan.erreurs, ERREURS_CITEES)]
    if len(plan.erreurs) > ERREURS_CITEES:
        lignes.append(f"… et {len(plan.erreurs) - ERREURS_CITEES} autres")
    return ErreurMetier(
        f"L'import a {len(plan.erreurs)} erreur(s) : rien n'a été importé. Corrigez le fichier puis "
        "réessayez.\n" + "\n".join(lignes)
    )


def importer(
    session: Session,
    *,
    guild_id: int,
    fichiers: Sequence[tuple[str, bytes]],
    auteur_id: int,
    maintenant: datetime,
) -> Apercu:
    """Importe les fichiers dans le serveur, tout ou rien ; rend ce qui a été fait (ou `ErreurMetier`)."""
    plan = planifier(session, guild_id=guild_id, fichiers=fichiers, maintenant=maintenant)
    if plan.erreurs:
        raise refus_du_plan(plan)
    reference = ville_de_reference(session, guild_id)
    communs: dict[str, Any] = {"guild_id": guild_id, "auteur_id": auteur_id, "maintenant": maintenant}
    nouvelles = [_nouvelle(prevue) for prevue in plan.creations]
    try:
        creees = creer_actions(session, **communs, nouvelles=nouvelles)
    except ErreurMetier as erreur:
        raise ErreurMetier(f"{erreur.message} Rien n'a été importé.") from None
    for prevue, action in zip(sorted(plan.creations, key=lambda p: p.numero is None), creees, strict=True):
        if prevue.archiver:
            _situer(prevue, archiver_action, session, **communs, numero=action.numero, est_coordination=True)
    for prevue in plan.modifications:
        assert prevue.existante is not None
        numero = prevue.existante.numero
        if prevue.champs:
            champs = dict(prevue.champs)
            if "echeance" in champs:
                champs["echeance"] = champs["echeance"].isoformat() if champs["echeance"] else ""
            if "description" in champs:
                champs["description"] = champs["description"] or ""
            _situer(
                prevue, modifier_action, session, **communs, numero=numero, est_coordination=True, **champs
            )
        action = lire_action(session, guild_id=guild_id, numero=numero, pour_modifier=True)
        _historique(session, prevue, action, communs, reference)
    for mesure in plan.mesures:
        try:
            mesurer(
                session,
                **communs,
                numero=mesure.indicateur,
                valeur=mesure.valeur,
                jour=mesure.jour.isoformat(),
                note=mesure.note,
            )
        except ErreurMetier as erreur:
            raise _situee(mesure.tableau, mesure.ligne, erreur) from None
    for reunion in plan.reunions:
        try:
            consigner_seance_passee(
                session,
                **communs,
                seance=reunion.seance,
                presents=reunion.presents,
                presents_inconnus=reunion.inconnus,
                points=reunion.points,
                decisions=reunion.decisions,
            )
        except ErreurMetier as erreur:
            raise _situee(reunion.tableau, reunion.ligne, erreur) from None
    bilan = plan.apercu()
    journaliser(
        session,
        guild_id=guild_id,
        auteur_id=auteur_id,
        entite="importation",
        entite_id=tronquer(", ".join(plan.fichiers), LONGUEUR_ENTITE),
        changements={"importation": (None, f"{', '.join(plan.fichiers)} : {bilan.en_mots(applique=True)}")},
        quand=maintenant,
    )
    return bilan


def _nouvelle(prevue: ActionPrevue) -> NouvelleAction:
    champs = dict(prevue.champs)
    debut, echeance = champs.pop("debut", None), champs.pop("echeance", None)
    return NouvelleAction(
        **champs,
        numero=prevue.numero,
        debut=debut.isoformat() if debut else None,
        echeance=echeance.isoformat() if echeance else None,
        faits=tuple(fait for _, fait in prevue.faits),
    )


def _historique(
    session: Session, prevue: ActionPrevue, action: Any, communs: dict[str, Any], reference: Any
) -> None:
    """Consigne les faits datés de l'action, puis l'archive si la ligne le demande."""
    if prevue.faits:
        faits = [fait for _, fait in prevue.faits]
        _situer(
            prevue,
            consigner_faits,
            session,
            action,
            faits,
            auteur_id=communs["auteur_id"],
            maintenant=communs["maintenant"],
            reference=reference,
            trace={"faits_importes": (None, len(faits))},
        )
    if prevue.archiver:
        _situer(prevue, archiver_action, session, **communs, numero=action.numero, est_coordination=True)


def _situer(prevue: ActionPrevue, regle: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Applique une règle ; son refus dit la ligne du fichier."""
    try:
        return regle(*args, **kwargs)
    except ErreurMetier as erreur:
        raise _situee(prevue.tableau, prevue.ligne, erreur) from None


def _situee(tableau: str, ligne: int, erreur: ErreurMetier) -> ErreurMetier:
    return ErreurMetier(f"{tableau}, ligne {ligne} : {erreur.message} Rien n'a été importé.")
