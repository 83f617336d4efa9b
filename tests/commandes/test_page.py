"""`/config page …` et `/reunion abonnement` à travers simcord : droits, liens secrets, réponses privées.

Le lien rendu est suivi jusqu'au bout : servi par la vraie application sur un vrai port, il ouvre
la page (ou l'agenda) ; renouvelé ou fermé, il mène à la 404.
"""

from __future__ import annotations

import re

import discord
import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlmodel import select

from bot.atelier import Atelier
from modeles import AbonnementAgenda, EntreeJournal, PageWeb
from web.app import Services, Site

LIEN = re.compile(r"http://127\.0\.0\.1:8080(/p/[A-Za-z0-9_-]{32}/)")
AGENDA = re.compile(r"http://127\.0\.0\.1:8080(/agenda/[A-Za-z0-9_-]{32}\.ics)")


@pytest.fixture
def serveur(simcord_env):
    guild = simcord_env.create_guild("Jumelage")
    admin_role = guild.create_role("Admin", permissions=discord.Permissions(manage_guild=True))
    return {
        "guild": guild,
        "general": guild.create_text_channel("general"),
        "admin": guild.add_member(simcord_env.create_user("admin"), roles=[admin_role]),
        "membre": guild.add_member(simcord_env.create_user("membre")),
    }


async def _statut(bot, chemin: str) -> int:
    site = Site(Services(base=bot.base, atelier=Atelier(), horloge=bot.maintenant))
    async with TestClient(TestServer(site.application())) as client:
        return (await client.get(chemin)).status


def _pages(bot) -> list[PageWeb]:
    return bot.base.lecture(lambda s: list(s.exec(select(PageWeb))))


async def test_seule_la_coordination_ouvre_la_page_et_le_lien_n_est_montre_qu_a_elle(
    simcord_env, serveur
) -> None:
    refuse = await serveur["membre"].slash(serveur["general"], "config page activer")
    assert refuse.ephemeral
    assert "réservée à la coordination" in refuse.response.content
    assert _pages(simcord_env.bot) == []

    ouverte = await serveur["admin"].slash(serveur["general"], "config page activer")
    assert ouverte.ephemeral
    chemin = LIEN.search(ouverte.response.content)
    assert chemin is not None, ouverte.response.content
    assert "privée" in ouverte.response.content
    assert await _statut(simcord_env.bot, chemin.group(1)) == 200
    # La base ne garde que l'empreinte ; le journal dit que la page est ouverte, sans le lien.
    [page] = _pages(simcord_env.bot)
    assert page.ouverte
    assert chemin.group(1).split("/")[2] not in (page.empreinte or "")
    journal = simcord_env.bot.base.lecture(
        lambda s: [(e.champ, e.nouveau) for e in s.exec(select(EntreeJournal))]
    )
    assert ("ouverte", "True") in journal
    assert all(chemin.group(1).split("/")[2] not in str(valeur) for _, valeur in journal)

    deja = await serveur["admin"].slash(serveur["general"], "config page activer")
    assert deja.ephemeral
    assert "déjà ouverte" in deja.response.content
    assert "/config page renouveler" in deja.response.content


async def test_renouveler_puis_desactiver(simcord_env, serveur) -> None:
    ouverte = await serveur["admin"].slash(serveur["general"], "config page activer", mode="publique")
    assert "publique" in ouverte.response.content
    ancien = LIEN.search(ouverte.response.content).group(1)

    renouvele = await serveur["admin"].slash(serveur["general"], "config page renouveler")
    assert renouvele.ephemeral
    nouveau = LIEN.search(renouvele.response.content).group(1)
    assert nouveau != ancien
    assert await _statut(simcord_env.bot, ancien) == 404
    assert await _statut(simcord_env.bot, nouveau) == 200

    refuse = await serveur["membre"].slash(serveur["general"], "config page desactiver")
    assert "réservée à la coordination" in refuse.response.content
    fermee = await serveur["admin"].slash(serveur["general"], "config page desactiver")
    assert fermee.ephemeral
    assert "fermée" in fermee.response.content
    assert await _statut(simcord_env.bot, nouveau) == 404
    encore = await serveur["admin"].slash(serveur["general"], "config page renouveler")
    assert "n'est pas ouverte" in encore.response.content


async def test_abonnement_a_l_agenda(simcord_env, serveur) -> None:
    avant = await serveur["membre"].slash(serveur["general"], "reunion abonnement")
    assert avant.ephemeral
    assert "/config page activer" in avant.response.content
    assert simcord_env.bot.base.lecture(lambda s: list(s.exec(select(AbonnementAgenda)))) == []

    await serveur["admin"].slash(serveur["general"], "config page activer")
    premier = await serveur["membre"].slash(serveur["general"], "reunion abonnement")
    assert premier.ephemeral
    chemin = AGENDA.search(premier.response.content).group(1)
    assert "Outlook" in premier.response.content
    assert await _statut(simcord_env.bot, chemin) == 200

    # Redemander donne un nouveau lien et désactive l'ancien (celui du membre seulement).
    second = await serveur["membre"].slash(serveur["general"], "reunion abonnement")
    nouveau = AGENDA.search(second.response.content).group(1)
    assert nouveau != chemin
    assert await _statut(simcord_env.bot, chemin) == 404
    assert await _statut(simcord_env.bot, nouveau) == 200
    await serveur["admin"].slash(serveur["general"], "config page desactiver")
    assert await _statut(simcord_env.bot, nouveau) == 404


async def test_config_voir_dit_si_la_page_est_ouverte(simcord_env, serveur) -> None:
    def champ(resultat) -> str:
        return next(
            f.value for f in resultat.response.embeds[0].fields if f.name == "Page de suivi et agendas"
        )

    fermee = await serveur["membre"].slash(serveur["general"], "config voir")
    assert "Fermée" in champ(fermee)
    await serveur["admin"].slash(serveur["general"], "config page activer", mode="publique")
    ouverte = await serveur["membre"].slash(serveur["general"], "config voir")
    assert "Ouverte, publique" in champ(ouverte)
    assert "/p/" not in champ(ouverte)  # le lien n'est jamais remontré
