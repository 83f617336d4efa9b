"""Réunions : créneaux communs aux heures de bureau."""

from datetime import date, time, timedelta

import pytest

from metier.erreurs import ErreurMetier
from metier.reunions.creneaux import creneaux_communs, feries_de_la_periode, par_jour
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


def test_jours_feries_et_seances_du_groupe_ecartes() -> None:
    # Du lundi 22 mars 2027 (semaine à 5 h) au vendredi 2 avril : Vendredi saint au Québec le 26,
    # lundi de Pâques en Belgique le 29 ; le Comité de suivi du mardi 10 h à Terrebonne occupe
    # 14 h – 15 h UTC le 23 (semaine à 5 h) et le 30 (semaine à 6 h).
    comite = [(utc(2027, 3, 23, 14), utc(2027, 3, 23, 15)), (utc(2027, 3, 30, 14), utc(2027, 3, 30, 15))]
    creneaux = creneaux_communs([TERREBONNE, NAMUR], date(2027, 3, 22), 12, H, occupees=comite)
    jours = par_jour(creneaux, TERREBONNE)
    assert [jour for jour, _ in jours] == [
        date(2027, 3, 22),
        date(2027, 3, 23),
        date(2027, 3, 24),
        date(2027, 3, 25),
        date(2027, 3, 30),
        date(2027, 3, 31),
        date(2027, 4, 1),
        date(2027, 4, 2),
    ]
    mardi_5h = dict(jours)[date(2027, 3, 23)]
    assert [(c.debut, c.fin) for c in mardi_5h] == [
        (utc(2027, 3, 23, 13), utc(2027, 3, 23, 14)),
        (utc(2027, 3, 23, 15), utc(2027, 3, 23, 16)),
    ]
    assert all(not (c.debut < fin and debut < c.fin) for c in creneaux for debut, fin in comite)
    # Le mardi 30 (écart revenu à 6 h) : 13 h – 15 h UTC moins la séance, reste 13 h – 14 h.
    mardi_6h = dict(jours)[date(2027, 3, 30)]
    assert [(c.debut, c.fin) for c in mardi_6h] == [(utc(2027, 3, 30, 13), utc(2027, 3, 30, 14))]
    deux_heures = creneaux_communs([TERREBONNE, NAMUR], date(2027, 3, 30), 1, 2 * H, occupees=comite)
    assert deux_heures == []
    feries = feries_de_la_periode([TERREBONNE, NAMUR], date(2027, 3, 22), 12)
    assert [(f.jour, f.ville.nom, f.nom) for f in feries] == [
        (date(2027, 3, 26), "Terrebonne", "Vendredi saint"),
        (date(2027, 3, 29), "Namur", "Lundi de Pâques"),
    ]


def test_sans_jours_feries_sur_demande_et_plages_qui_se_touchent_reunies() -> None:
    sans = creneaux_communs([TERREBONNE, NAMUR], date(2027, 3, 29), 1, H, feries=lambda ville, jour: None)
    assert [(c.debut, c.fin) for c in sans] == [(utc(2027, 3, 29, 13), utc(2027, 3, 29, 15))]
    # Une séance qui finit où une autre commence ne coupe pas la plage en deux morceaux vides.
    occupees = [
        (utc(2027, 3, 31, 13), utc(2027, 3, 31, 13, 30)),
        (utc(2027, 3, 31, 13, 30), utc(2027, 3, 31, 14)),
    ]
    restes = creneaux_communs([TERREBONNE, NAMUR], date(2027, 3, 31), 1, 30 * MIN, occupees=occupees)
    assert [(c.debut, c.fin) for c in restes] == [(utc(2027, 3, 31, 14), utc(2027, 3, 31, 15))]
