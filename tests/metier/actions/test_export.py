"""Exports CSV pour un tableur français : BOM, « ; », en-têtes français, heures locales, sans formule."""

import csv
import io
from datetime import date
from functools import partial

import pytest
from sqlmodel import Session

from bot.base import BaseDonnees
from metier.actions.export import (
    COLONNES_ACTIONS,
    COLONNES_MESURES,
    ecrire_csv,
    exporter_actions,
    exporter_mesures,
    identifiant_texte,
)
from metier.membres import definir_ville, noter_membres
from metier.serveurs import amorcer_serveur
from modeles import ConfigServeur
from tests.scenarios import ALICE, BOB, SERVEUR, TERREBONNE, Scenario, a_utc, remplir


def _lire_csv(contenu: bytes) -> list[dict[str, str]]:
    assert contenu.startswith(b"\xef\xbb\xbf")  # BOM : Excel lit l'UTF-8
    return list(csv.DictReader(io.StringIO(contenu.decode("utf-8-sig")), delimiter=";"))


def test_ecrire_csv_en_utf8_avec_bom_point_virgule_et_dates_iso() -> None:
    contenu = ecrire_csv(
        ("texte", "nombre", "quand", "jour", "archivee", "vide"),
        [
            (
                'Forum « emploi » ; "vert"\nNamur',
                12.5,
                a_utc("2026-11-26T15:00:00.123456"),
                date(2027, 3, 31),
                True,
                None,
            ),
            ("Échange d'étudiants", 40, a_utc("2025-02-10T14:00"), date(2026, 6, 30), False, ""),
        ],
    )
    assert contenu.startswith("\ufefftexte;nombre;quand;jour;archivee;vide\r\n".encode())
    assert _lire_csv(contenu) == [
        {
            "texte": 'Forum « emploi » ; "vert"\nNamur',
            "nombre": "12,5",  # virgule décimale : un nombre pour un tableur français
            "quand": "2026-11-26 15:00",  # une date et heure pour Excel comme pour LibreOffice
            "jour": "2027-03-31",
            "archivee": "oui",
            "vide": "",
        },
        {
            "texte": "Échange d'étudiants",
            "nombre": "40",
            "quand": "2025-02-10 14:00",
            "jour": "2026-06-30",
            "archivee": "non",
            "vide": "",
        },
    ]


@pytest.mark.parametrize("texte", ["=SUM(A1:A9)", "=SOMME(A1)", "+33 6 12 34 56 78", "-2+3", "@SOMME(A1)"])
def test_une_cellule_qui_serait_une_formule_est_neutralisee(texte: str) -> None:
    (ligne,) = _lire_csv(ecrire_csv(("titre",), [(texte,)]))
    assert ligne["titre"] == "'" + texte


@pytest.mark.parametrize(("valeur", "attendu"), [("Budget = 2 000 $", "Budget = 2 000 $"), (-3.5, "-3,5")])
def test_un_signe_qui_n_ouvre_pas_la_cellule_ou_un_nombre_negatif_reste_tel_quel(
    valeur: object, attendu: str
) -> None:
    (ligne,) = _lire_csv(ecrire_csv(("cellule",), [(valeur,)]))
    assert ligne["cellule"] == attendu


def _action_et_mesure(session: Session) -> None:
    amorcer_serveur(session, SERVEUR)
    s = Scenario(session, SERVEUR, ALICE)
    s.action(
        "2026-11-26T15:00",
        '=SOMME(A1) ; « guillemets » "doubles"\nligne 2',
        2,
        objectif="2.3",
        echeance="2027-03-31",
        partenaires="UNamur, UQTR",
    )
    s.action("2026-11-26T16:00", "Action de Bob", 1, responsable_id=BOB, ville="namur")
    s.indicateur("2026-10-01T12:00", "Émissions évitées", 1, "t CO₂", "30")
    s.mesurer(1, "2026-11-01", "12,5")
    noter_membres(
        session, guild_id=SERVEUR, noms={ALICE: "Alice Tremblay"}, maintenant=a_utc("2026-11-26T15:00")
    )
    definir_ville(
        session,
        guild_id=SERVEUR,
        membre_id=ALICE,
        nom="Alice Tremblay",
        ville=TERREBONNE,
        auteur_id=ALICE,
        maintenant=a_utc("2026-11-26T15:00"),
    )


def test_exports_csv_relisibles(base: BaseDonnees) -> None:
    base.transaction(_action_et_mesure)
    actions = _lire_csv(base.lecture(partial(exporter_actions, guild_id=SERVEUR)))
    assert len(actions) == 2
    ligne, de_bob = actions
    assert ligne["Titre"] == '\'=SOMME(A1) ; « guillemets » "doubles"\nligne 2'
    assert (ligne["Axe"], ligne["Objectif"], ligne["Échéance"], ligne["Statut"]) == (
        "II. Développement social et économique",
        "2.3",
        "2027-03-31",
        "proposée",
    )
    assert (ligne["Ville porteuse"], de_bob["Ville porteuse"]) == ("Terrebonne et Namur", "Namur")
    assert ligne["Créée le (heure de Terrebonne)"] == "2026-11-26 10:00"  # 15 h UTC, 10 h à Terrebonne
    # Le nom affiché relevé ; l'identifiant en dernière colonne, en texte. Bob n'a jamais été vu.
    assert (ligne["Responsable"], ligne["Identifiant du responsable"]) == ("Alice Tremblay", f"ID {ALICE}")
    assert (de_bob["Responsable"], de_bob["Identifiant du responsable"]) == ("", f"ID {BOB}")
    # La ville du responsable quand il l'a dite, dans sa propre colonne (le nom reste relisible à l'import).
    assert (ligne["Ville du responsable"], de_bob["Ville du responsable"]) == ("Terrebonne", "")
    mesures = _lire_csv(base.lecture(partial(exporter_mesures, guild_id=SERVEUR)))
    assert [
        (
            m["N° indicateur"],
            m["Axe"],
            m["Date"],
            m["Valeur"],
            m["Unité"],
            m["Saisie par"],
            m["Identifiant de l'auteur"],
        )
        for m in mesures
    ] == [
        (
            "1",
            "I. Climat et transition écologique",  # comme dans le CSV des actions
            "2026-11-01",
            "12,5",
            "t CO₂",
            "Alice Tremblay",
            f"ID {ALICE}",
        )
    ]


def test_les_identifiants_sont_les_dernieres_colonnes_en_texte() -> None:
    assert COLONNES_ACTIONS[5] == "Responsable"
    assert COLONNES_ACTIONS[-1] == "Identifiant du responsable"
    assert COLONNES_MESURES[-2:] == ("Saisie par", "Identifiant de l'auteur")
    # 19 chiffres lus comme un nombre deviendraient « 1,57683E+18 » (15 chiffres significatifs) :
    # un préfixe non numérique garde le texte entier dans Excel comme dans LibreOffice.
    (ligne,) = _lire_csv(ecrire_csv(("Identifiant",), [(identifiant_texte(1576825805990789125),)]))
    assert ligne["Identifiant"] == "ID 1576825805990789125"


def _premiere_ligne(contenu: bytes) -> str:
    return contenu.decode("utf-8-sig").split("\r\n", 1)[0]


def test_les_en_tetes_sont_en_francais_et_disent_la_ville_des_heures(base: BaseDonnees) -> None:
    base.transaction(amorcer_serveur, SERVEUR)
    assert _premiere_ligne(base.lecture(partial(exporter_actions, guild_id=SERVEUR))) == (
        "N°;Titre;Axe;Objectif;Ville porteuse;Responsable;Ville du responsable;Partenaires;Statut;"
        "Avancement (%);Échéance;"
        "Description;Archivée;Référence;Créée le (heure de Terrebonne);Modifiée le (heure de Terrebonne);"
        "Identifiant du responsable"
    )
    assert _premiere_ligne(base.lecture(partial(exporter_mesures, guild_id=SERVEUR))) == (
        "N° indicateur;Indicateur;Axe;Unité;Valeur de départ;Cible;Date;Valeur;Note;Saisie par;"
        "Identifiant de l'auteur"
    )


def _action_pres_de_minuit(session: Session, reference: str) -> None:
    amorcer_serveur(session, SERVEUR)
    config = session.get(ConfigServeur, SERVEUR)
    assert config is not None
    config.resume_ville = reference
    s = Scenario(session, SERVEUR, ALICE)
    numero = s.action("2026-11-27T03:30", "Bilan de l'échange", 3)  # 22 h 30 la veille à Terrebonne
    s.avancer(numero, "2026-11-27T23:50", 20)  # 18 h 50 à Terrebonne, déjà le 28 à Namur


@pytest.mark.parametrize(
    ("reference", "attendu"),
    [
        ("terrebonne", ("Terrebonne", "2026-11-26 22:30", "2026-11-27 18:50")),
        ("namur", ("Namur", "2026-11-27 04:30", "2026-11-28 00:50")),
    ],
)
def test_les_heures_sont_celles_de_la_ville_de_reference(
    base: BaseDonnees, reference: str, attendu: tuple[str, str, str]
) -> None:
    base.transaction(_action_pres_de_minuit, reference)
    ville, cree_le, modifie_le = attendu
    (ligne,) = _lire_csv(base.lecture(partial(exporter_actions, guild_id=SERVEUR)))
    assert (ligne[f"Créée le (heure de {ville})"], ligne[f"Modifiée le (heure de {ville})"]) == (
        cree_le,
        modifie_le,
    )
    assert ligne["Ville porteuse"] == "Terrebonne et Namur"  # pas « toutes »


def test_export_d_une_periode_sans_les_archivees_ni_un_autre_serveur(base: BaseDonnees) -> None:
    base.transaction(remplir)

    def numeros(**options: object) -> list[str]:
        contenu = base.lecture(partial(exporter_actions, guild_id=SERVEUR, **options))  # type: ignore[arg-type]
        return [ligne["N°"] for ligne in _lire_csv(contenu)]

    assert numeros() == ["1", "2", "3", "4", "5", "6"]  # jamais le secret de l'autre jumelage
    assert numeros(archivees=False) == ["1", "2", "3", "4", "5"]
    # Touchées en 2025 : créées au plus tard le 31 décembre, modifiées au plus tôt le 1er janvier.
    assert numeros(du=date(2025, 1, 1), au=date(2025, 12, 31)) == ["1", "2", "3"]
    assert numeros(du=date(2026, 2, 2)) == ["1", "4", "5", "6"]  # le forum et l'échange n'ont plus bougé
    # Bornes comprises : l'échange modifié le 1er février 2026, créé le 1er septembre 2025 (à midi UTC).
    assert numeros(du=date(2026, 2, 1)) == ["1", "3", "4", "5", "6"]
    assert numeros(au=date(2025, 9, 1)) == ["1", "2", "3"]
    assert numeros(au=date(2025, 8, 31)) == ["1", "2"]

    mesures = base.lecture(
        partial(exporter_mesures, guild_id=SERVEUR, du=date(2026, 3, 31), au=date(2026, 5, 1))
    )
    assert [(m["N° indicateur"], m["Date"], m["Valeur"]) for m in _lire_csv(mesures)] == [
        ("1", "2026-03-31", "700"),
        ("2", "2026-05-01", "10"),
    ]


def test_une_grande_mesure_exportee_sans_perte() -> None:
    # analyser_nombre accepte jusqu'à 1e12 : un budget de 1 234 567 $ est une mesure valide.
    contenu = ecrire_csv(("valeur",), [(1234567.0,), (2500000.0,), (0.00001,), (12.5,), (1e12,)])
    lignes = list(csv.DictReader(io.StringIO(contenu.decode("utf-8-sig")), delimiter=";"))
    assert [ligne["valeur"] for ligne in lignes] == ["1234567", "2500000", "0,00001", "12,5", "1000000000000"]
