"""Lecture d'un fichier importé : CSV (comme Excel et LibreOffice l'écrivent) ou classeur .xlsx.

Chaque feuille (un CSV, ou chaque onglet d'un classeur) devient un `Tableau` : ses en-têtes et ses
lignes de cellules en texte, numérotées comme le tableur les montre (l'en-tête est la ligne 1).
Les valeurs d'un classeur sont lues telles qu'il les a gardées : une formule n'est jamais évaluée
(openpyxl `data_only`), et une cellule qui commence par « = » reste du texte.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Final

from metier.erreurs import ErreurMetier
from metier.formats import format_nombre

LIGNES_MAX: Final = 5000
"""Lignes de données au plus, toutes feuilles comprises."""
OCTETS_MAX: Final = 8 * 1024 * 1024
"""Taille d'un fichier au plus (8 Mo)."""
ENCODAGES: Final = ("utf-8-sig", "cp1252")
"""UTF-8 (avec ou sans BOM), puis Windows-1252 : ce qu'écrivent Excel et LibreOffice en français."""
_SIGNATURE_ZIP: Final = b"PK\x03\x04"


@dataclass(frozen=True)
class LigneLue:
    """Une ligne de données : son numéro dans le tableur et ses cellules, par en-tête."""

    numero: int
    cellules: dict[str, str]


@dataclass(frozen=True)
class Tableau:
    """Une feuille lue : « actions.csv » ou « registre.xlsx › Historique »."""

    nom: str
    entetes: tuple[str, ...]
    lignes: tuple[LigneLue, ...]


def taille_en_mots(octets: int) -> str:
    """« 10,5 Mo » : une taille de fichier lisible."""
    return f"{format_nombre(round(octets / (1024 * 1024), 1))}\u00a0Mo"


def verifier_taille(nom: str, octets: int) -> None:
    """Refuse un fichier de plus de 8 Mo, avant même de le lire."""
    if octets > OCTETS_MAX:
        raise ErreurMetier(
            f"Le fichier « {nom[:80]} » pèse {taille_en_mots(octets)} : l'import accepte "
            f"{taille_en_mots(OCTETS_MAX)} au plus. Découpez-le (par exemple une année par fichier) "
            "ou retirez les colonnes inutiles. Rien n'a été importé."
        )


def lire_fichier(nom: str, contenu: bytes) -> list[Tableau]:
    """Lit un CSV ou un classeur .xlsx ; rend ses feuilles non vides."""
    verifier_taille(nom, len(contenu))
    if nom.lower().endswith((".xlsx", ".xlsm")) or contenu.startswith(_SIGNATURE_ZIP):
        tableaux = _lire_classeur(nom, contenu)
    elif nom.lower().endswith((".xls", ".ods")):
        raise ErreurMetier(
            f"« {nom[:80]} » n'est ni un CSV ni un classeur .xlsx. Enregistrez-le au format « Classeur "
            "Excel (.xlsx) » ou « CSV (séparateur : point-virgule) », puis réessayez."
        )
    else:
        tableaux = [_lire_csv(nom, contenu)]
    tableaux = [t for t in tableaux if t.entetes]
    if not tableaux:
        raise ErreurMetier(f"Le fichier « {nom[:80]} » est vide : il faut au moins une ligne d'en-têtes.")
    total = sum(len(t.lignes) for t in tableaux)
    if total > LIGNES_MAX:
        raise ErreurMetier(
            f"Le fichier « {nom[:80]} » compte {total} lignes : l'import en accepte {LIGNES_MAX} au plus "
            "par fichier. Découpez-le et importez les morceaux l'un après l'autre. Rien n'a été importé."
        )
    return tableaux


def _decoder(nom: str, contenu: bytes) -> str:
    if b"\x00" in contenu[:4096]:  # UTF-16 (« Texte Unicode » d'Excel) ou fichier binaire
        raise _encodage_inconnu(nom)
    for encodage in ENCODAGES:
        try:
            return contenu.decode(encodage)
        except UnicodeDecodeError:
            continue
    raise _encodage_inconnu(nom)


def _encodage_inconnu(nom: str) -> ErreurMetier:
    return ErreurMetier(
        f"L'encodage du fichier « {nom[:80]} » n'est pas reconnu (ni UTF-8, ni Windows-1252). Dans votre "
        "tableur, choisissez « Enregistrer sous » → « CSV UTF-8 (délimité par des points-virgules) », "
        "ou enregistrez en .xlsx. Rien n'a été importé."
    )


def _lire_csv(nom: str, contenu: bytes) -> Tableau:
    texte = _decoder(nom, contenu)
    premiere = texte.split("\n", 1)[0]
    separateur = max((";", ",", "\t"), key=premiere.count)
    lecteur = csv.reader(io.StringIO(texte, newline=""), delimiter=separateur)
    try:
        # Numérotées comme les rangées du tableur (une cellule sur plusieurs lignes reste une rangée).
        rangees = list(enumerate(lecteur, start=1))
    except csv.Error as erreur:
        raise ErreurMetier(
            f"Le fichier « {nom[:80]} » n'est pas un CSV lisible ({erreur}). Rien n'a été importé."
        ) from None
    return _tableau(nom, rangees)


def _tableau(nom: str, rangees: list[tuple[int, list[str]]]) -> Tableau:
    """Les en-têtes (première rangée non vide) et les lignes qui suivent, vides exclues."""
    rangees = [(n, [c.strip() for c in r]) for n, r in rangees]
    rangees = [(n, r) for n, r in rangees if any(r)]
    if not rangees:
        return Tableau(nom, (), ())
    _, entetes = rangees[0]
    while entetes and not entetes[-1]:
        entetes = entetes[:-1]
    lignes = tuple(
        LigneLue(numero, {entete: (r[i] if i < len(r) else "") for i, entete in enumerate(entetes) if entete})
        for numero, r in rangees[1:]
    )
    return Tableau(nom, tuple(entetes), lignes)


def _lire_classeur(nom: str, contenu: bytes) -> list[Tableau]:
    from openpyxl import load_workbook  # chargé au premier classeur seulement

    try:
        classeur = load_workbook(io.BytesIO(contenu), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as erreur:
        raise ErreurMetier(
            f"« {nom[:80]} » n'est pas un classeur .xlsx lisible ({type(erreur).__name__}). "
            "Enregistrez-le au format « Classeur Excel (.xlsx) » ou en CSV. Rien n'a été importé."
        ) from None
    try:
        tableaux = []
        for feuille in classeur.worksheets:
            rangees: list[tuple[int, list[str]]] = []
            for numero, rangee in enumerate(feuille.iter_rows(values_only=True), start=1):
                rangees.append((numero, [_texte_cellule(valeur) for valeur in rangee]))
                if len(rangees) > LIGNES_MAX + 1:
                    break  # au-delà, le refus est acquis : inutile de lire le reste
            tableaux.append(_tableau(f"{nom} › {feuille.title}", rangees))
        return tableaux
    finally:
        classeur.close()


def _texte_cellule(valeur: object) -> str:
    """Une cellule de classeur en texte, comme l'écrirait le CSV de l'export."""
    if valeur is None:
        return ""
    if isinstance(valeur, datetime):
        return valeur.date().isoformat() if valeur.time() == time() else f"{valeur:%Y-%m-%d %H:%M}"
    if isinstance(valeur, date):
        return valeur.isoformat()
    if isinstance(valeur, time):
        return f"{valeur:%H:%M}"  # une cellule au format « heure » : « 14:30 »
    if isinstance(valeur, bool):
        return "oui" if valeur else "non"
    if isinstance(valeur, float) and valeur.is_integer():
        return str(int(valeur))
    if isinstance(valeur, float):
        return repr(valeur).replace(".", ",")
    return str(valeur)
