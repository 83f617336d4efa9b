"""Axes et objectifs du protocole, amorcés pour chaque serveur."""

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from modeles.base import champ_snowflake


class Axe(SQLModel, table=True):
    """Domaine de coopération prioritaire (I, II, III…)."""

    __tablename__ = "axe"
    __table_args__ = (UniqueConstraint("guild_id", "numero"),)

    id: int | None = Field(default=None, primary_key=True)
    guild_id: int = champ_snowflake(index=True)
    numero: int
    titre: str = Field(max_length=200)
    titre_court: str = Field(max_length=60)


class Objectif(SQLModel, table=True):
    """Objectif d'un axe (« Plus particulièrement, les villes souhaitent … »)."""

    __tablename__ = "objectif"
    __table_args__ = (UniqueConstraint("axe_id", "numero"),)

    id: int | None = Field(default=None, primary_key=True)
    guild_id: int = champ_snowflake(index=True)
    axe_id: int = Field(foreign_key="axe.id", index=True)
    numero: int
    libelle: str = Field(max_length=300)
