"""Dessin des graphiques : ce qui se voit dans l'image, sur des données construites à la main."""

from datetime import date, timedelta

from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from metier.actions.indicateurs import EtatIndicateur
from metier.graphiques import (
    AvancementAxe,
    DonneesAxes,
    DonneesEcheances,
    DonneesIndicateurs,
    Echeance,
    MoyennePorteur,
    Porteur,
)
from modeles import StatutAction
from rendu.couleurs import COULEUR_EN_ROUTE
from rendu.graphiques import dessiner, dessiner_png, dessiner_svg

TERREBONNE = Porteur("terrebonne", "Terrebonne", "#1F5AA6")
NAMUR = Porteur("namur", "Namur", "#D39B00")
AUJOURD_HUI = date(2026, 11, 26)
# Un trait de 4 px se voit dans l'aperçu de Discord ; une barre de largeur nulle, non.
TRAIT_VISIBLE_PX = 4


def _barres(figure: Figure, couleur: str) -> list[Rectangle]:
    return [
        p
        for p in figure.axes[0].patches
        if isinstance(p, Rectangle) and p.get_facecolor() == to_rgba(couleur)
    ]


def _largeur_px(figure: Figure, barre: Rectangle) -> float:
    return float(barre.get_window_extent(figure.canvas.get_renderer()).width)  # type: ignore[attr-defined]


def _etiquette(figure: Figure, texte: str) -> float:
    """Le bord gauche, en pixels, du texte de l'image qui dit exactement `texte`."""
    rendu = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    (trouve,) = [t for t in figure.axes[0].texts if t.get_text() == texte]
    return float(trouve.get_window_extent(rendu).x0)


def test_ville_a_zero_pour_cent_a_un_trait_de_sa_couleur_puis_son_etiquette() -> None:
    ligne = AvancementAxe(
        numero=1,
        libelle="I. Climat et transition écologique",
        nb_actions=3,
        nb_terminees=0,
        nb_abandonnees=0,
        moyenne=20.0,
        par_porteur=(MoyennePorteur(TERREBONNE, 2, 0.0), MoyennePorteur(NAMUR, 1, 60.0)),
    )
    donnees = DonneesAxes(titre="Avancement", au=AUJOURD_HUI, porteurs=(TERREBONNE, NAMUR), axes=(ligne,))
    figure = dessiner(donnees)
    (bleue,) = _barres(figure, TERREBONNE.couleur)
    assert _largeur_px(figure, bleue) >= TRAIT_VISIBLE_PX
    bout = bleue.get_window_extent(figure.canvas.get_renderer()).x1  # type: ignore[attr-defined]
    assert _etiquette(figure, "0\u00a0% (2)") > bout  # écrite après le trait, pas dessus


def test_indicateur_au_depart_ou_en_recul_a_un_trait() -> None:
    def indicateur(numero: int, valeur: float) -> EtatIndicateur:
        return EtatIndicateur(numero, f"Indicateur {numero}", 1, "t", 10.0, 20.0, valeur, AUJOURD_HUI)

    donnees = DonneesIndicateurs(
        titre="Indicateurs",
        au=AUJOURD_HUI,
        indicateurs=(indicateur(1, 10.0), indicateur(2, 8.0)),
        nb_autres=0,
    )
    figure = dessiner(donnees)
    barres = _barres(figure, COULEUR_EN_ROUTE)
    assert len(barres) == 2
    assert all(_largeur_px(figure, b) >= TRAIT_VISIBLE_PX for b in barres)


def _echeances(*titres_jours: tuple[str, int]) -> DonneesEcheances:
    echeances = tuple(
        Echeance(i, titre, 1, TERREBONNE, StatutAction.EN_COURS, AUJOURD_HUI + timedelta(days=jours), jours)
        for i, (titre, jours) in enumerate(titres_jours, start=1)
    )
    return DonneesEcheances(
        titre="Échéances",
        au=AUJOURD_HUI,
        horizon=AUJOURD_HUI + timedelta(days=90),
        porteurs=(TERREBONNE,),
        echeances=echeances,
        nb_en_retard=sum(e.en_retard for e in echeances),
        nb_autres=0,
        nb_autres_en_retard=0,
    )


def test_libelle_d_echeance_entier_quand_la_place_le_permet() -> None:
    long = "Accélérateur d'entreprises innovantes Terrebonne–Namur"
    figure = dessiner(_echeances((long, -6), ("Forum", 40), (long, 80)))
    textes = {t.get_text() for t in figure.axes[0].texts}
    assert f"#1 · {long} · en retard de 6\u00a0j" in textes  # écrit à droite du point
    assert f"#3 · {long} · dans 80\u00a0j" in textes  # écrit à gauche du point, au bout du graphique


def test_libelle_d_echeance_trop_long_coupe_et_dans_l_image() -> None:
    figure = dessiner(_echeances(("Très long titre " * 10, 0), ("Presque au bord " * 10, 80)))
    rendu = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    for texte in figure.axes[0].texts:
        cadre = texte.get_window_extent(rendu)
        assert cadre.x0 >= figure.bbox.x0, texte.get_text()
        assert cadre.x1 <= figure.bbox.x1, texte.get_text()
    textes = [t.get_text() for t in figure.axes[0].texts]
    assert any(t.startswith("#1 · Très long") and t.endswith("… · aujourd'hui") for t in textes)
    assert any(t.startswith("#2 · Presque") and t.endswith("… · dans 80\u00a0j") for t in textes)


def test_le_svg_est_le_meme_graphique_que_le_png_et_ne_change_pas_sans_raison() -> None:
    donnees = DonneesAxes(
        titre="Avancement moyen par axe — au 26 novembre 2026",
        au=AUJOURD_HUI,
        porteurs=(TERREBONNE, NAMUR),
        axes=(
            AvancementAxe(
                1,
                "I. Climat",
                2,
                1,
                0,
                80.0,
                (MoyennePorteur(TERREBONNE, 1, 60.0), MoyennePorteur(NAMUR, 1, 100.0)),
            ),
        ),
    )
    svg = dessiner_svg(donnees)
    assert svg.startswith(b"<?xml")
    assert b'width="864pt" height="486pt"' in svg  # 1200 × 675 px à 100 dpi, comme le PNG
    assert b"<script" not in svg
    assert b"<text" not in svg  # le texte est tracé : l'image ne dépend pas des polices du lecteur
    assert dessiner_svg(donnees) == svg  # ni date ni identifiant aléatoire
    assert dessiner_png(donnees).startswith(b"\x89PNG")
