"""Rapport annuel : données exactes de l'année, PDF relisible, CSV ; sur SQLite et PostgreSQL."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, time
from functools import partial

import pytest
from sqlmodel import Session, select

from bot.base import BaseDonnees
from metier.erreurs import ErreurMetier
from metier.rapport.bilan import rassembler_bilan
from metier.rapport.donnees import (
    DEFINITION_BONNE_VOIE,
    Dossier,
    Rapport,
    part_attendue,
    rassembler,
    rassembler_rapport,
    verifier_annee,
)
from metier.serveurs import amorcer_serveur, definir_horaire_resume
from modeles import Action, StatutAction
from rendu.rapport import produire_pdf
from tests.scenarios import ALICE, MAINTENANT, SERVEUR, TITRE_INTERNATIONAL, Scenario, a_utc, remplir


@pytest.fixture
def rempli(base: BaseDonnees) -> BaseDonnees:
    """La base avec le scénario de deux années."""
    base.transaction(remplir)
    return base


def _rapport(base: BaseDonnees, annee: int = 2026, maintenant: datetime = MAINTENANT) -> Rapport:
    return base.lecture(rassembler_rapport, guild_id=SERVEUR, annee=annee, maintenant=maintenant)


def _section(rapport: Rapport, numero: int):  # type: ignore[no-untyped-def]
    return next(s for s in rapport.sections if s.numero == numero)


# --- Données ------------------------------------------------------------------------------------


def test_rapport_de_l_annee_en_cours(rempli: BaseDonnees) -> None:
    rapport = _rapport(rempli)
    assert (rapport.du, rapport.au, rapport.annee_complete) == (date(2026, 1, 1), date(2026, 11, 26), False)
    assert [s.libelle for s in rapport.sections] == [
        "I. La lutte aux changements climatiques et la transition écologique",
        "II. Le développement social et économique",
        "III. Les échanges universitaires",
    ]
    climat, social, universites = rapport.sections
    assert [(a.numero, a.terminee_le) for a in climat.terminees] == [(1, date(2026, 5, 15))]
    plantation = climat.terminees[0]
    assert (plantation.avancement, plantation.avancement_debut, plantation.objectif) == (100, 40, "1.1")
    assert (plantation.ville, plantation.partenaires, plantation.mises_a_jour) == ("namur", "UNamur, BEP", 2)
    assert [a.titre for a in climat.en_cours] == [TITRE_INTERNATIONAL]  # l'archivée n'y est pas
    # Le forum, terminé en 2025, n'appartient plus au rapport 2026.
    assert [(a.numero, a.statut) for a in social.actions] == [(5, StatutAction.EN_PAUSE)]
    echange = universites.en_cours[0]
    assert (echange.avancement, echange.avancement_debut, echange.en_retard(rapport.au)) == (30, 0, True)
    assert "Secret" not in {a.titre for a in rapport.actions}
    assert rapport.compter() == {StatutAction.TERMINEE: 1, StatutAction.EN_COURS: 2, StatutAction.EN_PAUSE: 1}
    assert rapport.nb_terminees == 1


def test_une_annee_passee_est_montree_telle_qu_au_31_decembre(rempli: BaseDonnees) -> None:
    rapport = _rapport(rempli, 2025)
    assert (rapport.au, rapport.annee_complete) == (date(2025, 12, 31), True)
    climat, social, universites = rapport.sections
    # La plantation, terminée en mai 2026, était à 40 % et en cours fin 2025.
    assert [(a.numero, a.statut, a.avancement, a.avancement_debut) for a in climat.actions] == [
        (1, StatutAction.EN_COURS, 40, None)
    ]
    assert [(a.numero, a.terminee_le) for a in social.terminees] == [(2, date(2025, 11, 20))]
    assert [(a.numero, a.statut, a.avancement) for a in universites.actions] == [
        (3, StatutAction.PROPOSEE, 0)
    ]
    assert rapport.seances == ()


def test_indicateurs_mesures_de_l_annee_et_bonne_voie(rempli: BaseDonnees) -> None:
    rapport = _rapport(rempli)
    arbres = _section(rapport, 1).indicateurs[0]
    assert [(m.date, m.valeur) for m in arbres.mesures] == [
        (date(2026, 3, 31), 700.0),
        (date(2026, 9, 30), 1100.0),
    ]
    assert (arbres.valeur, arbres.date_valeur) == (1100.0, date(2026, 9, 30))
    # 1 100 / 1 500 = 73 % du chemin ; 2024-01-01 → 2026-11-26 = 1 060 jours sur 1 095, soit 97 % attendus.
    assert arbres.progression == pytest.approx(73.33, abs=0.01)
    assert arbres.attendu == pytest.approx(1060 / 1095 * 100)
    assert arbres.en_bonne_voie is False
    entreprises = _section(rapport, 2).indicateurs[0]
    assert (entreprises.mesures, entreprises.valeur, entreprises.en_bonne_voie) == ((), None, None)
    # En 2025, seule la mesure de juin compte, et la cible n'était attendue qu'aux deux tiers.
    arbres_2025 = _section(_rapport(rempli, 2025), 1).indicateurs[0]
    assert [m.valeur for m in arbres_2025.mesures] == [300.0]
    assert arbres_2025.attendu == pytest.approx(730 / 1095 * 100)
    assert arbres_2025.en_bonne_voie is False
    assert "en bonne voie" in DEFINITION_BONNE_VOIE


def test_part_attendue_sur_la_periode_du_protocole() -> None:
    assert part_attendue(date(2024, 1, 1)) == 0.0
    assert part_attendue(date(2025, 1, 1)) == pytest.approx(366 / 1095 * 100)
    assert part_attendue(date(2026, 12, 31)) == 100.0
    assert part_attendue(date(2027, 3, 1)) == 100.0  # après le protocole : la cible


def test_un_indicateur_saisi_tard_est_juge_sur_tout_le_protocole(base: BaseDonnees) -> None:
    # Saisi en novembre 2026, mobilité étudiante à 42 % de sa cible : ce n'est pas « en bonne voie »
    # à un mois de la fin, même si le bot ne le connaît que depuis trois semaines.
    def ecrire(session: Session) -> None:
        amorcer_serveur(session, SERVEUR)
        s = Scenario(session, SERVEUR, ALICE)
        s.indicateur("2026-11-05T15:00", "Étudiants en mobilité", 3, "étudiants", "50")
        s.mesurer(1, "2026-11-20", "21")

    base.transaction(ecrire)
    rapport = base.lecture(rassembler_rapport, guild_id=SERVEUR, annee=2026, maintenant=MAINTENANT)
    mobilite = rapport.sections[2].indicateurs[0]
    assert mobilite.progression == pytest.approx(42.0)
    assert mobilite.attendu == pytest.approx(1060 / 1095 * 100)  # 26 novembre 2026
    assert mobilite.en_bonne_voie is False
    assert rapport.nb_en_bonne_voie == 0


def test_seances_de_l_annee_et_presences(rempli: BaseDonnees) -> None:
    rapport = _rapport(rempli)
    debuts = [s.debut for s in rapport.seances]
    assert a_utc("2026-04-14T14:00") not in debuts  # annulée
    assert len(rapport.seances) == 11  # douze deuxièmes mardis, moins avril
    assert len(rapport.seances_tenues) == 10  # celle du 8 décembre est à venir
    mars = next(s for s in rapport.seances if s.debut == a_utc("2026-03-10T14:00"))
    assert mars.presences == {"present": 2, "absent": 1, "peut_etre": 1}
    assert mars.titre == "Comité de suivi du protocole"
    assert mars.presents_par_ville == {"terrebonne": 1, "namur": 1}
    assert mars.compte_rendu is not None
    assert mars.compte_rendu.decisions == (
        "Lancer l'appel à projets jeunesse",
        "Inviter le BEP au prochain comité",
    )
    assert mars.compte_rendu.suites == "Relancer l'UQTR sur les mobilités"
    assert all(s.compte_rendu is None for s in rapport.seances if s is not mars)


@pytest.mark.parametrize(
    ("annee", "extrait"),
    [
        (2023, "commence en 2024"),
        (1999, "commence en 2024"),
        (2027, "L'année 2027 n'est pas encore commencée"),
    ],
)
def test_annees_refusees(annee: int, extrait: str) -> None:
    with pytest.raises(ErreurMetier, match=extrait) as erreur:
        verifier_annee(annee, MAINTENANT)
    assert "Choisissez une année de 2024 à 2026." in erreur.value.message


@pytest.mark.parametrize(
    ("reference", "annee", "periode"),
    [
        ("terrebonne", 2026, (date(2026, 1, 1), date(2026, 12, 31))),
        ("namur", 2027, (date(2027, 1, 1), date(2027, 1, 1))),
    ],
)
def test_le_nouvel_an_compte_dans_la_ville_de_reference(
    rempli: BaseDonnees, reference: str, annee: int, periode: tuple[date, date]
) -> None:
    veille = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)  # déjà le 1er janvier 2027 à Namur, pas à Terrebonne
    rempli.transaction(
        partial(
            definir_horaire_resume,
            guild_id=SERVEUR,
            auteur_id=ALICE,
            jour=0,
            heure=time(9),
            ville_code=reference,
            maintenant=MAINTENANT,
        )
    )
    rapport = _rapport(rempli, annee, maintenant=veille)
    assert (rapport.du, rapport.au) == periode
    with pytest.raises(ErreurMetier, match=f"L'année {annee + 1} n'est pas encore commencée"):
        _rapport(rempli, annee + 1, maintenant=veille)


def test_serveur_inconnu(base: BaseDonnees) -> None:
    with pytest.raises(ErreurMetier, match="Le serveur 999 est inconnu"):
        base.lecture(rassembler_rapport, guild_id=999, annee=2026, maintenant=MAINTENANT)


def test_csv_de_l_annee_au_format_de_l_export(rempli: BaseDonnees) -> None:
    dossier: Dossier = rempli.lecture(rassembler, guild_id=SERVEUR, annee=2026, maintenant=MAINTENANT)
    assert dossier.csv_actions.startswith(b"\xef\xbb\xbf")
    actions = list(csv.DictReader(io.StringIO(dossier.csv_actions.decode("utf-8-sig")), delimiter=";"))
    # Toutes celles touchées en 2026, archivée comprise ; pas le forum, clos en 2025.
    assert [ligne["N°"] for ligne in actions] == ["1", "3", "4", "5", "6"]
    assert actions[2]["Titre"] == TITRE_INTERNATIONAL
    assert actions[0]["Statut"] == "terminée"
    mesures = list(csv.DictReader(io.StringIO(dossier.csv_mesures.decode("utf-8-sig")), delimiter=";"))
    assert [(ligne["N° indicateur"], ligne["Date"], ligne["Valeur"]) for ligne in mesures] == [
        ("1", "2026-03-31", "700"),
        ("1", "2026-09-30", "1100"),
        ("2", "2026-05-01", "10"),
    ]


# --- PDF ----------------------------------------------------------------------------------------


def test_la_base_n_est_pas_modifiee_par_le_rapport(rempli: BaseDonnees) -> None:
    avant = rempli.lecture(lambda s: [(a.numero, a.statut, a.avancement) for a in s.exec(select(Action))])
    produire_pdf(_rapport(rempli))
    assert (
        rempli.lecture(lambda s: [(a.numero, a.statut, a.avancement) for a in s.exec(select(Action))])
        == avant
    )


def test_les_jours_du_rapport_se_comptent_dans_la_ville_de_reference(base: BaseDonnees) -> None:
    # 02 h 00 UTC le 16 juin : encore le 15 juin à Terrebonne, la ville de référence par défaut.
    def ecrire(session: Session) -> None:
        amorcer_serveur(session, SERVEUR)
        s = Scenario(session, SERVEUR, ALICE)
        numero = s.action("2026-03-02T03:00", "Créée un soir de mars", 1)
        s.statut(numero, "2026-06-16T02:00", "terminee")

    base.transaction(ecrire)
    rapport = base.lecture(rassembler_rapport, guild_id=SERVEUR, annee=2026, maintenant=MAINTENANT)
    action = rapport.actions[0]
    assert (action.cree_le, action.terminee_le) == (date(2026, 3, 1), date(2026, 6, 15))
    assert rapport.reference.code == "terrebonne"


def test_un_indicateur_mesure_apres_coup_est_dans_les_annees_de_ses_mesures(base: BaseDonnees) -> None:
    # Saisi (ou importé) en novembre 2026 avec ses mesures de 2025 : le rapport 2025 le montre, comme
    # toute chose consignée après coup ; celui de 2024 ne le connaît pas encore.
    def ecrire(session: Session) -> None:
        amorcer_serveur(session, SERVEUR)
        s = Scenario(session, SERVEUR, ALICE)
        s.indicateur("2026-11-05T15:00", "Étudiants en mobilité", 3, "étudiants", "50")
        s.mesurer(1, "2025-06-01", "12")
        s.mesurer(1, "2026-11-20", "21")

    base.transaction(ecrire)
    rapport_2025 = base.lecture(rassembler_rapport, guild_id=SERVEUR, annee=2025, maintenant=MAINTENANT)
    (mobilite,) = rapport_2025.sections[2].indicateurs
    assert ([m.valeur for m in mobilite.mesures], mobilite.valeur) == ([12.0], 12.0)
    rapport_2024 = base.lecture(rassembler_rapport, guild_id=SERVEUR, annee=2024, maintenant=MAINTENANT)
    assert rapport_2024.sections[2].indicateurs == ()
    bilan = base.lecture(rassembler_bilan, guild_id=SERVEUR, maintenant=MAINTENANT)
    assert [m.valeur for m in bilan.indicateurs[0].mesures] == [12.0, 21.0]
