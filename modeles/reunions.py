"""Réunions (séries), leurs exceptions, les présences et les publications planifiées."""

from datetime import date, datetime, time
from enum import StrEnum

from sqlalchemy import Column, Index, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from modeles.base import champ_snowflake, maintenant_utc


class Recurrence(StrEnum):
    """Rythme d'une série de réunions."""

    AUCUNE = "aucune"
    HEBDOMADAIRE = "hebdomadaire"
    BIHEBDOMADAIRE = "bihebdomadaire"
    MENSUELLE = "mensuelle"


class Reunion(SQLModel, table=True):
    """Série de réunions : ville d'ancrage, heure murale locale et règle RFC 5545."""

    __tablename__ = "reunion"
    __table_args__ = (UniqueConstraint("guild_id", "numero"),)

    id: int | None = Field(default=None, primary_key=True)
    guild_id: int = champ_snowflake()
    numero: int
    titre: str = Field(max_length=200)
    ville: str = Field(max_length=40)
    fuseau: str = Field(max_length=64)
    date_debut: date
    heure_locale: time
    # Pour une heure ambiguë (retour à l'heure normale) : 0 = la première, 1 = la seconde.
    pli: int = 0
    duree_minutes: int = 60
    recurrence: Recurrence = Field(default=Recurrence.AUCUNE, sa_column=Column(String(20), nullable=False))
    regle: str | None = Field(default=None, max_length=300)
    rappels: str = Field(default="24h,1h", max_length=100)
    salon_id: int | None = champ_snowflake(nullable=True)
    lien: str | None = Field(default=None, max_length=500)
    # Rôle mentionné par les rappels de cette réunion (sinon celui du serveur, sinon personne).
    role_notifier_id: int | None = champ_snowflake(nullable=True)
    auteur_id: int = champ_snowflake()
    annulee: bool = False
    cree_le: datetime = Field(default_factory=maintenant_utc)


class OccurrenceAnnulee(SQLModel, table=True):
    """Occurrence retirée d'une série (EXDATE), repérée par son début prévu en UTC."""

    __tablename__ = "occurrence_annulee"
    __table_args__ = (UniqueConstraint("reunion_id", "debut"),)

    id: int | None = Field(default=None, primary_key=True)
    guild_id: int = champ_snowflake()
    reunion_id: int = Field(foreign_key="reunion.id", index=True)
    debut: datetime
    auteur_id: int = champ_snowflake()
    quand: datetime = Field(default_factory=maintenant_utc)


class Presence(SQLModel, table=True):
    """Réponse d'un membre à l'invitation d'une occurrence (présent, absent, peut-être)."""

    __tablename__ = "presence"
    __table_args__ = (UniqueConstraint("reunion_id", "debut", "membre_id"),)

    id: int | None = Field(default=None, primary_key=True)
    guild_id: int = champ_snowflake()
    reunion_id: int = Field(foreign_key="reunion.id", index=True)
    debut: datetime
    membre_id: int = champ_snowflake()
    reponse: str = Field(max_length=10)
    # La ville partenaire du membre quand il a répondu (d'après ses rôles), pour grouper les noms.
    ville: str | None = Field(default=None, max_length=40)
    quand: datetime = Field(default_factory=maintenant_utc)


class StatutLivraison(StrEnum):
    """Cycle de vie d'une publication planifiée."""

    PREVUE = "prevue"
    ENVOYEE = "envoyee"
    SAUTEE = "sautee"
    ECHEC = "echec"
    ANNULEE = "annulee"


class Livraison(SQLModel, table=True):
    """Une publication due (rappel, résumé, avis) : la base dit ce qui doit partir, une seule fois."""

    __tablename__ = "livraison"
    __table_args__ = (
        UniqueConstraint("guild_id", "cle"),
        Index("ix_livraison_a_faire", "statut", "echeance"),
    )

    id: int | None = Field(default=None, primary_key=True)
    guild_id: int = champ_snowflake()
    type: str = Field(max_length=20)
    cle: str = Field(max_length=120)
    echeance: datetime
    # Au-delà de cet instant, une publication en retard n'a plus de sens : elle est sautée.
    limite: datetime
    statut: StatutLivraison = Field(
        default=StatutLivraison.PREVUE, sa_column=Column(String(10), nullable=False)
    )
    reunion_id: int | None = Field(default=None, foreign_key="reunion.id")
    occurrence: datetime | None = None
    salon_id: int | None = champ_snowflake(nullable=True)
    tentatives: int = 0
    prochain_essai: datetime | None = None
    envoyee_le: datetime | None = None
    en_retard: bool = False
    message_id: int | None = champ_snowflake(nullable=True)
    erreur: str | None = Field(default=None, max_length=500)
    # Un rappel en message privé (type « prive ») : le membre à qui l'écrire.
    membre_id: int | None = champ_snowflake(nullable=True)


class RappelPrive(SQLModel, table=True):
    """Un membre qui veut recevoir en message privé les rappels suivants d'une réunion."""

    __tablename__ = "rappel_prive"
    __table_args__ = (UniqueConstraint("reunion_id", "membre_id"),)

    id: int | None = Field(default=None, primary_key=True)
    guild_id: int = champ_snowflake()
    reunion_id: int = Field(foreign_key="reunion.id", index=True)
    membre_id: int = champ_snowflake()
    cree_le: datetime = Field(default_factory=maintenant_utc)
