"""Sauvegardes et restauration de la base.

- SQLite : l'API de sauvegarde en ligne de SQLite (`sqlite3.Connection.backup`) copie une image
  cohérente de la base pendant que le bot écrit (chaque transaction y est entière ou absente).
- PostgreSQL : `pg_dump --format=custom` s'il est installé ; sinon la ligne à lancer est donnée.
- Sauvegarde automatique (SQLite) : une par jour dans `data/sauvegardes/`, gardées 7 jours, plus
  la dernière de chacune des 4 semaines d'avant.
- Restauration : le fichier est vérifié avant de rien remplacer (une base SQLite intègre, de
  Passerelle, d'un schéma que ce code connaît), jamais pendant que le bot tourne (verrou), et la
  base remplacée est gardée à côté.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy.engine import make_url

from bot.base import DOSSIER_MIGRATIONS, normaliser_url
from bot.verrou import fichier_sqlite, verrouiller

GARDER_JOURS = 7
GARDER_SEMAINES = 4
PREFIXE = "passerelle-"
# Tables sans lesquelles un fichier n'est pas une base Passerelle.
TABLES_PASSERELLE = {"alembic_version", "config_serveur", "action", "livraison"}


class SauvegardeImpossible(Exception):
    """Une sauvegarde ou une restauration refusée ; le message dit quoi faire."""


@dataclass(frozen=True)
class Verification:
    """Ce que dit la vérification d'un fichier de sauvegarde."""

    revision: str
    serveurs: int
    actions: int


def dossier_automatique(url: str) -> Path | None:
    """Le dossier des sauvegardes automatiques : `sauvegardes/` à côté du fichier SQLite."""
    base = fichier_sqlite(url)
    return None if base is None else base.parent / "sauvegardes"


def sauvegarder(url: str, sortie: Path) -> Path:
    """Écrit une sauvegarde de la base dans `sortie` (SQLite : copie en ligne ; PostgreSQL : pg_dump)."""
    base = fichier_sqlite(url)
    sortie.parent.mkdir(parents=True, exist_ok=True)
    if base is None:
        return _pg_dump(url, sortie)
    if not base.exists():
        raise SauvegardeImpossible(f"Erreur : la base SQLite {base} n'existe pas (DATABASE_URL).")
    provisoire = sortie.with_name(sortie.name + ".partiel")
    provisoire.unlink(missing_ok=True)
    source = sqlite3.connect(f"file:{base}?mode=ro", uri=True)
    try:
        cible = sqlite3.connect(provisoire)
        try:
            # Par pages, 256 à la fois : les écritures du bot passent entre deux tranches ; SQLite
            # recommence la copie si la base change, l'image finale est celle d'un instant.
            source.backup(cible, pages=256)
            cible.execute("PRAGMA journal_mode=DELETE")  # un seul fichier, sans -wal
        finally:
            cible.close()
    finally:
        source.close()
    verifier(provisoire)
    os.replace(provisoire, sortie)
    return sortie


def _pg_dump(url: str, sortie: Path) -> Path:
    adresse = make_url(normaliser_url(url))
    libpq = adresse.set(drivername="postgresql").render_as_string(hide_password=False)
    libpq = libpq.split("?", 1)[0]
    commande = ["pg_dump", "--format=custom", "--no-owner", f"--file={sortie}"]
    options = str(adresse.query.get("options", ""))
    if "search_path=" in options:
        commande.append(f"--schema={options.split('search_path=', 1)[1].split()[0]}")
    commande.append(libpq)
    if shutil.which("pg_dump") is None:
        visible = adresse.set(drivername="postgresql").render_as_string(hide_password=True).split("?")[0]
        raise SauvegardeImpossible(
            "Erreur : pg_dump est introuvable (paquet postgresql-client). Sur une machine qui l'a, "
            f"lancez : pg_dump --format=custom --no-owner --file={sortie} {visible}\n"
            "Restauration : pg_restore --clean --if-exists --no-owner --dbname=ADRESSE FICHIER"
        )
    fini = subprocess.run(commande, capture_output=True, text=True, check=False)  # noqa: S603
    if fini.returncode != 0:
        raise SauvegardeImpossible(f"Erreur : pg_dump a échoué : {fini.stderr.strip()[:500]}")
    return sortie


def verifier(fichier: Path) -> Verification:
    """Vérifie qu'un fichier est une base Passerelle intègre d'un schéma connu ; sinon lève une erreur."""
    if not fichier.is_file():
        raise SauvegardeImpossible(f"Erreur : le fichier {fichier} n'existe pas.")
    with open(fichier, "rb") as entree:
        if entree.read(16) != b"SQLite format 3\x00":
            raise SauvegardeImpossible(
                f"Erreur : {fichier} n'est pas une base SQLite (ni une sauvegarde de Passerelle)."
            )
    try:
        connexion = sqlite3.connect(f"file:{fichier}?mode=ro", uri=True)
        try:
            integrite = connexion.execute("PRAGMA integrity_check").fetchone()[0]
            tables = {ligne[0] for ligne in connexion.execute("SELECT name FROM sqlite_master")}
            if integrite != "ok":
                raise SauvegardeImpossible(f"Erreur : {fichier} est abîmé ({integrite[:200]}).")
            if not tables >= TABLES_PASSERELLE:
                raise SauvegardeImpossible(
                    f"Erreur : {fichier} n'est pas une base Passerelle (tables manquantes : "
                    f"{', '.join(sorted(TABLES_PASSERELLE - tables))})."
                )
            revision = connexion.execute("SELECT version_num FROM alembic_version").fetchone()
            serveurs = connexion.execute("SELECT count(*) FROM config_serveur").fetchone()[0]
            actions = connexion.execute("SELECT count(*) FROM action").fetchone()[0]
        finally:
            connexion.close()
    except sqlite3.DatabaseError as erreur:
        raise SauvegardeImpossible(f"Erreur : {fichier} est illisible ({erreur}).") from None
    if revision is None:
        raise SauvegardeImpossible(f"Erreur : {fichier} n'a pas de version de schéma (alembic_version).")
    if revision[0] not in revisions_connues():
        raise SauvegardeImpossible(
            f"Erreur : {fichier} vient d'une version plus récente de Passerelle (schéma {revision[0]}) : "
            "mettez le bot à jour avant de la restaurer."
        )
    return Verification(revision=revision[0], serveurs=serveurs, actions=actions)


def revisions_connues() -> set[str]:
    """Les révisions Alembic que ce code sait lire (et migrer jusqu'à la dernière)."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory(str(DOSSIER_MIGRATIONS))
    return {revision.revision for revision in script.walk_revisions()}


def restaurer(url: str, fichier: Path, *, maintenant: datetime) -> tuple[Verification, Path | None]:
    """Remplace la base SQLite de `url` par la sauvegarde `fichier`, vérifiée ; rend l'ancienne gardée.

    Refusée si le bot tourne (verrou), si le fichier n'est pas une sauvegarde Passerelle intègre,
    ou s'il vient d'un schéma plus récent. Le bot migre la base restaurée à son prochain démarrage.
    """
    base = fichier_sqlite(url)
    if base is None:
        raise SauvegardeImpossible(
            "Erreur : restaurer ne s'applique qu'à SQLite. Pour PostgreSQL : "
            "pg_restore --clean --if-exists --no-owner --dbname=ADRESSE FICHIER (bot arrêté)."
        )
    verification = verifier(fichier)
    verrou = verrouiller(url)  # lève BaseOccupee si le bot tourne
    try:
        gardee = None
        if base.exists():
            gardee = base.with_name(f"{base.name}.avant-restauration-{maintenant:%Y%m%d-%H%M%S}")
            if _lisible(base):
                sauvegarder(url, gardee)
            else:
                shutil.copy2(base, gardee)  # abîmée : gardée telle quelle
        provisoire = base.with_name(base.name + ".restauration")
        provisoire.unlink(missing_ok=True)
        source = sqlite3.connect(f"file:{fichier}?mode=ro", uri=True)
        try:
            cible = sqlite3.connect(provisoire)
            try:
                source.backup(cible)
            finally:
                cible.close()
        finally:
            source.close()
        for annexe in ("-wal", "-shm"):
            base.with_name(base.name + annexe).unlink(missing_ok=True)
        os.replace(provisoire, base)
        return verification, gardee
    finally:
        if verrou is not None:
            verrou.close()


def _lisible(base: Path) -> bool:
    try:
        connexion = sqlite3.connect(f"file:{base}?mode=ro", uri=True)
        try:
            connexion.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            connexion.close()
    except sqlite3.DatabaseError:
        return False
    return True


def sauvegarde_quotidienne(url: str, aujourd_hui: date) -> Path | None:
    """Sauvegarde du jour dans `data/sauvegardes/` si elle manque, puis rotation ; rend le fichier écrit."""
    dossier = dossier_automatique(url)
    if dossier is None:
        return None
    fichier = dossier / f"{PREFIXE}{aujourd_hui.isoformat()}.db"
    ecrit = None
    if not fichier.exists():
        ecrit = sauvegarder(url, fichier)
    for perime in a_supprimer(dossier, aujourd_hui):
        perime.unlink(missing_ok=True)
    return ecrit


def a_supprimer(dossier: Path, aujourd_hui: date) -> list[Path]:
    """Sauvegardes automatiques à effacer : ni des 7 derniers jours, ni la dernière des 4 semaines avant."""
    datees: dict[date, Path] = {}
    for fichier in dossier.glob(f"{PREFIXE}*.db"):
        try:
            datees[date.fromisoformat(fichier.stem.removeprefix(PREFIXE))] = fichier
        except ValueError:
            continue  # un fichier posé là à la main : on n'y touche pas
    garder = {jour for jour in datees if aujourd_hui - jour < timedelta(days=GARDER_JOURS)}
    lundi = aujourd_hui - timedelta(days=aujourd_hui.weekday())
    for semaine in range(1, GARDER_SEMAINES + 1):
        debut = lundi - timedelta(weeks=semaine)
        dans_la_semaine = [jour for jour in datees if debut <= jour < debut + timedelta(weeks=1)]
        if dans_la_semaine:
            garder.add(max(dans_la_semaine))
    return sorted(fichier for jour, fichier in datees.items() if jour not in garder)
