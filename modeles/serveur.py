"""Configuration d'un serveur Discord et ses villes partenaires."""

from datetime import datetime, time

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from modeles.base import champ_snowflake, maintenant_utc


class ConfigServeur(SQLModel, table=True):
    """Réglages d'un serveur : salons, résumé hebdomadaire, rôle de coordination."""

    __tablename__ = "config_serveur"

    guild_id: int = champ_snowflake(primaire=True)
    salon_resume_id: int | None = champ_snowflake(nullable=True)
    salon_rappels_id: int | None = champ_snowflake(nullable=True)
    role_coordination_id: int | None = champ_snowflake(nullable=True)
    # Rôle mentionné par les rappels des réunions qui n'en choisissent pas (aucun par défaut).
    role_rappels_id: int | None = champ_snowflake(nullable=True)
    # Jour ISO-8601 moins un : 0 = lundi … 6 = dimanche.
    resume_jour: int = Field(default=0, ge=0, le=6)
    resume_heure: time = Field(default=time(9, 0))
    resume_ville: str = Field(default="terrebonne", max_length=40)
    prochain_numero_action: int = Field(default=1)
    prochain_numero_indicateur: int = Field(default=1)
    prochain_numero_reunion: int = Field(default=1)
    # Vrai quand `evolution_mensuelle` reflète tout l'historique du serveur (metier.actions.evolution).
    evolution_a_jour: bool = False
    cree_le: datetime = Field(default_factory=maintenant_utc)
    modifie_le: datetime = Field(default_factory=maintenant_utc)


class VillePartenaire(SQLModel, table=True):
    """Une ville du jumelage, avec son fuseau IANA et sa couleur dans les graphiques."""

    __tablename__ = "ville_partenaire"
    __table_args__ = (UniqueConstraint("guild_id", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    guild_id: int = champ_snowflake(index=True)
    code: str = Field(max_length=40)
    nom: str = Field(max_length=80)
    fuseau: str = Field(max_length=64)
    couleur: str = Field(max_length=7)
    ordre: int = Field(default=0)


class EtatBot(SQLModel, table=True):
    """Petites valeurs du bot lui-même (ex. empreinte des commandes synchronisées)."""

    __tablename__ = "etat_bot"

    cle: str = Field(primary_key=True, max_length=100)
    valeur: str = Field(max_length=200)
    modifie_le: datetime = Field(default_factory=maintenant_utc)
