"""Mise en HTML des pages de suivi : gabarits Jinja2 (échappement automatique), mots de `metier`.

Les gabarits sont dans `web/gabarits/`. Tout texte venu des données (titres, noms, partenaires)
est échappé par Jinja2 ; aucun filtre `safe` n'est employé. Les nombres, pourcentages et dates
s'écrivent avec les formats de `metier` (babel, à la française).
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import Any, Final

from jinja2 import Environment, PackageLoader, StrictUndefined

from metier.formats import format_nombre, format_pourcentage, pluriel
from metier.temps import delai_en_mots, format_date_courte, format_date_longue, format_jour

FEUILLE_DE_STYLE: Final = "/statique/passerelle.css"
ICONE: Final = "/statique/icone.svg"


def _pourcentage(valeur: float | None) -> str:
    return "—" if valeur is None else format_pourcentage(valeur)


def _date_courte(jour: date | None) -> str:
    return "—" if jour is None else format_date_courte(jour)


def _majuscule(texte: str) -> str:
    return texte[:1].upper() + texte[1:]


@lru_cache(maxsize=1)
def environnement() -> Environment:
    """L'environnement Jinja2 des pages (chargé une fois, gabarits compilés en mémoire)."""
    env = Environment(
        loader=PackageLoader("web", "gabarits"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.filters.update(
        pourcentage=_pourcentage,
        nombre=format_nombre,
        jour=format_jour,
        date_longue=format_date_longue,
        date_courte=_date_courte,
        delai=delai_en_mots,
        majuscule=_majuscule,
    )
    env.globals.update(pluriel=pluriel, feuille_de_style=FEUILLE_DE_STYLE, icone=ICONE)
    return env


def rendre(gabarit: str, **contexte: Any) -> bytes:
    """Rend un gabarit en HTML (UTF-8)."""
    return environnement().get_template(gabarit).render(**contexte).encode()
