"""Journal d'audit : chaque champ modifié, avec son ancienne et sa nouvelle valeur (SQLite et PostgreSQL)."""

from datetime import date
from functools import partial

from sqlmodel import Session, col, select

from bot.base import BaseDonnees
from metier.journal import journaliser
from modeles import EntreeJournal
from tests.scenarios import ALICE, AUTRE_SERVEUR, BOB, SERVEUR, a_utc

QUAND = a_utc("2026-11-26T15:30")


def _entrees(session: Session) -> list[EntreeJournal]:
    return list(session.exec(select(EntreeJournal).order_by(col(EntreeJournal.id))))


def test_chaque_champ_modifie_est_relu_avec_ancien_et_nouveau(base: BaseDonnees) -> None:
    ecrites = base.transaction(
        partial(
            journaliser,
            guild_id=SERVEUR,
            auteur_id=ALICE,
            entite="action",
            entite_id=7,
            changements={
                "titre": ("Plantation de 500 arbres", "Plantation de 800 arbres 🌳"),
                "avancement": (40, 80),
                "echeance": (None, date(2027, 3, 31)),
                "responsable_id": (ALICE, None),
            },
            quand=QUAND,
        )
    )
    assert ecrites == 4
    entrees = base.lecture(_entrees)
    assert [(e.champ, e.ancien, e.nouveau) for e in entrees] == [
        ("titre", "Plantation de 500 arbres", "Plantation de 800 arbres 🌳"),
        ("avancement", "40", "80"),
        ("echeance", None, "2027-03-31"),
        ("responsable_id", str(ALICE), None),
    ]
    assert {(e.guild_id, e.auteur_id, e.entite, e.entite_id, e.quand) for e in entrees} == {
        (SERVEUR, ALICE, "action", "7", QUAND)
    }


def test_un_champ_inchange_n_est_pas_journalise(base: BaseDonnees) -> None:
    ecrites = base.transaction(
        partial(
            journaliser,
            guild_id=AUTRE_SERVEUR,
            auteur_id=BOB,
            entite="configuration",
            entite_id=AUTRE_SERVEUR,
            changements={"salon_resume_id": (10, 10), "resume_ville": ("terrebonne", "namur")},
            quand=QUAND,
        )
    )
    assert ecrites == 1
    assert [(e.champ, e.ancien, e.nouveau) for e in base.lecture(_entrees)] == [
        ("resume_ville", "terrebonne", "namur")
    ]


def test_un_champ_de_compte_rendu_entier_se_relit_en_entier(base: BaseDonnees) -> None:
    """4 000 caractères (un champ de fenêtre modale plein) : rien de perdu de l'ancienne valeur."""
    points = "é" * 3999 + "🌳"
    base.transaction(
        partial(
            journaliser,
            guild_id=SERVEUR,
            auteur_id=ALICE,
            entite="compte_rendu",
            entite_id=1,
            changements={"points": (points, "Courte")},
            quand=QUAND,
        )
    )
    (entree,) = base.lecture(_entrees)
    assert (entree.ancien, entree.nouveau) == (points, "Courte")


def test_une_valeur_trop_longue_est_coupee_a_la_taille_de_la_colonne(base: BaseDonnees) -> None:
    description = "é" * 4500  # PostgreSQL refuserait plus de 4 000 caractères
    base.transaction(
        partial(
            journaliser,
            guild_id=SERVEUR,
            auteur_id=ALICE,
            entite="action",
            entite_id=1,
            changements={"description": (description, "Courte")},
            quand=QUAND,
        )
    )
    (entree,) = base.lecture(_entrees)
    assert (entree.ancien, entree.nouveau) == ("é" * 4000, "Courte")
