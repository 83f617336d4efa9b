"""Les mots d'une action : sa ville porteuse, et chaque changement dit ancienne → nouvelle valeur."""

from datetime import date

import pytest
from sqlmodel import Session, select

from bot.base import BaseDonnees
from metier.actions.libelles import Changement, decrire_changements, nom_ville_porteuse
from metier.serveurs import amorcer_serveur
from metier.temps import Ville
from modeles import Axe
from tests.scenarios import NAMUR, SERVEUR, TERREBONNE

QUEBEC = Ville("quebec", "Québec", "America/Toronto", "#0F7B3F")


@pytest.mark.parametrize(
    ("villes", "code", "attendu"),
    [
        ((TERREBONNE, NAMUR), "namur", "Namur"),
        ((TERREBONNE, NAMUR), "toutes", "Terrebonne et Namur"),
        ((TERREBONNE, NAMUR, QUEBEC), "toutes", "Terrebonne, Namur et Québec"),
        ((TERREBONNE,), "toutes", "Terrebonne"),
        ((TERREBONNE, NAMUR), "liege", "Liege"),  # plus partenaire : son code, lisible
    ],
)
def test_nom_ville_porteuse(villes: tuple[Ville, ...], code: str, attendu: str) -> None:
    assert nom_ville_porteuse(villes, code) == attendu


def test_chaque_changement_en_mots_francais(base: BaseDonnees) -> None:
    def decrire(session: Session) -> tuple[Changement, ...]:
        amorcer_serveur(session, SERVEUR)
        axes = {a.numero: a.id for a in session.exec(select(Axe).where(Axe.guild_id == SERVEUR))}
        changements = {
            "echeance": (date(2026, 12, 15), date(2027, 1, 31)),
            "avancement": (0, 10),
            "statut": ("en_cours", "en_pause"),
            "responsable_id": (42, 43),
            "ville": ("terrebonne", "toutes"),
            "axe_id": (axes[1], axes[2]),
            "titre": ("Ancien titre", "Nouveau titre"),
            "description": (None, "Une description"),
        }
        return decrire_changements(session, changements, (TERREBONNE, NAMUR))

    decrits = {c.libelle: (c.avant, c.apres, c.saisi) for c in base.transaction(decrire)}
    assert decrits == {
        "échéance": ("15 déc. 2026", "31 janv. 2027", False),
        "avancement": ("0\u00a0%", "10\u00a0%", False),
        "statut": ("en cours", "en pause", False),
        "responsable": ("<@42>", "<@43>", False),
        "ville porteuse": ("Terrebonne", "Terrebonne et Namur", False),
        "axe": ("I", "II", False),
        "titre": ("« Ancien titre »", "« Nouveau titre »", True),
        "description": (None, "ajoutée", False),
    }
