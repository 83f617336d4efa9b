"""Un seul processus par fichier SQLite : un verrou de fichier pris au lancement, gardé jusqu'à la sortie.

SQLite sérialise les écritures d'un processus à l'autre, mais deux bots sur le même fichier
publieraient chacun les rappels de l'autre et finiraient par « database is locked ». Le verrou
(`flock`, rendu par le système à la mort du processus, même tué) est posé sur un fichier voisin
`<base>.verrou` : il ne gêne pas les verrous de SQLite lui-même. PostgreSQL n'en a pas besoin :
plusieurs processus s'y partagent la base (voir docs/architecture.md).
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import IO

from sqlalchemy.engine import make_url

from bot.base import normaliser_url


class BaseOccupee(Exception):
    """Un autre processus Passerelle tient déjà ce fichier SQLite."""

    def __init__(self, base: Path, pid: str) -> None:
        qui = f" (processus {pid})" if pid else ""
        super().__init__(
            f"Erreur : un autre processus Passerelle utilise déjà la base SQLite {base}{qui}. "
            "Un seul bot par fichier SQLite : arrêtez l'autre processus avant d'en lancer un, "
            "ou passez à PostgreSQL (DATABASE_URL) pour en faire tourner plusieurs."
        )


def fichier_sqlite(url: str) -> Path | None:
    """Le chemin du fichier d'une base SQLite, ou None (PostgreSQL, base en mémoire)."""
    adresse = make_url(normaliser_url(url))
    if adresse.get_backend_name() != "sqlite" or not adresse.database or adresse.database == ":memory:":
        return None
    return Path(adresse.database)


def verrouiller(url: str) -> IO[str] | None:
    """Prend le verrou du fichier SQLite de `url` (rien pour PostgreSQL) ; lève `BaseOccupee` s'il est pris.

    Rend le fichier du verrou : le garder ouvert tant que le processus travaille sur la base.
    """
    base = fichier_sqlite(url)
    if base is None:
        return None
    base.parent.mkdir(parents=True, exist_ok=True)
    verrou = open(base.with_name(base.name + ".verrou"), "a+", encoding="utf-8")  # noqa: SIM115
    try:
        fcntl.flock(verrou.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        verrou.seek(0)
        pid = verrou.read().strip()[:20]
        verrou.close()
        raise BaseOccupee(base, pid) from None
    verrou.seek(0)
    verrou.truncate()
    verrou.write(str(os.getpid()))
    verrou.flush()
    return verrou
