"""`/rapport annuel` et `/rapport bilan` : rapport annuel, bilan final d'une édition (coordination)."""

from __future__ import annotations

import asyncio
import io
import time
from functools import partial
from typing import Final

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import Passerelle
from commandes._affichage import texte_saisi
from commandes._completion import completer_edition
from commandes._droits import exiger_coordination
from metier.editions import lire_edition, nom_edition
from metier.formats import format_nombre, pluriel, tronquer
from metier.membres import noter_membres, responsables_sans_nom
from metier.rapport.bilan import csv_du_bilan, rassembler_bilan, resume_du_bilan
from metier.rapport.donnees import (
    PREMIERE_ANNEE,
    Rapport,
    periode,
    rassembler,
    verifier_annee,
)
from rendu.bilan import produire_pdf_bilan
from rendu.rapport import produire_pdf

ANNEE_MAX_DECLAREE: Final = 2100  # la vraie borne, l'année en cours, est vérifiée à chaque demande
INTERVALLE_PROGRESSION: Final = 1.0  # secondes entre deux nouvelles du même genre (limites de Discord)
MAX_FICHIERS_PAR_MESSAGE: Final = 10
MAX_NOMS_DEMANDES: Final = 300  # par rapport ; les suivants le seront au prochain
DELAI_NOMS: Final = 5.0  # secondes pour chaque lot de 100 noms demandés à Discord

Fichier = tuple[str, bytes]


def taille_lisible(octets: int) -> str:
    """« 12,3 Mo », « 850 ko »."""
    if octets >= 1024 * 1024:
        return f"{format_nombre(round(octets / 1024 / 1024, 1))}\u00a0Mo"
    return f"{format_nombre(max(1, round(octets / 1024)))}\u00a0ko"


def repartir(fichiers: list[Fichier], limite: int) -> tuple[list[list[Fichier]], list[Fichier]]:
    """Range les fichiers en messages qui respectent la limite d'envoi ; rend aussi ceux trop gros."""
    envois: list[list[Fichier]] = []
    trop_gros: list[Fichier] = []
    for fichier in fichiers:
        taille = len(fichier[1])
        if taille > limite:
            trop_gros.append(fichier)
            continue
        for lot in envois:
            if sum(len(f[1]) for f in lot) + taille <= limite and len(lot) < MAX_FICHIERS_PAR_MESSAGE:
                lot.append(fichier)
                break
        else:
            envois.append([fichier])
    return envois, trop_gros


def resume(rapport: Rapport) -> str:
    """Le message qui accompagne les fichiers."""
    indicateurs = rapport.indicateurs
    en_bonne_voie = rapport.nb_en_bonne_voie
    if rapport.est_vide:
        bilan = "aucune activité enregistrée (le rapport le dit en deux pages)"
    else:
        bilan = (
            f"{pluriel(len(rapport.actions), 'action')} suivie{'s' if len(rapport.actions) > 1 else ''}, "
            f"{pluriel(rapport.nb_terminees, 'terminée')}, "
            f"{pluriel(len(rapport.seances_tenues), 'séance')} de réunion, "
            f"{format_nombre(en_bonne_voie)}/{format_nombre(len(indicateurs))} indicateurs en bonne voie"
        )
    return (
        f"📄 **Rapport annuel {rapport.annee}** du protocole de coopération, {periode(rapport)} : {bilan}.\n"
        "Joints : le PDF, les actions de l'année et les mesures des indicateurs en CSV "
        "(même format que /action exporter)."
    )


async def completer_noms(bot: Passerelle, guild: discord.Guild) -> None:
    """Relève auprès de Discord les noms des responsables que le bot n'a jamais vus.

    Les noms viennent de la table des membres, relevée à chaque interaction (le rapport de la ligne
    de commande les lit aussi) ; un responsable qui n'a plus rien fait depuis que le bot les relève
    y manque : on le cherche en mémoire, puis on le demande à Discord par lots de 100 (sans
    l'intention « membres », la demande par identifiants suffit). Les noms sont un confort : en cas
    de lenteur, le rapport garde l'identifiant de ceux qui manquent.
    """
    manquants = await bot.base.lire(responsables_sans_nom, guild.id)
    noms: dict[int, str] = {}
    a_demander: list[int] = []
    for identifiant in manquants:
        membre = guild.get_member(identifiant)
        if membre is None:
            a_demander.append(identifiant)
        else:
            noms[identifiant] = membre.display_name
    for debut in range(0, min(len(a_demander), MAX_NOMS_DEMANDES), 100):
        lot = a_demander[debut : debut + 100]
        try:
            trouves = await asyncio.wait_for(
                guild.query_members(user_ids=lot, limit=len(lot), cache=False), DELAI_NOMS
            )
        except (TimeoutError, discord.ClientException, discord.HTTPException):
            break
        noms.update({membre.id: membre.display_name for membre in trouves})
    if noms:
        await bot.base.ecrire(noter_membres, guild_id=guild.id, noms=noms, maintenant=bot.maintenant())


class Progression:
    """Le message « Préparation du rapport 2026 : … », mis à jour sans dépasser les limites de Discord."""

    def __init__(self, interaction: discord.Interaction[Passerelle], annee: int) -> None:
        self.interaction = interaction
        self.annee = annee
        self._derniere = -INTERVALLE_PROGRESSION

    async def annoncer(self, etape: str, *, facultative: bool = False) -> None:
        """Affiche l'étape en cours ; une étape facultative est sautée si la précédente est trop récente."""
        if facultative and time.monotonic() - self._derniere < INTERVALLE_PROGRESSION:
            return
        self._derniere = time.monotonic()
        await self.interaction.edit_original_response(
            content=f"⏳ Préparation du rapport {self.annee} : {etape}"
        )

    async def echouer(self) -> None:
        """Remplace la progression par un constat d'échec (l'explication suit, en privé)."""
        await self.interaction.edit_original_response(
            content=f"Le rapport {self.annee} n'a pas pu être produit : voir l'explication ci-dessous."
        )


@app_commands.guild_only()
class Rapports(commands.GroupCog, group_name="rapport", group_description="Rapports du protocole"):
    """Rapports annuels du protocole."""

    def __init__(self, bot: Passerelle) -> None:
        self.bot = bot
        # Un rapport à la fois : il occupe un cœur pendant quelques secondes.
        self._un_a_la_fois = asyncio.Lock()
        super().__init__()

    @app_commands.command(
        name="annuel",
        description="Produit le rapport annuel du protocole : PDF par axe et CSV (coordination)",
    )
    @app_commands.describe(annee="Année du rapport, de 2024 à l'année en cours")
    async def annuel(
        self,
        interaction: discord.Interaction[Passerelle],
        annee: app_commands.Range[int, PREMIERE_ANNEE, ANNEE_MAX_DECLAREE],
    ) -> None:
        """Rassemble l'année, dessine les graphiques, met le PDF en page, joint PDF et CSV."""
        guild = interaction.guild
        assert guild is not None
        configuration = await self.bot.configuration(guild.id)
        exiger_coordination(interaction, configuration.config.role_coordination_id)
        maintenant = self.bot.maintenant()
        verifier_annee(annee, maintenant, configuration.reference)
        await interaction.response.defer(thinking=True)
        progression = Progression(interaction, annee)
        try:
            if self._un_a_la_fois.locked():
                await progression.annoncer("en attente de la fin d'un autre rapport…")
            async with self._un_a_la_fois:
                fichiers, rapport = await self._produire(progression, guild, annee)
        except Exception:
            await progression.echouer()
            raise
        await self._envoyer(interaction, rapport, fichiers, guild.filesize_limit)

    @app_commands.command(
        name="bilan",
        description="Produit le bilan final d'une édition : PDF et CSV année par année (coordination)",
    )
    @app_commands.describe(edition="Édition, par ses années (par défaut : l'édition en vigueur)")
    @app_commands.autocomplete(edition=completer_edition)
    async def bilan(
        self,
        interaction: discord.Interaction[Passerelle],
        edition: app_commands.Range[str, 1, 100] | None = None,
    ) -> None:
        """Rassemble l'édition année par année, dessine, met en page, joint le PDF et les CSV."""
        guild = interaction.guild
        assert guild is not None
        configuration = await self.bot.configuration(guild.id)
        exiger_coordination(interaction, configuration.config.role_coordination_id)
        maintenant = self.bot.maintenant()
        # Une édition inconnue est refusée avant tout travail (message privé, rien de produit).
        choisie = await self.bot.base.lire(partial(lire_edition, guild_id=guild.id, saisie=edition))
        await interaction.response.defer(thinking=True)
        async with self._un_a_la_fois:
            await completer_noms(self.bot, guild)
            bilan = await self.bot.base.lire(
                partial(
                    rassembler_bilan, guild_id=guild.id, maintenant=maintenant, edition=nom_edition(choisie)
                )
            )
            pdf = await self.bot.atelier.executer(produire_pdf_bilan, bilan)
        fichiers = [(f"bilan-{bilan.nom}.pdf", pdf), *csv_du_bilan(bilan)]
        envois, trop_gros = repartir(fichiers, guild.filesize_limit)
        message = (
            f"📘 **Bilan final de l'édition {bilan.nom}** ({texte_saisi(bilan.edition.titre, 200)}) : "
            f"{resume_du_bilan(bilan)}."
        )
        if trop_gros:
            message += (
                f"\n⚠️ Trop lourd pour ce serveur : {', '.join(nom for nom, _ in trop_gros)}. "
                f"`python -m bot rapport bilan --serveur {guild.id} --edition {bilan.nom}` "
                "le produit hors de Discord."
            )
        premier = envois[0] if envois else []
        await interaction.edit_original_response(
            content=tronquer(message, 2000),
            attachments=[discord.File(io.BytesIO(contenu), filename=nom) for nom, contenu in premier],
        )
        for lot in envois[1:]:
            await interaction.followup.send(
                files=[discord.File(io.BytesIO(contenu), filename=nom) for nom, contenu in lot]
            )

    async def _produire(
        self, progression: Progression, guild: discord.Guild, annee: int
    ) -> tuple[list[Fichier], Rapport]:
        """Le travail lourd, hors de la boucle d'événements : lecture, graphiques, PDF."""
        await progression.annoncer("collecte des données…")
        await completer_noms(self.bot, guild)
        dossier = await self.bot.base.lire(
            partial(rassembler, guild_id=guild.id, annee=annee, maintenant=self.bot.maintenant())
        )
        rapport = dossier.rapport
        await progression.annoncer(
            f"graphiques ({len(rapport.graphiques)}) et mise en page du PDF…", facultative=False
        )
        pdf = await self.bot.atelier.executer(produire_pdf, rapport)
        fichiers = [
            (f"rapport-{annee}.pdf", pdf),
            (f"actions-{annee}.csv", dossier.csv_actions),
            (f"mesures-indicateurs-{annee}.csv", dossier.csv_mesures),
        ]
        return fichiers, rapport

    async def _envoyer(
        self,
        interaction: discord.Interaction[Passerelle],
        rapport: Rapport,
        fichiers: list[Fichier],
        limite: int,
    ) -> None:
        """Remplace le message de progression par le rapport ; dit clairement ce qui dépasse la limite."""
        envois, trop_gros = repartir(fichiers, limite)
        message = resume(rapport)
        if trop_gros:
            noms = ", ".join(f"{nom} ({taille_lisible(len(contenu))})" for nom, contenu in trop_gros)
            message += (
                f"\n⚠️ Trop lourd pour ce serveur, dont la limite d'envoi est de {taille_lisible(limite)} : "
                f"{noms}. {'Le reste est joint. ' if envois else ''}"
                "La coordination technique peut le produire hors de Discord : "
                f"`python -m bot rapport {rapport.annee} --serveur {rapport.guild_id} "
                f"--sortie rapport-{rapport.annee}.pdf --csv .`"
            )
        premier = envois[0] if envois else []
        await interaction.edit_original_response(
            content=tronquer(message, 2000),
            attachments=[discord.File(io.BytesIO(contenu), filename=nom) for nom, contenu in premier],
        )
        for lot in envois[1:]:
            await interaction.followup.send(
                files=[discord.File(io.BytesIO(contenu), filename=nom) for nom, contenu in lot]
            )


async def setup(bot: Passerelle) -> None:
    """Charge le cog."""
    await bot.add_cog(Rapports(bot))
