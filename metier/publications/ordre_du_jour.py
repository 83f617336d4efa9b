"""Ordre du jour automatique d'une séance, tiré du registre des actions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from metier.statuts import en_retard_sql, ouverte_sql
from modeles import Action, MiseAJour


@dataclass(frozen=True)
class PointAction:
    """Une action citée à l'ordre du jour."""

    numero: int
    titre: str
    avancement: int
    echeance: date | None


@dataclass(frozen=True)
class OrdreDuJour:
    """Ce qui a bougé depuis la séance précédente, ce qui est en retard, ce qui arrive à échéance."""

    mises_a_jour: list[PointAction]
    en_retard: list[PointAction]
    echeances: list[PointAction]
    totaux: tuple[int, int, int]  # avant la coupe à `limite`

    @property
    def est_vide(self) -> bool:
        """Rien à signaler."""
        return not (self.mises_a_jour or self.en_retard or self.echeances)


def _point(action: Action) -> PointAction:
    return PointAction(action.numero, action.titre, action.avancement, action.echeance)


def ordre_du_jour(
    session: Session,
    *,
    guild_id: int,
    depuis: datetime,
    jour: date,
    jusqu_au: date,
    limite: int = 10,
) -> OrdreDuJour:
    """Actions mises à jour depuis `depuis`, en retard au `jour`, et à échéance d'ici `jusqu_au`."""
    actives = (Action.guild_id == guild_id, col(Action.archivee).is_(False))
    ouvertes = ouverte_sql()
    touchees = (
        select(MiseAJour.action_id)
        .where(MiseAJour.guild_id == guild_id, MiseAJour.quand >= depuis)
        .group_by(col(MiseAJour.action_id))
    )
    requetes = [
        select(Action).where(*actives, col(Action.id).in_(touchees)).order_by(col(Action.modifie_le).desc()),
        select(Action)
        .where(*actives, en_retard_sql(jour))
        .order_by(col(Action.echeance), col(Action.numero)),
        select(Action)
        .where(*actives, ouvertes, col(Action.echeance) >= jour, col(Action.echeance) <= jusqu_au)
        .order_by(col(Action.echeance), col(Action.numero)),
    ]
    listes, totaux = [], []
    for requete in requetes:
        totaux.append(session.exec(select(func.count()).select_from(requete.subquery())).one())
        listes.append([_point(a) for a in session.exec(requete.limit(limite))])
    return OrdreDuJour(listes[0], listes[1], listes[2], (totaux[0], totaux[1], totaux[2]))
