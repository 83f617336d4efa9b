"""Types de colonnes partagés par les tables."""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import BigInteger, Column
from sqlmodel import Field


def maintenant_utc() -> datetime:
    """Rend l'instant présent en UTC (valeur par défaut des colonnes d'horodatage)."""
    return datetime.now(UTC)


def champ_snowflake(*, index: bool = False, nullable: bool = False, primaire: bool = False) -> Any:
    """Déclare un identifiant Discord (64 bits) : `BIGINT` sur PostgreSQL."""
    return Field(
        default=None if nullable else ...,
        sa_column=Column(
            BigInteger, index=index, nullable=nullable, primary_key=primaire, autoincrement=False
        ),
    )
