"""`/membre` à travers simcord : chacun dit sa ville, la coordination celle des autres ; rapports et liste."""

import discord
import pytest
from sqlmodel import select

from metier.membres import noms_des_membres
from modeles import EntreeJournal


@pytest.fixture
def serveur(simcord_env):
    guild = simcord_env.create_guild("Jumelage")
    admin = guild.create_role("Admin", permissions=discord.Permissions(manage_guild=True))
    return {
        "guild": guild,
        "salon": guild.create_text_channel("general"),
        "coord": guild.add_member(simcord_env.create_user("coord"), roles=[admin]),
        "alice": guild.add_member(simcord_env.create_user("alice")),
        "bob": guild.add_member(simcord_env.create_user("bob")),
    }


def _noms(bot, serveur) -> dict[int, str]:
    ids = [serveur[n].id for n in ("coord", "alice", "bob")]
    return bot.base.lecture(noms_des_membres, serveur["guild"].id, ids)


def _journal(bot) -> list[tuple[str, str | None, str | None]]:
    return bot.base.lecture(
        lambda s: [
            (e.champ, e.ancien, e.nouveau) for e in s.exec(select(EntreeJournal)) if e.entite == "membre"
        ]
    )


async def test_chacun_dit_sa_ville_et_les_rapports_la_disent_apres_le_nom(simcord_env, serveur) -> None:
    alice, salon = serveur["alice"], serveur["salon"]
    choix = await alice.autocomplete(salon, "membre ville", "ville", "nam")
    assert [c["value"] for c in choix] == ["namur"]

    resultat = await alice.slash(salon, "membre ville", ville="namur")

    assert resultat.ephemeral
    assert "Votre ville est désormais **Namur**" in resultat.response.content
    assert _noms(simcord_env.bot, serveur)[alice.id] == "alice (Namur)"
    assert _journal(simcord_env.bot) == [("ville", None, "namur")]

    encore = await alice.slash(salon, "membre ville", ville="Namur")
    assert "était déjà Namur : rien n'a changé" in encore.response.content
    efface = await alice.slash(salon, "membre ville", ville="aucune")
    assert "Votre ville est effacée" in efface.response.content
    assert _noms(simcord_env.bot, serveur)[alice.id] == "alice"
    assert _journal(simcord_env.bot) == [("ville", None, "namur"), ("ville", "namur", None)]


async def test_la_ville_d_un_autre_est_reservee_a_la_coordination(simcord_env, serveur) -> None:
    alice, bob, salon = serveur["alice"], serveur["bob"], serveur["salon"]

    refuse = await alice.slash(salon, "membre ville", ville="terrebonne", membre=bob)
    assert refuse.ephemeral
    assert "réservée à la coordination" in refuse.response.content
    assert _noms(simcord_env.bot, serveur)[bob.id] == "bob"  # nom relevé, ville inchangée
    assert _journal(simcord_env.bot) == []

    accepte = await serveur["coord"].slash(salon, "membre ville", ville="terrebonne", membre=bob)
    assert f"La ville de <@{bob.id}> est désormais **Terrebonne**" in accepte.response.content
    assert _noms(simcord_env.bot, serveur)[bob.id] == "bob (Terrebonne)"


@pytest.mark.parametrize("saisie", ["Paris", "   ", "x" * 80, "terrebonne; DROP TABLE membre"])
async def test_une_ville_qui_n_est_pas_partenaire_est_refusee(simcord_env, serveur, saisie) -> None:
    resultat = await serveur["alice"].slash(serveur["salon"], "membre ville", ville=saisie)

    assert resultat.ephemeral
    assert "n'est pas une ville partenaire de ce serveur. Choisissez : Terrebonne, Namur." in (
        resultat.response.content
    )
    assert _journal(simcord_env.bot) == []


async def test_la_liste_groupe_les_membres_par_ville_sans_les_mentionner(simcord_env, serveur) -> None:
    salon = serveur["salon"]
    await serveur["alice"].slash(salon, "membre ville", ville="namur")
    await serveur["coord"].slash(salon, "membre ville", ville="terrebonne", membre=serveur["bob"])

    resultat = await serveur["alice"].slash(salon, "membre liste")

    assert resultat.ephemeral
    (embed,) = resultat.response.embeds
    champs = {champ.name: champ.value for champ in embed.fields}
    assert champs == {"Terrebonne (1)": "bob", "Namur (1)": "alice", "Ville inconnue (1)": "coord"}
    assert "<@" not in str(champs)
