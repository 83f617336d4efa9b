"""Outils de session partagés par les règles : lecture de lignes par lots, identifiant d'une ligne écrite."""

from __future__ import annotations

from typing import Any, Protocol

from sqlalchemy import Row, Select
from sqlmodel import Session

LOT_DE_LIGNES = 500


def lire_lignes(session: Session, requete: Select[*tuple[Any, ...]]) -> list[Row[*tuple[Any, ...]]]:
    """Exécute une requête SQLAlchemy Core et rend ses lignes (des tuples, pas d'objets ORM).

    Les lignes sont converties par lots : pilote et Python se passent le verrou global entre deux
    lots, et la boucle d'événements du bot n'attend jamais la conversion de milliers de lignes d'un
    seul tenant (≈ 20 ms pour 20 000 lignes avec psycopg).
    """
    session.flush()
    resultat = session.connection().execute(requete)
    return [ligne for lot in resultat.partitions(LOT_DE_LIGNES) for ligne in lot]


class _AvecId(Protocol):
    id: int | None


def ident(ligne: _AvecId) -> int:
    """Rend l'identifiant d'une ligne déjà écrite (après `flush`)."""
    if ligne.id is None:
        raise RuntimeError(f"{type(ligne).__name__} n'a pas encore d'identifiant : flush() manquant")
    return ligne.id
