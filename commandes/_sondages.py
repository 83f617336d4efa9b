"""Vote sur des créneaux communs côté Discord : le champ des voix, les boutons, « Planifier ce créneau »."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import timedelta
from functools import partial
from typing import Any

import discord

from bot.arbre import BoutonPersistant, repondre, signaler_erreur
from bot.client import Passerelle
from bot.evenements import Evenement
from commandes._affichage import ajouter_champ, horodatage, texte_saisi
from commandes._completion import contexte
from metier.erreurs import RefusDroits
from metier.formats import pluriel
from metier.reunions.horloges import horloges
from metier.reunions.registre import planifier_reunion
from metier.reunions.sondages import EtatSondage, clore_sondage, etat_sondage, voter
from metier.temps import Ville
from modeles import Recurrence

NOM_CHAMP = "Vote"
RAPPELS_PAR_DEFAUT = [timedelta(hours=24), timedelta(hours=1)]


def texte_vote(etat: EtatSondage, villes: Sequence[Ville]) -> str:
    """Chaque proposition, ses voix ; le résultat une fois le vote clos."""
    lignes = [
        f"**{rang}.** {horloges(c.debut, villes, villes[0])} — {horodatage(c.debut)} · "
        f"{pluriel(voix, 'voix', 'voix')}"
        for rang, (c, voix) in enumerate(zip(etat.propositions, etat.voix, strict=True), start=1)
    ]
    if etat.sondage.clos:
        retenue = etat.retenue
        if retenue:
            voix = pluriel(etat.voix[retenue - 1], "voix", "voix")
            lignes.append(f"🔒 Vote clos. Retenu : proposition **{retenue}** ({voix}).")
        else:
            lignes.append("🔒 Vote clos, sans aucune voix.")
    else:
        lignes.append("Un vote par membre ; voter à nouveau remplace votre choix.")
    return "\n".join(lignes)


def vue_vote(etat: EtatSondage) -> discord.ui.View:
    """Un bouton par proposition et « Clore le vote » ; après la clôture, « Planifier ce créneau »."""
    vue = discord.ui.View(timeout=None)
    identifiant = etat.sondage.id or 0
    if etat.sondage.clos:
        if etat.retenue:
            vue.add_item(BoutonVote(identifiant, "planifier"))
        return vue
    for rang in range(1, len(etat.propositions) + 1):
        vue.add_item(BoutonVote(identifiant, str(rang)))
    vue.add_item(BoutonVote(identifiant, "clore"))
    return vue


def mettre_a_jour(embed: discord.Embed, etat: EtatSondage, villes: Sequence[Ville]) -> discord.Embed:
    """Remplace (ou ajoute) le champ des voix de l'embed."""
    for index, champ in enumerate(embed.fields):
        if champ.name == NOM_CHAMP:
            embed.set_field_at(index, name=NOM_CHAMP, value=texte_vote(etat, villes), inline=False)
            return embed
    ajouter_champ(embed, NOM_CHAMP, texte_vote(etat, villes))
    return embed


LIBELLES = {"clore": "🔒 Clore le vote", "planifier": "📅 Planifier ce créneau"}


class BoutonVote(BoutonPersistant, template=r"vote:(?P<sondage>\d+):(?P<choix>\d|clore|planifier)"):
    """Voter pour une proposition, clore le vote, ou planifier le créneau retenu."""

    def __init__(self, sondage_id: int, choix: str) -> None:
        self.sondage_id, self.choix = sondage_id, choix
        super().__init__(
            discord.ui.Button(
                label=LIBELLES.get(choix, f"Proposition {choix}"),
                style=discord.ButtonStyle.primary if choix.isdigit() else discord.ButtonStyle.secondary,
                custom_id=f"vote:{sondage_id}:{choix}",
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> BoutonVote:
        """Recrée le bouton à partir de son identifiant."""
        return cls(int(match["sondage"]), match["choix"])

    async def agir(self, interaction: discord.Interaction[Any]) -> None:
        """Vote, clôture, ou ouverture de la fenêtre de planification."""
        bot: Passerelle = interaction.client
        guild_id, configuration, coordination = await contexte(interaction)
        maintenant = bot.maintenant()
        if self.choix == "planifier":
            if not coordination:
                raise RefusDroits("Seule la coordination du protocole planifie le créneau retenu.")
            etat = await bot.base.lire(partial(etat_sondage, guild_id=guild_id, sondage_id=self.sondage_id))
            await interaction.response.send_modal(ModalePlanifier(etat))
            return
        if self.choix == "clore":
            etat = await bot.base.ecrire(
                partial(
                    clore_sondage,
                    guild_id=guild_id,
                    sondage_id=self.sondage_id,
                    membre_id=interaction.user.id,
                    est_coordination=coordination,
                    maintenant=maintenant,
                )
            )
            suite = "Vote clos."
        else:
            etat, remplace = await bot.base.ecrire(
                partial(
                    voter,
                    guild_id=guild_id,
                    sondage_id=self.sondage_id,
                    membre_id=interaction.user.id,
                    rang=int(self.choix),
                    maintenant=maintenant,
                )
            )
            suite = f"Vote noté : proposition {self.choix}" + (
                " (il remplace votre vote précédent)." if remplace else "."
            )
        message = interaction.message
        if message is not None and message.embeds:
            embed = mettre_a_jour(message.embeds[0], etat, configuration.villes)
            await interaction.response.edit_message(embed=embed, view=vue_vote(etat))
        else:
            await interaction.response.defer()
        await interaction.followup.send(suite, ephemeral=True)


class ModalePlanifier(discord.ui.Modal):
    """Le titre de la réunion à planifier sur le créneau retenu."""

    def __init__(self, etat: EtatSondage) -> None:
        super().__init__(title="Planifier le créneau retenu")
        self.etat = etat
        self.titre: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label="Titre de la réunion", max_length=200, custom_id="vote:titre"
        )
        self.add_item(self.titre)

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        """Planifie une réunion unique au créneau retenu, dans l'horloge de la première ville."""
        bot: Passerelle = interaction.client
        guild_id, configuration, coordination = await contexte(interaction)
        if not coordination:
            raise RefusDroits("Seule la coordination du protocole planifie le créneau retenu.")
        retenue = self.etat.retenue
        assert retenue is not None
        creneau = self.etat.propositions[retenue - 1]
        ville = configuration.villes[0]
        local = ville.heure_locale(creneau.debut)
        planifiee = await bot.base.ecrire(
            partial(
                planifier_reunion,
                guild_id=guild_id,
                auteur_id=interaction.user.id,
                titre=self.titre.value,
                jour=local.date(),
                heure=local.time(),
                ville_code=ville.code,
                duree=creneau.duree,
                recurrence=Recurrence.AUCUNE,
                rappels=RAPPELS_PAR_DEFAUT,
                salon_id=self.etat.sondage.salon_id or interaction.channel_id,
                lien=None,
                maintenant=bot.maintenant(),
            )
        )
        bot.dispatch(Evenement.REUNIONS_MODIFIEES, guild_id)
        await repondre(
            interaction,
            f"Réunion **#{planifiee.reunion.numero}** « {texte_saisi(planifiee.reunion.titre, 200)} » "
            f"planifiée le {horloges(creneau.debut, configuration.villes, ville)} "
            f"({horodatage(creneau.debut)}) par {interaction.user.mention}. Détails : "
            f"`/reunion voir {planifiee.reunion.numero}`.",
        )

    async def on_error(self, interaction: discord.Interaction[Any], error: Exception) -> None:  # type: ignore[override]
        """Même traducteur que les commandes."""
        await signaler_erreur(interaction, error, "planification du créneau retenu")
