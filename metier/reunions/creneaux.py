"""Réunions : créneaux communs aux heures de bureau de chaque ville."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import groupby

from metier.erreurs import ErreurMetier
from metier.reunions.feries import jour_ferie
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
# Le nom du jour férié d'une ville ce jour-là, ou None (par défaut : Québec et Belgique, `holidays`).
Feries = Callable[[Ville, date], str | None]


@dataclass(frozen=True)
class JourFerie:
    """Un jour ouvré de la période que les heures de bureau d'une ville ne comptent pas."""

    jour: date
    ville: Ville
    nom: str


def _soustraire(plages: list[Plage], occupees: Sequence[Plage]) -> list[Plage]:
    """Retire des plages les moments occupés (les séances du groupe)."""
    for debut_o, fin_o in occupees:
        restes: list[Plage] = []
        for debut, fin in plages:
            if fin_o <= debut or debut_o >= fin:
                restes.append((debut, fin))
                continue
            if debut < debut_o:
                restes.append((debut, debut_o))
            if fin_o < fin:
                restes.append((fin_o, fin))
        plages = restes
    return plages


def _fusionner(plages: list[Plage]) -> list[Plage]:
    """Réunit les plages qui se touchent ou se chevauchent."""
    fusionnees: list[Plage] = []
    for debut, fin in sorted(plages):
        if fusionnees and debut <= fusionnees[-1][1]:
            fusionnees[-1] = (fusionnees[-1][0], max(fin, fusionnees[-1][1]))
        else:
            fusionnees.append((debut, fin))
    return fusionnees


def feries_de_la_periode(
    villes: Sequence[Ville], du: date, jours: int, feries: Feries = jour_ferie
) -> list[JourFerie]:
    """Les jours fériés (du lundi au vendredi) de chaque ville pendant la période cherchée."""
    trouves = []
    for decalage in range(jours):
        jour = du + timedelta(days=decalage)
        if jour.weekday() >= 5:
            continue
        for ville in villes:
            if nom := feries(ville, jour):
                trouves.append(JourFerie(jour, ville, nom))
    return trouves


def par_jour(creneaux: Sequence[Creneau], reference: Ville) -> list[tuple[date, list[Creneau]]]:
    """Les créneaux rangés par jour (de la ville de référence), dans l'ordre du calendrier."""
    ordonnes = sorted(creneaux, key=lambda c: c.debut)
    return [
        (jour, list(groupe))
        for jour, groupe in groupby(ordonnes, key=lambda c: reference.heure_locale(c.debut).date())
    ]


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
    occupees: Sequence[Plage] = (),
    feries: Feries = jour_ferie,
) -> list[Creneau]:
    """Trouve, jour ouvré par jour ouvré, les plages communes aux heures de bureau de toutes les villes.

    Les jours sont ceux de la première ville ; les autres villes n'ouvrent ni le week-end ni leurs
    jours fériés. Les moments `occupees` (les séances du groupe) sont retirés ; les plages qui se
    touchent sont réunies. Rend les plages d'au moins `duree`, les plus longues d'abord puis les plus tôt.
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
        if jour.weekday() >= 5 or feries(reference, jour):
            continue
        communes = [_bureau(reference, jour, debut_bureau, fin_bureau)]
        for ville in autres:
            # Selon le fuseau, la journée de bureau d'une autre ville peut tomber la veille ou le lendemain.
            voisins = (jour + timedelta(days=n) for n in (-1, 0, 1))
            plages = [
                _bureau(ville, j, debut_bureau, fin_bureau)
                for j in voisins
                if j.weekday() < 5 and not feries(ville, j)
            ]
            communes = _intersection(communes, plages)
        for debut, fin in _fusionner(_soustraire(communes, occupees)):
            if limite is not None:
                debut = max(debut, limite)
            if fin - debut >= duree:
                creneaux.append(Creneau(debut, fin))
    return sorted(creneaux, key=lambda c: (-c.duree, c.debut))
