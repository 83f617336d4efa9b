"""L'état des publications d'un serveur, pour `/statut` : ce qui vient, ce qui a mal tourné et pourquoi."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, and_, col, or_, select

from metier.publications.livraisons import TypeLivraison
from modeles import Livraison, StatutLivraison

PERIODE_INCIDENTS = timedelta(days=7)


@dataclass(frozen=True)
class Incident:
    """Une publication des 7 derniers jours partie en retard, sautée, en échec ou en reprise."""

    designation: str  # « le rappel », « le résumé hebdomadaire »…
    echeance: datetime
    quoi: str  # « publié en retard », « sauté », « abandonné », « en reprise »
    pourquoi: str


@dataclass(frozen=True)
class EtatPublications:
    """Les prochaines publications prévues et les incidents récents d'un serveur."""

    prochaines: list[tuple[str, datetime]]
    incidents: list[Incident]


def etat_publications(
    session: Session, *, guild_id: int, maintenant: datetime, combien: int = 5
) -> EtatPublications:
    """Les `combien` prochaines publications prévues ; les incidents des 7 derniers jours, récents d'abord."""
    prevues = session.exec(
        select(Livraison)
        .where(Livraison.guild_id == guild_id, Livraison.statut == StatutLivraison.PREVUE)
        .order_by(col(Livraison.echeance), col(Livraison.id))
        .limit(combien)
    ).all()
    depuis = maintenant - PERIODE_INCIDENTS
    lignes = session.exec(
        select(Livraison)
        .where(
            Livraison.guild_id == guild_id,
            or_(
                and_(
                    col(Livraison.envoyee_le) >= depuis,
                    or_(
                        col(Livraison.en_retard),
                        col(Livraison.statut).in_([StatutLivraison.SAUTEE, StatutLivraison.ECHEC]),
                    ),
                ),
                and_(Livraison.statut == StatutLivraison.PREVUE, col(Livraison.erreur).is_not(None)),
            ),
        )
        .order_by(col(Livraison.echeance).desc())
        .limit(20)
    ).all()
    return EtatPublications(
        prochaines=[(TypeLivraison(p.type).designation, p.echeance) for p in prevues],
        incidents=[_incident(ligne) for ligne in lignes],
    )


def _incident(livraison: Livraison) -> Incident:
    designation = TypeLivraison(livraison.type).designation
    match livraison.statut:
        case StatutLivraison.SAUTEE:
            quoi, pourquoi = "sauté", livraison.erreur or "plus rien à publier"
        case StatutLivraison.ECHEC:
            quoi = "abandonné"
            pourquoi = f"{livraison.erreur or 'erreur inconnue'} ({livraison.tentatives} essais)"
        case StatutLivraison.PREVUE:
            quoi = "en reprise"
            pourquoi = f"{livraison.erreur} (essai {livraison.tentatives}, nouvel essai prévu)"
        case _:
            retard = (livraison.envoyee_le or livraison.echeance) - livraison.echeance
            minutes = max(1, round(retard.total_seconds() / 60))
            quoi = "publié en retard"
            pourquoi = f"parti {minutes} min après l'échéance (bot arrêté ou injoignable à l'heure dite)"
    return Incident(designation, livraison.echeance, quoi, pourquoi)
