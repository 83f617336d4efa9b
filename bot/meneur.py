"""Plusieurs processus sur une même base PostgreSQL : un seul planifie et publie, le meneur.

Le meneur est le processus qui tient le verrou consultatif `pg_try_advisory_lock(clé)` sur une
connexion dédiée (hors du pool). Les autres répondent aux interactions et réessaient toutes les
`RETENTE` secondes. Si le meneur meurt, PostgreSQL voit sa connexion tomber et rend le verrou ;
s'il perd sa connexion (réseau), il s'en aperçoit à sa vérification suivante et cesse de
planifier, tandis que le serveur, averti par les « keepalives » TCP réglés ci-dessous, rend le
verrou en ≈ 25 s : un autre processus le prend au plus `RETENTE` plus tard, bien sous la minute.
Pendant une bascule, la réservation par ligne (`metier.publications.livraisons.reserver`)
empêche encore tout doublon.

La clé est dérivée de la base et du schéma : deux installations (ou deux exécutions de tests)
dans des schémas différents du même serveur ne se gênent pas.

Sur SQLite, un seul processus par fichier (`bot.verrou`) : il est meneur d'office.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta

from sqlalchemy import Connection, create_engine, text
from sqlalchemy.pool import NullPool

from bot.base import BaseDonnees

log = logging.getLogger(__name__)

RETENTE = timedelta(seconds=15)
# Le serveur sonde la connexion du meneur après 10 s de silence, toutes les 5 s, 3 fois : une
# connexion perdue est libérée (et le verrou rendu) en ≈ 25 s.
KEEPALIVES = {"keepalives": 1, "keepalives_idle": 10, "keepalives_interval": 5, "keepalives_count": 3}


def cle_verrou(connexion: Connection) -> int:
    """La clé du verrou consultatif : un entier signé de 64 bits tiré de la base et du schéma."""
    base, schema = connexion.execute(text("SELECT current_database(), current_schema()")).one()
    empreinte = hashlib.sha256(f"passerelle:{base}:{schema}".encode()).digest()
    return int.from_bytes(empreinte[:8], "big", signed=True)


class Meneur:
    """Prend, garde et surveille la place de meneur ; appelle `devenir` et `perdre` aux changements."""

    def __init__(
        self,
        base: BaseDonnees,
        devenir: Callable[[], Awaitable[None]],
        perdre: Callable[[], None],
        *,
        nom: str = "",
    ) -> None:
        self.base = base
        self._devenir = devenir
        self._perdre = perdre
        self.nom = nom
        self.est_meneur = False
        self._connexion: Connection | None = None
        self._tache: asyncio.Task[None] | None = None
        self._moteur = (
            create_engine(base.url, poolclass=NullPool, isolation_level="AUTOCOMMIT", connect_args=KEEPALIVES)
            if base.partagee
            else None
        )

    def decrire(self) -> str:
        """Une ligne pour `/statut`."""
        if self._moteur is None:
            return "seul processus (SQLite)"
        return (
            "👑 meneur : ce processus planifie et publie"
            if self.est_meneur
            else "en attente (un autre processus publie)"
        )

    async def demarrer(self) -> None:
        """Tente de devenir meneur, puis surveille (PostgreSQL) ; meneur d'office sur SQLite."""
        if self._moteur is None:
            self.est_meneur = True
            await self._devenir()
            return
        await self._essayer()
        self._tache = asyncio.get_running_loop().create_task(self._veiller(), name="meneur")

    async def _veiller(self) -> None:
        while True:
            await asyncio.sleep(RETENTE.total_seconds())
            try:
                if self.est_meneur:
                    if not await asyncio.to_thread(self._vivante):
                        self._abandonner("connexion au verrou perdue")
                else:
                    await self._essayer()
            except Exception:
                log.exception("Surveillance du verrou de meneur")

    async def _essayer(self) -> None:
        try:
            pris = await asyncio.to_thread(self._prendre)
        except Exception as erreur:
            log.warning("Verrou de meneur injoignable (%s) ; nouvel essai dans %s", erreur, RETENTE)
            return
        if pris:
            self.est_meneur = True
            log.info("Meneur %s : ce processus planifie et publie", self.nom)
            await self._devenir()

    def _prendre(self) -> bool:
        assert self._moteur is not None
        connexion = self._moteur.connect()
        try:
            # Côté serveur aussi : une connexion muette est coupée, et le verrou rendu.
            connexion.execute(text("SET tcp_keepalives_idle = 10"))
            connexion.execute(text("SET tcp_keepalives_interval = 5"))
            connexion.execute(text("SET tcp_keepalives_count = 3"))
            pris = bool(
                connexion.execute(
                    text("SELECT pg_try_advisory_lock(:cle)"), {"cle": cle_verrou(connexion)}
                ).scalar()
            )
        except Exception:
            connexion.close()
            raise
        if pris:
            self._connexion = connexion
        else:
            connexion.close()
        return pris

    def _vivante(self) -> bool:
        if self._connexion is None:
            return False
        try:
            self._connexion.execute(text("SELECT 1"))
        except Exception:
            return False
        return True

    def _abandonner(self, raison: str) -> None:
        log.warning("Meneur %s : place perdue (%s) ; la planification s'arrête", self.nom, raison)
        self.est_meneur = False
        self._perdre()
        connexion, self._connexion = self._connexion, None
        if connexion is not None:
            try:
                connexion.invalidate()
            except Exception:
                log.debug("Fermeture de la connexion perdue", exc_info=True)

    def arreter(self) -> None:
        """Cesse de surveiller et rend le verrou (arrêt du processus)."""
        if self._tache is not None:
            self._tache.cancel()
            self._tache = None
        connexion, self._connexion = self._connexion, None
        self.est_meneur = False
        if connexion is not None:
            try:
                connexion.close()  # fermer la session rend le verrou
            except Exception:
                log.debug("Fermeture de la connexion du verrou", exc_info=True)
        if self._moteur is not None:
            self._moteur.dispose()
