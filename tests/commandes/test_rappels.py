"""Rappels : les lignes de l'ordre du jour et des présences, au singulier comme au pluriel."""

from datetime import date

from commandes.rappels import texte_points, texte_presences
from metier.publications.ordre_du_jour import PointAction


def test_ordre_du_jour_compte_ce_qui_ne_tient_pas_au_bon_nombre() -> None:
    point = PointAction(3, "Forum de l'emploi", 40, date(2026, 12, 1))
    assert texte_points([point], 2).endswith("… et 1 autre (voir `/action liste`)")
    assert texte_points([point], 4).endswith("… et 3 autres (voir `/action liste`)")
    assert (
        texte_points([point], 1, avec_echeance=True) == "**#3** Forum de l'emploi — 40\u00a0% · 1 déc. 2026"
    )
    assert texte_points([], 0) == "—"


def test_presences_au_singulier_et_au_pluriel() -> None:
    assert texte_presences({"present": 1, "absent": 2}) == "✅ 1 présent · ❌ 2 absents · ❔ 0 peut-être"
