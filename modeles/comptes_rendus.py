"""Comptes rendus de séance et les actions nées de leurs décisions."""

from datetime import datetime

from sqlalchemy import Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from modeles.base import champ_snowflake, maintenant_utc

LONGUEUR_CHAMP_COMPTE_RENDU = 4000  # la limite d'un champ de fenêtre modale Discord


class CompteRendu(SQLModel, table=True):
    """Ce qui s'est dit et décidé à une séance (repérée par son début en UTC), et qui était là."""

    __tablename__ = "compte_rendu"
    __table_args__ = (UniqueConstraint("reunion_id", "debut"),)

    id: int | None = Field(default=None, primary_key=True)
    guild_id: int = champ_snowflake(index=True)
    reunion_id: int = Field(foreign_key="reunion.id", index=True)
    debut: datetime
    points: str = Field(default="", sa_type=Text)
    decisions: str = Field(default="", sa_type=Text)
    suites: str = Field(default="", sa_type=Text)
    # Identifiants Discord des présents, séparés par des virgules (repris des réponses, ajustables).
    presents: str = Field(default="", sa_type=Text)
    auteur_id: int = champ_snowflake()
    salon_id: int | None = champ_snowflake(nullable=True)
    message_id: int | None = champ_snowflake(nullable=True)
    cree_le: datetime = Field(default_factory=maintenant_utc)
    modifie_le: datetime = Field(default_factory=maintenant_utc)


class DecisionAction(SQLModel, table=True):
    """Une décision d'un compte rendu devenue action (une seule action par décision)."""

    __tablename__ = "decision_action"
    __table_args__ = (UniqueConstraint("compte_rendu_id", "rang"),)

    id: int | None = Field(default=None, primary_key=True)
    guild_id: int = champ_snowflake()
    compte_rendu_id: int = Field(foreign_key="compte_rendu.id", index=True)
    rang: int  # la place de la décision dans le compte rendu, à partir de 1
    action_id: int = Field(foreign_key="action.id")
    auteur_id: int = champ_snowflake()
    quand: datetime = Field(default_factory=maintenant_utc)


class SondageCreneaux(SQLModel, table=True):
    """Jusqu'à cinq créneaux communs soumis au vote ; clos par son auteur ou la coordination."""

    __tablename__ = "sondage_creneaux"

    id: int | None = Field(default=None, primary_key=True)
    guild_id: int = champ_snowflake(index=True)
    auteur_id: int = champ_snowflake()
    salon_id: int | None = champ_snowflake(nullable=True)
    message_id: int | None = champ_snowflake(nullable=True)
    duree_minutes: int
    # Débuts UTC des propositions (« 20270323T1300Z »), séparés par des virgules, dans l'ordre affiché.
    propositions: str = Field(max_length=200)
    clos: bool = False
    cree_le: datetime = Field(default_factory=maintenant_utc)
    clos_le: datetime | None = None


class VoteCreneau(SQLModel, table=True):
    """Le vote d'un membre (un seul par sondage : un second remplace le premier)."""

    __tablename__ = "vote_creneau"
    __table_args__ = (UniqueConstraint("sondage_id", "membre_id"),)

    id: int | None = Field(default=None, primary_key=True)
    guild_id: int = champ_snowflake()
    sondage_id: int = Field(foreign_key="sondage_creneaux.id", index=True)
    membre_id: int = champ_snowflake()
    rang: int  # la proposition choisie, à partir de 1
    quand: datetime = Field(default_factory=maintenant_utc)
