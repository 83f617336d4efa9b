"""Réunions : ce que l'on saisit (rappels, durées, liens)."""

from datetime import timedelta

import pytest

from metier.erreurs import ErreurMetier
from metier.reunions.saisie import (
    analyser_duree,
    analyser_rappels,
    format_rappel,
    texte_rappels,
    verifier_lien,
)
from tests.scenarios import MIN, NB, H


@pytest.mark.parametrize(
    ("saisie", "attendu"),
    [
        ("24h,1h,15min", [24 * H, H, 15 * MIN]),
        ("15min, 24h ,1h", [24 * H, H, 15 * MIN]),
        ("2j", [48 * H]),
        ("1 h 30", [90 * MIN]),
        ("1h30", [90 * MIN]),
        ("90min", [90 * MIN]),
        ("1j,2h", [24 * H, 2 * H]),
        ("1j2h", [26 * H]),
        ("30j", [30 * 24 * H]),
        ("2 heures; 10 minutes", [2 * H, 10 * MIN]),
        ("aucun", []),
    ],
)
def test_analyser_rappels_accepte(saisie: str, attendu: list[timedelta]) -> None:
    assert analyser_rappels(saisie) == attendu


@pytest.mark.parametrize(
    ("saisie", "message"),
    [
        ("0min", "Rappel « 0min » : il faut au moins 1 minute avant le début, par exemple 15min."),
        ("-1h", "Rappel « -1h » : donnez la durée avant le début, sans signe, par exemple 1h."),
        (
            "abc",
            "Rappel non reconnu : « abc ». Écrivez des durées séparées par des virgules, "
            "par exemple 24h,1h,15min ou 2j.",
        ),
        ("400j", "Rappel « 400j » : au plus 30 jours avant le début (30j)."),
        ("31j", "Rappel « 31j » : au plus 30 jours avant le début (30j)."),
        ("1h,2h,3h,4h,5h,6h", "6 rappels demandés : 5 au plus. Retirez-en 1."),
        ("", "Indiquez au moins un rappel, par exemple 24h,1h,15min ou 2j."),
        (" , ", "Indiquez au moins un rappel, par exemple 24h,1h,15min ou 2j."),
        ("1h,60min", "Le rappel « 60min » revient deux fois (comme « 1h ») : gardez-en un seul."),
        ("15", "Rappel « 15 » : précisez l'unité (j, h ou min), par exemple 15min."),
        ("30min1h", "Rappel non reconnu : « 30min1h »."),
        ("1h75", "Rappel non reconnu : « 1h75 »."),
    ],
)
def test_analyser_rappels_refuse_et_dit_comment_corriger(saisie: str, message: str) -> None:
    with pytest.raises(ErreurMetier) as erreur:
        analyser_rappels(saisie)
    assert erreur.value.message.startswith(message)


def test_rappels_stockes_se_relisent() -> None:
    rappels = analyser_rappels("15min,1 h 30,1j")
    assert texte_rappels(rappels) == "1j,1h30min,15min"
    assert analyser_rappels(texte_rappels(rappels)) == rappels
    assert texte_rappels([]) == "aucun"
    assert [format_rappel(r) for r in rappels] == [f"1{NB}j", f"1{NB}h{NB}30", f"15{NB}min"]
    assert format_rappel(26 * H) == f"1{NB}j{NB}2{NB}h"


@pytest.mark.parametrize(
    ("saisie", "attendu"),
    [("1h", H), ("90min", 90 * MIN), ("1 h 30", 90 * MIN), ("45", 45 * MIN), ("12h", 12 * H)],
)
def test_analyser_duree_accepte(saisie: str, attendu: timedelta) -> None:
    assert analyser_duree(saisie) == attendu


@pytest.mark.parametrize(
    ("saisie", "message"),
    [
        ("0", "Durée « 0 » : une réunion dure au moins 1 minute, en minutes entières."),
        ("0h", "Durée « 0h » : une réunion dure au moins 1 minute, en minutes entières."),
        ("13h", f"Durée « 13h » trop longue : une réunion dure au plus 12{NB}h."),
        ("12h01", f"Durée « 12h01 » trop longue : une réunion dure au plus 12{NB}h."),
        ("abc", "Durée non reconnue : « abc ». Écrivez par exemple 1h, 90min, 1 h 30 ou 45 (minutes)."),
        ("-1h", "Durée non reconnue : « -1h »."),
        ("", "Indiquez une durée, par exemple 1h, 90min, 1 h 30 ou 45 (minutes)."),
    ],
)
def test_analyser_duree_refuse(saisie: str, message: str) -> None:
    with pytest.raises(ErreurMetier) as erreur:
        analyser_duree(saisie)
    assert erreur.value.message.startswith(message)


def test_verifier_lien_accepte_le_web() -> None:
    assert (
        verifier_lien("  https://meet.example.org/abc-def?pwd=1  ")
        == "https://meet.example.org/abc-def?pwd=1"
    )
    assert verifier_lien("http://teams.namur.be/r") == "http://teams.namur.be/r"


@pytest.mark.parametrize(
    ("saisie", "debut"),
    [
        ("ftp://x", "Lien refusé : « ftp://x ». Seules les adresses web commençant par https://"),
        ("javascript:alert(1)", "Lien refusé : « javascript:alert(1) »."),
        ("https://", "Lien refusé : « https:// »."),
        ("meet.example.org", "Lien refusé : « meet.example.org »."),
        ("", "Indiquez un lien web complet"),
        ("https://a.org/x y", "Un lien ne contient ni espace ni saut de ligne"),
        ("https://a.org/" + "x" * 490, "Le lien fait 504 caractères : 500 au plus."),
        ("https://[::1", "Lien refusé"),
    ],
)
def test_verifier_lien_refuse(saisie: str, debut: str) -> None:
    with pytest.raises(ErreurMetier) as erreur:
        verifier_lien(saisie)
    assert erreur.value.message.startswith(debut)
