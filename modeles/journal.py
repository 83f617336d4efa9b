"""Journal d'audit : qui a changé quoi, quand, ancienne → nouvelle valeur."""

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from modeles.base import champ_snowflake, maintenant_utc
from modeles.comptes_rendus import LONGUEUR_CHAMP_COMPTE_RENDU

# Le plus long texte qu'un membre saisit (un champ de compte rendu, la limite d'une fenêtre modale) :
# l'ancienne valeur d'un champ modifié se relit en entier dans le journal.
LONGUEUR_VALEUR_JOURNAL = LONGUEUR_CHAMP_COMPTE_RENDU


class EntreeJournal(SQLModel, table=True):
    """Une modification d'un champ d'une entité."""

    __tablename__ = "journal"
    __table_args__ = (Index("ix_journal_entite", "guild_id", "entite", "entite_id"),)

    id: int | None = Field(default=None, primary_key=True)
    guild_id: int = champ_snowflake()
    auteur_id: int = champ_snowflake()
    quand: datetime = Field(default_factory=maintenant_utc)
    entite: str = Field(max_length=40)
    entite_id: str = Field(max_length=40)
    champ: str = Field(max_length=60)
    ancien: str | None = Field(default=None, max_length=LONGUEUR_VALEUR_JOURNAL)
    nouveau: str | None = Field(default=None, max_length=LONGUEUR_VALEUR_JOURNAL)
