"""État d'une action à un instant : une seule définition, que le résumé, l'évolution et le rapport lisent."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlmodel import Session

from bot.base import BaseDonnees
from metier.actions.etat import (
    Etat,
    borne_de_maintenant,
    etat_a,
    etat_final,
    lire_trajectoires,
    termine_le,
    trajectoire,
)
from metier.actions.registre import archiver_action, lister_axes, modifier_action
from metier.graphiques import donnees_axes, donnees_evolution
from metier.publications.resume import construire_resume
from metier.rapport.donnees import rassembler_rapport
from metier.serveurs import amorcer_serveur
from modeles import StatutAction
from tests.scenarios import SERVEUR, Scenario, a_utc

EN_COURS, TERMINEE = StatutAction.EN_COURS, StatutAction.TERMINEE


# --- La règle, sans base ------------------------------------------------------------------------


def test_une_mise_a_jour_antidatee_compte_a_la_creation() -> None:
    cree = a_utc("2027-01-14T12:00")
    t = trajectoire(
        action_id=1,
        axe_id=1,
        cree_le=cree,
        actuel=Etat(EN_COURS, 40),
        lignes=[(cree, 0, "proposee"), (cree - timedelta(hours=1), 40, "en_cours")],
    )
    assert etat_a(t, cree) is None  # pas encore créée
    assert etat_a(t, cree + timedelta(microseconds=1)) == Etat(EN_COURS, 40)


def test_une_ligne_datee_du_passe_se_rejoue_a_sa_date() -> None:
    cree = a_utc("2027-01-05T10:00")
    lignes = [
        (cree, 0, "proposee"),
        (a_utc("2027-01-12T10:00"), 30, "en_cours"),
        (a_utc("2027-01-08T12:00"), 10, "en_cours"),  # écrite après, datée du 8 : elle vient avant
    ]
    t = trajectoire(action_id=1, axe_id=1, cree_le=cree, actuel=Etat(EN_COURS, 30), lignes=lignes)
    assert etat_a(t, a_utc("2027-01-08T11:00")) == Etat(StatutAction.PROPOSEE, 0)
    assert etat_a(t, a_utc("2027-01-09T00:00")) == Etat(EN_COURS, 10)
    assert etat_a(t, a_utc("2027-01-12T10:01")) == Etat(EN_COURS, 30)
    assert etat_final(cree_le=cree, depart=Etat(StatutAction.PROPOSEE, 0), lignes=lignes) == Etat(
        EN_COURS, 30
    )


def test_un_champ_jamais_note_garde_sa_valeur_actuelle() -> None:
    cree = a_utc("2026-01-01T00:00")
    t = trajectoire(
        action_id=1,
        axe_id=1,
        cree_le=cree,
        actuel=Etat(TERMINEE, 100),
        lignes=[(a_utc("2026-02-10T00:00"), 20, None), (a_utc("2026-04-15T00:00"), 100, None)],
    )
    assert etat_a(t, a_utc("2026-02-01T00:00")) == Etat(TERMINEE, 0)
    assert etat_a(t, a_utc("2026-03-01T00:00")) == Etat(TERMINEE, 20)
    sans_historique = trajectoire(action_id=2, axe_id=1, cree_le=cree, actuel=Etat(EN_COURS, 10), lignes=[])
    assert etat_a(sans_historique, a_utc("2026-02-01T00:00")) == Etat(EN_COURS, 10)


def test_terminee_le_dernier_passage() -> None:
    cree = a_utc("2027-01-05T10:00")
    fin, rouverte, refinie = a_utc("2027-02-03T10:00"), a_utc("2027-02-05T10:00"), a_utc("2027-02-07T10:00")
    t = trajectoire(
        action_id=1,
        axe_id=1,
        cree_le=cree,
        actuel=Etat(TERMINEE, 100),
        lignes=[
            (cree, 0, "proposee"),
            (fin, 100, "terminee"),
            (rouverte, 100, "en_cours"),
            (refinie, 100, "terminee"),
        ],
    )
    assert termine_le(t, a_utc("2027-02-04T00:00")) == fin
    assert termine_le(t, a_utc("2027-02-06T00:00")) is None
    assert termine_le(t, a_utc("2027-03-01T00:00")) == refinie


def test_maintenant_compte_ce_qui_vient_d_etre_enregistre() -> None:
    instant = a_utc("2027-01-05T10:00")
    t = trajectoire(action_id=1, axe_id=1, cree_le=instant, actuel=Etat(EN_COURS, 5), lignes=[])
    assert etat_a(t, instant) is None
    assert etat_a(t, borne_de_maintenant(instant)) == Etat(EN_COURS, 5)


# --- Le même état partout -----------------------------------------------------------------------

# Lundis 00 h 00 à Terrebonne (05 h UTC) : la fin de la semaine que résume le post du lundi.
INSTANTS = [a_utc(f"2027-{jour}T05:00") for jour in ("01-11", "01-18", "01-25", "02-01", "02-08", "02-15")]
# Avancement moyen attendu par axe (les actions non archivées et non abandonnées), fait à la main.
ATTENDUS = [
    {1: 0.0, 3: 0.0},  # A, B à 0 ; F à 0 (toute son histoire suit son nouvel axe)
    {1: (30 + 20 + 40) / 3, 3: 0.0},  # D à 40 dès sa création (sa mise à jour est antidatée)
    {1: (30 + 0 + 40) / 3, 3: 10.0},  # B abandonnée ; C à 0 : sa mise à jour tombe pile à la borne
    {1: (60 + 50 + 40) / 3, 3: 10.0},
    {1: (100 + 50 + 40) / 3, 3: 10.0},  # A terminée compte à 100 %
    {1: (100 + 50 + 45) / 3, 3: 10.0},  # après tout l'historique : le cumul sert, et le graphique `axes`
]


def _histoire(session: Session) -> None:
    amorcer_serveur(session, SERVEUR)
    s, regle = Scenario(session, SERVEUR, 5), {"guild_id": SERVEUR, "auteur_id": 5, "est_coordination": True}
    a = s.action("2027-01-05T10:00", "Pause, reprise, terminée", 1)
    s.avancer(a, "2027-01-12T10:00", 30)
    s.statut(a, "2027-01-20T10:00", "en_pause")
    s.statut(a, "2027-01-26T10:00", "en_cours")
    s.avancer(a, "2027-01-27T10:00", 60)
    s.statut(a, "2027-02-03T10:00", "terminee")
    b = s.action("2027-01-06T10:00", "Abandonnée", 1)
    s.avancer(b, "2027-01-13T10:00", 20)
    s.statut(b, "2027-01-21T10:00", "abandonnee")
    c = s.action("2027-01-19T10:00", "Pile à une borne", 1)
    s.avancer(c, "2027-01-25T05:00", 50)
    d = s.action("2027-01-14T12:00", "Antidatée", 1)
    s.avancer(d, "2027-01-14T11:00", 40)
    s.avancer(d, "2027-02-10T10:00", 45)
    e = s.action("2027-01-07T10:00", "Archivée", 1)
    s.avancer(e, "2027-01-15T10:00", 70)
    archiver_action(session, numero=e, maintenant=a_utc("2027-01-28T10:00"), **regle)
    f = s.action("2027-01-08T10:00", "Changée d'axe", 2)
    modifier_action(session, numero=f, maintenant=a_utc("2027-01-22T10:00"), axe_numero=3, **regle)
    s.avancer(f, "2027-01-23T10:00", 10)


@pytest.fixture
def histoire(base: BaseDonnees) -> BaseDonnees:
    base.transaction(_histoire)
    return base


@pytest.mark.parametrize(
    ("instant", "attendu"),
    [pytest.param(t, a, id=t.date().isoformat()) for t, a in zip(INSTANTS, ATTENDUS, strict=True)],
)
def test_resume_evolution_et_rapport_lisent_le_meme_etat(
    histoire: BaseDonnees, instant: datetime, attendu: dict[int, float]
) -> None:
    # Le post du lundi 9 h résume la semaine qui finit à `instant` ; le graphique et le rapport sont
    # lus au dernier instant de cette semaine.
    resume = histoire.lecture(
        construire_resume,
        guild_id=SERVEUR,
        maintenant=a_utc("2027-03-15T12:00"),
        reference=instant + timedelta(hours=9),
    )
    assert resume.fin == instant
    juste_avant = instant - timedelta(microseconds=1)
    evolution = histoire.lecture(donnees_evolution, guild_id=SERVEUR, maintenant=juste_avant, mois=1)
    rapport = histoire.lecture(rassembler_rapport, guild_id=SERVEUR, annee=2027, maintenant=juste_avant)
    vues = {
        "résumé": {a.numero: a.moyenne for a in resume.axes if a.moyenne is not None},
        "évolution": {s.numero: s.moyennes[-1] for s in evolution.series if s.moyennes[-1] is not None},
        "rapport": {
            s.numero: s.moyenne_avancement for s in rapport.sections if s.moyenne_avancement is not None
        },
        "la règle": _selon_la_regle(histoire, instant),
    }
    if instant == INSTANTS[-1]:
        axes = histoire.lecture(donnees_axes, guild_id=SERVEUR, maintenant=instant)
        vues["axes"] = {a.numero: a.moyenne for a in axes.axes if a.moyenne is not None}
    lues = {(vue, axe): moyenne for vue, moyennes in vues.items() for axe, moyenne in moyennes.items()}
    assert lues == pytest.approx({(vue, axe): moyenne for vue in vues for axe, moyenne in attendu.items()})


@pytest.mark.parametrize(
    ("instant", "avant"),
    [pytest.param(t, a, id=t.date().isoformat()) for t, a in zip(INSTANTS[1:], ATTENDUS, strict=False)],
)
def test_le_resume_lit_le_debut_de_semaine_comme_la_fin_de_la_precedente(
    histoire: BaseDonnees, instant: datetime, avant: dict[int, float]
) -> None:
    resume = histoire.lecture(
        construire_resume,
        guild_id=SERVEUR,
        maintenant=a_utc("2027-03-15T12:00"),
        reference=instant + timedelta(hours=9),
    )
    assert {a.numero: a.moyenne_avant for a in resume.axes if a.moyenne_avant is not None} == pytest.approx(
        avant
    )


def _selon_la_regle(base: BaseDonnees, instant: datetime) -> dict[int, float]:
    numeros = {a.id: a.numero for a in base.lecture(lister_axes, guild_id=SERVEUR)}
    par_axe: dict[int, list[int]] = {}
    for t in base.lecture(lire_trajectoires, guild_id=SERVEUR):
        etat = etat_a(t, instant)
        if etat is not None and etat.statut != StatutAction.ABANDONNEE:
            par_axe.setdefault(numeros[t.axe_id], []).append(etat.avancement)
    return {numero: sum(valeurs) / len(valeurs) for numero, valeurs in par_axe.items()}


def test_le_rapport_termine_une_action_a_son_dernier_passage(histoire: BaseDonnees) -> None:
    rapport = histoire.lecture(
        rassembler_rapport, guild_id=SERVEUR, annee=2027, maintenant=a_utc("2027-03-15T12:00")
    )
    climat = rapport.sections[0]
    assert [(a.titre, a.terminee_le) for a in climat.terminees] == [
        ("Pause, reprise, terminée", a_utc("2027-02-03T10:00").date())
    ]
    antidatee = next(a for a in climat.actions if a.titre == "Antidatée")
    assert (antidatee.statut, antidatee.avancement, antidatee.mises_a_jour) == (EN_COURS, 45, 3)
