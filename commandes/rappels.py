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

from bot.arbre import BoutonPersistant, repondre
from bot.client import Passerelle
from bot.limites import LIMITE_MESSAGE, LIMITE_VALEUR_CHAMP
from bot.livraison import Publication
from commandes._affichage import MENTION_RETARD, ajouter_champ, horodatage, joindre, nouvel_embed, texte_saisi
from commandes._seances import ligne_seance, noms_par_ville, ville_du_membre
from metier.formats import pluriel, tronquer
from metier.publications.livraisons import TypeLivraison
from metier.publications.ordre_du_jour import PointAction
from metier.publications.prives import (
    Inscription,
    basculer_rappel_prive,
    contexte_prive,
    retirer_rappel_prive,
)
from metier.publications.rappels import (
    REPONSES,
    contexte_avis_ecart,
    contexte_rappel,
    presences_nommees,
    repondre_presence,
)
from metier.reunions.comptes_rendus import Present
from metier.reunions.horloges import horloges
from metier.reunions.registre import ville_d_ancrage
from metier.reunions.saisie import format_rappel
from metier.reunions.series import lire_cle_occurrence
from metier.serveurs import Configuration
from metier.temps import Ville, format_date_courte, format_date_longue, format_duree, format_heure
from modeles import Livraison

NOM_PRESENCES = "Présences"
LIBELLE_PRIVE = "✉️ Me le rappeler en privé"
LIBELLE_ARRET_PRIVE = "Ne plus me le rappeler en privé"
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
    """« Me le rappeler en privé » : inscrit aux rappels suivants en message privé, ou retire."""

    def __init__(self, reunion_id: int, seance: str) -> None:
        self.reunion_id, self.seance = reunion_id, seance
        super().__init__(
            discord.ui.Button(
                label=LIBELLE_PRIVE,
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
        """Inscrit (ou retire) le membre ; lui dit, en privé, ce qui va se passer."""
        bot: Passerelle = interaction.client
        assert interaction.guild_id is not None
        inscription = await bot.base.ecrire(
            partial(
                basculer_rappel_prive,
                guild_id=interaction.guild_id,
                reunion_id=self.reunion_id,
                membre_id=interaction.user.id,
                maintenant=bot.maintenant(),
            )
        )
        configuration = await bot.configuration(interaction.guild_id)
        await repondre(interaction, texte_inscription(inscription, configuration), ephemere=True)


class BoutonArretPrive(BoutonPersistant, template=r"prive-stop:(?P<reunion>\d+)"):
    """Sous un rappel en message privé : ne plus recevoir ceux de cette réunion."""

    def __init__(self, reunion_id: int) -> None:
        self.reunion_id = reunion_id
        super().__init__(
            discord.ui.Button(
                label=LIBELLE_ARRET_PRIVE,
                style=discord.ButtonStyle.secondary,
                custom_id=f"prive-stop:{reunion_id}",
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> BoutonArretPrive:
        """Recrée le bouton à partir de son identifiant."""
        return cls(int(match["reunion"]))

    async def agir(self, interaction: discord.Interaction[Any]) -> None:
        """Retire l'inscription ; le message privé n'a pas de serveur, la réunion le donne."""
        bot: Passerelle = interaction.client
        inscription = await bot.base.ecrire(
            partial(retirer_rappel_prive, reunion_id=self.reunion_id, membre_id=interaction.user.id)
        )
        await repondre(
            interaction,
            f"C'est noté : vous ne recevrez plus en privé les rappels de « "
            f"{texte_saisi(inscription.reunion.titre, 200)} ». Le bouton « {LIBELLE_PRIVE} » sous un "
            "rappel du serveur vous réinscrit.",
            ephemere=True,
        )


def texte_inscription(inscription: Inscription, configuration: Configuration) -> str:
    """Ce qui va se passer après le clic : quand le prochain message privé partira, et pour quelle séance."""
    titre = texte_saisi(inscription.reunion.titre, 200)
    if not inscription.inscrit:
        return (
            f"C'est noté : vous ne recevrez plus en privé les rappels de « {titre} ». "
            "Cliquez de nouveau sur ce bouton pour vous réinscrire."
        )
    lignes = [f"C'est noté : je vous écrirai en privé à chaque rappel de « {titre} »."]
    if inscription.prochain is not None:
        envoi, debut = inscription.prochain
        ancre = ville_d_ancrage(configuration, inscription.reunion)
        lignes.append(
            f"Prochain message : {horodatage(envoi)} ({horodatage(envoi, 'R')}), pour la séance du "
            f"{horloges(debut, configuration.villes, ancre)}."
        )
    else:
        lignes.append("Le prochain rappel de cette réunion n'est pas encore planifié : il vous sera envoyé.")
    lignes.append(
        "Gardez vos messages privés ouverts aux membres de ce serveur. Pour arrêter : cliquez de nouveau sur "
        f"ce bouton, ou sur « {LIBELLE_ARRET_PRIVE} » dans le message privé."
    )
    return "\n".join(lignes)


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
        bot.livreur.enregistrer(TypeLivraison.PRIVE, self.publication_privee)

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

    async def publication_privee(self, livraison: Livraison, en_retard: bool) -> Publication | None:
        """Le rappel en message privé : la séance dans l'horloge de chaque ville, le lien, le serveur."""
        contexte = await self.bot.base.lire(partial(contexte_prive, livraison_id=livraison.id or 0))
        if contexte is None:
            return None
        reunion, seance = contexte.reunion, contexte.seance
        ancre = ville_d_ancrage(contexte.configuration, reunion)
        lignes = [
            f"🔔 Rappel : **{texte_saisi(reunion.titre, 200)}** — {horodatage(seance.debut)} "
            f"({horodatage(seance.debut, 'R')})",
            ligne_seance(seance, contexte.configuration.villes, ancre),
        ]
        if en_retard:
            lignes.insert(0, MENTION_RETARD)
        if reunion.lien:
            lignes.append(f"Lien : {texte_saisi(reunion.lien, 500)}")
        if (guild := self.bot.get_guild(reunion.guild_id)) is not None:
            lignes.append(f"Serveur : {texte_saisi(guild.name, 100)} · réunion #{reunion.numero}")
        vue = discord.ui.View(timeout=None)
        vue.add_item(BoutonArretPrive(reunion.id or 0))
        return Publication(contenu=tronquer("\n".join(lignes), LIMITE_MESSAGE), vue=vue)

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
    bot.add_dynamic_items(BoutonPresence, BoutonPrive, BoutonArretPrive)
    await bot.add_cog(Rappels(bot))
