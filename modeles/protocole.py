"""Le protocole comme données : ses éditions (2024-2026, puis la suivante), leurs axes et objectifs."""

from datetime import date, datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from modeles.base import champ_snowflake

LONGUEUR_TITRE_EDITION = 200
LONGUEUR_TITRE_AXE = 200
LONGUEUR_TITRE_COURT = 60
LONGUEUR_OBJECTIF = 300
LONGUEUR_BUREAU = 300


class Edition(SQLModel, table=True):
    """Une édition du protocole (« Protocole de collaboration 2024-2026 »), avec sa période et sa signature.

    L'édition courante d'un serveur est celle qui commence le plus tard ; les précédentes restent
    lisibles (rapports, bilan) mais ne reçoivent plus de nouvelles actions.
    """

    __tablename__ = "edition"
    __table_args__ = (UniqueConstraint("guild_id", "debut"),)

    id: int | None = Field(default=None, primary_key=True)
    guild_id: int = champ_snowflake(index=True)
    titre: str = Field(max_length=LONGUEUR_TITRE_EDITION)
    debut: date
    fin: date
    signee_le: date | None = None
    signee_a: str | None = Field(default=None, max_length=80)
    # Vrai tant que le sort des actions ouvertes de l'édition précédente n'est pas décidé.
    en_attente: bool = False
    cree_le: datetime | None = None


class BureauSuivi(SQLModel, table=True):
    """Le service qui suit la mise en œuvre d'une édition pour une ville partenaire."""

    __tablename__ = "bureau_suivi"
    __table_args__ = (UniqueConstraint("edition_id", "ville"),)

    id: int | None = Field(default=None, primary_key=True)
    guild_id: int = champ_snowflake(index=True)
    edition_id: int = Field(foreign_key="edition.id", index=True)
    ville: str = Field(max_length=40)  # code de la ville partenaire
    bureau: str = Field(max_length=LONGUEUR_BUREAU)


class Axe(SQLModel, table=True):
    """Domaine de coopération prioritaire (I, II, III…) d'une édition."""

    __tablename__ = "axe"
    __table_args__ = (UniqueConstraint("edition_id", "numero"),)

    id: int | None = Field(default=None, primary_key=True)
    guild_id: int = champ_snowflake(index=True)
    edition_id: int = Field(foreign_key="edition.id", index=True)
    numero: int
    titre: str = Field(max_length=LONGUEUR_TITRE_AXE)
    titre_court: str = Field(max_length=LONGUEUR_TITRE_COURT)
    ajoute_le: datetime | None = None  # None : du texte signé


class Objectif(SQLModel, table=True):
    """Objectif d'un axe (« Plus particulièrement, les villes souhaitent … »).

    Un objectif retiré reste sur les actions qui le citent et dans les rapports ; il n'est plus proposé.
    """

    __tablename__ = "objectif"
    __table_args__ = (UniqueConstraint("axe_id", "numero"),)

    id: int | None = Field(default=None, primary_key=True)
    guild_id: int = champ_snowflake(index=True)
    axe_id: int = Field(foreign_key="axe.id", index=True)
    numero: int
    libelle: str = Field(max_length=LONGUEUR_OBJECTIF)
    ajoute_le: datetime | None = None  # None : du texte signé
    retire_le: datetime | None = None
