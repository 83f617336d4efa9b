"""Graphiques de progrès : données agrégées exactes et PNG, sur une vraie base (SQLite et PostgreSQL)."""

import struct
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from sqlmodel import Session, select

from bot.base import BaseDonnees
from metier.actions.evolution import recalculer
from metier.erreurs import ErreurMetier
from metier.graphiques import (
    AUCUN_INDICATEUR,
    AUCUNE_ACTION,
    MAX_ECHEANCES,
    DonneesAxes,
    DonneesEcheances,
    DonneesEvolution,
    DonneesIndicateurs,
    DonneesStatuts,
    donnees_axes,
    donnees_echeances,
    donnees_evolution,
    donnees_indicateurs,
    donnees_statuts,
    preparer,
)
from metier.serveurs import amorcer_serveur
from modeles import Action, Axe, ConfigServeur, Indicateur, Mesure, MiseAJour, StatutAction
from rendu.graphiques import dessiner_png

MAINTENANT = datetime(2026, 11, 26, 12, tzinfo=UTC)
AUJOURD_HUI = date(2026, 11, 26)
SERVEUR, AUTRE_SERVEUR, AUTEUR = 111, 222, 42
BLEU_TERREBONNE, OR_NAMUR = (0x1F, 0x5A, 0xA6), (0xD3, 0x9B, 0x00)
RACINE = Path(__file__).resolve().parents[2]


def _instant(texte: str) -> datetime:
    return datetime.fromisoformat(texte).replace(tzinfo=UTC)


def _axes(session: Session, guild_id: int) -> dict[int, int]:
    return {a.numero: a.id for a in session.exec(select(Axe).where(Axe.guild_id == guild_id))}  # type: ignore[misc]


def _action(session: Session, guild_id: int, numero: int, axe_id: int, **champs: object) -> Action:
    valeurs: dict[str, object] = {
        "titre": f"Action {numero}",
        "ville": "toutes",
        "statut": StatutAction.EN_COURS,
        "avancement": 0,
        "cree_le": _instant("2026-01-01"),
        **champs,
    }
    action = Action(
        guild_id=guild_id, numero=numero, axe_id=axe_id, responsable_id=AUTEUR, auteur_id=AUTEUR, **valeurs
    )
    session.add(action)
    session.flush()
    return action


def _historique(session: Session, action: Action, *etapes: tuple[str, int | None]) -> None:
    for quand, avancement in etapes:
        session.add(
            MiseAJour(
                guild_id=action.guild_id,
                action_id=action.id,
                auteur_id=AUTEUR,
                quand=_instant(quand),
                avancement=avancement,
                statut=None if avancement is not None else "terminee",
            )
        )


def _indicateur(session: Session, numero: int, axe_id: int, **champs: object) -> Indicateur:
    indicateur = Indicateur(guild_id=SERVEUR, numero=numero, axe_id=axe_id, auteur_id=AUTEUR, **champs)
    session.add(indicateur)
    session.flush()
    return indicateur


def _mesure(session: Session, indicateur: Indicateur, jour: str, valeur: float, quand: str) -> None:
    session.add(
        Mesure(
            guild_id=SERVEUR,
            indicateur_id=indicateur.id,
            date=date.fromisoformat(jour),
            valeur=valeur,
            auteur_id=AUTEUR,
            quand=_instant(quand),
        )
    )


def _scenario(session: Session) -> None:
    """Trois axes, sept actions (dont une archivée), leur historique et des indicateurs."""
    amorcer_serveur(session, SERVEUR)
    axe = _axes(session, SERVEUR)
    a1 = _action(
        session,
        SERVEUR,
        1,
        axe[1],
        ville="terrebonne",
        avancement=40,
        echeance=date(2026, 11, 20),
        cree_le=_instant("2026-01-15"),
    )
    a2 = _action(
        session,
        SERVEUR,
        2,
        axe[1],
        ville="namur",
        statut=StatutAction.TERMINEE,
        avancement=100,
        echeance=date(2026, 10, 1),
        cree_le=_instant("2025-11-10"),
    )
    _action(
        session,
        SERVEUR,
        3,
        axe[1],
        ville="toutes",
        statut=StatutAction.PROPOSEE,
        avancement=10,
        echeance=date(2026, 12, 10),
        cree_le=_instant("2026-06-05"),
    )
    a4 = _action(
        session,
        SERVEUR,
        4,
        axe[2],
        ville="namur",
        statut=StatutAction.EN_PAUSE,
        avancement=60,
        echeance=date(2027, 1, 10),
        cree_le=_instant("2026-03-01"),
    )
    a5 = _action(
        session,
        SERVEUR,
        5,
        axe[2],
        ville="namur",
        statut=StatutAction.ABANDONNEE,
        avancement=20,
        echeance=date(2026, 11, 1),
        cree_le=_instant("2026-02-01"),
    )
    a6 = _action(
        session,
        SERVEUR,
        6,
        axe[1],
        ville="terrebonne",
        avancement=90,
        archivee=True,
        echeance=date(2026, 11, 27),
        cree_le=_instant("2026-01-01"),
    )
    _action(
        session,
        SERVEUR,
        7,
        axe[3],
        ville="terrebonne",
        avancement=0,
        echeance=date(2027, 6, 1),
        cree_le=_instant("2026-11-20"),
    )
    _historique(session, a1, ("2026-02-10", 20), ("2026-02-20", 25), ("2026-05-03", 40))
    _historique(session, a2, ("2025-11-20", 30), ("2026-04-15", 100), ("2026-04-15 00:01", None))
    _historique(session, a4, ("2026-03-10", 30), ("2026-09-30 23:59", 60))
    _historique(session, a5, ("2026-07-01", 20))
    _historique(session, a6, ("2026-03-01", 90))
    # Un autre serveur ne se mélange jamais au premier.
    amorcer_serveur(session, AUTRE_SERVEUR)
    intrus = _action(session, AUTRE_SERVEUR, 1, _axes(session, AUTRE_SERVEUR)[1], avancement=77)
    _historique(session, intrus, ("2026-05-01", 77))

    co2 = _indicateur(session, 1, axe[1], nom="Tonnes de CO₂ évitées", unite="t", valeur_depart=0, cible=200)
    _mesure(session, co2, "2026-03-01", 50, "2026-03-01")
    _mesure(session, co2, "2026-10-01", 130, "2026-10-02")
    _mesure(session, co2, "2026-09-15", 110, "2026-11-25")  # rattrapage daté d'avant : pas la dernière
    # Cible à la baisse : de 100 à 50. Deux mesures le même jour : la dernière saisie compte.
    baisse = _indicateur(
        session, 2, axe[2], nom="Délai de réponse", unite="jours", valeur_depart=100, cible=50
    )
    _mesure(session, baisse, "2026-06-01", 80, "2026-06-01 09:00")
    _mesure(session, baisse, "2026-06-01", 70, "2026-06-01 10:00")
    _indicateur(session, 3, axe[3], nom="Étudiants en mobilité", unite="étudiants", valeur_depart=0, cible=20)
    archive = _indicateur(session, 4, axe[1], nom="Archivé", unite="u", cible=10, archive=True)
    _mesure(session, archive, "2026-05-01", 5, "2026-05-01")
    depasse = _indicateur(session, 5, axe[3], nom="Conférences conjointes", unite="conf.", cible=10)
    _mesure(session, depasse, "2026-09-01", 15, "2026-09-01")
    # Écrit en bloc, à côté des règles : le cumul de l'évolution est reconstruit.
    recalculer(session, SERVEUR)
    recalculer(session, AUTRE_SERVEUR)


@pytest.fixture
def scenario(base: BaseDonnees) -> BaseDonnees:
    base.transaction(_scenario)
    return base


def _sans_cumul(session: Session) -> None:
    """Comme juste après la migration qui a créé le cumul : il reste à construire."""
    for config in session.exec(select(ConfigServeur)):
        config.evolution_a_jour = False
        session.add(config)


@pytest.fixture(params=["cumul", "historique"])
def scenario_evolution(request: pytest.FixtureRequest, scenario: BaseDonnees) -> BaseDonnees:
    """Le scénario lu dans le cumul mensuel, puis en rejouant l'historique : mêmes résultats."""
    if request.param == "historique":
        scenario.transaction(_sans_cumul)
    return scenario


# --- Axes ---------------------------------------------------------------------------------------


def test_axes_moyennes_comptes_et_villes_sans_les_archivees(scenario: BaseDonnees) -> None:
    donnees = scenario.lecture(donnees_axes, guild_id=SERVEUR, maintenant=MAINTENANT)
    assert donnees.titre == "Avancement moyen par axe — au 26 novembre 2026"
    assert [(p.code, p.nom, p.couleur) for p in donnees.porteurs] == [
        ("terrebonne", "Terrebonne", "#1F5AA6"),
        ("namur", "Namur", "#D39B00"),
        ("toutes", "Terrebonne et Namur", "#4D4D4D"),
    ]
    lignes = [
        (
            a.libelle,
            a.nb_actions,
            a.nb_terminees,
            a.nb_abandonnees,
            a.moyenne,
            [(m.porteur.code, m.nb_actions, m.moyenne) for m in a.par_porteur],
        )
        for a in donnees.axes
    ]
    assert lignes == [
        (
            "I. Climat et transition écologique",
            3,
            1,
            0,
            50.0,
            [("terrebonne", 1, 40.0), ("namur", 1, 100.0), ("toutes", 1, 10.0)],
        ),
        # L'action 5, abandonnée, est comptée à part mais pas dans la moyenne (ni dans la barre de Namur).
        ("II. Développement social et économique", 2, 0, 1, 60.0, [("namur", 1, 60.0)]),
        ("III. Échanges universitaires", 1, 0, 0, 0.0, [("terrebonne", 1, 0.0)]),
    ]
    assert donnees.nb_actions == 6
    assert donnees.nom_fichier == "progres-axes-2026-11-26.png"


def test_axes_filtre_par_axe(scenario: BaseDonnees) -> None:
    donnees = scenario.lecture(donnees_axes, guild_id=SERVEUR, maintenant=MAINTENANT, axe=2)
    assert (
        donnees.titre
        == "Avancement moyen — Axe II\u00a0: Développement social et économique — au 26 novembre 2026"
    )
    assert [(a.numero, a.nb_actions, a.moyenne) for a in donnees.axes] == [(2, 2, 60.0)]
    assert [p.code for p in donnees.porteurs] == ["namur"]


# --- Statuts ------------------------------------------------------------------------------------


def test_statuts_comptes_empiles_par_axe(scenario: BaseDonnees) -> None:
    donnees = scenario.lecture(donnees_statuts, guild_id=SERVEUR, maintenant=MAINTENANT)
    assert [libelle for _, libelle in donnees.statuts] == [
        "Proposée",
        "En cours",
        "En pause",
        "Terminée",
        "Abandonnée",
    ]
    assert [(a.numero, a.comptes, a.total) for a in donnees.axes] == [
        (1, (1, 1, 0, 1, 0), 3),
        (2, (0, 0, 1, 0, 1), 2),
        (3, (0, 1, 0, 0, 0), 1),
    ]
    filtre = scenario.lecture(donnees_statuts, guild_id=SERVEUR, maintenant=MAINTENANT, axe=3)
    assert [(a.numero, a.comptes) for a in filtre.axes] == [(3, (0, 1, 0, 0, 0))]


# --- Évolution ----------------------------------------------------------------------------------

FINS_DE_MOIS = [
    date(2025, 12, 31),
    date(2026, 1, 31),
    date(2026, 2, 28),
    date(2026, 3, 31),
    date(2026, 4, 30),
    date(2026, 5, 31),
    date(2026, 6, 30),
    date(2026, 7, 31),
    date(2026, 8, 31),
    date(2026, 9, 30),
    date(2026, 10, 31),
    date(2026, 11, 26),
]


def test_evolution_reconstituee_fin_de_mois_par_fin_de_mois(scenario_evolution: BaseDonnees) -> None:
    scenario = scenario_evolution
    donnees = scenario.lecture(donnees_evolution, guild_id=SERVEUR, maintenant=MAINTENANT)
    assert donnees.titre == "Évolution de l'avancement — de décembre 2025 au 26 novembre 2026"
    assert list(donnees.dates) == FINS_DE_MOIS
    assert donnees.libelles_dates[:3] == ("déc. 2025", "janv. 2026", "févr. 2026")
    assert donnees.libelles_dates[-1] == "26 nov. 2026"
    series = {s.numero: s for s in donnees.series}
    # Axe I : l'action 2 (30 avant la fenêtre, puis 100 en avril), l'action 1 (créée en janvier, à 0
    # jusqu'à sa première mise à jour), l'action 3 (sans historique : son avancement actuel, 10).
    assert series[1].moyennes == (30.0, 15.0, 27.5, 27.5, 62.5, 70.0, 50.0, 50.0, 50.0, 50.0, 50.0, 50.0)
    assert series[1].nombres == (1, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3)
    # Axe II : l'action 5, abandonnée, n'y compte jamais ; la mise à jour du 30 septembre à 23 h 59
    # compte pour septembre.
    assert series[2].moyennes == (None, None, None, 30.0, 30.0, 30.0, 30.0, 30.0, 30.0, 60.0, 60.0, 60.0)
    assert series[3].moyennes == (None,) * 11 + (0.0,)
    assert donnees.ensemble.nombres == (1, 2, 2, 3, 3, 3, 4, 4, 4, 4, 4, 5)
    assert donnees.ensemble.moyennes == pytest.approx(
        [30.0, 15.0, 27.5, 85 / 3, 155 / 3, 170 / 3, 45.0, 45.0, 45.0, 52.5, 52.5, 42.0]
    )
    # Le dernier point rejoint le graphique `axes`.
    axes = scenario.lecture(donnees_axes, guild_id=SERVEUR, maintenant=MAINTENANT)
    assert [s.moyennes[-1] for s in donnees.series] == [a.moyenne for a in axes.axes]


def test_evolution_filtre_et_periode_courte(scenario_evolution: BaseDonnees) -> None:
    scenario = scenario_evolution
    donnees = scenario.lecture(donnees_evolution, guild_id=SERVEUR, maintenant=MAINTENANT, axe=2, mois=3)
    assert donnees.titre == (
        "Évolution de l'avancement — Axe II\u00a0: Développement social et économique — "
        "de septembre 2026 au 26 novembre 2026"
    )
    assert list(donnees.dates) == FINS_DE_MOIS[-3:]
    assert [(s.numero, s.moyennes) for s in donnees.series] == [(2, (60.0, 60.0, 60.0))]
    assert donnees.ensemble.moyennes == (60.0, 60.0, 60.0)
    avant = scenario.lecture(
        donnees_evolution, guild_id=SERVEUR, maintenant=_instant("2026-09-30 12:00"), axe=2, mois=1
    )
    assert avant.dates == (date(2026, 9, 30),)
    assert avant.series[0].moyennes == (30.0,)  # la mise à jour de 23 h 59 n'a pas encore eu lieu


def test_evolution_une_mise_a_jour_antidatee_compte_a_la_creation(base: BaseDonnees) -> None:
    def remplir(session: Session) -> None:
        amorcer_serveur(session, SERVEUR)
        axe = _axes(session, SERVEUR)[1]
        _action(session, SERVEUR, 1, axe, avancement=0, cree_le=_instant("2025-06-01"))
        recente = _action(session, SERVEUR, 2, axe, avancement=50, cree_le=_instant("2026-08-15"))
        _historique(session, recente, ("2026-06-10", 50))  # horloge décalée, import…
        recalculer(session, SERVEUR)

    base.transaction(remplir)
    donnees = base.lecture(donnees_evolution, guild_id=SERVEUR, maintenant=MAINTENANT, axe=1)
    # Sans doubler la première action en juin et juillet : la seconde n'existait pas encore.
    assert donnees.series[0].moyennes == (0.0,) * 8 + (25.0,) * 4
    assert donnees.series[0].nombres == (1,) * 8 + (2,) * 4


# --- Indicateurs --------------------------------------------------------------------------------


def test_indicateurs_derniere_mesure_en_pourcentage_du_chemin(scenario: BaseDonnees) -> None:
    donnees = scenario.lecture(donnees_indicateurs, guild_id=SERVEUR, maintenant=MAINTENANT)
    assert donnees.titre == "Indicateurs vers leur cible — au 26 novembre 2026"
    assert [
        (e.numero, e.axe_numero, e.valeur, e.date_mesure, e.progression) for e in donnees.indicateurs
    ] == [
        (1, 1, 130.0, date(2026, 10, 1), 65.0),
        (2, 2, 70.0, date(2026, 6, 1), 60.0),
        (3, 3, None, None, None),
        (5, 3, 15.0, date(2026, 9, 1), 150.0),
    ]
    co2, baisse, mobilite, _ = donnees.indicateurs
    assert co2.libelle_valeurs == "130 t (cible 200, départ 0), mesuré le 1 oct. 2026"
    assert baisse.libelle_valeurs == "70 jours (cible 50, départ 100), mesuré le 1 juin 2026"
    assert mobilite.libelle_valeurs == "aucune mesure (cible 20 étudiants)"
    assert donnees.nb_autres == 0
    assert donnees.note_autres is None
    filtre = scenario.lecture(donnees_indicateurs, guild_id=SERVEUR, maintenant=MAINTENANT, axe=2)
    assert [e.nom for e in filtre.indicateurs] == ["Délai de réponse"]
    # Ceux qui ne tiennent pas : la note dit où les trouver (le rapport annuel renvoie à son tableau).
    trop = replace(donnees, nb_autres=3)
    assert trop.note_autres == "… et 3 autres : filtrez par axe"
    rapport = replace(trop, ou_voir_les_autres="voir le tableau")
    assert rapport.note_autres == "… et 3 autres : voir le tableau"


# --- Échéances ----------------------------------------------------------------------------------


def test_echeances_ouvertes_en_retard_et_a_venir(scenario: BaseDonnees) -> None:
    donnees = scenario.lecture(donnees_echeances, guild_id=SERVEUR, maintenant=MAINTENANT)
    assert donnees.titre == "Échéances en retard et à 90 jours — au 26 novembre 2026"
    # Terminée, abandonnée, archivée ou au-delà de 90 jours : absentes.
    assert [(e.numero, e.echeance, e.jours, e.en_retard, e.porteur.code) for e in donnees.echeances] == [
        (1, date(2026, 11, 20), -6, True, "terrebonne"),
        (3, date(2026, 12, 10), 14, False, "toutes"),
        (4, date(2027, 1, 10), 45, False, "namur"),
    ]
    assert (donnees.nb_en_retard, donnees.nb_autres, donnees.note_autres) == (1, 0, None)
    assert donnees.horizon == date(2027, 2, 24)
    plus_loin = scenario.lecture(donnees_echeances, guild_id=SERVEUR, maintenant=MAINTENANT, jours=200)
    assert [e.numero for e in plus_loin.echeances] == [1, 3, 4, 7]
    filtre = scenario.lecture(donnees_echeances, guild_id=SERVEUR, maintenant=MAINTENANT, axe=2)
    assert [e.numero for e in filtre.echeances] == [4]


def test_echeances_gardent_les_plus_proches_et_comptent_les_autres(base: BaseDonnees) -> None:
    def remplir(session: Session) -> None:
        amorcer_serveur(session, SERVEUR)
        axe = _axes(session, SERVEUR)[1]
        decalages = [-60, *range(-15, 45, 3)]  # −60, −15, −12 … 42
        for numero, jours in enumerate(decalages, start=1):
            _action(session, SERVEUR, numero, axe, echeance=AUJOURD_HUI + timedelta(days=jours))

    base.transaction(remplir)
    donnees = base.lecture(donnees_echeances, guild_id=SERVEUR, maintenant=MAINTENANT)
    assert len(donnees.echeances) == MAX_ECHEANCES == 15
    # Les 15 plus proches d'aujourd'hui (à égalité, celle en retard d'abord), rangées par date.
    assert [e.jours for e in donnees.echeances] == [-15, -12, -9, -6, -3, 0, 3, 6, 9, 12, 15, 18, 21, 24, 27]
    assert (donnees.nb_en_retard, donnees.nb_autres, donnees.nb_autres_en_retard) == (6, 6, 1)
    assert donnees.note_autres == "… et 6 autres, dont 1 en retard"


# --- Point d'entrée et erreurs ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("type_graphique", "classe"),
    [
        ("axes", DonneesAxes),
        ("statuts", DonneesStatuts),
        ("evolution", DonneesEvolution),
        ("indicateurs", DonneesIndicateurs),
        ("echeances", DonneesEcheances),
    ],
)
def test_preparer_aiguille_vers_chaque_type(scenario: BaseDonnees, type_graphique: str, classe: type) -> None:
    donnees = scenario.lecture(
        preparer, type_graphique=type_graphique, guild_id=SERVEUR, maintenant=MAINTENANT, axe=1
    )
    assert isinstance(donnees, classe)
    assert not donnees.est_vide
    assert " — Axe I\u00a0: Climat et transition écologique — " in donnees.titre


@pytest.mark.parametrize(
    ("fonction", "quoi"),
    [
        (donnees_axes, "Avancement moyen"),
        (donnees_statuts, "Actions par statut"),
        (donnees_evolution, "Évolution de l'avancement"),
        (donnees_indicateurs, "Indicateurs vers leur cible"),
        (donnees_echeances, "Échéances en retard et à 90 jours"),
    ],
)
def test_titre_filtre_par_axe_se_lit_naturellement(scenario: BaseDonnees, fonction: Any, quoi: str) -> None:
    filtre = scenario.lecture(fonction, guild_id=SERVEUR, maintenant=MAINTENANT, axe=3).titre
    # « Avancement moyen par axe — axe III » disait deux fois « axe » sans dire lequel.
    assert filtre.startswith(f"{quoi} — Axe III\u00a0: Échanges universitaires — ")
    assert filtre.endswith(" au 26 novembre 2026")


def test_preparer_refuse_type_et_axe_inconnus(scenario: BaseDonnees) -> None:
    with pytest.raises(ErreurMetier, match=r"Type de graphique inconnu : « camembert »\. Choisissez : axes,"):
        scenario.lecture(preparer, type_graphique="camembert", guild_id=SERVEUR, maintenant=MAINTENANT)
    with pytest.raises(ErreurMetier) as erreur:
        scenario.lecture(preparer, type_graphique="axes", guild_id=SERVEUR, maintenant=MAINTENANT, axe=9)
    assert (
        erreur.value.message
        == "Il n'y a pas d'axe 9 sur ce serveur. Axes existants : 1 (I), 2 (II), 3 (III)."
    )


@pytest.mark.parametrize("type_graphique", ["axes", "statuts", "evolution", "echeances"])
def test_registre_vide_message_clair(base: BaseDonnees, type_graphique: str) -> None:
    with pytest.raises(ErreurMetier) as jamais_amorce:
        base.lecture(preparer, type_graphique=type_graphique, guild_id=SERVEUR, maintenant=MAINTENANT)
    assert jamais_amorce.value.message == AUCUNE_ACTION

    def seulement_archivee(session: Session) -> None:
        amorcer_serveur(session, SERVEUR)
        _action(session, SERVEUR, 1, _axes(session, SERVEUR)[1], archivee=True, echeance=AUJOURD_HUI)

    base.transaction(seulement_archivee)
    with pytest.raises(ErreurMetier) as archivee:
        base.lecture(preparer, type_graphique=type_graphique, guild_id=SERVEUR, maintenant=MAINTENANT)
    assert archivee.value.message == AUCUNE_ACTION


def test_registre_vide_indicateurs_et_axe_sans_rien(scenario: BaseDonnees) -> None:
    with pytest.raises(ErreurMetier) as aucun:
        scenario.lecture(
            preparer, type_graphique="indicateurs", guild_id=AUTRE_SERVEUR, maintenant=MAINTENANT
        )
    assert aucun.value.message == AUCUN_INDICATEUR
    with pytest.raises(ErreurMetier) as echeances:
        scenario.lecture(preparer, type_graphique="echeances", guild_id=SERVEUR, maintenant=MAINTENANT, axe=3)
    assert echeances.value.message == (
        "Aucune action ouverte dans l'axe III n'a d'échéance dépassée ou dans les 90 prochains jours : "
        "fixez-en avec /action modifier."
    )
    with pytest.raises(ErreurMetier) as axe_vide:
        scenario.lecture(
            preparer, type_graphique="statuts", guild_id=AUTRE_SERVEUR, maintenant=MAINTENANT, axe=2
        )
    assert (
        axe_vide.value.message
        == "Aucune action dans l'axe II pour l'instant : ajoutez-en avec /action ajouter."
    )


# --- Rendu --------------------------------------------------------------------------------------


def _dimensions_png(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert png[12:16] == b"IHDR"
    largeur, hauteur = struct.unpack(">II", png[16:24])
    return largeur, hauteur


def _couleurs(png: bytes) -> set[tuple[int, int, int]]:
    image = Image.open(BytesIO(png)).convert("RGB")
    return {couleur for _, couleur in image.getcolors(maxcolors=1_000_000) or []}


@pytest.mark.parametrize("type_graphique", ["axes", "statuts", "evolution", "indicateurs", "echeances"])
def test_rendu_png_au_format_de_discord(scenario: BaseDonnees, type_graphique: str) -> None:
    donnees = scenario.lecture(
        preparer, type_graphique=type_graphique, guild_id=SERVEUR, maintenant=MAINTENANT
    )
    png = dessiner_png(donnees)
    assert _dimensions_png(png) == (1200, 675)
    Image.open(BytesIO(png)).verify()
    if type_graphique in {"axes", "echeances"}:
        assert {BLEU_TERREBONNE, OR_NAMUR} <= _couleurs(png)  # une couleur par ville partenaire


def test_rendu_sans_matplotlib_au_demarrage_et_dans_des_threads(scenario: BaseDonnees) -> None:
    # Importer les règles des graphiques ne doit pas coûter l'import de matplotlib (~0,3 s).
    code = "import sys, metier.graphiques, rendu.graphiques; print('matplotlib' in sys.modules)"
    sortie = subprocess.run(
        [sys.executable, "-c", code], cwd=RACINE, capture_output=True, text=True, timeout=60, check=True
    )
    assert sortie.stdout.strip() == "False"
    # Rendu concurrent depuis des threads (asyncio.to_thread) : pas d'état global partagé.
    donnees = [
        scenario.lecture(preparer, type_graphique=t, guild_id=SERVEUR, maintenant=MAINTENANT)
        for t in ("axes", "echeances", "evolution")
    ]
    with ThreadPoolExecutor(max_workers=3) as executeur:
        images = list(executeur.map(dessiner_png, donnees * 2))
    assert [_dimensions_png(png) for png in images] == [(1200, 675)] * 6
    assert images[:3] == images[3:]  # le même graphique, au pixel près


@pytest.mark.parametrize("type_graphique", ["evolution", "statuts", "indicateurs", "echeances"])
def test_tous_les_graphiques_datent_du_meme_jour_que_axes_pres_de_minuit(
    scenario: BaseDonnees, type_graphique: str
) -> None:
    # 02 h 00 UTC : déjà le 27 à Namur et en UTC, encore le 26 à Terrebonne (ville de référence).
    pres_de_minuit = datetime(2026, 11, 27, 2, tzinfo=UTC)
    lire = {"guild_id": SERVEUR, "maintenant": pres_de_minuit, "axe": None}
    axes = scenario.lecture(preparer, type_graphique="axes", **lire)
    autre = scenario.lecture(preparer, type_graphique=type_graphique, **lire)
    assert axes.au == autre.au == date(2026, 11, 26)
    assert "26 novembre 2026" in autre.titre
    assert autre.nom_fichier.endswith("2026-11-26.png")
