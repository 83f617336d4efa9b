"""Aides de test partagées."""

from simcord import Env

from bot.client import Passerelle


async def redemarrer(env: Env, nouveau: Passerelle) -> None:
    """Redémarre le bot dans simcord comme un vrai processus : l'ancien est arrêté proprement."""
    ancien = env.bot
    await env.restart_bot(nouveau)
    await ancien.close()
