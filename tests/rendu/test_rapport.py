"""Rapport PDF : relisible, court sans activité, textes hors latin-1, identifiants lisibles."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
from pypdf import PdfReader
from sqlmodel import Session

from bot.base import BaseDonnees
from metier.membres import definir_ville, noter_membres
from metier.rapport.donnees import Rapport, rassembler_rapport
from metier.serveurs import amorcer_serveur
from rendu.mise_en_page import identifiant_lisible, texte_imprimable
from rendu.rapport import produire_pdf
from tests.scenarios import ALICE, MAINTENANT, SERVEUR, TERREBONNE, Scenario, remplir


@pytest.fixture
def rempli(base: BaseDonnees) -> BaseDonnees:
    """La base avec le scénario de deux années."""
    base.transaction(remplir)
    return base


def _rapport(base: BaseDonnees, annee: int = 2026, maintenant: datetime = MAINTENANT) -> Rapport:
    return base.lecture(rassembler_rapport, guild_id=SERVEUR, annee=annee, maintenant=maintenant)


def _texte(pdf: bytes) -> tuple[PdfReader, list[str]]:
    lecteur = PdfReader(io.BytesIO(pdf))
    # Les titres longs passent à la ligne : on compare le texte aux espaces près.
    return lecteur, [" ".join(page.extract_text().split()) for page in lecteur.pages]


def test_le_pdf_se_relit(rempli: BaseDonnees) -> None:
    rempli.transaction(noter_membres, guild_id=SERVEUR, noms={ALICE: "Alice Tremblay"}, maintenant=MAINTENANT)
    rapport = _rapport(rempli)
    pdf = produire_pdf(rapport)
    assert pdf.startswith(b"%PDF-")
    lecteur, pages = _texte(pdf)
    nombre = len(lecteur.pages)
    assert 5 <= nombre <= 12
    couverture = pages[0]
    assert "Protocole de collaboration 2024-2026" in couverture  # le titre signé, celui de l'édition
    assert "Rapport annuel 2026" in couverture
    assert "Ville de Terrebonne Ville de Namur" in couverture
    assert "Produit le jeudi 26 novembre 2026" in couverture
    tout = "\n".join(pages)
    for section in rapport.sections:
        assert section.libelle in tout
    assert "Plantation de 500 arbres" in tout
    assert "Alice Tremblay" in tout
    assert f"ID {ALICE}" not in tout  # le nom suffit
    assert "mise en œuvre" in tout
    assert "Comité de suivi du protocole" in tout
    assert "Comptes rendus des séances de 2026" in tout
    assert "1. Lancer l'appel à projets jeunesse" in tout
    assert "Prochaines étapes : Relancer l'UQTR sur les mobilités" in tout
    assert "Présents : Terrebonne 1 · Namur 1" in tout
    assert "Présents par ville : Terrebonne 1 · Namur 1. 1 compte rendu de séance." in tout
    assert f"Page 2 / {nombre}" in pages[1]
    assert f"Page {nombre} / {nombre}" in pages[-1]
    assert "Secret" not in tout
    signets = [s.title for s in lecteur.outline if not isinstance(s, list)]
    assert signets[0] == "Synthèse de l'année 2026"
    assert "II. Le développement social et économique" in signets
    assert signets[-1] == "Annexe — Réunions de 2026"
    assert lecteur.metadata is not None
    assert lecteur.metadata.title == "Protocole de collaboration 2024-2026 — Rapport annuel 2026"


def test_un_responsable_jamais_vu_est_designe_par_son_identifiant(rempli: BaseDonnees) -> None:
    _, pages = _texte(produire_pdf(_rapport(rempli)))
    assert f"ID {ALICE}" in "\n".join(pages)


def test_un_nom_compose_trop_large_passe_a_la_ligne_apres_son_trait_d_union(rempli: BaseDonnees) -> None:
    nom = "Marie-Ève Gagnon-Lefebvre-Desrosiers"
    rempli.transaction(noter_membres, guild_id=SERVEUR, noms={ALICE: nom}, maintenant=MAINTENANT)
    rempli.transaction(
        definir_ville,
        guild_id=SERVEUR,
        membre_id=ALICE,
        nom=nom,
        ville=TERREBONNE,
        auteur_id=ALICE,
        maintenant=MAINTENANT,
    )
    lecteur = PdfReader(io.BytesIO(produire_pdf(_rapport(rempli))))
    lignes = [ligne.strip() for page in lecteur.pages for ligne in page.extract_text().splitlines()]
    morceaux = [
        ligne for ligne in lignes if "Gagnon" in ligne or "Lefebvre" in ligne or "Desrosiers" in ligne
    ]
    assert morceaux
    # Trop large pour la colonne : coupé après un trait d'union, jamais au milieu d'un mot.
    mots = {"Marie", "Ève", "Gagnon", "Lefebvre", "Desrosiers", ""}
    assert all(set(m.split("-")) <= mots for m in morceaux), morceaux
    assert "(Terrebonne)" in lignes


def test_une_annee_sans_activite_donne_un_rapport_court(base: BaseDonnees) -> None:
    base.transaction(amorcer_serveur, SERVEUR)
    rapport = _rapport(base, 2024)
    assert rapport.est_vide
    assert rapport.graphiques == ()
    lecteur, pages = _texte(produire_pdf(rapport))
    assert len(lecteur.pages) == 2
    assert "Rapport annuel 2024" in pages[0]
    assert "Aucune activité n'est enregistrée pour 2024" in pages[1]


def test_textes_hors_latin_1_ne_font_pas_echouer_le_pdf(base: BaseDonnees) -> None:
    def scenario(session: Session) -> None:
        amorcer_serveur(session, SERVEUR)
        s = Scenario(session, SERVEUR, ALICE)
        for i, titre in enumerate(
            ["Cœur de l'œuvre 🌳🌳 ✨", "مدينة نامور", "Ελληνικά · Кириллица · 日本語", "👩🏽‍🔬", "W" * 200]
        ):
            s.action(f"2026-0{i + 1}-01T12:00", titre, 1 + i % 3, partenaires="UNamur 🎓")

    base.transaction(scenario)
    _, pages = _texte(produire_pdf(_rapport(base)))
    tout = "\n".join(pages)
    assert "Cœur de l'œuvre" in tout
    assert "Ελληνικά · Кириллица" in tout
    assert "W" * 15 in tout  # un mot plus large que la colonne passe à la ligne, sans rien perdre
    assert tout.count("W") == 200


def test_identifiant_lisible() -> None:
    assert identifiant_lisible(123456789012345678) == "ID 123456 789012 345678"
    assert identifiant_lisible(42) == "ID 42"


def test_texte_imprimable() -> None:
    assert texte_imprimable("Plantation 🌳 d'arbres") == "Plantation d'arbres"
    assert texte_imprimable("👩🏽‍🔬 Recherche") == "Recherche"
    assert texte_imprimable("Cœur — « œuvre »") == "Cœur — « œuvre »"
    assert texte_imprimable("日本") == "□□"
    # L'arabe est écrit de droite à gauche : remis dans l'ordre d'affichage, le reste en place.
    assert texte_imprimable("Ville مدينة 2026") == "Ville ةنيدم 2026"
