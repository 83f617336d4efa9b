"""`/indicateur` : la ligne d'un indicateur arrondit comme le graphique et le rapport."""

from datetime import date

from commandes.indicateurs import ligne_indicateur
from metier.actions.indicateurs import EtatIndicateur
from metier.formats import format_pourcentage


def test_la_liste_arrondit_comme_le_graphique_et_le_rapport() -> None:
    etat = EtatIndicateur(1, "Étudiants en mobilité", 3, "étudiants", 0.0, 40.0, 13.0, date(2026, 5, 1))
    assert etat.progression == 32.5
    assert format_pourcentage(32.5) == "33\u00a0%"  # le graphique et le PDF
    assert "33\u00a0%" in ligne_indicateur(etat)
