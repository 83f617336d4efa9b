"""Réunions : créneaux communs aux heures de bureau."""

from datetime import date, time, timedelta

import pytest

from metier.erreurs import ErreurMetier
from metier.reunions.creneaux import creneaux_communs
from tests.scenarios import MIN, NAMUR, TERREBONNE, H, utc


def test_creneaux_2_h_en_temps_normal() -> None:
    creneaux = creneaux_communs([TERREBONNE, NAMUR], date(2027, 3, 8), 5, H)
    assert [(c.debut, c.fin) for c in creneaux] == [
        (utc(2027, 3, d, 14), utc(2027, 3, d, 16)) for d in (8, 9, 10, 11, 12)
    ]
    premier = creneaux[0]
    assert TERREBONNE.heure_locale(premier.debut).time() == time(9)
    assert NAMUR.heure_locale(premier.debut).time() == time(15)
    assert NAMUR.heure_locale(premier.fin).time() == time(17)


def test_creneaux_3_h_dans_la_semaine_a_5_h_d_abord_et_sans_week_end() -> None:
    creneaux = creneaux_communs([TERREBONNE, NAMUR], date(2027, 3, 12), 10, 2 * H)
    assert [(c.debut, c.duree) for c in creneaux] == [
        (utc(2027, 3, 15, 13), 3 * H),
        (utc(2027, 3, 16, 13), 3 * H),
        (utc(2027, 3, 17, 13), 3 * H),
        (utc(2027, 3, 18, 13), 3 * H),
        (utc(2027, 3, 19, 13), 3 * H),
        (utc(2027, 3, 12, 14), 2 * H),
    ]
    assert creneaux_communs([TERREBONNE, NAMUR], date(2027, 3, 12), 10, 2 * H + MIN)[-1].duree == 3 * H
    assert creneaux_communs([TERREBONNE, NAMUR], date(2027, 3, 8), 5, 3 * H) == []


def test_creneaux_ne_proposent_pas_le_passe() -> None:
    creneaux = creneaux_communs([TERREBONNE, NAMUR], date(2027, 3, 8), 2, H, apres=utc(2027, 3, 8, 14, 30))
    assert [(c.debut, c.fin) for c in creneaux] == [
        (utc(2027, 3, 9, 14), utc(2027, 3, 9, 16)),
        (utc(2027, 3, 8, 14, 30), utc(2027, 3, 8, 16)),
    ]


@pytest.mark.parametrize(
    ("jours", "duree", "message"),
    [
        (0, H, "Cherchez sur 1 à 60 jours (demandé : 0)."),
        (61, H, "Cherchez sur 1 à 60 jours (demandé : 61)."),
        (5, timedelta(0), "La durée cherchée doit être comprise entre 1 minute et 8"),
        (5, 9 * H, "La durée cherchée doit être comprise entre 1 minute et 8"),
    ],
)
def test_creneaux_refuses(jours: int, duree: timedelta, message: str) -> None:
    with pytest.raises(ErreurMetier) as erreur:
        creneaux_communs([TERREBONNE, NAMUR], date(2027, 3, 8), jours, duree)
    assert erreur.value.message.startswith(message)
