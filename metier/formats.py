"""Nombres à la française (babel) : « 1 234,5 », « 47 % », « 2 actions » ; textes bornés."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import format_decimal

from metier.temps import LOCALE, NBSP


def format_nombre(valeur: float) -> str:
    """« 1 234,5 », « 12 » : au plus deux décimales, à la française."""
    return format_decimal(valeur, format="#,##0.##", locale=LOCALE)


def arrondi(valeur: float) -> int:
    """Arrondit à l'unité, les demis vers le haut comme on l'apprend à l'école (46,5 → 47), pas au pair."""
    return int(Decimal(repr(valeur)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def format_pourcentage(valeur: float) -> str:
    """« 47 % », arrondi à l'unité (demis vers le haut), espace insécable avant le signe."""
    return f"{format_decimal(arrondi(valeur), locale=LOCALE)}{NBSP}%"


def pluriel(nombre: int, singulier: str, forme_plurielle: str | None = None) -> str:
    """« 1 action », « 2 738 actions » (singulier pour 0 et 1, à la française)."""
    mot = singulier if nombre < 2 else forme_plurielle or singulier + "s"
    return f"{format_nombre(nombre)} {mot}"


def tronquer(texte: str, limite: int) -> str:
    """Coupe un texte à `limite` caractères, avec « … » s'il dépasse."""
    return texte if len(texte) <= limite else texte[: limite - 1].rstrip() + "…"
