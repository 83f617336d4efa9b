"""Connexion à la base (SQLite ou PostgreSQL), transactions hors de la boucle et migrations Alembic."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlmodel import Session

URL_PAR_DEFAUT = "sqlite:///data/passerelle.db"
DOSSIER_MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
_OPTION_LECTURE = "passerelle_lecture"

P = ParamSpec("P")
R = TypeVar("R")


def normaliser_url(url: str) -> str:
    """Choisit le pilote synchrone : `sqlite` intégré, psycopg 3 pour PostgreSQL."""
    if url.startswith(("postgres://", "postgresql://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def creer_moteur(url: str, **options: Any) -> Engine:
    """Crée le moteur SQLAlchemy ; SQLite en WAL avec clés étrangères et écritures sérialisées."""
    url = normaliser_url(url)
    adresse = make_url(url)
    if adresse.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True, **options)
    if adresse.database and adresse.database != ":memory:":
        Path(adresse.database).parent.mkdir(parents=True, exist_ok=True)
    moteur = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **options)

    @event.listens_for(moteur, "connect")
    def _pragmas(connexion_dbapi: Any, _record: Any) -> None:
        # pysqlite ouvre ses transactions lui-même, trop tard : on les ouvre nous-mêmes.
        connexion_dbapi.isolation_level = None
        curseur = connexion_dbapi.cursor()
        curseur.execute("PRAGMA foreign_keys=ON")
        curseur.execute("PRAGMA journal_mode=WAL")
        curseur.execute("PRAGMA synchronous=NORMAL")
        curseur.execute("PRAGMA busy_timeout=30000")
        curseur.close()

    @event.listens_for(moteur, "begin")
    def _debut(connexion: Any) -> None:
        # IMMEDIATE : une écriture prend le verrou dès le début, donc pas de mise à jour perdue
        # entre deux transactions qui lisent puis écrivent la même ligne.
        lecture = connexion.get_execution_options().get(_OPTION_LECTURE, False)
        connexion.exec_driver_sql("BEGIN" if lecture else "BEGIN IMMEDIATE")

    return moteur


def appliquer_migrations(moteur: Engine, cible: str = "head") -> None:
    """Amène le schéma à la dernière révision Alembic."""
    # Importé ici : le processus de l'atelier, qui lit ce module sans jamais migrer, n'en paie
    # pas le prix (≈ 11 Mo).
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(DOSSIER_MIGRATIONS))
    with moteur.begin() as connexion:
        config.attributes["connection"] = connexion
        command.upgrade(config, cible)


class BaseDonnees:
    """Accès à la base : une fonction de règles = une transaction, exécutée hors de la boucle."""

    def __init__(self, url: str) -> None:
        self.url = normaliser_url(url)
        self.moteur = creer_moteur(self.url)

    @property
    def genre(self) -> str:
        """« sqlite » ou « postgresql »."""
        return make_url(self.url).get_backend_name()

    @property
    def partagee(self) -> bool:
        """Vrai si d'autres processus peuvent écrire dans la même base (PostgreSQL)."""
        return self.genre != "sqlite"

    def transaction(
        self,
        fonction: Callable[Concatenate[Session, P], R],
        /,
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> R:
        """Exécute `fonction(session, …)` dans une transaction validée à la fin."""
        with Session(self.moteur, expire_on_commit=False) as session:
            resultat = fonction(session, *args, **kwargs)
            session.commit()
            return resultat

    def lecture(
        self,
        fonction: Callable[Concatenate[Session, P], R],
        /,
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> R:
        """Exécute `fonction(session, …)` en lecture seule (n'attend pas les écritures sur SQLite)."""
        with Session(self.moteur, expire_on_commit=False) as session:
            session.connection(execution_options={_OPTION_LECTURE: True})
            # Pas de rollback explicite : il expirerait les objets rendus ; la fermeture annule.
            return fonction(session, *args, **kwargs)

    async def ecrire(
        self,
        fonction: Callable[Concatenate[Session, P], R],
        /,
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> R:
        """Comme `transaction`, dans un thread : la boucle d'événements reste libre."""
        return await asyncio.to_thread(self.transaction, fonction, *args, **kwargs)

    async def lire(
        self,
        fonction: Callable[Concatenate[Session, P], R],
        /,
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> R:
        """Comme `lecture`, dans un thread."""
        return await asyncio.to_thread(self.lecture, fonction, *args, **kwargs)

    def revisions(self) -> tuple[str | None, str | None]:
        """La révision du schéma en base et la dernière que connaît ce code (`/statut`)."""
        from alembic.runtime.migration import MigrationContext
        from alembic.script import ScriptDirectory

        with self.moteur.connect() as connexion:
            en_base = MigrationContext.configure(connexion).get_current_revision()
        return en_base, ScriptDirectory(str(DOSSIER_MIGRATIONS)).get_current_head()

    def migrer(self) -> None:
        """Applique les migrations en attente."""
        appliquer_migrations(self.moteur)

    def fermer(self) -> None:
        """Ferme toutes les connexions."""
        self.moteur.dispose()
