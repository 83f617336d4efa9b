"""Outils des mesures : bases de test, statistiques, décalage de la boucle d'événements."""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlmodel import SQLModel

import modeles  # noqa: F401
from metier.stockage import appliquer_migrations, creer_moteur

URL_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


@contextmanager
def base_de_mesure(choix: str) -> Iterator[str]:
    """Rend l'adresse d'une base neuve et migrée : fichier SQLite temporaire ou schéma PostgreSQL."""
    if choix == "sqlite":
        with tempfile.TemporaryDirectory() as dossier:
            url = f"sqlite:///{Path(dossier) / 'bench.db'}"
            moteur = creer_moteur(url)
            appliquer_migrations(moteur)
            moteur.dispose()
            yield url
        return
    racine = URL_POSTGRES if choix in {"postgresql", "postgres"} else choix
    schema = f"bench_{int(time.time())}"
    admin = create_engine(racine, isolation_level="AUTOCOMMIT")
    with admin.connect() as connexion:
        connexion.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{racine}?options=-csearch_path%3D{schema}"
    moteur = creer_moteur(url)
    appliquer_migrations(moteur)
    moteur.dispose()
    try:
        yield url
    finally:
        with admin.connect() as connexion:
            connexion.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def resume(nom: str, durees_s: list[float], budget_ms: float | None = None) -> str:
    """« nom : médiane 3.1 ms, p95 4.2 ms, max 6.0 ms (n=200) [budget p95 ≤ 25 ms : OK] »."""
    ms = sorted(d * 1000 for d in durees_s)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    ligne = (
        f"{nom:<40} médiane {statistics.median(ms):7.2f} ms   p95 {p95:7.2f} ms   "
        f"max {ms[-1]:7.2f} ms   (n={len(ms)})"
    )
    if budget_ms is not None:
        ligne += f"   budget p95 ≤ {budget_ms:g} ms : {'OK' if p95 <= budget_ms else 'DÉPASSÉ'}"
    return ligne


class SondeBoucle:
    """Mesure le plus long blocage de la boucle d'événements (retard d'un réveil toutes les 5 ms)."""

    def __init__(self, periode: float = 0.005) -> None:
        self.periode = periode
        self.retard_max = 0.0
        self._tache: asyncio.Task[None] | None = None

    async def _sonder(self) -> None:
        while True:
            avant = time.perf_counter()
            await asyncio.sleep(self.periode)
            self.retard_max = max(self.retard_max, time.perf_counter() - avant - self.periode)

    def __enter__(self) -> SondeBoucle:
        self._tache = asyncio.get_running_loop().create_task(self._sonder())
        return self

    def __exit__(self, *_: object) -> None:
        if self._tache is not None:
            self._tache.cancel()


def vider_tables(url: str) -> None:
    """Vide toutes les tables (PostgreSQL)."""
    moteur = create_engine(url)
    with moteur.begin() as connexion:
        for table in reversed(SQLModel.metadata.sorted_tables):
            connexion.execute(table.delete())
    moteur.dispose()
