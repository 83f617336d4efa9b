"""`/action` et `/indicateur` à travers simcord, comme un membre les utilise."""

import csv
import io
from datetime import UTC, datetime

import discord
import pytest
from sqlmodel import select

from bot.client import Passerelle
from bot.limites import LIMITE_TOTAL
from modeles import Action, MiseAJour, StatutAction
from rendu.couleurs import BLEU_PASSERELLE, ROUGE_RETARD
from tests.outils import redemarrer


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
        "bob": guild.add_member(simcord_env.create_user("bob")),
    }


def _actions(bot: Passerelle) -> list[Action]:
    return bot.base.lecture(lambda s: list(s.exec(select(Action).order_by(Action.numero))))


async def _ajouter(serveur, membre="alice", **options):
    options.setdefault("titre", "Plantation de 500 arbres")
    options.setdefault("axe", 1)
    return await serveur[membre].slash(serveur["salon"], "action ajouter", **options)


async def test_ajouter_puis_voir(simcord_env, serveur) -> None:
    resultat = await _ajouter(
        serveur, objectif="1.1", ville="namur", echeance="31/03/2027", partenaires="UNamur, BEP"
    )
    assert not resultat.ephemeral
    assert "Action **#1** ajoutée" in resultat.response.content
    embed = resultat.response.embeds[0]
    assert embed.title == "#1 — Plantation de 500 arbres"
    champs = {c.name: c.value for c in embed.fields}
    assert champs["Axe"] == "I. Climat et transition écologique"
    assert champs["Ville porteuse"] == "Namur"
    assert champs["Responsable"] == f"<@{serveur['alice'].id}>"
    assert champs["Échéance"] == "31 mars 2027 (dans 125 jours)"
    assert champs["Partenaires"] == "UNamur, BEP"

    vue = await serveur["bob"].slash(serveur["salon"], "action voir", action="1")
    assert vue.response.embeds[0].title == "#1 — Plantation de 500 arbres"


@pytest.mark.parametrize(
    ("options", "extrait"),
    [
        ({"titre": "   "}, "Le titre ne peut pas être vide"),
        ({"axe": 7}, "L'axe 7 n'existe pas"),
        ({"echeance": "31/02/2027"}, "février 2027 compte 28 jours"),
        ({"echeance": "2027-13-01"}, "le mois doit être entre 1 et 12"),
        ({"echeance": "31/12/2023"}, "est avant le début du protocole"),
        ({"debut": "2023-05-01"}, "est avant le début du protocole"),
        ({"debut": "25/12/2026"}, "est dans le futur"),
        ({"debut": "mardi 3 juin 2026"}, "est un mercredi, pas un mardi"),
        ({"debut": "n'importe quand"}, "Date non reconnue"),
        ({"objectif": "3.1"}, "n'appartient pas à l'axe I"),
        ({"ville": "Montréal"}, "n'est pas une ville partenaire"),
    ],
)
async def test_ajouter_refuse_en_prive_et_n_enregistre_rien(simcord_env, serveur, options, extrait) -> None:
    resultat = await _ajouter(serveur, **options)
    assert resultat.ephemeral
    assert extrait in resultat.response.content
    assert _actions(simcord_env.bot) == []


async def test_les_bornes_sont_declarees_a_discord(simcord_env) -> None:
    groupe = simcord_env.bot.tree.get_command("action")
    options = {p.name: p for p in groupe.get_command("avancement").parameters}
    assert (options["pourcentage"].min_value, options["pourcentage"].max_value) == (0, 100)
    ajout = {p.name: p for p in groupe.get_command("ajouter").parameters}
    assert ajout["titre"].max_value == 200  # longueur maximale d'un texte
    assert ajout["description"].max_value == 1000


async def test_mentions_et_markdown_sont_montres_sans_notifier(simcord_env, serveur) -> None:
    titre = "@everyone @here <@&123> **gras ` cassé ||"
    resultat = await _ajouter(serveur, titre=titre)
    assert resultat.response.embeds[0].title.startswith("#1 — @everyone @here <@&123> \\*\\*gras")
    maj = await serveur["alice"].slash(
        serveur["salon"], "action avancement", action="1", pourcentage=10, note=titre
    )
    assert "@\u200beveryone" in maj.response.content
    for requete in simcord_env.http_requests:
        if requete.path.endswith("/callback"):
            assert requete.json["data"]["allowed_mentions"] == {"parse": []}
    message = serveur["salon"].last_message
    assert not message.mention_everyone
    assert message.role_mentions == []


async def test_avancement_a_100_propose_de_terminer_et_le_bouton_survit_au_redemarrage(
    simcord_env, serveur, reglages, horloge
) -> None:
    await _ajouter(serveur)
    resultat = await serveur["alice"].slash(
        serveur["salon"], "action avancement", action="#1", pourcentage=100
    )
    assert "l'action est-elle terminée ?" in resultat.response.content

    await redemarrer(simcord_env, Passerelle(reglages, horloge=horloge))
    refus = await serveur["bob"].click(resultat.response.message, label="Marquer comme terminée")
    assert refus.ephemeral
    assert "Seuls le responsable" in refus.response.content
    await serveur["alice"].click(resultat.response.message, label="Marquer comme terminée")

    action = _actions(simcord_env.bot)[0]
    assert (action.statut, action.avancement) == (StatutAction.TERMINEE, 100)
    assert "🎉 L'action **#1**" in serveur["salon"].last_message.content


async def test_droits_sur_les_actions_des_autres(simcord_env, serveur) -> None:
    await _ajouter(serveur)
    refus = await serveur["bob"].slash(serveur["salon"], "action statut", action="1", statut="en_pause")
    assert refus.ephemeral
    assert "Rien n'a été modifié" in refus.response.content
    accepte = await serveur["coord"].slash(serveur["salon"], "action statut", action="1", statut="en_pause")
    assert "**en pause**" in accepte.response.content
    assert _actions(simcord_env.bot)[0].statut == StatutAction.EN_PAUSE


async def test_modifier_dit_l_ancienne_et_la_nouvelle_valeur(simcord_env, serveur) -> None:
    await _ajouter(serveur, echeance="15/12/2026")
    alice, bob = serveur["alice"], serveur["bob"]

    echeance = await alice.slash(serveur["salon"], "action modifier", action="1", echeance="31/01/2027")
    assert echeance.response.content == (
        "**#1** Plantation de 500 arbres — échéance : 15 déc. 2026 → **31 janv. 2027** "
        f"(par {alice.mention})."
    )
    plusieurs = await alice.slash(
        serveur["salon"],
        "action modifier",
        action="1",
        titre="Plantation *de 800* arbres",
        axe=2,
        responsable=bob,
    )
    assert plusieurs.response.content == (
        "**#1** Plantation \\*de 800\\* arbres — titre : « Plantation de 500 arbres » → "
        "**« Plantation \\*de 800\\* arbres »**, axe : I → **II**, "
        f"responsable : {alice.mention} → **{bob.mention}** (par {alice.mention})."
    )


async def test_modifier_sans_changement_le_dit(simcord_env, serveur) -> None:
    await _ajouter(serveur, echeance="15/12/2026")
    resultat = await serveur["alice"].slash(
        serveur["salon"], "action modifier", action="1", echeance="15 décembre 2026", axe=1
    )
    assert resultat.response.content == (
        "**#1** Plantation de 500 arbres — rien à changer : l'action a déjà ces valeurs "
        f"(par {serveur['alice'].mention})."
    )


@pytest.mark.parametrize(
    ("action", "extrait"), [("99", "Il n'y a pas d'action #99"), ("abc", "n'est pas un numéro d'action")]
)
async def test_action_inconnue(simcord_env, serveur, action, extrait) -> None:
    resultat = await serveur["alice"].slash(serveur["salon"], "action voir", action=action)
    assert resultat.ephemeral
    assert extrait in resultat.response.content


async def test_action_d_un_autre_serveur_introuvable(simcord_env, serveur) -> None:
    await _ajouter(serveur)
    autre = simcord_env.create_guild("Autre")
    salon = autre.create_text_channel("general")
    membre = autre.add_member(simcord_env.create_user("zoe"))
    resultat = await membre.slash(salon, "action voir", action="1")
    assert "Il n'y a pas d'action #1 sur ce serveur" in resultat.response.content


async def test_archiver_masque_de_la_liste_et_de_l_autocompletion(simcord_env, serveur) -> None:
    await _ajouter(serveur, titre="Échange d'étudiants")
    await _ajouter(serveur, titre="Étude climat")
    choix = await serveur["alice"].autocomplete(serveur["salon"], "action voir", "action", "etud")
    assert [c["value"] for c in choix] == ["2", "1"]

    await serveur["alice"].slash(serveur["salon"], "action archiver", action="2")
    choix = await serveur["alice"].autocomplete(serveur["salon"], "action voir", "action", "etud")
    assert [c["value"] for c in choix] == ["1"]
    liste = await serveur["alice"].slash(serveur["salon"], "action liste")
    assert "Étude climat" not in liste.response.embeds[0].description
    revoir = await serveur["alice"].slash(serveur["salon"], "action voir", action="2")
    assert "archivée" in revoir.response.content


async def test_liste_paginee_reservee_a_l_auteur_et_persistante(
    simcord_env, serveur, reglages, horloge
) -> None:
    for i in range(12):
        await _ajouter(serveur, titre=f"Action {i:02d}")
    liste = await serveur["alice"].slash(serveur["salon"], "action liste")
    embed = liste.response.embeds[0]
    assert embed.title == "Actions — 12 au total, page 1/2"
    assert embed.description.count("**#") == 10

    refus = await serveur["bob"].click(liste.response.message, label="Suivante ▶")
    assert refus.ephemeral
    assert "réservés à la personne qui a demandé la liste" in refus.response.content

    await redemarrer(simcord_env, Passerelle(reglages, horloge=horloge))
    await serveur["alice"].click(liste.response.message, label="Suivante ▶")
    salon = simcord_env.bot.get_channel(serveur["salon"].id)
    rafraichi = await salon.fetch_message(liste.response.message.id)
    assert rafraichi.embeds[0].title == "Actions — 12 au total, page 2/2"
    assert rafraichi.embeds[0].description.count("**#") == 2


async def test_aucune_reponse_ne_depasse_les_limites_des_embeds(simcord_env, serveur) -> None:
    await _ajouter(serveur, titre="T" * 200, description="D" * 1000, partenaires=", ".join(["P" * 30] * 9))
    for _ in range(6):
        await serveur["alice"].slash(
            serveur["salon"], "action avancement", action="1", pourcentage=50, note="N" * 1000
        )
    vue = await serveur["alice"].slash(serveur["salon"], "action voir", action="1")
    embed = vue.response.embeds[0]
    assert len(embed) <= LIMITE_TOTAL
    assert all(len(champ.value) <= 1024 for champ in embed.fields)
    historique = simcord_env.bot.base.lecture(lambda s: s.exec(select(MiseAJour)).all())
    assert len(historique) == 7


async def test_liste_met_les_closes_en_dernier_sans_redire_leur_statut(simcord_env, serveur) -> None:
    await _ajouter(serveur, titre="Ouverte proche", echeance="30/11/2026")
    await _ajouter(serveur, titre="Ouverte lointaine", echeance="01/06/2027")
    await _ajouter(serveur, titre="Abandonnée", echeance="15/12/2026")
    await _ajouter(serveur, titre="Terminée", echeance="01/12/2026")
    await serveur["alice"].slash(serveur["salon"], "action statut", action="3", statut="abandonnee")
    await serveur["alice"].slash(serveur["salon"], "action statut", action="4", statut="terminee")

    liste = await serveur["alice"].slash(serveur["salon"], "action liste")
    lignes = liste.response.embeds[0].description.split("\n")
    assert [ligne.split("**")[1] for ligne in lignes if ligne.startswith("**#")] == ["#1", "#2", "#4", "#3"]
    alice = serveur["alice"].mention
    assert lignes[-1] == f"\u2003I · 0\u00a0% · abandonnée · {alice}"
    assert lignes[-3] == f"\u2003I · 100\u00a0% · terminée · {alice}"
    assert lignes[1] == f"\u2003I · 0\u00a0% · proposée · dans 4 jours · {alice}"
    filtree = await serveur["alice"].slash(serveur["salon"], "action liste", statut="abandonnee")
    assert filtree.response.embeds[0].description.startswith("**#3** Abandonnée\n")


async def test_exporter_joint_deux_csv_lisibles(simcord_env, serveur) -> None:
    await _ajouter(serveur, titre="Forum « emploi » ; Namur")
    resultat = await serveur["alice"].slash(serveur["salon"], "action exporter")
    fichiers = resultat.response.attachments  # la réponse différée est remplacée par le suivi
    assert [f.filename for f in fichiers] == ["actions-2026-11-26.csv", "mesures-indicateurs-2026-11-26.csv"]
    contenu = await fichiers[0].read()
    lignes = list(csv.DictReader(io.StringIO(contenu.decode("utf-8-sig")), delimiter=";"))
    assert lignes[0]["Titre"] == "Forum « emploi » ; Namur"
    # Le nom relevé quand Alice a ajouté l'action ; son identifiant en dernière colonne, en texte.
    assert (lignes[0]["Responsable"], lignes[0]["Identifiant du responsable"]) == (
        "alice",
        f"ID {serveur['alice'].id}",
    )


async def test_exporter_date_les_fichiers_dans_la_ville_de_reference(simcord_env, serveur, horloge) -> None:
    # 30 novembre à Terrebonne (la ville de référence par défaut), déjà le 1er décembre à Namur.
    horloge.instant = datetime(2026, 12, 1, 4, 30, tzinfo=UTC)
    resultat = await serveur["alice"].slash(serveur["salon"], "action exporter")
    noms = [f.filename for f in resultat.response.attachments]
    assert noms == ["actions-2026-11-30.csv", "mesures-indicateurs-2026-11-30.csv"]


async def test_indicateur_ajouter_mesurer_lister(simcord_env, serveur) -> None:
    salon, alice = serveur["salon"], serveur["alice"]
    ajout = await alice.slash(
        salon,
        "indicateur ajouter",
        nom="Émissions évitées",
        axe=1,
        unite="t CO₂",
        cible="30",
        valeur_depart="12",
    )
    assert "Indicateur **n° 1** Émissions évitées ajouté" in ajout.response.content
    choix = await alice.autocomplete(salon, "indicateur mesurer", "indicateur", "emis")
    assert choix == [{"name": "n° 1 Émissions évitées", "value": "1"}]
    mesure = await alice.slash(salon, "indicateur mesurer", indicateur="1", valeur="18,5")
    assert "18,5 t CO₂" in mesure.response.content
    liste = await alice.slash(salon, "indicateur liste")
    champ = liste.response.embeds[0].fields[0]
    assert champ.name == "I · n° 1 Émissions évitées"
    assert "36\u00a0%" in champ.value  # (18,5 − 12) / (30 − 12)


@pytest.mark.parametrize(
    ("commande", "options", "extrait"),
    [
        (
            "indicateur ajouter",
            {"nom": "X", "axe": 1, "unite": "t", "cible": "5", "valeur_depart": "5"},
            "égale",
        ),
        (
            "indicateur ajouter",
            {"nom": "X", "axe": 1, "unite": "t", "cible": "beaucoup"},
            "n'est pas un nombre",
        ),
        ("indicateur mesurer", {"indicateur": "1", "valeur": "douze"}, "n'est pas un nombre"),
        ("indicateur mesurer", {"indicateur": "4", "valeur": "3"}, "Il n'y a pas d'indicateur n° 4"),
    ],
)
async def test_indicateur_saisies_refusees(simcord_env, serveur, commande, options, extrait) -> None:
    await serveur["alice"].slash(
        serveur["salon"], "indicateur ajouter", nom="I", axe=2, unite="u", cible="10"
    )
    resultat = await serveur["alice"].slash(serveur["salon"], commande, **options)
    assert resultat.ephemeral
    assert extrait in resultat.response.content


async def test_une_action_en_retard_a_la_couleur_du_retard_des_graphiques(
    simcord_env, serveur, horloge
) -> None:
    await _ajouter(serveur, echeance="30/11/2026")
    await _ajouter(serveur, titre="À l'heure", echeance="31/12/2026")
    horloge.instant = datetime(2026, 12, 2, 15, tzinfo=UTC)
    en_retard = await serveur["bob"].slash(serveur["salon"], "action voir", action="1")
    a_l_heure = await serveur["bob"].slash(serveur["salon"], "action voir", action="2")
    assert en_retard.response.embeds[0].colour.value == int(ROUGE_RETARD[1:], 16)
    assert a_l_heure.response.embeds[0].colour.value == int(BLEU_PASSERELLE[1:], 16)


async def test_defaire_la_derniere_mise_a_jour(simcord_env, serveur) -> None:
    await _ajouter(serveur)
    await serveur["alice"].slash(serveur["salon"], "action avancement", action="1", pourcentage=30)
    await serveur["alice"].slash(serveur["salon"], "action avancement", action="1", pourcentage=80)
    refus = await serveur["bob"].slash(serveur["salon"], "action defaire", action="1")
    assert refus.ephemeral
    assert "Seule la personne qui a fait la dernière mise à jour" in refus.response.content
    resultat = await serveur["alice"].slash(serveur["salon"], "action defaire", action="1")
    assert not resultat.ephemeral
    annonce = resultat.response.content
    assert "dernière mise à jour défaite : avancement : 80\u00a0% → **30\u00a0%**" in annonce
    vue = await serveur["bob"].slash(serveur["salon"], "action voir", action="1")
    champs = {c.name: c.value for c in vue.response.embeds[0].fields}
    assert "30\u00a0%" in champs["Avancement"]


async def test_une_echeance_passee_se_consigne_et_la_fiche_dit_le_retard(simcord_env, serveur) -> None:
    resultat = await _ajouter(serveur, titre="Mission commerciale de juin", echeance="30/06/2026")
    assert not resultat.ephemeral
    embed = resultat.response.embeds[0]
    champs = {c.name: c.value for c in embed.fields}
    assert champs["Échéance"] == "30 juin 2026 (en retard de 149 jours)"
    assert embed.colour.value == int(ROUGE_RETARD[1:], 16)


async def test_consigner_apres_coup_une_mission_de_juin(simcord_env, serveur) -> None:
    ajout = await _ajouter(serveur, titre="Mission commerciale", debut="02/06/2026")
    assert not ajout.ephemeral
    avance = await serveur["alice"].slash(
        serveur["salon"], "action avancement", action="1", pourcentage=40, date="10/06/2026"
    )
    assert "avancement au 10 juin 2026 : **40\u00a0%**" in avance.response.content
    termine = await serveur["alice"].slash(
        serveur["salon"], "action statut", action="1", statut="terminee", date="20 juin 2026"
    )
    assert "statut au 20 juin 2026 : **terminée**" in termine.response.content
    futur = await serveur["alice"].slash(
        serveur["salon"], "action avancement", action="1", pourcentage=50, date="25/12/2026"
    )
    assert futur.ephemeral
    assert "est dans le futur" in futur.response.content
    vue = await serveur["bob"].slash(serveur["salon"], "action voir", action="1")
    champs = {c.name: c.value for c in vue.response.embeds[0].fields}
    assert champs["Statut"] == "terminée"
    assert vue.response.embeds[0].footer.text == "Créée le 2 juin 2026"
