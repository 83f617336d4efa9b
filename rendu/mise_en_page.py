"""Mise en page du rapport annuel en PDF (fpdf2, A4, en français).

Police DejaVu Sans, livrée avec matplotlib : rien à télécharger, et elle couvre le latin, le grec,
le cyrillique, l'arabe, l'hébreu et les symboles courants. Ce qu'elle ne sait pas dessiner
(émojis surtout) est retiré ou remplacé par « □ » avant d'écrire : le texte saisi sur Discord ne
fait jamais échouer le rapport. Sans moteur de mise en forme (uharfbuzz), l'arabe et l'hébreu sont
remis dans l'ordre de lecture, lettres non liées.

Sûr dans un thread : un objet `FPDF` par appel, aucun état global modifiable.
"""

from __future__ import annotations

import io
import re
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Final

from babel.dates import format_date
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import TTFFont

from metier.formats import format_nombre, format_pourcentage, pluriel
from metier.protocole import TITRE_PROTOCOLE, chiffre_romain
from metier.rapport.donnees import (
    DEFINITION_BONNE_VOIE,
    ActionRapport,
    IndicateurRapport,
    Rapport,
    SeanceRapport,
    SectionAxe,
    periode,
)
from metier.reunions.series import ecart_inhabituel
from metier.statuts import LEGENDE_STATUTS, NOM_MOYENNE, compte_statut, libelle_statut
from metier.temps import LOCALE, NBSP, Ville, format_date_courte, format_duree, format_heure, format_jour
from modeles import StatutAction
from rendu.couleurs import BLEU_PASSERELLE, ROUGE_RETARD, VERT_BONNE_VOIE, en_rvb
from rendu.graphiques import HAUTEUR_POUCES, LARGEUR_POUCES, dessiner_png

MARGE: Final = 18.0  # mm
LARGEUR_UTILE: Final = 210.0 - 2 * MARGE
ENCRE: Final = (34, 34, 34)
GRIS: Final = (102, 102, 102)
GRIS_CLAIR: Final = (242, 244, 247)
FILET: Final = (200, 205, 212)
ROUGE: Final = en_rvb(ROUGE_RETARD)
VERT: Final = en_rvb(VERT_BONNE_VOIE)
POLICE: Final = "dejavu"
POLICE_REPLI: Final = "dejavurepli"
REMPLACEMENT: Final = "□"
TAILLE_TABLEAU: Final = 8.0  # points
INTERLIGNE_TABLEAU: Final = 3.6  # mm
MARGE_CELLULE: Final = 1.5  # mm, à gauche et à droite
MARGE_CELLULE_V: Final = 1.3  # mm, en haut et en bas
RANGEES_PAR_PAUSE: Final = 10
REDUCTION_MAX: Final = 0.75  # un graphique peut être réduit jusqu'aux trois quarts pour finir une page
# Sélecteurs de variante, liant sans chasse, teintes de peau, étiquettes : les accessoires des émojis.
_ACCESSOIRES_EMOJI: Final = re.compile("[\ufe0e\ufe0f\u200d\U0001f3fb-\U0001f3ff\U000e0020-\U000e007f]")
_ECRITURE_RTL: Final = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")
_ESPACES: Final = re.compile(r"[ \t]{2,}")


@dataclass(frozen=True)
class Cellule:
    """Le texte d'une case de tableau et son style (« », « B » gras, « I » italique)."""

    texte: str
    style: str = ""
    couleur: tuple[int, int, int] = ENCRE


# --- Police et texte sûr ------------------------------------------------------------------------


def dossier_polices() -> Path:
    """Dossier des polices DejaVu livrées avec matplotlib."""
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


@lru_cache(maxsize=1)
def _glyphes() -> frozenset[int]:
    """Caractères que DejaVu Sans sait dessiner (la police de repli couvre le gras et l'italique)."""
    from fontTools.ttLib import TTFont  # type: ignore[import-untyped]  # dépendance de fpdf2, sans types

    with TTFont(dossier_polices() / "DejaVuSans.ttf", lazy=True) as police:
        return frozenset(police.getBestCmap())


def _ordre_visuel(texte: str) -> str:
    """Remet les passages écrits de droite à gauche dans l'ordre d'affichage (sans liaison des lettres)."""
    grappes: list[str] = []
    for caractere in texte:
        if grappes and unicodedata.combining(caractere):
            grappes[-1] += caractere  # une voyelle courte reste sur sa lettre
        else:
            grappes.append(caractere)
    sortie: list[str] = []
    passage: list[str] = []
    espaces: list[str] = []

    def vider() -> None:
        sortie.extend(reversed(passage))
        sortie.extend(espaces)
        passage.clear()
        espaces.clear()

    for grappe in grappes:
        if unicodedata.bidirectional(grappe[0]) in {"R", "AL"}:
            passage.extend(espaces)
            espaces.clear()
            passage.append(grappe)
        elif passage and grappe.isspace():
            espaces.append(grappe)
        else:
            vider()
            sortie.append(grappe)
    vider()
    return "".join(sortie)


def typographie(texte: str) -> str:
    """Espaces insécables de la typographie française : avant « : » et « ; », dans les guillemets."""
    return (
        texte.replace(" :", NBSP + ":")
        .replace(" ;", NBSP + ";")
        .replace("« ", "«" + NBSP)
        .replace(" »", NBSP + "»")
    )


def texte_imprimable(texte: str | None) -> str:
    """Rend un texte que la police sait écrire : émojis retirés, autres caractères inconnus remplacés."""
    if not texte:
        return ""
    if texte.isascii():
        return texte.replace("\t", " ")
    glyphes = _glyphes()
    propre = []
    for caractere in _ACCESSOIRES_EMOJI.sub("", texte):
        if caractere == "\n" or ord(caractere) in glyphes:
            propre.append(caractere)
        elif caractere == "\t":
            propre.append(" ")
        elif unicodedata.category(caractere) in {"So", "Sk", "Cs", "Co", "Cn", "Cc", "Cf"}:
            continue  # émoji, pictogramme ou caractère de contrôle : rien à montrer
        else:
            propre.append(REMPLACEMENT)
    resultat = _ESPACES.sub(" ", "".join(propre)).strip()
    return _ordre_visuel(resultat) if _ECRITURE_RTL.search(resultat) else resultat


def ceder_la_main() -> None:
    """Rend le GIL un instant : la boucle d'événements du bot, qui attend peut-être, passe aussitôt.

    Sans cela, elle attend que l'interpréteur force le passage (5 ms au mieux, bien plus quand la
    machine est chargée) pendant les longues boucles en Python pur.
    """
    time.sleep(0)


# --- Formats ------------------------------------------------------------------------------------


def _couleur(hexa: str) -> tuple[int, int, int]:
    """La couleur d'une ville (saisie par la coordination) ; le bleu par défaut si elle est illisible."""
    try:
        return en_rvb(hexa)
    except ValueError:
        return en_rvb(BLEU_PASSERELLE)


def identifiant_lisible(identifiant: int) -> str:
    """« ID 123456 789012 345678 » : par groupes de six chiffres, pour passer à la ligne proprement."""
    chiffres = str(identifiant)
    groupes = [chiffres[max(0, i - 6) : i] for i in range(len(chiffres), 0, -6)][::-1]
    return "ID " + " ".join(groupes)


def _responsable(action: ActionRapport) -> str:
    if action.responsable:
        return texte_imprimable(action.responsable)
    return identifiant_lisible(action.responsable_id)  # jamais vu par le bot depuis qu'il relève les noms


def _presences(seance: SeanceRapport, rapport: Rapport) -> str:
    if not seance.tenue:
        return "à venir"
    comptes = seance.presences
    morceaux = [
        pluriel(comptes.get("present", 0), "présent"),
        pluriel(comptes.get("absent", 0), "absent"),
        f"{format_nombre(comptes.get('peut_etre', 0))} peut-être",
    ]
    texte = " · ".join(morceaux) if any(comptes.values()) else "aucune réponse"
    if par_ville := _par_ville(seance.presents_par_ville, rapport):
        texte += f"\nPrésents : {par_ville}"
    return texte


def _par_ville(comptes: Mapping[str, int], rapport: Rapport) -> str:
    """« Terrebonne 3 · Namur 2 · ville non précisée 1 » (les villes dans l'ordre du serveur)."""
    noms = {v.code: texte_imprimable(v.nom) for v in rapport.villes}
    ordre = [v.code for v in rapport.villes] + sorted(set(comptes) - set(noms) - {""}) + [""]
    noms[""] = "ville non précisée"
    return " · ".join(
        f"{noms.get(code, texte_imprimable(code))} {format_nombre(comptes[code])}"
        for code in ordre
        if comptes.get(code)
    )


# --- Le document --------------------------------------------------------------------------------


class _Document(FPDF):
    """Le PDF du rapport : pied de page numéroté, liseré aux couleurs des villes."""

    def __init__(self, rapport: Rapport, pied: str | None = None) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.rapport = rapport
        # Le pied de page et le titre du document (le bilan d'une édition passe le sien).
        self.pied = pied or f"{rapport.titre_protocole} — Rapport annuel {rapport.annee}"
        self.set_margins(MARGE, 20, MARGE)
        self.set_auto_page_break(auto=True, margin=18)
        polices = dossier_polices()
        self.add_font(POLICE, "", polices / "DejaVuSans.ttf")
        self.add_font(POLICE, "B", polices / "DejaVuSans-Bold.ttf")
        self.add_font(POLICE, "I", polices / "DejaVuSans-Oblique.ttf")
        self.add_font(POLICE_REPLI, "", polices / "DejaVuSans.ttf")
        # L'italique ne couvre pas l'arabe : le romain prend le relais pour ces caractères.
        self.set_fallback_fonts([POLICE_REPLI], exact_match=False)
        self.set_title(self.pied)
        self.set_subject("Réalisations et indicateurs de performance par axe du protocole")
        self.set_author(" – ".join(v.nom for v in rapport.villes) or "Passerelle")
        self.set_creator("Passerelle")
        self.set_lang("fr-CA")
        self.set_creation_date(rapport.produit_le)
        self.couleurs = [_couleur(v.couleur) for v in rapport.villes] or [_couleur(BLEU_PASSERELLE)]
        self.accent = self.couleurs[0]

    def police(self, taille: float, style: str = "", couleur: tuple[int, int, int] = ENCRE) -> None:
        """Choisit la police, sa taille et sa couleur."""
        self.set_font(POLICE, style, taille)
        self.set_text_color(*couleur)

    def lisere(self, y: float, hauteur: float) -> None:
        """Une bande partagée entre les couleurs des villes partenaires."""
        largeur = 210 / len(self.couleurs)
        for i, couleur in enumerate(self.couleurs):
            self.set_fill_color(*couleur)
            self.rect(i * largeur, y, largeur, hauteur, style="F")

    def header(self) -> None:
        """Un liseré fin en haut de chaque page, sauf la couverture."""
        if self.page_no() > 1:
            self.lisere(0, 2.5)

    def footer(self) -> None:
        """« Protocole … — Rapport annuel 2026 » à gauche, « Page 3 / 12 » à droite."""
        if self.page_no() == 1:
            return
        self.set_y(-13)
        self.police(8, couleur=GRIS)
        self.cell(LARGEUR_UTILE * 0.7, 5, self.pied)
        self.cell(LARGEUR_UTILE * 0.3, 5, f"Page {self.page_no()} / {{nb}}", align="R")

    # --- Blocs ----------------------------------------------------------------------------------

    def titre_section(self, texte: str) -> None:
        """Titre de section (niveau 1 du sommaire du lecteur PDF), sur une nouvelle page."""
        self.add_page()
        self.start_section(texte, level=0)
        self.police(16, "B", self.accent)
        self.multi_cell(0, 8, texte_imprimable(texte), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_draw_color(*self.accent)
        self.set_line_width(0.6)
        self.line(MARGE, self.get_y() + 1.5, MARGE + 40, self.get_y() + 1.5)
        self.set_draw_color(*FILET)
        self.set_line_width(0.2)
        self.ln(6)

    def sous_titre(self, texte: str, *, signet: bool = True, suite: float = 24) -> None:
        """Sous-titre ; sur la page suivante s'il n'y reste pas `suite` mm pour ce qui le suit."""
        if self.get_y() + 10 + suite > self.page_break_trigger:
            self.add_page()
        else:
            self.ln(3)
        if signet:
            self.start_section(texte, level=1)
        self.police(12, "B")
        self.multi_cell(0, 6, texte_imprimable(texte), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(1.5)

    def paragraphe(
        self, texte: str, *, taille: float = 9.5, style: str = "", couleur: tuple[int, int, int] = ENCRE
    ) -> None:
        """Un paragraphe justifié à gauche."""
        self.police(taille, style, couleur)
        self.multi_cell(0, taille * 0.5, typographie(texte), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(1.5)

    def chasses(self, style: str) -> Mapping[int, float]:
        """Chasse de chaque caractère (millièmes de cadratin) de la police de ce style."""
        police = self.fonts[POLICE + style]
        assert isinstance(police, TTFFont)
        return police.cw

    def couper(self, texte: str, largeur: float, style: str, taille: float) -> list[str]:
        """Coupe le texte en lignes de `largeur` mm au plus : aux espaces, sinon après un trait d'union du mot
        trop long, sinon dans ce mot."""
        chasses = self.chasses(style)
        facteur = taille * 0.001 / self.k
        espace = chasses[32] * facteur
        lignes: list[str] = []
        for paragraphe in texte.split("\n"):
            courante, occupee = "", 0.0
            for mot in paragraphe.split(" "):
                etendue = sum(chasses[ord(c)] for c in mot) * facteur
                if courante and occupee + espace + etendue <= largeur:
                    courante, occupee = f"{courante} {mot}", occupee + espace + etendue
                    continue
                if courante:
                    lignes.append(courante)
                courante, occupee = mot, etendue
                while occupee > largeur and len(courante) > 1:  # un mot plus large que la colonne
                    coupe, cumul = 0, 0.0
                    while coupe < len(courante) - 1:
                        suivant = cumul + chasses[ord(courante[coupe])] * facteur
                        if suivant > largeur and coupe:
                            break
                        cumul, coupe = suivant, coupe + 1
                    if (
                        tiret := courante.rfind("-", 0, coupe)
                    ) > 0:  # « Gagnon- / Lefebvre » plutôt qu'au hasard
                        coupe = tiret + 1
                    lignes.append(courante[:coupe])
                    courante = courante[coupe:]
                    occupee = sum(chasses[ord(c)] for c in courante) * facteur
            lignes.append(courante)
        return lignes

    def largeur_texte(self, texte: str, style: str, taille: float) -> float:
        """Largeur du texte en mm (sans passer par la mise en forme de fpdf2, coûteuse en masse)."""
        chasses = self.chasses(style)
        return sum(chasses[ord(c)] for c in texte) * taille * 0.001 / self.k

    def tableau(
        self,
        entetes: Sequence[str],
        lignes: Sequence[Sequence[str | Cellule]],
        largeurs: Sequence[float],
        alignements: Sequence[str] | None = None,
    ) -> None:
        """Un tableau à filets horizontaux, lignes alternées, entêtes répétées en haut de chaque page.

        Dessiné texte par texte : `FPDF.table` coûte ~2 ms par ligne, trop pour 2 000 actions.
        """
        alignements = alignements or ["L"] * len(entetes)
        echelle = LARGEUR_UTILE / sum(largeurs)
        largeurs = [largeur * echelle for largeur in largeurs]
        entete = [Cellule(e, "B", (255, 255, 255)) for e in entetes]
        self.set_draw_color(*FILET)
        self.set_line_width(0.2)
        blocs_entete = self._blocs(entete, largeurs)
        hauteur_entete = self._hauteur(blocs_entete)
        for rang, ligne in enumerate(lignes):
            if rang % RANGEES_PAR_PAUSE == RANGEES_PAR_PAUSE - 1:
                ceder_la_main()
            cellules = [c if isinstance(c, Cellule) else Cellule(c) for c in ligne]
            blocs = self._blocs(cellules, largeurs)
            hauteur = self._hauteur(blocs)
            depassement = self.get_y() + hauteur > self.page_break_trigger
            if rang == 0 or depassement:
                if self.get_y() + hauteur_entete + hauteur > self.page_break_trigger:
                    self.add_page()
                self._rangee(entete, blocs_entete, largeurs, alignements, hauteur_entete, self.accent)
            fond = GRIS_CLAIR if rang % 2 else None
            self._rangee(cellules, blocs, largeurs, alignements, hauteur, fond)
            self.line(MARGE, self.get_y(), MARGE + LARGEUR_UTILE, self.get_y())
        self.ln(3)

    def _blocs(self, cellules: Sequence[Cellule], largeurs: Sequence[float]) -> list[list[str]]:
        return [
            self.couper(typographie(c.texte), largeur - 2 * MARGE_CELLULE, c.style, TAILLE_TABLEAU)
            for c, largeur in zip(cellules, largeurs, strict=True)
        ]

    @staticmethod
    def _hauteur(blocs: Sequence[Sequence[str]]) -> float:
        return max(len(b) for b in blocs) * INTERLIGNE_TABLEAU + 2 * MARGE_CELLULE_V

    def _rangee(
        self,
        cellules: Sequence[Cellule],
        blocs: Sequence[Sequence[str]],
        largeurs: Sequence[float],
        alignements: Sequence[str],
        hauteur: float,
        fond: tuple[int, int, int] | None,
    ) -> None:
        y = self.get_y()
        if fond is not None:
            self.set_fill_color(*fond)
            self.rect(MARGE, y, LARGEUR_UTILE, hauteur, style="F")
        x = MARGE
        for cellule, bloc, largeur, alignement in zip(cellules, blocs, largeurs, alignements, strict=True):
            self.set_font(POLICE, cellule.style, TAILLE_TABLEAU)
            self.set_text_color(*cellule.couleur)
            for k, texte in enumerate(bloc):
                ligne_de_base = y + MARGE_CELLULE_V + k * INTERLIGNE_TABLEAU + INTERLIGNE_TABLEAU * 0.75
                if alignement == "R":
                    gauche = (
                        x + largeur - MARGE_CELLULE - self.largeur_texte(texte, cellule.style, TAILLE_TABLEAU)
                    )
                else:
                    gauche = x + MARGE_CELLULE
                if texte:
                    self.text(gauche, ligne_de_base, texte)
            x += largeur
        self.set_y(y + hauteur)

    @property
    def hauteur_image(self) -> float:
        """Hauteur d'un graphique posé sur toute la largeur utile."""
        return LARGEUR_UTILE * HAUTEUR_POUCES / LARGEUR_POUCES

    def image_png(self, png: bytes) -> None:
        """Un graphique sur toute la largeur ; un peu réduit pour finir la page, sinon à la suivante."""
        hauteur = self.hauteur_image
        place = self.page_break_trigger - self.get_y()
        if place < hauteur * REDUCTION_MAX:
            self.add_page()
            place = hauteur
        hauteur = min(hauteur, place)
        largeur = hauteur * LARGEUR_POUCES / HAUTEUR_POUCES
        x = MARGE + (LARGEUR_UTILE - largeur) / 2
        self.image(io.BytesIO(png), x=x, y=self.get_y(), w=largeur, h=hauteur)
        self.set_y(self.get_y() + hauteur + 4)


# --- Pages --------------------------------------------------------------------------------------


def _couverture(pdf: _Document, rapport: Rapport) -> None:
    pdf.add_page()
    pdf.lisere(0, 10)
    pdf.set_y(45)
    pdf.police(24, "B")
    pdf.multi_cell(0, 11, rapport.titre_protocole, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(14)
    _pastilles_des_villes(pdf, rapport.villes)
    pdf.police(36, "B", pdf.accent)
    pdf.cell(0, 16, f"Rapport annuel {rapport.annee}", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)
    pdf.police(12)
    pdf.cell(
        0,
        7,
        typographie(f"Période couverte : {periode(rapport)}"),
        align="C",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.ln(2)
    pdf.police(10, couleur=GRIS)
    pdf.multi_cell(0, 5.5, _produit_le(rapport), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    pdf.set_y(232)
    pdf.police(9.5, "I", GRIS)
    pdf.multi_cell(
        0,
        5,
        typographie(
            "« Établir des rapports annuels détaillant les réalisations et les indicateurs de performance "
            f"liés à chaque thème. »\n— {TITRE_PROTOCOLE}, Mise en œuvre"
        ),
        align="C",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.set_y(262)
    pdf.police(8, couleur=GRIS)
    pdf.cell(
        0,
        4,
        "Document produit par Passerelle à partir du registre du groupe de travail.",
        align="C",
    )
    pdf.lisere(287, 10)


def _pastilles_des_villes(pdf: _Document, villes: Sequence[Ville]) -> None:
    """Une pastille par ville partenaire, à sa couleur."""
    if villes:
        ecart = 6.0
        largeur = (LARGEUR_UTILE - ecart * (len(villes) - 1)) / len(villes)
        y = pdf.get_y()
        for i, ville in enumerate(villes):
            x = MARGE + i * (largeur + ecart)
            pdf.set_fill_color(*_couleur(ville.couleur))
            pdf.rect(x, y, largeur, 26, style="F", round_corners=True, corner_radius=3)
            pdf.set_xy(x, y + 5)
            pdf.police(9, couleur=(255, 255, 255))
            pdf.cell(largeur, 5, "Ville de", align="C")
            pdf.set_xy(x, y + 11)
            pdf.police(17 if len(villes) <= 2 else 12, "B", (255, 255, 255))
            pdf.cell(largeur, 9, texte_imprimable(ville.nom), align="C")
        pdf.set_y(y + 26 + 22)


def _produit_le(rapport: Rapport) -> str:
    """« Produit le jeudi 26 novembre 2026 — 07 h 00 à Terrebonne, 13 h 00 à Namur »."""
    jour_local = rapport.reference.heure_locale(rapport.produit_le).date()  # le jour de `rapport.au`
    jour = format_date(jour_local, "EEEE", locale=LOCALE) + " " + format_jour(jour_local)
    if not rapport.villes:
        return f"Produit le {jour}"
    heures = ", ".join(
        f"{format_heure(v.heure_locale(rapport.produit_le))} à {texte_imprimable(v.nom)}"
        for v in rapport.villes
    )
    return f"Produit le {jour}\n({heures})"


def _chiffres_cles(pdf: _Document, chiffres: Sequence[tuple[str, str]]) -> None:
    """Une rangée de cases : un grand nombre et ce qu'il compte."""
    ecart = 4.0
    largeur = (LARGEUR_UTILE - ecart * (len(chiffres) - 1)) / len(chiffres)
    y = pdf.get_y()
    for i, (nombre, libelle) in enumerate(chiffres):
        x = MARGE + i * (largeur + ecart)
        pdf.set_fill_color(*GRIS_CLAIR)
        pdf.rect(x, y, largeur, 21, style="F", round_corners=True, corner_radius=2)
        pdf.set_xy(x, y + 2.5)
        pdf.police(18, "B", pdf.accent)
        pdf.cell(largeur, 9, nombre, align="C")
        pdf.set_xy(x + 2, y + 11.5)
        pdf.police(7.5, couleur=GRIS)
        pdf.multi_cell(largeur - 4, 3.6, libelle, align="C")
    pdf.set_y(y + 21 + 5)


def _synthese(pdf: _Document, rapport: Rapport, images: Mapping[str, bytes]) -> None:
    pdf.titre_section(f"Synthèse de l'année {rapport.annee}")
    if rapport.est_vide:
        _synthese_sans_activite(pdf, rapport)
        return
    _chiffres_de_l_annee(pdf, rapport)
    _tableau_des_statuts(pdf, rapport)
    pdf.sous_titre("Réunions de suivi", signet=False)
    pdf.paragraphe(_texte_reunions(rapport))
    pdf.sous_titre("Indicateurs de performance", signet=False)
    _bilan_des_indicateurs(pdf, rapport)
    if "synthese" in images:
        pdf.sous_titre("Vue d'ensemble", signet=False, suite=pdf.hauteur_image * REDUCTION_MAX)
        pdf.image_png(images["synthese"])


def _synthese_sans_activite(pdf: _Document, rapport: Rapport) -> None:
    pdf.paragraphe(
        f"Aucune activité n'est enregistrée pour {rapport.annee} ({periode(rapport)}) : aucune action "
        "suivie, aucune mesure d'indicateur, aucune séance de réunion.",
        taille=11,
    )
    pdf.paragraphe(
        "Le registre se remplit depuis Discord : /action ajouter pour les projets et activités, "
        "/indicateur ajouter et /indicateur mesurer pour les indicateurs de performance, "
        "/reunion planifier pour les réunions de suivi.",
        couleur=GRIS,
    )
    pdf.sous_titre("Axes du protocole", signet=False)
    for section in rapport.sections:
        pdf.paragraphe(section.libelle)


def _chiffres_de_l_annee(pdf: _Document, rapport: Rapport) -> None:
    indicateurs = rapport.indicateurs
    bonne_voie = rapport.nb_en_bonne_voie
    tenues = rapport.seances_tenues
    _chiffres_cles(
        pdf,
        [
            (format_nombre(len(rapport.actions)), f"actions suivies en {rapport.annee}"),
            (format_nombre(rapport.nb_terminees), f"actions terminées en {rapport.annee}"),
            (format_nombre(len(tenues)), "séances de réunion tenues"),
            (
                f"{format_nombre(bonne_voie)} / {format_nombre(len(indicateurs))}",
                "indicateurs en bonne voie",
            ),
        ],
    )
    pdf.paragraphe(
        f"Ce rapport couvre la période {periode(rapport)}. Les actions y figurent dans leur état "
        f"au {format_jour(rapport.au)}, reconstitué d'après leur historique ; les actions archivées n'y "
        "figurent pas (elles restent dans le fichier CSV joint)."
    )


def _tableau_des_statuts(pdf: _Document, rapport: Rapport) -> None:
    pdf.sous_titre("Actions par statut et par axe", signet=False)
    entetes = ["Statut", *(f"Axe {chiffre_romain(s.numero)}" for s in rapport.sections), "Total"]
    comptes = rapport.compter()
    lignes: list[list[str | Cellule]] = []
    par_axe = [s.compter() for s in rapport.sections]
    for statut, libelle in LEGENDE_STATUTS:
        lignes.append(
            [
                libelle,
                *(format_nombre(c.get(statut, 0)) for c in par_axe),
                format_nombre(comptes.get(statut, 0)),
            ]
        )
    lignes.append(
        [
            Cellule("Total", "B"),
            *(Cellule(format_nombre(sum(c.values())), "B") for c in par_axe),
            Cellule(format_nombre(len(rapport.actions)), "B"),
        ]
    )
    largeur_axe = (LARGEUR_UTILE - 50 - 24) / max(1, len(rapport.sections))
    pdf.tableau(
        entetes,
        lignes,
        [50, *([largeur_axe] * len(rapport.sections)), 24],
        ["L", *(["R"] * (len(rapport.sections) + 1))],
    )
    pdf.paragraphe(
        "Les actions closes (terminées ou abandonnées) avant l'année n'y figurent plus.",
        taille=8.5,
        couleur=GRIS,
    )


def _bilan_des_indicateurs(pdf: _Document, rapport: Rapport) -> None:
    indicateurs = rapport.indicateurs
    bonne_voie, sans_mesure = rapport.nb_en_bonne_voie, rapport.nb_sans_mesure
    if indicateurs:
        texte = (
            f"{format_nombre(bonne_voie)} indicateur{'s' if bonne_voie > 1 else ''} sur "
            f"{format_nombre(len(indicateurs))} en bonne voie au {format_jour(rapport.au)}"
        )
        if sans_mesure:
            texte += f" ; {format_nombre(sans_mesure)} sans aucune mesure"
        nombre = rapport.nb_mesures
        texte += f". {pluriel(nombre, 'mesure')} relevée{'s' if nombre > 1 else ''} en {rapport.annee}."
        pdf.paragraphe(texte)
        pdf.paragraphe(DEFINITION_BONNE_VOIE, taille=8.5, couleur=GRIS)
    else:
        pdf.paragraphe("Aucun indicateur de performance n'est défini (/indicateur ajouter).")


def _texte_reunions(rapport: Rapport) -> str:
    """« 10 séances tenues en 2026 (1 série de réunions), 1 autre prévue d'ici le 31 décembre… »."""
    if not rapport.seances:
        return f"Aucune séance de réunion n'était prévue en {rapport.annee}."
    tenues = rapport.seances_tenues
    a_venir = len(rapport.seances) - len(tenues)
    series = len({s.reunion_numero for s in rapport.seances})
    texte = (
        f"{pluriel(len(tenues), 'séance')} de réunion tenue{'s' if len(tenues) > 1 else ''} en "
        f"{rapport.annee} ({pluriel(series, 'série')} de réunions)"
    )
    if a_venir:
        texte += f", {pluriel(a_venir, 'autre')} prévue{'s' if a_venir > 1 else ''} d'ici le 31 décembre"
    texte += "."
    if tenues:
        presents = sum(s.presences.get("present", 0) for s in tenues)
        texte += f" Présences annoncées aux séances tenues : {format_nombre(presents)}."
        par_ville: Counter[str] = Counter()
        for seance in tenues:
            par_ville.update(seance.presents_par_ville)
        if par_ville:
            texte += f" Présents par ville : {_par_ville(par_ville, rapport)}."
        if comptes_rendus := sum(1 for s in tenues if s.compte_rendu is not None):
            texte += f" {pluriel(comptes_rendus, 'compte rendu', 'comptes rendus')} de séance."
    return texte + " Détail en annexe."


def _cellule_retard(texte: str, en_retard: bool) -> str | Cellule:
    return Cellule(texte, "B", ROUGE) if en_retard else texte


def _ligne_action(action: ActionRapport, rapport: Rapport, derniere: str) -> list[str | Cellule]:
    details = [f"Objectif {action.objectif}" if action.objectif else None]
    if action.partenaires:
        details.append(f"Partenaires : {texte_imprimable(action.partenaires)}")
    titre = texte_imprimable(action.titre)
    if any(details):
        titre += "\n" + " · ".join(d for d in details if d)
    echeance = format_date_courte(action.echeance) if action.echeance else "—"
    en_retard = action.en_retard(rapport.au)
    if en_retard:
        echeance += "\nen retard"
    return [
        f"#{action.numero}",
        titre,
        texte_imprimable(rapport.nom_ville(action.ville)),
        _responsable(action),
        derniere,
        _cellule_retard(echeance, en_retard),
    ]


def _avancement(action: ActionRapport) -> str:
    texte = f"{action.avancement}{NBSP}%"
    if action.avancement_debut is not None and action.avancement_debut != action.avancement:
        texte += f"\n(janv. : {action.avancement_debut}{NBSP}%)"
    return texte


def _statut(action: ActionRapport) -> str:
    texte = libelle_statut(action.statut, majuscule=True)
    return texte if action.statut == StatutAction.ABANDONNEE else f"{texte}\n{action.avancement}{NBSP}%"


LARGEURS_ACTIONS: Final = (11.0, 56.0, 23.0, 32.0, 24.0, 26.0)


def _indicateurs(pdf: _Document, section: SectionAxe, rapport: Rapport) -> None:
    lignes: list[list[str | Cellule]] = []
    for indicateur in section.indicateurs:
        lignes.append(_ligne_indicateur(indicateur, rapport))
    pdf.tableau(
        ["N°", "Indicateur", "Départ", f"Mesures {rapport.annee}", "Cible", "Parcouru", "En bonne voie"],
        lignes,
        [11, 40, 16, 41, 16, 28, 22],
        ["L", "L", "R", "L", "R", "R", "L"],
    )


def _ligne_indicateur(indicateur: IndicateurRapport, rapport: Rapport) -> list[str | Cellule]:
    unite = texte_imprimable(indicateur.unite)
    mesures = [f"{format_date_courte(m.date)} : {format_nombre(m.valeur)}" for m in indicateur.mesures[-8:]]
    if len(indicateur.mesures) > 8:
        mesures.insert(0, f"… {format_nombre(len(indicateur.mesures) - 8)} plus anciennes")
    if not mesures:
        mesures = ["aucune"]
        if indicateur.valeur is not None and indicateur.date_valeur is not None:
            derniere = format_date_courte(indicateur.date_valeur)
            mesures.append(f"(dernière : {format_nombre(indicateur.valeur)} le {derniere})")
    parcouru = "—" if indicateur.progression is None else format_pourcentage(indicateur.progression)
    attendu = f"attendu {format_pourcentage(indicateur.attendu)}"
    voie: Cellule
    if indicateur.en_bonne_voie is None:
        voie = Cellule("sans mesure", couleur=GRIS)
    elif indicateur.en_bonne_voie:
        voie = Cellule("✓ oui", "B", VERT)
    else:
        voie = Cellule("✗ non", "B", ROUGE)
    return [
        f"n°{NBSP}{indicateur.numero}",
        f"{texte_imprimable(indicateur.nom)}\n({unite})",
        format_nombre(indicateur.valeur_depart),
        "\n".join(mesures),
        format_nombre(indicateur.cible),
        f"{parcouru}\n({attendu})",
        voie,
    ]


def _section(
    pdf: _Document,
    section: SectionAxe,
    rapport: Rapport,
    images: Mapping[str, bytes],
) -> None:
    pdf.titre_section(section.libelle)
    if section.objectifs:
        _objectifs(pdf, section)
    _bilan_de_l_axe(pdf, section, rapport)
    _tableaux_des_actions(pdf, section, rapport)

    pdf.sous_titre(f"Indicateurs de performance ({format_nombre(len(section.indicateurs))})")
    if section.indicateurs:
        _indicateurs(pdf, section, rapport)
    else:
        pdf.paragraphe("Aucun indicateur n'est défini pour cet axe.", couleur=GRIS)

    graphiques = [
        images[c]
        for c in (f"axe-{section.numero}-statuts", f"axe-{section.numero}-indicateurs")
        if c in images
    ]
    if graphiques:
        pdf.sous_titre("Graphiques", signet=False, suite=pdf.hauteur_image * REDUCTION_MAX)
        for png in graphiques:
            pdf.image_png(png)


def _objectifs(pdf: _Document, section: SectionAxe) -> None:
    pdf.police(10, "B")
    pdf.cell(0, 6, "Objectifs du protocole", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    for code, libelle in section.objectifs:
        pdf.police(9, "B", pdf.accent)
        pdf.cell(10, 4.8, code)
        pdf.police(9)
        pdf.multi_cell(0, 4.8, texte_imprimable(libelle), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(0.8)
    pdf.ln(2)


def _bilan_de_l_axe(pdf: _Document, section: SectionAxe, rapport: Rapport) -> None:
    comptes = section.compter()
    if section.actions:
        morceaux = [compte_statut(s, comptes[s]) for s in StatutAction if comptes[s]]
        texte = f"{pluriel(len(section.actions), 'action')} suivie{'s' if len(section.actions) > 1 else ''} "
        texte += f"en {rapport.annee}, état au {format_jour(rapport.au)} : {', '.join(morceaux)}."
        if section.moyenne_avancement is not None:
            texte += f" {NOM_MOYENNE} : {format_pourcentage(section.moyenne_avancement)}."
        pdf.paragraphe(texte)
    else:
        pdf.paragraphe(f"Aucune action de cet axe n'a été suivie en {rapport.annee}.")


def _tableaux_des_actions(pdf: _Document, section: SectionAxe, rapport: Rapport) -> None:
    terminees = section.terminees
    pdf.sous_titre(f"Actions terminées en {rapport.annee} ({format_nombre(len(terminees))})")
    if terminees:
        pdf.tableau(
            ["N°", "Action", "Porteur", "Responsable", "Terminée le", "Échéance"],
            [_ligne_action(a, rapport, format_date_courte(a.terminee_le or rapport.au)) for a in terminees],
            LARGEURS_ACTIONS,
        )
    else:
        pdf.paragraphe(f"Aucune action de cet axe n'a été terminée en {rapport.annee}.", couleur=GRIS)

    en_cours = section.en_cours
    pdf.sous_titre(f"Actions en cours au {format_jour(rapport.au)} ({format_nombre(len(en_cours))})")
    if en_cours:
        pdf.tableau(
            ["N°", "Action", "Porteur", "Responsable", "Avancement", "Échéance"],
            [_ligne_action(a, rapport, _avancement(a)) for a in en_cours],
            LARGEURS_ACTIONS,
        )
    else:
        pdf.paragraphe("Aucune action de cet axe n'est en cours.", couleur=GRIS)
    autres = section.autres
    if autres:
        pdf.sous_titre(
            f"Autres actions suivies : proposées, en pause, abandonnées ({format_nombre(len(autres))})"
        )
        pdf.tableau(
            ["N°", "Action", "Porteur", "Responsable", "Statut", "Échéance"],
            [_ligne_action(a, rapport, _statut(a)) for a in autres],
            LARGEURS_ACTIONS,
        )


def _horaire(seance: SeanceRapport, rapport: Rapport) -> list[str]:
    """Le début de la séance dans l'horloge de chaque ville, avec l'écart inhabituel s'il y a lieu."""
    cellules = []
    for i, ville in enumerate(rapport.villes):
        local = ville.heure_locale(seance.debut)
        motif = "EEE d MMM" if local.year == rapport.annee else "EEE d MMM y"
        texte = f"{format_date(local.date(), motif, locale=LOCALE)}\n{format_heure(local)}"
        if i > 0:
            inhabituel = ecart_inhabituel(seance.debut, rapport.villes[0], ville)
            if inhabituel is not None:
                texte += f" (écart {format_duree(inhabituel)})"
        cellules.append(texte)
    return cellules


def _annexe(pdf: _Document, rapport: Rapport) -> None:
    pdf.titre_section(f"Annexe — Réunions de {rapport.annee}")
    if not rapport.seances:
        pdf.paragraphe(f"Aucune séance de réunion n'était prévue en {rapport.annee}.")
        return
    pdf.paragraphe(
        "Chaque séance non annulée de l'année, à l'heure de chaque ville partenaire. Les présences "
        "sont les réponses données à l'invitation (présent, absent, peut-être) ; les séances pas "
        "encore tenues sont marquées « à venir ».",
        taille=8.5,
        couleur=GRIS,
    )
    villes = [texte_imprimable(v.nom) for v in rapport.villes]
    largeur_ville = 30.0 if len(villes) <= 2 else 84 / len(villes)
    reste = LARGEUR_UTILE - largeur_ville * len(villes) - 40
    lignes: list[list[str | Cellule]] = []
    for seance in rapport.seances:
        presences: str | Cellule = _presences(seance, rapport)
        if not seance.tenue:
            presences = Cellule(_presences(seance, rapport), "I", GRIS)
        lignes.append(
            [
                f"#{seance.reunion_numero} {texte_imprimable(seance.titre)}",
                *_horaire(seance, rapport),
                presences,
            ]
        )
    pdf.tableau(["Réunion", *villes, "Présences"], lignes, [reste, *([largeur_ville] * len(villes)), 40])
    _comptes_rendus(pdf, rapport)


def _comptes_rendus(pdf: _Document, rapport: Rapport) -> None:
    """Chaque compte rendu de l'année : points abordés, décisions numérotées, prochaines étapes."""
    avec = [s for s in rapport.seances if s.compte_rendu is not None]
    pdf.sous_titre(f"Comptes rendus des séances de {rapport.annee}")
    if not avec:
        pdf.paragraphe(
            "Aucun compte rendu n'a été rédigé (/reunion compte-rendu après une séance).", couleur=GRIS
        )
        return
    for seance in avec:
        compte_rendu = seance.compte_rendu
        assert compte_rendu is not None
        ancre = next((v for v in rapport.villes if v.code == seance.ville), rapport.reference)
        local = ancre.heure_locale(seance.debut)
        if pdf.get_y() + 30 > pdf.page_break_trigger:
            pdf.add_page()
        pdf.ln(2)
        pdf.paragraphe(
            f"#{seance.reunion_numero} {texte_imprimable(seance.titre)} — {format_jour(local.date())}",
            taille=10.5,
            style="B",
        )
        if compte_rendu.points:
            pdf.paragraphe(f"Points abordés : {texte_imprimable(compte_rendu.points)}")
        if compte_rendu.decisions:
            decisions = "\n".join(
                f"{rang}. {texte_imprimable(d)}" for rang, d in enumerate(compte_rendu.decisions, start=1)
            )
            pdf.paragraphe(f"Décisions :\n{decisions}")
        if compte_rendu.suites:
            pdf.paragraphe(f"Prochaines étapes : {texte_imprimable(compte_rendu.suites)}")
        if par_ville := _par_ville(seance.presents_par_ville, rapport):
            pdf.paragraphe(f"Présents : {par_ville}", taille=8.5, couleur=GRIS)


# --- Points d'entrée ----------------------------------------------------------------------------


def rendre_pdf(rapport: Rapport, images: Mapping[str, bytes]) -> bytes:
    """Met le rapport en page ; `images` : les PNG de `rapport.graphiques`, par clé."""
    pdf = _Document(rapport)
    _couverture(pdf, rapport)
    _synthese(pdf, rapport, images)
    if not rapport.est_vide:
        for section in rapport.sections:
            _section(pdf, section, rapport, images)
        _annexe(pdf, rapport)
    return bytes(pdf.output())


def dessiner_graphiques(
    rapport: Rapport, progression: Callable[[int, int], Any] | None = None
) -> dict[str, bytes]:
    """Dessine tous les graphiques du rapport ; `progression(fait, total)` après chacun."""
    graphiques = rapport.graphiques
    images = {}
    for fait, graphique in enumerate(graphiques, start=1):
        images[graphique.cle] = dessiner_png(graphique.donnees)
        if progression is not None:
            progression(fait, len(graphiques))
    return images
