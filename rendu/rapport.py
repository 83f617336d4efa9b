"""Le rapport annuel en PDF : un seul point d'entrée, pour `/rapport annuel` et `python -m bot rapport`.

La mise en page (fpdf2, ≈ 0,25 s d'import et ses polices) vit dans `rendu.mise_en_page`, importé à
l'appel seulement : le bot passe cette fonction à l'atelier sans charger fpdf2 lui-même.
"""

from __future__ import annotations

from metier.rapport.donnees import Rapport


def produire_pdf(rapport: Rapport) -> bytes:
    """Dessine les graphiques puis met le rapport en page (hors de toute boucle d'événements)."""
    from rendu.mise_en_page import dessiner_graphiques, rendre_pdf

    return rendre_pdf(rapport, dessiner_graphiques(rapport))
