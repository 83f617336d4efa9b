"""Bilan final de l'édition 2024-2026 : 2 000 actions et 20 000 mises à jour sur trois années.

Comme `/rapport bilan` : les données lues dans un thread (`BaseDonnees.lire`), graphiques et PDF
dans le processus de l'atelier ; une sonde mesure le plus long blocage de la boucle d'événements.
Budgets : bilan ≤ 10 s, boucle jamais bloquée plus de 20 ms.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

from bench.commun import SondeBoucle, base_de_mesure, peupler, resume
from bot.atelier import Atelier
from bot.base import BaseDonnees
from bot.client import geler_memoire
from metier.rapport.bilan import csv_indicateurs, csv_par_annee, rassembler_bilan
from rendu.bilan import produire_pdf_bilan

SERVEUR = 424242
MAINTENANT = datetime(2026, 11, 26, 15, tzinfo=UTC)
REPETITIONS = 3
BUDGET_BILAN_MS = 10_000
BUDGET_BOUCLE_MS = 20
ATELIER = Atelier()


async def produire(base: BaseDonnees) -> dict[str, float]:
    """Produit le bilan comme le cog ; rend les durées et le plus long blocage de la boucle."""
    debut = time.perf_counter()
    with SondeBoucle() as sonde_donnees:
        bilan = await base.lire(rassembler_bilan, guild_id=SERVEUR, maintenant=MAINTENANT)
    donnees = time.perf_counter()
    with SondeBoucle() as sonde_pdf:
        pdf = await ATELIER.executer(produire_pdf_bilan, bilan)
    fin = time.perf_counter()
    csv = len(csv_par_annee(bilan)) + len(csv_indicateurs(bilan))
    return {
        "donnees": donnees - debut,
        "pdf": fin - donnees,
        "total": fin - debut,
        "blocage": max(sonde_donnees.retard_max, sonde_pdf.retard_max),
        "blocage_donnees": sonde_donnees.retard_max,
        "blocage_pdf": sonde_pdf.retard_max,
        "octets": len(pdf) + csv,
        "commencees": bilan.total("commencees"),
        "annees": len(bilan.annees),
    }


async def mesurer(choix_base: str) -> None:
    """Affiche la durée du bilan et le plus long blocage de la boucle, comme dans le bot."""
    with base_de_mesure(choix_base) as url:
        debut = time.perf_counter()
        peupler(url, SERVEUR, actions=2000, mises_a_jour=20_000, depuis_2024=True)
        print(f"base peuplée en {time.perf_counter() - debut:.1f} s (2 000 actions, 20 000 mises à jour)")
        base = BaseDonnees(url)
        try:
            froid = await produire(base)
            print(
                f"premier bilan, à froid (imports, polices, atelier lancé) : {froid['total'] * 1000:.0f} ms"
            )
            geler_memoire()
            totaux, blocage = [], 0.0
            for _ in range(REPETITIONS):
                mesure = await produire(base)
                totaux.append(mesure["total"])
                blocage = max(blocage, mesure["blocage"])
                print(
                    f"bilan : données {mesure['donnees'] * 1000:6.0f} ms, graphiques et PDF "
                    f"{mesure['pdf'] * 1000:6.0f} ms — total {mesure['total'] * 1000:6.0f} ms, "
                    f"{int(mesure['annees'])} années, {int(mesure['commencees'])} actions commencées, "
                    f"{int(mesure['octets']) // 1024} Kio ; blocage données "
                    f"{mesure['blocage_donnees'] * 1000:.1f} ms, PDF {mesure['blocage_pdf'] * 1000:.1f} ms",
                    flush=True,
                )
            print(resume("bilan final 2024-2026", totaux, BUDGET_BILAN_MS))
            etat = "OK" if blocage * 1000 <= BUDGET_BOUCLE_MS else "DÉPASSÉ"
            print(
                f"plus long blocage de la boucle : {blocage * 1000:.1f} ms (≤ {BUDGET_BOUCLE_MS} ms : {etat})"
            )
        finally:
            base.fermer()
