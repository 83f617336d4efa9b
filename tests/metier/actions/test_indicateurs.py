"""Indicateurs et mesures, sur une vraie base (SQLite et PostgreSQL)."""

import re
from datetime import UTC, date, datetime
from functools import partial

import pytest
from sqlmodel import Session, select

from bot.base import BaseDonnees
from metier.actions.indicateurs import (
    analyser_nombre,
    corriger_mesure,
    creer_indicateur,
    lister_indicateurs,
    mesurer,
    mesures_recentes,
    progression,
    rechercher_indicateurs,
    supprimer_mesure,
)
from metier.erreurs import ErreurMetier, RefusDroits
from metier.graphiques import donnees_indicateurs
from metier.rapport.donnees import rassembler_rapport
from metier.serveurs import amorcer_serveur
from metier.stockage import ident
from modeles import Axe, EntreeJournal, Indicateur, Mesure
from tests.scenarios import Scenario, a_utc

MAINTENANT = datetime(2026, 11, 26, 15, tzinfo=UTC)
SERVEUR, ALICE = 1, 100


@pytest.fixture
def serveur(base: BaseDonnees) -> BaseDonnees:
    base.transaction(amorcer_serveur, SERVEUR)
    return base


def indicateur(base: BaseDonnees, **options):
    valeurs = {
        "nom": "Émissions évitées",
        "axe_numero": 1,
        "unite": "t CO₂",
        "cible": "30",
        "valeur_depart": "12",
    }
    valeurs.update(options)
    return base.transaction(
        partial(creer_indicateur, guild_id=SERVEUR, auteur_id=ALICE, maintenant=MAINTENANT, **valeurs)
    )


def mesure(base: BaseDonnees, valeur: str, jour: str | None = None, numero: int = 1):
    return base.transaction(
        partial(
            mesurer,
            guild_id=SERVEUR,
            auteur_id=ALICE,
            numero=numero,
            valeur=valeur,
            jour=jour,
            maintenant=MAINTENANT,
        )
    )


@pytest.mark.parametrize(
    ("saisie", "valeur"),
    [
        ("12", 12.0),
        ("12,5", 12.5),
        ("1 200", 1200.0),
        ("1\u202f200,75", 1200.75),
        ("45 %", 45.0),
        ("-3", -3.0),
    ],
)
def test_analyser_nombre(saisie: str, valeur: float) -> None:
    assert analyser_nombre(saisie) == valeur


@pytest.mark.parametrize(
    ("saisie", "extrait"),
    [
        ("", "est vide"),
        ("   ", "est vide"),
        ("douze", "n'est pas un nombre"),
        ("1,2,3", "n'est pas un nombre"),
        ("1e400", "n'est pas un nombre"),
        ("99999999999999", "hors des limites"),
        ("nan", "n'est pas un nombre"),
    ],
)
def test_analyser_nombre_refuse(saisie: str, extrait: str) -> None:
    with pytest.raises(ErreurMetier, match=extrait):
        analyser_nombre(saisie)


@pytest.mark.parametrize(
    ("options", "extrait"),
    [
        ({"cible": "12"}, "est égale à la valeur de départ"),
        ({"cible": "abc"}, "La cible « abc » n'est pas un nombre"),
        ({"nom": "  "}, "Le nom ne peut pas être vide"),
        ({"nom": "n" * 201}, "Le nom fait 201 caractères"),
        ({"unite": ""}, "L'unité ne peut pas être vide"),
        ({"unite": "u" * 41}, "L'unité fait 41 caractères"),
        ({"axe_numero": 4}, "L'axe 4 n'existe pas"),
        ({"action_numero": 99}, "Il n'y a pas d'action #99"),
    ],
)
def test_creer_indicateur_refuse(serveur: BaseDonnees, options: dict, extrait: str) -> None:
    with pytest.raises(ErreurMetier, match=extrait):
        indicateur(serveur, **options)


def test_mesures_et_progression(serveur: BaseDonnees) -> None:
    indicateur(serveur)
    indicateur(
        serveur, nom="Étudiants en mobilité", axe_numero=3, unite="étudiants", cible="40", valeur_depart=None
    )
    mesure(serveur, "15", "2026-10-01")
    mesure(serveur, "18", "2026-11-20")
    etats = serveur.lecture(partial(lister_indicateurs, guild_id=SERVEUR))
    assert [(e.numero, e.valeur, e.date_mesure) for e in etats] == [
        (1, 18.0, date(2026, 11, 20)),
        (2, None, None),
    ]
    assert etats[0].progression == pytest.approx(100 * (18 - 12) / (30 - 12))
    assert etats[1].progression is None
    assert [e.numero for e in serveur.lecture(partial(lister_indicateurs, guild_id=SERVEUR, axe=3))] == [2]


def _rattrapage_et_indicateur_importe(session: Session) -> None:
    """Un rattrapage daté d'avant la dernière mesure ; un indicateur importé dont la cible est le départ."""
    amorcer_serveur(session, SERVEUR)
    s = Scenario(session, SERVEUR, ALICE)
    s.indicateur("2026-11-01T12:00", "Arbres", 1, "arbres", "500")
    s.mesurer(1, "2026-11-20", "300")
    s.mesurer(1, "2026-11-01", "100")  # rattrapage : ce n'est pas la dernière mesure
    axe = session.exec(select(Axe).where(Axe.guild_id == SERVEUR, Axe.numero == 1)).one()
    plat = Indicateur(
        guild_id=SERVEUR,
        numero=2,
        nom="Plat",
        axe_id=ident(axe),
        unite="u",
        valeur_depart=5,
        cible=5,
        auteur_id=5,
        cree_le=a_utc("2026-11-01T12:00"),
    )
    session.add(plat)
    session.flush()
    session.add(
        Mesure(guild_id=SERVEUR, indicateur_id=ident(plat), date=date(2026, 11, 2), valeur=5, auteur_id=5)
    )


def test_progression_d_un_indicateur_partout_la_meme(base: BaseDonnees) -> None:
    base.transaction(_rattrapage_et_indicateur_importe)
    graphique = base.lecture(donnees_indicateurs, guild_id=SERVEUR, maintenant=MAINTENANT)
    liste = base.lecture(lister_indicateurs, guild_id=SERVEUR)
    rapport = base.lecture(rassembler_rapport, guild_id=SERVEUR, annee=2026, maintenant=MAINTENANT)
    vues = {
        "graphique": {e.numero: e.progression for e in graphique.indicateurs},
        "liste": {e.numero: e.progression for e in liste},
        "rapport": {i.numero: i.progression for i in rapport.indicateurs},
    }
    assert vues == {vue: {1: 60.0, 2: 100.0} for vue in vues}
    assert progression(5, 5, 5) == 100.0
    assert progression(5, 5, 4) == 0.0


def test_mesurer_rend_la_derniere_mesure_et_pas_le_rattrapage(serveur: BaseDonnees) -> None:
    indicateur(serveur)
    mesure(serveur, "18", "2026-11-20")
    etat, saisie = mesure(serveur, "15", "2026-10-01")
    assert (saisie.valeur, saisie.date) == (15.0, date(2026, 10, 1))
    assert (etat.numero, etat.valeur, etat.date_mesure) == (1, 18.0, date(2026, 11, 20))


@pytest.mark.parametrize(
    ("valeur", "jour", "extrait"),
    [
        ("abc", None, "n'est pas un nombre"),
        ("", None, "est vide"),
        ("5", "2026-12-25", "dans le futur"),
        ("5", "31/02/2026", "février 2026 compte 28 jours"),
    ],
)
def test_mesure_refusee(serveur: BaseDonnees, valeur: str, jour: str | None, extrait: str) -> None:
    indicateur(serveur)
    with pytest.raises(ErreurMetier, match=extrait):
        mesure(serveur, valeur, jour)


def test_mesure_d_un_indicateur_inconnu(serveur: BaseDonnees) -> None:
    with pytest.raises(ErreurMetier, match="Il n'y a pas d'indicateur n° 3"):
        mesure(serveur, "1", numero=3)


def test_recherche_indicateurs_sans_accents(serveur: BaseDonnees) -> None:
    indicateur(serveur)
    indicateur(serveur, nom="Participants aux ateliers", cible="100", valeur_depart=None)
    assert serveur.lecture(partial(rechercher_indicateurs, guild_id=SERVEUR, saisie="emissions")) == [
        (1, "Émissions évitées")
    ]
    assert [n for n, _ in serveur.lecture(partial(rechercher_indicateurs, guild_id=SERVEUR, saisie=""))] == [
        2,
        1,
    ]


# --- Corriger ou supprimer une mesure ------------------------------------------------------------

BOB = 200


def corriger(base: BaseDonnees, jour: str, *, par: int = ALICE, coordination: bool = False, **options):
    return base.transaction(
        partial(
            corriger_mesure,
            guild_id=SERVEUR,
            auteur_id=par,
            est_coordination=coordination,
            numero=options.pop("numero", 1),
            jour=jour,
            maintenant=MAINTENANT,
            **options,
        )
    )


def supprimer(base: BaseDonnees, jour: str, *, par: int = ALICE, coordination: bool = False, numero: int = 1):
    return base.transaction(
        partial(
            supprimer_mesure,
            guild_id=SERVEUR,
            auteur_id=par,
            est_coordination=coordination,
            numero=numero,
            jour=jour,
            maintenant=MAINTENANT,
        )
    )


def mesures_en_base(base: BaseDonnees) -> list[tuple[date, float, str | None]]:
    return base.lecture(
        lambda s: [(m.date, m.valeur, m.note) for m in s.exec(select(Mesure).order_by(Mesure.date))]
    )


def journal(base: BaseDonnees) -> list[tuple[int, str, str | None, str | None]]:
    return base.lecture(
        lambda s: [
            (e.auteur_id, e.champ, e.ancien, e.nouveau)
            for e in s.exec(
                select(EntreeJournal).where(EntreeJournal.champ != "creation").order_by(EntreeJournal.id)
            )
        ]
    )


@pytest.fixture
def mesure_de_novembre(serveur: BaseDonnees) -> BaseDonnees:
    indicateur(serveur)
    mesure(serveur, "15", "2026-10-01")
    mesure(serveur, "18", "2026-11-20")
    return serveur


def test_corriger_la_valeur_d_une_mesure(mesure_de_novembre: BaseDonnees) -> None:
    corrigee = corriger(mesure_de_novembre, "2026-11-20", valeur="21,5")
    assert (corrigee.date_avant, corrigee.valeur_avant) == (date(2026, 11, 20), 18.0)
    assert corrigee.apres is not None
    assert (corrigee.apres.date, corrigee.apres.valeur) == (date(2026, 11, 20), 21.5)
    assert (corrigee.etat.valeur, corrigee.etat.date_mesure) == (21.5, date(2026, 11, 20))
    assert mesures_en_base(mesure_de_novembre) == [
        (date(2026, 10, 1), 15.0, None),
        (date(2026, 11, 20), 21.5, None),
    ]
    assert journal(mesure_de_novembre)[-1] == (ALICE, "mesure 2026-11-20", "18.0", "21.5")


def test_corriger_la_date_et_la_note_d_une_mesure(mesure_de_novembre: BaseDonnees) -> None:
    corrigee = corriger(mesure_de_novembre, "2026-11-20", nouvelle_date="2024-06-30", note="Bilan ADEME")
    assert corrigee.apres is not None
    assert (corrigee.apres.date, corrigee.apres.valeur, corrigee.apres.note) == (
        date(2024, 6, 30),
        18.0,
        "Bilan ADEME",
    )
    # La dernière mesure est désormais celle d'octobre : la liste, le graphique et le rapport la lisent.
    assert (corrigee.etat.valeur, corrigee.etat.date_mesure) == (15.0, date(2026, 10, 1))
    graphique = mesure_de_novembre.lecture(donnees_indicateurs, guild_id=SERVEUR, maintenant=MAINTENANT)
    rapport = mesure_de_novembre.lecture(
        rassembler_rapport, guild_id=SERVEUR, annee=2026, maintenant=MAINTENANT
    )
    assert [e.valeur for e in graphique.indicateurs] == [15.0]
    assert [i.progression for i in rapport.indicateurs] == [pytest.approx(100 * 3 / 18)]
    assert journal(mesure_de_novembre)[-2:] == [
        (ALICE, "mesure 2026-11-20 date", "2026-11-20", "2024-06-30"),
        (ALICE, "mesure 2026-11-20 note", None, "Bilan ADEME"),
    ]


def test_supprimer_une_mesure_garde_l_ancienne_au_journal(mesure_de_novembre: BaseDonnees) -> None:
    supprimee = supprimer(mesure_de_novembre, "2026-11-20", par=BOB, coordination=True)
    assert (supprimee.date_avant, supprimee.valeur_avant, supprimee.apres) == (date(2026, 11, 20), 18.0, None)
    assert (supprimee.etat.valeur, supprimee.etat.date_mesure) == (15.0, date(2026, 10, 1))
    assert mesures_en_base(mesure_de_novembre) == [(date(2026, 10, 1), 15.0, None)]
    assert journal(mesure_de_novembre)[-2:] == [
        (BOB, "mesure 2026-11-20", "18.0", None),
        (BOB, "mesure 2026-11-20 saisie", f"par {ALICE} le 2026-11-26T15:00:00+00:00", None),
    ]


def test_la_coordination_corrige_la_mesure_d_un_autre(mesure_de_novembre: BaseDonnees) -> None:
    corrigee = corriger(mesure_de_novembre, "2026-11-20", par=BOB, coordination=True, valeur="19")
    assert corrigee.apres is not None
    assert corrigee.apres.valeur == 19.0


@pytest.mark.parametrize("operation", ["corriger", "supprimer"])
def test_un_autre_membre_ne_touche_pas_a_la_mesure(mesure_de_novembre: BaseDonnees, operation: str) -> None:
    avant = (mesures_en_base(mesure_de_novembre), journal(mesure_de_novembre))
    operer = partial(corriger, valeur="1") if operation == "corriger" else supprimer
    with pytest.raises(RefusDroits, match=f"Seules la personne qui a saisi cette mesure \\(<@{ALICE}>\\)"):
        operer(mesure_de_novembre, "2026-11-20", par=BOB)
    assert (mesures_en_base(mesure_de_novembre), journal(mesure_de_novembre)) == avant


@pytest.mark.parametrize(
    ("jour", "options", "extrait"),
    [
        ("2026-11-20", {}, "Indiquez ce qui change"),
        ("2026-11-20", {"valeur": "  "}, "La nouvelle valeur est vide"),
        ("2026-11-20", {"valeur": "dix-huit"}, "La nouvelle valeur « dix-huit » n'est pas un nombre"),
        (
            "2026-11-20",
            {"valeur": "18"},
            "La mesure du 20 nov. 2026 vaut déjà 18 t CO₂ : rien n'a été modifié",
        ),
        ("2026-11-20", {"nouvelle_date": "2023-12-31"}, "avant le début du protocole (1 janv. 2024)"),
        ("2026-11-20", {"nouvelle_date": "2026-11-27"}, "Le 27 nov. 2026 est dans le futur"),
        ("2026-11-20", {"nouvelle_date": "31/02/2026"}, "février 2026 compte 28 jours"),
        ("2026-11-20", {"nouvelle_date": "2026-10-01"}, "a déjà une mesure le 1 oct. 2026 (15 t CO₂)"),
        ("2026-11-20", {"note": "n" * 1001}, "La note fait 1001 caractères"),
        ("2026-11-21", {"valeur": "3"}, "L'indicateur n° 1 n'a pas de mesure le 21 nov. 2026"),
        ("", {"valeur": "3"}, "Indiquez la date de la mesure"),
        ("2026-11-20", {"numero": 7, "valeur": "3"}, "Il n'y a pas d'indicateur n° 7"),
    ],
)
def test_correction_refusee_n_ecrit_rien(
    mesure_de_novembre: BaseDonnees, jour: str, options: dict, extrait: str
) -> None:
    avant = (mesures_en_base(mesure_de_novembre), journal(mesure_de_novembre))
    with pytest.raises(ErreurMetier, match=re.escape(extrait)):
        corriger(mesure_de_novembre, jour, **options)
    assert (mesures_en_base(mesure_de_novembre), journal(mesure_de_novembre)) == avant


@pytest.mark.parametrize(
    ("jour", "numero", "extrait"),
    [
        ("2026-11-21", 1, "L'indicateur n° 1 n'a pas de mesure le 21 nov. 2026"),
        ("2026-11-20", 7, "Il n'y a pas d'indicateur n° 7"),
        ("hier soir", 1, "Date non reconnue"),
    ],
)
def test_suppression_refusee_n_ecrit_rien(
    mesure_de_novembre: BaseDonnees, jour: str, numero: int, extrait: str
) -> None:
    avant = (mesures_en_base(mesure_de_novembre), journal(mesure_de_novembre))
    with pytest.raises(ErreurMetier, match=re.escape(extrait)):
        supprimer(mesure_de_novembre, jour, numero=numero)
    assert (mesures_en_base(mesure_de_novembre), journal(mesure_de_novembre)) == avant


def test_une_mesure_ne_se_date_pas_d_avant_le_protocole(serveur: BaseDonnees) -> None:
    indicateur(serveur)
    with pytest.raises(ErreurMetier, match=re.escape("Le 31 déc. 2023 est avant le début du protocole")):
        mesure(serveur, "5", "2023-12-31")
    assert mesures_en_base(serveur) == []


def test_mesures_recentes_proposees_la_plus_recente_d_abord(mesure_de_novembre: BaseDonnees) -> None:
    recentes = mesure_de_novembre.lecture(partial(mesures_recentes, guild_id=SERVEUR, numero=1))
    assert [(m.date, m.valeur) for m in recentes] == [(date(2026, 11, 20), 18.0), (date(2026, 10, 1), 15.0)]
    assert mesure_de_novembre.lecture(partial(mesures_recentes, guild_id=SERVEUR, numero=9)) == []
