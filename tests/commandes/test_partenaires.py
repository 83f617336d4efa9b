"""`/partenaire` et l'option `partenaires` de `/action` à travers simcord."""

import discord
import pytest
from sqlmodel import col, select

from bot.client import Passerelle
from modeles import EntreeJournal, Partenaire


@pytest.fixture
def serveur(simcord_env):
    """Un serveur avec une coordinatrice (Gérer le serveur) et un membre ordinaire."""
    guild = simcord_env.create_guild("Jumelage")
    admin = guild.create_role("Admin", permissions=discord.Permissions(manage_guild=True))
    return {
        "guild": guild,
        "salon": guild.create_text_channel("suivi"),
        "coord": guild.add_member(simcord_env.create_user("coord"), roles=[admin]),
        "alice": guild.add_member(simcord_env.create_user("alice")),
    }


def _registre(bot: Passerelle) -> tuple[list[tuple[str, str | None, str]], int]:
    def lire(session):
        partenaires = [
            (p.nom, p.ville, p.type) for p in session.exec(select(Partenaire).order_by(col(Partenaire.id)))
        ]
        return partenaires, len(session.exec(select(EntreeJournal)).all())

    return bot.base.lecture(lire)


async def test_ajouter_puis_voir_avec_ses_actions(simcord_env, serveur) -> None:
    ajout = await serveur["coord"].slash(
        serveur["salon"],
        "partenaire ajouter",
        nom="Cégep Terrebonne",
        ville="terrebonne",
        type="association",
        nom_complet="Cégep régional de Lanaudière à Terrebonne",
    )
    assert not ajout.ephemeral
    assert "Partenaire **Cégep Terrebonne** inscrit au registre" in ajout.response.content
    choix = await serveur["alice"].autocomplete(
        serveur["salon"], "action ajouter", "partenaires", "UNamur, ceg"
    )
    assert [c["value"] for c in choix] == ["UNamur, Cégep Terrebonne"]
    choix = await serveur["alice"].autocomplete(serveur["salon"], "action ajouter", "partenaires", "u")
    assert [c["value"] for c in choix] == ["UNamur", "UQTR"]
    await serveur["alice"].slash(
        serveur["salon"],
        "action ajouter",
        titre="Stages croisés",
        axe=3,
        partenaires="UNamur, cegep terrebonne",
    )
    await serveur["alice"].slash(serveur["salon"], "action avancement", action="1", pourcentage=40)

    vue = await serveur["alice"].slash(serveur["salon"], "partenaire voir", partenaire="CÉGEP terrebonne")
    assert vue.ephemeral
    embed = vue.response.embeds[0]
    assert (embed.title, embed.description) == (
        "Cégep Terrebonne",
        "Cégep régional de Lanaudière à Terrebonne",
    )
    champs = {c.name: c.value for c in embed.fields}
    assert (champs["Ville"], champs["Type"]) == ("Terrebonne", "association")
    assert champs["Actions (1)"] == "**#1** Stages croisés — en cours, ▰▰▰▰▱▱▱▱▱▱ 40\u00a0%"

    liste = await serveur["alice"].slash(serveur["salon"], "partenaire liste")
    lignes = liste.response.embeds[0].description.split("\n")
    assert lignes[0] == "**BEP** — organisme public, Namur (Bureau économique de la province de Namur)"
    assert (
        "**Cégep Terrebonne** — association, Terrebonne (Cégep régional de Lanaudière à Terrebonne)" in lignes
    )


async def test_modifier_renomme_jusque_sur_les_actions(simcord_env, serveur) -> None:
    await serveur["alice"].slash(serveur["salon"], "action ajouter", titre="Forum", axe=2, partenaires="ccim")
    modif = await serveur["coord"].slash(
        serveur["salon"], "partenaire modifier", partenaire="CCIM", nom="CCI Les Moulins", ville="aucune"
    )
    assert "nom : « CCIM » → « CCI Les Moulins »" in modif.response.content
    assert "ville : « terrebonne » → « — »" in modif.response.content
    fiche = await serveur["alice"].slash(serveur["salon"], "action voir", action="1")
    assert {c.name: c.value for c in fiche.response.embeds[0].fields}["Partenaires"] == "CCI Les Moulins"


@pytest.mark.parametrize(
    ("commande", "options", "extrait"),
    [
        ("ajouter", {"nom": "unamur"}, "Le partenaire « UNamur » est déjà au registre"),
        ("ajouter", {"nom": "ÙNAMUR"}, "Le partenaire « UNamur » est déjà au registre"),
        ("ajouter", {"nom": "   "}, "Le nom du partenaire ne peut pas être vide"),
        ("ajouter", {"nom": "N" * 41}, "41 caractères ; 40 au plus"),
        ("ajouter", {"nom": "Laval", "ville": "Montréal"}, "« Montréal » n'est pas une ville partenaire"),
        ("ajouter", {"nom": "Laval", "type": "T" * 41}, "Le type fait 41 caractères"),
        ("modifier", {"partenaire": "BEP", "nom": "uqtr"}, "Le partenaire « UQTR » est déjà au registre"),
        ("modifier", {"partenaire": "Inconnu", "type": "entreprise"}, "« Inconnu » n'est pas au registre"),
        ("modifier", {"partenaire": "BEP"}, "Indiquez au moins un champ"),
    ],
)
async def test_les_saisies_refusees_ne_changent_rien(
    simcord_env, serveur, commande, options, extrait
) -> None:
    await serveur["alice"].slash(serveur["salon"], "partenaire liste")  # le serveur est amorcé
    avant = _registre(simcord_env.bot)
    reponse = await serveur["coord"].slash(serveur["salon"], f"partenaire {commande}", **options)
    assert reponse.ephemeral
    assert extrait in reponse.response.content
    assert _registre(simcord_env.bot) == avant


@pytest.mark.parametrize(
    ("commande", "options"),
    [("ajouter", {"nom": "Laval"}), ("modifier", {"partenaire": "BEP", "type": "entreprise"})],
)
async def test_un_membre_ordinaire_ne_change_rien(simcord_env, serveur, commande, options) -> None:
    await serveur["alice"].slash(serveur["salon"], "partenaire liste")
    avant = _registre(simcord_env.bot)
    reponse = await serveur["alice"].slash(serveur["salon"], f"partenaire {commande}", **options)
    assert reponse.ephemeral
    assert "réservée à la coordination du protocole" in reponse.response.content
    assert _registre(simcord_env.bot) == avant
