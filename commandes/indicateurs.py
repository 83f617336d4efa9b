"""`/indicateur` : indicateurs de performance du protocole et leurs mesures."""

from __future__ import annotations

from functools import partial
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.arbre import repondre
from bot.client import Passerelle
from commandes._affichage import ajouter_champ, barre, nouvel_embed, texte_saisi
from commandes._completion import (
    AIDE_EDITION,
    LIMITE_CHOIX,
    completer_action,
    completer_axe,
    completer_edition,
    contexte,
)
from metier.actions.indicateurs import (
    EtatIndicateur,
    MesureCorrigee,
    corriger_mesure,
    creer_indicateur,
    lister_indicateurs_de_l_edition,
    mesure_a_supprimer,
    mesurer,
    mesures_recentes,
    rechercher_indicateurs,
    supprimer_mesure,
)
from metier.actions.registre import lire_numero
from metier.formats import arrondi, format_nombre, tronquer
from metier.protocole import chiffre_romain
from metier.temps import format_date_courte, normaliser


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


def ligne_correction(corrigee: MesureCorrigee) -> str:
    """« mesure du 20 nov. 2026 : 18 → 21 t CO₂ », « … du 20 nov. 2026 → 19 nov. 2026 : 18 t CO₂ »."""
    unite = texte_saisi(corrigee.etat.unite, 40)
    jour = f"mesure du {format_date_courte(corrigee.date_avant)}"
    valeur = format_nombre(corrigee.valeur_avant)
    apres = corrigee.apres
    if apres is not None and apres.date != corrigee.date_avant:
        jour += f" → {format_date_courte(apres.date)}"
    if apres is not None and apres.valeur != corrigee.valeur_avant:
        valeur += f" → {format_nombre(apres.valeur)}"
    return f"{jour} : {valeur} {unite}"


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

    async def completer_mesure(
        self, interaction: discord.Interaction[Passerelle], saisie: str
    ) -> list[app_commands.Choice[str]]:
        """Propose les dernières mesures de l'indicateur choisi (« 20 nov. 2026 : 18 »)."""
        assert interaction.guild_id is not None
        numero = str(interaction.namespace.indicateur or "").strip().lstrip("#")
        if not numero.isdigit() or len(numero) > 9:
            return []
        mesures = await self.bot.base.lire(
            partial(mesures_recentes, guild_id=interaction.guild_id, numero=int(numero))
        )
        cle = normaliser(saisie)
        choix = []
        for mesure in mesures:
            nom = f"{format_date_courte(mesure.date)} : {format_nombre(mesure.valeur)}"
            nom += f" ({mesure.note})" if mesure.note else ""
            if cle in normaliser(nom) or cle in mesure.date.isoformat():
                choix.append(app_commands.Choice(name=tronquer(nom, 100), value=mesure.date.isoformat()))
        return choix[:LIMITE_CHOIX]

    @app_commands.command(name="corriger", description="Corrige la valeur, la date ou la note d'une mesure")
    @app_commands.describe(
        indicateur="Numéro ou nom de l'indicateur",
        mesure="Date de la mesure à corriger (la liste propose les dernières)",
        valeur="Nouvelle valeur, par exemple 21 ou 12,5",
        date="Nouvelle date de la mesure : 2026-11-20, 20/11/2026…",
        note="Nouvelle note : source ou commentaire",
    )
    @app_commands.autocomplete(indicateur=completer_indicateur, mesure=completer_mesure)
    async def corriger(
        self,
        interaction: discord.Interaction[Passerelle],
        indicateur: str,
        mesure: app_commands.Range[str, 1, 40],
        valeur: app_commands.Range[str, 1, 30] | None = None,
        date: app_commands.Range[str, 1, 40] | None = None,
        note: app_commands.Range[str, 1, 1000] | None = None,
    ) -> None:
        """Corrige une mesure (son auteur ou la coordination)."""
        guild_id, _, coordination = await contexte(interaction)
        corrigee = await self.bot.base.ecrire(
            partial(
                corriger_mesure,
                guild_id=guild_id,
                auteur_id=interaction.user.id,
                est_coordination=coordination,
                numero=lire_numero(indicateur, quoi="d'indicateur"),
                jour=mesure,
                valeur=valeur,
                nouvelle_date=date,
                note=note,
                maintenant=self.bot.maintenant(),
            )
        )
        etat = corrigee.etat
        await repondre(
            interaction,
            f"Mesure corrigée pour **n° {etat.numero}** {texte_saisi(etat.nom, 200)} "
            f"(par {interaction.user.mention}) : {ligne_correction(corrigee)}.\n{ligne_indicateur(etat)}",
        )

    @app_commands.command(name="supprimer-mesure", description="Supprime une mesure saisie par erreur")
    @app_commands.describe(
        indicateur="Numéro ou nom de l'indicateur",
        mesure="Date de la mesure à supprimer (la liste propose les dernières)",
        confirmer="True pour supprimer ; sinon la commande dit seulement ce qu'elle supprimerait",
    )
    @app_commands.autocomplete(indicateur=completer_indicateur, mesure=completer_mesure)
    async def supprimer_une_mesure(
        self,
        interaction: discord.Interaction[Passerelle],
        indicateur: str,
        mesure: app_commands.Range[str, 1, 40],
        confirmer: bool = False,
    ) -> None:
        """Supprime une mesure (son auteur ou la coordination), après confirmation."""
        guild_id, _, coordination = await contexte(interaction)
        designation: dict[str, Any] = {
            "guild_id": guild_id,
            "auteur_id": interaction.user.id,
            "est_coordination": coordination,
            "numero": lire_numero(indicateur, quoi="d'indicateur"),
            "jour": mesure,
            "maintenant": self.bot.maintenant(),
        }
        if not confirmer:
            visee, saisie = await self.bot.base.lire(partial(mesure_a_supprimer, **designation))
            await repondre(
                interaction,
                f"Supprimer la mesure du {format_date_courte(saisie.date)} ({format_nombre(saisie.valeur)} "
                f"{texte_saisi(visee.unite, 40)}) de **n° {visee.numero}** {texte_saisi(visee.nom, 200)} ? "
                "Relancez la commande avec l'option `confirmer` à « True ». Rien n'a été supprimé.",
                ephemere=True,
            )
            return
        supprimee = await self.bot.base.ecrire(partial(supprimer_mesure, **designation))
        etat = supprimee.etat
        await repondre(
            interaction,
            f"Mesure supprimée de **n° {etat.numero}** {texte_saisi(etat.nom, 200)} "
            f"(par {interaction.user.mention}) : {ligne_correction(supprimee)} (gardée au journal).\n"
            f"{ligne_indicateur(etat)}",
        )

    @app_commands.command(
        name="liste", description="Liste les indicateurs, leur dernière valeur et leur progression"
    )
    @app_commands.describe(axe="Seulement les indicateurs de cet axe", edition=AIDE_EDITION)
    @app_commands.autocomplete(axe=completer_axe)
    @app_commands.autocomplete(edition=completer_edition)
    async def liste(
        self,
        interaction: discord.Interaction[Passerelle],
        axe: app_commands.Range[int, 1, 99] | None = None,
        edition: app_commands.Range[str, 1, 100] | None = None,
    ) -> None:
        """Liste les indicateurs d'une édition (l'édition en vigueur par défaut)."""
        assert interaction.guild_id is not None
        liste = await self.bot.base.lire(
            partial(lister_indicateurs_de_l_edition, guild_id=interaction.guild_id, edition=edition, axe=axe)
        )
        etats = liste.indicateurs
        dans = f" dans l'axe {chiffre_romain(axe)}" if axe is not None else ""
        if not liste.courante:
            dans += f" de l'édition {liste.edition}"
        if not etats:
            conseil = (
                "ajoutez-en avec `/indicateur ajouter`."
                if liste.courante
                else "voyez l'édition en vigueur (sans l'option `edition`)."
            )
            await repondre(interaction, f"Aucun indicateur{dans} : {conseil}", ephemere=True)
            return
        description = "Progression de la valeur de départ vers la cible."
        if liste.au is not None:
            description = (
                f"Édition {liste.edition}, telle qu'à sa fin ({format_date_courte(liste.au)}) : "
                "dernière mesure de l'édition, progression de la valeur de départ vers la cible. "
                "Ceux qui ont suivi leur axe dans l'édition suivante y continuent sous le même numéro."
            )
        titre = "Indicateurs de performance" + ("" if liste.courante else f" — édition {liste.edition}")
        embed = nouvel_embed(titre, description)
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
