"""`/partenaire` : le registre des partenaires (UNamur, BEP, UQTR, CCIM…) et leurs actions."""

from __future__ import annotations

from functools import partial

import discord
from discord import app_commands
from discord.ext import commands

from bot.arbre import repondre
from bot.client import Passerelle
from commandes._affichage import ajouter_champ, barre, joindre, nouvel_embed, texte_saisi
from commandes._completion import LIMITE_CHOIX, completer_partenaire, completer_ville, contexte
from commandes._droits import exiger_coordination
from metier.formats import pluriel
from metier.partenaires import (
    ActionDuPartenaire,
    actions_du_partenaire,
    ajouter_partenaire,
    lire_partenaire,
    lister_partenaires,
    modifier_partenaire,
)
from metier.protocole import TYPES_PARTENAIRE
from metier.serveurs import Configuration
from metier.statuts import libelle_statut
from metier.temps import normaliser
from modeles import Partenaire

AUCUNE_VILLE = "aucune"


def _ville(configuration: Configuration, saisie: str | None) -> str | None:
    """Le code de la ville saisie ; « aucune » pour un partenaire d'ailleurs (None : inchangée)."""
    if saisie is None:
        return None
    if normaliser(saisie) == AUCUNE_VILLE:
        return ""
    return configuration.ville(saisie).code


def _nom_ville(configuration: Configuration, code: str | None) -> str:
    return next((v.nom for v in configuration.villes if v.code == code), "—") if code else "—"


def embed_partenaire(
    partenaire: Partenaire, actions: list[ActionDuPartenaire], configuration: Configuration
) -> discord.Embed:
    """La fiche d'un partenaire : qui il est, et les actions qui l'associent avec leur avancement."""
    embed = nouvel_embed(
        texte_saisi(partenaire.nom, 100),
        texte_saisi(partenaire.nom_complet, 300) if partenaire.nom_complet else None,
    )
    ajouter_champ(embed, "Ville", _nom_ville(configuration, partenaire.ville), en_ligne=True)
    ajouter_champ(embed, "Type", texte_saisi(partenaire.type, 40), en_ligne=True)
    lignes = [
        f"**#{a.numero}** {texte_saisi(a.titre, 80)} — {libelle_statut(a.statut)}, {barre(a.avancement)}"
        for a in actions
    ]
    ajouter_champ(
        embed,
        f"Actions ({len(actions)})",
        joindre(lignes, 1024, renvoi="/action liste") if lignes else "Aucune action ne l'associe encore.",
    )
    return embed


@app_commands.guild_only()
class Partenaires(
    commands.GroupCog, group_name="partenaire", group_description="Le registre des partenaires du protocole"
):
    """Registre des partenaires."""

    def __init__(self, bot: Passerelle) -> None:
        self.bot = bot
        super().__init__()

    async def completer_type(
        self, interaction: discord.Interaction[Passerelle], saisie: str
    ) -> list[app_commands.Choice[str]]:
        """Propose les types d'organisme (un autre texte est permis)."""
        cle = normaliser(saisie)
        return [app_commands.Choice(name=t, value=t) for t in TYPES_PARTENAIRE if cle in normaliser(t)][
            :LIMITE_CHOIX
        ]

    @app_commands.command(name="ajouter", description="Inscrit un partenaire au registre (coordination)")
    @app_commands.describe(
        nom="Nom court ou sigle, tel qu'on le cite dans une action (40 caractères au plus)",
        ville="Ville partenaire de rattachement, ou « aucune »",
        type="Type : université, organisme public, chambre de commerce, entreprise, association…",
        nom_complet="Nom complet (200 caractères au plus)",
    )
    @app_commands.autocomplete(ville=completer_ville, type=completer_type)
    async def ajouter(
        self,
        interaction: discord.Interaction[Passerelle],
        nom: app_commands.Range[str, 1, 100],
        ville: app_commands.Range[str, 1, 80] | None = None,
        type: app_commands.Range[str, 1, 100] | None = None,
        nom_complet: app_commands.Range[str, 1, 300] | None = None,
    ) -> None:
        """Inscrit un partenaire."""
        guild_id, configuration, _ = await contexte(interaction)
        exiger_coordination(interaction, configuration.config.role_coordination_id)
        partenaire = await self.bot.base.ecrire(
            partial(
                ajouter_partenaire,
                guild_id=guild_id,
                auteur_id=interaction.user.id,
                nom=nom,
                ville=_ville(configuration, ville) or None,
                type_=type,
                nom_complet=nom_complet,
                maintenant=self.bot.maintenant(),
            )
        )
        await repondre(
            interaction,
            f"Partenaire **{texte_saisi(partenaire.nom, 40)}** inscrit au registre par "
            f"{interaction.user.mention}.",
            embed=embed_partenaire(partenaire, [], configuration),
        )

    @app_commands.command(name="modifier", description="Modifie un partenaire du registre (coordination)")
    @app_commands.describe(
        partenaire="Partenaire à modifier",
        nom="Nouveau nom court (reporté sur ses actions)",
        ville="Nouvelle ville de rattachement, ou « aucune »",
        type="Nouveau type d'organisme",
        nom_complet="Nouveau nom complet",
    )
    @app_commands.autocomplete(partenaire=completer_partenaire, ville=completer_ville, type=completer_type)
    async def modifier(
        self,
        interaction: discord.Interaction[Passerelle],
        partenaire: app_commands.Range[str, 1, 100],
        nom: app_commands.Range[str, 1, 100] | None = None,
        ville: app_commands.Range[str, 1, 80] | None = None,
        type: app_commands.Range[str, 1, 100] | None = None,
        nom_complet: app_commands.Range[str, 1, 300] | None = None,
    ) -> None:
        """Modifie un partenaire."""
        guild_id, configuration, _ = await contexte(interaction)
        exiger_coordination(interaction, configuration.config.role_coordination_id)
        code = _ville(configuration, ville)
        modifie, changements = await self.bot.base.ecrire(
            partial(
                modifier_partenaire,
                guild_id=guild_id,
                auteur_id=interaction.user.id,
                saisie=partenaire,
                nom=nom,
                ville=code,
                type_=type,
                nom_complet=nom_complet,
                maintenant=self.bot.maintenant(),
            )
        )
        if not changements:
            await repondre(interaction, "Rien n'a changé : le partenaire est déjà ainsi.", ephemere=True)
            return
        actions = await self.bot.base.lire(partial(actions_du_partenaire, partenaire=modifie))
        lignes = [
            f"{champ.replace('_', ' ')} : « {texte_saisi(str(ancien or '—'), 200)} » → "
            f"« {texte_saisi(str(nouveau or '—'), 200)} »"
            for champ, (ancien, nouveau) in changements.items()
        ]
        await repondre(
            interaction,
            f"Partenaire **{texte_saisi(modifie.nom, 40)}** modifié par {interaction.user.mention}.\n"
            + "\n".join(lignes),
            embed=embed_partenaire(modifie, actions, configuration),
        )

    @app_commands.command(name="liste", description="Liste les partenaires du registre")
    async def liste(self, interaction: discord.Interaction[Passerelle]) -> None:
        """Liste les partenaires, ouverte à tous."""
        guild_id, configuration, _ = await contexte(interaction)
        partenaires = await self.bot.base.lire(partial(lister_partenaires, guild_id=guild_id))
        lignes = [
            f"**{texte_saisi(p.nom, 40)}** — {texte_saisi(p.type, 40)}, {_nom_ville(configuration, p.ville)}"
            + (f" ({texte_saisi(p.nom_complet, 100)})" if p.nom_complet else "")
            for p in partenaires
        ]
        embed = nouvel_embed(
            f"Partenaires du protocole ({pluriel(len(partenaires), 'partenaire')})",
            joindre(lignes, 4096, renvoi="/partenaire voir") if lignes else "Le registre est vide.",
        )
        await repondre(interaction, embed=embed, ephemere=True)

    @app_commands.command(name="voir", description="Montre un partenaire et les actions qui l'associent")
    @app_commands.describe(partenaire="Nom du partenaire")
    @app_commands.autocomplete(partenaire=completer_partenaire)
    async def voir(
        self, interaction: discord.Interaction[Passerelle], partenaire: app_commands.Range[str, 1, 100]
    ) -> None:
        """Montre un partenaire, ouvert à tous."""
        guild_id, configuration, _ = await contexte(interaction)
        trouve = await self.bot.base.lire(partial(lire_partenaire, guild_id=guild_id, saisie=partenaire))
        actions = await self.bot.base.lire(partial(actions_du_partenaire, partenaire=trouve))
        await repondre(interaction, embed=embed_partenaire(trouve, actions, configuration), ephemere=True)


async def setup(bot: Passerelle) -> None:
    """Charge le cog."""
    await bot.add_cog(Partenaires(bot))
