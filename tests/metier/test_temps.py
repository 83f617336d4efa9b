"""Fuseaux, écart Terrebonne – Namur et saisie des heures et dates, sur les vrais changements d'heure."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from metier.erreurs import ErreurMetier
from metier.protocole import VILLES_PAR_DEFAUT
from metier.temps import (
    Ville,
    analyser_date,
    analyser_heure,
    aujourd_hui,
    dater_releve,
    delai_en_mots,
    ecart,
    format_date_longue,
    format_duree,
    format_heure,
    heure_comprise,
    instant_local,
    prochain_changement_ecart,
    prochaine_hebdomadaire,
)

TERREBONNE, NAMUR = (Ville(v.code, v.nom, v.fuseau, v.couleur) for v in VILLES_PAR_DEFAUT)
H = timedelta(hours=1)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


# Les changements d'écart réels 2024-2027 : (instant UTC, écart avant, écart après, ville qui change).
CHANGEMENTS = [
    (utc(2024, 3, 10, 7), 6 * H, 5 * H, "terrebonne"),
    (utc(2024, 3, 31, 1), 5 * H, 6 * H, "namur"),
    (utc(2024, 10, 27, 1), 6 * H, 5 * H, "namur"),
    (utc(2024, 11, 3, 6), 5 * H, 6 * H, "terrebonne"),
    (utc(2025, 3, 9, 7), 6 * H, 5 * H, "terrebonne"),
    (utc(2025, 3, 30, 1), 5 * H, 6 * H, "namur"),
    (utc(2025, 10, 26, 1), 6 * H, 5 * H, "namur"),
    (utc(2025, 11, 2, 6), 5 * H, 6 * H, "terrebonne"),
    (utc(2026, 3, 8, 7), 6 * H, 5 * H, "terrebonne"),
    (utc(2026, 3, 29, 1), 5 * H, 6 * H, "namur"),
    (utc(2026, 10, 25, 1), 6 * H, 5 * H, "namur"),
    (utc(2026, 11, 1, 6), 5 * H, 6 * H, "terrebonne"),
    (utc(2027, 3, 14, 7), 6 * H, 5 * H, "terrebonne"),
    (utc(2027, 3, 28, 1), 5 * H, 6 * H, "namur"),
    (utc(2027, 10, 31, 1), 6 * H, 5 * H, "namur"),
    (utc(2027, 11, 7, 6), 5 * H, 6 * H, "terrebonne"),
]


@pytest.mark.parametrize(("instant", "avant", "apres", "ville"), CHANGEMENTS)
def test_ecart_de_part_et_d_autre_de_chaque_changement(
    instant: datetime, avant: timedelta, apres: timedelta, ville: str
) -> None:
    assert ecart(TERREBONNE, NAMUR, instant - timedelta(seconds=1)) == avant
    assert ecart(TERREBONNE, NAMUR, instant) == apres
    assert ecart(NAMUR, TERREBONNE, instant) == -apres


def test_prochain_changement_enchaine_tous_les_changements_reels() -> None:
    depuis = utc(2024, 1, 1)
    trouves = []
    while (changement := prochain_changement_ecart(TERREBONNE, NAMUR, depuis)) and changement.instant < utc(
        2028, 1, 1
    ):
        trouves.append((changement.instant, changement.avant, changement.apres, changement.ville.code))
        depuis = changement.instant
    assert trouves == CHANGEMENTS


def test_prochain_changement_juste_avant_l_instant() -> None:
    changement = prochain_changement_ecart(TERREBONNE, NAMUR, utc(2027, 3, 14, 6, 59, 59))
    assert changement is not None
    assert changement.instant == utc(2027, 3, 14, 7)


def test_villes_sans_changement_d_ecart() -> None:
    paris = Ville("paris", "Paris", "Europe/Paris", "#000000")
    assert prochain_changement_ecart(NAMUR, paris, utc(2026, 11, 26)) is None


def test_reunion_de_10_h_a_terrebonne_vue_de_namur() -> None:
    # Un mardi 10 h à Terrebonne : 16 h à Namur, mais 15 h dans les semaines à 5 h.
    normal = instant_local(date(2027, 3, 9), time(10), TERREBONNE)
    semaine_a_5_h = instant_local(date(2027, 3, 16), time(10), TERREBONNE)
    assert NAMUR.heure_locale(normal).time() == time(16)
    assert NAMUR.heure_locale(semaine_a_5_h).time() == time(15)


@pytest.mark.parametrize(
    ("apres", "attendu"),
    [
        # Lundi 9 h à Terrebonne = 15 h à Namur ; 14 h à Namur le lundi de la semaine à 5 h.
        (utc(2027, 3, 9), utc(2027, 3, 15, 13)),
        (utc(2027, 3, 1, 14), utc(2027, 3, 8, 14)),
        (utc(2027, 3, 1, 13, 59), utc(2027, 3, 1, 14)),
        (utc(2027, 11, 2), utc(2027, 11, 8, 14)),
    ],
)
def test_prochaine_hebdomadaire_garde_l_heure_murale(apres: datetime, attendu: datetime) -> None:
    assert prochaine_hebdomadaire(0, time(9), TERREBONNE, apres) == attendu
    assert TERREBONNE.heure_locale(attendu).time() == time(9)


@pytest.mark.parametrize(
    ("saisie", "attendu"),
    [
        ("10:00", time(10)),
        ("10h", time(10)),
        ("10 h 30", time(10, 30)),
        ("14h30", time(14, 30)),
        ("9H05", time(9, 5)),
        ("10\u00a0h\u00a030", time(10, 30)),
        ("00:00", time(0)),
        ("23:59", time(23, 59)),
        ("midi", time(12)),
    ],
)
def test_analyser_heure_accepte(saisie: str, attendu: time) -> None:
    assert analyser_heure(saisie) == attendu


@pytest.mark.parametrize(
    ("saisie", "extrait"),
    [
        ("", "Indiquez une heure"),
        ("   ", "Indiquez une heure"),
        ("25:00", "les heures vont de 0 à 23"),
        ("24:00", "les heures vont de 0 à 23"),
        ("9h75", "les minutes vont de 00 à 59"),
        ("10h75", "les minutes vont de 00 à 59"),
        ("10h5", "deux chiffres"),
        ("demain", "Heure non reconnue"),
        ("-1:00", "Heure non reconnue"),
        ("1" * 300, "Heure non reconnue"),
    ],
)
def test_analyser_heure_refuse_avec_un_message_clair(saisie: str, extrait: str) -> None:
    with pytest.raises(ErreurMetier, match=extrait) as erreur:
        analyser_heure(saisie)
    assert len(erreur.value.message) < 200


AUJOURD_HUI = date(2026, 11, 26)


@pytest.mark.parametrize(
    ("saisie", "attendu"),
    [
        ("2027-03-14", date(2027, 3, 14)),
        ("14/03/2027", date(2027, 3, 14)),
        ("10/03/2027", date(2027, 3, 10)),  # jour d'abord, jamais 3 octobre
        ("14.03.2027", date(2027, 3, 14)),
        ("14 mars 2027", date(2027, 3, 14)),
        ("1er avril", date(2027, 4, 1)),
        ("mardi 16 mars 2027", date(2027, 3, 16)),
        ("15 décembre", date(2026, 12, 15)),
        ("demain", date(2026, 11, 27)),
        ("Aujourd’hui", AUJOURD_HUI),
        ("29/02/2028", date(2028, 2, 29)),
    ],
)
def test_analyser_date_accepte(saisie: str, attendu: date) -> None:
    assert analyser_date(saisie, AUJOURD_HUI) == attendu


@pytest.mark.parametrize(
    ("saisie", "extrait"),
    [
        ("", "Indiquez une date"),
        ("31/02/2027", "février 2027 compte 28 jours"),
        ("2027-13-01", "le mois doit être entre 1 et 12"),
        ("29/02/2027", "compte 28 jours"),
        ("bientôt", "Date non reconnue"),
        ("2027/03/14", "Date non reconnue"),
        ("x" * 500, "Date non reconnue"),
        ("14/03/0001", "hors des limites"),
    ],
)
def test_analyser_date_refuse_avec_un_message_clair(saisie: str, extrait: str) -> None:
    with pytest.raises(ErreurMetier, match=extrait) as erreur:
        analyser_date(saisie, AUJOURD_HUI)
    assert len(erreur.value.message) < 200


def test_aujourd_hui_est_le_jour_de_la_ville() -> None:
    apres_minuit_a_namur = utc(2026, 12, 1, 4, 30)  # 23 h 30 la veille à Terrebonne
    assert (aujourd_hui(apres_minuit_a_namur, TERREBONNE), aujourd_hui(apres_minuit_a_namur, NAMUR)) == (
        date(2026, 11, 30),
        date(2026, 12, 1),
    )


@pytest.mark.parametrize(
    ("saisie", "attendu"),
    [
        ("le 30 mars 2027", date(2027, 3, 30)),
        ("mardi 30 mars", date(2027, 3, 30)),
        ("Mardi 30 mars 2027", date(2027, 3, 30)),
        ("29/02", date(2028, 2, 29)),
        ("29 février", date(2028, 2, 29)),
        ("lundi 1er mars", date(2027, 3, 1)),
    ],
)
def test_analyser_date_jour_de_semaine_et_29_fevrier(saisie: str, attendu: date) -> None:
    assert analyser_date(saisie, AUJOURD_HUI) == attendu


def test_29_fevrier_sans_annee_est_le_prochain_qui_existe() -> None:
    assert analyser_date("29/02", date(2028, 2, 29)) == date(2028, 2, 29)
    assert analyser_date("29/02", date(2028, 3, 1)) == date(2032, 2, 29)


def test_jour_de_semaine_contredit_par_la_date() -> None:
    with pytest.raises(ErreurMetier) as erreur:
        analyser_date("lundi 30 mars 2027", AUJOURD_HUI)
    assert erreur.value.message == (
        "Le 30 mars 2027 est un mardi, pas un lundi : vérifiez le jour ou la date."
    )


@pytest.mark.parametrize(
    ("saisie", "extrait"),
    [
        ("bidule 30 mars 2027", "Date non reconnue : « bidule 30 mars 2027 »"),
        ("bidule 30 mars", "Date non reconnue"),
        ("30/02", "février 2027 compte 28 jours"),
        ("31/04", "avril 2027 compte 30 jours"),
    ],
)
def test_analyser_date_refuse_un_mot_inconnu_ou_un_jour_absent(saisie: str, extrait: str) -> None:
    with pytest.raises(ErreurMetier, match=extrait):
        analyser_date(saisie, AUJOURD_HUI)


@pytest.mark.parametrize(
    ("saisie", "attendu"),
    [
        ("8", "« 8 » compris comme 08\u00a0h\u00a000."),
        ("10:", "« 10: » compris comme 10\u00a0h\u00a000."),
        ("10.", "« 10. » compris comme 10\u00a0h\u00a000."),
        ("10h", None),
        ("10 h", None),
        ("10:00", None),
        ("14h30", None),
        ("midi", None),
    ],
)
def test_heure_abregee_est_dite_comme_elle_a_ete_comprise(saisie: str, attendu: str | None) -> None:
    assert heure_comprise(saisie) == attendu


def test_formats_francais() -> None:
    assert format_heure(time(9, 5)) == "09\u00a0h\u00a005"
    assert format_duree(6 * H) == "6\u00a0h"
    assert format_duree(timedelta(hours=5, minutes=30)) == "5\u00a0h\u00a030"
    assert format_duree(-H) == "−1\u00a0h"


def test_date_longue_avec_premier_du_mois() -> None:
    assert format_date_longue(date(2027, 3, 1)) == "lundi 1er mars 2027"
    assert format_date_longue(date(2027, 3, 14)) == "dimanche 14 mars 2027"


@pytest.mark.parametrize(
    ("jours", "long", "court"),
    [
        (0, "aujourd'hui", "aujourd'hui"),
        (1, "demain", "dans 1\u00a0j"),
        (12, "dans 12 jours", "dans 12\u00a0j"),
        (-1, "en retard d'un jour", "en retard de 1\u00a0j"),
        (-17, "en retard de 17 jours", "en retard de 17\u00a0j"),
    ],
)
def test_delai_en_mots_long_et_court(jours: int, long: str, court: str) -> None:
    assert delai_en_mots(jours) == long
    assert delai_en_mots(jours, court=True) == court


def test_un_releve_sans_annee_est_la_derniere_occurrence_passee() -> None:
    aujourd = date(2026, 11, 26)
    assert dater_releve("20/11", aujourd) == date(2026, 11, 20)
    assert dater_releve("26 novembre", aujourd) == aujourd
    assert dater_releve("3/12", aujourd) == date(2025, 12, 3)
    assert dater_releve("29/02", aujourd) == date(2024, 2, 29)
    assert analyser_date("20/11", aujourd) == date(2027, 11, 20)  # une échéance : la prochaine
