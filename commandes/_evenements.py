"""Les prochaines séances publiées comme événements Discord : créés, mis à jour, annulés, repris."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial

import discord

from bot.client import Passerelle
from bot.evenements import Evenement
from bot.limites import LIMITE_DESCRIPTION_EVENEMENT, LIMITE_LIEU_EVENEMENT, LIMITE_NOM_EVENEMENT
from commandes._seances import ecart_signale
from metier.formats import tronquer
from metier.reunions.evenements import (
    DELAIS_REPRISE,
    SeancePubliable,
    deplacer,
    etat_evenements,
    noter_echec,
    noter_publie,
    oublier,
    serveurs_concernes,
)
from metier.reunions.horloges import horloges
from metier.reunions.registre import salon_des_rappels, ville_d_ancrage
from metier.serveurs import Configuration

log = logging.getLogger(__name__)

PERMISSION = "Gérer les événements"


@dataclass(frozen=True)
class Parametres:
    """Ce que montre l'événement Discord d'une séance."""

    nom: str
    description: str
    debut: datetime
    fin: datetime
    lieu: str

    @property
    def empreinte(self) -> str:
        """Ce qui a été publié, résumé : une différence dit qu'il faut mettre l'événement à jour."""
        texte = json.dumps(
            [self.nom, self.description, self.debut.isoformat(), self.fin.isoformat(), self.lieu]
        )
        return hashlib.sha256(texte.encode()).hexdigest()


def parametres(publiable: SeancePubliable, configuration: Configuration) -> Parametres:
    """Nom, description (les deux horloges), début et fin UTC, lieu de l'événement d'une séance."""
    reunion, seance, villes = publiable.reunion, publiable.seance, configuration.villes
    ancre = ville_d_ancrage(configuration, reunion)
    lieu = " / ".join(v.nom for v in villes)
    lignes = [f"Réunion #{reunion.numero} du groupe de travail", horloges(seance.debut, villes, ancre)]
    if signal := ecart_signale(seance.debut, villes):
        lignes.append(signal)
    if reunion.lien:
        if len(reunion.lien) <= LIMITE_LIEU_EVENEMENT:
            lieu = reunion.lien
        lignes.append(f"Lien : {reunion.lien}")
    lignes.append(f"Détails, rappels et présences : /reunion voir {reunion.numero}")
    return Parametres(
        nom=tronquer(reunion.titre, LIMITE_NOM_EVENEMENT),
        description=tronquer("\n".join(lignes), LIMITE_DESCRIPTION_EVENEMENT),
        debut=seance.debut,
        fin=seance.fin,
        lieu=tronquer(lieu, LIMITE_LIEU_EVENEMENT),
    )


def peut_publier(guild: discord.Guild) -> bool:
    """Le bot a-t-il « Gérer les événements » sur ce serveur ?"""
    return guild.me is not None and guild.me.guild_permissions.manage_events


def expliquer(erreur: discord.HTTPException) -> str:
    """L'échec en mots, pour le journal et la coordination."""
    if isinstance(erreur, discord.Forbidden):
        return f"Discord a refusé (403) : il me faut la permission « {PERMISSION} »"
    if erreur.status == 429:
        return "Discord a limité le débit (429)"
    return f"Discord a répondu {erreur.status}"


class PublieurEvenements:
    """Met les événements Discord d'un serveur en accord avec ses séances à venir (un passage à la fois)."""

    def __init__(self, bot: Passerelle) -> None:
        self.bot = bot
        self._verrous: dict[int, asyncio.Lock] = {}

    async def synchroniser_tout(self) -> None:
        """Chaque serveur qui a des réunions ou des événements (au démarrage, et au réveil pour reprendre)."""
        guilds = list(self.bot.guilds)
        concernes = await self.bot.base.lire(
            partial(serveurs_concernes, guild_ids=[guild.id for guild in guilds])
        )
        for guild in guilds:
            if guild.id in concernes:
                await self.synchroniser(guild)

    async def synchroniser(self, guild: discord.Guild) -> None:
        """Crée, met à jour ou annule les événements ; replanifie le prochain passage."""
        if not peut_publier(guild):
            return  # /reunion planifier l'a dit une fois ; rien à tenter sans la permission
        verrou = self._verrous.setdefault(guild.id, asyncio.Lock())
        async with verrou:
            maintenant = self.bot.maintenant()
            etat = await self.bot.base.lire(
                partial(etat_evenements, guild_id=guild.id, maintenant=maintenant)
            )
            voulues = {(p.reunion.id or 0, p.seance.debut): p for p in etat.voulues}
            publies = dict(etat.publies)
            # L'heure d'une série a changé : ses séances publiées et non annulées suivent, dans l'ordre,
            # les nouvelles séances (le même événement Discord est mis à jour, pas remplacé).
            for reunion_id in {cle[0] for cle in voulues}:
                orphelins = sorted(
                    cle
                    for cle, ligne in publies.items()
                    if cle[0] == reunion_id
                    and cle not in voulues
                    and ligne.event_id is not None
                    and cle[1] > maintenant
                    and cle[1] not in etat.annulees.get(reunion_id, set())
                )
                nouvelles = sorted(cle for cle in voulues if cle[0] == reunion_id and cle not in publies)
                for ancienne, nouvelle in zip(orphelins, nouvelles, strict=False):
                    await self.bot.base.ecrire(
                        partial(deplacer, reunion_id=reunion_id, ancien=ancienne[1], nouveau=nouvelle[1])
                    )
                    publies[nouvelle] = publies.pop(ancienne)
            reveils: list[datetime] = []
            for cle, publiable in voulues.items():
                ligne = publies.get(cle)
                if (
                    ligne is not None
                    and ligne.prochain_essai is not None
                    and ligne.prochain_essai > maintenant
                ):
                    reveils.append(ligne.prochain_essai)
                    continue
                valeurs = parametres(publiable, etat.configuration)
                signature = valeurs.empreinte
                if ligne is not None and ligne.event_id is not None and ligne.empreinte == signature:
                    continue
                try:
                    event_id = await self._publier(guild, ligne.event_id if ligne else None, valeurs)
                except discord.HTTPException as erreur:
                    reveils.append(await self._echec(guild, publiable, etat.configuration, erreur))
                    continue
                await self.bot.base.ecrire(
                    partial(
                        noter_publie,
                        guild_id=guild.id,
                        reunion_id=cle[0],
                        debut=cle[1],
                        event_id=event_id,
                        empreinte=signature,
                    )
                )
            for cle, ligne in publies.items():
                if cle in voulues:
                    continue
                # Séance annulée (ou série) : l'événement est annulé ; séance commencée : on l'oublie.
                if ligne.event_id is not None and cle[1] > maintenant:
                    try:
                        await self._annuler(guild, ligne.event_id)
                    except discord.HTTPException as erreur:
                        log.warning("Annulation de l'événement %s impossible : %s", ligne.event_id, erreur)
                        reveils.append(maintenant + DELAIS_REPRISE[0])
                        continue
                await self.bot.base.ecrire(partial(oublier, reunion_id=cle[0], debut=cle[1]))
            self._replanifier(guild.id, reveils, [p.seance.debut for p in etat.voulues], maintenant)

    async def _publier(self, guild: discord.Guild, event_id: int | None, valeurs: Parametres) -> int:
        if event_id is not None:
            try:
                evenement = await guild.fetch_scheduled_event(event_id)
            except discord.NotFound:
                evenement = None  # supprimé à la main : on le recrée
            if evenement is not None:
                modifie = await evenement.edit(
                    name=valeurs.nom,
                    description=valeurs.description,
                    start_time=valeurs.debut,
                    end_time=valeurs.fin,
                    entity_type=discord.EntityType.external,
                    location=valeurs.lieu,
                )
                return (modifie or evenement).id
        cree = await guild.create_scheduled_event(
            name=valeurs.nom,
            description=valeurs.description,
            start_time=valeurs.debut,
            end_time=valeurs.fin,
            entity_type=discord.EntityType.external,
            privacy_level=discord.PrivacyLevel.guild_only,
            location=valeurs.lieu,
        )
        return cree.id

    async def _annuler(self, guild: discord.Guild, event_id: int) -> None:
        try:
            evenement = await guild.fetch_scheduled_event(event_id)
        except discord.NotFound:
            return
        if evenement.status is discord.EventStatus.scheduled:
            await evenement.cancel()

    async def _echec(
        self,
        guild: discord.Guild,
        publiable: SeancePubliable,
        configuration: Configuration,
        erreur: discord.HTTPException,
    ) -> datetime:
        """La réunion reste ; l'événement sera repris (rendu : quand) ; signalé après quatre essais."""
        texte = expliquer(erreur)
        log.warning("Événement Discord de la réunion %s : %s", publiable.reunion.numero, texte)
        signaler, reprise = await self.bot.base.ecrire(
            partial(
                noter_echec,
                guild_id=guild.id,
                reunion_id=publiable.reunion.id or 0,
                debut=publiable.seance.debut,
                erreur=texte,
                maintenant=self.bot.maintenant(),
            )
        )
        if signaler:
            await self._signaler(guild, publiable, configuration, texte)
        return reprise

    async def _signaler(
        self, guild: discord.Guild, publiable: SeancePubliable, configuration: Configuration, texte: str
    ) -> None:
        role = configuration.config.role_coordination_id
        ancre = ville_d_ancrage(configuration, publiable.reunion)
        message = (
            f"⚠️ {f'<@&{role}> ' if role else ''}Je n'ai pas pu publier l'événement Discord de la réunion "
            f"#{publiable.reunion.numero} du "
            f"{horloges(publiable.seance.debut, configuration.villes, ancre)}, "
            f"après plusieurs essais : {texte}. La réunion et ses rappels restent planifiés ; je réessaierai."
        )
        mentions = (
            discord.AllowedMentions(everyone=False, users=False, roles=[discord.Object(role)])
            if role
            else discord.AllowedMentions.none()
        )
        salons: Sequence[int | None] = [
            salon_des_rappels(configuration.config.salon_rappels_id, publiable.reunion),
            guild.system_channel.id if guild.system_channel else None,
        ]
        for salon_id in dict.fromkeys(s for s in salons if s):
            salon = guild.get_channel(salon_id)
            if not isinstance(salon, discord.TextChannel):
                continue
            try:
                await salon.send(message, allowed_mentions=mentions)
                return
            except discord.HTTPException:
                continue
        log.error("Échec d'événement impossible à signaler (serveur %s) : %s", guild.id, texte)

    def _replanifier(
        self, guild_id: int, reprises: list[datetime], debuts: list[datetime], maintenant: datetime
    ) -> None:
        """Prochain passage : une reprise après échec, ou le début de la première séance publiée."""
        if not self.bot.planificateur.demarre:
            return
        candidats = [*reprises, *(d for d in debuts if d > maintenant)]
        if candidats:
            self.bot.planificateur.planifier_date(f"evenements:{guild_id}", min(candidats), self._reveil)

    async def _reveil(self) -> None:
        """L'heure d'une reprise est venue : l'écouteur de la réunion resynchronise les événements."""
        self.bot.dispatch(Evenement.EVENEMENTS_A_REPRENDRE)
