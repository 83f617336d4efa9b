"""Affichage partagé des cogs : lignes jointes dans les limites de Discord, textes saisis neutralisés."""

from commandes._affichage import barre, joindre, texte_saisi


def test_joindre_compte_ce_qui_ne_tient_pas() -> None:
    lignes = [f"ligne {i}" for i in range(10)]
    assert joindre(lignes[:2], 1024, renvoi="/action liste") == "ligne 0\nligne 1"
    texte = joindre(lignes, 60, autres=27, renvoi="/action liste")
    assert texte == "ligne 0\nligne 1\nligne 2\n… et 34 autres — voir /action liste"
    assert len(texte) <= 60


def test_joindre_coupe_une_premiere_ligne_trop_longue_plutot_que_de_la_perdre() -> None:
    assert joindre(["x" * 200], 50) == "x" * 49 + "…"
    assert joindre(["x" * 200, "y"], 50) == "x" * 36 + "…\n… et 1 autre"


def test_texte_saisi_neutralise_mentions_et_markdown() -> None:
    texte = texte_saisi("@everyone **gras** " + "é" * 300, 100)
    assert "@everyone" not in texte
    assert "\\*\\*gras" in texte
    assert len(texte) == 100


def test_barre() -> None:
    assert barre(0) == "▱" * 10 + " 0\u00a0%"
    assert barre(30) == "▰▰▰▱▱▱▱▱▱▱ 30\u00a0%"
    assert barre(100) == "▰" * 10 + " 100\u00a0%"
