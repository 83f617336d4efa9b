"""Le premier graphique après le démarrage, et après l'arrêt de l'atelier pour inactivité.

Comme le bot : l'atelier est lancé et préchauffé en arrière-plan quand le bot est prêt
(`Atelier.prechauffer`) ; après un arrêt, le processus suivant naît du serveur « forkserver » qui
a préchargé matplotlib (`bot.atelier.PRECHARGES`). On mesure aussi ce que cela coûte en mémoire.
"""

from __future__ import annotations

import asyncio
import resource
import time
from datetime import UTC, datetime
from functools import partial
from multiprocessing import forkserver

from bench.commun import SondeBoucle, base_de_mesure, peupler, resume
from bot.atelier import Atelier
from bot.base import BaseDonnees
from metier.graphiques import donnees_axes
from rendu.graphiques import dessiner_png

SERVEUR = 1
MAINTENANT = datetime(2026, 11, 19, 15, tzinfo=UTC)
BUDGET_MS = 300
ESSAIS = 5


def _rss_mo(pid: int) -> float:
    with open(f"/proc/{pid}/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 1024 / 1024


def _pss_mo(pid: int) -> float:
    """Mémoire proportionnelle (pages partagées divisées entre processus), en Mo."""
    with open(f"/proc/{pid}/smaps_rollup") as smaps:
        for ligne in smaps:
            if ligne.startswith("Pss:"):
                return int(ligne.split()[1]) / 1024
    return 0.0


async def mesurer(choix_base: str) -> None:
    """Premier graphique après un lancement préchauffé, puis après chaque arrêt pour inactivité."""
    with base_de_mesure(choix_base) as url:
        peupler(url, SERVEUR, actions=2000, mises_a_jour=20_000)
        base = BaseDonnees(url)
        atelier = Atelier()
        try:
            donnees = await base.lire(partial(donnees_axes, guild_id=SERVEUR, maintenant=MAINTENANT))
            debut = time.perf_counter()
            with SondeBoucle() as sonde:
                atelier.prechauffer()  # comme le bot, une fois prêt
                appel = time.perf_counter() - debut
                await asyncio.to_thread(atelier.lancer().result)
            pret = time.perf_counter() - debut
            print(
                f"préchauffage lancé en {appel * 1000:.2f} ms (la boucle n'attend pas), atelier prêt "
                f"après {pret * 1000:.0f} ms en arrière-plan ; "
                f"boucle bloquée au plus {sonde.retard_max * 1000:.1f} ms"
            )
            debut = time.perf_counter()
            await atelier.executer(dessiner_png, donnees)
            premier = time.perf_counter() - debut
            verdict = "OK" if premier * 1000 <= BUDGET_MS else "DÉPASSÉ"
            print(
                f"premier graphique après le démarrage (préchauffé) : {premier * 1000:.0f} ms "
                f"(budget ≤ {BUDGET_MS} ms : {verdict})"
            )
            pid = atelier.etat().pid
            serveur = forkserver._forkserver._forkserver_pid  # type: ignore[attr-defined]
            assert pid is not None
            print(
                f"mémoire : atelier {_rss_mo(pid):.0f} Mo résidents ({_pss_mo(pid):.0f} Mo en propre), "
                f"forkserver avec matplotlib préchargé {_rss_mo(serveur):.0f} Mo résidents "
                f"({_pss_mo(serveur):.0f} Mo en propre)"
            )
            apres_arret = []
            for _ in range(ESSAIS):
                await atelier.fermer_et_attendre()  # arrêt pour inactivité
                debut = time.perf_counter()
                await atelier.executer(dessiner_png, donnees)
                apres_arret.append(time.perf_counter() - debut)
            print(resume("premier graphique après un arrêt de l'atelier", apres_arret, BUDGET_MS))
        finally:
            await atelier.fermer_et_attendre()
            base.fermer()
