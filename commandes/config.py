"""`/config` : salons, horaire du résumé, rôle de coordination, page de suivi hors de Discord."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any, Literal, TypeVar

import discord
from discord import app_commands
from discord.ext import commands

from bot.arbre import repondre
from bot.client import Passerelle
from bot.evenements import Evenement
from commandes._affichage import ajouter_champ, horodatage, nouvel_embed
from commandes._completion import completer_ville
from commandes._droits import exiger_coordination
from commandes._salons import permissions_manquantes, verifier_role_notifiable, verifier_salon_publiable
from metier.erreurs import ErreurMetier
from metier.page import LIBELLES_MODE, activer_page, desactiver_page, lire_page, renouveler_page
from metier.serveurs import (
    Configuration,
    definir_horaire_resume,
    definir_role_coordination,
    definir_role_rappels,
    definir_salon,
)
from metier.temps import JOURS_SEMAINE, analyser_heure, format_heure, heure_comprise, prochaine_hebdomadaire
from modeles import ModePage
from web import liens

R = TypeVar("R")


@app_commands.guild_only()
class Config(
    commands.GroupCog, group_name="config", group_description="Configuration de Passerelle pour ce serveur"
):
    """Configuration du serveur."""

    def __init__(self, bot: Passerelle) -> None:
        self.bot = bot
        super().__init__()

    async def _configuration(self, interaction: discord.Interaction[Passerelle]) -> Configuration:
        assert interaction.guild_id is not None
        return await self.bot.configuration(interaction.guild_id)

    async def _coordination(self, interaction: discord.Interaction[Passerelle]) -> Configuration:
        configuration = await self._configuration(interaction)
        exiger_coordination(interaction, configuration.config.role_coordination_id)
        return configuration

    async def _modifier(
        self,
        interaction: discord.Interaction[Passerelle],
        regle: Callable[..., Configuration],
        **valeurs: Any,
    ) -> Configuration:
        """Applique une règle de configuration, journalisée, puis oublie la copie en mémoire."""
        assert interaction.guild_id is not None
        configuration = await self.bot.base.ecrire(
            partial(
                regle,
                guild_id=interaction.guild_id,
                auteur_id=interaction.user.id,
                maintenant=self.bot.maintenant(),
                **valeurs,
            )
        )
        self.bot.oublier_configuration(interaction.guild_id)
        self.bot.dispatch(Evenement.CONFIGURATION_MODIFIEE, interaction.guild_id)
        return configuration

    @app_commands.command(name="voir", description="Affiche la configuration de Passerelle sur ce serveur")
    async def voir(self, interaction: discord.Interaction[Passerelle]) -> None:
        """Montre les réglages et ce qu'il reste à configurer."""
        assert interaction.guild is not None
        configuration = await self._configuration(interaction)
        embed = self._embed(interaction.guild, configuration)
        page = await self.bot.base.lire(lire_page, interaction.guild.id)
        if page is not None and page.ouverte:
            etat = (
                f"Ouverte, {LIBELLES_MODE[ModePage(page.mode)]}. Son lien a été donné à l'ouverture ; "
                "`/config page renouveler` en donne un nouveau, `/config page desactiver` la ferme."
            )
        else:
            etat = "Fermée : rien n'est publié hors de Discord. `/config page activer` l'ouvre."
        ajouter_champ(embed, "Page de suivi et agendas", etat)
        await interaction.response.send_message(embed=embed, ephemeral=True)

    def _embed(self, guild: discord.Guild, configuration: Configuration) -> discord.Embed:
        config = configuration.config
        embed = nouvel_embed("Configuration de Passerelle", "Réglages de ce serveur.")
        ajouter_champ(
            embed, "Villes partenaires", "\n".join(f"{v.nom} ({v.fuseau})" for v in configuration.villes)
        )
        ajouter_champ(
            embed,
            "Salon du résumé hebdomadaire",
            _etat_salon(
                guild, config.salon_resume_id, "le résumé hebdomadaire ne sera pas publié", "salon-resume"
            ),
        )
        ajouter_champ(
            embed,
            "Salon des rappels",
            _etat_salon(
                guild,
                config.salon_rappels_id,
                "les rappels iront dans le salon choisi pour chaque réunion",
                "salon-rappels",
            ),
        )
        ville = configuration.reference  # la ville du résumé, ou la première si elle a été retirée
        prochain = prochaine_hebdomadaire(
            config.resume_jour, config.resume_heure, ville, self.bot.maintenant()
        )
        autres = ", ".join(
            f"{format_heure(v.heure_locale(prochain))} à {v.nom}" for v in configuration.villes if v != ville
        )
        ajouter_champ(
            embed,
            "Horaire du résumé",
            f"Chaque {JOURS_SEMAINE[config.resume_jour]} à {format_heure(config.resume_heure)} à {ville.nom}"
            + (f" ({autres} cette semaine)" if autres else "")
            + f"\nProchain : {horodatage(prochain)}",
        )
        role = (
            f"<@&{config.role_coordination_id}>"
            if config.role_coordination_id
            else "Aucun : seuls les membres qui peuvent « Gérer le serveur » modifient la configuration. "
            "Choisissez-en un avec `/config role-coordination`."
        )
        ajouter_champ(embed, "Rôle de coordination", role)
        ajouter_champ(
            embed,
            "Rôle notifié par les rappels",
            f"<@&{config.role_rappels_id}> (sauf réunion qui en choisit un autre)"
            if config.role_rappels_id
            else "Aucun : les rappels ne notifient personne. Choisissez-en un avec `/config role-rappels`.",
        )
        return embed

    @app_commands.command(
        name="salon-resume", description="Choisit le salon où publier le résumé hebdomadaire"
    )
    @app_commands.describe(salon="Salon textuel où je publierai le résumé chaque semaine")
    async def salon_resume(
        self, interaction: discord.Interaction[Passerelle], salon: discord.TextChannel
    ) -> None:
        """Choisit le salon du résumé hebdomadaire."""
        await self._definir_salon(interaction, "resume", salon)

    @app_commands.command(
        name="salon-rappels", description="Choisit le salon où publier les rappels de réunion"
    )
    @app_commands.describe(
        salon="Salon textuel où je publierai les rappels et les changements d'écart horaire"
    )
    async def salon_rappels(
        self, interaction: discord.Interaction[Passerelle], salon: discord.TextChannel
    ) -> None:
        """Choisit le salon des rappels."""
        await self._definir_salon(interaction, "rappels", salon)

    async def _definir_salon(
        self,
        interaction: discord.Interaction[Passerelle],
        type_salon: Literal["resume", "rappels"],
        salon: discord.TextChannel,
    ) -> None:
        assert interaction.guild is not None
        await self._coordination(interaction)
        salon = verifier_salon_publiable(interaction.guild, salon.id)
        await self._modifier(interaction, definir_salon, type_salon=type_salon, salon_id=salon.id)
        quoi = (
            "le résumé hebdomadaire sera publié" if type_salon == "resume" else "les rappels seront publiés"
        )
        await repondre(interaction, f"C'est noté : {quoi} dans {salon.mention}.")

    @app_commands.command(name="resume-horaire", description="Fixe le jour et l'heure du résumé hebdomadaire")
    @app_commands.describe(
        jour="Jour de la semaine du résumé",
        heure="Heure de publication, par exemple 09:00, 9h ou 14 h 30",
        ville="Ville dont l'horloge fait foi pour cette heure",
    )
    @app_commands.autocomplete(ville=completer_ville)
    @app_commands.choices(
        jour=[app_commands.Choice(name=nom, value=i) for i, nom in enumerate(JOURS_SEMAINE)]
    )
    async def resume_horaire(
        self,
        interaction: discord.Interaction[Passerelle],
        jour: app_commands.Choice[int],
        heure: app_commands.Range[str, 1, 20],
        ville: app_commands.Range[str, 1, 40],
    ) -> None:
        """Fixe l'horaire du résumé hebdomadaire."""
        assert interaction.guild is not None
        configuration = await self._coordination(interaction)
        heure_lue = analyser_heure(heure)
        ville_choisie = configuration.ville(ville)
        configuration = await self._modifier(
            interaction,
            definir_horaire_resume,
            jour=jour.value,
            heure=heure_lue,
            ville_code=ville_choisie.code,
        )
        prochain = prochaine_hebdomadaire(jour.value, heure_lue, ville_choisie, self.bot.maintenant())
        horloges = " · ".join(
            f"{v.nom} : {format_heure(v.heure_locale(prochain))}" for v in configuration.villes
        )
        comprise = heure_comprise(heure)
        await repondre(
            interaction,
            f"C'est noté : le résumé sera publié chaque {JOURS_SEMAINE[jour.value]} à "
            f"{format_heure(heure_lue)} à {ville_choisie.nom}.\n"
            f"Prochain : {horodatage(prochain)} ({horloges})." + (f"\nℹ️ {comprise}" if comprise else ""),
        )

    @app_commands.command(
        name="role-coordination", description="Choisit le rôle de la coordination du protocole"
    )
    @app_commands.describe(role="Rôle dont les membres gèrent la configuration, les réunions et le rapport")
    async def role_coordination(
        self, interaction: discord.Interaction[Passerelle], role: discord.Role
    ) -> None:
        """Choisit le rôle de coordination."""
        assert interaction.guild is not None
        await self._coordination(interaction)
        if role.is_default():
            raise ErreurMetier(
                "@everyone ne peut pas être le rôle de coordination : choisissez un rôle précis."
            )
        await self._modifier(interaction, definir_role_coordination, role_id=role.id)
        await repondre(interaction, f"C'est noté : le rôle de coordination est désormais {role.mention}.")

    page = app_commands.Group(
        name="page",
        description="Page de suivi du protocole hors de Discord : l'ouvrir, changer son lien, la fermer",
    )

    @page.command(name="activer", description="Ouvre la page de suivi et donne son lien secret (à vous seul)")
    @app_commands.describe(
        mode="privée : les responsables sont nommés ; publique (site d'une ville) : désignés par leur ville"
    )
    @app_commands.choices(
        mode=[
            app_commands.Choice(name="privée (pour le groupe et les élus)", value=ModePage.PRIVEE.value),
            app_commands.Choice(name="publique (personne n'est nommé)", value=ModePage.PUBLIQUE.value),
        ]
    )
    async def page_activer(
        self, interaction: discord.Interaction[Passerelle], mode: app_commands.Choice[str] | None = None
    ) -> None:
        """Ouvre la page de suivi ; déjà ouverte, change son mode."""
        await self._coordination(interaction)
        choisi = ModePage(mode.value) if mode else ModePage.PRIVEE
        resultat = await self._modifier_page(interaction, partial(activer_page, mode=choisi))
        if resultat.jeton is None:
            await repondre(
                interaction,
                f"C'est noté : la page de suivi est désormais {LIBELLES_MODE[choisi]}. "
                "Son lien ne change pas.",
                ephemere=True,
            )
            return
        await repondre(
            interaction,
            f"La page de suivi est ouverte ; elle est {LIBELLES_MODE[choisi]}.\n"
            f"{self._lien_page(resultat.jeton)}\n"
            "Ce lien n'est montré qu'une fois et à vous seul : gardez-le. Quiconque l'a peut lire la page. "
            "`/config page renouveler` en donne un nouveau (l'ancien cesse aussitôt de fonctionner), "
            "`/config page desactiver` la ferme.",
            ephemere=True,
        )

    @page.command(
        name="renouveler", description="Donne un nouveau lien à la page de suivi ; l'ancien ne marche plus"
    )
    async def page_renouveler(self, interaction: discord.Interaction[Passerelle]) -> None:
        """Remplace le lien secret de la page."""
        await self._coordination(interaction)
        resultat = await self._modifier_page(interaction, renouveler_page)
        assert resultat.jeton is not None
        await repondre(
            interaction,
            f"Nouveau lien de la page de suivi :\n{self._lien_page(resultat.jeton)}\n"
            "L'ancien lien mène désormais à « page introuvable ». "
            "Ce lien n'est montré qu'une fois : gardez-le.",
            ephemere=True,
        )

    @page.command(name="desactiver", description="Ferme la page de suivi et les agendas abonnés")
    async def page_desactiver(self, interaction: discord.Interaction[Passerelle]) -> None:
        """Ferme la page : plus rien n'est servi pour ce serveur."""
        await self._coordination(interaction)
        await self._modifier_page(interaction, desactiver_page)
        await repondre(
            interaction,
            "La page de suivi est fermée, et les agendas abonnés avec elle : leurs liens mènent à « page "
            "introuvable ». `/config page activer` la rouvre avec un nouveau lien.",
            ephemere=True,
        )

    async def _modifier_page(
        self, interaction: discord.Interaction[Passerelle], regle: Callable[..., R]
    ) -> R:
        assert interaction.guild_id is not None
        return await self.bot.base.ecrire(
            partial(
                regle,
                guild_id=interaction.guild_id,
                auteur_id=interaction.user.id,
                maintenant=self.bot.maintenant(),
            )
        )

    def _lien_page(self, jeton: str) -> str:
        return liens.lien(self.bot.reglages.adresse_web, liens.chemin_page(jeton))

    @app_commands.command(
        name="role-rappels", description="Choisit le rôle que les rappels de réunion mentionnent (ou aucun)"
    )
    @app_commands.describe(
        role="Rôle à notifier à chaque rappel (sans rôle : les rappels ne notifient plus personne)"
    )
    async def role_rappels(
        self, interaction: discord.Interaction[Passerelle], role: discord.Role | None = None
    ) -> None:
        """Choisit le rôle notifié par les rappels ; sans rôle, plus aucune notification."""
        configuration = await self._coordination(interaction)
        if role is not None:
            assert interaction.guild is not None
            salon = interaction.guild.get_channel(configuration.config.salon_rappels_id or 0)
            verifier_role_notifiable(role, salon if isinstance(salon, discord.TextChannel) else None)
        await self._modifier(interaction, definir_role_rappels, role_id=role.id if role else None)
        if role is None:
            await repondre(interaction, "C'est noté : les rappels ne mentionnent plus aucun rôle.")
            return
        await repondre(
            interaction,
            f"C'est noté : les rappels mentionneront {role.mention} (seulement ce rôle), sauf pour les "
            "réunions qui en choisissent un autre avec l'option « notifier ».",
        )


def _etat_salon(guild: discord.Guild, salon_id: int | None, sans: str, commande: str) -> str:
    if salon_id is None:
        return f"Aucun : {sans}. Choisissez-en un avec `/config {commande}`."
    salon = guild.get_channel(salon_id)
    if not isinstance(salon, discord.TextChannel):
        return f"⚠️ Le salon choisi n'existe plus. Choisissez-en un autre avec `/config {commande}`."
    manquantes = permissions_manquantes(salon, guild.me)
    if manquantes:
        return f"⚠️ {salon.mention} : il me manque " + ", ".join(f"« {m} »" for m in manquantes) + "."
    return salon.mention


async def setup(bot: Passerelle) -> None:
    """Charge le cog."""
    await bot.add_cog(Config(bot))
