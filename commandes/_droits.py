"""Droits : qui fait partie de la coordination du protocole."""

from __future__ import annotations

from typing import Any

import discord

from metier.erreurs import RefusDroits


def est_coordination(membre: discord.Member | discord.User, role_coordination_id: int | None) -> bool:
    """Vrai pour qui a « Gérer le serveur » ou le rôle de coordination configuré."""
    if not isinstance(membre, discord.Member):
        return False
    if membre.guild_permissions.manage_guild:
        return True
    return role_coordination_id is not None and membre.get_role(role_coordination_id) is not None


def exiger_coordination(interaction: discord.Interaction[Any], role_coordination_id: int | None) -> None:
    """Refuse, en français, une opération réservée à la coordination."""
    if not est_coordination(interaction.user, role_coordination_id):
        role = f"le rôle <@&{role_coordination_id}>" if role_coordination_id else "un rôle de coordination"
        raise RefusDroits(
            "Cette opération est réservée à la coordination du protocole : il faut "
            f"{role} ou la permission « Gérer le serveur ». Rien n'a été modifié."
        )
