"""Affichage des séances partagé par les cogs : l'heure dans chaque ville, les semaines à écart inhabituel."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from commandes._affichage import horodatage, texte_saisi
from metier.reunions.comptes_rendus import Present
from metier.reunions.horloges import ecart_en_mots, horloges
from metier.reunions.series import Occurrence
from metier.temps import Ville, normaliser


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


def ville_du_membre(membre: object, villes: Sequence[Ville]) -> str | None:
    """La ville partenaire d'un membre d'après ses rôles (un rôle nommé « Namur », « terrebonne »…)."""
    roles = getattr(membre, "roles", None) or []
    par_nom = {normaliser(v.nom): v.code for v in villes} | {v.code: v.code for v in villes}
    for role in roles:
        if code := par_nom.get(normaliser(role.name)):
            return code
    return None


def nom_present(present: Present) -> str:
    """Le nom relevé (Markdown neutralisé), sinon la mention (qui, dans un embed, ne notifie personne)."""
    return texte_saisi(present.nom, 100) if present.nom else f"<@{present.membre_id}>"


def noms_par_ville(presents: Sequence[Present], villes: Sequence[Ville]) -> str:
    """« **Terrebonne** : Alice, Bob · **Namur** : Carole · **Ville non précisée** : Dan ».

    La ville vient d'un rôle du membre au nom de la ville ; sans aucune ville connue, les noms seuls.
    """
    groupes: dict[str | None, list[str]] = {v.code: [] for v in villes}
    for present in presents:
        groupes.setdefault(present.ville if present.ville in groupes else None, []).append(
            nom_present(present)
        )
    if not any(liste for code, liste in groupes.items() if code is not None):
        return ", ".join(groupes.get(None, []))  # aucune ville connue : les noms seuls
    noms = {v.code: v.nom for v in villes}
    morceaux = [
        f"**{noms.get(code, 'Ville non précisée') if code else 'Ville non précisée'}** : {', '.join(liste)}"
        for code, liste in groupes.items()
        if liste
    ]
    return " · ".join(morceaux)
