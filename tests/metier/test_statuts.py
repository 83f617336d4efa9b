"""Statuts des actions : leurs noms, ceux qui ferment une action, ceux qui comptent dans la moyenne."""

from __future__ import annotations

from datetime import date

import pytest

from metier.statuts import (
    LEGENDE_STATUTS,
    STATUTS_CLOS,
    compte_dans_la_moyenne,
    compte_statut,
    est_en_retard,
    libelle_statut,
    moyenne_avancement,
)
from modeles import StatutAction


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
