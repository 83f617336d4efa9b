"""Environnement Alembic : schéma décrit par `SQLModel.metadata` (paquet `modeles`)."""

import os

from alembic import context
from sqlmodel import SQLModel

import modeles  # noqa: F401  (enregistre les tables dans la métadonnée)
from bot.base import URL_PAR_DEFAUT, creer_moteur

config = context.config
cible = SQLModel.metadata


def _configurer(connexion: object) -> None:
    context.configure(
        connection=connexion,  # type: ignore[arg-type]
        target_metadata=cible,
        compare_type=True,
        render_as_batch=True,  # SQLite ne sait pas modifier une colonne sans recréer la table
    )
    with context.begin_transaction():
        context.run_migrations()


connexion_fournie = config.attributes.get("connection")
if connexion_fournie is not None:
    _configurer(connexion_fournie)
else:
    moteur = creer_moteur(os.environ.get("DATABASE_URL", URL_PAR_DEFAUT))
    with moteur.connect() as connexion:
        _configurer(connexion)
    moteur.dispose()
