"""`/rapport annuel` à travers simcord : droits, années refusées, progression, fichiers joints, limite."""

import csv
import io

import discord
import pytest
from pypdf import PdfReader

from commandes.rapport import repartir, taille_lisible
from tests.scenarios import TITRE_INTERNATIONAL, remplir

# Le rapport attend le processus de dessin (matplotlib, fpdf2) : plusieurs secondes sur une machine
# chargée, au-delà des 5 s que simcord accorde par défaut. Ces tests n'avancent pas l'horloge virtuelle.
pytestmark = pytest.mark.simcord(settle_timeout=30)


@pytest.fixture
def serveur(simcord_env):
    """Un serveur avec une coordinatrice (rôle de coordination configuré) et un membre ordinaire."""
    guild = simcord_env.create_guild("Jumelage")
    coordination = guild.create_role("Coordination")
    return {
        "guild": guild,
        "role": coordination,
        "salon": guild.create_text_channel("suivi"),
        "coord": guild.add_member(simcord_env.create_user("coord"), roles=[coordination]),
        "alice": guild.add_member(simcord_env.create_user("alice")),
    }


@pytest.fixture
async def rempli(simcord_env, serveur):
    """Le scénario de deux années, transposé sur ce serveur, et son rôle de coordination configuré."""
    bot = simcord_env.bot
    guild_id = serveur["guild"].id
    await simcord_env.settle()
    bot.base.transaction(remplir, guild_id, serveur["alice"].id)
    admin = serveur["guild"].create_role("Admin", permissions=discord.Permissions(manage_guild=True))
    proprietaire = serveur["guild"].add_member(simcord_env.create_user("owner"), roles=[admin])
    await proprietaire.slash(serveur["salon"], "config role-coordination", role=serveur["role"])
    return serveur


def _contenus(simcord_env) -> list[str]:
    return [
        r.json.get("content") or ""
        for r in simcord_env.http_requests
        if r.method == "PATCH" and "/messages/@original" in r.path and r.json
    ]


async def test_la_coordination_recoit_le_pdf_et_les_deux_csv(simcord_env, rempli) -> None:
    resultat = await rempli["coord"].slash(rempli["salon"], "rapport annuel", annee=2026)
    assert not resultat.ephemeral
    message = resultat.response
    assert message.content.startswith("📄 **Rapport annuel 2026** du protocole de coopération")
    assert "4 actions suivies" in message.content
    fichiers = {f.filename: await f.read() for f in message.attachments}
    assert list(fichiers) == ["rapport-2026.pdf", "actions-2026.csv", "mesures-indicateurs-2026.csv"]

    pdf = PdfReader(io.BytesIO(fichiers["rapport-2026.pdf"]))
    texte = " ".join(" ".join(page.extract_text().split()) for page in pdf.pages)
    assert "Rapport annuel 2026" in texte
    assert "III. Les échanges universitaires" in texte
    assert "Plantation de 500 arbres" in texte
    assert "alice" in texte  # le nom affiché du responsable, pas seulement son identifiant

    actions = list(
        csv.DictReader(io.StringIO(fichiers["actions-2026.csv"].decode("utf-8-sig")), delimiter=";")
    )
    assert TITRE_INTERNATIONAL in [ligne["Titre"] for ligne in actions]
    # Alice n'a rien fait depuis que le bot relève les noms : demandé à Discord, puis gardé en base.
    assert {ligne["Responsable"] for ligne in actions} == {"alice"}
    mesures = fichiers["mesures-indicateurs-2026.csv"].decode("utf-8-sig").splitlines()
    assert mesures[0].split(";")[:3] == ["N° indicateur", "Indicateur", "Axe"]
    assert len(mesures) == 4

    etapes = _contenus(simcord_env)
    assert "⏳ Préparation du rapport 2026 : collecte des données…" in etapes
    # Une seule fonction produit le PDF (la même que la ligne de commande) : une étape pour elle.
    assert "⏳ Préparation du rapport 2026 : graphiques (6) et mise en page du PDF…" in etapes


async def test_un_membre_ordinaire_est_refuse(simcord_env, rempli) -> None:
    resultat = await rempli["alice"].slash(rempli["salon"], "rapport annuel", annee=2026)
    assert resultat.ephemeral
    assert "réservée à la coordination du protocole" in resultat.response.content
    assert not resultat.response.attachments


@pytest.mark.parametrize(
    ("annee", "extrait"),
    [(2027, "L'année 2027 n'est pas encore commencée"), (2099, "L'année 2099 n'est pas encore commencée")],
)
async def test_une_annee_future_est_refusee(simcord_env, rempli, annee, extrait) -> None:
    resultat = await rempli["coord"].slash(rempli["salon"], "rapport annuel", annee=annee)
    assert resultat.ephemeral
    assert extrait in resultat.response.content
    assert "Choisissez une année de 2024 à 2026." in resultat.response.content


async def test_les_bornes_de_l_annee_sont_declarees_a_discord(simcord_env) -> None:
    commande = simcord_env.bot.tree.get_command("rapport").get_command("annuel")
    annee = commande.parameters[0]
    assert (annee.name, annee.min_value, annee.max_value) == ("annee", 2024, 2100)
    assert annee.description == "Année du rapport, de 2024 à l'année en cours"


async def test_une_annee_d_avant_le_protocole_est_refusee(simcord_env, rempli) -> None:
    # Discord refuse déjà sous 2024 ; la règle le refuse aussi, par exemple depuis un client modifié.
    from metier.erreurs import ErreurMetier
    from metier.rapport.donnees import verifier_annee

    with pytest.raises(ErreurMetier, match="commence en 2024"):
        verifier_annee(2023, simcord_env.bot.maintenant())


async def test_serveur_sans_activite_donne_un_rapport_court(simcord_env, serveur) -> None:
    admin = serveur["guild"].create_role("Admin", permissions=discord.Permissions(manage_guild=True))
    responsable = serveur["guild"].add_member(simcord_env.create_user("owner"), roles=[admin])
    resultat = await responsable.slash(serveur["salon"], "rapport annuel", annee=2025)
    assert "aucune activité enregistrée" in resultat.response.content
    pdf = next(f for f in resultat.response.attachments if f.filename == "rapport-2025.pdf")
    lecteur = PdfReader(io.BytesIO(await pdf.read()))
    assert len(lecteur.pages) == 2


async def test_un_pdf_trop_lourd_pour_le_serveur_est_signale_et_les_csv_partent(
    simcord_env, rempli, monkeypatch
) -> None:
    monkeypatch.setattr(discord.Guild, "filesize_limit", property(lambda _guild: 20_000))
    resultat = await rempli["coord"].slash(rempli["salon"], "rapport annuel", annee=2026)
    message = resultat.response
    assert [f.filename for f in message.attachments] == ["actions-2026.csv", "mesures-indicateurs-2026.csv"]
    assert "Trop lourd pour ce serveur, dont la limite d'envoi est de 20\u00a0ko : rapport-2026.pdf (" in (
        message.content
    )
    assert f"python -m bot rapport 2026 --serveur {rempli['guild'].id}" in message.content


def test_repartir_respecte_la_limite() -> None:
    fichiers = [("a.pdf", b"x" * 900), ("b.csv", b"y" * 300), ("c.csv", b"z" * 200), ("d.pdf", b"w" * 2000)]
    envois, trop_gros = repartir(fichiers, 1000)
    assert [[nom for nom, _ in lot] for lot in envois] == [["a.pdf"], ["b.csv", "c.csv"]]
    assert [nom for nom, _ in trop_gros] == ["d.pdf"]
    assert taille_lisible(12_900_000) == "12,3\u00a0Mo"
    assert taille_lisible(20_000) == "20\u00a0ko"
