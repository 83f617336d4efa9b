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


def verifier_role_notifiable(
    role: discord.Role, salon: discord.abc.GuildChannel | None = None
) -> discord.Role:
    """Rend le rôle que les rappels peuvent mentionner ; refuse @everyone, un rôle géré, un rôle muet.

    Un rôle « mentionnable » se mentionne toujours ; sinon il faut au bot la permission « Mentionner
    @everyone, @here et tous les rôles » (dans le salon des rappels quand on le connaît).
    """
    if role.is_default():
        raise ErreurMetier(
            "@everyone ne peut pas être notifié par les rappels : choisissez un rôle précis "
            "(par exemple « Groupe de travail »). Rien n'a été modifié."
        )
    if role.managed:
        raise ErreurMetier(
            f"Le rôle {role.mention} est géré par une intégration (un bot, un abonnement) : choisissez un "
            "rôle attribué aux membres du groupe. Rien n'a été modifié."
        )
    moi = role.guild.me
    permissions = salon.permissions_for(moi) if salon is not None else moi.guild_permissions
    if not (role.mentionable or permissions.mention_everyone):
        raise ErreurMetier(
            f"Je ne peux pas mentionner {role.mention} : rendez-le mentionnable (Paramètres du serveur → "
            "Rôles → « Permettre à tout le monde de @mentionner ce rôle ») ou donnez-moi la permission "
            "« Mentionner @everyone, @here et tous les rôles ». Rien n'a été modifié."
        )
    return role
