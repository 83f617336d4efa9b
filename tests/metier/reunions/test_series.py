"""Réunions : séries RFC 5545 déroulées dans la ville d'ancrage, semaines à écart inhabituel."""

from datetime import date, datetime, time, timedelta

import pytest

from metier.erreurs import ErreurMetier
from metier.reunions.series import (
    Occurrence,
    decrire_recurrence,
    ecart_habituel,
    ecart_inhabituel,
    lire_cle_occurrence,
    occurrences,
    regle_pour,
)
from modeles import Recurrence
from tests.scenarios import NAMUR, TERREBONNE, H, serie, utc


@pytest.mark.parametrize(
    ("recurrence", "debut", "regle"),
    [
        (Recurrence.AUCUNE, date(2027, 1, 5), None),
        (Recurrence.HEBDOMADAIRE, date(2027, 1, 5), "FREQ=WEEKLY"),
        (Recurrence.BIHEBDOMADAIRE, date(2027, 1, 5), "FREQ=WEEKLY;INTERVAL=2"),
        (Recurrence.MENSUELLE, date(2027, 1, 5), "FREQ=MONTHLY;BYDAY=+1TU"),
        (Recurrence.MENSUELLE, date(2027, 3, 23), "FREQ=MONTHLY;BYDAY=+4TU"),
        (Recurrence.MENSUELLE, date(2027, 3, 30), "FREQ=MONTHLY;BYDAY=-1TU"),
        (Recurrence.MENSUELLE, date(2027, 1, 15), "FREQ=MONTHLY;BYDAY=+3FR"),
    ],
)
def test_regle_pour(recurrence: Recurrence, debut: date, regle: str | None) -> None:
    assert regle_pour(recurrence, debut) == regle


def test_decrire_recurrence() -> None:
    assert decrire_recurrence(Recurrence.MENSUELLE, date(2027, 1, 5)) == "le premier mardi du mois"
    assert decrire_recurrence(Recurrence.MENSUELLE, date(2027, 3, 30)) == "le dernier mardi du mois"
    assert decrire_recurrence(Recurrence.BIHEBDOMADAIRE, date(2027, 1, 5)) == "un mardi sur deux"


def test_hebdomadaire_garde_10_h_a_terrebonne_a_travers_les_changements_2027() -> None:
    reunion = serie(date(2027, 3, 2), time(10), Recurrence.HEBDOMADAIRE)
    printemps = occurrences(reunion, utc(2027, 3, 1), avant=utc(2027, 4, 7))
    automne = occurrences(reunion, utc(2027, 10, 18), avant=utc(2027, 11, 10))

    def vues(liste: list[Occurrence]) -> list[tuple[date, time, time, timedelta | None]]:
        return [
            (
                TERREBONNE.heure_locale(o.debut).date(),
                TERREBONNE.heure_locale(o.debut).time(),
                NAMUR.heure_locale(o.debut).time(),
                ecart_inhabituel(o.debut, TERREBONNE, NAMUR),
            )
            for o in liste
        ]

    assert vues(printemps) == [
        (date(2027, 3, 2), time(10), time(16), None),
        (date(2027, 3, 9), time(10), time(16), None),
        (date(2027, 3, 16), time(10), time(15), 5 * H),
        (date(2027, 3, 23), time(10), time(15), 5 * H),
        (date(2027, 3, 30), time(10), time(16), None),
        (date(2027, 4, 6), time(10), time(16), None),
    ]
    assert vues(automne) == [
        (date(2027, 10, 19), time(10), time(16), None),
        (date(2027, 10, 26), time(10), time(16), None),
        (date(2027, 11, 2), time(10), time(15), 5 * H),
        (date(2027, 11, 9), time(10), time(16), None),
    ]
    # En UTC, l'heure de début bouge avec Terrebonne : jamais un pas fixe de 7 jours.
    assert [o.debut for o in printemps[1:3]] == [utc(2027, 3, 9, 15), utc(2027, 3, 16, 14)]
    assert all(o.fin - o.debut == H and not o.decalee and o.reunion_id == 7 for o in printemps)


def test_ecart_habituel() -> None:
    assert ecart_habituel(TERREBONNE, NAMUR, 2027) == 6 * H
    assert ecart_habituel(NAMUR, TERREBONNE, 2027) == -6 * H
    assert ecart_inhabituel(utc(2027, 3, 14, 7), TERREBONNE, NAMUR) == 5 * H
    assert ecart_inhabituel(utc(2027, 3, 14, 6, 59), TERREBONNE, NAMUR) is None
    assert ecart_inhabituel(utc(2027, 3, 28, 1), TERREBONNE, NAMUR) is None


def test_mensuelle_premier_mardi() -> None:
    reunion = serie(date(2027, 1, 5), time(10), Recurrence.MENSUELLE)
    dates = [TERREBONNE.heure_locale(o.debut).date() for o in occurrences(reunion, utc(2027, 1, 1), limite=6)]
    assert dates == [
        date(2027, 1, 5),
        date(2027, 2, 2),
        date(2027, 3, 2),
        date(2027, 4, 6),
        date(2027, 5, 4),
        date(2027, 6, 1),
    ]


def test_mensuelle_cinquieme_mardi_devient_le_dernier() -> None:
    reunion = serie(date(2027, 3, 30), time(10), Recurrence.MENSUELLE)
    dates = [TERREBONNE.heure_locale(o.debut).date() for o in occurrences(reunion, utc(2027, 3, 1), limite=4)]
    assert dates == [date(2027, 3, 30), date(2027, 4, 27), date(2027, 5, 25), date(2027, 6, 29)]


def test_bihebdomadaire_et_reunion_unique() -> None:
    toutes_les_deux = serie(date(2027, 3, 2), time(10), Recurrence.BIHEBDOMADAIRE)
    assert [o.debut for o in occurrences(toutes_les_deux, utc(2027, 3, 1), limite=3)] == [
        utc(2027, 3, 2, 15),
        utc(2027, 3, 16, 14),
        utc(2027, 3, 30, 14),
    ]
    unique = serie(date(2027, 3, 2), time(10), Recurrence.AUCUNE)
    assert occurrences(unique, utc(2027, 3, 1)) == [Occurrence(utc(2027, 3, 2, 15), utc(2027, 3, 2, 16), 7)]
    assert occurrences(unique, utc(2027, 3, 2, 15)) == []


def test_occurrences_apres_et_avant_sont_strictes() -> None:
    reunion = serie(date(2027, 3, 2), time(10), Recurrence.HEBDOMADAIRE)
    debuts = [o.debut for o in occurrences(reunion, utc(2027, 3, 9, 15), avant=utc(2027, 3, 23, 14))]
    assert debuts == [utc(2027, 3, 16, 14)]


def test_seance_dans_le_saut_d_heure_est_decalee_comme_l_horloge() -> None:
    reunion = serie(date(2027, 3, 7), time(2, 30), Recurrence.HEBDOMADAIRE)
    seances = occurrences(reunion, utc(2027, 3, 1), limite=3)
    assert [(o.debut, o.decalee) for o in seances] == [
        (utc(2027, 3, 7, 7, 30), False),
        (utc(2027, 3, 14, 7, 30), True),  # 03 h 30 : l'horloge a sauté d'une heure
        (utc(2027, 3, 21, 6, 30), False),
    ]
    assert TERREBONNE.heure_locale(seances[1].debut).time() == time(3, 30)


@pytest.mark.parametrize(("pli", "debut"), [(0, utc(2027, 11, 7, 5, 30)), (1, utc(2027, 11, 7, 6, 30))])
def test_seance_a_heure_double_suit_le_pli(pli: int, debut: datetime) -> None:
    reunion = serie(date(2027, 10, 31), time(1, 30), Recurrence.HEBDOMADAIRE, pli=pli)
    seances = occurrences(reunion, utc(2027, 11, 1), limite=2)
    assert [o.debut for o in seances] == [debut, utc(2027, 11, 14, 6, 30)]


def test_seance_annulee_disparait() -> None:
    reunion = serie(date(2027, 3, 2), time(10), Recurrence.HEBDOMADAIRE)
    seances = occurrences(reunion, utc(2027, 3, 1), limite=3, annulees={utc(2027, 3, 9, 15)})
    assert [o.debut for o in seances] == [utc(2027, 3, 2, 15), utc(2027, 3, 16, 14), utc(2027, 3, 23, 14)]


def test_cle_d_occurrence() -> None:
    seance = Occurrence(utc(2027, 3, 16, 14), utc(2027, 3, 16, 15), 7)
    assert seance.cle == "20270316T1400Z"
    assert lire_cle_occurrence(seance.cle) == seance.debut
    assert seance.horodatage == 1805205600
    with pytest.raises(ErreurMetier, match="Occurrence non reconnue"):
        lire_cle_occurrence("mardi")
