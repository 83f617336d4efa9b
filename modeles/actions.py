"""Actions du protocole, leur historique, les indicateurs et leurs mesures."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Column, Index, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from modeles.base import champ_snowflake, maintenant_utc

LONGUEUR_TITRE = 200
LONGUEUR_DESCRIPTION = 1000
LONGUEUR_NOTE = 1000
LONGUEUR_PARTENAIRES = 300
LONGUEUR_REFERENCE = 100


class StatutAction(StrEnum):
    """Où en est une action."""

    PROPOSEE = "proposee"
    EN_COURS = "en_cours"
    EN_PAUSE = "en_pause"
    TERMINEE = "terminee"
    ABANDONNEE = "abandonnee"


VILLE_TOUTES = "toutes"  # action portée conjointement par toutes les villes partenaires


class Action(SQLModel, table=True):
    """Projet ou activité ciblé par le protocole, numéroté par serveur (#12)."""

    __tablename__ = "action"
    __table_args__ = (
        UniqueConstraint("guild_id", "numero"),
        # Les comptes de /action liste (par statut et échéance, sur les axes d'une édition) se lisent dans
        # cet index seul, sans toucher aux lignes.
        Index("ix_action_liste", "guild_id", "archivee", "statut", "echeance", "axe_id"),
        Index("ix_action_echeance", "guild_id", "echeance", "numero"),
        # Une référence externe (registre importé) ne désigne qu'une action du serveur.
        Index("ix_action_reference", "guild_id", "reference", unique=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    guild_id: int = champ_snowflake()
    numero: int
    titre: str = Field(max_length=LONGUEUR_TITRE)
    # Titre en minuscules sans accents, pour l'autocomplétion insensible aux accents.
    recherche: str = Field(default="", max_length=LONGUEUR_TITRE)
    description: str | None = Field(default=None, max_length=LONGUEUR_DESCRIPTION)
    axe_id: int = Field(foreign_key="axe.id", index=True)
    objectif_id: int | None = Field(default=None, foreign_key="objectif.id")
    ville: str = Field(default=VILLE_TOUTES, max_length=40)
    responsable_id: int = champ_snowflake()
    auteur_id: int = champ_snowflake()
    # Étiquettes libres séparées par des virgules (UNamur, UQTR, BEP, CCIM…).
    partenaires: str = Field(default="", max_length=LONGUEUR_PARTENAIRES)
    statut: StatutAction = Field(default=StatutAction.PROPOSEE, sa_column=Column(String(20), nullable=False))
    avancement: int = Field(default=0, ge=0, le=100)
    echeance: date | None = None
    archivee: bool = False
    cree_le: datetime = Field(default_factory=maintenant_utc)
    modifie_le: datetime = Field(default_factory=maintenant_utc)
    # L'édition (edition.id) d'où l'action a été reprise lors d'un renouvellement (« reprise de l'édition
    # 2024-2026 »). Sans clé étrangère : SQLite ne saurait l'ajouter ni l'ôter sans recréer `action`.
    reprise_de_id: int | None = None
    # La référence de l'action dans un registre importé sans N° (« T-2024-07 ») : l'import la
    # reconnaît par elle, et l'export la ressort.
    reference: str | None = Field(default=None, max_length=LONGUEUR_REFERENCE)


class MiseAJour(SQLModel, table=True):
    """Une étape de l'historique d'une action : avancement, statut, note."""

    __tablename__ = "mise_a_jour"
    __table_args__ = (
        Index("ix_mise_a_jour_action", "action_id", "quand"),
        Index("ix_mise_a_jour_serveur", "guild_id", "quand"),
        # Ce qui a été saisi pendant une séance (compte rendu) : par instant de saisie.
        Index("ix_mise_a_jour_saisie", "guild_id", "saisi_le"),
    )

    id: int | None = Field(default=None, primary_key=True)
    guild_id: int = champ_snowflake()
    action_id: int = Field(foreign_key="action.id")
    auteur_id: int = champ_snowflake()
    quand: datetime = Field(default_factory=maintenant_utc)  # la date du fait
    avancement: int | None = None
    statut: str | None = Field(default=None, max_length=20)
    note: str | None = Field(default=None, max_length=LONGUEUR_NOTE)
    saisi_le: datetime | None = None  # l'instant de la saisie (None : comme `quand`, avant 0008)


class Indicateur(SQLModel, table=True):
    """Indicateur de performance d'un axe, avec valeur de départ et cible."""

    __tablename__ = "indicateur"
    __table_args__ = (UniqueConstraint("guild_id", "numero"),)

    id: int | None = Field(default=None, primary_key=True)
    guild_id: int = champ_snowflake()
    numero: int
    nom: str = Field(max_length=LONGUEUR_TITRE)
    recherche: str = Field(default="", max_length=LONGUEUR_TITRE)
    axe_id: int = Field(foreign_key="axe.id", index=True)
    unite: str = Field(max_length=40)
    valeur_depart: float = 0.0
    cible: float
    action_id: int | None = Field(default=None, foreign_key="action.id")
    auteur_id: int = champ_snowflake()
    archive: bool = False
    cree_le: datetime = Field(default_factory=maintenant_utc)


class Mesure(SQLModel, table=True):
    """Valeur d'un indicateur à une date."""

    __tablename__ = "mesure"
    __table_args__ = (Index("ix_mesure_indicateur", "indicateur_id", "date"),)

    id: int | None = Field(default=None, primary_key=True)
    guild_id: int = champ_snowflake(index=True)
    indicateur_id: int = Field(foreign_key="indicateur.id")
    date: date
    valeur: float
    note: str | None = Field(default=None, max_length=LONGUEUR_NOTE)
    auteur_id: int = champ_snowflake()
    quand: datetime = Field(default_factory=maintenant_utc)


class EvolutionMensuelle(SQLModel, table=True):
    """Cumul, par axe et par mois (UTC), de ce que l'historique des actions apporte à l'avancement.

    `somme` : variation de la somme des avancements des actions de l'axe pendant le mois ;
    `nombre` : actions apparues dans l'axe ce mois-là. Tenu à jour par les règles de
    `metier.actions.registre` (voir `metier.actions.evolution`), il évite de rejouer
    l'historique pour le graphique
    `evolution`.
    """

    __tablename__ = "evolution_mensuelle"

    guild_id: int = champ_snowflake(primaire=True)
    axe_id: int = Field(foreign_key="axe.id", primary_key=True)
    mois: date = Field(primary_key=True)
    somme: int = 0
    nombre: int = 0
