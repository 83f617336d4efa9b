"""Arbre des commandes, son gestionnaire d'erreurs unique, la réponse aux interactions, les boutons."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

import discord
from discord import app_commands

from bot.limites import LIMITE_MESSAGE
from metier.erreurs import ErreurMetier
from metier.formats import tronquer

log = logging.getLogger(__name__)

MESSAGE_INATTENDU = (
    "Une erreur inattendue est survenue ; elle a été consignée pour l'équipe. Réessayez dans un instant."
)


def message_pour(erreur: BaseException) -> str | None:
    """Traduit une erreur attendue en message pour l'utilisateur ; None si elle est inattendue."""
    cause = erreur.original if isinstance(erreur, app_commands.CommandInvokeError) else erreur
    if isinstance(cause, ErreurMetier):
        return cause.message
    if isinstance(erreur, app_commands.TransformerError):
        return f"La valeur « {str(erreur.value)[:50]} » ne convient pas pour cette option."
    if isinstance(erreur, app_commands.NoPrivateMessage):
        return "Cette commande ne s'utilise que dans un serveur."
    if isinstance(erreur, app_commands.MissingPermissions):
        return "Vous n'avez pas les permissions Discord nécessaires pour cette commande."
    if isinstance(erreur, app_commands.BotMissingPermissions):
        manquantes = ", ".join(erreur.missing_permissions)
        return f"Il me manque des permissions dans ce salon : {manquantes}."
    if isinstance(erreur, app_commands.CommandOnCooldown):
        return f"Doucement ! Réessayez dans {erreur.retry_after:.0f} s."
    if isinstance(erreur, app_commands.CheckFailure):
        return "Vous ne pouvez pas utiliser cette commande ici."
    return None


async def signaler_erreur(
    interaction: discord.Interaction[Any], erreur: BaseException, contexte: str
) -> None:
    """Répond à l'utilisateur, en privé et en français ; consigne l'inattendu avec son contexte."""
    message = message_pour(erreur)
    if message is None:
        log.error(
            "Erreur inattendue dans %s (serveur %s, salon %s, membre %s, données %s)",
            contexte,
            interaction.guild_id,
            interaction.channel_id,
            interaction.user.id,
            interaction.data,
            exc_info=erreur,
        )
        message = MESSAGE_INATTENDU
    try:
        await repondre(interaction, message, ephemere=True)
    except discord.HTTPException:
        log.warning("Impossible de répondre à l'interaction %s", interaction.id, exc_info=True)


class ArbreCommandes(app_commands.CommandTree[discord.Client]):
    """Arbre dont `on_error` répond en français, en privé, et consigne l'inattendu."""

    async def on_error(
        self, interaction: discord.Interaction[discord.Client], error: app_commands.AppCommandError
    ) -> None:
        """Le seul gestionnaire d'erreurs des commandes."""
        commande = interaction.command.qualified_name if interaction.command else "?"
        await signaler_erreur(interaction, error, f"/{commande}")


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
        try:
            await self.agir(interaction)
        except Exception as erreur:
            await signaler_erreur(interaction, erreur, f"bouton {self.item.custom_id}")
