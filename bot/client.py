"""Le client Discord : démarrage, amorçage des serveurs, synchronisation des commandes, arrêt."""

from __future__ import annotations

import asyncio
import gc
import hashlib
import json
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import discord
from discord.ext import commands
from sqlmodel import Session

from bot.arbre import ArbreCommandes
from bot.atelier import Atelier
from bot.base import BaseDonnees
from bot.livraison import Livreur
from bot.meneur import Meneur
from bot.noms import ReleveNoms
from bot.planificateur import Planificateur
from bot.reglages import Reglages
from metier.actions import evolution
from metier.serveurs import (
    Configuration,
    amorcer_serveur,
    amorcer_serveurs,
    configuration_amorcee,
    lire_configuration,
    lire_configurations,
)
from modeles import EtatBot
from web.app import ServeurWeb, Services

log = logging.getLogger(__name__)

Horloge = Callable[[], datetime]
DUREE_CACHE_CONFIGURATION = 60.0  # secondes
INTERVALLE_SAUVEGARDE = timedelta(hours=6)  # une sauvegarde par jour : la vérifier quatre fois par jour
# Les cogs, chargés par leur nom : le runtime n'importe pas les adaptateurs qu'il fait tourner.
EXTENSIONS = (
    "commandes.heure",
    "commandes.config",
    "commandes.actions",
    "commandes.indicateurs",
    "commandes.reunions",
    "commandes.rappels",
    "commandes.rapport",
    "commandes.progres",
    "commandes.membres",
    "commandes.protocole",
    "commandes.partenaires",
    "commandes.statut",
)


def horloge_systeme() -> datetime:
    """L'heure réelle, en UTC."""
    return datetime.now(UTC)


class Passerelle(commands.Bot):
    """Le bot du groupe de travail Terrebonne – Namur."""

    def __init__(
        self,
        reglages: Reglages,
        *,
        horloge: Horloge = horloge_systeme,
        forcer_synchro: bool = False,
        servir_web: bool = False,
        **options: Any,
    ) -> None:
        # Tout passe par les interactions : seuls les serveurs, leurs salons et leurs rôles sont
        # suivis. Ni messages (ni leur cache), ni frappe, ni réactions : moins de trafic et de mémoire.
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=discord.Intents(guilds=True),
            max_messages=None,
            tree_cls=ArbreCommandes,
            allowed_mentions=discord.AllowedMentions.none(),
            help_command=None,
            **options,
        )
        self.reglages = reglages
        self.horloge = horloge
        self.forcer_synchro = forcer_synchro
        self.base = BaseDonnees(reglages.database_url)
        self.planificateur = Planificateur()
        self.livreur = Livreur(self)
        # Sur PostgreSQL, un seul processus planifie et publie (bot/meneur.py) ; sur SQLite, celui-ci.
        self.meneur = Meneur(self.base, self.livreur.demarrer, self.planificateur.arreter)
        self.debut = time.perf_counter()
        self.pret = asyncio.Event()
        # Posé quand le meneur a démarré (et, meneur, le planificateur), après `pret`.
        self.en_route = asyncio.Event()
        self._mise_en_route: asyncio.Task[None] | None = None
        self._configurations: dict[int, tuple[float, Configuration]] = {}
        self.atelier = Atelier()
        self.noms = ReleveNoms(self.base, self.maintenant)
        # La page de suivi et l'agenda (web/), servis par ce processus ; `python -m bot` les lance.
        self.web: ServeurWeb | None = None
        if servir_web:
            services = Services(base=self.base, atelier=self.atelier, horloge=self.maintenant)
            self.web = ServeurWeb(services, hote=reglages.web_hote, port=reglages.web_port)
        self.lance_le = horloge()
        # L'état d'autres parties du processus, montré par /statut : nom → fonction qui le décrit
        # en une ligne (la page web, le meneur sur PostgreSQL…).
        self.etats_annexes: dict[str, Callable[[], str]] = {}

    async def configuration(self, guild_id: int) -> Configuration:
        """Rend la configuration d'un serveur (gardée en mémoire) ; l'amorce s'il a échappé à l'amorçage.

        Un seul processus écrit la configuration (/config, qui appelle `oublier_configuration`) ;
        le délai d'expiration borne l'écart si plusieurs processus partagent la base.
        """
        connue = self._configurations.get(guild_id)
        if connue is not None and time.monotonic() - connue[0] < DUREE_CACHE_CONFIGURATION:
            return connue[1]
        configuration = await self.base.lire(lire_configuration, guild_id)
        if configuration is None:
            configuration = await self.base.ecrire(configuration_amorcee, guild_id)
        self._configurations[guild_id] = (time.monotonic(), configuration)
        return configuration

    async def configurations(self, guild_ids: list[int]) -> dict[int, Configuration]:
        """Les configurations de plusieurs serveurs, lues ensemble (démarrage) et gardées en mémoire."""
        lues = await self.base.lire(lire_configurations, guild_ids)
        for guild_id in guild_ids:
            if guild_id not in lues:
                lues[guild_id] = await self.configuration(guild_id)  # pas encore amorcé
            else:
                self._configurations[guild_id] = (time.monotonic(), lues[guild_id])
        return lues

    def oublier_configuration(self, guild_id: int) -> None:
        """Oublie la configuration gardée en mémoire après une modification."""
        self._configurations.pop(guild_id, None)

    def maintenant(self) -> datetime:
        """L'instant présent selon l'horloge du bot (fixée dans les tests)."""
        return self.horloge()

    async def setup_hook(self) -> None:
        """Migre la base, charge les cogs, synchronise les commandes (le planificateur : une fois prêt)."""
        await asyncio.to_thread(self.base.migrer)
        # Une fois, après la migration qui a créé le cumul de l'évolution : le construire.
        for guild_id in await self.base.ecrire(evolution.recalculer_en_retard):
            log.info("Serveur %s : évolution de l'avancement reconstituée d'après l'historique", guild_id)
        for extension in EXTENSIONS:
            await self.load_extension(extension)
        await self.synchroniser_commandes(forcer=self.forcer_synchro)
        if self.web is not None:
            await self.web.demarrer()
            self.etats_annexes["Page de suivi"] = self.web.decrire

    async def synchroniser_commandes(self, *, forcer: bool = False) -> bool:
        """Envoie les commandes à Discord si leur définition a changé ; rend vrai si c'est fait."""
        serveur = discord.Object(self.reglages.dev_guild_id) if self.reglages.dev_guild_id else None
        if serveur is not None:
            self.tree.copy_global_to(guild=serveur)
        definition = [c.to_dict(self.tree) for c in self.tree.get_commands(guild=serveur)]
        empreinte = hashlib.sha256(json.dumps(definition, sort_keys=True).encode()).hexdigest()
        cle = f"commandes:{self.application_id}:{serveur.id if serveur else 'globales'}"
        connue = await self.base.lire(_lire_etat, cle)
        if connue == empreinte and not forcer:
            log.info("Commandes inchangées : pas de synchronisation")
            return False
        synchronisees = await self.tree.sync(guild=serveur)
        await self.base.ecrire(_ecrire_etat, cle, empreinte, self.maintenant())
        log.info("%d commandes synchronisées (%s)", len(synchronisees), cle)
        return True

    async def on_ready(self) -> None:
        """Amorce les serveurs rejoints pendant l'absence du bot."""
        nouveaux = await self.base.ecrire(
            amorcer_serveurs, [g.id for g in self.guilds], maintenant=self.maintenant()
        )
        for guild_id in nouveaux:
            log.info("Serveur %s amorcé au démarrage", guild_id)
        if not self.pret.is_set():
            # Le bot répond dès maintenant ; le meneur (planificateur, livraisons préparées serveur par
            # serveur) démarre juste après, en tâche de fond : pour mille serveurs, la préparation
            # prend plusieurs secondes que les interactions n'ont pas à attendre (bench milliers).
            # Rien n'est perdu entre-temps : ce qui est dû est en base et part au démarrage du livreur.
            self._mise_en_route = asyncio.get_running_loop().create_task(
                self._mettre_en_route(), name="mise-en-route"
            )
            geler_memoire()
            log.info(
                "Prêt en %.2f s : %s, %d serveur(s)",
                time.perf_counter() - self.debut,
                self.user,
                len(self.guilds),
            )
            self.pret.set()
            if self.reglages.atelier_prechauffe:
                # En arrière-plan (un fil) : ni « prêt » ni la boucle n'attendent matplotlib.
                self.atelier.prechauffer()

    async def _mettre_en_route(self) -> None:
        """Le meneur (et, s'il l'est, le livreur et son planificateur), puis les sauvegardes."""
        await self.meneur.demarrer()  # meneur : le livreur démarre le planificateur
        if self.base.partagee:
            self.etats_annexes["Plusieurs processus (PostgreSQL)"] = self.meneur.decrire
        await self.programmer_sauvegardes()
        log.info("Planification en route en %.2f s", time.perf_counter() - self.debut)
        self.en_route.set()

    async def programmer_sauvegardes(self) -> None:
        """SQLite : la sauvegarde du jour dans data/sauvegardes/ (au démarrage, puis toutes les 6 h)."""
        if self.base.partagee or not self.planificateur.demarre:
            return  # PostgreSQL : pg_dump, par l'exploitant (README)
        # Tout de suite, mais par le planificateur : « prêt » n'attend pas la copie de la base.
        self.planificateur.planifier_date(
            "sauvegarde:demarrage", self.maintenant(), self._sauvegarde_quotidienne
        )
        self.planificateur.planifier_intervalle(
            "sauvegarde", INTERVALLE_SAUVEGARDE, self._sauvegarde_quotidienne
        )

    async def _sauvegarde_quotidienne(self) -> None:
        from bot.sauvegardes import sauvegarde_quotidienne

        try:
            ecrite = await asyncio.to_thread(sauvegarde_quotidienne, self.base.url, self.maintenant().date())
        except Exception:
            log.exception("Sauvegarde automatique impossible")
            return
        if ecrite is not None:
            log.info("Sauvegarde automatique écrite : %s", ecrite)

    async def on_interaction(self, interaction: discord.Interaction[Any]) -> None:
        """Relève le nom affiché de qui agit, et des membres choisis, s'il est nouveau ou a changé."""
        await self.noms.relever(interaction)

    async def on_guild_join(self, guild: discord.Guild) -> None:
        """Amorce la configuration, les villes et les axes du protocole d'un nouveau serveur."""
        if await self.base.ecrire(amorcer_serveur, guild.id, maintenant=self.maintenant()):
            log.info("Serveur %s (%s) rejoint et amorcé", guild.id, guild.name)
            if self.pret.is_set():
                await self.livreur.preparer(guild.id)
                await self.livreur.programmer_resume(guild.id)
                await self.livreur.reprogrammer()

    async def on_guild_available(self, guild: discord.Guild) -> None:
        """Un serveur redevient disponible (ou arrive ainsi) : amorcé s'il ne l'est pas déjà."""
        await self.on_guild_join(guild)

    async def close(self) -> None:
        """Arrête le planificateur, ferme Discord puis la base."""
        if self._mise_en_route is not None and not self._mise_en_route.done():
            self._mise_en_route.cancel()
        self.planificateur.arreter()
        if self.web is not None:
            await self.web.arreter()
        self.meneur.arreter()
        await super().close()
        await self.atelier.fermer_et_attendre()
        self.base.fermer()
        log.info("Arrêt terminé")


def geler_memoire() -> None:
    """Sort les objets déjà chargés (modules, caches) du ramasse-miettes.

    Une collecte complète parcourt tous les objets vivants en tenant le verrou global : après
    l'import de discord.py, SQLAlchemy ou matplotlib, elle bloquait la boucle 60 à 130 ms, même
    lancée depuis un thread. Gelés, ces objets ne sont plus parcourus (voir bench/graphiques.py).

    Sans collecte préalable : au démarrage, quelques centaines d'objets seulement sont des déchets
    (sur 150 000), et la collecte coûtait 90 à 110 ms à « prêt » ; ces quelques déchets restent gelés.
    """
    gc.freeze()


def _lire_etat(session: Session, cle: str) -> str | None:
    etat = session.get(EtatBot, cle)
    return etat.valeur if etat else None


def _ecrire_etat(session: Session, cle: str, valeur: str, maintenant: datetime) -> None:
    etat = session.get(EtatBot, cle) or EtatBot(cle=cle, valeur=valeur)
    etat.valeur, etat.modifie_le = valeur, maintenant
    session.add(etat)
