"""Réunions : ce que l'on saisit (rappels, durées, liens) et ses limites."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import timedelta
from urllib.parse import urlsplit

from metier.erreurs import ErreurMetier
from metier.temps import (
    NBSP,
    citer,
    normaliser,
)
from modeles import Reunion

LONGUEUR_TITRE = 200
LONGUEUR_LIEN = 500
RAPPELS_MAX = 5
RAPPEL_MAX = timedelta(days=30)
DUREE_MAX = timedelta(hours=12)
EXEMPLES_RAPPELS = "24h,1h,15min ou 2j"
EXEMPLES_DUREE = "1h, 90min, 1 h 30 ou 45 (minutes)"


# --- Durées saisies ------------------------------------------------------------------------------

_MINUTES_PAR_UNITE = {
    "sem": 7 * 24 * 60,
    "semaine": 7 * 24 * 60,
    "semaines": 7 * 24 * 60,
    "j": 24 * 60,
    "jour": 24 * 60,
    "jours": 24 * 60,
    "h": 60,
    "heure": 60,
    "heures": 60,
    "min": 1,
    "mn": 1,
    "minute": 1,
    "minutes": 1,
}
_DUREE = re.compile(r"((?:\d{1,6}[a-z]+)+)(\d{1,2})?")
_MORCEAU = re.compile(r"(\d{1,6})([a-z]+)")


def _minutes(brut: str) -> int | None:
    """Lit « 1j2h », « 1h30 », « 90min » (espaces permis) en minutes ; None si illisible."""
    compact = brut.replace(" ", "")
    trouve = _DUREE.fullmatch(compact) if len(compact) <= 30 else None
    if trouve is None:
        return None
    total, precedente = 0, None
    for nombre, unite in _MORCEAU.findall(trouve.group(1)):
        valeur = _MINUTES_PAR_UNITE.get(unite)
        # Les unités vont de la plus grande à la plus petite, chacune une fois : « 1h30 », pas « 30min1h ».
        if valeur is None or (precedente is not None and valeur >= precedente):
            return None
        total += int(nombre) * valeur
        precedente = valeur
    if trouve.group(2) is not None:
        # « 1h30 » : le nombre final sans unité compte des minutes, seulement après des heures.
        if precedente != 60 or int(trouve.group(2)) > 59:
            return None
        total += int(trouve.group(2))
    return total


def _est_negatif(brut: str) -> bool:
    return brut.startswith(("-", "−"))


def format_rappel(decalage: timedelta) -> str:
    """« 2 j », « 1 j 2 h », « 1 h 30 », « 15 min » (espaces insécables)."""
    minutes = round(decalage.total_seconds() / 60)
    jours, reste = divmod(minutes, 24 * 60)
    heures, minutes = divmod(reste, 60)
    morceaux = [f"{jours}{NBSP}j"] if jours else []
    if heures and minutes and not jours:
        return f"{heures}{NBSP}h{NBSP}{minutes:02d}"
    if heures:
        morceaux.append(f"{heures}{NBSP}h")
    if minutes:
        morceaux.append(f"{minutes}{NBSP}min")
    return NBSP.join(morceaux) or f"0{NBSP}min"


def _compact(decalage: timedelta) -> str:
    minutes = round(decalage.total_seconds() / 60)
    jours, reste = divmod(minutes, 24 * 60)
    heures, minutes = divmod(reste, 60)
    texte = (f"{jours}j" if jours else "") + (f"{heures}h" if heures else "")
    return texte + (f"{minutes}min" if minutes else "")


def analyser_rappels(texte: str) -> list[timedelta]:
    """Lit des rappels avant le début (« 24h,1h,15min », « 1 h 30 », « aucun »), du plus tôt au plus tard."""
    if len(texte) > 100:
        raise ErreurMetier(
            f"Liste de rappels trop longue : {RAPPELS_MAX} rappels au plus, par exemple {EXEMPLES_RAPPELS}."
        )
    if normaliser(texte) in {"aucun", "aucune", "aucun rappel"}:
        return []
    morceaux = [normaliser(m) for m in re.split(r"[,;]", texte)]
    morceaux = [m for m in morceaux if m]
    if not morceaux:
        raise ErreurMetier(f"Indiquez au moins un rappel, par exemple {EXEMPLES_RAPPELS}.")
    if len(morceaux) > RAPPELS_MAX:
        raise ErreurMetier(
            f"{len(morceaux)} rappels demandés : {RAPPELS_MAX} au plus. "
            f"Retirez-en {len(morceaux) - RAPPELS_MAX}."
        )
    vus: dict[timedelta, str] = {}
    for morceau in morceaux:
        if _est_negatif(morceau):
            raise ErreurMetier(
                f"Rappel {citer(morceau)} : donnez la durée avant le début, sans signe, par exemple 1h."
            )
        if morceau.isdigit():
            raise ErreurMetier(
                f"Rappel {citer(morceau)} : précisez l'unité (j, h ou min), par exemple {morceau}min."
            )
        minutes = _minutes(morceau)
        if minutes is None:
            raise ErreurMetier(
                f"Rappel non reconnu : {citer(morceau)}. Écrivez des durées séparées par des virgules, "
                f"par exemple {EXEMPLES_RAPPELS}."
            )
        decalage = timedelta(minutes=minutes)
        if decalage <= timedelta(0):
            raise ErreurMetier(
                f"Rappel {citer(morceau)} : il faut au moins 1 minute avant le début, par exemple 15min."
            )
        if decalage > RAPPEL_MAX:
            raise ErreurMetier(f"Rappel {citer(morceau)} : au plus 30 jours avant le début (30j).")
        if decalage in vus:
            raise ErreurMetier(
                f"Le rappel {citer(morceau)} revient deux fois (comme {citer(vus[decalage])}) : "
                "gardez-en un seul."
            )
        vus[decalage] = morceau
    return sorted(vus, reverse=True)


def verifier_rappels(rappels: Sequence[timedelta]) -> None:
    minute = timedelta(minutes=1)
    if (
        len(rappels) > RAPPELS_MAX
        or len(set(rappels)) != len(rappels)
        or any(not minute <= r <= RAPPEL_MAX or r % minute for r in rappels)
    ):
        raise ErreurMetier(
            f"Rappels refusés : {RAPPELS_MAX} au plus, tous différents, entre 1 minute et 30 jours "
            f"avant le début, par exemple {EXEMPLES_RAPPELS}."
        )


def texte_rappels(rappels: Sequence[timedelta]) -> str:
    """Rend la forme stockée des rappels (« 1j,1h30min,15min », « aucun »), que `analyser_rappels` relit."""
    return ",".join(_compact(r) for r in sorted(rappels, reverse=True)) or "aucun"


def rappels_de(reunion: Reunion) -> list[timedelta]:
    """Rend les rappels d'une réunion, du plus tôt au plus tard."""
    return analyser_rappels(reunion.rappels)


def analyser_duree(texte: str) -> timedelta:
    """Lit la durée d'une réunion (« 1h », « 90min », « 1 h 30 », « 45 » en minutes)."""
    brut = normaliser(texte)
    if not brut:
        raise ErreurMetier(f"Indiquez une durée, par exemple {EXEMPLES_DUREE}.")
    minutes = int(brut) if brut.isdigit() and len(brut) <= 6 else _minutes(brut)
    if minutes is None or _est_negatif(brut):
        raise ErreurMetier(f"Durée non reconnue : {citer(texte)}. Écrivez par exemple {EXEMPLES_DUREE}.")
    duree = timedelta(minutes=minutes)
    verifier_duree(duree, citer(texte))
    return duree


def verifier_duree(duree: timedelta, libelle: str) -> None:
    if duree < timedelta(minutes=1) or duree % timedelta(minutes=1):
        raise ErreurMetier(f"Durée {libelle} : une réunion dure au moins 1 minute, en minutes entières.")
    if duree > DUREE_MAX:
        raise ErreurMetier(f"Durée {libelle} trop longue : une réunion dure au plus 12{NBSP}h.")


def verifier_lien(texte: str) -> str:
    """Rend le lien de visioconférence s'il est une adresse web http(s) complète."""
    lien = texte.strip()
    exemple = "par exemple https://visio.exemple.org/reunion"
    if not lien:
        raise ErreurMetier(f"Indiquez un lien web complet, {exemple}.")
    if len(lien) > LONGUEUR_LIEN:
        raise ErreurMetier(
            f"Le lien fait {len(lien)} caractères : {LONGUEUR_LIEN} au plus. Utilisez un lien plus court."
        )
    if any(c.isspace() or not c.isprintable() for c in lien):
        raise ErreurMetier("Un lien ne contient ni espace ni saut de ligne : copiez-le d'un seul bloc.")
    try:
        parties = urlsplit(lien)
        hote = parties.hostname
    except ValueError:
        hote = None
        parties = None
    if parties is None or parties.scheme.lower() not in {"http", "https"} or not hote:
        raise ErreurMetier(
            f"Lien refusé : {citer(lien)}. Seules les adresses web commençant par https:// "
            f"(ou http://) sont acceptées, {exemple}."
        )
    return lien
