"""Accès hors de Discord : la page de suivi d'un serveur et les agendas abonnés de ses membres.

Les liens secrets ne sont jamais gardés : seule leur empreinte SHA-256 l'est (voir `metier.page`).
"""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from modeles.base import champ_snowflake, maintenant_utc


class ModePage(StrEnum):
    """Ce que montre la page : les noms des responsables (privée) ou seulement leur ville (publique)."""

    PRIVEE = "privee"
    PUBLIQUE = "publique"


class PageWeb(SQLModel, table=True):
    """La page de suivi d'un serveur : ouverte ou non, son mode, l'empreinte de son lien secret."""

    __tablename__ = "page_web"

    guild_id: int = champ_snowflake(primaire=True)
    # Empreinte SHA-256 (hexadécimale) du jeton du lien ; None quand la page est fermée.
    empreinte: str | None = Field(default=None, max_length=64, unique=True)
    mode: ModePage = Field(default=ModePage.PRIVEE, sa_column=Column(String(10), nullable=False))
    ouverte: bool = False
    modifiee_par: int = champ_snowflake()
    modifiee_le: datetime = Field(default_factory=maintenant_utc)


class AbonnementAgenda(SQLModel, table=True):
    """Le lien d'abonnement à l'agenda d'un membre (un par membre et par serveur)."""

    __tablename__ = "abonnement_agenda"
    __table_args__ = (UniqueConstraint("guild_id", "membre_id"),)

    id: int | None = Field(default=None, primary_key=True)
    guild_id: int = champ_snowflake()
    membre_id: int = champ_snowflake()
    empreinte: str = Field(max_length=64, unique=True)
    cree_le: datetime = Field(default_factory=maintenant_utc)
