"""Outils partagés par les cogs : réponses, limites des embeds, horodatages Discord."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

import discord

# Limites de Discord (discord.py ne les vérifie pas lui-même).
LIMITE_TITRE = 256
LIMITE_DESCRIPTION = 4096
LIMITE_CHAMPS = 25
LIMITE_NOM_CHAMP = 256
LIMITE_VALEUR_CHAMP = 1024
LIMITE_PIED = 2048
LIMITE_TOTAL = 6000
LIMITE_MESSAGE = 2000


def tronquer(texte: str, limite: int) -> str:
    """Coupe un texte à `limite` caractères, avec « … » s'il dépasse."""
    return texte if len(texte) <= limite else texte[: limite - 1] + "…"


def horodatage(instant: datetime, style: str = "F") -> str:
    """Horodatage Discord, que chacun voit dans son propre fuseau : `<t:…:F>`."""
    return f"<t:{int(instant.timestamp())}:{style}>"


def nouvel_embed(titre: str, description: str | None = None, *, couleur: int = 0x1F5AA6) -> discord.Embed:
    """Crée un embed dont le titre et la description respectent les limites."""
    return discord.Embed(
        title=tronquer(titre, LIMITE_TITRE),
        description=tronquer(description, LIMITE_DESCRIPTION) if description else None,
        colour=couleur,
    )


def ajouter_champ(embed: discord.Embed, nom: str, valeur: str, *, en_ligne: bool = False) -> bool:
    """Ajoute un champ s'il reste de la place (25 champs, 6 000 caractères) ; rend vrai s'il a été ajouté."""
    nom, valeur = tronquer(nom, LIMITE_NOM_CHAMP), tronquer(valeur or "—", LIMITE_VALEUR_CHAMP)
    if len(embed.fields) >= LIMITE_CHAMPS or len(embed) + len(nom) + len(valeur) > LIMITE_TOTAL:
        return False
    embed.add_field(name=nom, value=valeur, inline=en_ligne)
    return True


async def repondre(
    interaction: discord.Interaction[Any],
    contenu: str | None = None,
    *,
    ephemere: bool = False,
    **options: Any,
) -> None:
    """Répond à l'interaction, par un suivi si la réponse initiale est déjà partie."""
    if contenu is not None:
        options["content"] = tronquer(contenu, LIMITE_MESSAGE)
    if interaction.response.is_done():
        await interaction.followup.send(ephemeral=ephemere, **options)
    else:
        await interaction.response.send_message(ephemeral=ephemere, **options)


class BoutonPersistant(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"(?!)"):
    """Bouton qui survit aux redémarrages ; ses erreurs passent par le même traducteur que les commandes.

    Les sous-classes définissent `template` et la méthode `agir` (au lieu de `callback`).
    """

    agir: Callable[[discord.Interaction[Any]], Awaitable[None]]

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Exécute `agir` ; une erreur reçoit la même réponse qu'une commande."""
        from bot.arbre import signaler_erreur

        try:
            await self.agir(interaction)
        except Exception as erreur:
            await signaler_erreur(interaction, erreur, f"bouton {self.item.custom_id}")
