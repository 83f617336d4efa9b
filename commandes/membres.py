"""`/membre` : la ville de chaque membre, pour le nommer « Alice Tremblay (Terrebonne) »."""

from __future__ import annotations

from functools import partial

import discord
from discord import app_commands
from discord.ext import commands

from bot.arbre import repondre
from bot.client import Passerelle
from commandes._affichage import ajouter_champ, joindre, nouvel_embed, texte_saisi
from commandes._completion import LIMITE_CHOIX, completer_ville, contexte
from commandes._droits import exiger_coordination
from metier.formats import pluriel
from metier.membres import FicheMembre, definir_ville, membres_connus
from metier.temps import normaliser

VILLE_INCONNUE = "aucune"  # valeur de l'option `ville` qui efface la ville d'un membre


async def completer_ville_du_membre(
    interaction: discord.Interaction[Passerelle], saisie: str
) -> list[app_commands.Choice[str]]:
    """Les villes partenaires, et « Ville inconnue » pour effacer celle qui avait été dite."""
    choix = await completer_ville(interaction, saisie)
    if normaliser(saisie) in normaliser("Ville inconnue (effacer)"):
        choix.append(app_commands.Choice(name="Ville inconnue (effacer)", value=VILLE_INCONNUE))
    return choix[:LIMITE_CHOIX]


@app_commands.guild_only()
class Membres(commands.GroupCog, group_name="membre", group_description="Les membres du groupe de travail"):
    """Ville des membres."""

    def __init__(self, bot: Passerelle) -> None:
        self.bot = bot
        super().__init__()

    @app_commands.command(name="ville", description="Indique votre ville partenaire (ou celle d'un membre)")
    @app_commands.describe(
        ville="Votre ville partenaire ; « Ville inconnue » l'efface",
        membre="Un autre membre (réservé à la coordination) ; vous-même par défaut",
    )
    @app_commands.autocomplete(ville=completer_ville_du_membre)
    async def ville(
        self,
        interaction: discord.Interaction[Passerelle],
        ville: app_commands.Range[str, 1, 80],
        membre: discord.Member | None = None,
    ) -> None:
        """Fixe la ville d'un membre : la sienne pour chacun, celle des autres pour la coordination."""
        guild_id, configuration, _ = await contexte(interaction)
        cible = membre or interaction.user
        if cible.bot:
            await repondre(
                interaction, "Un bot n'a pas de ville partenaire. Rien n'a été modifié.", ephemere=True
            )
            return
        if cible.id != interaction.user.id:
            exiger_coordination(interaction, configuration.config.role_coordination_id)
        choisie = None if normaliser(ville) == VILLE_INCONNUE else configuration.ville(ville)
        ancienne = await self.bot.base.ecrire(
            partial(
                definir_ville,
                guild_id=guild_id,
                membre_id=cible.id,
                nom=cible.display_name,
                ville=choisie,
                auteur_id=interaction.user.id,
                maintenant=self.bot.maintenant(),
            )
        )
        qui = "Votre ville" if cible.id == interaction.user.id else f"La ville de {cible.mention}"
        nouvelle = choisie.code if choisie else None
        if ancienne == nouvelle:
            message = f"{qui} était déjà {choisie.nom if choisie else 'inconnue'} : rien n'a changé."
        elif choisie is None:
            message = f"{qui} est effacée : les rapports ne nommeront plus que le membre."
        else:
            message = f"{qui} est désormais **{choisie.nom}** : les rapports le diront après le nom."
        await repondre(interaction, message, ephemere=True)

    @app_commands.command(name="liste", description="Les membres connus du bot, par ville partenaire")
    async def liste(self, interaction: discord.Interaction[Passerelle]) -> None:
        """Liste les membres dont le bot connaît le nom, groupés par ville (sans les mentionner)."""
        guild_id, configuration, _ = await contexte(interaction)
        fiches = await self.bot.base.lire(partial(membres_connus, guild_id=guild_id))
        embed = nouvel_embed(
            "Membres du groupe de travail",
            f"{pluriel(len(fiches), 'membre')} connu{'s' if len(fiches) > 1 else ''} du bot. "
            "Chacun dit sa ville avec `/membre ville`.",
        )
        groupes: list[tuple[str, list[FicheMembre]]] = [
            (v.nom, [f for f in fiches if f.ville == v.code]) for v in configuration.villes
        ]
        groupes.append(("Ville inconnue", [f for f in fiches if f.ville is None]))
        for titre, membres in groupes:
            if membres:
                lignes = [texte_saisi(f.nom, 100) for f in membres]
                ajouter_champ(embed, f"{titre} ({len(membres)})", joindre(lignes, 1024))
        await repondre(interaction, embed=embed, ephemere=True)


async def setup(bot: Passerelle) -> None:
    """Point d'entrée de l'extension."""
    await bot.add_cog(Membres(bot))
