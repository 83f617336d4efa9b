"""Fixtures communes : une vraie base (SQLite et PostgreSQL) et le bot dans simcord."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import uuid4

import pytest
import pytest_asyncio
from discord.app_commands import AppCommandError
from simcord import Env
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError
from sqlmodel import SQLModel

import modeles  # noqa: F401  (tables)
from bot.arbre import message_pour
from bot.base import BaseDonnees, appliquer_migrations, creer_moteur
from bot.client import Passerelle
from bot.planificateur import MODULES_APSCHEDULER, murale_suivant
from bot.reglages import Reglages

URL_POSTGRES = os.environ.get("PASSERELLE_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
BACKENDS = ("sqlite", "postgresql")


@pytest.fixture(scope="session", autouse=True)
def serveur_de_l_atelier() -> None:
    """Démarre une fois le serveur « forkserver » de l'atelier (il précharge matplotlib et le rendu).

    Comme le bot le fait en arrière-plan une fois prêt : sinon le premier graphique de la session
    paierait ce démarrage (plusieurs secondes sur une machine chargée) dans le délai de simcord.
    """
    from concurrent.futures import Future, ProcessPoolExecutor

    from bot.atelier import Atelier

    atelier = Atelier()
    lancement: Future[ProcessPoolExecutor] = atelier.lancer()
    lancement.result(timeout=120)
    atelier.fermer()


@pytest.fixture(scope="session")
def modele_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Base SQLite migrée une fois ; chaque test en reçoit une copie."""
    chemin = tmp_path_factory.mktemp("modele") / "modele.db"
    moteur = creer_moteur(f"sqlite:///{chemin}")
    appliquer_migrations(moteur)
    moteur.dispose()
    return chemin


@pytest.fixture(scope="session")
def schema_postgres() -> Iterator[str]:
    """Schéma PostgreSQL propre à cette session de tests, migré une fois."""
    schema = f"passerelle_test_{uuid4().hex[:10]}"
    admin = create_engine(URL_POSTGRES, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connexion:
            connexion.execute(text(f'CREATE SCHEMA "{schema}"'))
    except OperationalError as erreur:
        pytest.fail(
            f"PostgreSQL injoignable à {URL_POSTGRES} : la suite doit aussi tourner sur PostgreSQL.\n"
            f"{erreur}",
            pytrace=False,
        )
    url = f"{URL_POSTGRES}?options=-csearch_path%3D{schema}"
    moteur = creer_moteur(url)
    appliquer_migrations(moteur)
    moteur.dispose()
    yield url
    with admin.connect() as connexion:
        connexion.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def _vider_postgres(url: str) -> None:
    moteur = create_engine(url)
    tables = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
    with moteur.begin() as connexion:
        connexion.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    moteur.dispose()


@pytest.fixture(params=BACKENDS)
def url_base(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Adresse d'une base vide mais migrée, SQLite puis PostgreSQL."""
    if request.param == "sqlite":
        chemin = tmp_path / "passerelle.db"
        shutil.copy(request.getfixturevalue("modele_sqlite"), chemin)
        return f"sqlite:///{chemin}"
    url: str = request.getfixturevalue("schema_postgres")
    _vider_postgres(url)
    return url


@pytest.fixture
def base(url_base: str) -> Iterator[BaseDonnees]:
    """Accès à la base de test."""
    acces = BaseDonnees(url_base)
    yield acces
    acces.fermer()


class HorlogeFixe:
    """Horloge de test : l'instant « présent » se règle à la main, puis suit le temps virtuel de simcord.

    `env.advance_time(3600)` avance aussi cette horloge d'une heure : le bot et ses minuteries
    voient le même temps.
    """

    def __init__(self, instant: datetime = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)) -> None:
        self._instant = instant
        self._env: Env | None = None
        self._repere: datetime | None = None

    def suivre(self, env: Env) -> None:
        """Fait suivre à l'horloge le temps virtuel de cet environnement simcord."""
        self._env, self._repere = env, env.now()

    @property
    def instant(self) -> datetime:
        """L'instant présent."""
        return self()

    @instant.setter
    def instant(self, valeur: datetime) -> None:
        self._instant = valeur
        self._repere = self._env.now() if self._env is not None else None

    def __call__(self) -> datetime:
        if self._env is None or self._repere is None:
            return self._instant
        return self._instant + (self._env.now() - self._repere)


@pytest.fixture
def horloge(monkeypatch: pytest.MonkeyPatch) -> HorlogeFixe:
    """Horloge réglable du bot de test ; APScheduler lit la même heure murale."""
    reglable = HorlogeFixe()
    murale = murale_suivant(reglable)
    for module in MODULES_APSCHEDULER:
        monkeypatch.setattr(f"{module}.datetime", murale)
    # Le balayage ne sert qu'à voir les lignes écrites par d'autres processus ; ici le bot est seul,
    # et une lecture en base toutes les 5 minutes virtuelles ralentirait chaque semaine simulée
    # (aucun test simcord ne le fait travailler : il est réglé sur un jour).
    monkeypatch.setattr("bot.livraison.BALAYAGE", timedelta(days=1))
    # De même pour la surveillance du verrou de meneur (PostgreSQL) : tests/bot/test_meneur.py.
    monkeypatch.setattr("bot.meneur.RETENTE", timedelta(days=1))
    return reglable


@pytest.fixture
def reglages(url_base: str) -> Reglages:
    """Réglages du bot de test (pas de jeton : simcord ne se connecte à rien)."""
    # Sans préchauffage : chaque test lancerait sinon un processus de dessin (test_atelier.py le teste).
    return Reglages(_env_file=None, discord_token=None, database_url=url_base, atelier_prechauffe=False)  # type: ignore[call-arg]


@pytest.fixture
def simcord_bot(reglages: Reglages, horloge: HorlogeFixe) -> Passerelle:
    """Le vrai bot, branché sur la base de test et l'horloge réglable."""
    return Passerelle(reglages, horloge=horloge)


@pytest_asyncio.fixture
async def simcord_env(
    simcord_bot: Passerelle, horloge: HorlogeFixe, request: pytest.FixtureRequest
) -> AsyncIterator[Env]:
    """Le bot dans simcord ; seules les erreurs *inattendues* font échouer le test.

    Le gestionnaire d'erreurs de l'arbre reçoit aussi les erreurs attendues (saisie refusée) :
    simcord les compte comme des erreurs, on ne garde que celles sans message pour l'utilisateur.
    """
    marqueur = request.node.get_closest_marker("simcord")
    env = Env(simcord_bot, **(marqueur.kwargs if marqueur else {}))
    horloge.suivre(env)
    await env.start()
    try:
        yield env
    finally:
        await env.shutdown()
        if not env.bot.is_closed():
            await env.bot.close()
        inattendues = [e for e in env.errors if not isinstance(e, AppCommandError) or message_pour(e) is None]
        if inattendues:
            raise ExceptionGroup("Erreurs inattendues du bot", inattendues)
