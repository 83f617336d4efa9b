"""Salons où le bot publie : existence et permissions vérifiées avant d'enregistrer un choix."""

from __future__ import annotations

import discord

from metier.erreurs import ErreurMetier

PERMISSIONS_PUBLICATION = {
    "view_channel": "Voir le salon",
    "send_messages": "Envoyer des messages",
    "embed_links": "Intégrer des liens",
    "attach_files": "Joindre des fichiers",
}


def permissions_manquantes(salon: discord.abc.GuildChannel, moi: discord.Member) -> list[str]:
    """Rend les permissions qui manquent au bot pour publier dans ce salon."""
    permissions = salon.permissions_for(moi)
    return [nom for cle, nom in PERMISSIONS_PUBLICATION.items() if not getattr(permissions, cle)]


def verifier_salon_publiable(guild: discord.Guild, salon_id: int) -> discord.TextChannel:
    """Rend le salon s'il existe et que le bot peut y publier ; sinon, explique pourquoi."""
    salon = guild.get_channel(salon_id)
    if not isinstance(salon, discord.TextChannel):
        raise ErreurMetier(
            "Ce salon est introuvable : il a peut-être été supprimé, ou je ne peux pas le voir. "
            "Choisissez un salon textuel existant."
        )
    manquantes = permissions_manquantes(salon, guild.me)
    if manquantes:
        raise ErreurMetier(
            f"Je ne peux pas publier dans {salon.mention} : il me manque "
            + ", ".join(f"« {m} »" for m in manquantes)
            + ". Donnez-moi ces permissions dans les paramètres du salon, puis recommencez. "
            "Rien n'a été modifié."
        )
    return salon
