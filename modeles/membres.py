"""Le nom affiché de chaque membre d'un serveur, tel que Discord le donne."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from modeles.base import champ_snowflake, maintenant_utc


class Membre(SQLModel, table=True):
    """Le dernier nom affiché d'un membre dans un serveur (pseudo du serveur, sinon nom global)."""

    __tablename__ = "membre"

    guild_id: int = champ_snowflake(primaire=True)
    membre_id: int = champ_snowflake(primaire=True)
    nom: str = Field(max_length=100)
    # Code de la ville partenaire du membre (`ville_partenaire.code`), quand il l'a dite (`/membre ville`).
    ville: str | None = Field(default=None, max_length=40)
    # L'instant où ce nom a été relevé : il n'est réécrit que lorsqu'il change.
    vu_le: datetime = Field(default_factory=maintenant_utc)
