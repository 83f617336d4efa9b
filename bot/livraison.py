"""Le livreur : publie ce que la base dit dû, une fois, avec reprises et signalement des échecs."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial
from typing import TYPE_CHECKING, Any

import discord

from bot.evenements import Evenement
from metier.publications.livraisons import (
    TypeLivraison,
    consigner_echec,
    consigner_envoi,
    consigner_saut,
    decider,
    livraisons_dues,
    planifier_resumes,
    preparer_serveurs,
    prochaine_echeance,
    reserver,
    salons_de_secours,
)
from metier.serveurs import Configuration
from modeles import Livraison

if TYPE_CHECKING:
    from bot.client import Passerelle

log = logging.getLogger(__name__)

CLE_REVEIL = "livraisons"
CLE_PREPARATION = "preparation"
CLE_BALAYAGE = "balayage"
PREFIXE_RESUME = "resume:"
# Les rappels sont créés pour les 35 prochains jours : on repasse deux fois par jour.
PREPARATION = timedelta(hours=12)
# Le démarrage prépare les serveurs par lots : une transaction par lot, pas trois par serveur.
LOT_PREPARATION = 100
# Relit la prochaine échéance en base : une ligne écrite par un autre processus (PostgreSQL),
# ou une réservation dont le bail a expiré, est vue au plus tard cinq minutes après.
BALAYAGE = timedelta(minutes=5)


@dataclass
class Publication:
    """Un message prêt à partir."""

    contenu: str | None = None
    embed: discord.Embed | None = None
    vue: discord.ui.View | None = None
    mentions: discord.AllowedMentions = field(default_factory=discord.AllowedMentions.none)
    # Un discord.File ne part qu'une fois : le rendu les recrée à chaque essai.
    fichiers: list[discord.File] = field(default_factory=list)


class PublicationImpossible(Exception):
    """Le salon est introuvable ou n'accepte pas le message."""


# Rend le message d'une livraison, ou None si elle n'a plus de raison d'être (sautée).
Rendu = Callable[[Livraison, bool], Awaitable[Publication | None]]


class Livreur:
    """Réveillé à la prochaine échéance, publie chaque livraison due avec le rendu de son type."""

    def __init__(self, bot: Passerelle) -> None:
        self.bot = bot
        self._rendus: dict[TypeLivraison, Rendu] = {}
        self._verrou = asyncio.Lock()
        # Les résumés dus la même minute (mille serveurs réglés sur « lundi 09 h 00 ») : réunis en
        # une transaction et un seul réveil du livreur, pas mille (voir `_resume_du`).
        self._resumes_dus: set[int] = set()
        self._preparation_resumes: asyncio.Task[None] | None = None
        # Une tâche hebdomadaire par horaire (jour, heure, fuseau), pas par serveur : à 09 h 00,
        # APScheduler traitait d'un coup mille tâches échues (≈ 200 ms de boucle bloquée).
        self._horaire_de: dict[int, str] = {}  # serveur → la tâche de son horaire
        bot.add_listener(self._on_livraisons_dues, Evenement.LIVRAISONS_DUES.ecouteur)
        bot.add_listener(self._on_reunions_modifiees, Evenement.REUNIONS_MODIFIEES.ecouteur)
        bot.add_listener(self._on_configuration_modifiee, Evenement.CONFIGURATION_MODIFIEE.ecouteur)

    def enregistrer(self, type_livraison: TypeLivraison, rendu: Rendu) -> None:
        """Le cog propriétaire d'un type de publication en fournit le rendu."""
        self._rendus[type_livraison] = rendu

    async def demarrer(self) -> None:
        """Prépare les livraisons de chaque serveur et recrée les tâches depuis la base (au démarrage)."""
        planificateur = self.bot.planificateur
        if not planificateur.demarre:
            planificateur.demarrer()  # sans tâche : celles des horaires sont recréées ci-dessous
            self._horaire_de = {}
        await self.preparer_tout()
        planificateur.planifier_intervalle(CLE_PREPARATION, PREPARATION, self._preparation)
        if self.bot.base.partagee:
            # Sur SQLite, un seul processus écrit : chaque écriture émet son événement, rien à balayer.
            planificateur.planifier_intervalle(CLE_BALAYAGE, BALAYAGE, self.reprogrammer)
        await self.programmer_resumes([guild.id for guild in self.bot.guilds])
        await self.reprogrammer()

    async def programmer_resumes(self, guild_ids: list[int]) -> None:
        """Les tâches hebdomadaires des résumés de plusieurs serveurs (configurations lues ensemble)."""
        for lot in _lots(guild_ids):
            for guild_id, configuration in (await self.bot.configurations(lot)).items():
                self._programmer_resume(guild_id, configuration)

    async def programmer_resume(self, guild_id: int) -> None:
        """Tâche hebdomadaire du résumé d'un serveur, au jour et à l'heure configurés dans sa ville."""
        if self.bot.planificateur.demarre:
            self._programmer_resume(guild_id, await self.bot.configuration(guild_id))

    def _programmer_resume(self, guild_id: int, configuration: Configuration) -> None:
        if not self.bot.planificateur.demarre:
            return
        config = configuration.config
        fuseau = configuration.reference.fuseau
        cle = f"{PREFIXE_RESUME}{config.resume_jour}:{config.resume_heure:%H:%M}:{fuseau}"
        ancienne, self._horaire_de[guild_id] = self._horaire_de.get(guild_id), cle
        if ancienne not in (None, cle) and ancienne not in self._horaire_de.values():
            self.bot.planificateur.annuler(ancienne)  # plus aucun serveur à l'ancien horaire
        # (Re)planifiée depuis l'heure du bot, comme avant le regroupement par horaire.
        self.bot.planificateur.planifier_hebdomadaire(
            cle, config.resume_jour, config.resume_heure, fuseau, self._resumes_de_l_horaire, cle
        )

    def tache_du_resume(self, guild_id: int) -> str | None:
        """La clé de la tâche hebdomadaire qui réveille le résumé de ce serveur (None : aucune)."""
        return self._horaire_de.get(guild_id)

    async def _resumes_de_l_horaire(self, cle: str) -> None:
        for guild_id, horaire in list(self._horaire_de.items()):
            if horaire == cle:
                await self._resume_du(guild_id)

    async def _resume_du(self, guild_id: int) -> None:
        # La ligne du résumé existe déjà d'ordinaire (préparation) ; on la recrée si besoin, puis
        # le livreur publie ce qui est dû. La réservation par ligne empêche un double envoi si le
        # réveil de la prochaine échéance tombe au même instant. Les réveils d'une même minute
        # (mille serveurs au lundi 09 h 00) sont réunis : mille transactions lancées ensemble
        # rempliraient la file des threads devant les interactions (p95 > 25 ms pendant la rafale).
        self._resumes_dus.add(guild_id)
        if self._preparation_resumes is None or self._preparation_resumes.done():
            self._preparation_resumes = asyncio.get_running_loop().create_task(
                self._preparer_resumes_dus(), name="resumes-dus"
            )

    async def _preparer_resumes_dus(self) -> None:
        await asyncio.sleep(0)  # les autres réveils du même instant s'ajoutent à l'ensemble
        while self._resumes_dus:
            dus, self._resumes_dus = sorted(self._resumes_dus), set()
            for lot in _lots(dus):
                await self.bot.base.ecrire(
                    partial(planifier_resumes, guild_ids=lot, maintenant=self.bot.maintenant())
                )
        self.bot.dispatch(Evenement.LIVRAISONS_DUES)

    async def _preparation(self) -> None:
        await self.preparer_tout()
        await self.reprogrammer()

    async def preparer(self, guild_id: int) -> None:
        """Crée en base les rappels, avis et résumés à venir d'un serveur (une transaction)."""
        await self._preparer([guild_id])

    async def preparer_tout(self) -> None:
        """Prépare les livraisons de tous les serveurs, par lots (une transaction par lot)."""
        await self._preparer([guild.id for guild in self.bot.guilds])

    async def _preparer(self, guild_ids: list[int]) -> None:
        for lot in _lots(guild_ids):
            await self.bot.base.ecrire(
                partial(preparer_serveurs, guild_ids=lot, maintenant=self.bot.maintenant())
            )

    async def reprogrammer(self) -> None:
        """Réveille le bot à la prochaine échéance en base, si elle est plus tôt que le réveil prévu."""
        planificateur = self.bot.planificateur
        if not planificateur.demarre:
            return
        prochaine = await self.bot.base.lire(prochaine_echeance)
        if prochaine is None or not planificateur.demarre:
            return
        prevue = planificateur.prochaine(CLE_REVEIL)
        if prevue is None or prochaine < prevue:
            planificateur.planifier_date(CLE_REVEIL, prochaine, self._reveil)

    async def _reveil(self) -> None:
        # La tâche ne fait qu'émettre l'événement : elle se termine aussitôt, et une nouvelle
        # tâche de même clé posée pendant la livraison n'est jamais refusée (max_instances).
        self.bot.dispatch(Evenement.LIVRAISONS_DUES)

    async def _on_reunions_modifiees(self, guild_id: int) -> None:
        await self.preparer(guild_id)
        await self.reprogrammer()

    async def _on_configuration_modifiee(self, guild_id: int) -> None:
        await self.programmer_resume(guild_id)
        await self._on_reunions_modifiees(guild_id)

    async def _on_livraisons_dues(self) -> None:
        async with self._verrou:
            try:
                while ids := await self.bot.base.lire(
                    partial(livraisons_dues, maintenant=self.bot.maintenant())
                ):
                    for livraison_id in ids:
                        await self._livrer_sans_planter(livraison_id)
            finally:
                await self.reprogrammer()

    async def _livrer_sans_planter(self, livraison_id: int) -> None:
        # Une erreur inattendue (un bogue de rendu, la base injoignable) ne doit pas arrêter les
        # autres livraisons : elle compte comme un échec, repris avec les mêmes délais.
        try:
            await self.livrer(livraison_id)
        except Exception as erreur:
            log.exception("Erreur inattendue en livrant %s", livraison_id)
            try:
                await self.bot.base.ecrire(
                    partial(
                        consigner_echec,
                        livraison_id=livraison_id,
                        maintenant=self.bot.maintenant(),
                        erreur=f"erreur interne : {erreur!r}",
                    )
                )
            except Exception:
                log.exception("Impossible de consigner l'échec de %s ; reprise après le bail", livraison_id)

    async def livrer(self, livraison_id: int) -> None:
        """Publie une livraison due, ou la saute, ou consigne l'échec (et le signale s'il est définitif)."""
        maintenant = self.bot.maintenant()
        livraison = await self.bot.base.ecrire(
            partial(reserver, livraison_id=livraison_id, maintenant=maintenant)
        )
        if livraison is None:
            return  # déjà prise par un autre passage
        decision = await self.bot.base.lire(partial(decider, livraison=livraison, maintenant=maintenant))
        salon_id = decision.salon_id
        rendu = self._rendus.get(TypeLivraison(livraison.type))
        publication = await rendu(livraison, decision.en_retard) if decision.publier and rendu else None
        if publication is None:
            raison = decision.raison or "plus rien à publier"
            await self.bot.base.ecrire(
                partial(consigner_saut, livraison_id=livraison_id, maintenant=maintenant, raison=raison)
            )
            log.info("Livraison %s (%s) sautée : %s", livraison.cle, livraison.guild_id, raison)
            return
        try:
            if livraison.membre_id is not None:
                message = await self._ecrire_en_prive(livraison.membre_id, publication)
            else:
                message = await self._publier(salon_id, publication)
        except discord.Forbidden as erreur:
            if livraison.membre_id is None:
                await self._echec(livraison, salon_id, erreur)
                return
            # Messages privés fermés (50007) ou membre parti : le choix du membre, pas une panne.
            raison = "messages privés refusés par le membre"
            await self.bot.base.ecrire(
                partial(consigner_saut, livraison_id=livraison_id, maintenant=maintenant, raison=raison)
            )
            log.info("Livraison %s (%s) sautée : %s", livraison.cle, livraison.guild_id, raison)
            return
        except (discord.HTTPException, PublicationImpossible) as erreur:
            await self._echec(livraison, salon_id, erreur)
            return
        await self.bot.base.ecrire(
            partial(
                consigner_envoi,
                livraison_id=livraison_id,
                maintenant=self.bot.maintenant(),
                salon_id=message.channel.id,
                message_id=message.id,
                en_retard=decision.en_retard,
            )
        )

    async def _salon(self, salon_id: int | None) -> discord.abc.Messageable:
        if salon_id is None:
            raise PublicationImpossible("aucun salon n'est configuré (/config salon-rappels)")
        salon = self.bot.get_channel(salon_id)
        if salon is None:
            try:
                salon = await self.bot.fetch_channel(salon_id)
            except discord.NotFound:
                raise PublicationImpossible(f"le salon <#{salon_id}> n'existe plus") from None
        if not isinstance(salon, discord.abc.Messageable):
            raise PublicationImpossible(f"le salon <#{salon_id}> ne reçoit pas de messages")
        return salon

    async def _ecrire_en_prive(self, membre_id: int, publication: Publication) -> discord.Message:
        utilisateur = self.bot.get_user(membre_id)
        if utilisateur is None:
            try:
                utilisateur = await self.bot.fetch_user(membre_id)
            except discord.NotFound:
                raise PublicationImpossible(f"le membre {membre_id} n'existe plus") from None
        return await self._envoyer(utilisateur, publication)

    async def _publier(self, salon_id: int | None, publication: Publication) -> discord.Message:
        return await self._envoyer(await self._salon(salon_id), publication)

    async def _envoyer(self, salon: discord.abc.Messageable, publication: Publication) -> discord.Message:
        options: dict[str, Any] = {"allowed_mentions": publication.mentions}
        if publication.embed is not None:
            options["embed"] = publication.embed
        if publication.vue is not None:
            options["view"] = publication.vue
        if publication.fichiers:
            options["files"] = publication.fichiers
        return await salon.send(publication.contenu, **options)

    async def _echec(self, livraison: Livraison, salon_id: int | None, erreur: Exception) -> None:
        texte = _expliquer(erreur)
        definitif = await self.bot.base.ecrire(
            partial(
                consigner_echec,
                livraison_id=livraison.id or 0,
                maintenant=self.bot.maintenant(),
                erreur=texte,
            )
        )
        log.warning("Échec de la livraison %s (essai %d) : %s", livraison.cle, livraison.tentatives, texte)
        # Un message privé qui n'a pas pu partir ne concerne que son destinataire : journalisé seulement.
        if definitif and livraison.membre_id is None:
            await self.signaler(livraison, salon_id, texte)

    async def signaler(self, livraison: Livraison, salon_id: int | None, texte: str) -> None:
        """Prévient la coordination d'une publication abandonnée, dans un autre salon si possible."""
        salons, role = await self.bot.base.lire(partial(salons_de_secours, livraison_id=livraison.id or 0))
        guild = self.bot.get_guild(livraison.guild_id)
        if guild is not None and guild.system_channel is not None:
            salons.append(guild.system_channel.id)
        quoi = TypeLivraison(livraison.type).designation
        message = (
            f"⚠️ {f'<@&{role}> ' if role else ''}Je n'ai pas pu publier {quoi} prévu "
            f"{discord.utils.format_dt(livraison.echeance, 'F')} dans <#{salon_id}>, "
            f"après {livraison.tentatives} essai(s) : {texte}. "
            "Vérifiez mes permissions et la configuration (/config voir)."
        )
        mentions = (
            discord.AllowedMentions(roles=[discord.Object(role)]) if role else discord.AllowedMentions.none()
        )
        for secours in salons:
            try:
                await self._publier(secours, Publication(contenu=message, mentions=mentions))
                return
            except (discord.HTTPException, PublicationImpossible):
                continue
        log.error("Livraison %s abandonnée et impossible à signaler : %s", livraison.cle, texte)


def _lots(guild_ids: list[int]) -> list[list[int]]:
    return [guild_ids[i : i + LOT_PREPARATION] for i in range(0, len(guild_ids), LOT_PREPARATION)]


def _expliquer(erreur: Exception) -> str:
    if isinstance(erreur, discord.Forbidden):
        return "permission refusée dans le salon (Voir le salon, Envoyer des messages, Intégrer des liens)"
    if isinstance(erreur, discord.NotFound):
        return "le salon n'existe plus"
    if isinstance(erreur, discord.HTTPException):
        return f"Discord a répondu {erreur.status}"
    return str(erreur)
