"""Rappels de réunion (ordre du jour, présences) et avis de changement d'écart horaire."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import timedelta
from functools import partial
from typing import Any

import discord
from discord.ext import commands

from bot.arbre import BoutonPersistant
from bot.client import Passerelle
from bot.limites import LIMITE_VALEUR_CHAMP
from bot.livraison import Publication
from commandes._affichage import MENTION_RETARD, ajouter_champ, horodatage, joindre, nouvel_embed, texte_saisi
from commandes._seances import ligne_seance, noms_par_ville, ville_du_membre
from metier.formats import pluriel
from metier.publications.livraisons import TypeLivraison
from metier.publications.ordre_du_jour import PointAction
from metier.publications.rappels import (
    REPONSES,
    contexte_avis_ecart,
    contexte_rappel,
    presences_nommees,
    repondre_presence,
    seance_a_venir,
)
from metier.reunions.comptes_rendus import Present
from metier.reunions.registre import ville_d_ancrage
from metier.reunions.saisie import format_rappel
from metier.reunions.series import lire_cle_occurrence
from metier.temps import Ville, format_date_courte, format_date_longue, format_duree, format_heure
from modeles import Livraison

NOM_PRESENCES = "Présences"
LIBELLES = {"present": "✅ Présent", "absent": "❌ Absent", "peut_etre": "❔ Peut-être"}


def texte_presences(
    comptes: dict[str, int], nommees: dict[str, list[Present]] | None = None, villes: Sequence[Ville] = ()
) -> str:
    """« ✅ 3 présents · ❌ 1 absent · ❔ 0 peut-être », puis qui a répondu quoi, groupé par ville."""
    lignes = [
        " · ".join(
            f"{LIBELLES[cle].split()[0]} {comptes.get(cle, 0)} {REPONSES[cle]}"
            + ("s" if comptes.get(cle, 0) > 1 and cle != "peut_etre" else "")
            for cle in REPONSES
        )
    ]
    for cle, presents in (nommees or {}).items():
        if presents:
            lignes.append(f"{LIBELLES[cle].split()[0]} {noms_par_ville(presents, villes)}")
    return joindre(lignes, LIMITE_VALEUR_CHAMP)


def texte_points(points: list[PointAction], total: int, avec_echeance: bool = False) -> str:
    """Les actions citées à l'ordre du jour, une par ligne ; ce qui ne tient pas est compté."""
    lignes = [
        f"**#{p.numero}** {texte_saisi(p.titre, 80)} — {p.avancement}\u00a0%"
        + (f" · {format_date_courte(p.echeance)}" if avec_echeance and p.echeance else "")
        for p in points
    ]
    if total > len(points):
        lignes.append(f"… et {pluriel(total - len(points), 'autre')} (voir `/action liste`)")
    return "\n".join(lignes) or "—"


class BoutonPresence(
    BoutonPersistant, template=r"rsvp:(?P<reunion>\d+):(?P<seance>\d{8}T\d{4}Z):(?P<reponse>\w+)"
):
    """Présent / absent / peut-être, sous un rappel ; les comptes sont en base."""

    def __init__(self, reunion_id: int, seance: str, reponse: str) -> None:
        self.reunion_id, self.seance, self.reponse = reunion_id, seance, reponse
        super().__init__(
            discord.ui.Button(
                label=LIBELLES.get(reponse, reponse),
                style=discord.ButtonStyle.secondary,
                custom_id=f"rsvp:{reunion_id}:{seance}:{reponse}",
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> BoutonPresence:
        """Recrée le bouton à partir de son identifiant (après un redémarrage aussi)."""
        return cls(int(match["reunion"]), match["seance"], match["reponse"])

    async def agir(self, interaction: discord.Interaction[Any]) -> None:
        """Enregistre la réponse et met à jour les comptes affichés sous le rappel."""
        bot: Passerelle = interaction.client
        assert interaction.guild_id is not None
        configuration = await bot.configuration(interaction.guild_id)
        debut = lire_cle_occurrence(self.seance)
        comptes = await bot.base.ecrire(
            partial(
                repondre_presence,
                guild_id=interaction.guild_id,
                reunion_id=self.reunion_id,
                debut=debut,
                membre_id=interaction.user.id,
                reponse=self.reponse,
                maintenant=bot.maintenant(),
                ville=ville_du_membre(interaction.user, configuration.villes),
            )
        )
        nommees = await bot.base.lire(partial(presences_nommees, reunion_id=self.reunion_id, debut=debut))
        # Le nom de qui clique est relevé en parallèle (bot.noms) : on ne l'attend pas.
        for presents in nommees.values():
            presents[:] = [
                replace(p, nom=interaction.user.display_name)
                if p.membre_id == interaction.user.id and p.nom is None
                else p
                for p in presents
            ]
        message = interaction.message
        if message is not None and message.embeds:
            embed = message.embeds[0]
            for index, champ in enumerate(embed.fields):
                if champ.name == NOM_PRESENCES:
                    embed.set_field_at(
                        index,
                        name=NOM_PRESENCES,
                        value=texte_presences(comptes, nommees, configuration.villes),
                        inline=False,
                    )
            await interaction.response.edit_message(embed=embed)
        else:
            await interaction.response.defer()
        await interaction.followup.send(f"Réponse notée : {REPONSES[self.reponse]}.", ephemeral=True)


class BoutonPrive(BoutonPersistant, template=r"prive:(?P<reunion>\d+):(?P<seance>\d{8}T\d{4}Z)"):
    """« Me le rappeler en privé » : le rappel de la séance, envoyé en message privé à qui clique."""

    def __init__(self, reunion_id: int, seance: str) -> None:
        self.reunion_id, self.seance = reunion_id, seance
        super().__init__(
            discord.ui.Button(
                label="✉️ Me le rappeler en privé",
                style=discord.ButtonStyle.secondary,
                custom_id=f"prive:{reunion_id}:{seance}",
                row=1,
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> BoutonPrive:
        """Recrée le bouton à partir de son identifiant."""
        return cls(int(match["reunion"]), match["seance"])

    async def agir(self, interaction: discord.Interaction[Any]) -> None:
        """Envoie la séance en privé ; des messages privés fermés se disent sans bruit."""
        bot: Passerelle = interaction.client
        assert interaction.guild_id is not None
        seance = await bot.base.lire(
            partial(
                seance_a_venir,
                guild_id=interaction.guild_id,
                reunion_id=self.reunion_id,
                debut=lire_cle_occurrence(self.seance),
                maintenant=bot.maintenant(),
            )
        )
        configuration = await bot.configuration(interaction.guild_id)
        ancre = ville_d_ancrage(configuration, seance.reunion)
        lignes = [
            f"🔔 **{texte_saisi(seance.reunion.titre, 200)}** — {horodatage(seance.seance.debut)} "
            f"({horodatage(seance.seance.debut, 'R')})",
            ligne_seance(seance.seance, configuration.villes, ancre),
        ]
        if seance.reunion.lien:
            lignes.append(f"Lien : {texte_saisi(seance.reunion.lien, 500)}")
        if interaction.guild is not None:
            lignes.append(f"Serveur : {texte_saisi(interaction.guild.name, 100)}")
        try:
            await interaction.user.send("\n".join(lignes), allowed_mentions=discord.AllowedMentions.none())
        except discord.HTTPException:
            # Messages privés fermés (ou bloqués) : on le dit à la personne, sans erreur au journal.
            await interaction.response.send_message(
                "Je ne peux pas vous écrire en privé : vos messages privés sont fermés pour les membres de "
                "ce serveur (Paramètres de confidentialité du serveur). Le rappel reste ici.",
                ephemeral=True,
            )
            return
        await interaction.response.send_message("Rappel envoyé en message privé.", ephemeral=True)


def vue_presences(reunion_id: int, seance: str) -> discord.ui.View:
    """Les trois boutons de réponse d'une séance, et le rappel en privé."""
    vue = discord.ui.View(timeout=None)
    for reponse in REPONSES:
        vue.add_item(BoutonPresence(reunion_id, seance, reponse))
    vue.add_item(BoutonPrive(reunion_id, seance))
    return vue


class Rappels(commands.Cog):
    """Rendu des rappels et des avis ; le livreur (bot/livraison.py) les publie."""

    def __init__(self, bot: Passerelle) -> None:
        self.bot = bot
        bot.livreur.enregistrer(TypeLivraison.RAPPEL, self.publication_rappel)
        bot.livreur.enregistrer(TypeLivraison.ECART, self.publication_avis_ecart)

    async def publication_rappel(self, livraison: Livraison, en_retard: bool) -> Publication | None:
        """Le rappel d'une séance : heure dans chaque ville, lien, ordre du jour, boutons de présence."""
        contexte = await self.bot.base.lire(
            partial(contexte_rappel, livraison_id=livraison.id or 0, maintenant=self.bot.maintenant())
        )
        if contexte is None:
            return None
        reunion, seance, villes = contexte.reunion, contexte.seance, contexte.configuration.villes
        ancre = ville_d_ancrage(contexte.configuration, reunion)
        reste = timedelta(minutes=round((seance.debut - self.bot.maintenant()).total_seconds() / 60))
        dans = format_duree(reste) if reste < timedelta(days=2) else format_rappel(reste)
        description = [
            f"Dans {dans} : {horodatage(seance.debut)} ({horodatage(seance.debut, 'R')})",
            ligne_seance(seance, villes, ancre),
        ]
        if en_retard:
            description.insert(0, MENTION_RETARD)
        embed = nouvel_embed(f"🔔 Rappel : {texte_saisi(reunion.titre, 200)}", "\n".join(description))
        if reunion.lien:
            ajouter_champ(embed, "Lien", reunion.lien)
        ordre = contexte.ordre
        if contexte.suivis is not None:
            # Les suivis décidés la dernière fois ouvrent l'ordre du jour.
            jour = format_date_longue(ancre.heure_locale(contexte.suivis.debut).date())
            ajouter_champ(
                embed,
                f"Suivis de la réunion du {jour}",
                texte_saisi(contexte.suivis.texte, LIMITE_VALEUR_CHAMP),
            )
        if ordre.est_vide:
            ajouter_champ(
                embed, "Ordre du jour", "Rien de nouveau dans le registre depuis la dernière séance."
            )
        else:
            ajouter_champ(
                embed,
                "Mises à jour depuis la dernière séance",
                texte_points(ordre.mises_a_jour, ordre.totaux[0]),
            )
            ajouter_champ(embed, "Actions en retard", texte_points(ordre.en_retard, ordre.totaux[1], True))
            ajouter_champ(
                embed,
                "Échéances d'ici la prochaine séance",
                texte_points(ordre.echeances, ordre.totaux[2], True),
            )
        ajouter_champ(embed, NOM_PRESENCES, texte_presences(contexte.presences, contexte.nommees, villes))
        embed.set_footer(text=f"Réunion #{reunion.numero} · /reunion voir {reunion.numero}")
        vue = vue_presences(reunion.id or 0, seance.cle)
        role = reunion.role_notifier_id or contexte.configuration.config.role_rappels_id
        if role is None:
            return Publication(embed=embed, vue=vue)
        # Seul ce rôle est notifié : ni @everyone, ni un membre, ni ce qu'un titre pourrait contenir.
        mentions = discord.AllowedMentions(
            everyone=False, users=False, replied_user=False, roles=[discord.Object(role)]
        )
        return Publication(contenu=f"<@&{role}>", embed=embed, vue=vue, mentions=mentions)

    async def publication_avis_ecart(self, livraison: Livraison, en_retard: bool) -> Publication | None:
        """L'avis, une semaine avant, que l'écart entre villes change, et les séances qui bougent."""
        contexte = await self.bot.base.lire(partial(contexte_avis_ecart, livraison_id=livraison.id or 0))
        if contexte is None:
            return None
        changement, ville = contexte.changement, contexte.changement.ville
        local = ville.heure_locale(changement.instant)
        lignes = [
            f"Le {format_date_longue(local.date())} à {format_heure(local)}, {ville.nom} change d'heure "
            f"({horodatage(changement.instant)}) : l'écart passe de {format_duree(changement.avant)} "
            f"à **{format_duree(changement.apres)}**."
        ]
        if contexte.retour is not None:
            retour_local = contexte.retour.ville.heure_locale(contexte.retour.instant)
            lignes.append(
                f"Il reviendra à {format_duree(contexte.retour.apres)} le "
                f"{format_date_longue(retour_local.date())} ({horodatage(contexte.retour.instant, 'D')})."
            )
        if en_retard:
            lignes.insert(0, MENTION_RETARD)
        embed = nouvel_embed("🕑 L'écart horaire entre les villes change", "\n".join(lignes))
        villes = contexte.configuration.villes
        seances = [
            f"**{texte_saisi(reunion.titre, 80)}** : "
            + ligne_seance(seance, villes, ville_d_ancrage(contexte.configuration, reunion))
            for reunion, seance in contexte.seances
        ]
        ajouter_champ(
            embed,
            "Réunions qui bougent dans l'horloge de l'autre ville",
            joindre(seances, 1024) if seances else "Aucune réunion planifiée pendant ces semaines.",
        )
        return Publication(embed=embed)


async def setup(bot: Passerelle) -> None:
    """Charge le cog et ses boutons persistants."""
    bot.add_dynamic_items(BoutonPresence, BoutonPrive)
    await bot.add_cog(Rappels(bot))
