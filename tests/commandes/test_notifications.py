"""Rappels qui notifient : un rôle choisi, et lui seul ; refus des rôles qui ne conviennent pas.

Le rappel en privé : tests/commandes/test_rappels_prives.py."""

from datetime import UTC, datetime

import discord
import pytest
from sqlmodel import select

from modeles import Reunion

LUNDI_MIDI = datetime(2027, 3, 15, 12, 0, tzinfo=UTC)  # semaine à 5 h
RAPPEL = datetime(2027, 3, 16, 13, 0, 5, tzinfo=UTC)  # une heure avant le mardi 10 h à Terrebonne


@pytest.fixture
async def serveur(simcord_env, horloge):
    horloge.instant = LUNDI_MIDI
    guild = simcord_env.create_guild("Jumelage")
    admin = guild.create_role("Admin", permissions=discord.Permissions(manage_guild=True))
    monde = {
        "guild": guild,
        "salon": guild.create_text_channel("reunions"),
        "groupe": guild.create_role("Groupe de travail", mentionable=True),
        "autre": guild.create_role("Comité", mentionable=True),
        "muet": guild.create_role("Discret", mentionable=False),
        "gere": guild.create_role("Bot d'un tiers", mentionable=True, managed=True),
        "alice": guild.add_member(simcord_env.create_user("alice"), roles=[admin]),
        "bob": guild.add_member(simcord_env.create_user("bob")),
    }
    await simcord_env.settle()
    return monde


async def _planifier(serveur, **options):
    valeurs = {
        "titre": "Comité @everyone <@&1>",
        "date": "2027-03-16",
        "heure": "10:00",
        "ville": "terrebonne",
        "rappels": "1h",
    } | options
    return await serveur["alice"].slash(serveur["salon"], "reunion planifier", **valeurs)


def _rappel(simcord_env, serveur):
    messages = [m for m in serveur["salon"].history() if m.embeds and m.embeds[0].title.startswith("🔔")]
    assert len(messages) == 1
    return messages[0], simcord_env.backend.get_message(serveur["salon"].id, messages[0].id)


async def _jusqu_au_rappel(simcord_env, horloge) -> None:
    await simcord_env.advance_time((RAPPEL - horloge()).total_seconds())


async def test_le_rappel_ne_notifie_que_le_role_choisi(simcord_env, serveur, horloge) -> None:
    resultat = await _planifier(serveur, notifier=serveur["groupe"])
    assert not resultat.ephemeral, resultat.response.content
    rappels = {c.name: c.value for c in resultat.response.embeds[0].fields}["Rappels"]
    assert f"Ils mentionnent {serveur['groupe'].mention}." in rappels

    await _jusqu_au_rappel(simcord_env, horloge)
    message, brut = _rappel(simcord_env, serveur)
    assert message.content == serveur["groupe"].mention
    assert brut.ping_role_ids == [serveur["groupe"].id]
    assert brut.ping_user_ids == []
    assert not brut.mention_everyone  # le titre contient « @everyone » : personne d'autre n'est notifié


async def test_sans_role_le_rappel_ne_notifie_personne(simcord_env, serveur, horloge) -> None:
    await _planifier(serveur)
    await _jusqu_au_rappel(simcord_env, horloge)
    message, brut = _rappel(simcord_env, serveur)
    assert message.content == ""
    assert (brut.ping_role_ids, brut.mention_everyone) == ([], False)


async def test_role_du_serveur_et_role_de_la_reunion(simcord_env, serveur, horloge) -> None:
    refus = await serveur["bob"].slash(serveur["salon"], "config role-rappels", role=serveur["groupe"])
    assert refus.ephemeral
    assert "réservée à la coordination" in refus.response.content
    choix = await serveur["alice"].slash(serveur["salon"], "config role-rappels", role=serveur["groupe"])
    assert "les rappels mentionneront" in choix.response.content
    await _planifier(serveur, notifier=serveur["autre"], titre="Comité restreint")
    await _planifier(serveur, titre="Comité de suivi", heure="10:05")

    await simcord_env.advance_time((datetime(2027, 3, 16, 13, 5, 5, tzinfo=UTC) - horloge()).total_seconds())
    rappels = [m for m in serveur["salon"].history() if m.embeds and m.embeds[0].title.startswith("🔔")]
    pings = {
        m.embeds[0].title: simcord_env.backend.get_message(serveur["salon"].id, m.id).ping_role_ids
        for m in rappels
    }
    assert pings == {
        "🔔 Rappel : Comité restreint": [serveur["autre"].id],
        "🔔 Rappel : Comité de suivi": [serveur["groupe"].id],
    }

    await serveur["alice"].slash(serveur["salon"], "config role-rappels")  # sans rôle : plus rien
    voir = await serveur["alice"].slash(serveur["salon"], "config voir")
    assert (
        "Aucun : les rappels ne notifient personne"
        in {c.name: c.value for c in voir.response.embeds[0].fields}["Rôle notifié par les rappels"]
    )


@pytest.mark.parametrize(
    ("role", "extrait"),
    [
        ("everyone", "@everyone ne peut pas être notifié"),
        ("gere", "géré par une intégration"),
        ("muet", "Je ne peux pas mentionner"),
    ],
)
async def test_roles_refuses_sans_rien_enregistrer(simcord_env, serveur, role, extrait) -> None:
    choisi = serveur["guild"].default_role if role == "everyone" else serveur[role]
    # Un salon où le bot n'a pas « Mentionner @everyone, @here et tous les rôles » : un rôle non
    # mentionnable n'y notifierait personne.
    discret = serveur["guild"].create_text_channel(
        "discret", overwrites={simcord_env.bot.user: discord.PermissionOverwrite(mention_everyone=False)}
    )
    await simcord_env.settle()
    await serveur["alice"].slash(serveur["salon"], "config salon-rappels", salon=discret)
    resultat = await _planifier(serveur, notifier=choisi)
    assert resultat.ephemeral
    assert extrait in resultat.response.content
    assert simcord_env.bot.base.lecture(lambda s: s.exec(select(Reunion)).all()) == []
    config = await serveur["alice"].slash(serveur["salon"], "config role-rappels", role=choisi)
    assert config.ephemeral
    assert extrait in config.response.content
