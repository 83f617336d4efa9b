"""`/action importer` à travers simcord : essai à blanc privé, « Importer » / « Annuler », refus."""

from __future__ import annotations

import discord
import pytest
from simcord.actors import _component_interaction
from sqlmodel import select

from bot.client import Passerelle
from bot.limites import LIMITE_TOTAL
from commandes._importation import DELAI_CONFIRMATION
from metier.actions.export import ecrire_csv
from modeles import Action, CompteRendu, EntreeJournal, Livraison, MiseAJour, Reunion, StatutAction
from tests.outils import redemarrer

ACTIONS = ecrire_csv(
    ("N°", "Titre", "Axe", "Objectif", "Statut", "Avancement (%)", "Créée le"),
    [
        (1, "Mission commerciale à Namur", "II", "2.3", "terminée", 100, "2025-01-15"),
        (2, "Plantation de 500 arbres", "I", "1.1", "en cours", 40, "2025-02-10"),
    ],
)
HISTORIQUE = ecrire_csv(
    ("N°", "Date", "Avancement (%)", "Statut", "Note"),
    [
        (1, "2025-03-01", 40, None, None),
        (1, "12/06/2025", None, "terminée", "Bilan"),
        (2, "2025-06-01", 40, None, None),
    ],
)


@pytest.fixture
def serveur(simcord_env):
    """Un serveur avec une coordinatrice (Gérer le serveur) et deux membres ordinaires."""
    guild = simcord_env.create_guild("Jumelage")
    admin = guild.create_role("Admin", permissions=discord.Permissions(manage_guild=True))
    return {
        "guild": guild,
        "salon": guild.create_text_channel("suivi"),
        "coord": guild.add_member(simcord_env.create_user("coord"), roles=[admin]),
        "alice": guild.add_member(simcord_env.create_user("alice")),
    }


def _ecrit(bot: Passerelle) -> tuple[list[Action], int, int]:
    def lire(session):
        actions = list(session.exec(select(Action).order_by(Action.numero)))
        lignes = len(session.exec(select(MiseAJour)).all())
        imports = len(session.exec(select(EntreeJournal).where(EntreeJournal.entite == "importation")).all())
        return actions, lignes, imports

    return bot.base.lecture(lire)


async def _importer(serveur, membre="coord", **fichiers):
    fichiers.setdefault("fichier", ("actions.csv", ACTIONS))
    return await serveur[membre].slash(serveur["salon"], "action importer", **fichiers)


def _champs(message) -> dict[str, str]:
    return {champ.name: champ.value for champ in message.embeds[0].fields}


async def test_essai_a_blanc_prive_puis_importer(simcord_env, serveur) -> None:
    essai = await _importer(serveur, historique=("historique.csv", HISTORIQUE))
    assert essai.ephemeral
    embed = essai.response.embeds[0]
    assert embed.title == "Import — essai à blanc"
    champs = _champs(essai.response)
    assert (champs["Actions à créer"], champs["Faits datés"]) == ("2", "3 (déjà là : 0)")
    assert "expire dans 10 minutes" in embed.footer.text
    assert _ecrit(simcord_env.bot) == ([], 0, 0)  # l'essai à blanc n'écrit rien

    await serveur["coord"].click(essai.response, label="Importer")
    actions, lignes, imports = _ecrit(simcord_env.bot)
    assert [(a.numero, a.statut, a.avancement) for a in actions] == [
        (1, StatutAction.TERMINEE, 100),
        (2, StatutAction.EN_COURS, 40),
    ]
    assert (lignes, imports) == (5, 1)
    vu = essai.response  # le même message, mis à jour
    assert vu.embeds[0].title == "Import terminé"
    assert vu.components == []

    # Le même fichier une seconde fois : rien à faire, pas de bouton.
    encore = await _importer(serveur, historique=("historique.csv", HISTORIQUE))
    assert _champs(encore.response)["Inchangées"] == "2"
    assert "Rien à importer" in encore.response.embeds[0].footer.text
    assert encore.response.components == []


async def test_annuler_n_ecrit_rien(simcord_env, serveur) -> None:
    essai = await _importer(serveur)
    await serveur["coord"].click(essai.response, label="Annuler")
    vu = essai.response
    assert vu.content == "Import annulé : rien n'a été écrit."
    assert _ecrit(simcord_env.bot) == ([], 0, 0)


async def test_reserve_a_la_coordination(simcord_env, serveur) -> None:
    refus = await _importer(serveur, membre="alice")
    assert refus.ephemeral
    assert "réservée à la coordination du protocole" in refus.response.content
    assert _ecrit(simcord_env.bot) == ([], 0, 0)


async def test_un_fichier_de_10_mo_est_refuse_avant_d_etre_lu(simcord_env, serveur) -> None:
    gros = ACTIONS + b"x" * (10 * 1024 * 1024)
    refus = await _importer(serveur, fichier=("registre.csv", gros))
    assert refus.ephemeral
    assert "pèse 10\u00a0Mo : l'import accepte 8\u00a0Mo au plus" in refus.response.content
    assert _ecrit(simcord_env.bot) == ([], 0, 0)


async def test_les_erreurs_sont_dites_avec_leur_ligne_sans_bouton(simcord_env, serveur) -> None:
    fautif = ecrire_csv(
        ("N°", "Titre", "Axe", "Objectif", "Avancement (%)"),
        [(1, "Bon", "I", "1.1", 10), (2, "Axe inconnu", "IV", "", 0), (3, "Trop", "I", "1.7", 120)]
        + [(10 + i, f"Action {i}", "V", "", 0) for i in range(30)],
    )
    essai = await _importer(serveur, fichier=("fautif.csv", fautif))
    erreurs = essai.response.embeds[0].description
    assert "**32 erreurs** — rien ne sera écrit" in erreurs
    assert "fautif.csv, ligne 3 : l'axe « IV » n'existe pas sur ce serveur" in erreurs
    assert "fautif.csv, ligne 4 : l'objectif 1.7 n'existe pas dans l'axe I" in erreurs
    montrees = erreurs.count("\n• ")
    assert f"… et {32 - montrees} autres" in erreurs
    assert len(essai.response.embeds[0]) <= LIMITE_TOTAL
    assert essai.response.components == []
    assert _ecrit(simcord_env.bot) == ([], 0, 0)


async def test_la_proposition_expire(simcord_env, serveur) -> None:
    essai = await _importer(serveur)
    await simcord_env.advance_time(DELAI_CONFIRMATION.total_seconds() + 1)
    vu = essai.response
    assert vu.content.startswith("⌛ Proposition expirée : rien n'a été écrit.")
    assert vu.components == []
    assert _ecrit(simcord_env.bot) == ([], 0, 0)


async def test_importer_apres_un_redemarrage_est_refuse(simcord_env, serveur, reglages, horloge) -> None:
    essai = await _importer(serveur)
    await redemarrer(simcord_env, Passerelle(reglages, horloge=horloge))
    refus = await serveur["coord"].click(essai.response, label="Importer")
    assert refus.ephemeral
    assert "Cette proposition d'import a expiré (10 minutes) ou a déjà servi" in refus.response.content
    assert _ecrit(simcord_env.bot) == ([], 0, 0)


async def test_importer_par_un_autre_membre_est_refuse(simcord_env, serveur) -> None:
    """Discord ne montre pas l'essai à blanc (éphémère) aux autres ; un clic rejoué est refusé quand même."""
    essai = await _importer(serveur)
    stocke = simcord_env.backend.get_message(essai.response.channel_id, essai.response.id)
    [bouton] = [c for rangee in stocke.components for c in rangee["components"] if c["label"] == "Importer"]
    refus = await _component_interaction(
        serveur["alice"], stocke, {"custom_id": bouton["custom_id"], "component_type": 2}
    )
    assert refus.ephemeral
    assert "réservés à la personne qui a lancé l'import" in refus.response.content
    assert _ecrit(simcord_env.bot) == ([], 0, 0)
    # La proposition reste valable pour la personne qui l'a lancée.
    await serveur["coord"].click(essai.response, label="Importer")
    assert len(_ecrit(simcord_env.bot)[0]) == 2


REUNIONS = ecrire_csv(
    ("Date", "Heure", "Ville de l'heure (Terrebonne/Namur)", "Titre", "Durée (min)", "Présents", "Décisions"),
    [
        (
            "2025-03-11",
            "10h",
            "Terrebonne",
            "Comité de suivi",
            "90",
            "coord ; Hélène Absente",
            "Lancer l'appel",
        ),
        ("2025-06-12", "15:30", "Namur", "Forum économique", "", "coord", ""),
    ],
)


async def test_les_reunions_tenues_s_importent_sans_rien_publier(simcord_env, serveur) -> None:
    essai = await _importer(serveur, reunions=("reunions.csv", REUNIONS))
    champs = _champs(essai.response)
    assert champs["Réunions tenues"] == "2 (déjà là : 0)"
    assert "aucun membre connu ne s'appelle « Hélène Absente »" in champs["Avertissements (1)"]
    await serveur["coord"].click(essai.response, label="Importer")
    assert _champs(essai.response)["Réunions tenues"] == "2 (déjà là : 0)"

    def lire(session):
        reunions = list(session.exec(select(Reunion).order_by(Reunion.numero)))
        return reunions, list(session.exec(select(CompteRendu))), list(session.exec(select(Livraison)))

    reunions, [compte_rendu], livraisons = simcord_env.bot.base.lecture(lire)
    assert [(r.titre, r.rappels, r.salon_id) for r in reunions] == [
        ("Comité de suivi", "aucun", None),
        ("Forum économique", "aucun", None),
    ]
    assert compte_rendu.presents == str(serveur["coord"].id)
    assert "Présents non reconnus à l'import : Hélène Absente" in compte_rendu.points
    assert [x for x in livraisons if x.reunion_id is not None] == []  # le résumé hebdomadaire seul
    await simcord_env.advance_time(3600)
    assert list(serveur["salon"].history()) == []  # ni rappel ni avis : l'essai était privé
    assert not simcord_env.backend.get_guild(serveur["guild"].id).scheduled_events  # aucun événement

    encore = await _importer(serveur, reunions=("reunions.csv", REUNIONS))
    assert _champs(encore.response)["Réunions tenues"] == "0 (déjà là : 2)"
    assert encore.response.components == []


async def test_une_reunion_future_est_refusee_avec_sa_ligne(simcord_env, serveur) -> None:
    future = ecrire_csv(
        ("Date", "Heure", "Ville de l'heure", "Titre"), [("2026-11-26", "18:00", "Namur", "Plus tard")]
    )
    essai = await _importer(serveur, reunions=("reunions.csv", future))
    erreurs = essai.response.embeds[0].description
    assert (
        "reunions.csv, ligne 2 : La réunion du jeudi 26 novembre 2026 à 18\u00a0h\u00a000 (heure de Namur)"
        in erreurs
    )
    assert "n'a pas encore eu lieu" in erreurs
    assert essai.response.components == []
    assert simcord_env.bot.base.lecture(lambda s: s.exec(select(Reunion)).all()) == []
