"""Le renouvellement du protocole : une nouvelle édition, et le sort des actions ouvertes de la précédente.

`/protocole renouveler` ouvre l'édition suivante en recopiant axes, objectifs en vigueur et bureaux de
suivi (modifiables ensuite) ; elle reste « en attente » jusqu'à ce que son auteur décide du sort des
actions ouvertes : reprises (historique gardé, « reprise de l'édition 2024-2026 ») ou closes à la fin
de l'édition précédente. Dès l'ouverture, l'édition précédente ne reçoit plus de nouvelles actions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import func
from sqlmodel import Session, col, select

from metier.actions.registre import changer_statut, reprendre_action
from metier.editions import axes_de_l_edition, edition_courante, nom_edition
from metier.erreurs import ErreurMetier
from metier.journal import journaliser
from metier.protocole import chiffre_romain
from metier.serveurs import ville_de_reference
from metier.statuts import ouverte_sql
from metier.stockage import ident
from metier.temps import analyser_date, aujourd_hui, format_jour
from modeles import Action, Axe, BureauSuivi, Edition, Indicateur, Objectif, StatutAction
from modeles.protocole import LONGUEUR_TITRE_EDITION


class Sort(StrEnum):
    """Ce que deviennent les actions ouvertes de l'édition précédente."""

    REPRENDRE = "reprendre"
    CLORE = "clore"


@dataclass(frozen=True)
class Renouvellement:
    """Une édition ouverte par renouvellement, et ce qu'il reste à décider."""

    nouvelle: Edition
    precedente: Edition
    ouvertes: int
    indicateurs: int = 0  # indicateurs qui ont suivi leur axe dans la nouvelle édition


def _ouvertes(session: Session, edition: Edition) -> list[Action]:
    ids = [ident(a) for a in axes_de_l_edition(session, edition_id=ident(edition))]
    return list(
        session.exec(
            select(Action)
            .where(col(Action.axe_id).in_(ids), col(Action.archivee).is_(False), ouverte_sql())
            .order_by(col(Action.numero))
        ).all()
    )


def compter_ouvertes(session: Session, edition: Edition) -> int:
    """Les actions ouvertes (ni terminées, ni abandonnées, ni archivées) d'une édition."""
    ids = [ident(a) for a in axes_de_l_edition(session, edition_id=ident(edition))]
    return int(
        session.exec(
            select(func.count()).where(
                col(Action.axe_id).in_(ids), col(Action.archivee).is_(False), ouverte_sql()
            )
        ).one()
    )


def renouveler(
    session: Session,
    *,
    guild_id: int,
    auteur_id: int,
    titre: str,
    debut: str,
    fin: str,
    maintenant: datetime,
) -> Renouvellement:
    """Ouvre l'édition suivante (en attente de la décision sur les actions ouvertes)."""
    titre_propre = " ".join(titre.split())
    if not titre_propre:
        raise ErreurMetier("Le titre de la nouvelle édition ne peut pas être vide. Rien n'a été modifié.")
    if len(titre_propre) > LONGUEUR_TITRE_EDITION:
        raise ErreurMetier(
            f"Le titre fait {len(titre_propre)} caractères ; {LONGUEUR_TITRE_EDITION} au plus. "
            "Rien n'a été modifié."
        )
    jour = aujourd_hui(maintenant, ville_de_reference(session, guild_id))
    du, au = analyser_date(debut, jour), analyser_date(fin, jour)
    if au <= du:
        raise ErreurMetier(
            f"La fin ({format_jour(au)}) doit venir après le début ({format_jour(du)}). Rien n'a été modifié."
        )
    courante = edition_courante(session, guild_id=guild_id)
    if courante.en_attente:
        raise ErreurMetier(
            f"Le renouvellement vers l'édition {nom_edition(courante)} attend encore la décision sur les "
            "actions ouvertes : répondez d'abord à ses boutons. Rien n'a été modifié."
        )
    if du <= courante.fin:
        raise ErreurMetier(
            f"L'édition {nom_edition(courante)} court jusqu'au {format_jour(courante.fin)} : la suivante ne "
            "peut pas commencer avant. Choisissez un début le "
            f"{format_jour(courante.fin + timedelta(days=1))} ou après. Rien n'a été modifié."
        )
    nouvelle = Edition(
        guild_id=guild_id, titre=titre_propre, debut=du, fin=au, en_attente=True, cree_le=maintenant
    )
    session.add(nouvelle)
    session.flush()
    for bureau in session.exec(select(BureauSuivi).where(BureauSuivi.edition_id == courante.id)).all():
        session.add(
            BureauSuivi(
                guild_id=guild_id, edition_id=ident(nouvelle), ville=bureau.ville, bureau=bureau.bureau
            )
        )
    suivis = 0
    for axe in axes_de_l_edition(session, edition_id=ident(courante)):
        copie = Axe(
            guild_id=guild_id,
            edition_id=ident(nouvelle),
            numero=axe.numero,
            titre=axe.titre,
            titre_court=axe.titre_court,
        )
        session.add(copie)
        session.flush()
        suivis += _faire_suivre_les_indicateurs(
            session, axe, copie, courante, nouvelle, auteur_id, maintenant
        )
        for objectif in session.exec(
            select(Objectif).where(Objectif.axe_id == axe.id, col(Objectif.retire_le).is_(None))
        ).all():
            session.add(
                Objectif(
                    guild_id=guild_id, axe_id=ident(copie), numero=objectif.numero, libelle=objectif.libelle
                )
            )
    session.flush()
    journaliser(
        session,
        guild_id=guild_id,
        auteur_id=auteur_id,
        entite="edition",
        entite_id=ident(nouvelle),
        changements={"creation": (None, f"{titre_propre} ({du.isoformat()} → {au.isoformat()})")},
        quand=maintenant,
    )
    return Renouvellement(nouvelle, courante, compter_ouvertes(session, courante), suivis)


def _faire_suivre_les_indicateurs(
    session: Session,
    axe: Axe,
    copie: Axe,
    precedente: Edition,
    nouvelle: Edition,
    auteur_id: int,
    maintenant: datetime,
) -> int:
    """Rattache les indicateurs d'un axe à sa copie dans la nouvelle édition ; rend leur nombre.

    Rattachés plutôt que copiés : un indicateur garde son numéro, sa valeur de départ, sa cible et
    toutes ses mesures, une seule série qui continue (« Émissions évitées » de 2024 à 2029), et une
    mesure tardive de décembre se saisit au même endroit. L'édition précédente les garde : son rapport
    annuel et son bilan lisent les indicateurs par numéro d'axe et par date, et la liste d'une édition
    passée les montre tels qu'à sa fin (`indicateurs.indicateurs_de_l_edition`). Une copie aurait
    doublé chaque indicateur dans le rapport de l'année du renouvellement et changé son numéro.
    """
    indicateurs = session.exec(
        select(Indicateur).where(Indicateur.axe_id == axe.id, col(Indicateur.archive).is_(False))
    ).all()
    for indicateur in indicateurs:
        indicateur.axe_id = ident(copie)
        session.add(indicateur)
        journaliser(
            session,
            guild_id=indicateur.guild_id,
            auteur_id=auteur_id,
            entite="indicateur",
            entite_id=indicateur.numero,
            changements={
                "axe": (
                    f"{chiffre_romain(axe.numero)} ({nom_edition(precedente)})",
                    f"{chiffre_romain(copie.numero)} ({nom_edition(nouvelle)})",
                )
            },
            quand=maintenant,
        )
    return len(indicateurs)


def _precedente(session: Session, edition: Edition) -> Edition:
    precedente = session.exec(
        select(Edition)
        .where(Edition.guild_id == edition.guild_id, col(Edition.debut) < edition.debut)
        .order_by(col(Edition.debut).desc())
    ).first()
    assert precedente is not None
    return precedente


def decider(
    session: Session, *, guild_id: int, auteur_id: int, edition_id: int, sort: Sort, maintenant: datetime
) -> tuple[Renouvellement, int]:
    """Reprend ou clôt les actions ouvertes de l'édition précédente ; rend aussi leur nombre."""
    edition = session.get(Edition, edition_id, with_for_update=True)
    if edition is None or edition.guild_id != guild_id:
        raise ErreurMetier("Ce renouvellement n'existe plus. Rien n'a été modifié.")
    if not edition.en_attente:
        raise ErreurMetier(
            f"Le sort des actions ouvertes a déjà été décidé pour l'édition {nom_edition(edition)}. "
            "Rien n'a été modifié."
        )
    precedente = _precedente(session, edition)
    actions = _ouvertes(session, precedente)
    if sort == Sort.REPRENDRE:
        _reprendre(session, actions, precedente, edition, auteur_id, maintenant)
    else:
        jour = aujourd_hui(maintenant, ville_de_reference(session, guild_id))
        # Close à la fin de l'édition ; avant cette fin (renouvellement anticipé), close aujourd'hui.
        date_fin = precedente.fin.isoformat() if precedente.fin < jour else None
        for action in actions:
            changer_statut(
                session,
                guild_id=guild_id,
                numero=action.numero,
                auteur_id=auteur_id,
                est_coordination=True,
                statut=StatutAction.ABANDONNEE,
                note=f"Close à la fin de l'édition {nom_edition(precedente)}, non reprise dans l'édition "
                f"{nom_edition(edition)}",
                date=date_fin,
                maintenant=maintenant,
            )
    edition.en_attente = False
    session.add(edition)
    journaliser(
        session,
        guild_id=guild_id,
        auteur_id=auteur_id,
        entite="edition",
        entite_id=ident(edition),
        changements={"actions_ouvertes": (None, f"{sort.value} ({len(actions)})")},
        quand=maintenant,
    )
    session.flush()
    return Renouvellement(edition, precedente, len(actions)), len(actions)


def _reprendre(
    session: Session,
    actions: list[Action],
    precedente: Edition,
    edition: Edition,
    auteur_id: int,
    maintenant: datetime,
) -> None:
    anciens = {ident(a): a.numero for a in axes_de_l_edition(session, edition_id=ident(precedente))}
    nouveaux = {a.numero: ident(a) for a in axes_de_l_edition(session, edition_id=ident(edition))}
    objectifs = {
        (axe_numero, o.numero): ident(o)
        for o, axe_numero in session.exec(
            select(Objectif, Axe.numero)
            .join(Axe, col(Axe.id) == col(Objectif.axe_id))
            .where(Axe.edition_id == edition.id, col(Objectif.retire_le).is_(None))
        ).all()
    }
    numeros_objectifs = dict(
        session.exec(
            select(Objectif.id, Objectif.numero).where(col(Objectif.axe_id).in_(list(anciens)))
        ).all()
    )
    note = f"Reprise de l'édition {nom_edition(precedente)}"
    for action in actions:
        numero_axe = anciens[action.axe_id]
        if numero_axe not in nouveaux:
            continue  # un axe retiré de la nouvelle édition : l'action reste dans la précédente
        objectif = None
        if action.objectif_id is not None:
            objectif = objectifs.get((numero_axe, numeros_objectifs[action.objectif_id]))
        reprendre_action(
            session,
            action,
            axe_id=nouveaux[numero_axe],
            objectif_id=objectif,
            reprise_de=ident(precedente),
            note=note,
            auteur_id=auteur_id,
            maintenant=maintenant,
        )
