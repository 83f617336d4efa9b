"""Les couleurs qui portent un sens, les mêmes dans les graphiques PNG et le rapport PDF.

Palette Okabe-Ito : distinguable avec les daltonismes courants.
"""

from __future__ import annotations

from typing import Final

from modeles import StatutAction

COULEURS_STATUTS: Final = {
    StatutAction.PROPOSEE: "#56B4E9",
    StatutAction.EN_COURS: "#0072B2",
    StatutAction.EN_PAUSE: "#E69F00",
    StatutAction.TERMINEE: "#009E73",
    StatutAction.ABANDONNEE: "#CC79A7",
}
COULEUR_ATTEINT: Final = "#009E73"  # un indicateur qui a atteint sa cible
COULEUR_EN_ROUTE: Final = "#0072B2"
ROUGE_RETARD: Final = "#B2182B"
BLEU_PASSERELLE: Final = "#1F5AA6"  # la couleur ordinaire des messages du bot (le bleu de Terrebonne)
GRIS_ANNULE: Final = "#7F8C8D"  # ce qui est annulé
# Un vert plus sombre que `COULEUR_ATTEINT` : écrit en petit sur fond blanc, il doit rester lisible.
VERT_BONNE_VOIE: Final = "#00805A"


def en_rvb(hexa: str) -> tuple[int, int, int]:
    """« #B2182B » → (178, 24, 43), pour fpdf2."""
    return int(hexa[1:3], 16), int(hexa[3:5], 16), int(hexa[5:7], 16)


def en_entier(hexa: str) -> int:
    """« #B2182B » → 0xB2182B, pour la couleur d'un embed Discord."""
    return int(hexa[1:], 16)
