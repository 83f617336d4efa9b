"""Statuts des actions : leurs noms, ceux qui ferment une action, et l'unique « avancement moyen »."""

from __future__ import annotations

import io
from datetime import date
from functools import partial

import pytest
from pypdf import PdfReader
from sqlmodel import Session, select

from bot.base import BaseDonnees
from metier.actions.evolution import recalculer
from metier.graphiques import donnees_axes, donnees_evolution
from metier.publications.resume import construire_resume
from metier.rapport.donnees import rassembler_rapport
from metier.serveurs import amorcer_serveur
from metier.statuts import (
    LEGENDE_STATUTS,
    STATUTS_CLOS,
    compte_dans_la_moyenne,
    compte_statut,
    en_retard_sql,
    est_en_retard,
    libelle_statut,
    moyenne_avancement,
)
from modeles import Action, Axe, StatutAction
from rendu.graphiques import legende_axes
from rendu.rapport import produire_pdf
from tests.scenarios import ALICE, SERVEUR, Scenario, a_utc

MAINTENANT = a_utc("2026-11-26T12:00")


def test_libelles_au_singulier_avec_majuscule_et_au_pluriel() -> None:
    assert [libelle_statut(s) for s in StatutAction] == [
        "proposée",
        "en cours",
        "en pause",
        "terminée",
        "abandonnée",
    ]
    assert libelle_statut(StatutAction.EN_COURS, majuscule=True) == "En cours"
    assert [libelle for _, libelle in LEGENDE_STATUTS] == [
        "Proposée",
        "En cours",
        "En pause",
        "Terminée",
        "Abandonnée",
    ]
    assert compte_statut(StatutAction.TERMINEE, 1) == "1 terminée"
    assert compte_statut(StatutAction.ABANDONNEE, 2) == "2 abandonnées"
    assert compte_statut(StatutAction.EN_COURS, 3) == "3 en cours"


def test_clos_en_retard_et_moyenne() -> None:
    assert {StatutAction.TERMINEE, StatutAction.ABANDONNEE} == STATUTS_CLOS
    jour = date(2026, 11, 26)
    assert est_en_retard(StatutAction.EN_PAUSE, date(2026, 11, 25), jour)
    assert not est_en_retard(StatutAction.EN_PAUSE, jour, jour)
    assert not est_en_retard(StatutAction.TERMINEE, date(2026, 11, 25), jour)
    assert not est_en_retard(StatutAction.EN_COURS, None, jour)
    # Une action terminée compte à sa valeur ; une action abandonnée ne compte pas.
    assert [s for s in StatutAction if not compte_dans_la_moyenne(s)] == [StatutAction.ABANDONNEE]
    etats = [(StatutAction.EN_COURS, 55), (StatutAction.ABANDONNEE, 0), (StatutAction.TERMINEE, 100)]
    assert moyenne_avancement(etats) == pytest.approx(77.5)
    assert moyenne_avancement([(StatutAction.ABANDONNEE, 40)]) is None
    assert moyenne_avancement([]) is None


def _trois_actions(session: Session) -> None:
    """Axe I : A en cours à 55 %, B abandonnée à 0 %, C terminée (100 %)."""
    amorcer_serveur(session, SERVEUR)
    s = Scenario(session, SERVEUR, 5)
    a, b, c = (s.action("2026-11-23T12:00", titre, 1) for titre in ("A", "B", "C"))
    s.avancer(a, "2026-11-23T13:00", 55)
    s.statut(b, "2026-11-23T14:00", "abandonnee")
    s.statut(c, "2026-11-23T15:00", "terminee")


@pytest.mark.parametrize("cumul", ["tenu par les règles", "reconstruit"])
def test_une_seule_moyenne_d_avancement(base: BaseDonnees, cumul: str) -> None:
    base.transaction(_trois_actions)
    if cumul == "reconstruit":
        base.transaction(recalculer, SERVEUR)
    lire = partial(base.lecture, guild_id=SERVEUR, maintenant=MAINTENANT)
    axes = lire(donnees_axes).axes[0]
    moyennes = {
        "axes": axes.moyenne,
        "résumé": lire(construire_resume).axes[0].moyenne,
        "évolution": lire(donnees_evolution).series[0].moyennes[-1],
        "rapport": lire(rassembler_rapport, annee=2026).sections[0].moyenne_avancement,
    }
    assert moyennes == pytest.approx(dict.fromkeys(moyennes, (55 + 100) / 2))
    # L'abandonnée est comptée à part, pas oubliée ; le graphique dit quelle moyenne il montre.
    assert (axes.nb_actions, axes.nb_terminees, axes.nb_abandonnees) == (3, 1, 1)
    assert legende_axes(lire(donnees_axes)) == (
        "Avancement moyen des actions non abandonnées\n3 actions · entre parenthèses : actions comptées"
    )


def test_le_rapport_nomme_sa_moyenne(base: BaseDonnees) -> None:
    base.transaction(_trois_actions)
    rapport = base.lecture(rassembler_rapport, guild_id=SERVEUR, annee=2026, maintenant=MAINTENANT)
    texte = " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(produire_pdf(rapport))).pages
    )
    assert "Avancement moyen des actions non abandonnées : 78 %" in texte.replace("\u00a0", " ")


def test_avancement_moyen_d_un_axe_dont_tout_est_abandonne(base: BaseDonnees) -> None:
    def ecrire(session: Session) -> None:
        amorcer_serveur(session, SERVEUR)
        s = Scenario(session, SERVEUR, 5)
        s.statut(s.action("2026-11-23T12:00", "Seule", 2), "2026-11-23T14:00", "abandonnee")

    base.transaction(ecrire)
    axe = base.lecture(donnees_axes, guild_id=SERVEUR, maintenant=MAINTENANT, axe=2).axes[0]
    assert (axe.nb_actions, axe.nb_abandonnees, axe.moyenne, axe.par_porteur) == (1, 1, None, ())


def test_le_retard_en_sql_dit_comme_en_python(base: BaseDonnees) -> None:
    jour = date(2026, 11, 26)
    cas = [
        (StatutAction.EN_COURS, date(2026, 11, 25)),
        (StatutAction.EN_COURS, date(2026, 11, 26)),
        (StatutAction.EN_PAUSE, date(2026, 1, 1)),
        (StatutAction.TERMINEE, date(2026, 1, 1)),
        (StatutAction.ABANDONNEE, date(2026, 1, 1)),
        (StatutAction.PROPOSEE, None),
    ]

    def lire(session: Session) -> list[int]:
        amorcer_serveur(session, SERVEUR)
        axe = session.exec(select(Axe).where(Axe.guild_id == SERVEUR)).first()
        assert axe is not None
        assert axe.id is not None
        for numero, (statut, echeance) in enumerate(cas, start=1):
            session.add(
                Action(
                    guild_id=SERVEUR,
                    numero=numero,
                    titre=f"Action {numero}",
                    axe_id=axe.id,
                    responsable_id=ALICE,
                    auteur_id=ALICE,
                    statut=statut,
                    echeance=echeance,
                )
            )
        session.flush()
        requete = select(Action.numero).where(Action.guild_id == SERVEUR, en_retard_sql(jour))
        return sorted(session.exec(requete).all())

    attendus = [
        n for n, (statut, echeance) in enumerate(cas, start=1) if est_en_retard(statut, echeance, jour)
    ]
    assert base.transaction(lire) == attendus == [1, 3]
