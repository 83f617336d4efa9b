"""Réunions : l'heure murale dans la ville d'ancrage (heures inexistantes ou ambiguës)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from metier.erreurs import ErreurMetier
from metier.temps import (
    Ville,
    format_date_longue,
    format_decalage_utc,
    format_heure,
)

_SECONDE = timedelta(seconds=1)

# --- Heure murale dans la ville d'ancrage --------------------------------------------------------


@dataclass(frozen=True)
class Resolution:
    """Instant UTC d'une heure murale ; `message` dit comment une heure ambiguë a été lue."""

    instant: datetime
    ambigue: bool
    pli: int
    message: str | None = None


def aller_retour(local: datetime, fuseau: ZoneInfo) -> tuple[datetime, bool]:
    """Rend l'instant UTC de l'heure murale naïve `local` et dit si l'heure existe (pli compris)."""
    instant = local.replace(tzinfo=fuseau).astimezone(UTC)
    retour = instant.astimezone(fuseau).replace(tzinfo=None)
    return instant, retour.replace(fold=0) == local.replace(fold=0)


def _changement_autour(local: datetime, fuseau: ZoneInfo) -> datetime:
    """Rend l'instant UTC (à la seconde) du changement d'heure qui rend `local` inexistante ou double."""
    bas = local.replace(fold=0, tzinfo=fuseau).astimezone(UTC)
    haut = local.replace(fold=1, tzinfo=fuseau).astimezone(UTC)
    bas, haut = min(bas, haut), max(bas, haut)
    decalage_bas = bas.astimezone(fuseau).utcoffset()
    while haut - bas > _SECONDE:
        milieu = (bas + (haut - bas) / 2).replace(microsecond=0)
        if milieu.astimezone(fuseau).utcoffset() == decalage_bas:
            bas = milieu
        else:
            haut = milieu
    return haut


def resoudre_heure_locale(jour: date, heure: time, ville: Ville) -> Resolution:
    """Rend l'instant UTC de `jour` à `heure` dans la ville ; refuse une heure qui n'existe pas."""
    local = datetime.combine(jour, heure.replace(tzinfo=None, fold=0))
    fuseau = ville.zone
    premier = local.replace(tzinfo=fuseau)
    second = local.replace(tzinfo=fuseau, fold=1)
    instant, existe = aller_retour(local, fuseau)
    if not existe:
        changement = _changement_autour(local, fuseau)
        # En UTC : en heure murale, 03 h 00 moins une minute donnerait 02 h 59, qui n'existe pas.
        avant = (changement - timedelta(minutes=1)).astimezone(fuseau)
        apres = changement.astimezone(fuseau)
        raison = "passage à l'heure d'été" if apres.dst() else "changement d'heure"
        raise ErreurMetier(
            f"L'heure {format_heure(heure)} n'existe pas le {format_date_longue(jour)} à {ville.nom} "
            f"({raison}). Choisissez {format_heure(avant)} ou plus tôt, "
            f"ou {format_heure(apres)} ou plus tard."
        )
    decalage_premier, decalage_second = premier.utcoffset(), second.utcoffset()
    if decalage_premier == decalage_second:
        return Resolution(instant=instant, ambigue=False, pli=0)
    assert decalage_premier is not None
    raison, quelle = "changement d'heure", "avant le changement"
    if premier.dst() and not second.dst():
        raison, quelle = "retour à l'heure normale", "à l'heure avancée"
    message = (
        f"{format_heure(heure)} survient deux fois le {format_date_longue(jour)} à {ville.nom} "
        f"({raison}) : j'ai retenu la première, {quelle}, soit {format_decalage_utc(decalage_premier)}."
    )
    return Resolution(instant=instant, ambigue=True, pli=0, message=message)
