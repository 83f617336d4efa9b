"""`python -m bot rapport` : le rapport annuel sans Discord, lancé comme un vrai processus."""

import csv
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from bot.base import BaseDonnees
from metier.membres import definir_ville, noter_membres
from tests.scenarios import ALICE, MAINTENANT, SERVEUR, TERREBONNE, remplir

RACINE = Path(__file__).resolve().parents[2]


@pytest.fixture
def url_remplie(modele_sqlite: Path, tmp_path: Path) -> str:
    """Un fichier SQLite migré, rempli du scénario de deux années ; le nom d'Alice a été relevé."""
    chemin = tmp_path / "passerelle.db"
    shutil.copy(modele_sqlite, chemin)
    url = f"sqlite:///{chemin}"
    base = BaseDonnees(url)
    base.transaction(remplir)
    base.transaction(noter_membres, guild_id=SERVEUR, noms={ALICE: "Alice Tremblay"}, maintenant=MAINTENANT)
    base.transaction(
        definir_ville,
        guild_id=SERVEUR,
        membre_id=ALICE,
        nom="Alice Tremblay",
        ville=TERREBONNE,
        auteur_id=ALICE,
        maintenant=MAINTENANT,
    )
    base.fermer()
    return url


def _lancer(url: str, dossier: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DISCORD_TOKEN", "DATABASE_URL"}}
    env.update(PYTHONPATH=str(RACINE), DATABASE_URL=url)
    return subprocess.run(
        [sys.executable, "-m", "bot", "rapport", *arguments],
        cwd=dossier,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_le_rapport_est_ecrit_sans_jeton_discord(url_remplie: str, tmp_path: Path) -> None:
    # 2025 : une année passée quelle que soit la date de la machine qui lance les tests.
    resultat = _lancer(
        url_remplie,
        tmp_path,
        "2025",
        "--serveur",
        str(SERVEUR),
        "--sortie",
        "sortie/rapport.pdf",
        "--csv",
        "csv",
    )
    assert resultat.returncode == 0, resultat.stderr
    pdf = tmp_path / "sortie" / "rapport.pdf"
    assert str(pdf) in resultat.stdout
    lecteur = PdfReader(pdf)
    texte = " ".join(" ".join(page.extract_text().split()) for page in lecteur.pages)
    assert "Rapport annuel 2025" in texte
    assert "Plantation de 500 arbres" in texte
    assert "I. La lutte aux changements climatiques et la transition écologique" in texte
    # Sans Discord, le responsable est nommé d'après la table des membres (nom, ville), jamais par son ID.
    assert "Alice Tremblay (Terrebonne)" in texte
    assert f"ID {ALICE}" not in texte
    actions = (tmp_path / "csv" / "actions-2025.csv").read_bytes()
    assert actions.startswith(b"\xef\xbb\xbf")
    lignes = list(csv.DictReader(io.StringIO(actions.decode("utf-8-sig")), delimiter=";"))
    assert "Forum de l'emploi vert" in [ligne["Titre"] for ligne in lignes]
    assert {(ligne["Responsable"], ligne["Identifiant du responsable"]) for ligne in lignes} == {
        ("Alice Tremblay", f"ID {ALICE}")
    }
    assert (tmp_path / "csv" / "mesures-indicateurs-2025.csv").exists()


def test_par_defaut_le_pdf_est_ecrit_dans_le_dossier_courant(url_remplie: str, tmp_path: Path) -> None:
    resultat = _lancer(url_remplie, tmp_path, "2025", "--serveur", str(SERVEUR))
    assert resultat.returncode == 0, resultat.stderr
    assert (tmp_path / "rapport-2025.pdf").read_bytes().startswith(b"%PDF-")


@pytest.mark.parametrize(
    ("arguments", "extrait"),
    [
        (("2025", "--serveur", "999"), "Le serveur 999 est inconnu de la base"),
        (("2023", "--serveur", str(SERVEUR)), "Le protocole de coopération commence en 2024"),
        (("9999", "--serveur", str(SERVEUR)), "L'année 9999 n'est pas encore commencée"),
        (("deux", "--serveur", str(SERVEUR)), "« deux » n'est pas une année"),
        (("2025",), "arguments obligatoires manquants: --serveur"),
    ],
)
def test_saisies_refusees_en_francais(url_remplie: str, tmp_path: Path, arguments, extrait) -> None:
    resultat = _lancer(url_remplie, tmp_path, *arguments)
    assert resultat.returncode != 0
    assert extrait in resultat.stderr
    assert "Traceback" not in resultat.stderr
    assert not list(tmp_path.glob("*.pdf"))
