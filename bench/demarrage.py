"""Du lancement du processus au bot prêt (sans réseau, dans simcord), base de 10 000 actions.

Chaque essai est un nouveau processus Python : on mesure l'import de discord.py, SQLAlchemy,
les migrations, le chargement des cogs et la synchronisation, comme au vrai démarrage.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time

from bench.commun import base_de_mesure, peupler_a_part

ESSAIS = 5
ENFANT = r"""
import asyncio, json, resource, sys, time
debut = float(sys.argv[2])
from bot.client import Passerelle
from bot.reglages import Reglages
import simcord

async def principal():
    bot = Passerelle(Reglages(_env_file=None, database_url=sys.argv[1]))
    async with simcord.run(bot) as env:
        await bot.pret.wait()
        pret = time.time()
        env.create_guild("Jumelage")
        await env.settle()
        print(json.dumps({
            "pret_s": pret - debut,
            "rss_mo": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "matplotlib": "matplotlib" in sys.modules,
        }))
    await bot.close()

asyncio.run(principal())
"""


async def mesurer(choix_base: str) -> None:
    """Lance plusieurs démarrages à froid et affiche médiane et pire cas."""
    with base_de_mesure(choix_base) as url:
        peupler_a_part(url, 4242)  # 10 000 actions, 100 000 mises à jour déjà en base
        resultats = []
        for _ in range(ESSAIS):
            debut = time.time()
            sortie = subprocess.run(  # noqa: ASYNC221  (mesure à froid, rien d'autre ne tourne)
                [sys.executable, "-c", ENFANT, url, str(debut)], capture_output=True, text=True, check=True
            )
            resultats.append(json.loads(sortie.stdout.strip().splitlines()[-1]))
    prets = [r["pret_s"] for r in resultats]
    print(
        f"processus → prêt : médiane {statistics.median(prets):.2f} s, pire {max(prets):.2f} s "
        f"(n={ESSAIS}, budget ≤ 2 s : {'OK' if max(prets) <= 2 else 'DÉPASSÉ'})"
    )
    print(f"mémoire résidente max : {max(r['rss_mo'] for r in resultats):.0f} Mo")
    print(f"matplotlib importé au démarrage : {'oui' if any(r['matplotlib'] for r in resultats) else 'non'}")
