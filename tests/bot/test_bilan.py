"""`python -m bot rapport bilan` : le bilan final sans Discord, lancé comme un vrai processus."""

import csv
import io
from pathlib import Path

from pypdf import PdfReader

from tests.bot.test_rapport import _lancer, url_remplie  # noqa: F401  (la fixture : le scénario de deux années)
from tests.scenarios import SERVEUR


def test_le_bilan_est_ecrit_sans_jeton_discord(url_remplie: str, tmp_path: Path) -> None:  # noqa: F811
    resultat = _lancer(url_remplie, tmp_path, "bilan", "--serveur", str(SERVEUR), "--csv", "csv")
    assert resultat.returncode == 0, resultat.stderr
    assert "Bilan final de l'édition 2024-2026" in resultat.stdout
    pdf = PdfReader(tmp_path / "bilan-2024-2026.pdf")
    texte = " ".join(" ".join(page.extract_text().split()) for page in pdf.pages)
    assert "Bilan final de l'édition 2024-2026" in texte
    assert "Signé à Namur le 28 novembre 2023" in texte
    assert "Actions, année par année" in texte
    par_annee = list(
        csv.reader(
            io.StringIO((tmp_path / "csv" / "bilan-2024-2026-par-annee.csv").read_text("utf-8-sig")),
            delimiter=";",
        )
    )
    assert [ligne[1] for ligne in par_annee[1:4]] == ["2024", "2025", "2026"]


def test_bilan_d_une_edition_inconnue(url_remplie: str, tmp_path: Path) -> None:  # noqa: F811
    resultat = _lancer(url_remplie, tmp_path, "bilan", "--serveur", str(SERVEUR), "--edition", "2019-2021")
    assert resultat.returncode == 1
    assert "« 2019-2021 » n'est pas une édition du protocole" in resultat.stderr
    assert not list(tmp_path.glob("*.pdf"))
