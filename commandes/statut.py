"""`/statut` (coordination) : le bot en marche, sa base, ses publications à venir et ses incidents."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from functools import partial
from importlib.metadata import PackageNotFoundError, version

import discord
from discord import app_commands
from discord.ext import commands

from bot.atelier import EtatAtelier
from bot.client import Passerelle
from commandes._affichage import ajouter_champ, horodatage, joindre, nouvel_embed
from commandes._droits import exiger_coordination
from metier.publications.etat import etat_publications
from metier.reunions.horloges import horloges
from metier.temps import format_duree

NOMS_BASES = {"sqlite": "SQLite (un seul processus)", "postgresql": "PostgreSQL"}


def _version() -> str:
    try:
        return version("passerelle")
    except PackageNotFoundError:
        return "inconnue"


def duree_en_mots(duree: timedelta) -> str:
    """« 3 j 4 h », « 5 h 12 », « 12 min »."""
    if duree >= timedelta(days=1):
        return f"{duree.days}\u00a0j {format_duree(timedelta(seconds=duree.seconds))}"
    return format_duree(duree)


def decrire_atelier(etat: EtatAtelier) -> str:
    """L'état du processus de dessin en une ou deux lignes."""
    travaux = f"{etat.travaux} dessin(s) depuis le démarrage"
    arret = f"s'arrête après {format_duree(timedelta(seconds=etat.inactivite))} sans dessin"
    if etat.actif:
        qui = f"processus {etat.pid}" if etat.pid else "en cours de lancement"
        return f"🟢 actif ({qui}) · {travaux} · {arret}"
    return f"⚪ arrêté, relancé au prochain graphique · {travaux}"


class Statut(commands.Cog):
    """État du bot pour la coordination."""

    def __init__(self, bot: Passerelle) -> None:
        self.bot = bot

    @app_commands.command(
        name="statut",
        description="État du bot (coordination) : base, publications à venir, incidents des 7 jours",
    )
    @app_commands.guild_only()
    async def statut(self, interaction: discord.Interaction[Passerelle]) -> None:
        """Version, durée de marche, base et schéma, prochaines publications, incidents, atelier."""
        assert interaction.guild_id is not None
        configuration = await self.bot.configuration(interaction.guild_id)
        exiger_coordination(interaction, configuration.config.role_coordination_id)
        maintenant = self.bot.maintenant()
        etat = await self.bot.base.lire(
            partial(etat_publications, guild_id=interaction.guild_id, maintenant=maintenant)
        )
        en_base, tete = await asyncio.to_thread(self.bot.base.revisions)
        villes, reference = configuration.villes, configuration.reference
        marche = duree_en_mots(maintenant - self.bot.lance_le)
        embed = nouvel_embed(
            "État de Passerelle",
            f"Version **{_version()}** · en marche depuis **{marche}** "
            f"({horodatage(self.bot.lance_le, 'f')})",
        )
        schema = (
            f"✅ à jour (révision {en_base})"
            if en_base == tete
            else f"⚠️ révision {en_base or 'aucune'} en base, {tete} attendue : redémarrez le bot pour migrer"
        )
        genre = self.bot.base.genre
        ajouter_champ(embed, "Base de données", f"{NOMS_BASES.get(genre, genre)}\n{schema}")
        prochaines = [
            f"• {designation.capitalize()} — {horloges(echeance, villes, reference)}"
            for designation, echeance in etat.prochaines
        ]
        ajouter_champ(
            embed,
            "Prochaines publications",
            joindre(prochaines, 1024) if prochaines else "Aucune publication prévue.",
        )
        incidents = [
            f"• {incident.designation.capitalize()} du {horloges(incident.echeance, villes, reference)} : "
            f"**{incident.quoi}** — {incident.pourquoi}"
            for incident in etat.incidents
        ]
        ajouter_champ(
            embed,
            "Incidents des 7 derniers jours (retards, sautées, échecs)",
            joindre(incidents, 1024) if incidents else "✅ Aucun : tout est parti à l'heure.",
        )
        ajouter_champ(embed, "Atelier (graphiques et PDF)", decrire_atelier(self.bot.atelier.etat()))
        for nom, decrire in sorted(self.bot.etats_annexes.items()):
            ajouter_champ(embed, nom, decrire())
        await interaction.response.send_message(embed=embed, ephemeral=True)


async def setup(bot: Passerelle) -> None:
    """Charge le cog."""
    await bot.add_cog(Statut(bot))
