"""Interactions /action et autocomplétion à travers simcord, avec 10 000 actions et 100 000 mises à jour.

Chaque durée va de l'arrivée de l'interaction dans le bot au départ de sa première réponse.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

import simcord

from bench.commun import Chronometre, base_de_mesure, peupler_a_part, resume
from bot.client import Passerelle
from bot.reglages import Reglages

REPETITIONS = 200


async def mesurer(choix_base: str) -> None:
    """Affiche médiane et p95 de chaque interaction, et de l'autocomplétion."""
    with base_de_mesure(choix_base) as url:
        bot = Passerelle(
            Reglages(_env_file=None, database_url=url),  # type: ignore[call-arg]
            horloge=lambda: datetime(2026, 11, 26, 15, tzinfo=UTC),
        )
        async with simcord.run(bot) as env:
            guild = env.create_guild("Jumelage")
            salon = guild.create_text_channel("suivi")
            membre = guild.add_member(env.create_user("alice"))
            await env.settle()
            debut = time.perf_counter()
            peupler_a_part(url, guild.id)
            print(
                f"base peuplée en {time.perf_counter() - debut:.1f} s (10 000 actions, 100 000 mises à jour)"
            )

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
        await bot.close()
