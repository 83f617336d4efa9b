"""`/config` à travers simcord : droits, salons, horaire du résumé, journal."""

from datetime import UTC, datetime

import discord
import pytest
from sqlmodel import select

from metier.serveurs import lire_configuration
from modeles import EntreeJournal


@pytest.fixture
def serveur(simcord_env):
    """Un serveur avec un administrateur, une coordinatrice et un membre ordinaire."""
    guild = simcord_env.create_guild("Jumelage")
    general = guild.create_text_channel("general")
    coordination = guild.create_role("Coordination")
    admin_role = guild.create_role("Admin", permissions=discord.Permissions(manage_guild=True))
    return {
        "guild": guild,
        "general": general,
        "resume": guild.create_text_channel("resume"),
        "role": coordination,
        "admin": guild.add_member(simcord_env.create_user("admin"), roles=[admin_role]),
        "coord": guild.add_member(simcord_env.create_user("coord"), roles=[coordination]),
        "membre": guild.add_member(simcord_env.create_user("membre")),
    }


def _journal(bot):
    return bot.base.lecture(lambda s: [(e.champ, e.nouveau) for e in s.exec(select(EntreeJournal))])


def _config(bot, guild):
    return bot.base.lecture(lire_configuration, guild.id).config


async def test_un_membre_ordinaire_est_refuse_et_rien_ne_change(simcord_env, serveur) -> None:
    resultat = await serveur["membre"].slash(
        serveur["general"], "config salon-resume", salon=serveur["resume"]
    )

    assert resultat.ephemeral
    assert "réservée à la coordination" in resultat.response.content
    assert "Rien n'a été modifié" in resultat.response.content
    assert _config(simcord_env.bot, serveur["guild"]).salon_resume_id is None
    assert _journal(simcord_env.bot) == []


async def test_gerer_le_serveur_permet_de_configurer(simcord_env, serveur) -> None:
    resultat = await serveur["admin"].slash(
        serveur["general"], "config salon-resume", salon=serveur["resume"]
    )

    assert f"<#{serveur['resume'].id}>" in resultat.response.content
    assert _config(simcord_env.bot, serveur["guild"]).salon_resume_id == serveur["resume"].id
    assert _journal(simcord_env.bot) == [("salon_resume_id", str(serveur["resume"].id))]


async def test_le_role_de_coordination_donne_le_droit(simcord_env, serveur) -> None:
    refuse = await serveur["coord"].slash(serveur["general"], "config salon-rappels", salon=serveur["resume"])
    assert "réservée à la coordination" in refuse.response.content

    await serveur["admin"].slash(serveur["general"], "config role-coordination", role=serveur["role"])
    accepte = await serveur["coord"].slash(
        serveur["general"], "config salon-rappels", salon=serveur["resume"]
    )

    assert "les rappels seront publiés" in accepte.response.content
    config = _config(simcord_env.bot, serveur["guild"])
    assert (config.role_coordination_id, config.salon_rappels_id) == (
        serveur["role"].id,
        serveur["resume"].id,
    )


async def test_everyone_refuse_comme_role_de_coordination(simcord_env, serveur) -> None:
    guild = serveur["guild"]
    resultat = await serveur["admin"].slash(
        serveur["general"], "config role-coordination", role=guild.default_role
    )
    assert "@everyone ne peut pas" in resultat.response.content
    assert _config(simcord_env.bot, guild).role_coordination_id is None


async def test_salon_ou_le_bot_ne_peut_pas_publier_est_refuse(simcord_env, serveur) -> None:
    guild = serveur["guild"]
    muet = guild.create_text_channel(
        "muet", overwrites={guild.default_role: discord.PermissionOverwrite(send_messages=False)}
    )
    resultat = await serveur["admin"].slash(serveur["general"], "config salon-resume", salon=muet)

    assert resultat.ephemeral
    assert "Je ne peux pas publier dans" in resultat.response.content
    assert "« Envoyer des messages »" in resultat.response.content
    assert _config(simcord_env.bot, guild).salon_resume_id is None


async def test_salon_supprime_est_signale(simcord_env, serveur) -> None:
    guild = serveur["guild"]
    await serveur["admin"].slash(serveur["general"], "config salon-resume", salon=serveur["resume"])
    simcord_env.backend.delete_channel(serveur["resume"].id)
    await simcord_env.settle()

    vue = await serveur["admin"].slash(serveur["general"], "config voir")

    champs = {c.name: c.value for c in vue.response.embeds[0].fields}
    assert "n'existe plus" in champs["Salon du résumé hebdomadaire"]
    assert _config(simcord_env.bot, guild).salon_resume_id == serveur["resume"].id


async def test_voir_donne_des_indications_sur_ce_qui_manque(simcord_env, serveur) -> None:
    vue = await serveur["membre"].slash(serveur["general"], "config voir")

    assert vue.ephemeral
    champs = {c.name: c.value for c in vue.response.embeds[0].fields}
    assert "le résumé hebdomadaire ne sera pas publié" in champs["Salon du résumé hebdomadaire"]
    assert "/config salon-resume" in champs["Salon du résumé hebdomadaire"]
    assert "Terrebonne (America/Toronto)" in champs["Villes partenaires"]
    # Lundi 9 h à Terrebonne = 15 h à Namur en novembre.
    assert (
        "Chaque lundi à 09\u00a0h\u00a000 à Terrebonne (15\u00a0h\u00a000 à Namur"
        in champs["Horaire du résumé"]
    )


async def test_resume_horaire_dans_l_horloge_de_namur(simcord_env, serveur, horloge) -> None:
    resultat = await serveur["admin"].slash(
        serveur["general"], "config resume-horaire", jour=4, heure="14 h 30", ville="namur"
    )

    assert "chaque vendredi à 14\u00a0h\u00a030 à Namur" in resultat.response.content
    assert "Terrebonne : 08\u00a0h\u00a030" in resultat.response.content
    vendredi = datetime(2026, 11, 27, 13, 30, tzinfo=UTC)  # 14 h 30 à Namur
    assert f"<t:{int(vendredi.timestamp())}:F>" in resultat.response.content
    config = _config(simcord_env.bot, serveur["guild"])
    assert (config.resume_jour, config.resume_heure.hour, config.resume_ville) == (4, 14, "namur")


async def test_resume_horaire_dit_comment_une_heure_abregee_a_ete_comprise(simcord_env, serveur) -> None:
    abregee = await serveur["admin"].slash(
        serveur["general"], "config resume-horaire", jour=0, heure="10:", ville="terrebonne"
    )
    complete = await serveur["admin"].slash(
        serveur["general"], "config resume-horaire", jour=0, heure="10 h", ville="terrebonne"
    )

    assert "chaque lundi à 10\u00a0h\u00a000 à Terrebonne" in abregee.response.content
    assert abregee.response.content.endswith("\nℹ️ « 10: » compris comme 10\u00a0h\u00a000.")
    assert "compris comme" not in complete.response.content


@pytest.mark.parametrize(
    ("heure", "extrait"),
    [
        ("25:00", "les heures vont de 0 à 23"),
        ("9h75", "les minutes vont de 00 à 59"),
        ("demain", "Heure non reconnue"),
        ("   ", "Indiquez une heure"),
    ],
)
async def test_resume_horaire_refuse_une_heure_invalide(simcord_env, serveur, heure, extrait) -> None:
    resultat = await serveur["admin"].slash(
        serveur["general"], "config resume-horaire", jour=0, heure=heure, ville="terrebonne"
    )
    assert resultat.ephemeral
    assert extrait in resultat.response.content
    assert _journal(simcord_env.bot) == []


async def test_resume_horaire_refuse_une_ville_inconnue(simcord_env, serveur) -> None:
    resultat = await serveur["admin"].slash(
        serveur["general"], "config resume-horaire", jour=0, heure="9h", ville="Paris"
    )
    assert "n'est pas une ville partenaire" in resultat.response.content
    assert "Terrebonne, Namur" in resultat.response.content


async def test_autocompletion_des_villes(simcord_env, serveur) -> None:
    choix = await serveur["admin"].autocomplete(
        serveur["general"], "config resume-horaire", "ville", "na", jour=0, heure="9h"
    )
    assert choix == [{"name": "Namur", "value": "namur"}]
