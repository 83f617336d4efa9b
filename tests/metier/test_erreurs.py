"""Erreurs métier : le message, en français, est exactement ce que l'utilisateur lit."""

from typing import Any

import pytest
from discord import app_commands

from bot.arbre import message_pour
from metier.erreurs import ErreurMetier, RefusDroits

MESSAGE = "L'échéance du 3 mars 2026 est déjà passée. Choisissez aujourd'hui ou une date future."
REFUS = (
    "Seuls le responsable de l'action #4, son auteur ou la coordination peuvent changer son statut. "
    "Rien n'a été modifié."
)


@app_commands.command(name="essai", description="Commande de test.")
async def essai(interaction: Any) -> None:
    """Commande factice : l'erreur d'une commande arrive enveloppée dans CommandInvokeError."""


def test_le_message_est_garde_tel_quel() -> None:
    erreur = ErreurMetier(MESSAGE)
    assert erreur.message == MESSAGE
    assert str(erreur) == MESSAGE  # ce que consignent les journaux


def test_un_refus_de_droits_est_une_erreur_metier() -> None:
    with pytest.raises(ErreurMetier) as attrapee:
        raise RefusDroits(REFUS)
    assert isinstance(attrapee.value, RefusDroits)
    assert attrapee.value.message == REFUS


@pytest.mark.parametrize("erreur", [ErreurMetier(MESSAGE), RefusDroits(REFUS)])
def test_l_utilisateur_lit_le_message_d_une_commande_ou_d_un_bouton(erreur: ErreurMetier) -> None:
    assert message_pour(app_commands.CommandInvokeError(essai, erreur)) == erreur.message  # commande
    assert message_pour(erreur) == erreur.message  # bouton : l'erreur arrive telle quelle


def test_une_autre_erreur_n_est_pas_montree() -> None:
    inattendue = ValueError("détail interne")
    assert message_pour(inattendue) is None
    assert message_pour(app_commands.CommandInvokeError(essai, inattendue)) is None
