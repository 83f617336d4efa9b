"""Réglages lus dans l'environnement et le fichier `.env`."""

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.base import URL_PAR_DEFAUT


class Reglages(BaseSettings):
    """Réglages du bot ; voir `.env.example`."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    discord_token: SecretStr | None = None
    database_url: str = URL_PAR_DEFAUT
    log_level: str = "INFO"
    dev_guild_id: int | None = None
    # La page de suivi et les agendas (`web/`), servis par le processus du bot.
    web_hote: str = "127.0.0.1"
    web_port: int = Field(default=8080, ge=1, le=65535)
    web_url_publique: str | None = None
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

    @field_validator("web_url_publique", mode="before")
    @classmethod
    def _url_publique(cls, valeur: object) -> object:
        if not isinstance(valeur, str) or not valeur.strip():
            return None
        url = valeur.strip().rstrip("/")
        if not url.startswith(("http://", "https://")):
            raise ValueError("WEB_URL_PUBLIQUE doit commencer par https:// (ou http://)")
        return url

    @property
    def adresse_web(self) -> str:
        """L'adresse avec laquelle les liens de la page sont construits (sans « / » final)."""
        if self.web_url_publique:
            return self.web_url_publique
        hote = f"[{self.web_hote}]" if ":" in self.web_hote else self.web_hote
        return f"http://{hote}:{self.web_port}"

    @field_validator("log_level")
    @classmethod
    def _niveau(cls, valeur: str) -> str:
        niveau = valeur.strip().upper()
        if niveau not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("LOG_LEVEL doit valoir DEBUG, INFO, WARNING, ERROR ou CRITICAL")
        return niveau
