"""`/indicateur` : la ligne d'un indicateur, la correction et la suppression d'une mesure."""

from datetime import date

import discord
import pytest
from sqlmodel import select

from bot.client import Passerelle
from commandes.indicateurs import ligne_indicateur
from metier.actions.indicateurs import EtatIndicateur
from metier.formats import format_pourcentage
from modeles import Mesure
from tests.outils import redemarrer


def test_la_liste_arrondit_comme_le_graphique_et_le_rapport() -> None:
    etat = EtatIndicateur(1, "Étudiants en mobilité", 3, "étudiants", 0.0, 40.0, 13.0, date(2026, 5, 1))
    assert etat.progression == 32.5
    assert format_pourcentage(32.5) == "33\u00a0%"  # le graphique et le PDF
    assert "33\u00a0%" in ligne_indicateur(etat)


# --- /indicateur corriger et supprimer-mesure, à travers simcord -----------------------------------


@pytest.fixture
def serveur(simcord_env):
    """Un serveur avec une coordinatrice (Gérer le serveur), Alice qui mesure, et Bob."""
    guild = simcord_env.create_guild("Jumelage")
    admin = guild.create_role("Admin", permissions=discord.Permissions(manage_guild=True))
    return {
        "salon": guild.create_text_channel("suivi"),
        "coord": guild.add_member(simcord_env.create_user("coord"), roles=[admin]),
        "alice": guild.add_member(simcord_env.create_user("alice")),
        "bob": guild.add_member(simcord_env.create_user("bob")),
    }


@pytest.fixture
async def mesure_du_20(simcord_env, serveur):
    """Indicateur n° 1 (12 → 30 t CO₂) mesuré par Alice : 15 le 1er octobre, 18 le 20 novembre 2026."""
    salon, alice = serveur["salon"], serveur["alice"]
    await alice.slash(
        salon,
        "indicateur ajouter",
        nom="Émissions évitées",
        axe=1,
        unite="t CO₂",
        cible="30",
        valeur_depart="12",
    )
    await alice.slash(salon, "indicateur mesurer", indicateur="1", valeur="15", date="2026-10-01")
    await alice.slash(salon, "indicateur mesurer", indicateur="1", valeur="18", date="2026-11-20")
    return serveur


def _mesures(bot: Passerelle) -> list[tuple[str, float]]:
    return bot.base.lecture(
        lambda s: [(m.date.isoformat(), m.valeur) for m in s.exec(select(Mesure).order_by(Mesure.date))]
    )


async def test_corriger_une_mesure(simcord_env, mesure_du_20) -> None:
    salon, alice = mesure_du_20["salon"], mesure_du_20["alice"]
    choix = await alice.autocomplete(salon, "indicateur corriger", "mesure", "nov", indicateur="1")
    assert choix == [{"name": "20 nov. 2026 : 18", "value": "2026-11-20"}]
    resultat = await alice.slash(
        salon, "indicateur corriger", indicateur="1", mesure="2026-11-20", valeur="21"
    )
    assert not resultat.ephemeral
    premiere_ligne = resultat.response.content.splitlines()[0]
    assert premiere_ligne == (
        f"Mesure corrigée pour **n° 1** Émissions évitées (par {alice.mention}) : "
        "mesure du 20 nov. 2026 : 18 → 21 t CO₂."
    )
    assert "dernière mesure : **21 t CO₂** le 20 nov. 2026" in resultat.response.content
    assert _mesures(simcord_env.bot) == [("2026-10-01", 15.0), ("2026-11-20", 21.0)]


async def test_corriger_la_date_dit_l_ancienne_et_la_nouvelle(simcord_env, mesure_du_20) -> None:
    resultat = await mesure_du_20["alice"].slash(
        mesure_du_20["salon"], "indicateur corriger", indicateur="1", mesure="2026-11-20", date="19/11/2026"
    )
    assert "mesure du 20 nov. 2026 → 19 nov. 2026 : 18 t CO₂." in resultat.response.content


@pytest.mark.parametrize(
    ("membre", "options", "extrait"),
    [
        ("bob", {"valeur": "3"}, "Seules la personne qui a saisi cette mesure"),
        ("alice", {}, "Indiquez ce qui change"),
        ("alice", {"valeur": "trois"}, "La nouvelle valeur « trois » n'est pas un nombre"),
        ("alice", {"date": "2023-12-31"}, "avant le début du protocole"),
        ("alice", {"date": "2026-12-01"}, "est dans le futur"),
        ("alice", {"mesure": "2026-11-21", "valeur": "3"}, "n'a pas de mesure le 21 nov. 2026"),
        ("alice", {"indicateur": "9", "valeur": "3"}, "Il n'y a pas d'indicateur n° 9"),
    ],
)
async def test_correction_refusee_en_prive(simcord_env, mesure_du_20, membre, options, extrait) -> None:
    options = {"indicateur": "1", "mesure": "2026-11-20", **options}
    resultat = await mesure_du_20[membre].slash(mesure_du_20["salon"], "indicateur corriger", **options)
    assert resultat.ephemeral
    assert extrait in resultat.response.content
    assert _mesures(simcord_env.bot) == [("2026-10-01", 15.0), ("2026-11-20", 18.0)]


async def test_supprimer_une_mesure_demande_confirmation(simcord_env, mesure_du_20) -> None:
    salon, coord = mesure_du_20["salon"], mesure_du_20["coord"]
    choix = await coord.autocomplete(salon, "indicateur supprimer-mesure", "mesure", "", indicateur="1")
    assert [c["value"] for c in choix] == ["2026-11-20", "2026-10-01"]
    demande = await coord.slash(salon, "indicateur supprimer-mesure", indicateur="1", mesure="2026-11-20")
    assert demande.ephemeral
    assert demande.response.content == (
        "Supprimer la mesure du 20 nov. 2026 (18 t CO₂) de **n° 1** Émissions évitées ? "
        "Relancez la commande avec l'option `confirmer` à « True ». Rien n'a été supprimé."
    )
    assert len(_mesures(simcord_env.bot)) == 2
    faite = await coord.slash(
        salon, "indicateur supprimer-mesure", indicateur="1", mesure="2026-11-20", confirmer=True
    )
    assert not faite.ephemeral
    assert faite.response.content.splitlines()[0] == (
        f"Mesure supprimée de **n° 1** Émissions évitées (par {coord.mention}) : "
        "mesure du 20 nov. 2026 : 18 t CO₂ (gardée au journal)."
    )
    assert "dernière mesure : **15 t CO₂** le 1 oct. 2026" in faite.response.content
    assert _mesures(simcord_env.bot) == [("2026-10-01", 15.0)]


@pytest.mark.parametrize("confirmer", [False, True])
async def test_suppression_refusee_a_un_autre_membre(simcord_env, mesure_du_20, confirmer) -> None:
    resultat = await mesure_du_20["bob"].slash(
        mesure_du_20["salon"],
        "indicateur supprimer-mesure",
        indicateur="1",
        mesure="2026-11-20",
        confirmer=confirmer,
    )
    assert resultat.ephemeral
    assert "Seules la personne qui a saisi cette mesure" in resultat.response.content
    assert len(_mesures(simcord_env.bot)) == 2


# --- /indicateur liste [edition] après un renouvellement --------------------------------------------


async def test_liste_par_edition_apres_un_renouvellement(
    simcord_env, mesure_du_20, reglages, horloge
) -> None:
    salon, coord, alice = mesure_du_20["salon"], mesure_du_20["coord"], mesure_du_20["alice"]
    await coord.slash(
        salon, "protocole renouveler", titre="Protocole 2027-2029", debut="2027-01-01", fin="2029-12-31"
    )
    # Aucune action ouverte : pas de boutons ; l'indicateur a suivi son axe.
    assert "1 indicateur suit son axe" in salon.last_message.content
    await alice.slash(salon, "indicateur ajouter", nom="Vélos partagés", axe=2, unite="vélos", cible="50")
    await redemarrer(simcord_env, Passerelle(reglages, horloge=horloge))

    courante = await alice.slash(salon, "indicateur liste")
    embed = courante.response.embeds[0]
    assert embed.title == "Indicateurs de performance"
    assert [c.name for c in embed.fields] == ["I · n° 1 Émissions évitées", "II · n° 2 Vélos partagés"]
    passee = await alice.slash(salon, "indicateur liste", edition="2024-2026")
    embed = passee.response.embeds[0]
    assert embed.title == "Indicateurs de performance — édition 2024-2026"
    assert embed.description.startswith("Édition 2024-2026, telle qu'à sa fin (31 déc. 2026)")
    # Vélos, né avant la fin de 2024-2026 (le 26 novembre), y compte aussi, comme dans le rapport 2026.
    assert [c.name for c in embed.fields] == ["I · n° 1 Émissions évitées", "II · n° 2 Vélos partagés"]
    vide = await alice.slash(salon, "indicateur liste", axe=3, edition="2024-2026")
    assert vide.ephemeral
    assert vide.response.content == (
        "Aucun indicateur dans l'axe III de l'édition 2024-2026 : voyez l'édition en vigueur "
        "(sans l'option `edition`)."
    )
    # L'autocomplétion des indicateurs (mesurer, corriger…) propose ceux de l'édition en vigueur.
    choix = await alice.autocomplete(salon, "indicateur mesurer", "indicateur", "")
    assert [c["value"] for c in choix] == ["2", "1"]
    editions = await alice.autocomplete(salon, "indicateur liste", "edition", "")
    assert [c["value"] for c in editions] == ["2027-2029", "2024-2026"]


@pytest.mark.parametrize("edition", ["1999", "2019-2021", "<@&123>", "x" * 100])
async def test_liste_d_une_edition_inconnue(simcord_env, mesure_du_20, edition) -> None:
    resultat = await mesure_du_20["alice"].slash(mesure_du_20["salon"], "indicateur liste", edition=edition)
    assert resultat.ephemeral
    assert resultat.response.content == (
        f"« {edition[:40]} » n'est pas une édition du protocole sur ce serveur. "
        "Choisissez l'une de : 2024-2026."
    )
