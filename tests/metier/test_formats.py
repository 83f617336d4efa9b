"""Nombres, pourcentages et pluriels à la française ; textes bornés."""

import pytest

from metier.formats import arrondi, format_nombre, format_pourcentage, pluriel, tronquer
from tests.scenarios import NB


def test_format_nombre() -> None:
    assert format_nombre(1200) == "1\u00a0200"  # séparateur des milliers de babel (fr_CA)
    assert format_nombre(12.5) == "12,5"


@pytest.mark.parametrize(
    ("valeur", "attendu"),
    [
        (1234.5, f"1{NB}234,5"),
        (1234.567, f"1{NB}234,57"),  # au plus deux décimales
        (2.0, "2"),  # pas de « ,0 » pour un entier
        (0, "0"),
        (-1234.5, f"-1{NB}234,5"),
        (2_500_000, f"2{NB}500{NB}000"),
    ],
)
def test_format_nombre_a_la_francaise(valeur: float, attendu: str) -> None:
    assert format_nombre(valeur) == attendu


@pytest.mark.parametrize(
    ("valeur", "attendu"),
    [
        (47, f"47{NB}%"),
        (0, f"0{NB}%"),
        (99.6, f"100{NB}%"),  # arrondi à l'unité
        (36.1, f"36{NB}%"),
        (1234.4, f"1{NB}234{NB}%"),
        (-3.7, f"-4{NB}%"),
    ],
)
def test_format_pourcentage_arrondi_avec_espace_insecable(valeur: float, attendu: str) -> None:
    assert format_pourcentage(valeur) == attendu


@pytest.mark.parametrize(
    ("nombre", "attendu"),
    [(0, "0 action"), (1, "1 action"), (2, "2 actions"), (2738, f"2{NB}738 actions")],
)
def test_pluriel_singulier_pour_zero_et_un(nombre: int, attendu: str) -> None:
    assert pluriel(nombre, "action") == attendu


def test_pluriel_irregulier_seulement_a_partir_de_deux() -> None:
    assert [pluriel(n, "travail", "travaux") for n in (0, 1, 2)] == ["0 travail", "1 travail", "2 travaux"]
    assert pluriel(3, "autre mise à jour", "autres mises à jour") == "3 autres mises à jour"


def test_tronquer_laisse_un_texte_qui_tient() -> None:
    assert tronquer("Comité de suivi", 15) == "Comité de suivi"
    assert tronquer("", 5) == ""


def test_tronquer_coupe_a_la_limite_avec_points_de_suspension() -> None:
    assert tronquer("Comité de suivi", 14) == "Comité de sui…"
    assert tronquer("Plantation", 6) == "Plant…"
    # Pas d'espace orphelin avant « … ».
    assert tronquer("Forum de l'emploi", 7) == "Forum…"


def test_tronquer_ne_depasse_jamais_la_limite() -> None:
    texte = "Échange d'étudiants UQTR – UNamur 🌳 " * 3
    for limite in range(1, len(texte) + 2):
        coupe = tronquer(texte, limite)
        assert len(coupe) <= limite
        assert coupe == texte or coupe.endswith("…")
        assert texte.startswith(coupe.removesuffix("…"))


@pytest.mark.parametrize(("valeur", "attendu"), [(46.5, 47), (47.5, 48), (0.5, 1), (45.49, 45), (99.5, 100)])
def test_arrondi_des_demis_vers_le_haut(valeur: float, attendu: int) -> None:
    assert arrondi(valeur) == attendu
    assert format_pourcentage(valeur) == f"{attendu}\u00a0%"
