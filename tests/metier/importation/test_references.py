"""La colonne « Référence » : une action importée sans N° se reconnaît par elle, et l'export la ressort."""

from __future__ import annotations

from functools import partial

import pytest
from sqlmodel import Session, select

from bot.base import BaseDonnees
from metier.actions.export import ecrire_csv, exporter_actions
from metier.importation.application import importer
from metier.importation.plan import Plan, planifier
from metier.serveurs import amorcer_serveur
from modeles import Action, EntreeJournal
from tests.scenarios import ALICE, MAINTENANT, SERVEUR

ENTETES = ("Référence", "Titre", "Axe", "Statut", "Avancement (%)")
REGISTRE = (
    ("T-2024-07", "Forêt urbaine", "I", "en cours", 40),
    ("N-2024-02", "Mission commerciale", "II", "terminée", 100),
)


@pytest.fixture
def base_amorcee(base: BaseDonnees) -> BaseDonnees:
    base.transaction(amorcer_serveur, SERVEUR)
    return base


def _csv(*lignes: tuple[object, ...], entetes: tuple[str, ...] = ENTETES) -> tuple[str, bytes]:
    return ("registre.csv", ecrire_csv(entetes, lignes))


def _plan(base: BaseDonnees, *fichiers: tuple[str, bytes]) -> Plan:
    return base.lecture(partial(planifier, guild_id=SERVEUR, fichiers=fichiers, maintenant=MAINTENANT))


def _importer(base: BaseDonnees, *fichiers: tuple[str, bytes]) -> None:
    base.transaction(importer, guild_id=SERVEUR, fichiers=fichiers, auteur_id=ALICE, maintenant=MAINTENANT)


def _actions(base: BaseDonnees) -> list[Action]:
    return base.lecture(lambda s: list(s.exec(select(Action).order_by(Action.numero))))


def _erreurs(plan: Plan) -> list[str]:
    return [str(e) for e in plan.erreurs]


def test_une_action_importee_garde_sa_reference_et_se_reconnait_par_elle(base_amorcee: BaseDonnees) -> None:
    _importer(base_amorcee, _csv(*REGISTRE))
    assert [(a.numero, a.reference, a.titre) for a in _actions(base_amorcee)] == [
        (1, "T-2024-07", "Forêt urbaine"),
        (2, "N-2024-02", "Mission commerciale"),
    ]
    plan = _plan(base_amorcee, _csv(*REGISTRE))
    assert (len(plan.creations), len(plan.modifications), plan.inchangees) == (0, 0, 2)
    # Le titre a changé dans le registre : la référence désigne toujours la même action (pas le titre).
    renomme = _csv(("t-2024-07", "Forêt urbaine de Terrebonne", "I", "en cours", 40))
    [prevue] = _plan(base_amorcee, renomme).modifications
    assert (prevue.existante.numero, prevue.champs) == (
        1,
        {"titre": "Forêt urbaine de Terrebonne", "reference": "t-2024-07"},
    )


def test_la_reference_est_au_journal_de_la_creation(base_amorcee: BaseDonnees) -> None:
    _importer(base_amorcee, _csv(REGISTRE[0]))

    def lire(session: Session) -> list[tuple[str, str | None]]:
        return [
            (e.champ, e.nouveau)
            for e in session.exec(select(EntreeJournal).where(EntreeJournal.entite == "action"))
        ]

    assert ("reference", "T-2024-07") in base_amorcee.lecture(lire)


def test_une_reference_en_double_dans_le_fichier_est_refusee(base_amorcee: BaseDonnees) -> None:
    plan = _plan(base_amorcee, _csv(*REGISTRE, ("t-2024-07 ", "Autre chose", "III", "", "")))
    assert _erreurs(plan) == [
        "registre.csv, ligne 4 : la référence « t-2024-07 » figure déjà à la ligne 2 : chaque référence ne "
        "désigne qu'une action. Corrigez l'une des deux."
    ]


def test_une_reference_d_une_autre_action_avec_un_numero_est_refusee(base_amorcee: BaseDonnees) -> None:
    _importer(base_amorcee, _csv(*REGISTRE))
    plan = _plan(
        base_amorcee,
        _csv((2, "T-2024-07", "Mission commerciale", "II"), entetes=("N°", "Référence", "Titre", "Axe")),
    )
    assert _erreurs(plan) == [
        "registre.csv, ligne 2 : la référence « T-2024-07 » est déjà celle de l'action #1 : elle ne peut "
        "pas aussi désigner l'action N° 2. Corrigez le N° ou la référence."
    ]


def test_meme_titre_autre_reference_est_une_autre_action(base_amorcee: BaseDonnees) -> None:
    _importer(base_amorcee, _csv(*REGISTRE))
    plan = _plan(base_amorcee, _csv(("T-2025-01", "Forêt urbaine", "I", "proposée", 0)))
    assert [p.champs["reference"] for p in plan.creations] == ["T-2025-01"]
    # Sans référence, le titre suffit encore (registre sans N° ni référence).
    plan = _plan(base_amorcee, _csv(("", "Forêt urbaine", "I", "en cours", 40)))
    assert (len(plan.creations), plan.inchangees) == (0, 1)


def test_une_reference_trop_longue_est_refusee(base_amorcee: BaseDonnees) -> None:
    [erreur] = _erreurs(_plan(base_amorcee, _csv(("R" * 101, "Forêt", "I", "", ""))))
    assert (
        erreur == "registre.csv, ligne 2 : La référence fait 101 caractères ; 100 au plus. Raccourcissez-le."
    )


def test_aller_retour_export_import_sans_changement(base_amorcee: BaseDonnees) -> None:
    _importer(base_amorcee, _csv(*REGISTRE, ("", "Sans référence", "III", "proposée", 0)))
    export = base_amorcee.lecture(partial(exporter_actions, guild_id=SERVEUR))
    assert "Référence" in export.decode("utf-8-sig").split("\r\n", 1)[0]
    assert ";T-2024-07;" in export.decode("utf-8-sig")
    plan = _plan(base_amorcee, ("actions.csv", export))
    assert _erreurs(plan) == []
    assert (len(plan.creations), len(plan.modifications), plan.inchangees, plan.vide) == (0, 0, 3, True)
    _importer(base_amorcee, ("actions.csv", export))  # rien à écrire, mais accepté
    assert [(a.numero, a.reference) for a in _actions(base_amorcee)] == [
        (1, "T-2024-07"),
        (2, "N-2024-02"),
        (3, None),
    ]
