"""Mémoire résidente après 1 000 commandes variées, avec 10 000 actions en base."""

from __future__ import annotations

import os
import resource
from datetime import UTC, datetime
from multiprocessing import forkserver

import simcord

from bench.commun import base_de_mesure, bot_peuple
from bot.atelier import INACTIVITE
from bot.client import Passerelle

COMMANDES = int(os.environ.get("PASSERELLE_BENCH_COMMANDES", "1000"))


def _rss_mo(pid: int | str = "self") -> float:
    """Mémoire résidente actuelle d'un processus (Linux), en Mo."""
    with open(f"/proc/{pid}/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * resource.getpagesize() / 1024 / 1024


def _oublier_le_simulateur(env: simcord.Env) -> None:
    """Vide ce que simcord garde de chaque échange (messages, images, requêtes, interactions).

    Sur le vrai Discord, tout cela reste chez Discord : sans ce ménage, la mesure compterait dans
    le processus du bot la mémoire du simulateur, qui grossit d'environ 30 Mo par 1 000 commandes.
    """
    serveur = env.backend
    for messages in serveur.messages.values():
        messages.clear()
    for journal in (
        serveur.http_requests,
        serveur.transcript,
        serveur.interactions,
        serveur.interaction_tokens,
    ):
        journal.clear()
    serveur.cdn._blobs.clear()


def _processus_atelier(bot: Passerelle) -> list[int]:
    """Le processus de l'atelier (s'il a servi) et le serveur « forkserver » qui l'a lancé."""
    executeur = bot.atelier._executeur
    pids = [p.pid for p in executeur._processes.values()] if executeur is not None else []
    serveur = forkserver._forkserver._forkserver_pid
    return [*pids, serveur] if serveur else pids


async def mesurer(choix_base: str) -> None:
    """Affiche la mémoire résidente avant et après 1 000 commandes variées."""
    with base_de_mesure(choix_base) as url:
        async with bot_peuple(url, fige_a=datetime(2026, 11, 26, 15, tzinfo=UTC)) as mesure:
            bot, env, salon, membre = mesure.bot, mesure.env, mesure.salon, mesure.membre
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
            images, releves = 0, []
            for i in range(COMMANDES):
                resultat = await commandes[i % len(commandes)](i)
                if i % len(commandes) == len(commandes) - 1:
                    images += sum(a.size for a in resultat.response.attachments)
                    _oublier_le_simulateur(env)
                if (i + 1) % (COMMANDES // 4) == 0:
                    releves.append(f"{_rss_mo():.0f}")
            apres = _rss_mo()
            atelier = [(pid, _rss_mo(pid)) for pid in _processus_atelier(bot)]
    print(
        f"processus du bot : {avant:.0f} Mo avant, {apres:.0f} Mo après {COMMANDES} commandes "
        f"(budget ≤ 150 Mo : {'OK' if apres <= 150 else 'DÉPASSÉ'})"
    )
    print(f"  par quart des commandes : {' → '.join(releves)} Mo")
    print(
        f"  simcord compris, mais vidé toutes les {len(commandes)} commandes de ce qu'il garde des échanges "
        f"(dont {images / 1024 / 1024:.0f} Mo d'images en tout) : ce serait chez Discord"
    )
    for (pid, mo), nom in zip(
        atelier, ("atelier (dessin, tant qu'il sert)", "serveur forkserver"), strict=False
    ):
        print(f"processus {nom} : {mo:.0f} Mo (pid {pid})")
    total = apres + sum(mo for _, mo in atelier)
    print(
        f"en tout, tant que l'atelier sert : {total:.0f} Mo ; il s'arrête après "
        f"{INACTIVITE / 60:.0f} min sans dessin (bot.atelier.INACTIVITE)"
    )
