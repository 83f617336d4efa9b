"""Interactions /action et autocomplétion à travers simcord, avec 10 000 actions et 100 000 mises à jour.

Chaque durée va de l'arrivée de l'interaction dans le bot au départ de sa première réponse.
"""

from __future__ import annotations

from datetime import UTC, datetime

from bench.commun import Chronometre, base_de_mesure, bot_peuple, resume

REPETITIONS = 200


async def mesurer(choix_base: str) -> None:
    """Affiche médiane et p95 de chaque interaction, et de l'autocomplétion."""
    with base_de_mesure(choix_base) as url:
        async with bot_peuple(url, fige_a=datetime(2026, 11, 26, 15, tzinfo=UTC)) as mesure:
            bot, salon, membre = mesure.bot, mesure.salon, mesure.membre
            chronometre = Chronometre(bot)

            async def chronometrer(nom: str, budget: float, faire) -> None:  # type: ignore[no-untyped-def]
                for i in range(REPETITIONS):
                    await faire(i)
                print(resume(nom, chronometre.relever(), budget), flush=True)

            await chronometrer(
                "/action ajouter",
                25,
                lambda i: membre.slash(salon, "action ajouter", titre=f"Nouvelle action {i}", axe=1 + i % 3),
            )
            await chronometrer(
                "/action avancement",
                25,
                lambda i: membre.slash(
                    salon, "action avancement", action=str(10_001 + i), pourcentage=i % 100
                ),
            )
            await chronometrer(
                "/action voir", 25, lambda i: membre.slash(salon, "action voir", action=str(1 + i * 37))
            )
            await chronometrer("/action liste", 25, lambda i: membre.slash(salon, "action liste"))
            await chronometrer(
                "/action liste axe + en retard",
                25,
                lambda i: membre.slash(salon, "action liste", axe=1 + i % 3, en_retard=True),
            )
            mots = ["plan", "etudiants", "forum emploi", "12", "mobilite rech", "#4567"]
            await chronometrer(
                "autocomplétion action",
                15,
                lambda i: membre.autocomplete(salon, "action voir", "action", mots[i % len(mots)]),
            )
