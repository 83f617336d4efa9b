"""Le bilan final de l'édition 2024-2026 sur le scénario de deux années : chiffres par année, CSV."""

import csv
import io
from datetime import UTC, datetime
from functools import partial

import pytest

from bot.base import BaseDonnees
from metier.editions import ajouter_objectif, modifier_axe, modifier_objectif, retirer_objectif
from metier.erreurs import ErreurMetier
from metier.rapport.bilan import (
    csv_du_bilan,
    csv_indicateurs,
    csv_par_annee,
    rassembler_bilan,
    resume_du_bilan,
)
from tests.scenarios import MAINTENANT, SERVEUR, remplir


@pytest.fixture
def rempli(base: BaseDonnees) -> BaseDonnees:
    """Le scénario de deux années, un objectif ajouté et un retiré en 2026."""
    base.transaction(remplir)
    quand = datetime(2026, 10, 1, 12, tzinfo=UTC)
    base.transaction(
        partial(
            ajouter_objectif,
            guild_id=SERVEUR,
            auteur_id=1,
            axe_numero=3,
            libelle="Jumeler les cégeps",
            maintenant=quand,
        )
    )
    base.transaction(partial(retirer_objectif, guild_id=SERVEUR, auteur_id=1, code="2.3", maintenant=quand))
    return base


def test_le_bilan_compte_annee_par_annee(rempli: BaseDonnees) -> None:
    bilan = rempli.lecture(rassembler_bilan, guild_id=SERVEUR, maintenant=MAINTENANT)
    assert bilan.nom == "2024-2026"
    assert bilan.annees == (2024, 2025, 2026)
    par_axe = {
        axe.numero: [(a.annee, a.commencees, a.terminees, a.abandonnees) for a in axe.annees]
        for axe in bilan.axes
    }
    assert par_axe == {
        # Plantation (2025, terminée en 2026), compost (2026) ; l'action archivée n'y est pas.
        1: [(2024, 0, 0, 0), (2025, 1, 0, 0), (2026, 1, 1, 0)],
        # Forum (2025, terminé en 2025), atelier (2026, en pause).
        2: [(2024, 0, 0, 0), (2025, 1, 1, 0), (2026, 1, 0, 0)],
        3: [(2024, 0, 0, 0), (2025, 1, 0, 0), (2026, 0, 0, 0)],
    }
    assert (bilan.total("commencees"), bilan.total("terminees"), bilan.total("abandonnees")) == (5, 2, 0)
    arbres = bilan.indicateurs[0]
    assert (arbres.nom, arbres.valeur_depart, arbres.cible) == ("Arbres plantés", 0.0, 1500.0)
    assert [m.valeur for m in arbres.mesures] == [300.0, 700.0, 1100.0]
    assert round(arbres.progression or 0) == 73
    assert [r.tenues for r in bilan.reunions] == [
        0,
        0,
        10,
    ]  # le 2e mardi, janvier à novembre 2026, sans avril
    assert bilan.reunions[2].presences == {"present": 2, "absent": 1, "peut_etre": 1}
    assert [(p.nom, [a.numero for a in p.actions]) for p in bilan.partenaires] == [
        ("BEP", [1]),
        ("UNamur", [1, 3]),
        ("UQTR", [3]),
    ]
    assert [c.texte[:30] for c in bilan.changements] == [
        "Objectif 2.3 retiré : Mettre e",
        "Objectif 3.4 ajouté : Jumeler ",
    ]
    assert resume_du_bilan(bilan).startswith(
        "5 actions commencées, 2 terminées, 0 abandonnée ; 3 indicateurs"
    )


def test_les_csv_du_bilan(rempli: BaseDonnees) -> None:
    bilan = rempli.lecture(rassembler_bilan, guild_id=SERVEUR, maintenant=MAINTENANT)
    lignes = list(csv.reader(io.StringIO(csv_par_annee(bilan).decode("utf-8-sig")), delimiter=";"))
    assert lignes[0] == ["Axe", "Année", "Actions commencées", "Actions terminées", "Actions abandonnées"]
    assert lignes[1] == ["I. Climat et transition écologique", "2024", "0", "0", "0"]
    assert lignes[-1] == ["Tous les axes, 2024-2026", "toutes", "5", "2", "0"]
    indicateurs = list(csv.reader(io.StringIO(csv_indicateurs(bilan).decode("utf-8-sig")), delimiter=";"))
    assert indicateurs[1][:9] == [
        "1",
        "Arbres plantés",
        "I",
        "arbres",
        "0",
        "1100",
        "2026-09-30",
        "1500",
        "73",
    ]


def test_bilan_d_une_edition_inconnue(rempli: BaseDonnees) -> None:
    with pytest.raises(ErreurMetier, match="« 2019-2021 » n'est pas une édition du protocole"):
        rempli.lecture(rassembler_bilan, guild_id=SERVEUR, maintenant=MAINTENANT, edition="2019-2021")


def test_le_bilan_liste_les_reformulations(rempli: BaseDonnees) -> None:
    """Les reformulations viennent du journal : chacune, ancien → nouveau libellé, à sa date."""
    for jour, libelle in (
        (2, "Soutenir l'emploi des jeunes"),
        (15, "Soutenir l'emploi des jeunes et des aînés"),
    ):
        rempli.transaction(
            partial(
                modifier_objectif,
                guild_id=SERVEUR,
                auteur_id=1,
                code="2.2",
                libelle=libelle,
                maintenant=datetime(2026, 10, jour, 12, tzinfo=UTC),
            )
        )
    rempli.transaction(
        partial(
            modifier_axe,
            guild_id=SERVEUR,
            auteur_id=1,
            numero=3,
            titre_court="Universités",
            maintenant=datetime(2026, 11, 3, 3, tzinfo=UTC),  # le 2 novembre à Terrebonne
        )
    )
    bilan = rempli.lecture(rassembler_bilan, guild_id=SERVEUR, maintenant=MAINTENANT)
    assert [(c.jour.isoformat(), c.element, str(c.sorte)) for c in bilan.changements] == [
        ("2026-10-01", "Objectif 2.3", "retiré"),
        ("2026-10-01", "Objectif 3.4", "ajouté"),
        ("2026-10-02", "Objectif 2.2", "reformulé"),
        ("2026-10-15", "Objectif 2.2", "reformulé"),
        ("2026-11-02", "Axe III (titre court)", "reformulé"),
    ]
    premiere, seconde = bilan.changements[2:4]
    assert (premiere.ancien or "").startswith("Stimuler l'entrepreneuriat local")  # le libellé signé
    assert premiere.libelle == seconde.ancien == "Soutenir l'emploi des jeunes"
    assert seconde.texte == (
        "Objectif 2.2 reformulé : « Soutenir l'emploi des jeunes » → "
        "« Soutenir l'emploi des jeunes et des aînés »"
    )
    fichiers = dict(csv_du_bilan(bilan))
    assert list(fichiers) == [
        "bilan-2024-2026-par-annee.csv",
        "bilan-2024-2026-indicateurs.csv",
        "bilan-2024-2026-protocole.csv",
    ]
    lignes = list(
        csv.reader(io.StringIO(fichiers["bilan-2024-2026-protocole.csv"].decode("utf-8-sig")), delimiter=";")
    )
    assert lignes[0] == ["Date", "Élément", "Changement", "Ancien libellé", "Libellé"]
    assert lignes[4] == [
        "2026-10-15",
        "Objectif 2.2",
        "reformulé",
        "Soutenir l'emploi des jeunes",
        "Soutenir l'emploi des jeunes et des aînés",
    ]
    assert lignes[5] == [
        "2026-11-02",
        "Axe III (titre court)",
        "reformulé",
        "Échanges universitaires",
        "Universités",
    ]
    assert lignes[1][2:4] == ["retiré", ""]
