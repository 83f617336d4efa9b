"""Écriture du journal d'audit."""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlmodel import Session

from modeles import EntreeJournal
from modeles.journal import LONGUEUR_VALEUR_JOURNAL


def _texte(valeur: Any) -> str | None:
    if valeur is None:
        return None
    return str(valeur)[:LONGUEUR_VALEUR_JOURNAL]


def journaliser(
    session: Session,
    *,
    guild_id: int,
    auteur_id: int,
    entite: str,
    entite_id: object,
    changements: Mapping[str, tuple[Any, Any]],
    quand: datetime,
) -> int:
    """Consigne chaque champ réellement modifié ; rend le nombre d'entrées écrites."""
    ecrites = 0
    for champ, (ancien, nouveau) in changements.items():
        if ancien == nouveau:
            continue
        session.add(
            EntreeJournal(
                guild_id=guild_id,
                auteur_id=auteur_id,
                quand=quand,
                entite=entite,
                entite_id=str(entite_id),
                champ=champ,
                ancien=_texte(ancien),
                nouveau=_texte(nouveau),
            )
        )
        ecrites += 1
    return ecrites
