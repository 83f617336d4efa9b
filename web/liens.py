"""Les adresses de la page de suivi et de l'agenda : une seule forme, pour le serveur et les commandes."""

from __future__ import annotations

from typing import Final

MOTIF_JETON: Final = "[A-Za-z0-9_-]{20,64}"


def chemin_page(jeton: str) -> str:
    """« /p/JETON/ » : la racine de la page d'un serveur."""
    return f"/p/{jeton}/"


def chemin_agenda(jeton: str) -> str:
    """« /agenda/JETON.ics » : l'agenda abonnable d'un membre."""
    return f"/agenda/{jeton}.ics"


def lien(adresse: str, chemin: str) -> str:
    """L'adresse complète : `WEB_URL_PUBLIQUE` (ou l'hôte et le port du bot) suivie du chemin."""
    return adresse.rstrip("/") + chemin
