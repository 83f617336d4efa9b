"""Configuration des journaux (logging) du processus."""

import logging


def _sans_avis_vocal(enregistrement: logging.LogRecord) -> bool:
    # Le bot n'utilise pas la voix : l'absence de PyNaCl / davey n'est pas un avertissement utile.
    return "voice will NOT be supported" not in enregistrement.getMessage()


def configurer_journaux(niveau: str) -> None:
    """Journaux lisibles sur la sortie d'erreur ; discord.py moins bavard."""
    logging.basicConfig(
        level=niveau,
        format="%(asctime)s %(levelname)-7s %(name)s : %(message)s",
        datefmt="%Y-%m-%d %H:%M:%S",
    )
    logging.getLogger("discord").setLevel(max(logging.INFO, logging.getLevelName(niveau)))
    logging.getLogger("discord.client").addFilter(_sans_avis_vocal)
    # APScheduler annonce chaque réveil (« Running job… ») : seuls ses avertissements comptent.
    logging.getLogger("apscheduler").setLevel(max(logging.WARNING, logging.getLevelName(niveau)))
