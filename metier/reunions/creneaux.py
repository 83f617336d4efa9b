"""Réunions : créneaux communs aux heures de bureau de chaque ville."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from metier.erreurs import ErreurMetier
from metier.reunions.saisie import format_rappel
from metier.reunions.series import exiger_utc, localiser
from metier.temps import (
    NBSP,
    Ville,
)

# --- Créneaux communs ----------------------------------------------------------------------------


CRENEAU_MAX = timedelta(hours=8)
JOURS_CRENEAUX_MAX = 60


@dataclass(frozen=True)
class Creneau:
    """Plage (UTC) où toutes les villes sont dans leurs heures de bureau."""

    debut: datetime
    fin: datetime

    @property
    def duree(self) -> timedelta:
        """Longueur de la plage."""
        return self.fin - self.debut


Plage = tuple[datetime, datetime]


def _intersection(premieres: list[Plage], secondes: list[Plage]) -> list[Plage]:
    communes = []
    for debut_a, fin_a in premieres:
        for debut_b, fin_b in secondes:
            debut, fin = max(debut_a, debut_b), min(fin_a, fin_b)
            if debut < fin:
                communes.append((debut, fin))
    return sorted(communes)


def _bureau(ville: Ville, jour: date, ouverture: time, fermeture: time) -> Plage:
    debut, _ = localiser(datetime.combine(jour, ouverture), ville.zone, 0)
    fin, _ = localiser(datetime.combine(jour, fermeture), ville.zone, 0)
    return debut, fin


def creneaux_communs(
    villes: Sequence[Ville],
    du: date,
    jours: int,
    duree: timedelta,
    debut_bureau: time = time(9),
    fin_bureau: time = time(17),
    *,
    apres: datetime | None = None,
) -> list[Creneau]:
    """Trouve, jour ouvré par jour ouvré, les plages communes aux heures de bureau de toutes les villes.

    Les jours sont ceux de la première ville ; les autres villes n'ouvrent pas le week-end non plus.
    Rend les plages d'au moins `duree`, les plus longues d'abord puis les plus tôt.
    """
    if not 1 <= jours <= JOURS_CRENEAUX_MAX:
        raise ErreurMetier(f"Cherchez sur 1 à {JOURS_CRENEAUX_MAX} jours (demandé : {jours}).")
    if duree <= timedelta(0) or duree > CRENEAU_MAX:
        raise ErreurMetier(
            f"La durée cherchée doit être comprise entre 1 minute et 8{NBSP}h "
            f"(demandé : {format_rappel(duree) if duree > timedelta(0) else '0'})."
        )
    if not villes:
        return []
    if debut_bureau >= fin_bureau:
        raise ErreurMetier("Les heures de bureau doivent commencer avant de finir.")
    limite = exiger_utc(apres) if apres is not None else None
    reference, autres = villes[0], villes[1:]
    creneaux: list[Creneau] = []
    for decalage in range(jours):
        jour = du + timedelta(days=decalage)
        if jour.weekday() >= 5:
            continue
        communes = [_bureau(reference, jour, debut_bureau, fin_bureau)]
        for ville in autres:
            # Selon le fuseau, la journée de bureau d'une autre ville peut tomber la veille ou le lendemain.
            voisins = (jour + timedelta(days=n) for n in (-1, 0, 1))
            plages = [_bureau(ville, j, debut_bureau, fin_bureau) for j in voisins if j.weekday() < 5]
            communes = _intersection(communes, plages)
        for debut, fin in communes:
            if limite is not None:
                debut = max(debut, limite)
            if fin - debut >= duree:
                creneaux.append(Creneau(debut, fin))
    return sorted(creneaux, key=lambda c: (-c.duree, c.debut))
