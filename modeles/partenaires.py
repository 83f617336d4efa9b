"""Le registre des partenaires (UNamur, BEP, UQTR, CCIM…) et les actions qui les associent."""

from datetime import datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from modeles.base import champ_snowflake

LONGUEUR_NOM_PARTENAIRE = 40
LONGUEUR_TYPE_PARTENAIRE = 40


class Partenaire(SQLModel, table=True):
    """Un partenaire du protocole : nom, ville partenaire de rattachement, type d'organisme."""

    __tablename__ = "partenaire"
    __table_args__ = (UniqueConstraint("guild_id", "recherche"),)

    id: int | None = Field(default=None, primary_key=True)
    guild_id: int = champ_snowflake(index=True)
    nom: str = Field(max_length=LONGUEUR_NOM_PARTENAIRE)
    # Nom en minuscules sans accents (metier.temps.normaliser) : un seul « UNamur », quelle que soit la casse.
    recherche: str = Field(max_length=LONGUEUR_NOM_PARTENAIRE)
    nom_complet: str | None = Field(default=None, max_length=200)
    ville: str | None = Field(default=None, max_length=40)  # code de la ville partenaire, None : aucune
    type: str = Field(default="autre", max_length=LONGUEUR_TYPE_PARTENAIRE)
    cree_le: datetime | None = None


class ActionPartenaire(SQLModel, table=True):
    """Un partenaire associé à une action, dans l'ordre de la saisie."""

    __tablename__ = "action_partenaire"
    __table_args__ = (Index("ix_action_partenaire_partenaire", "partenaire_id"),)

    action_id: int = Field(foreign_key="action.id", primary_key=True)
    partenaire_id: int = Field(foreign_key="partenaire.id", primary_key=True)
    guild_id: int = champ_snowflake()
    ordre: int = 0
