"""Affichage des séances partagé par les cogs : l'heure dans chaque ville, les semaines à écart inhabituel."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from commandes._affichage import horodatage
from metier.reunions.horloges import ecart_en_mots, horloges
from metier.reunions.series import Occurrence
from metier.temps import Ville

__all__ = ["ecart_signale", "horloges", "ligne_seance"]


def ecart_signale(instant: datetime, villes: Sequence[Ville]) -> str | None:
    """« ⚠️ semaine à 5 h (au lieu de 6 h) » si l'écart avec une ville diffère de l'habituel."""
    signal = ecart_en_mots(instant, villes)
    return f"⚠️ {signal}" if signal else None


def ligne_seance(occurrence: Occurrence, villes: Sequence[Ville], reference: Ville) -> str:
    """Une séance sur une ligne : l'heure de chaque ville, l'horodatage Discord, les avertissements."""
    morceaux = [f"{horloges(occurrence.debut, villes, reference)} — {horodatage(occurrence.debut)}"]
    if occurrence.decalee:
        morceaux.append("⏩ heure avancée par le changement d'heure")
    if signal := ecart_signale(occurrence.debut, villes):
        morceaux.append(signal)
    return " · ".join(morceaux)
