"""Outils des mesures : bases de test, statistiques, décalage de la boucle d'événements."""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlmodel import SQLModel

import modeles  # noqa: F401
from bot.base import appliquer_migrations, creer_moteur

URL_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


@contextmanager
def base_de_mesure(choix: str) -> Iterator[str]:
    """Rend l'adresse d'une base neuve et migrée : fichier SQLite temporaire ou schéma PostgreSQL."""
    if choix == "sqlite":
        with tempfile.TemporaryDirectory() as dossier:
            url = f"sqlite:///{Path(dossier) / 'bench.db'}"
            moteur = creer_moteur(url)
            appliquer_migrations(moteur)
            moteur.dispose()
            yield url
        return
    racine = URL_POSTGRES if choix in {"postgresql", "postgres"} else choix
    schema = f"bench_{int(time.time())}"
    admin = create_engine(racine, isolation_level="AUTOCOMMIT")
    with admin.connect() as connexion:
        connexion.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{racine}?options=-csearch_path%3D{schema}"
    moteur = creer_moteur(url)
    appliquer_migrations(moteur)
    moteur.dispose()
    try:
        yield url
    finally:
        with admin.connect() as connexion:
            connexion.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def resume(nom: str, durees_s: list[float], budget_ms: float | None = None) -> str:
    """« nom : médiane 3.1 ms, p95 4.2 ms, max 6.0 ms (n=200) [budget p95 ≤ 25 ms : OK] »."""
    ms = sorted(d * 1000 for d in durees_s)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    ligne = (
        f"{nom:<40} médiane {statistics.median(ms):7.2f} ms   p95 {p95:7.2f} ms   "
        f"max {ms[-1]:7.2f} ms   (n={len(ms)})"
    )
    if budget_ms is not None:
        ligne += f"   budget p95 ≤ {budget_ms:g} ms : {'OK' if p95 <= budget_ms else 'DÉPASSÉ'}"
    return ligne


class SondeBoucle:
    """Mesure le plus long blocage de la boucle d'événements (retard d'un réveil toutes les 5 ms)."""

    def __init__(self, periode: float = 0.005) -> None:
        self.periode = periode
        self.retard_max = 0.0
        self._tache: asyncio.Task[None] | None = None

    async def _sonder(self) -> None:
        while True:
            avant = time.perf_counter()
            await asyncio.sleep(self.periode)
            self.retard_max = max(self.retard_max, time.perf_counter() - avant - self.periode)

    def __enter__(self) -> SondeBoucle:
        self._tache = asyncio.get_running_loop().create_task(self._sonder())
        return self

    def __exit__(self, *_: object) -> None:
        if self._tache is not None:
            self._tache.cancel()


def vider_tables(url: str) -> None:
    """Vide toutes les tables (PostgreSQL)."""
    moteur = create_engine(url)
    with moteur.begin() as connexion:
        for table in reversed(SQLModel.metadata.sorted_tables):
            connexion.execute(table.delete())
    moteur.dispose()


def peupler(
    url: str, guild_id: int, *, actions: int = 10_000, mises_a_jour: int = 100_000, depuis_2024: bool = False
) -> None:
    """Remplit un serveur d'actions, de leur historique, d'indicateurs et de mesures (insertions en bloc).

    `depuis_2024` : l'historique couvre les trois années du protocole (le bilan) au lieu de deux.
    """
    import random
    from datetime import UTC, date, datetime, timedelta

    from sqlmodel import Session, select

    from metier.actions.evolution import recalculer
    from metier.serveurs import amorcer_serveur
    from metier.temps import normaliser
    from modeles import Action, Axe, ConfigServeur, Indicateur, Mesure, MiseAJour

    aleatoire = random.Random(2026)
    mots = [
        "plantation",
        "arbres",
        "forum",
        "emploi",
        "échange",
        "étudiants",
        "atelier",
        "citoyen",
        "mobilité",
        "recherche",
        "déchets",
    ]
    moteur = creer_moteur(url)
    # L'historique s'arrête au jeudi 19 novembre 2026 à midi : les mesures se placent juste après.
    debut, fin = (
        datetime(2024 if depuis_2024 else 2025, 1, 1, tzinfo=UTC),
        datetime(2026, 11, 19, 12, tzinfo=UTC),
    )
    minutes = int((fin - debut).total_seconds() // 60)
    with Session(moteur) as session:
        amorcer_serveur(session, guild_id)
        axes = [a.id for a in session.exec(select(Axe).where(Axe.guild_id == guild_id))]
        lignes = []
        for numero in range(1, actions + 1):
            titre = " ".join(aleatoire.choices(mots, k=4)).capitalize() + f" {numero}"
            lignes.append(
                {
                    "guild_id": guild_id,
                    "numero": numero,
                    "titre": titre,
                    "recherche": normaliser(titre),
                    "axe_id": aleatoire.choice(axes),
                    "ville": aleatoire.choice(["terrebonne", "namur", "toutes"]),
                    "responsable_id": aleatoire.randint(1, 50),
                    "auteur_id": aleatoire.randint(1, 50),
                    "partenaires": "UNamur, UQTR",
                    "statut": aleatoire.choice(
                        ["proposee", "en_cours", "en_pause", "terminee", "abandonnee"]
                    ),
                    "avancement": aleatoire.randint(0, 100),
                    "echeance": date(2026, 1, 1) + timedelta(days=aleatoire.randint(0, 600)),
                    "archivee": False,
                    # Sur trois années (le bilan), les actions commencent tout au long des deux premières.
                    "cree_le": debut + timedelta(minutes=aleatoire.randint(0, minutes // 2))
                    if depuis_2024
                    else debut,
                    "modifie_le": debut + timedelta(minutes=aleatoire.randint(0, minutes)),
                }
            )
        session.execute(Action.__table__.insert(), lignes)  # type: ignore[attr-defined]
        ids = list(session.exec(select(Action.id).where(Action.guild_id == guild_id)))
        for tranche in range(0, mises_a_jour, 20_000):
            session.execute(
                MiseAJour.__table__.insert(),  # type: ignore[attr-defined]
                [
                    {
                        "guild_id": guild_id,
                        "action_id": aleatoire.choice(ids),
                        "auteur_id": aleatoire.randint(1, 50),
                        "quand": debut + timedelta(minutes=aleatoire.randint(0, minutes)),
                        "avancement": aleatoire.randint(0, 100),
                        "statut": "en_cours",
                        "note": "Point d'étape",
                    }
                    for _ in range(min(20_000, mises_a_jour - tranche))
                ],
            )
        for numero in range(1, 31):
            indicateur = Indicateur(
                guild_id=guild_id,
                numero=numero,
                nom=f"Indicateur {numero}",
                recherche=f"indicateur {numero}",
                axe_id=aleatoire.choice(axes),
                unite="u",
                valeur_depart=0,
                cible=100,
                auteur_id=1,
            )
            session.add(indicateur)
            session.flush()
            for mois in range(20):
                session.add(
                    Mesure(
                        guild_id=guild_id,
                        indicateur_id=indicateur.id,  # type: ignore[arg-type]
                        date=date(2025, 1, 1) + timedelta(days=30 * mois),
                        valeur=aleatoire.uniform(0, 100),
                        auteur_id=1,
                    )
                )
        config = session.get(ConfigServeur, guild_id)
        assert config is not None
        config.prochain_numero_action = actions + 1
        config.prochain_numero_indicateur = 31
        session.add(config)
        # Les insertions en bloc passent à côté des règles : le cumul de l'évolution est reconstruit.
        recalculer(session, guild_id)
        session.commit()
    moteur.dispose()


class Chronometre:
    """Mesure, côté bot, le délai entre l'arrivée d'une interaction et le départ de sa première réponse.

    C'est ce que Discord chronomètre (limite de 3 s) ; l'attente propre au simulateur, qui laisse la
    boucle se calmer après chaque action, n'y entre pas.
    """

    METHODES = ("send_message", "defer", "edit_message", "autocomplete", "send_modal")

    def __init__(self, bot: Any) -> None:
        import discord

        self.arrivees: dict[int, float] = {}
        self.durees: list[float] = []
        bot.add_listener(self._arrivee, "on_interaction")
        for nom in self.METHODES:
            originale = getattr(discord.InteractionResponse, nom)
            setattr(discord.InteractionResponse, nom, self._envelopper(originale))

    def _envelopper(self, originale: Any) -> Any:
        chronometre = self

        async def envoyer(reponse: Any, *args: Any, **options: Any) -> Any:
            arrivee = chronometre.arrivees.pop(reponse._parent.id, None)
            if arrivee is not None:
                chronometre.durees.append(time.perf_counter() - arrivee)
            return await originale(reponse, *args, **options)

        return envoyer

    async def _arrivee(self, interaction: Any) -> None:
        self.arrivees[interaction.id] = time.perf_counter()

    def relever(self) -> list[float]:
        """Rend les durées mesurées depuis le dernier relevé."""
        durees, self.durees = self.durees, []
        return durees


@dataclass
class BotDeMesure:
    """Le vrai bot dans simcord, sur un serveur peuplé, et qui lui parle."""

    bot: Any
    env: Any
    guild_id: int
    salon: Any
    membre: Any


@asynccontextmanager
async def bot_peuple(
    url: str, *, fige_a: datetime | None = None, salon: str = "suivi"
) -> AsyncIterator[BotDeMesure]:
    """Lance le bot dans simcord sur la base `url`, rejoint un serveur, puis le peuple (`peupler_a_part`).

    L'horloge du bot est figée à `fige_a`, ou suit l'heure réelle (rappels mesurés en temps réel).
    """
    import simcord

    from bot.client import Passerelle, horloge_systeme
    from bot.reglages import Reglages

    horloge = horloge_systeme if fige_a is None else (lambda: fige_a)
    from bot.planificateur import suivre_heure_murale

    # L'ordonnanceur juge les échéances à l'heure de ce bot ; à chaque bot, car les mesures d'un même
    # processus se suivent, l'une à l'heure figée, la suivante à l'heure réelle.
    suivre_heure_murale(horloge)
    bot = Passerelle(Reglages(_env_file=None, database_url=url), horloge=horloge)  # type: ignore[call-arg]
    async with simcord.run(bot) as env:
        guild = env.create_guild("Jumelage")
        canal = guild.create_text_channel(salon)
        membre = guild.add_member(env.create_user("alice"))
        await env.settle()
        debut = time.perf_counter()
        peupler_a_part(url, guild.id)
        print(f"base peuplée en {time.perf_counter() - debut:.1f} s (10 000 actions, 100 000 mises à jour)")
        yield BotDeMesure(bot, env, guild.id, canal, membre)
    await bot.close()


def peupler_a_part(url: str, guild_id: int, **options: int) -> None:
    """Comme `peupler`, dans un processus à part : le tas du bot mesuré n'en garde aucune trace."""
    import multiprocessing

    processus = multiprocessing.get_context("spawn").Process(
        target=peupler, args=(url, guild_id), kwargs=options
    )
    processus.start()
    processus.join()
    if processus.exitcode != 0:
        raise RuntimeError(f"le peuplement de la base a échoué (code {processus.exitcode})")
