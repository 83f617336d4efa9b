"""Relevé des noms affichés : chaque interaction porte celui de qui agit et des membres choisis."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any, Final

import discord

from bot.base import BaseDonnees
from metier.membres import noter_membres

log = logging.getLogger(__name__)

MAX_NOMS_EN_MEMOIRE: Final = 50_000  # ≈ 5 Mo ; au-delà, on repart de zéro (au pire, une lecture de plus)


def noms_portes(interaction: discord.Interaction[Any]) -> dict[int, str]:
    """Les noms affichés que porte l'interaction : son auteur, puis les membres choisis en option."""
    noms = {interaction.user.id: interaction.user.display_name}
    donnees: dict[str, Any] = dict(interaction.data or {})
    resolus = donnees.get("resolved") or {}
    utilisateurs = resolus.get("users") or {}
    # Même règle que `discord.Member.display_name` : pseudo du serveur, nom global, nom d'utilisateur.
    for identifiant, membre in (resolus.get("members") or {}).items():
        utilisateur = utilisateurs.get(identifiant) or {}
        if utilisateur.get("bot"):
            continue
        nom = membre.get("nick") or utilisateur.get("global_name") or utilisateur.get("username")
        if nom:
            noms[int(identifiant)] = nom
    return noms


class ReleveNoms:
    """Tient la table des noms à jour sans ralentir les réponses.

    Les noms déjà écrits sont gardés en mémoire : la base n'est touchée (dans un thread) que pour un
    nom nouveau ou changé. `relever` tourne dans sa propre tâche (l'événement `on_interaction`),
    à côté de la commande ; un échec est consigné, jamais montré à l'utilisateur.
    """

    def __init__(self, base: BaseDonnees, horloge: Callable[[], datetime]) -> None:
        self.base = base
        self.horloge = horloge
        self._connus: dict[tuple[int, int], str] = {}

    async def relever(self, interaction: discord.Interaction[Any]) -> None:
        """Écrit les noms nouveaux ou changés que porte l'interaction."""
        guild_id = interaction.guild_id
        if guild_id is None:
            return  # un message privé ne dit rien d'un serveur
        nouveaux = {
            membre_id: nom
            for membre_id, nom in noms_portes(interaction).items()
            if self._connus.get((guild_id, membre_id)) != nom
        }
        if not nouveaux:
            return
        try:
            await self.base.ecrire(noter_membres, guild_id=guild_id, noms=nouveaux, maintenant=self.horloge())
        except Exception:
            log.warning(
                "Noms des membres %s non enregistrés (serveur %s)", sorted(nouveaux), guild_id, exc_info=True
            )
            return
        if len(self._connus) + len(nouveaux) > MAX_NOMS_EN_MEMOIRE:
            self._connus.clear()
        self._connus.update({(guild_id, membre_id): nom for membre_id, nom in nouveaux.items()})
