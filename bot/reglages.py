"""Réglages lus dans l'environnement et le fichier `.env`."""

from pydantic import SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.base import URL_PAR_DEFAUT


class Reglages(BaseSettings):
    """Réglages du bot ; voir `.env.example`."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    discord_token: SecretStr | None = None
    database_url: str = URL_PAR_DEFAUT
    log_level: str = "INFO"
    dev_guild_id: int | None = None
    # Lancer et préchauffer le processus de dessin dès que le bot est prêt (premier graphique
    # rapide) ; False pour garder sa mémoire (~130 Mo) libre jusqu'au premier graphique.
    atelier_prechauffe: bool = True

    @field_validator("discord_token", mode="before")
    @classmethod
    def _vide_est_absent(cls, valeur: object) -> object:
        return None if isinstance(valeur, str) and not valeur.strip() else valeur

    @field_validator("dev_guild_id", mode="before")
    @classmethod
    def _id_vide_est_absent(cls, valeur: object) -> object:
        return None if isinstance(valeur, str) and not valeur.strip() else valeur

    @field_validator("log_level")
    @classmethod
    def _niveau(cls, valeur: str) -> str:
        niveau = valeur.strip().upper()
        if niveau not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("LOG_LEVEL doit valoir DEBUG, INFO, WARNING, ERROR ou CRITICAL")
        return niveau
