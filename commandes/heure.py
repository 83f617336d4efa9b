"""`/heure` : l'heure dans chaque ville partenaire et l'écart entre elles."""

from __future__ import annotations

from datetime import datetime, timedelta

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import Passerelle
from commandes._affichage import ajouter_champ, horodatage, nouvel_embed
from metier.temps import (
    ChangementEcart,
    Ville,
    ecart,
    format_date_longue,
    format_decalage_utc,
    format_duree,
    format_heure,
    prochain_changement_ecart,
)


class Heure(commands.Cog):
    """Heure des villes partenaires."""

    def __init__(self, bot: Passerelle) -> None:
        self.bot = bot

    @app_commands.command(name="heure", description="Heure actuelle dans chaque ville partenaire et écart")
    @app_commands.guild_only()
    async def heure(self, interaction: discord.Interaction[Passerelle]) -> None:
        """Montre l'heure de chaque ville, l'écart du jour et le prochain changement d'écart."""
        assert interaction.guild_id is not None
        configuration = await self.bot.configuration(interaction.guild_id)
        maintenant = self.bot.maintenant()
        villes = configuration.villes
        reference = villes[0]
        embed = nouvel_embed("Heure des villes partenaires", f"Maintenant : {horodatage(maintenant)}")
        for ville in villes:
            local = ville.heure_locale(maintenant)
            ajouter_champ(
                embed,
                ville.nom,
                f"**{format_heure(local)}**\n{format_date_longue(local.date())}\n"
                f"{format_decalage_utc(ville.decalage(maintenant))}",
                en_ligne=True,
            )
        for autre in villes[1:]:
            ajouter_champ(
                embed, f"{reference.nom} ↔ {autre.nom}", _ecart_et_changements(reference, autre, maintenant)
            )
        await interaction.response.send_message(embed=embed)


def _ecart_et_changements(reference: Ville, autre: Ville, maintenant: datetime) -> str:
    actuel = ecart(reference, autre, maintenant)
    sens = "de retard sur" if actuel < timedelta(0) else "d'avance sur"
    lignes = [f"Aujourd'hui, {autre.nom} a **{format_duree(abs(actuel))}** {sens} {reference.nom}."]
    changement = prochain_changement_ecart(reference, autre, maintenant)
    if changement is None:
        lignes.append("Aucun changement d'écart prévu dans l'année qui vient.")
        return "\n".join(lignes)
    lignes.append(
        f"Prochain changement : {_changement(changement)}, "
        f"l'écart passera de {format_duree(changement.avant)} à **{format_duree(changement.apres)}** "
        f"({horodatage(changement.instant, 'R')})."
    )
    retour = prochain_changement_ecart(reference, autre, changement.instant)
    if retour is not None:
        verbe = "repassera" if retour.apres == changement.avant else "passera"
        lignes.append(f"Puis {_changement(retour)}, il {verbe} à {format_duree(retour.apres)}.")
    return "\n".join(lignes)


def _changement(changement: ChangementEcart) -> str:
    """« le dimanche 14 mars 2027 à 03 h 00 à Terrebonne (<t:…:F>) »."""
    ville = changement.ville
    local = ville.heure_locale(changement.instant)
    return (
        f"le {format_date_longue(local.date())} à {format_heure(local)} à {ville.nom}, "
        f"quand {ville.nom} change d'heure ({horodatage(changement.instant)})"
    )


async def setup(bot: Passerelle) -> None:
    """Charge le cog."""
    await bot.add_cog(Heure(bot))
