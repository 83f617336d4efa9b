"""Aides de test partagées."""

import importlib
from collections.abc import Callable
from datetime import datetime, tzinfo

from simcord import Env

from bot.client import Passerelle

# Les modules d'APScheduler qui lisent l'heure murale (`datetime.now`) : ordonnanceur, exécuteurs
# (retard toléré), déclencheurs (instant par défaut).
MODULES_APSCHEDULER = (
    "apscheduler.schedulers.base",
    "apscheduler.executors.base",
    "apscheduler.triggers.date",
    "apscheduler.triggers.interval",
)


async def redemarrer(env: Env, nouveau: Passerelle) -> None:
    """Redémarre le bot dans simcord comme un vrai processus : l'ancien est arrêté proprement."""
    ancien = env.bot
    # Comme un processus qui s'arrête : il rend d'abord la place de meneur (PostgreSQL), que le
    # nouveau prend en démarrant.
    ancien.meneur.arreter()
    await env.restart_bot(nouveau)
    await ancien.close()


def murale_suivant(horloge: Callable[[], datetime]) -> type[datetime]:
    """Une classe `datetime` dont `now()` rend l'instant de `horloge` : l'heure murale d'APScheduler.

    Ainsi l'ordonnanceur compare ses échéances au même instant que le bot, et ses minuteries
    (`loop.call_later`) avancent avec le temps virtuel de simcord : les deux restent d'accord.
    """

    class _Murale(datetime):
        @classmethod
        def now(cls, tz: tzinfo | None = None) -> datetime:  # type: ignore[override]
            instant = horloge()
            return instant.astimezone(tz) if tz is not None else instant.replace(tzinfo=None)

    return _Murale


def suivre_heure_murale(horloge: Callable[[], datetime]) -> None:
    """Fait lire à APScheduler l'heure de `horloge` (pour un processus de test entier)."""
    murale = murale_suivant(horloge)
    for nom in MODULES_APSCHEDULER:
        importlib.import_module(nom).datetime = murale  # type: ignore[attr-defined]
