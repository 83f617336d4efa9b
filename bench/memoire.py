"""Mémoire résidente après 1 000 commandes variées, avec 10 000 actions en base."""

from __future__ import annotations

import resource
from datetime import UTC, datetime

import simcord

from bench.commun import base_de_mesure, peupler_a_part
from bot.client import Passerelle
from bot.reglages import Reglages

COMMANDES = 1000


def _rss_mo() -> float:
    """Mémoire résidente actuelle (Linux), en Mo."""
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * resource.getpagesize() / 1024 / 1024


def _rss_atelier_mo(bot: Passerelle) -> float:
    """Mémoire résidente du processus de l'atelier (graphiques), en Mo ; 0 s'il n'a pas servi."""
    executeur = bot.atelier._executeur
    if executeur is None:
        return 0.0
    total = 0.0
    for processus in executeur._processes.values():
        with open(f"/proc/{processus.pid}/statm") as statm:
            total += int(statm.read().split()[1]) * resource.getpagesize() / 1024 / 1024
    return total


async def mesurer(choix_base: str) -> None:
    """Affiche la mémoire résidente avant et après 1 000 commandes variées."""
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
            peupler_a_part(url, guild.id)
            avant = _rss_mo()
            commandes = [
                lambda i: membre.slash(salon, "action voir", action=str(1 + i * 7 % 10_000)),
                lambda i: membre.slash(salon, "action liste", en_retard=bool(i % 2)),
                lambda i: membre.slash(salon, "action ajouter", titre=f"Action {i}", axe=1 + i % 3),
                lambda i: membre.slash(salon, "heure"),
                lambda i: membre.slash(salon, "indicateur liste"),
                lambda i: membre.autocomplete(salon, "action voir", "action", "plan"),
                lambda i: membre.slash(salon, "reunion liste"),
                lambda i: membre.slash(salon, "progres graphique", type="axes"),
            ]
            for i in range(COMMANDES):
                await commandes[i % len(commandes)](i)
            apres = _rss_mo()
            atelier = _rss_atelier_mo(bot)
        await bot.close()
    print(
        f"mémoire résidente : {avant:.0f} Mo avant, {apres:.0f} Mo après {COMMANDES} commandes "
        f"(budget ≤ 150 Mo : {'OK' if apres <= 150 else 'DÉPASSÉ'})"
    )
    print(
        "note : le processus porte aussi simcord, son monde simulé et les 1 000 messages qu'il garde ; "
        "les graphiques sont dessinés dans le processus de l'atelier, compté à part : "
        f"{atelier:.0f} Mo."
    )
