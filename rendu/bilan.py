"""Le bilan final d'une édition en PDF : la même mise en page que le rapport annuel, sur toute la période.

Pour `/rapport bilan` et `python -m bot rapport bilan` ; importé à l'appel seulement (fpdf2 et
matplotlib ne se chargent que dans l'atelier ou la ligne de commande).
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING

from metier.formats import format_nombre, format_pourcentage, pluriel, tronquer
from metier.protocole import chiffre_romain
from metier.rapport.bilan import Bilan, ChangementDuProtocole, IndicateurBilan, SorteDeChangement
from metier.statuts import libelle_statut
from metier.temps import format_date_courte, format_jour
from modeles import StatutAction
from rendu.couleurs import COULEURS_STATUTS, ROUGE_RETARD

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

CLE_ANNEES = "bilan-annees"
CLE_INDICATEURS = "bilan-indicateurs"
EPOQUE_MATPLOTLIB = date(1970, 1, 1)
MAX_COURBES = 10  # au-delà, la légende ne se lit plus : les suivants sont dans le tableau et le CSV


def produire_pdf_bilan(bilan: Bilan) -> bytes:
    """Dessine les graphiques du bilan puis le met en page (hors de toute boucle d'événements)."""
    return rendre_pdf_bilan(bilan, dessiner_graphiques_bilan(bilan))


# --- Graphiques ---------------------------------------------------------------------------------


def dessiner_graphiques_bilan(bilan: Bilan) -> dict[str, bytes]:
    """Les deux graphiques du bilan : les actions année par année, les indicateurs sur toute l'édition."""
    images = {CLE_ANNEES: _png(_figure_annees(bilan))}
    if any(i.mesures for i in bilan.indicateurs):
        images[CLE_INDICATEURS] = _png(_figure_indicateurs(bilan))
    return images


def _figure(titre: str) -> tuple[Figure, Axes]:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from rendu.graphiques import DPI, HAUTEUR_POUCES, LARGEUR_POUCES

    figure = Figure(
        figsize=(LARGEUR_POUCES, HAUTEUR_POUCES), dpi=DPI, layout="constrained", facecolor="white"
    )
    FigureCanvasAgg(figure)
    figure.suptitle(titre, fontsize=16, fontweight="bold")
    axe = figure.add_subplot()
    for cote in ("top", "right"):
        axe.spines[cote].set_visible(False)
    axe.tick_params(labelsize=12)
    axe.set_axisbelow(True)
    return figure, axe


def _png(figure: Figure) -> bytes:
    tampon = io.BytesIO()
    figure.canvas.print_png(tampon, metadata={"Software": None})  # type: ignore[attr-defined]
    return tampon.getvalue()


def _figure_annees(bilan: Bilan) -> Figure:
    """Barres groupées : par année, actions commencées, terminées et abandonnées (tous axes)."""
    figure, axe = _figure(f"Actions de l'édition {bilan.nom}, année par année")
    series = (
        ("commencees", "Commencées", COULEURS_STATUTS[StatutAction.EN_COURS]),
        ("terminees", "Terminées", COULEURS_STATUTS[StatutAction.TERMINEE]),
        ("abandonnees", "Abandonnées", COULEURS_STATUTS[StatutAction.ABANDONNEE]),
    )
    largeur = 0.8 / len(series)
    for rang, (quoi, libelle, couleur) in enumerate(series):
        valeurs = [
            sum(getattr(axe_b.annees[i], quoi) for axe_b in bilan.axes) for i in range(len(bilan.annees))
        ]
        positions = [i + (rang - 1) * largeur for i in range(len(bilan.annees))]
        barres = axe.bar(positions, valeurs, largeur, label=libelle, color=couleur)
        axe.bar_label(barres, labels=[format_nombre(v) for v in valeurs], fontsize=11, padding=2)
    axe.set_xticks(range(len(bilan.annees)), [str(a) for a in bilan.annees])
    from matplotlib.ticker import MaxNLocator

    axe.yaxis.set_major_locator(MaxNLocator(integer=True))
    axe.set_ylabel("Actions", fontsize=12)
    axe.yaxis.grid(True, color="#DDDDDD")
    # Sous le graphique, comme celui des indicateurs : dans le cadre, la légende cachait la barre la
    # plus haute et son nombre dès qu'elle tombait dans le coin.
    figure.legend(fontsize=12, frameon=False, loc="outside lower center", ncols=len(series))
    axe.margins(y=0.15)
    return figure


def _figure_indicateurs(bilan: Bilan) -> Figure:
    """Chaque indicateur en % du chemin de son départ à sa cible, à chaque mesure de l'édition."""
    from matplotlib.dates import DateFormatter

    debut, fin = _jour(bilan.edition.debut), _jour(bilan.edition.fin)

    figure, axe = _figure(f"Indicateurs vers leur cible, édition {bilan.nom} (100 % = cible atteinte)")
    mesures = [i for i in bilan.indicateurs if i.mesures][:MAX_COURBES]
    for indicateur in mesures:
        dates = [debut, *(_jour(m.date) for m in indicateur.mesures)]
        valeurs = [0.0, *(_chemin(indicateur, m.valeur) for m in indicateur.mesures)]
        axe.plot(dates, valeurs, marker="o", linewidth=2, label=_legende(indicateur))
    axe.axhline(100, color=ROUGE_RETARD, linestyle="--", linewidth=1.5, label="Cible")
    axe.plot(
        [debut, fin],
        [0, 100],
        color="#999999",
        linestyle=":",
        label="Chemin attendu",
    )
    axe.set_xlim(debut, fin)
    axe.xaxis.set_major_formatter(DateFormatter("%Y-%m"))  # type: ignore[no-untyped-call]
    axe.set_ylabel("Chemin parcouru (%)", fontsize=12)
    axe.yaxis.grid(True, color="#DDDDDD")
    # Sous le graphique : dans le cadre, la légende cachait la ligne de la cible et les courbes.
    figure.legend(fontsize=12, frameon=False, loc="outside lower center", ncols=3)
    return figure


def _jour(jour: date) -> float:
    """Le jour en nombre de jours depuis l'époque des dates de matplotlib (1970-01-01)."""
    return float((jour - EPOQUE_MATPLOTLIB).days)


def _chemin(indicateur: IndicateurBilan, valeur: float) -> float:
    if indicateur.cible == indicateur.valeur_depart:
        return 100.0
    return (valeur - indicateur.valeur_depart) / (indicateur.cible - indicateur.valeur_depart) * 100


def _legende(indicateur: IndicateurBilan) -> str:
    nom = indicateur.nom if len(indicateur.nom) <= 40 else indicateur.nom[:39] + "…"
    return f"{indicateur.numero}. {nom} ({chiffre_romain(indicateur.axe)})"


# --- Mise en page -------------------------------------------------------------------------------


def rendre_pdf_bilan(bilan: Bilan, images: Mapping[str, bytes]) -> bytes:
    """Met le bilan en page : couverture, actions par année, indicateurs, réunions, partenaires."""
    from fpdf.enums import XPos, YPos

    from rendu.mise_en_page import _Document, texte_imprimable

    pdf = _Document(bilan.dernier_rapport, pied=f"{bilan.edition.titre} — Bilan final")
    edition = bilan.edition
    pdf.add_page()
    pdf.lisere(0, 10)
    pdf.set_y(40)
    pdf.police(24, "B", pdf.accent)
    pdf.multi_cell(0, 11, texte_imprimable(edition.titre), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.police(18, "B")
    pdf.multi_cell(
        0, 9, f"Bilan final de l'édition {bilan.nom}", align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT
    )
    pdf.ln(6)
    lignes = [f"Période : du {format_jour(edition.debut)} au {format_jour(edition.fin)}"]
    if not bilan.terminee:
        lignes.append(f"Bilan arrêté au {format_jour(bilan.au)} : l'édition court encore.")
    if edition.signee_le is not None:
        lignes.append(f"Signé à {edition.signee_a or '—'} le {format_jour(edition.signee_le)}")
    lignes.append(
        f"Produit le {format_jour(bilan.produit_le.date())} par Passerelle, d'après le registre du groupe."
    )
    for ligne in lignes:
        pdf.paragraphe(ligne, taille=11)
    pdf.ln(4)
    pdf.paragraphe(
        f"{pluriel(bilan.total('commencees'), 'action commencée', 'actions commencées')}, "
        f"{pluriel(bilan.total('terminees'), 'terminée')}, "
        f"{pluriel(bilan.total('abandonnees'), 'abandonnée')} "
        f"pendant l'édition ; {pluriel(len(bilan.indicateurs), 'indicateur')} ; "
        f"{pluriel(sum(r.tenues for r in bilan.reunions), 'séance tenue', 'séances tenues')} ; "
        f"{pluriel(len(bilan.partenaires), 'partenaire associé', 'partenaires associés')} à des actions.",
        taille=11,
        style="B",
    )

    pdf.titre_section("Actions, année par année")
    pdf.image_png(images[CLE_ANNEES])
    pdf.paragraphe(
        "Une action compte l'année où elle a commencé, celle où elle a été terminée et celle où elle a été "
        "abandonnée, d'après son historique ; les actions archivées n'y figurent pas."
    )
    entetes = ["Axe", *(str(a) for a in bilan.annees), "Total"]
    for quoi, titre in (
        ("commencees", "Actions commencées"),
        ("terminees", "Actions terminées"),
        ("abandonnees", "Actions abandonnées"),
    ):
        pdf.sous_titre(titre, suite=40)
        rangs = []
        for axe in bilan.axes:
            valeurs = [getattr(a, quoi) for a in axe.annees]
            rangs.append([axe.libelle, *(format_nombre(v) for v in valeurs), format_nombre(sum(valeurs))])
        totaux = [sum(getattr(axe.annees[i], quoi) for axe in bilan.axes) for i in range(len(bilan.annees))]
        rangs.append(["Tous les axes", *(format_nombre(v) for v in totaux), format_nombre(sum(totaux))])
        pdf.tableau(
            entetes, rangs, [70, *([18] * len(bilan.annees)), 18], ["L", *(["R"] * (len(bilan.annees) + 1))]
        )
    pdf.sous_titre(f"État des actions au {format_jour(bilan.au)}", suite=40)
    statuts = list(StatutAction)
    pdf.tableau(
        ["Axe", *(libelle_statut(s, majuscule=True) for s in statuts)],
        [
            [axe.libelle, *(format_nombre(axe.statuts_a_la_fin.get(s, 0)) for s in statuts)]
            for axe in bilan.axes
        ],
        [50, *([24] * len(statuts))],
        ["L", *(["R"] * len(statuts))],
    )

    pdf.titre_section("Indicateurs de performance")
    if CLE_INDICATEURS in images:
        pdf.image_png(images[CLE_INDICATEURS])
    if bilan.indicateurs:
        pdf.tableau(
            ["N°", "Indicateur", "Axe", "Départ", "Dernière mesure", "Cible", "Parcouru"],
            [_ligne_indicateur(i) for i in bilan.indicateurs],
            [8, 40, 10, 24, 36, 23, 20],
            ["R", "L", "C", "R", "R", "R", "R"],
        )
    else:
        pdf.paragraphe("Aucun indicateur de performance n'a été défini pendant l'édition.")

    pdf.titre_section("Réunions de suivi")
    pdf.tableau(
        ["Année", "Séances tenues", "Présents", "Absents", "Peut-être"],
        [
            [
                str(r.annee),
                format_nombre(r.tenues),
                format_nombre(r.presences.get("present", 0)),
                format_nombre(r.presences.get("absent", 0)),
                format_nombre(r.presences.get("peut_etre", 0)),
            ]
            for r in bilan.reunions
        ],
        [30, 30, 30, 30, 30],
        ["L", "R", "R", "R", "R"],
    )
    pdf.paragraphe("Les présences sont celles que les membres ont annoncées aux rappels des séances.")

    pdf.sous_titre("Partenaires et leurs actions", suite=30)
    if bilan.partenaires:
        pdf.tableau(
            ["Partenaire", "Type", "Actions", "Dont"],
            [
                [
                    p.nom,
                    p.type,
                    format_nombre(len(p.actions)),
                    ", ".join(
                        f"#{a.numero} {tronquer(a.titre, 40)} "
                        f"({libelle_statut(a.statut)}, {format_pourcentage(a.avancement)})"
                        for a in p.actions[:6]
                    )
                    + (f" … et {pluriel(len(p.actions) - 6, 'autre')}" if len(p.actions) > 6 else ""),
                ]
                for p in bilan.partenaires
            ],
            [26, 26, 18, 100],
            ["L", "L", "R", "L"],
        )
    else:
        pdf.paragraphe("Aucune action de l'édition n'a associé de partenaire.")

    pdf.sous_titre("Le protocole a évolué", suite=20)
    if bilan.changements:
        pdf.tableau(
            ["Date", "Élément", "Changement"],
            [[format_date_courte(c.jour), c.element, _changement(c)] for c in bilan.changements],
            [24, 30, 116],
        )
    else:
        pdf.paragraphe("Aucun axe ni objectif n'a été ajouté, reformulé ou retiré pendant l'édition.")
    return bytes(pdf.output())


def _changement(changement: ChangementDuProtocole) -> str:
    """« Reformulé : « ancien » → « nouveau » », « Ajouté : La culture et le patrimoine »."""
    if changement.sorte == SorteDeChangement.REFORMULATION:
        return f"Reformulé : « {changement.ancien} » → « {changement.libelle} »"
    return f"{str(changement.sorte).capitalize()} : {changement.libelle}"


def _ligne_indicateur(indicateur: IndicateurBilan) -> list[str]:
    derniere = indicateur.derniere
    parcouru = indicateur.progression
    unite = f" {indicateur.unite}" if indicateur.unite else ""
    return [
        str(indicateur.numero),
        indicateur.nom,
        chiffre_romain(indicateur.axe),
        format_nombre(indicateur.valeur_depart) + unite,
        "jamais mesuré"
        if derniere is None
        else f"{format_nombre(derniere.valeur)}{unite} ({format_date_courte(derniere.date)})",
        format_nombre(indicateur.cible) + unite,
        "—" if parcouru is None else format_pourcentage(parcouru),
    ]
