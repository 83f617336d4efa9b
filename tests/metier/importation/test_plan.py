"""L'essai à blanc d'un import : formats, colonnes, et chaque mauvaise saisie dite avec sa ligne."""

from __future__ import annotations

import io
import re
import zipfile
from functools import partial

import pytest
from openpyxl import Workbook
from sqlmodel import Session, select

from bot.base import BaseDonnees
from metier.actions.export import ecrire_csv, exporter_actions
from metier.actions.indicateurs import creer_indicateur
from metier.actions.registre import archiver_action
from metier.erreurs import ErreurMetier
from metier.importation.application import importer
from metier.importation.lecture import LIGNES_MAX, lire_fichier
from metier.importation.plan import Plan, planifier
from metier.membres import noter_membres
from metier.serveurs import amorcer_serveur
from modeles import Action, MiseAJour
from tests.scenarios import ALICE, BOB, MAINTENANT, SERVEUR, a_utc

ENTETES = ("N°", "Titre", "Axe", "Objectif", "Responsable", "Statut", "Avancement (%)", "Échéance")


@pytest.fixture
def base_amorcee(base: BaseDonnees) -> BaseDonnees:
    """Un serveur amorcé, un indicateur (n° 1), et deux membres dont on connaît le nom."""

    def preparer(session: Session) -> None:
        amorcer_serveur(session, SERVEUR)
        creer_indicateur(
            session,
            guild_id=SERVEUR,
            auteur_id=ALICE,
            nom="Arbres plantés",
            axe_numero=1,
            unite="arbres",
            cible="1500",
            maintenant=a_utc("2024-01-01T12:00"),
        )
        noter_membres(
            session,
            guild_id=SERVEUR,
            noms={ALICE: "Alice Tremblay", BOB: "Bob Lemaire"},
            maintenant=MAINTENANT,
        )

    base.transaction(preparer)
    return base


def _plan(base: BaseDonnees, *fichiers: tuple[str, bytes]) -> Plan:
    return base.lecture(partial(planifier, guild_id=SERVEUR, fichiers=fichiers, maintenant=MAINTENANT))


def _importer(base: BaseDonnees, *fichiers: tuple[str, bytes]) -> None:
    base.transaction(importer, guild_id=SERVEUR, fichiers=fichiers, auteur_id=ALICE, maintenant=MAINTENANT)


def _actions(base: BaseDonnees) -> list[Action]:
    return base.lecture(lambda s: list(s.exec(select(Action).order_by(Action.numero))))


def _erreurs(plan: Plan) -> list[str]:
    return [str(e) for e in plan.erreurs]


def _csv(*lignes: tuple[object, ...], entetes: tuple[str, ...] = ENTETES) -> tuple[str, bytes]:
    return ("actions.csv", ecrire_csv(entetes, lignes))


# --- Formats ------------------------------------------------------------------------------------


def test_csv_windows_1252_virgule_sans_bom(base_amorcee: BaseDonnees) -> None:
    contenu = "N°,Titre,Axe,Échéance\r\n1,Forêt urbaine à Namur,I,30/06/2027\r\n".encode("cp1252")
    plan = _plan(base_amorcee, ("actions.csv", contenu))
    assert _erreurs(plan) == []
    [prevue] = plan.creations
    assert prevue.champs["titre"] == "Forêt urbaine à Namur"
    assert prevue.champs["echeance"].isoformat() == "2027-06-30"


@pytest.mark.parametrize(
    "contenu",
    [
        "Titre;Axe\r\nForêt;I\r\n".encode("utf-16"),  # « Texte Unicode » d'Excel
        b"Titre;Axe\r\nFor\x81t;I\r\n",  # octets ni UTF-8 ni Windows-1252
    ],
)
def test_un_encodage_inconnu_est_refuse(base_amorcee: BaseDonnees, contenu: bytes) -> None:
    with pytest.raises(ErreurMetier, match=r"L'encodage du fichier « actions\.csv » n'est pas reconnu"):
        _plan(base_amorcee, ("actions.csv", contenu))


def test_une_colonne_obligatoire_absente_est_nommee(base_amorcee: BaseDonnees) -> None:
    with pytest.raises(
        ErreurMetier, match=r"Colonne obligatoire absente de « actions.csv » \(actions\) : « Axe »"
    ):
        _plan(base_amorcee, _csv((1, "Forêt"), entetes=("N°", "Titre")))


def test_fichier_trop_gros_ou_trop_long() -> None:
    with pytest.raises(ErreurMetier, match="pèse 10\u00a0Mo : l'import accepte 8\u00a0Mo au plus"):
        lire_fichier("registre.csv", b"Titre;Axe\r\n" + b"x" * (10 * 1024 * 1024))
    lignes = [(i, f"Action {i}", "I") for i in range(LIGNES_MAX + 1)]
    with pytest.raises(ErreurMetier, match="compte 5001 lignes : l'import en accepte 5000 au plus"):
        lire_fichier("long.csv", ecrire_csv(("N°", "Titre", "Axe"), lignes))


def _classeur(lignes: list[list[object]], formules: dict[str, str] | None = None) -> bytes:
    """Un .xlsx ; `formules` : cellule → valeur en cache écrite à côté de sa formule (comme Excel)."""
    classeur = Workbook()
    feuille = classeur.active
    feuille.title = "Actions"
    for ligne in lignes:
        feuille.append(ligne)
    tampon = io.BytesIO()
    classeur.save(tampon)
    if not formules:
        return tampon.getvalue()
    entree, sortie = zipfile.ZipFile(tampon), io.BytesIO()
    with zipfile.ZipFile(sortie, "w") as copie:
        for element in entree.infolist():
            donnees = entree.read(element)
            if element.filename == "xl/worksheets/sheet1.xml":
                xml = donnees.decode()
                for cellule, valeur in formules.items():
                    xml = re.sub(
                        rf'(<c r="{cellule}"[^>]*>)(<f>.*?</f>)(<v>.*?</v>|<v */>)?',
                        rf"\1\2<v>{valeur}</v>",
                        xml,
                    )
                donnees = xml.encode()
            copie.writestr(element, donnees)
    return sortie.getvalue()


def test_un_classeur_xlsx_est_lu_sans_evaluer_ses_formules(base_amorcee: BaseDonnees) -> None:
    # La formule « =1+1 » a 40 en cache : c'est la valeur que le tableur montrait, celle qui est lue.
    contenu = _classeur(
        [
            ["N°", "Titre", "Axe", "Avancement (%)", "Créée le"],
            [1, "Forêt urbaine", "I", "=1+1", "2025-02-10"],
        ],
        formules={"D2": "40"},
    )
    _importer(base_amorcee, ("registre.xlsx", contenu))
    [action] = _actions(base_amorcee)
    assert (action.titre, action.avancement) == ("Forêt urbaine", 40)


def test_un_pourcentage_de_classeur_et_un_statut_termine_sans_avancement(base_amorcee: BaseDonnees) -> None:
    # Une cellule au format pourcentage vaut 0,4 dans le classeur ; « terminée » sans avancement : 100 %.
    contenu = _classeur(
        [
            ["N°", "Titre", "Axe", "Statut", "Avancement (%)"],
            [1, "Forêt", "I", "en cours", 0.4],
            [2, "Compost", "I", "terminée", None],
        ]
    )
    _importer(base_amorcee, ("registre.xlsx", contenu))
    assert [(a.statut, a.avancement) for a in _actions(base_amorcee)] == [("en_cours", 40), ("terminee", 100)]


def test_une_formule_sans_valeur_en_cache_n_est_pas_calculee(base_amorcee: BaseDonnees) -> None:
    contenu = _classeur([["N°", "Titre", "Axe"], [1, '=CONCAT("Forêt";" urbaine")', "I"]])
    plan = _plan(base_amorcee, ("registre.xlsx", contenu))
    assert _erreurs(plan) == ["registre.xlsx › Actions, ligne 2 : Le titre ne peut pas être vide."]


def test_les_cellules_formule_sont_gardees_en_texte_et_neutralisees_a_l_export(
    base_amorcee: BaseDonnees,
) -> None:
    titres = ['=HYPERLINK("http://exemple.test")', "+33 jours", "-5 % de déchets", "@tous : réunion"]
    _importer(base_amorcee, _csv(*[(i + 1, t, "I", "", "", "", "", "") for i, t in enumerate(titres)]))
    assert [a.titre for a in _actions(base_amorcee)] == titres
    export = base_amorcee.lecture(partial(exporter_actions, guild_id=SERVEUR))
    for titre in titres:
        assert f";'{titre[:3]}".encode() in export or f";\"'{titre[:3]}".encode() in export
    # Et l'export se réimporte sans rien changer (l'apostrophe de neutralisation est ôtée).
    plan = _plan(base_amorcee, ("actions.csv", export))
    assert (len(plan.creations), len(plan.modifications), plan.inchangees) == (0, 0, 4)


# --- Lignes refusées, avec leur numéro ----------------------------------------------------------


@pytest.mark.parametrize(
    ("ligne", "message"),
    [
        (
            (1, "Forêt", "IV", "", "", "", "", ""),
            "l'axe « IV » n'existe pas sur ce serveur. Écrivez l'un des axes I, II, III",
        ),
        (
            (1, "Forêt", "I", "1.7", "", "", "", ""),
            "l'objectif 1.7 n'existe pas dans l'axe I (objectifs : 1.1, 1.2, 1.3)",
        ),
        ((1, "Forêt", "I", "2.1", "", "", "", ""), "l'objectif 2.1 n'appartient pas à l'axe I"),
        (
            (1, "Forêt", "I", "", "", "", 120, ""),
            "l'avancement « 120 » doit être un pourcentage entier entre 0 et 100",
        ),
        ((1, "Forêt", "I", "", "", "fini", "", ""), "le statut « fini » est inconnu"),
        ((1, "Forêt", "I", "", "", "terminée", 80, ""), "une action terminée est à 100 %"),
        (
            (1, "Forêt", "I", "", "", "", "", "31/02/2026"),
            "La date « 31/02/2026 » n'existe pas : février 2026 compte 28 jours",
        ),
        ((1, "Forêt", "I", "", "", "", "", "2023-12-31"), "est avant le début du protocole"),
        (("douze", "Forêt", "I", "", "", "", "", ""), "N° « douze » n'est pas un numéro"),
        ((1, "", "I", "", "", "", "", ""), "Le titre ne peut pas être vide"),
    ],
)
def test_une_ligne_fautive_est_une_erreur_situee(base_amorcee: BaseDonnees, ligne, message) -> None:
    plan = _plan(base_amorcee, _csv((5, "Bonne ligne", "II", "", "", "", "", ""), ligne))
    [erreur] = _erreurs(plan)
    assert message in erreur
    assert erreur.startswith("actions.csv, ligne 3 : ")
    with pytest.raises(ErreurMetier, match="rien n'a été importé"):
        _importer(base_amorcee, _csv((5, "Bonne ligne", "II", "", "", "", "", ""), ligne))
    assert _actions(base_amorcee) == []  # la bonne ligne non plus : tout ou rien


def test_un_numero_en_double_est_refuse(base_amorcee: BaseDonnees) -> None:
    plan = _plan(
        base_amorcee, _csv((7, "Forêt", "I", "", "", "", "", ""), (7, "Compost", "I", "", "", "", "", ""))
    )
    assert _erreurs(plan) == [
        "actions.csv, ligne 3 : le N° 7 figure déjà à la ligne 2 : chaque action n'apparaît qu'une fois. "
        "Supprimez ou renumérotez l'une des deux."
    ]


HISTORIQUE = ("N°", "Date", "Avancement (%)", "Statut", "Note")


@pytest.mark.parametrize(
    ("fait", "message"),
    [
        ((1, "31/02/2026", 10, "", ""), "historique.csv, ligne 2 : La date « 31/02/2026 » n'existe pas"),
        (
            (1, "2023-12-31", 10, "", ""),
            "historique.csv, ligne 2 : Le 31 déc. 2023 est avant le début du protocole",
        ),
        ((1, "2026-12-25", 10, "", ""), "historique.csv, ligne 2 : Le 25 déc. 2026 est dans le futur"),
        (
            (1, "2025-03-01", 120, "", ""),
            "l'avancement « 120 » doit être un pourcentage entier entre 0 et 100",
        ),
        (
            (9, "2025-03-01", 10, "", ""),
            "l'action N° 9 n'existe ni sur ce serveur ni dans la feuille des actions",
        ),
        ((1, "2025-03-01", "", "", "rien"), "ni avancement ni statut"),
        (
            (1, "2024-06-01", 10, "", ""),
            "L'action #1 commence le 15 janv. 2025 : un fait ne peut pas la précéder",
        ),
    ],
)
def test_un_fait_date_fautif_est_une_erreur_situee(base_amorcee: BaseDonnees, fait, message) -> None:
    actions = _csv((1, "Forêt", "I", "", "", "", "", ""), entetes=ENTETES)
    actions = (
        actions[0],
        actions[1].replace(b"\r\n", b";Cr\xc3\xa9\xc3\xa9e le\r\n", 1).replace(b";\r\n", b";\r\n"),
    )
    actions = (
        "actions.csv",
        ecrire_csv((*ENTETES, "Créée le"), [(1, "Forêt", "I", "", "", "", "", "", "2025-01-15")]),
    )
    plan = _plan(base_amorcee, actions, ("historique.csv", ecrire_csv(HISTORIQUE, [fait])))
    [erreur] = _erreurs(plan)
    assert message in erreur


def test_un_fait_apres_la_cloture_ne_change_pas_l_avancement(base_amorcee: BaseDonnees) -> None:
    actions = (
        "actions.csv",
        ecrire_csv(("N°", "Titre", "Axe", "Créée le"), [(1, "Forêt", "I", "2025-01-15")]),
    )
    faits = [(1, "2025-03-01", "", "terminée", ""), (1, "2025-04-01", 60, "", "")]
    plan = _plan(base_amorcee, actions, ("historique.csv", ecrire_csv(HISTORIQUE, faits)))
    assert _erreurs(plan) == [
        "historique.csv, ligne 3 : Le 1 avr. 2025, l'action #1 était terminée : son avancement ne pouvait "
        "pas changer."
    ]


def test_une_mesure_d_un_indicateur_inconnu_est_refusee(base_amorcee: BaseDonnees) -> None:
    mesures = ecrire_csv(
        ("N° indicateur", "Date", "Valeur"), [(1, "2025-06-30", "300"), (4, "2025-06-30", "12")]
    )
    plan = _plan(base_amorcee, ("mesures.csv", mesures))
    assert _erreurs(plan) == [
        "mesures.csv, ligne 3 : l'indicateur n° 4 n'existe pas sur ce serveur : créez-le d'abord avec "
        "/indicateur ajouter, ou corrigez le numéro (voir /indicateur liste)."
    ]
    assert len(plan.mesures) == 1


# --- Responsables ---------------------------------------------------------------------------------


def test_un_responsable_nomme_est_retrouve_un_inconnu_est_garde_en_texte(base_amorcee: BaseDonnees) -> None:
    fichier = _csv(
        (1, "Forêt", "I", "", "bob lemaire", "", "", ""),
        (2, "Compost", "I", "", "Marie Inconnue", "", "", ""),
    )
    plan = _plan(base_amorcee, fichier)
    assert _erreurs(plan) == []
    assert [str(a) for a in plan.avertissements] == [
        "actions.csv, ligne 3 : aucun membre connu ne s'appelle « Marie Inconnue » : le nom est gardé "
        "dans la description, et l'action vous est confiée en attendant (/action modifier responsable)."
    ]
    _importer(base_amorcee, fichier)
    foret, compost = _actions(base_amorcee)
    assert foret.responsable_id == BOB
    assert (compost.responsable_id, compost.description) == (
        ALICE,
        "Responsable indiqué à l'import : Marie Inconnue",
    )
    # Réimporté (avec ou sans description), rien ne change ; le nom inconnu est encore signalé.
    avec_description = _csv(
        (2, "Compost", "I", "", "Marie Inconnue", "", "", "", ""), entetes=(*ENTETES, "Description")
    )
    for encore in (_plan(base_amorcee, fichier), _plan(base_amorcee, avec_description)):
        assert (len(encore.creations), len(encore.modifications)) == (0, 0)
        assert "le responsable de l'action #2 reste inchangé" in str(encore.avertissements[-1])


# --- Rapprochement et modifications -------------------------------------------------------------


def test_sans_numero_une_action_se_rapproche_par_son_titre(base_amorcee: BaseDonnees) -> None:
    fichier = _csv(("", "Forêt urbaine", "I", "", "", "", "", ""), entetes=ENTETES)
    _importer(base_amorcee, fichier)
    plan = _plan(base_amorcee, fichier)
    assert (len(plan.creations), len(plan.modifications), plan.inchangees) == (0, 0, 1)
    # Sans accents ni casse : la même action, dont le titre change.
    plan = _plan(base_amorcee, _csv(("", "FORET urbaine", "I", "", "", "", "", "")))
    assert (len(plan.creations), len(plan.modifications)) == (0, 1)
    assert plan.modifications[0].champs == {"titre": "FORET urbaine"}


def test_une_action_modifiee_dans_le_tableur_est_mise_a_jour(base_amorcee: BaseDonnees) -> None:
    _importer(base_amorcee, _csv((1, "Forêt", "I", "1.1", "", "en cours", 20, "2027-06-30")))
    export = base_amorcee.lecture(partial(exporter_actions, guild_id=SERVEUR)).decode("utf-8-sig")
    modifie = export.replace(";20;2027-06-30;", ";45;2027-09-30;").replace(";1.1;", ";1.2;")
    plan = _plan(base_amorcee, ("actions.csv", modifie.encode("utf-8-sig")))
    assert (len(plan.creations), len(plan.modifications), plan.inchangees) == (0, 1, 0)
    _importer(base_amorcee, ("actions.csv", modifie.encode("utf-8-sig")))
    [action] = _actions(base_amorcee)
    assert (action.avancement, action.echeance.isoformat()) == (45, "2027-09-30")
    lignes = base_amorcee.lecture(lambda s: list(s.exec(select(MiseAJour).order_by(MiseAJour.id))))
    assert [(ligne.avancement, ligne.note) for ligne in lignes][-1] == (45, None)


def test_une_action_archivee_ne_change_plus(base_amorcee: BaseDonnees) -> None:
    _importer(base_amorcee, _csv((1, "Forêt", "I", "", "", "en cours", 20, ""), entetes=ENTETES))
    base_amorcee.transaction(
        archiver_action,
        guild_id=SERVEUR,
        numero=1,
        auteur_id=ALICE,
        est_coordination=True,
        maintenant=MAINTENANT,
    )
    export = base_amorcee.lecture(partial(exporter_actions, guild_id=SERVEUR))
    assert _plan(base_amorcee, ("actions.csv", export)).inchangees == 1
    for ancien, nouveau in ((";20;", ";60;"), (";Forêt;", ";Forest;")):
        plan = _plan(base_amorcee, ("actions.csv", export.replace(ancien.encode(), nouveau.encode())))
        [erreur] = _erreurs(plan)
        assert erreur.startswith("actions.csv, ligne 2 : l'action #1 est archivée")
