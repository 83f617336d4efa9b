"""Jours fériés des villes partenaires (bibliothèque `holidays`), pour les créneaux communs."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from metier.temps import Ville

# Le pays (et la subdivision) de chaque ville : par son code, sinon par son fuseau. Terrebonne est au
# Québec même si son fuseau IANA porte le nom de Toronto.
PAYS_PAR_VILLE: dict[str, tuple[str, str | None]] = {
    "terrebonne": ("CA", "QC"),
    "namur": ("BE", None),
}
PAYS_PAR_FUSEAU: dict[str, tuple[str, str | None]] = {
    "America/Montreal": ("CA", "QC"),
    "Europe/Brussels": ("BE", None),
    "Europe/Paris": ("FR", None),
    "Europe/Luxembourg": ("LU", None),
    "Europe/Zurich": ("CH", None),
}


def pays_de(ville: Ville) -> tuple[str, str | None] | None:
    """Le pays et la subdivision dont les jours fériés s'appliquent à la ville ; None si inconnus."""
    return PAYS_PAR_VILLE.get(ville.code) or PAYS_PAR_FUSEAU.get(ville.fuseau)


@lru_cache(maxsize=64)
def _feries(pays: str, subdivision: str | None, annee: int) -> dict[date, str]:
    import holidays  # ≈ 0,1 s : chargé au premier besoin, pas au démarrage

    calendrier = holidays.country_holidays(pays, subdiv=subdivision, years=annee, language="fr")
    return dict(calendrier.items())


def jour_ferie(ville: Ville, jour: date) -> str | None:
    """Le nom du jour férié de la ville ce jour-là (« Lundi de Pâques »), sinon None."""
    pays = pays_de(ville)
    if pays is None:
        return None
    return _feries(pays[0], pays[1], jour.year).get(jour)


def deja_charges() -> bool:
    """Vrai une fois la bibliothèque et un premier pays chargés (≈ 0,35 s la première fois)."""
    return _feries.cache_info().currsize > 0
