"""`/indicateur` : indicateurs de performance du protocole et leurs mesures."""

from __future__ import annotations

from functools import partial

import discord
from discord import app_commands
from discord.ext import commands

from bot.arbre import repondre
from bot.client import Passerelle
from commandes._affichage import ajouter_champ, barre, nouvel_embed, texte_saisi
from commandes._completion import completer_action, completer_axe
from metier.actions.indicateurs import (
    EtatIndicateur,
    creer_indicateur,
    lister_indicateurs,
    mesurer,
    rechercher_indicateurs,
)
from metier.actions.registre import lire_numero
from metier.formats import arrondi, format_nombre, tronquer
from metier.protocole import chiffre_romain
from metier.temps import format_date_courte


def ligne_indicateur(etat: EtatIndicateur) -> str:
    """« 12 t → 30 t (cible) : dernière 18 t le 3 nov. 2026 — ▰▰▰▱▱ 33 % »."""
    unite = texte_saisi(etat.unite, 40)
    debut = f"départ {format_nombre(etat.valeur_depart)} → cible {format_nombre(etat.cible)} {unite}"
    if etat.valeur is None or etat.date_mesure is None or etat.progression is None:
        return f"{debut}\naucune mesure pour l'instant (`/indicateur mesurer`)"
    progression = arrondi(etat.progression)
    return (
        f"{debut}\ndernière mesure : **{format_nombre(etat.valeur)} {unite}** le "
        f"{format_date_courte(etat.date_mesure)}\n{barre(min(max(progression, 0), 100))}"
        + (f" (réel : {progression}\u00a0%)" if not 0 <= progression <= 100 else "")
    )


@app_commands.guild_only()
class Indicateurs(commands.GroupCog, group_name="indicateur", group_description="Indicateurs de performance"):
    """Indicateurs de performance et mesures."""

    def __init__(self, bot: Passerelle) -> None:
        self.bot = bot
        super().__init__()

    async def completer_indicateur(
        self, interaction: discord.Interaction[Passerelle], saisie: str
    ) -> list[app_commands.Choice[str]]:
        """Propose les indicateurs par numéro ou par mots du nom."""
        assert interaction.guild_id is not None
        trouves = await self.bot.base.lire(
            partial(rechercher_indicateurs, guild_id=interaction.guild_id, saisie=saisie[:100])
        )
        return [app_commands.Choice(name=tronquer(f"n° {n} {nom}", 100), value=str(n)) for n, nom in trouves]

    @app_commands.command(name="ajouter", description="Ajoute un indicateur de performance à un axe")
    @app_commands.describe(
        nom="Nom de l'indicateur (200 caractères au plus)",
        axe="Axe du protocole mesuré",
        unite="Unité : t CO₂, participants, étudiants, %…",
        cible="Valeur visée, par exemple 30 ou 12,5",
        valeur_depart="Valeur au départ (0 par défaut)",
        action="Action liée (facultatif)",
    )
    @app_commands.autocomplete(axe=completer_axe)
    @app_commands.autocomplete(action=completer_action)
    async def ajouter(
        self,
        interaction: discord.Interaction[Passerelle],
        nom: app_commands.Range[str, 1, 200],
        axe: int,
        unite: app_commands.Range[str, 1, 40],
        cible: app_commands.Range[str, 1, 30],
        valeur_depart: app_commands.Range[str, 1, 30] | None = None,
        action: str | None = None,
    ) -> None:
        """Crée un indicateur."""
        assert interaction.guild_id is not None
        indicateur = await self.bot.base.ecrire(
            partial(
                creer_indicateur,
                guild_id=interaction.guild_id,
                auteur_id=interaction.user.id,
                nom=nom,
                axe_numero=axe,
                unite=unite,
                cible=cible,
                valeur_depart=valeur_depart,
                action_numero=lire_numero(action) if action else None,
                maintenant=self.bot.maintenant(),
            )
        )
        await repondre(
            interaction,
            f"Indicateur **n° {indicateur.numero}** {texte_saisi(indicateur.nom, 200)} ajouté : de "
            f"{format_nombre(indicateur.valeur_depart)} à {format_nombre(indicateur.cible)} "
            f"{texte_saisi(indicateur.unite, 40)}. Mesurez-le avec `/indicateur mesurer`.",
        )

    @app_commands.command(name="mesurer", description="Enregistre une mesure d'un indicateur")
    @app_commands.describe(
        indicateur="Numéro ou nom de l'indicateur",
        valeur="Valeur mesurée, par exemple 18 ou 12,5",
        date="Date de la mesure (aujourd'hui par défaut) : 2026-11-20, 20/11/2026…",
        note="Source ou commentaire (facultatif)",
    )
    @app_commands.autocomplete(indicateur=completer_indicateur)
    async def mesurer(
        self,
        interaction: discord.Interaction[Passerelle],
        indicateur: str,
        valeur: app_commands.Range[str, 1, 30],
        date: app_commands.Range[str, 1, 40] | None = None,
        note: app_commands.Range[str, 1, 1000] | None = None,
    ) -> None:
        """Enregistre une mesure."""
        assert interaction.guild_id is not None
        etat, mesure = await self.bot.base.ecrire(
            partial(
                mesurer,
                guild_id=interaction.guild_id,
                auteur_id=interaction.user.id,
                numero=lire_numero(indicateur, quoi="d'indicateur"),
                valeur=valeur,
                jour=date,
                note=note,
                maintenant=self.bot.maintenant(),
            )
        )
        saisie = f"{format_nombre(mesure.valeur)} {texte_saisi(etat.unite, 40)}"
        await repondre(
            interaction,
            f"Mesure du {format_date_courte(mesure.date)} enregistrée pour **n° {etat.numero}** "
            f"{texte_saisi(etat.nom, 200)} (par {interaction.user.mention}) : {saisie}.\n"
            f"{ligne_indicateur(etat)}",
        )

    @app_commands.command(
        name="liste", description="Liste les indicateurs, leur dernière valeur et leur progression"
    )
    @app_commands.describe(axe="Seulement les indicateurs de cet axe")
    @app_commands.autocomplete(axe=completer_axe)
    async def liste(self, interaction: discord.Interaction[Passerelle], axe: int | None = None) -> None:
        """Liste les indicateurs."""
        assert interaction.guild_id is not None
        etats = await self.bot.base.lire(partial(lister_indicateurs, guild_id=interaction.guild_id, axe=axe))
        if not etats:
            await repondre(
                interaction,
                "Aucun indicateur pour l'instant : ajoutez-en avec `/indicateur ajouter`.",
                ephemere=True,
            )
            return
        embed = nouvel_embed(
            "Indicateurs de performance", "Progression de la valeur de départ vers la cible."
        )
        affiches = 0
        for etat in etats:
            nom = f"{chiffre_romain(etat.axe_numero)} · n° {etat.numero} {etat.nom}"
            if not ajouter_champ(embed, nom, ligne_indicateur(etat)):
                break
            affiches += 1
        if affiches < len(etats):
            embed.set_footer(text=f"… et {len(etats) - affiches} autres : filtrez par axe pour les voir.")
        await repondre(interaction, embed=embed)


async def setup(bot: Passerelle) -> None:
    """Charge le cog."""
    await bot.add_cog(Indicateurs(bot))
