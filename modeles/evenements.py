"""Événements Discord (onglet « Événements » du serveur) publiés pour les prochaines séances."""

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from modeles.base import champ_snowflake


class EvenementDiscord(SQLModel, table=True):
    """L'événement Discord d'une séance ; `empreinte` dit ce qui a été publié (pour le mettre à jour)."""

    __tablename__ = "evenement_discord"
    __table_args__ = (UniqueConstraint("reunion_id", "debut"),)

    id: int | None = Field(default=None, primary_key=True)
    guild_id: int = champ_snowflake(index=True)
    reunion_id: int = Field(foreign_key="reunion.id")
    debut: datetime
    event_id: int | None = champ_snowflake(nullable=True)
    empreinte: str = Field(default="", max_length=64)
    # Échecs (403, 429, 5xx) : repris avec un délai croissant, signalés à la coordination après 4 essais.
    tentatives: int = 0
    prochain_essai: datetime | None = None
    erreur: str | None = Field(default=None, max_length=500)
    signale: bool = False
