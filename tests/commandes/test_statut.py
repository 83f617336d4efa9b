"""`/statut` : réservé à la coordination ; base, schéma, prochaines publications, incidents, atelier."""

from datetime import UTC, datetime

import discord
import pytest

from bot.atelier import EtatAtelier
from commandes.statut import decrire_atelier, duree_en_mots

LUNDI_MIDI = datetime(2027, 3, 15, 12, 0, tzinfo=UTC)  # le résumé (09 h à Terrebonne) est à 13 h UTC


@pytest.fixture
async def serveur(simcord_env, horloge):
    horloge.instant = LUNDI_MIDI
    guild = simcord_env.create_guild("Jumelage")
    admin = guild.create_role("Admin", permissions=discord.Permissions(manage_guild=True))
    monde = {
        "guild": guild,
        "salon": guild.create_text_channel("reunions"),
        "autre": guild.create_text_channel("rappels"),
        "alice": guild.add_member(simcord_env.create_user("alice"), roles=[admin]),
        "bob": guild.add_member(simcord_env.create_user("bob")),
    }
    await simcord_env.settle()
    return monde


def _champs(resultat) -> dict[str, str]:
    return {champ.name: champ.value for champ in resultat.response.embeds[0].fields}


async def test_statut_reserve_a_la_coordination(simcord_env, serveur) -> None:
    resultat = await serveur["bob"].slash(serveur["salon"], "statut")
    assert resultat.ephemeral
    assert "réservée à la coordination" in resultat.response.content
    assert not resultat.response.embeds


async def test_statut_montre_la_file_et_les_incidents_avec_leur_raison(
    simcord_env, serveur, url_base
) -> None:
    alice, salon = serveur["alice"], serveur["salon"]
    await alice.slash(salon, "config salon-rappels", salon=serveur["autre"])
    for titre, jour, rappels in (("Comité", "2027-03-16", "2h"), ("Atelier vélo", "2027-03-18", "1h")):
        resultat = await alice.slash(
            salon,
            "reunion planifier",
            titre=titre,
            date=jour,
            heure="10:00",
            ville="terrebonne",
            rappels=rappels,
        )
        assert not resultat.ephemeral, resultat.response.content

    resultat = await alice.slash(salon, "statut")
    assert resultat.ephemeral
    embed = resultat.response.embeds[0]
    assert embed.title == "État de Passerelle"
    assert "Version **0.1.0**" in embed.description
    champs = _champs(resultat)
    genre = "SQLite" if url_base.startswith("sqlite") else "PostgreSQL"
    assert champs["Base de données"].startswith(genre)
    assert "✅ à jour (révision " in champs["Base de données"]
    prochaines = champs["Prochaines publications"].splitlines()
    # Le résumé du lundi 09 h à Terrebonne (15 h à Namur), puis le rappel du comité (2 h avant).
    assert (
        prochaines[0] == "• Le résumé hebdomadaire — lundi 15 mars 2027 · "
        "Terrebonne 09\u00a0h\u00a000 · Namur 14\u00a0h\u00a000"
    )
    assert (
        prochaines[1]
        == "• Le rappel — mardi 16 mars 2027 · Terrebonne 08\u00a0h\u00a000 · Namur 13\u00a0h\u00a000"
    )
    assert len(prochaines) <= 5
    assert champs["Incidents des 7 derniers jours (retards, sautées, échecs)"].startswith("✅ Aucun")
    assert champs["Atelier (graphiques et PDF)"].startswith("⚪ arrêté")
    if genre == "PostgreSQL":
        assert champs["Plusieurs processus (PostgreSQL)"].startswith("👑 meneur")
    else:
        assert "Plusieurs processus (PostgreSQL)" not in champs

    simcord_env.inject_error(
        "POST", f"/channels/{serveur['autre'].id}/messages", status=403, code=50013, times=None
    )
    await simcord_env.advance_time((datetime(2027, 3, 16, 12, 0, 5, tzinfo=UTC) - LUNDI_MIDI).total_seconds())
    incidents = _champs(await alice.slash(salon, "statut"))[
        "Incidents des 7 derniers jours (retards, sautées, échecs)"
    ]
    assert "Le rappel du mardi 16 mars 2027 · Terrebonne 08\u00a0h\u00a000" in incidents
    assert "**en reprise** — permission refusée dans le salon" in incidents
    assert "**sauté** — aucun salon choisi" in incidents  # le résumé : pas de salon de résumé

    await simcord_env.advance_time(3600)
    incidents = _champs(await alice.slash(salon, "statut"))[
        "Incidents des 7 derniers jours (retards, sautées, échecs)"
    ]
    assert "**abandonné** — permission refusée dans le salon" in incidents
    assert "(5 essais)" in incidents

    simcord_env.bot.etats_annexes["Page web"] = lambda: "🟢 en ligne sur http://127.0.0.1:8080"
    champs = _champs(await alice.slash(salon, "statut"))
    assert champs["Page web"] == "🟢 en ligne sur http://127.0.0.1:8080"


def test_descriptions() -> None:
    from datetime import timedelta

    assert duree_en_mots(timedelta(days=3, hours=4)) == "3\u00a0j 4\u00a0h"
    assert duree_en_mots(timedelta(minutes=12)) == "12\u00a0min"
    actif = EtatAtelier(actif=True, pid=4321, travaux=3, dernier_travail=None, inactivite=600)
    assert (
        decrire_atelier(actif) == "🟢 actif (processus 4321) · 3 dessin(s) depuis le démarrage · "
        "s'arrête après 10\u00a0min sans dessin"
    )
