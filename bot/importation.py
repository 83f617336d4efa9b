"""L'import d'un registre, exécuté dans l'atelier : lecture, plan et écriture hors du processus du bot.

Lire un classeur, vérifier des milliers de lignes et les écrire occupe le processeur plusieurs
secondes : dans un thread du bot, le verrou global de Python et le ramasse-miettes (des dizaines de
milliers d'objets) bloquaient la boucle d'événements jusqu'à 380 ms (`python -m bench importation`).
L'atelier (`bot.atelier`) fait ce travail dans son propre processus, avec sa propre connexion à la
base ; seul un aperçu (des comptes et des messages) revient au bot.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import partial

from bot.base import BaseDonnees
from metier.importation.application import importer
from metier.importation.plan import Apercu, planifier

_bases: dict[str, BaseDonnees] = {}


def _base(url: str) -> BaseDonnees:
    """La connexion de l'atelier à cette base, ouverte une fois et resservie."""
    if url not in _bases:
        _bases[url] = BaseDonnees(url)
    return _bases[url]


def essayer(
    url: str, *, guild_id: int, fichiers: Sequence[tuple[str, bytes]], maintenant: datetime
) -> Apercu:
    """L'essai à blanc : ce que l'import ferait, et ses erreurs ligne à ligne ; rien n'est écrit."""
    return (
        _base(url)
        .lecture(partial(planifier, guild_id=guild_id, fichiers=fichiers, maintenant=maintenant))
        .apercu()
    )


def appliquer(
    url: str, *, guild_id: int, fichiers: Sequence[tuple[str, bytes]], auteur_id: int, maintenant: datetime
) -> Apercu:
    """Applique l'import en une transaction (tout ou rien) ; rend ce qui a été fait."""
    return _base(url).transaction(
        importer, guild_id=guild_id, fichiers=fichiers, auteur_id=auteur_id, maintenant=maintenant
    )
