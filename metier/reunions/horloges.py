"""Un instant dans l'horloge de chaque ville partenaire, et les semaines à écart inhabituel, en mots.

Partagé par Discord (`commandes._seances`) et la page de suivi (`web`) : une seule façon de dire
« lundi 29 mars 2027 · Terrebonne 20 h 30 (la veille) · Namur 02 h 30 ».
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from metier.reunions.series import ecart_habituel, ecart_inhabituel
from metier.temps import Ville, ecart, format_date_courte, format_date_longue, format_duree, format_heure


@dataclass(frozen=True)
class HeureVille:
    """L'heure d'un instant dans une ville, et « (la veille) » s'il y tombe un autre jour."""

    ville: str
    heure: str
    autre_jour: str


def heures_des_villes(
    instant: datetime, villes: Sequence[Ville], reference: Ville
) -> tuple[date, tuple[HeureVille, ...]]:
    """Le jour de l'instant dans la ville de référence, et son heure dans chaque ville."""
    jour = reference.heure_locale(instant).date()
    heures = []
    for ville in villes:
        local = ville.heure_locale(instant)
        heures.append(HeureVille(ville.nom, format_heure(local), _autre_jour(local.date(), jour)))
    return jour, tuple(heures)


def horloges(instant: datetime, villes: Sequence[Ville], reference: Ville) -> str:
    """« lundi 29 mars 2027 · Terrebonne 20 h 30 (la veille) · Namur 02 h 30 » (date de la référence)."""
    jour, heures = heures_des_villes(instant, villes, reference)
    return " · ".join([format_date_longue(jour), *(f"{h.ville} {h.heure}{h.autre_jour}" for h in heures)])


def _autre_jour(jour: date, reference: date) -> str:
    if jour == reference:
        return ""
    if abs((jour - reference).days) == 1:
        return " (la veille)" if jour < reference else " (le lendemain)"
    return f" ({format_date_courte(jour)})"


def ecart_en_mots(instant: datetime, villes: Sequence[Ville]) -> str | None:
    """« semaine à 5 h (au lieu de 6 h) » si l'écart avec une ville diffère de l'habituel ; sinon None."""
    reference = villes[0]
    signaux = []
    for autre in villes[1:]:
        inhabituel = ecart_inhabituel(instant, reference, autre)
        if inhabituel is None:
            continue
        habituel = ecart_habituel(reference, autre, reference.heure_locale(instant).year)
        entre = f" entre {reference.nom} et {autre.nom}" if len(villes) > 2 else ""
        signaux.append(
            f"semaine à {format_duree(abs(inhabituel))}{entre} (au lieu de {format_duree(abs(habituel))})"
        )
    return " ; ".join(signaux) if signaux else None


def ecart_du_moment(instant: datetime, villes: Sequence[Ville]) -> str:
    """« écart de 5 h entre Terrebonne et Namur (semaine à 5 h au lieu de 6 h) », ou « de 6 h » sans plus."""
    reference = villes[0]
    morceaux = []
    for autre in villes[1:]:
        actuel = abs(ecart(reference, autre, instant))
        texte = f"écart de {format_duree(actuel)} entre {reference.nom} et {autre.nom}"
        if ecart_inhabituel(instant, reference, autre) is not None:
            habituel = ecart_habituel(reference, autre, reference.heure_locale(instant).year)
            texte += f" (semaine à {format_duree(actuel)} au lieu de {format_duree(abs(habituel))})"
        morceaux.append(texte)
    return " ; ".join(morceaux)
