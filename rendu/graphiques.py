"""Dessin des graphiques de progrès en PNG, lisibles dans l'aperçu de Discord.

matplotlib n'est importé qu'au premier dessin (son import coûte ~0,3 s) et jamais via pyplot :
une `Figure` par appel, sur le canevas Agg, sans état global, donc sûr dans un thread
(`asyncio.to_thread`). Les données arrivent déjà agrégées (`metier.graphiques`).

Avec matplotlib 3.11, le texte domine le coût d'un dessin (~1 ms par texte, ~0,1 ms par
caractère) : les libellés sont courts et comptés, c'est ce qui tient un graphique vers 100 ms.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, timedelta
from functools import lru_cache
from io import BytesIO
from typing import TYPE_CHECKING, Final, assert_never

from babel.dates import format_date

from metier.actions.indicateurs import EtatIndicateur
from metier.formats import format_nombre, format_pourcentage, pluriel, tronquer
from metier.graphiques import (
    AvancementAxe,
    Donnees,
    DonneesAxes,
    DonneesEcheances,
    DonneesEvolution,
    DonneesIndicateurs,
    DonneesStatuts,
    Echeance,
    Porteur,
)
from metier.protocole import chiffre_romain
from metier.statuts import NOM_MOYENNE, compte_statut
from metier.temps import LOCALE, NBSP, delai_en_mots
from modeles import StatutAction
from rendu.couleurs import COULEUR_ATTEINT, COULEUR_EN_ROUTE, COULEURS_STATUTS, ROUGE_RETARD

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.transforms import Transform

LARGEUR_POUCES: Final = 12.0
HAUTEUR_POUCES: Final = 6.75
DPI: Final = 100  # 1200 × 675 px : le format de l'aperçu d'image de Discord
TAILLE_TITRE: Final = 19
TAILLE_SOUS_TITRE: Final = 14
TAILLE_TEXTE: Final = 13
TAILLE_PETITE: Final = 12
ENCRE: Final = "#222222"
GRIS: Final = "#666666"
GRILLE: Final = "#DDDDDD"
# Compression zlib légère : ~10 ms de gagnés pour une image à peine plus lourde (50 à 100 Kio).
COMPRESSION_PNG: Final = 1

# Palette Okabe-Ito, comme les couleurs qui portent un sens (`rendu.couleurs`).
COULEURS_SERIES: Final = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
MARQUEURS_SERIES: Final = ("o", "s", "^", "D", "v", "P", "X")
# Une valeur nulle (ou en recul) reste une barre : un trait de sa couleur, puis son étiquette.
BARRE_MINIMALE: Final = 0.8  # en points de l'échelle 0-100 % : 6 à 9 px selon le graphique
# Libellés d'échéance : l'axe occupe presque toute la largeur (pas de graduations à gauche) ; le
# libellé est décalé de quelques points du point, avec une marge pour son cadre et le crénage.
LARGEUR_AXE_ECHEANCES_PX: Final = 0.98 * LARGEUR_POUCES * DPI
DECALAGE_LIBELLE_PT: Final = 9
MARGE_LIBELLE_PX: Final = 24
TITRE_ECHEANCE_MAX: Final = 60  # chaque caractère coûte ~0,1 ms à dessiner


# Ce que le serveur « forkserver » de l'atelier précharge (`bot.atelier`) : chaque processus de
# dessin naît avec matplotlib déjà importé.
MODULES_DU_DESSIN: Final = ("matplotlib.figure", "matplotlib.backends.backend_agg")


def prechauffer() -> None:
    """Importe matplotlib et dessine un peu de texte (polices, caches) : le dessin suivant est rapide.

    Charge aussi les données de la langue (dates et nombres en français, ≈ 30 ms au premier appel)
    et chaque taille et graisse de texte des graphiques (gras, italique, légende).
    """
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    format_date(date(2026, 1, 1), "d MMMM y", locale=LOCALE)
    format_pourcentage(12.5)
    matplotlib.rcParams["text.hinting"] = "no_hinting"
    figure = Figure(figsize=(4, 3), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    figure.suptitle("Échauffement", fontsize=TAILLE_TITRE, fontweight="bold")
    axe = figure.add_subplot()
    axe.set_title("Sous-titre", loc="left", fontsize=TAILLE_SOUS_TITRE)
    axe.barh([0, 1], [40, 60], label="Terrebonne")
    axe.set_yticks([0, 1], ["Axe I", "Axe II"], fontsize=TAILLE_TEXTE)
    axe.text(1, 0, "40 %", fontsize=TAILLE_PETITE, fontweight="bold")
    axe.text(1, 1, "aucune mesure", fontsize=TAILLE_PETITE, style="italic")
    figure.legend(loc="outside lower center", fontsize=TAILLE_PETITE, frameon=False)
    figure.canvas.print_png(BytesIO(), pil_kwargs={"compress_level": COMPRESSION_PNG})  # type: ignore[attr-defined]


def dessiner_png(donnees: Donnees) -> bytes:
    """Dessine le graphique et rend les octets de l'image PNG (1200 × 675 px)."""
    tampon = BytesIO()
    dessiner(donnees).canvas.print_png(  # type: ignore[attr-defined]
        tampon, metadata={"Software": None}, pil_kwargs={"compress_level": COMPRESSION_PNG}
    )
    return tampon.getvalue()


def dessiner_svg(donnees: Donnees) -> bytes:
    """Dessine le même graphique en SVG (net à toute taille d'écran), pour la page de suivi.

    Le texte est tracé en chemins : l'image ne dépend pas des polices du lecteur ; son texte
    est redit par le texte de remplacement et les tableaux de la page. Aucune date ni identifiant
    aléatoire dans le fichier : les mêmes données donnent les mêmes octets.
    """
    import matplotlib

    tampon = BytesIO()
    figure = dessiner(donnees)
    with matplotlib.rc_context({"svg.fonttype": "path", "svg.hashsalt": "passerelle"}):
        figure.savefig(tampon, format="svg", metadata={"Date": None, "Creator": None})
    return tampon.getvalue()


def dessiner(donnees: Donnees) -> Figure:
    """Dessine le graphique sur une figure mise en page, prête à encoder (les tests l'inspectent)."""
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    # Glyphes sans « hinting » : aussi lisibles à 100 dpi, ~15 ms de moins par graphique (le texte
    # domine le coût), et des largeurs égales aux avances de la police (`_avance_px`). Réglage du
    # processus, toujours le même : sans risque d'un thread à l'autre.
    matplotlib.rcParams["text.hinting"] = "no_hinting"
    figure = Figure(
        figsize=(LARGEUR_POUCES, HAUTEUR_POUCES), dpi=DPI, layout="constrained", facecolor="white"
    )
    canevas = FigureCanvasAgg(figure)
    _titre(figure, canevas, donnees.titre)
    axe = figure.add_subplot()
    for cote in ("top", "right"):
        axe.spines[cote].set_visible(False)
    axe.tick_params(labelsize=TAILLE_TEXTE, colors=ENCRE)
    axe.set_axisbelow(True)
    match donnees:
        case DonneesAxes():
            _dessiner_axes(figure, axe, donnees)
        case DonneesStatuts():
            _dessiner_statuts(figure, axe, donnees)
        case DonneesEvolution():
            _dessiner_evolution(figure, axe, donnees)
        case DonneesIndicateurs():
            _dessiner_indicateurs(figure, axe, donnees)
        case DonneesEcheances():
            _dessiner_echeances(figure, axe, donnees)
        case _:
            assert_never(donnees)
    # La mise en page contrainte (titre jamais coupé) une seule fois, puis un seul dessin :
    # `savefig` ferait en plus un dessin à blanc complet pour la calculer (~15 ms).
    moteur = figure.get_layout_engine()
    assert moteur is not None
    moteur.execute(figure)
    figure.set_layout_engine("none")
    return figure


# --- Outils -------------------------------------------------------------------------------------


def _titre(figure: Figure, canevas: FigureCanvasAgg, texte: str) -> None:
    """Pose le titre ; le réduit s'il déborderait de l'image (la mise en page ne le coupe pas)."""
    titre = figure.suptitle(texte, fontsize=TAILLE_TITRE, fontweight="bold", color=ENCRE)
    largeur = titre.get_window_extent(renderer=canevas.get_renderer()).width  # type: ignore[no-untyped-call]
    disponible = 0.96 * LARGEUR_POUCES * DPI
    if largeur > disponible:
        titre.set_fontsize(TAILLE_TITRE * disponible / largeur)


def _sous_titre(axe: Axes, texte: str) -> None:
    axe.set_title(texte, loc="left", fontsize=TAILLE_SOUS_TITRE, color=GRIS, pad=10)


def _echelle_pourcentage(axe: Axes, *, horizontale: bool) -> None:
    graduations = list(range(0, 101, 20))
    libelles = [f"{v}{NBSP}%" for v in graduations]
    if horizontale:
        axe.set_xlim(0, 100)
        axe.set_xticks(graduations, libelles)
        axe.grid(axis="x", color=GRILLE)
    else:
        axe.set_ylim(-3, 103)  # des marqueurs entiers à 0 et à 100 %
        axe.set_yticks(graduations, libelles)
        axe.grid(axis="y", color=GRILLE)


def _encre_sur(couleur: str) -> str:
    """Rend un texte noir ou blanc, le plus lisible sur ce fond."""
    rouge, vert, bleu = (int(couleur[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return ENCRE if 0.299 * rouge + 0.587 * vert + 0.114 * bleu > 0.6 else "white"


def _valeur_sur_barre(axe: Axes, y: float, valeur: float, texte: str, couleur: str, limite: float) -> None:
    """Écrit la valeur au bout de la barre : dedans si la barre est longue, sinon juste après."""
    if valeur > 0.8 * limite:
        axe.text(
            valeur - 0.01 * limite,
            y,
            texte,
            ha="right",
            va="center",
            fontsize=TAILLE_PETITE,
            color=_encre_sur(couleur),
            fontweight="bold",
        )
    else:
        axe.text(
            valeur + 0.01 * limite, y, texte, ha="left", va="center", fontsize=TAILLE_PETITE, color=ENCRE
        )


def _longueur_visible(pourcentage: float) -> float:
    """La longueur dessinée d'une barre sur l'échelle 0-100 % : au moins un trait, au plus 100 %."""
    return min(max(pourcentage, BARRE_MINIMALE), 100.0)


def _legende(figure: Figure, colonnes: int) -> None:
    figure.legend(loc="outside lower center", ncols=colonnes, fontsize=TAILLE_PETITE, frameon=False)


def _decale(figure: Figure, axe: Axes, points: float) -> Transform:
    """Coordonnées des données, décalées horizontalement de quelques points typographiques."""
    from matplotlib.transforms import ScaledTranslation

    return axe.transData + ScaledTranslation(points / 72, 0, figure.dpi_scale_trans)


def _lignes_a_gauche(axe: Axes, libelles: Sequence[str]) -> None:
    """Écrit un libellé par ligne (y = 0, 1, …) à gauche du graphique.

    De simples textes plutôt que des graduations : chaque graduation coûte ~1 ms à matplotlib.
    """
    axe.set_yticks([])
    axe.spines["left"].set_visible(False)
    transformation = axe.get_yaxis_transform()  # x en fraction de l'axe, y en données
    for y, libelle in enumerate(libelles):
        axe.text(
            -0.01,
            y,
            libelle,
            transform=transformation,
            ha="right",
            va="center",
            fontsize=TAILLE_PETITE,
            color=ENCRE,
        )


# --- Axes ---------------------------------------------------------------------------------------


def _dessiner_axes(figure: Figure, axe: Axes, donnees: DonneesAxes) -> None:
    porteurs = donnees.porteurs
    hauteur = 0.8 / max(len(porteurs), 3)  # une barre seule reste fine
    for j, porteur in enumerate(porteurs):
        decalage = (j - (len(porteurs) - 1) / 2) * hauteur
        barres = [
            (i + decalage, moyenne.moyenne, moyenne.nb_actions)
            for i, ligne in enumerate(donnees.axes)
            for moyenne in ligne.par_porteur
            if moyenne.porteur.code == porteur.code
        ]
        axe.barh(
            [y for y, _, _ in barres],
            [_longueur_visible(v) for _, v, _ in barres],
            height=hauteur * 0.9,
            color=porteur.couleur,
            label=porteur.nom,
        )
        for y, valeur, nombre in barres:
            texte = f"{format_pourcentage(valeur)} ({format_nombre(nombre)})"
            _valeur_sur_barre(axe, y, _longueur_visible(valeur), texte, porteur.couleur, 100)
    moyennes = [(i, ligne.moyenne) for i, ligne in enumerate(donnees.axes) if ligne.moyenne is not None]
    axe.vlines(
        [m for _, m in moyennes],
        [i - 0.45 for i, _ in moyennes],
        [i + 0.45 for i, _ in moyennes],
        colors=ENCRE,
        linestyles="dashed",
        linewidth=1.8,
        label="Moyenne de l'axe",
        zorder=3,
    )
    for i, ligne in enumerate(donnees.axes):
        if ligne.moyenne is None:
            vide = "aucune action non abandonnée" if ligne.nb_actions else "aucune action"
            axe.text(1, i, vide, va="center", fontsize=TAILLE_PETITE, color=GRIS, style="italic")
    axe.set_yticks(range(len(donnees.axes)), [_libelle_axe(ligne) for ligne in donnees.axes])
    axe.set_ylim(len(donnees.axes) - 0.5, -0.5)
    _echelle_pourcentage(axe, horizontale=True)
    _sous_titre(axe, legende_axes(donnees))
    _legende(figure, len(porteurs) + 1)


def legende_axes(donnees: DonneesAxes) -> str:
    """Le sous-titre du graphique `axes` : la définition de la moyenne, puis ce qui est compté."""
    # Sur deux lignes : les libellés des axes prennent la moitié gauche, une seule ligne déborderait.
    return f"{NOM_MOYENNE}\n{pluriel(donnees.nb_actions, 'action')} · entre parenthèses : actions comptées"


def _libelle_axe(ligne: AvancementAxe) -> str:
    if ligne.moyenne is None:
        return tronquer(ligne.libelle, 40)
    terminees = f"{format_nombre(ligne.nb_terminees)}/{format_nombre(ligne.nb_actions)}"
    accord = "s" if ligne.nb_terminees > 1 else ""
    details = f"moyenne {format_pourcentage(ligne.moyenne)} · {terminees} terminée{accord}"
    if ligne.nb_abandonnees:
        details += f" · {compte_statut(StatutAction.ABANDONNEE, ligne.nb_abandonnees)}"
    return f"{tronquer(ligne.libelle, 40)}\n{details}"


# --- Statuts ------------------------------------------------------------------------------------


def _dessiner_statuts(figure: Figure, axe: Axes, donnees: DonneesStatuts) -> None:
    from matplotlib.ticker import MaxNLocator

    ys = list(range(len(donnees.axes)))
    maximum = max((a.total for a in donnees.axes), default=0) or 1
    gauche = [0] * len(ys)
    for s, (statut, libelle) in enumerate(donnees.statuts):
        largeurs = [a.comptes[s] for a in donnees.axes]
        couleur = COULEURS_STATUTS[statut]
        axe.barh(ys, largeurs, left=gauche, height=0.6, color=couleur, label=libelle, edgecolor="white")
        for y, debut, largeur in zip(ys, gauche, largeurs, strict=True):
            if largeur and largeur >= 0.04 * maximum:
                axe.text(
                    debut + largeur / 2,
                    y,
                    format_nombre(largeur),
                    ha="center",
                    va="center",
                    fontsize=TAILLE_PETITE,
                    color=_encre_sur(couleur),
                    fontweight="bold",
                )
        gauche = [g + largeur for g, largeur in zip(gauche, largeurs, strict=True)]
    for y, ligne in zip(ys, donnees.axes, strict=True):
        texte = f"total {format_nombre(ligne.total)}" if ligne.total else "aucune action"
        axe.text(ligne.total + 0.01 * maximum, y, texte, va="center", fontsize=TAILLE_PETITE, color=ENCRE)
    axe.set_yticks(ys, [tronquer(a.libelle, 40) for a in donnees.axes])
    axe.set_ylim(len(ys) - 0.5, -0.5)
    axe.set_xlim(0, maximum * 1.15)
    axe.xaxis.set_major_locator(MaxNLocator(nbins=6, integer=True))
    axe.xaxis.set_major_formatter(lambda valeur, _position: format_nombre(valeur))
    axe.grid(axis="x", color=GRILLE)
    total = sum(a.total for a in donnees.axes)
    _sous_titre(axe, f"Nombre d'actions de chaque statut · {pluriel(total, 'action')} en tout")
    _legende(figure, len(donnees.statuts))


# --- Évolution ----------------------------------------------------------------------------------


def _dessiner_evolution(figure: Figure, axe: Axes, donnees: DonneesEvolution) -> None:
    xs = list(range(len(donnees.dates)))
    traces = [(serie, COULEURS_SERIES[k % len(COULEURS_SERIES)]) for k, serie in enumerate(donnees.series)]
    if len(traces) > 1:
        traces.append((donnees.ensemble, ENCRE))
    finales: list[tuple[float, str]] = []
    for k, (serie, couleur) in enumerate(traces):
        ensemble = serie is donnees.ensemble
        axe.plot(
            xs,
            [math.nan if v is None else v for v in serie.moyennes],
            color=couleur,
            linestyle="--" if ensemble else "-",
            marker=None if ensemble else MARQUEURS_SERIES[k % len(MARQUEURS_SERIES)],
            linewidth=2 if ensemble else 2.5,
            markersize=7,
            label=f"{serie.libelle} ({format_nombre(serie.nombres[-1])})",
        )
        if serie.moyennes[-1] is not None:
            finales.append((serie.moyennes[-1], couleur))
    a_droite = _decale(figure, axe, 10)
    for y, (valeur, couleur) in zip(_ecarter([v for v, _ in finales], 4.5), finales, strict=True):
        axe.text(
            xs[-1],
            y,
            format_pourcentage(valeur),
            transform=a_droite,
            va="center",
            fontsize=TAILLE_PETITE,
            color=couleur,
            fontweight="bold",
        )
    pas = max(1, math.ceil(len(xs) / 13))
    montres = xs[::-1][::pas][::-1]  # toujours le dernier point, « aujourd'hui »
    axe.set_xticks(montres, [_deux_lignes(donnees.libelles_dates[x]) for x in montres])
    axe.set_xlim(-0.3, xs[-1] + 0.3)
    _echelle_pourcentage(axe, horizontale=False)
    _sous_titre(axe, f"{NOM_MOYENNE}, en fin de mois (entre parenthèses : actions comptées)")
    _legende(figure, 2)


def _deux_lignes(libelle: str) -> str:
    """« nov. 2026 » → « nov.⏎2026 » : des graduations étroites, sans rotation."""
    debut, _, annee = libelle.rpartition(" ")
    return f"{debut}\n{annee}" if debut else libelle


def _ecarter(valeurs: Sequence[float], ecart: float) -> list[float]:
    """Écarte des étiquettes trop proches d'au moins `ecart`, en gardant leur ordre."""
    places = list(valeurs)
    precedente = -math.inf
    for i in sorted(range(len(valeurs)), key=lambda i: valeurs[i]):
        places[i] = max(valeurs[i], precedente + ecart)
        precedente = places[i]
    return places


# --- Indicateurs --------------------------------------------------------------------------------


def _dessiner_indicateurs(figure: Figure, axe: Axes, donnees: DonneesIndicateurs) -> None:
    etats = donnees.indicateurs
    detaille = len(etats) <= 6
    for y, etat in enumerate(etats):
        pourcentage = etat.progression
        if pourcentage is None:
            axe.text(1, y, "aucune mesure", va="center", fontsize=TAILLE_PETITE, color=GRIS, style="italic")
            continue
        couleur = COULEUR_ATTEINT if pourcentage >= 100 else COULEUR_EN_ROUTE
        largeur = _longueur_visible(pourcentage)
        axe.barh(y, largeur, height=0.6, color=couleur)
        _valeur_sur_barre(axe, y, largeur, format_pourcentage(pourcentage), couleur, 100)
    axe.axvline(100, color=ENCRE, linewidth=1.5)
    _lignes_a_gauche(axe, [_libelle_indicateur(e, detaille=detaille) for e in etats])
    axe.set_ylim(len(etats) - 0.5, -0.5)
    _echelle_pourcentage(axe, horizontale=True)
    legende = f"0{NBSP}% = valeur de départ, 100{NBSP}% = cible (trait noir)"
    if donnees.note_autres:
        legende += f" · {donnees.note_autres}"
    axe.set_xlabel(legende, fontsize=TAILLE_PETITE, color=GRIS)
    _sous_titre(axe, "Dernière mesure, en % du chemin entre le départ et la cible")


def _libelle_indicateur(etat: EtatIndicateur, *, detaille: bool) -> str:
    tete = f"{chiffre_romain(etat.axe_numero)} · {etat.nom}"
    if detaille:
        return f"{tronquer(tete, 48)}\n{etat.libelle_valeurs}"
    if etat.valeur is None:
        return tronquer(tete, 48)
    valeurs = f"{format_nombre(etat.valeur)} {etat.unite} (cible {format_nombre(etat.cible)})"
    return f"{tronquer(tete, max(16, 50 - len(valeurs)))} — {valeurs}"


# --- Échéances ----------------------------------------------------------------------------------


def _dessiner_echeances(figure: Figure, axe: Axes, donnees: DonneesEcheances) -> None:
    gauche, droite = _etendue_echeances(donnees.echeances)
    if gauche < 0:
        axe.axvspan(gauche, 0, color=ROUGE_RETARD, alpha=0.07, linewidth=0)
    axe.axvline(0, color=ROUGE_RETARD, linewidth=1.5, linestyle="--")
    _points_echeances(axe, donnees)
    _libelles_echeances(figure, axe, donnees.echeances, gauche, droite)
    axe.set_yticks([])
    axe.spines["left"].set_visible(False)
    axe.set_ylim(len(donnees.echeances) - 0.5, -0.7)
    axe.set_xlim(gauche, droite)
    graduations = _graduations_dates(donnees.au, gauche, droite)
    axe.set_xticks([j for j, _ in graduations], [t for _, t in graduations])
    axe.grid(axis="x", color=GRILLE)
    if donnees.note_autres:
        axe.set_xlabel(donnees.note_autres, fontsize=TAILLE_PETITE, color=GRIS)
    _legende_echeances(figure, donnees.porteurs)
    _sous_titre(axe, f"Actions ouvertes · {pluriel(donnees.nb_en_retard, 'action')} en retard en tout")


def _etendue_echeances(echeances: Sequence[Echeance]) -> tuple[float, float]:
    """Les bornes de l'axe, en jours depuis aujourd'hui : au moins deux semaines, avec une marge."""
    jours = [e.jours for e in echeances]
    gauche: float = min(0, *jours)
    droite: float = max(0, *jours, gauche + 14)
    etendue = droite - gauche
    return gauche - 0.05 * etendue, droite + 0.05 * etendue


def _points_echeances(axe: Axes, donnees: DonneesEcheances) -> None:
    """Un point par échéance, de la couleur de sa ville ; une croix quand elle est dépassée."""
    for porteur in donnees.porteurs:
        for en_retard in (False, True):
            choix = [
                (y, e.jours)
                for y, e in enumerate(donnees.echeances)
                if e.porteur.code == porteur.code and e.en_retard == en_retard
            ]
            if choix:
                # `plot` sans trait plutôt que `scatter` : quatre fois moins cher à dessiner.
                axe.plot(
                    [j for _, j in choix],
                    [y for y, _ in choix],
                    linestyle="",
                    marker="X" if en_retard else "o",
                    markersize=12 if en_retard else 10,
                    color=porteur.couleur,
                    markeredgecolor="white",
                    zorder=3,
                )


def _libelles_echeances(
    figure: Figure, axe: Axes, echeances: Sequence[Echeance], gauche: float, droite: float
) -> None:
    """Écrit « #3 · Titre · dans 14 j » à côté de chaque point, du côté où il y a le plus de place."""
    bascule = gauche + 0.65 * (droite - gauche)  # au-delà, le libellé passe à gauche du point
    decalages = {
        True: _decale(figure, axe, DECALAGE_LIBELLE_PT),
        False: _decale(figure, axe, -DECALAGE_LIBELLE_PT),
    }
    for y, e in enumerate(echeances):
        # Un seul texte par ligne : avec matplotlib 3.11, chaque texte coûte ~1 ms et
        # chaque caractère ~0,1 ms (un `annotate` plus encore).
        a_droite = e.jours <= bascule
        cote = (droite - e.jours if a_droite else e.jours - gauche) / (droite - gauche)
        axe.text(
            e.jours,
            y,
            _libelle_echeance(e, cote * LARGEUR_AXE_ECHEANCES_PX - MARGE_LIBELLE_PX),
            transform=decalages[a_droite],
            ha="left" if a_droite else "right",
            va="center",
            fontsize=TAILLE_PETITE,
            color=ROUGE_RETARD if e.en_retard else ENCRE,
            bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.85, "pad": 1},
        )


def _libelle_echeance(echeance: Echeance, place_px: float) -> str:
    """« #3 · Titre · dans 14 j » : le titre n'est coupé que s'il ne tient pas dans `place_px`."""
    tete, queue = f"#{echeance.numero} · ", f" · {_delai_court(echeance)}"
    reste = place_px - _largeur_px(tete + queue)
    titre = tronquer(echeance.titre, TITRE_ECHEANCE_MAX)
    if _largeur_px(titre) <= reste:
        return f"{tete}{titre}{queue}"
    largeur, gardes = _largeur_px("…"), 0
    for caractere in titre:
        largeur += _avance_px(caractere)
        if largeur > reste:
            break
        gardes += 1
    return f"{tete}{tronquer(titre, gardes + 1)}{queue}"


def _largeur_px(texte: str) -> float:
    """La largeur d'un texte à `TAILLE_PETITE`, somme des avances de ses glyphes (sans crénage)."""
    return sum(_avance_px(c) for c in texte)


@lru_cache(maxsize=1024)
def _avance_px(caractere: str) -> float:
    """L'avance d'un glyphe à `TAILLE_PETITE` : lue dans la police, sans mettre un texte en page (~1 ms)."""
    from matplotlib.font_manager import FontProperties, findfont, get_font

    police = get_font(findfont(FontProperties(size=TAILLE_PETITE)))
    if not police.get_char_index(ord(caractere)):
        return TAILLE_PETITE * DPI / 72  # absent de la police (émoji) : un cadratin, large
    police.set_size(TAILLE_PETITE, DPI)
    avance: float = police.load_char(ord(caractere)).linearHoriAdvance / 65536
    return avance


def _legende_echeances(figure: Figure, porteurs: Sequence[Porteur]) -> None:
    from matplotlib.lines import Line2D

    poignees = [
        Line2D([], [], marker="o", linestyle="", markersize=10, color=p.couleur, label=p.nom)
        for p in porteurs
    ]
    poignees.append(Line2D([], [], marker="X", linestyle="", markersize=11, color=GRIS, label="En retard"))
    poignees.append(Line2D([], [], color=ROUGE_RETARD, linestyle="--", label="Aujourd'hui"))
    figure.legend(
        handles=poignees,
        loc="outside lower center",
        ncols=len(poignees),
        fontsize=TAILLE_PETITE,
        frameon=False,
    )


def _delai_court(echeance: Echeance) -> str:
    """« en retard de 6 j », « aujourd'hui », « dans 14 j »."""
    return delai_en_mots(echeance.jours, court=True)


def _graduations_dates(aujourd_hui: date, gauche: float, droite: float) -> list[tuple[float, str]]:
    """Graduations en jours depuis aujourd'hui : débuts de mois sur une longue période, sinon lundis."""
    premier = aujourd_hui + timedelta(days=math.ceil(gauche))
    dernier = aujourd_hui + timedelta(days=math.floor(droite))
    etendue = (dernier - premier).days
    jours: list[date] = []
    if etendue > 120:
        pas = max(1, math.ceil(etendue / 30 / 7))
        index = premier.year * 12 + premier.month  # le mois qui suit `premier`
        while (jour := date(index // 12, index % 12 + 1, 1)) <= dernier:
            jours.append(jour)
            index += pas
        motif = "MMM y"
    else:
        pas = max(1, math.ceil(etendue / 7 / 7)) * 7
        jour = premier + timedelta(days=(7 - premier.weekday()) % 7)
        while jour <= dernier:
            jours.append(jour)
            jour += timedelta(days=pas)
        motif = "d MMM"
    return [((j - aujourd_hui).days, format_date(j, motif, locale=LOCALE)) for j in jours]
