"""`python -m bot importer` : l'import d'un registre sans Discord, lancé comme un vrai processus."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import Session, func, select

from bot.base import BaseDonnees
from metier.serveurs import amorcer_serveur
from modeles import Action, EntreeJournal, MiseAJour
from tests.scenarios import ALICE, SERVEUR, registre_de_trois_ans

RACINE = Path(__file__).resolve().parents[2]


@pytest.fixture
def dossier(url_base: str, tmp_path: Path) -> Path:
    """Un serveur amorcé et, sur disque, un registre de 2024-2025 (actions et historique)."""
    base = BaseDonnees(url_base)
    base.transaction(amorcer_serveur, SERVEUR)
    base.fermer()
    # Des dates de 2024-2025 : passées quelle que soit la date de la machine qui lance les tests.
    for nom, contenu in registre_de_trois_ans(actions=300, faits=3000, mesures=0, fin=date(2025, 12, 31))[:2]:
        (tmp_path / nom).write_bytes(contenu)
    return tmp_path


def _commande(url: str, *arguments: str) -> tuple[list[str], dict[str, str]]:
    env = {k: v for k, v in os.environ.items() if k not in {"DISCORD_TOKEN", "DATABASE_URL"}}
    env.update(PYTHONPATH=str(RACINE), DATABASE_URL=url)
    return [sys.executable, "-m", "bot", "importer", *arguments], env


def _lancer(url: str, dossier: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    commande, env = _commande(url, *arguments)
    return subprocess.run(commande, cwd=dossier, env=env, capture_output=True, text=True, timeout=300)


def _ecriture_en_cours(url: str) -> bool:
    """Vrai quand une autre connexion tient une transaction qui a déjà écrit (verrou d'écriture)."""
    if url.startswith("sqlite"):
        connexion = sqlite3.connect(url.removeprefix("sqlite:///"), timeout=0)
        try:
            connexion.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError:
            return True  # « database is locked » : l'import écrit
        finally:
            connexion.close()
        return False
    moteur = sa.create_engine(url)
    try:
        with moteur.connect() as connexion:
            requete = sa.text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL"
            )
            return bool(connexion.execute(requete).scalar())
    finally:
        moteur.dispose()


def _comptes(url: str) -> tuple[int, int, int]:
    base = BaseDonnees(url)

    def lire(session: Session) -> tuple[int, int, int]:
        return tuple(  # type: ignore[return-value]
            session.exec(select(func.count()).select_from(table)).one()
            for table in (Action, MiseAJour, EntreeJournal)
        )

    try:
        return base.lecture(lire)
    finally:
        base.fermer()


FICHIERS = ("actions.csv", "historique.csv")


def test_essai_a_blanc_puis_import(url_base: str, dossier: Path) -> None:
    essai = _lancer(url_base, dossier, *FICHIERS, "--serveur", str(SERVEUR))
    assert essai.returncode == 0, essai.stderr
    assert (
        "Essai à blanc : 300 action(s) à créer, 0 à modifier, 0 inchangée(s) ; 3000 fait(s)" in essai.stdout
    )
    assert "Rien n'a été écrit" in essai.stdout
    assert _comptes(url_base) == (0, 0, 0)

    fait = _lancer(
        url_base, dossier, *FICHIERS, "--serveur", str(SERVEUR), "--appliquer", "--auteur", str(ALICE)
    )
    assert fait.returncode == 0, fait.stderr
    assert "Import terminé : 300 action(s) créée(s)" in fait.stdout
    actions, lignes, _ = _comptes(url_base)
    assert (actions, lignes) == (300, 3300)

    encore = _lancer(url_base, dossier, *FICHIERS, "--serveur", str(SERVEUR))
    assert "0 action(s) à créer, 0 à modifier, 300 inchangée(s) ; 0 fait(s)" in encore.stdout


@pytest.mark.parametrize(
    ("arguments", "extrait"),
    [
        (("absent.csv", "--serveur", str(SERVEUR)), "impossible de lire absent.csv"),
        (("actions.csv", "--serveur", "999"), "Le serveur 999 est inconnu de la base"),
        (("actions.csv", "--serveur", str(SERVEUR), "--appliquer"), "indiquez --auteur ID"),
        (("actions.csv",), "arguments obligatoires manquants: --serveur"),
    ],
)
def test_saisies_refusees_en_francais(url_base: str, dossier: Path, arguments, extrait) -> None:
    resultat = _lancer(url_base, dossier, *arguments)
    assert resultat.returncode != 0
    assert extrait in resultat.stderr
    assert "Traceback" not in resultat.stderr
    assert _comptes(url_base) == (0, 0, 0)


def test_un_fichier_fautif_n_ecrit_rien_et_dit_ses_lignes(url_base: str, dossier: Path) -> None:
    contenu = (dossier / "actions.csv").read_bytes().replace(b";I;1.", b";IV;1.", 1)
    (dossier / "actions.csv").write_bytes(contenu)
    resultat = _lancer(
        url_base, dossier, *FICHIERS, "--serveur", str(SERVEUR), "--appliquer", "--auteur", "42"
    )
    assert resultat.returncode == 1
    assert "actions.csv, ligne 2 : l'axe « IV » n'existe pas sur ce serveur" in resultat.stderr
    assert "rien n'a été importé" in resultat.stderr
    assert _comptes(url_base) == (0, 0, 0)


def test_tue_en_plein_import_rien_n_est_ecrit_a_moitie(url_base: str, dossier: Path) -> None:
    """SIGKILL pendant la transaction d'écriture : la base n'a rien, ou tout — jamais une partie."""
    commande, env = _commande(url_base, *FICHIERS, "--serveur", str(SERVEUR), "--appliquer", "--auteur", "42")
    processus = subprocess.Popen(commande, cwd=dossier, env=env, stdout=subprocess.PIPE, text=True)
    assert processus.stdout is not None
    for ligne in processus.stdout:
        if ligne.startswith("Application de l'import"):
            break
    # Tué dès que la transaction a commencé d'écrire (pas après un délai fixe : sur une machine
    # rapide, l'import aurait fini et le test ne prouverait rien).
    limite = time.monotonic() + 60
    while not _ecriture_en_cours(url_base):
        assert processus.poll() is None, "l'import a fini avant d'être vu en train d'écrire"
        assert time.monotonic() < limite, "l'import n'a jamais commencé d'écrire"
        time.sleep(0.002)
    processus.send_signal(signal.SIGKILL)
    processus.wait(timeout=30)
    assert _comptes(url_base) == (0, 0, 0)
    # La base reste utilisable : le même import, relancé, passe en entier.
    fait = _lancer(url_base, dossier, *FICHIERS, "--serveur", str(SERVEUR), "--appliquer", "--auteur", "42")
    assert fait.returncode == 0, fait.stderr
    assert _comptes(url_base)[:2] == (300, 3300)


def test_un_fichier_de_reunions_tenues(url_base: str, dossier: Path) -> None:
    (dossier / "reunions.csv").write_text(
        "Date;Heure;Ville de l'heure;Titre;Durée (min);Présents\r\n"
        "2025-03-11;10h;Terrebonne;Comité de suivi;90;Hélène Absente\r\n",
        encoding="utf-8",
    )
    arguments = ("reunions.csv", "--serveur", str(SERVEUR))
    essai = _lancer(url_base, dossier, *arguments)
    assert essai.returncode == 0, essai.stderr
    assert "1 réunion(s) tenue(s) à enregistrer (0 déjà là)" in essai.stdout
    assert "reunions.csv, ligne 2 : aucun membre connu ne s'appelle « Hélène Absente »" in essai.stdout
    fait = _lancer(url_base, dossier, *arguments, "--appliquer", "--auteur", str(ALICE))
    assert fait.returncode == 0, fait.stderr
    assert "1 réunion(s) tenue(s) enregistrée(s)" in fait.stdout
    encore = _lancer(url_base, dossier, *arguments)
    assert "0 réunion(s) tenue(s) à enregistrer (1 déjà là)" in encore.stdout
