"""Aides de test partagées."""

from simcord import Env

from bot.client import Passerelle


async def redemarrer(env: Env, nouveau: Passerelle) -> None:
    """Redémarre le bot dans simcord comme un vrai processus : l'ancien est arrêté proprement."""
    ancien = env.bot
    # Comme un processus qui s'arrête : il rend d'abord la place de meneur (PostgreSQL), que le
    # nouveau prend en démarrant.
    ancien.meneur.arreter()
    await env.restart_bot(nouveau)
    await ancien.close()
