"""Réunions : l'heure murale sur les vrais changements d'heure (inexistante, ambiguë)."""

from datetime import date, datetime, time

import pytest

from metier.erreurs import ErreurMetier
from metier.reunions.heure_locale import Resolution, resoudre_heure_locale
from metier.temps import Ville
from tests.scenarios import MIN, NAMUR, NB, TERREBONNE, H, utc

# (ville, jour du changement d'heure, instant UTC du changement).
PRINTEMPS = [
    (TERREBONNE, date(2024, 3, 10), utc(2024, 3, 10, 7)),
    (TERREBONNE, date(2025, 3, 9), utc(2025, 3, 9, 7)),
    (TERREBONNE, date(2026, 3, 8), utc(2026, 3, 8, 7)),
    (TERREBONNE, date(2027, 3, 14), utc(2027, 3, 14, 7)),
    (NAMUR, date(2024, 3, 31), utc(2024, 3, 31, 1)),
    (NAMUR, date(2025, 3, 30), utc(2025, 3, 30, 1)),
    (NAMUR, date(2026, 3, 29), utc(2026, 3, 29, 1)),
    (NAMUR, date(2027, 3, 28), utc(2027, 3, 28, 1)),
]
AUTOMNE = [
    (TERREBONNE, date(2024, 11, 3), utc(2024, 11, 3, 6)),
    (TERREBONNE, date(2025, 11, 2), utc(2025, 11, 2, 6)),
    (TERREBONNE, date(2026, 11, 1), utc(2026, 11, 1, 6)),
    (TERREBONNE, date(2027, 11, 7), utc(2027, 11, 7, 6)),
    (NAMUR, date(2024, 10, 27), utc(2024, 10, 27, 1)),
    (NAMUR, date(2025, 10, 26), utc(2025, 10, 26, 1)),
    (NAMUR, date(2026, 10, 25), utc(2026, 10, 25, 1)),
    (NAMUR, date(2027, 10, 31), utc(2027, 10, 31, 1)),
]


@pytest.mark.parametrize(("ville", "jour", "changement"), PRINTEMPS)
def test_printemps_heure_murale_et_instant(ville: Ville, jour: date, changement: datetime) -> None:
    # 02 h 00 → 03 h 00 dans les deux villes : 01 h 59 est la dernière minute d'avant, 03 h 00 la première.
    assert resoudre_heure_locale(jour, time(1, 59), ville).instant == changement - MIN
    assert resoudre_heure_locale(jour, time(3, 0), ville).instant == changement
    assert ville.heure_locale(changement - MIN).replace(tzinfo=None) == datetime.combine(jour, time(1, 59))
    assert ville.heure_locale(changement).replace(tzinfo=None) == datetime.combine(jour, time(3))
    with pytest.raises(ErreurMetier, match=f"Choisissez 01{NB}h{NB}59 ou plus tôt, ou 03{NB}h{NB}00 ou plus"):
        resoudre_heure_locale(jour, time(2, 30), ville)


@pytest.mark.parametrize(("ville", "jour", "changement"), AUTOMNE)
def test_automne_heure_murale_et_instant(ville: Ville, jour: date, changement: datetime) -> None:
    # Terrebonne revient de 02 h 00 à 01 h 00, Namur de 03 h 00 à 02 h 00 : l'heure d'avant revient.
    double = time(1, 30) if ville is TERREBONNE else time(2, 30)
    resolution = resoudre_heure_locale(jour, double, ville)
    assert (resolution.instant, resolution.ambigue, resolution.pli) == (changement - 30 * MIN, True, 0)
    seconde = ville.heure_locale(changement + 30 * MIN)
    assert (seconde.time(), seconde.fold) == (double, 1)
    apres = time(double.hour + 1)
    assert resoudre_heure_locale(jour, apres, ville) == Resolution(changement + H, False, 0, None)


def test_heure_inexistante_refusee_avec_les_heures_valides_les_plus_proches() -> None:
    with pytest.raises(ErreurMetier) as erreur:
        resoudre_heure_locale(date(2027, 3, 14), time(2, 30), TERREBONNE)
    assert erreur.value.message == (
        f"L'heure 02{NB}h{NB}30 n'existe pas le dimanche 14 mars 2027 à Terrebonne "
        f"(passage à l'heure d'été). Choisissez 01{NB}h{NB}59 ou plus tôt, ou 03{NB}h{NB}00 ou plus tard."
    )


def test_heure_ambigue_resolue_et_dite() -> None:
    resolution = resoudre_heure_locale(date(2027, 11, 7), time(1, 30), TERREBONNE)
    assert resolution.instant == utc(2027, 11, 7, 5, 30)
    assert resolution.message == (
        f"01{NB}h{NB}30 survient deux fois le dimanche 7 novembre 2027 à Terrebonne "
        "(retour à l'heure normale) : j'ai retenu la première, à l'heure avancée, soit UTC−4."
    )


def test_heure_ordinaire_sans_message() -> None:
    resolution = resoudre_heure_locale(date(2027, 3, 16), time(10), TERREBONNE)
    assert resolution == Resolution(utc(2027, 3, 16, 14), False, 0, None)
