"""Configuration des journaux (logging) du processus."""

import logging


def configurer_journaux(niveau: str) -> None:
    """Journaux lisibles sur la sortie d'erreur ; discord.py moins bavard."""
    logging.basicConfig(
        level=niveau,
        format="%(asctime)s %(levelname)-7s %(name)s : %(message)s",
        datefmt="%Y-%m-%d %H:%M:%S",
    )
    logging.getLogger("discord").setLevel(max(logging.INFO, logging.getLevelName(niveau)))
