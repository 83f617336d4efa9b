"""Les migrations créent le schéma des modèles, sur SQLite et PostgreSQL."""

from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlmodel import SQLModel

import modeles  # noqa: F401
from bot.base import DOSSIER_MIGRATIONS, appliquer_migrations, creer_moteur
from tests.conftest import URL_POSTGRES


@pytest.fixture(params=["sqlite", "postgresql"])
def url_vide(request: pytest.FixtureRequest, tmp_path: Path):
    """Une base entièrement vide (aucune table)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'vide.db'}"
        return
    moteur = creer_moteur(URL_POSTGRES, isolation_level="AUTOCOMMIT")
    schema = f"migration_{tmp_path.name[-20:].replace('-', '_').lower()}"
    with moteur.connect() as connexion:
        connexion.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        connexion.execute(text(f'CREATE SCHEMA "{schema}"'))
    yield f"{URL_POSTGRES}?options=-csearch_path%3D{schema}"
    with moteur.connect() as connexion:
        connexion.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    moteur.dispose()


def test_migrations_jusqu_au_bout_puis_aucune_difference(url_vide: str) -> None:
    moteur = creer_moteur(url_vide)
    appliquer_migrations(moteur)
    tables = set(inspect(moteur).get_table_names())
    assert set(SQLModel.metadata.tables) <= tables
    with moteur.connect() as connexion:
        differences = compare_metadata(MigrationContext.configure(connexion), SQLModel.metadata)
    assert differences == []
    appliquer_migrations(moteur)  # une seconde fois : rien à faire, pas d'erreur
    moteur.dispose()


def test_retour_arriere_complet_puis_remontee(url_vide: str) -> None:
    moteur = creer_moteur(url_vide)
    appliquer_migrations(moteur)
    config = Config()
    config.set_main_option("script_location", str(DOSSIER_MIGRATIONS))
    with moteur.begin() as connexion:
        config.attributes["connection"] = connexion
        command.downgrade(config, "base")
    assert set(inspect(moteur).get_table_names()) <= {"alembic_version"}
    appliquer_migrations(moteur)
    assert set(SQLModel.metadata.tables) <= set(inspect(moteur).get_table_names())
    moteur.dispose()


def test_sqlite_active_les_cles_etrangeres_et_le_wal(tmp_path: Path) -> None:
    moteur = creer_moteur(f"sqlite:///{tmp_path / 'p.db'}")
    with moteur.connect() as connexion:
        assert connexion.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connexion.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    moteur.dispose()
