"""La page de suivi dans un vrai navigateur : Chromium (paquet Debian) piloté par Playwright.

Chaque page est chargée au format téléphone et ordinateur : aucune erreur dans la console, aucune
requête refusée ou échouée, aucune violation d'accessibilité grave (axe-core), et une capture
d'écran dans `sortie/captures/` pour la regarder. Sans Chromium, ces tests disent quoi installer ;
en intégration continue (`CI` défini), ils échouent au lieu de sauter.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.web.conftest import Suivi

RACINE = Path(__file__).resolve().parents[2]
CAPTURES = RACINE / "sortie" / "captures"
PAGES = {
    "accueil": "",
    "axe-1": "axes/1",
    "axe-2": "axes/2",
    "axe-3": "axes/3",
    "reunions": "reunions",
    "rapports": "rapports",
}
FORMATS = {"telephone": (390, 844), "ordinateur": (1280, 900)}
INSTALLER = (
    "Chromium est introuvable. Installez le paquet Debian : `apt-get install -y chromium` "
    "(Playwright ne peut pas télécharger son propre navigateur ici ; ne lancez pas `playwright install`)."
)


def chemin_chromium() -> str:
    """Le Chromium du système ; sans lui, le test échoue en CI et saute ailleurs en disant quoi installer."""
    chemin = shutil.which("chromium") or shutil.which("chromium-browser")
    if chemin is None:
        if os.environ.get("CI"):
            pytest.fail(INSTALLER, pytrace=False)
        pytest.skip(INSTALLER)
    return chemin


def surveiller(page: Any, problemes: list[str]) -> None:
    """Note chaque erreur de console ou de page, chaque requête échouée ou refusée (≥ 400)."""

    def console(message: Any) -> None:
        if message.type in {"error", "warning"}:
            problemes.append(f"console {message.type} : {message.text}")

    def reponse(r: Any) -> None:
        if r.status >= 400:
            problemes.append(f"HTTP {r.status} : {r.url}")

    page.on("console", console)
    page.on("pageerror", lambda e: problemes.append(f"erreur de page : {e}"))
    page.on("requestfailed", lambda r: problemes.append(f"requête échouée : {r.url} ({r.failure})"))
    page.on("response", reponse)


@pytest.fixture
def chromium() -> str:
    return chemin_chromium()


@pytest.mark.parametrize("url_base", ["sqlite"], indirect=True)
async def test_chaque_page_au_telephone_et_a_l_ordinateur(suivi: Suivi, chromium: str) -> None:
    from axe_playwright_python.async_playwright import Axe
    from playwright.async_api import async_playwright

    CAPTURES.mkdir(parents=True, exist_ok=True)
    adresse = str(suivi.client.make_url("/")).rstrip("/")
    problemes: list[str] = []
    async with async_playwright() as playwright:
        navigateur = await playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        try:
            for format_nom, (largeur, hauteur) in FORMATS.items():
                contexte = await navigateur.new_context(
                    viewport={"width": largeur, "height": hauteur}, locale="fr-CA"
                )
                page = await contexte.new_page()
                surveiller(page, problemes)
                for nom, chemin in PAGES.items():
                    reponse = await page.goto(f"{adresse}{suivi.racine}{chemin}", wait_until="networkidle")
                    assert reponse is not None, nom
                    assert reponse.status == 200, nom
                    await page.screenshot(path=str(CAPTURES / f"{nom}-{format_nom}.png"), full_page=True)
                    resultats = await Axe().run(page)
                    graves = [
                        f"{v['id']} ({v['impact']}) : {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
                        for v in resultats.response["violations"]
                        if v["impact"] in {"serious", "critical"}
                    ]
                    problemes += [f"{nom} ({format_nom}) : {g}" for g in graves]
                await contexte.close()
        finally:
            await navigateur.close()
    assert problemes == []


def test_sans_chromium_le_test_dit_quoi_installer_et_echoue_en_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda _nom: None)
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="apt-get install -y chromium"):
        chemin_chromium()
    monkeypatch.setenv("CI", "1")
    with pytest.raises(pytest.fail.Exception, match="apt-get install -y chromium"):
        chemin_chromium()
