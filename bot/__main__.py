"""Point d'entrée : `python -m bot [--synchroniser]`."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from typing import TYPE_CHECKING

from pydantic import ValidationError

from bot.journalisation import configurer_journaux
from bot.reglages import Reglages

if TYPE_CHECKING:
    from bot.client import Passerelle

log = logging.getLogger("bot")
_taches: set[asyncio.Task[None]] = set()  # garde une référence aux tâches d'arrêt


def lire_arguments(argv: list[str]) -> argparse.Namespace:
    """Analyse la ligne de commande."""
    analyseur = argparse.ArgumentParser(prog="python -m bot", description="Lance le bot Passerelle.")
    analyseur.add_argument(
        "--synchroniser",
        action="store_true",
        help="envoyer les commandes slash à Discord même si leur définition n'a pas changé",
    )
    return analyseur.parse_args(argv)


async def lancer(reglages: Reglages, *, synchroniser: bool) -> None:
    """Démarre le bot et l'arrête proprement sur SIGINT ou SIGTERM."""
    from bot.client import Passerelle  # discord.py n'est chargé qu'une fois les réglages valides

    assert reglages.discord_token is not None
    bot = Passerelle(reglages, forcer_synchro=synchroniser)
    boucle = asyncio.get_running_loop()
    for signal_recu in (signal.SIGINT, signal.SIGTERM):
        boucle.add_signal_handler(signal_recu, _arreter, bot, signal_recu)
    async with bot:
        await bot.start(reglages.discord_token.get_secret_value())


def _arreter(bot: Passerelle, signal_recu: signal.Signals) -> None:
    log.info("Signal %s reçu : arrêt en cours…", signal_recu.name)
    _taches.add(asyncio.get_running_loop().create_task(bot.close()))


def main(argv: list[str] | None = None) -> int:
    """Lit les réglages, vérifie le jeton et lance le bot ; rend le code de sortie."""
    arguments = lire_arguments(sys.argv[1:] if argv is None else argv)
    try:
        reglages = Reglages()
    except ValidationError as erreur:
        print(f"Réglages invalides (fichier .env ou environnement) :\n{erreur}", file=sys.stderr)
        return 2
    if reglages.discord_token is None:
        print(
            "Erreur : DISCORD_TOKEN n'est pas défini. Copiez .env.example vers .env et indiquez-y le jeton "
            "du bot (portail des développeurs Discord → votre application → Bot → Reset Token).",
            file=sys.stderr,
        )
        return 2
    configurer_journaux(reglages.log_level)
    try:
        asyncio.run(lancer(reglages, synchroniser=arguments.synchroniser))
    except KeyboardInterrupt:
        pass
    except Exception as erreur:
        import discord

        if isinstance(erreur, discord.LoginFailure):
            log.error("Connexion refusée par Discord : le jeton DISCORD_TOKEN est invalide.")
            return 1
        raise
    return 0


if __name__ == "__main__":
    sys.exit(main())
