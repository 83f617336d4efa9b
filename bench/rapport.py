"""Rapport annuel avec 2 000 actions et 20 000 mises à jour, produit comme le fait `/rapport annuel`.

Données lues dans un thread (`BaseDonnees.lire`), chaque graphique puis le PDF dans le processus de
l'atelier (comme le bot) ; pendant ce temps une sonde mesure le plus long blocage de la boucle d'événements.
Budgets : rapport ≤ 10 s, boucle jamais bloquée plus de 20 ms.
"""

from __future__ import annotations

import asyncio
import gc
import time
from datetime import UTC, datetime

from bench.commun import SondeBoucle, base_de_mesure, peupler, resume
from bot.atelier import Atelier
from bot.base import BaseDonnees
from bot.client import geler_memoire
from metier.rapport.donnees import rassembler
from rendu.graphiques import dessiner_png
from rendu.mise_en_page import rendre_pdf

SERVEUR = 424242
MAINTENANT = datetime(2026, 11, 26, 15, tzinfo=UTC)
REPETITIONS = 3
BUDGET_RAPPORT_MS = 10_000
BUDGET_BOUCLE_MS = 20

# Le même chemin que le bot : graphiques et PDF dans le processus de l'atelier.
ATELIER = Atelier()


async def produire(base: BaseDonnees, annee: int) -> dict[str, float]:
    """Produit le rapport de l'année comme le cog ; rend durée et plus long blocage de chaque étape."""
    mesure: dict[str, float] = {}
    debut = time.perf_counter()
    with SondeBoucle() as sonde:
        dossier = await base.lire(rassembler, guild_id=SERVEUR, annee=annee, maintenant=MAINTENANT)
    mesure["blocage_donnees"] = sonde.retard_max
    donnees = time.perf_counter()
    rapport = dossier.rapport
    images = {}
    with SondeBoucle() as sonde:
        for graphique in rapport.graphiques:
            images[graphique.cle] = await ATELIER.executer(dessiner_png, graphique.donnees)
    mesure["blocage_graphiques"] = sonde.retard_max
    graphiques = time.perf_counter()
    with SondeBoucle() as sonde:
        pdf = await ATELIER.executer(rendre_pdf, rapport, images)
    mesure["blocage_pdf"] = sonde.retard_max
    fin = time.perf_counter()
    mesure.update(
        donnees=donnees - debut,
        graphiques=graphiques - donnees,
        pdf=fin - graphiques,
        total=fin - debut,
        octets=len(pdf),
        nb_graphiques=len(images),
        actions=len(rapport.actions),
    )
    return mesure


def _calcul_pur(secondes: float) -> None:
    """Du Python pur, sans allocation durable : ce que coûte le seul partage du GIL avec un thread."""
    fin = time.perf_counter() + secondes
    total = 0
    while time.perf_counter() < fin:
        total += sum(range(200))


async def _references() -> None:
    """Blocage de la boucle sans le rapport : machine au repos, puis un thread de calcul Python pur."""
    with SondeBoucle() as sonde:
        await asyncio.sleep(2)
    print(
        f"référence, boucle seule : plus long blocage {sonde.retard_max * 1000:.1f} ms (bruit de la machine)"
    )
    with SondeBoucle() as sonde:
        await asyncio.to_thread(_calcul_pur, 2)
    print(
        f"référence, thread de calcul pur : plus long blocage {sonde.retard_max * 1000:.1f} ms "
        "(partage du GIL)"
    )


async def _serie(base: BaseDonnees, annee: int, etiquette: str, *, verdict: bool = True) -> None:
    """Trois rapports de suite : durée de chaque étape, résumé, plus long blocage de la boucle par étape."""
    totaux: list[float] = []
    blocages = {"donnees": 0.0, "graphiques": 0.0, "pdf": 0.0}
    for _ in range(REPETITIONS):
        mesure = await produire(base, annee)
        totaux.append(mesure["total"])
        for etape in blocages:
            blocages[etape] = max(blocages[etape], mesure[f"blocage_{etape}"])
        print(
            f"rapport {annee} : données {mesure['donnees'] * 1000:6.0f} ms, "
            f"{int(mesure['nb_graphiques'])} graphiques {mesure['graphiques'] * 1000:6.0f} ms, "
            f"PDF {mesure['pdf'] * 1000:6.0f} ms — total {mesure['total'] * 1000:6.0f} ms, "
            f"{int(mesure['actions'])} actions, {int(mesure['octets']) // 1024} Kio",
            flush=True,
        )
    print(resume(f"rapport annuel {annee} ({etiquette})", totaux, BUDGET_RAPPORT_MS if verdict else None))
    retard = max(blocages.values()) * 1000
    detail = ", ".join(f"{etape} {valeur * 1000:.1f}" for etape, valeur in blocages.items())
    ligne = f"plus long blocage de la boucle ({etiquette}) : {retard:.1f} ms [{detail}]"
    if verdict:
        ligne += f" (budget ≤ {BUDGET_BOUCLE_MS} ms : {'OK' if retard <= BUDGET_BOUCLE_MS else 'DÉPASSÉ'})"
    print(ligne, flush=True)


async def mesurer(choix_base: str) -> None:
    """Affiche la durée du rapport et le plus long blocage de la boucle, comme dans le bot.

    Le bot, une fois prêt, gèle les objets déjà chargés (`bot.client.geler_memoire`) : une collecte
    complète du ramasse-miettes parcourrait sinon tout le tas (~90 ms ici) en tenant le GIL. La
    dernière série mesure, pour comparer, le même travail sans ce gel.
    """
    with base_de_mesure(choix_base) as url:
        debut = time.perf_counter()
        peupler(url, SERVEUR, actions=2000, mises_a_jour=20_000)
        print(f"base peuplée en {time.perf_counter() - debut:.1f} s (2 000 actions, 20 000 mises à jour)")
        base = BaseDonnees(url)
        try:
            await _references()
            froid = await produire(base, 2026)
            print(
                f"premier rapport, à froid (imports, polices, atelier lancé) : {froid['total'] * 1000:.0f} ms"
            )
            geler_memoire()
            for annee in (2026, 2025):
                await _serie(base, annee, "comme le bot")
            gc.unfreeze()
            await _serie(base, 2026, "pour comparer, sans gc.freeze()", verdict=False)
        finally:
            base.fermer()
            await ATELIER.fermer_et_attendre()  # aucun processus de l'atelier ne survit à la mesure
