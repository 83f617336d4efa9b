"""Réunions : saisie, heures murales sur les vrais changements d'heure, séries, créneaux, base."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlmodel import Session, col, select

from bot.base import Base
from metier.erreurs import ErreurMetier
from metier.protocole import VILLES_PAR_DEFAUT
from metier.reunions.creneaux import creneaux_communs
from metier.reunions.heure_locale import Resolution, resoudre_heure_locale
from metier.reunions.registre import (
    ReunionPlanifiee,
    annuler_reunion,
    lire_reunion,
    lister_reunions,
    planifier_reunion,
    rechercher_reunions,
)
from metier.reunions.saisie import (
    analyser_duree,
    analyser_rappels,
    format_rappel,
    rappels_de,
    texte_rappels,
    verifier_lien,
)
from metier.reunions.series import (
    Occurrence,
    decrire_recurrence,
    ecart_habituel,
    ecart_inhabituel,
    lire_cle_occurrence,
    occurrences,
    regle_pour,
)
from metier.temps import Ville
from modeles import EntreeJournal, OccurrenceAnnulee, Recurrence, Reunion

TERREBONNE, NAMUR = (Ville(v.code, v.nom, v.fuseau, v.couleur) for v in VILLES_PAR_DEFAUT)
H = timedelta(hours=1)
MIN = timedelta(minutes=1)
NB = "\u00a0"
MAINTENANT = datetime(2026, 11, 26, 12, tzinfo=UTC)
SERVEUR, AUTRE_SERVEUR, AUTEUR = 111, 222, 42


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def serie(
    debut: date,
    heure: time,
    recurrence: Recurrence,
    *,
    ville: Ville = TERREBONNE,
    pli: int = 0,
    duree_minutes: int = 60,
) -> Reunion:
    return Reunion(
        id=7,
        guild_id=SERVEUR,
        numero=1,
        titre="Comité de suivi",
        ville=ville.code,
        fuseau=ville.fuseau,
        date_debut=debut,
        heure_locale=heure,
        pli=pli,
        duree_minutes=duree_minutes,
        recurrence=recurrence,
        regle=regle_pour(recurrence, debut),
        auteur_id=AUTEUR,
    )


# --- Saisie --------------------------------------------------------------------------------------


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


# --- Heure murale sur les vrais changements d'heure ----------------------------------------------

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


# --- Séries --------------------------------------------------------------------------------------


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
                o.debut_local(TERREBONNE).date(),
                o.debut_local(TERREBONNE).time(),
                o.debut_local(NAMUR).time(),
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
    dates = [o.debut_local(TERREBONNE).date() for o in occurrences(reunion, utc(2027, 1, 1), limite=6)]
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
    dates = [o.debut_local(TERREBONNE).date() for o in occurrences(reunion, utc(2027, 3, 1), limite=4)]
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
    assert seances[1].debut_local(TERREBONNE).time() == time(3, 30)


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


# --- Créneaux communs ----------------------------------------------------------------------------


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


# --- Base de données -----------------------------------------------------------------------------


def planifier(base: Base, **changements: object) -> ReunionPlanifiee:
    options: dict[str, object] = {
        "guild_id": SERVEUR,
        "auteur_id": AUTEUR,
        "titre": "Comité de suivi",
        "jour": date(2027, 3, 2),
        "heure": time(10),
        "ville_code": "terrebonne",
        "duree": H,
        "recurrence": Recurrence.HEBDOMADAIRE,
        "rappels": [24 * H, H],
        "salon_id": 555,
        "lien": "https://visio.example.org/comite",
        "maintenant": MAINTENANT,
    }
    options.update(changements)
    return base.transaction(planifier_reunion, **options)


def test_planifier_enregistre_la_serie_et_ses_prochaines_seances(base: Base) -> None:
    planifiee = planifier(base)
    reunion = base.lecture(lire_reunion, guild_id=SERVEUR, numero=1)
    assert (reunion.ville, reunion.fuseau, reunion.heure_locale, reunion.pli) == (
        "terrebonne",
        "America/Toronto",
        time(10),
        0,
    )
    assert (reunion.regle, reunion.rappels, reunion.duree_minutes) == ("FREQ=WEEKLY", "1j,1h", 60)
    assert rappels_de(reunion) == [24 * H, H]
    assert planifiee.message is None
    assert [o.debut for o in planifiee.prochaines] == [
        utc(2027, 3, 2, 15),
        utc(2027, 3, 9, 15),
        utc(2027, 3, 16, 14),
        utc(2027, 3, 23, 14),
        utc(2027, 3, 30, 14),
    ]

    def journal(session: Session) -> dict[str, str | None]:
        lignes = session.exec(select(EntreeJournal).where(EntreeJournal.entite == "reunion")).all()
        return {e.champ: e.nouveau for e in lignes if e.entite_id == "1"}

    entrees = base.lecture(journal)
    assert entrees["titre"] == "Comité de suivi"
    assert entrees["regle"] == "FREQ=WEEKLY"
    assert entrees["heure_locale"] == "10:00"


def test_planifier_heure_ambigue_le_dit(base: Base) -> None:
    planifiee = planifier(base, jour=date(2027, 11, 7), heure=time(1, 30), recurrence=Recurrence.AUCUNE)
    assert planifiee.message is not None
    assert planifiee.message.startswith(f"01{NB}h{NB}30 survient deux fois le dimanche 7 novembre 2027")
    assert [o.debut for o in planifiee.prochaines] == [utc(2027, 11, 7, 5, 30)]


def test_planifier_heure_de_namur(base: Base) -> None:
    planifiee = planifier(base, ville_code="Namur", heure=time(16), recurrence=Recurrence.AUCUNE)
    assert planifiee.reunion.fuseau == "Europe/Brussels"
    assert [o.debut for o in planifiee.prochaines] == [utc(2027, 3, 2, 15)]


@pytest.mark.parametrize(
    ("changements", "message"),
    [
        ({"jour": date(2026, 11, 26), "heure": time(7)}, "Le jeudi 26 novembre 2026 à 07"),
        ({"titre": "   "}, "Donnez un titre à la réunion"),
        ({"titre": "x" * 201}, "Le titre fait 201 caractères : 200 au plus."),
        ({"jour": date(2027, 3, 14), "heure": time(2, 30)}, f"L'heure 02{NB}h{NB}30 n'existe pas"),
        ({"ville_code": "paris"}, "« paris » n'est pas une ville partenaire de ce serveur."),
        ({"lien": "javascript:alert(1)"}, "Lien refusé"),
        ({"duree": 13 * H}, "Durée « 13"),
        ({"rappels": [H, H]}, "Rappels refusés"),
    ],
)
def test_planifier_refuse(base: Base, changements: dict[str, object], message: str) -> None:
    with pytest.raises(ErreurMetier) as erreur:
        planifier(base, **changements)
    assert erreur.value.message.startswith(message)
    if "jour" in changements and changements["jour"] == date(2026, 11, 26):
        assert "est déjà passé : choisissez une date et une heure à venir." in erreur.value.message
    assert base.lecture(lambda s: s.exec(select(Reunion)).all()) == []


def test_numerotation_par_serveur_et_separation(base: Base) -> None:
    numeros = [planifier(base, titre=f"Réunion {n}").reunion.numero for n in range(3)]
    autre = planifier(base, guild_id=AUTRE_SERVEUR, titre="Chez l'autre").reunion
    assert numeros == [1, 2, 3]
    assert autre.numero == 1
    assert base.lecture(lire_reunion, guild_id=AUTRE_SERVEUR, numero=1).titre == "Chez l'autre"
    assert base.lecture(lire_reunion, guild_id=SERVEUR, numero=1).titre == "Réunion 0"
    with pytest.raises(ErreurMetier, match="La réunion #2 n'existe pas sur ce serveur"):
        base.lecture(lire_reunion, guild_id=AUTRE_SERVEUR, numero=2)
    with pytest.raises(ErreurMetier, match="La réunion #2 n'existe pas"):
        base.transaction(
            annuler_reunion,
            guild_id=AUTRE_SERVEUR,
            numero=2,
            auteur_id=AUTEUR,
            occurrence=None,
            maintenant=MAINTENANT,
        )
    liste = base.lecture(lister_reunions, guild_id=AUTRE_SERVEUR, maintenant=MAINTENANT)
    assert [r.titre for r, _ in liste] == ["Chez l'autre"]


def test_lister_la_plus_proche_d_abord(base: Base) -> None:
    planifier(base, titre="Mensuelle", jour=date(2027, 1, 5), recurrence=Recurrence.MENSUELLE)
    planifier(base, titre="Unique", jour=date(2026, 12, 1), recurrence=Recurrence.AUCUNE)
    planifier(base, titre="Hebdo", jour=date(2026, 12, 3), heure=time(9))
    liste = base.lecture(lister_reunions, guild_id=SERVEUR, maintenant=utc(2026, 12, 2))
    assert [(r.titre, o.debut) for r, o in liste] == [
        ("Hebdo", utc(2026, 12, 3, 14)),
        ("Mensuelle", utc(2027, 1, 5, 15)),
    ]


def test_annuler_une_seance_la_retire(base: Base) -> None:
    planifier(base)
    annulation = base.transaction(
        annuler_reunion,
        guild_id=SERVEUR,
        numero=1,
        auteur_id=AUTEUR,
        occurrence=utc(2027, 3, 2, 15),
        maintenant=MAINTENANT,
    )
    assert annulation.occurrence is not None
    assert annulation.occurrence.debut == utc(2027, 3, 2, 15)

    def lire(session: Session) -> tuple[list[datetime], list[datetime]]:
        reunion = lire_reunion(session, guild_id=SERVEUR, numero=1)
        annulees = session.exec(
            select(OccurrenceAnnulee.debut).where(OccurrenceAnnulee.reunion_id == reunion.id)
        ).all()
        return list(annulees), [
            o.debut for o in occurrences(reunion, MAINTENANT, limite=2, annulees=set(annulees))
        ]

    annulees, suivantes = base.lecture(lire)
    assert annulees == [utc(2027, 3, 2, 15)]
    assert suivantes == [utc(2027, 3, 9, 15), utc(2027, 3, 16, 14)]
    liste = base.lecture(lister_reunions, guild_id=SERVEUR, maintenant=MAINTENANT)
    assert [o.debut for _, o in liste] == [utc(2027, 3, 9, 15)]
    with pytest.raises(ErreurMetier, match="Cette séance de la réunion #1 est déjà annulée"):
        base.transaction(
            annuler_reunion,
            guild_id=SERVEUR,
            numero=1,
            auteur_id=AUTEUR,
            occurrence=utc(2027, 3, 2, 15),
            maintenant=MAINTENANT,
        )


@pytest.mark.parametrize(
    ("occurrence", "maintenant", "message"),
    [
        (utc(2027, 3, 2, 14), MAINTENANT, "La réunion #1 n'a pas de séance à cet instant"),
        (utc(2027, 3, 16, 15), MAINTENANT, "La réunion #1 n'a pas de séance à cet instant"),
        (utc(2027, 3, 2, 15), utc(2027, 3, 5), "Cette séance de la réunion #1 est déjà passée"),
    ],
)
def test_annuler_une_seance_refuse(
    base: Base, occurrence: datetime, maintenant: datetime, message: str
) -> None:
    planifier(base)
    with pytest.raises(ErreurMetier, match=message):
        base.transaction(
            annuler_reunion,
            guild_id=SERVEUR,
            numero=1,
            auteur_id=AUTEUR,
            occurrence=occurrence,
            maintenant=maintenant,
        )
    assert base.lecture(lambda s: s.exec(select(OccurrenceAnnulee)).all()) == []


def test_annuler_la_serie(base: Base) -> None:
    planifier(base)
    planifier(base, titre="Autre", recurrence=Recurrence.AUCUNE)
    annulation = base.transaction(
        annuler_reunion, guild_id=SERVEUR, numero=1, auteur_id=AUTEUR, occurrence=None, maintenant=MAINTENANT
    )
    assert annulation.reunion.annulee is True
    assert base.lecture(lire_reunion, guild_id=SERVEUR, numero=1).annulee is True
    liste = base.lecture(lister_reunions, guild_id=SERVEUR, maintenant=MAINTENANT)
    assert [r.numero for r, _ in liste] == [2]
    with pytest.raises(ErreurMetier, match="La réunion #1 est déjà annulée"):
        base.transaction(
            annuler_reunion,
            guild_id=SERVEUR,
            numero=1,
            auteur_id=AUTEUR,
            occurrence=None,
            maintenant=MAINTENANT,
        )
    with pytest.raises(ErreurMetier, match="La réunion #2 est déjà passée"):
        base.transaction(
            annuler_reunion,
            guild_id=SERVEUR,
            numero=2,
            auteur_id=AUTEUR,
            occurrence=None,
            maintenant=utc(2027, 3, 3),
        )

    def journal(session: Session) -> list[tuple[str, str, str | None]]:
        lignes = session.exec(
            select(EntreeJournal).where(EntreeJournal.champ == "annulee").order_by(col(EntreeJournal.id))
        ).all()
        return [(e.entite, e.entite_id, e.nouveau) for e in lignes]

    assert base.lecture(journal) == [("reunion", "1", "True")]


def test_rechercher_par_numero_et_mots_sans_accents(base: Base) -> None:
    for titre in ["Comité de suivi", "Échanges universitaires", "Bilan énergétique"] + ["Point"] * 9:
        planifier(base, titre=titre)
    planifier(base, guild_id=AUTRE_SERVEUR, titre="Comité de l'autre serveur")

    def chercher(saisie: str) -> list[tuple[int, str]]:
        reunions = base.lecture(rechercher_reunions, guild_id=SERVEUR, saisie=saisie)
        return [(r.numero, r.titre) for r in reunions]

    assert chercher("comite") == [(1, "Comité de suivi")]
    assert chercher("ECHANGES univ") == [(2, "Échanges universitaires")]
    assert chercher("#3") == [(3, "Bilan énergétique")]
    assert [n for n, _ in chercher("1")] == [1, 12, 11, 10]
    assert chercher("rien de tel") == []
    assert len(base.lecture(rechercher_reunions, guild_id=SERVEUR, saisie="", limite=5)) == 5
