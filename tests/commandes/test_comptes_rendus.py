"""Comptes rendus à travers simcord : présences nommées, fenêtre, décision en action, suivis, liste."""

from datetime import UTC, datetime

import pytest
from sqlmodel import select

from modeles import Action, CompteRendu, EntreeJournal

NB = "\u00a0"
LUNDI_MIDI = datetime(2027, 3, 15, 12, 0, tzinfo=UTC)  # semaine à 5 h : Terrebonne UTC−4, Namur UTC+1
SEANCE = datetime(2027, 3, 16, 14, tzinfo=UTC)  # mardi 10 h à Terrebonne, 15 h à Namur


@pytest.fixture
async def serveur(simcord_env, horloge):
    horloge.instant = LUNDI_MIDI
    guild = simcord_env.create_guild("Jumelage")
    terrebonne = guild.create_role("Terrebonne")
    namur = guild.create_role("Namur")
    monde = {
        "guild": guild,
        "salon": guild.create_text_channel("comite"),
        "autrice": guild.add_member(simcord_env.create_user("autrice"), roles=[terrebonne]),
        "bob": guild.add_member(simcord_env.create_user("bob"), roles=[namur]),
        "alice": guild.add_member(simcord_env.create_user("alice"), roles=[terrebonne]),
        "carole": guild.add_member(simcord_env.create_user("carole")),
    }
    await simcord_env.settle()
    resultat = await monde["autrice"].slash(
        monde["salon"],
        "reunion planifier",
        titre="Comité de suivi",
        date="2027-03-16",
        heure="10:00",
        ville="terrebonne",
        recurrence="hebdomadaire",
        rappels="1h",
    )
    assert not resultat.ephemeral, resultat.response.content
    return monde


def _messages(salon, debut_titre: str):
    return [m for m in salon.history() if m.embeds and (m.embeds[0].title or "").startswith(debut_titre)]


def _champs(message) -> dict[str, str]:
    return {c.name: c.value for c in message.embeds[0].fields}


async def _jusqu_a(simcord_env, horloge, instant: datetime) -> None:
    await simcord_env.advance_time((instant - horloge()).total_seconds())


async def _seance_tenue(simcord_env, serveur, horloge):
    """Le rappel part à 13 h UTC ; Bob (Namur) et Alice (Terrebonne) répondent présent ; la séance a lieu."""
    await _jusqu_a(simcord_env, horloge, datetime(2027, 3, 16, 13, 0, 5, tzinfo=UTC))
    rappel = _messages(serveur["salon"], "🔔 Rappel")[0]
    await serveur["bob"].click(rappel, label="✅ Présent")
    await serveur["alice"].click(rappel, label="✅ Présent")
    await serveur["carole"].click(rappel, label="❌ Absent")
    await _jusqu_a(simcord_env, horloge, datetime(2027, 3, 16, 15, 10, tzinfo=UTC))
    return rappel


async def _rediger(membre, salon, valeurs: dict[str, str], **options):
    fenetre = await membre.slash(salon, "reunion compte-rendu", reunion="1", **options)
    assert fenetre.modal is not None, fenetre.response.content if fenetre.response else None
    return fenetre, await membre.submit_modal(fenetre, valeurs)


COMPTE_RENDU = {
    "cr:points": "Bilan du forum de l'emploi @everyone",
    "cr:decisions": "- Lancer l'appel à projets\n- Écrire à l'UNamur",
    "cr:suites": "Relancer le BEP sur la plantation",
}


async def test_presences_nommees_par_ville_sous_le_rappel(simcord_env, serveur, horloge) -> None:
    rappel = await _seance_tenue(simcord_env, serveur, horloge)
    rafraichi = await simcord_env.bot.get_channel(serveur["salon"].id).fetch_message(rappel.id)
    presences = _champs(rafraichi)["Présences"].split("\n")
    assert presences[0] == "✅ 2 présents · ❌ 1 absent · ❔ 0 peut-être"
    assert presences[1] == "✅ **Terrebonne** : alice · **Namur** : bob"
    assert presences[2] == "❌ carole"  # aucune ville connue parmi les absents : le nom seul


async def test_la_ville_dite_par_le_membre_l_emporte_sur_son_role(simcord_env, serveur, horloge) -> None:
    # Carole n'a aucun rôle de ville : elle dit la sienne ; Alice (rôle Terrebonne) dit Namur.
    await serveur["carole"].slash(serveur["salon"], "membre ville", ville="namur")
    await serveur["alice"].slash(serveur["salon"], "membre ville", ville="namur")
    rappel = await _seance_tenue(simcord_env, serveur, horloge)
    rafraichi = await simcord_env.bot.get_channel(serveur["salon"].id).fetch_message(rappel.id)
    presences = _champs(rafraichi)["Présences"].split("\n")
    # Le nom seul sous sa ville (pas « alice (Namur) » sous **Namur**).
    assert presences[1] == "✅ **Namur** : bob, alice"
    assert presences[2] == "❌ **Namur** : carole"


async def test_compte_rendu_decision_en_action_et_suivis_en_tete_du_prochain_ordre_du_jour(
    simcord_env, serveur, horloge
) -> None:
    salon = serveur["salon"]
    await _seance_tenue(simcord_env, serveur, horloge)

    refus = await serveur["carole"].slash(salon, "reunion compte-rendu", reunion="1")
    assert refus.ephemeral
    assert "membre présent" in refus.response.content

    fenetre, envoi = await _rediger(serveur["bob"], salon, COMPTE_RENDU)
    champs = {c["custom_id"]: c for r in fenetre.modal["components"] for c in _feuilles(r)}
    assert {c["max_length"] for c in champs.values()} == {4000}
    assert envoi.ephemeral
    assert envoi.response.content == f"Compte rendu enregistré. Compte rendu publié dans {salon.mention}."

    [publie] = _messages(salon, "📝 Compte rendu")
    embed = publie.embeds[0]
    assert embed.title == "📝 Compte rendu — #1 Comité de suivi"
    assert f"Terrebonne 10{NB}h{NB}00 · Namur 15{NB}h{NB}00" in embed.description
    assert f"semaine à 5{NB}h (au lieu de 6{NB}h)" in embed.description
    assert f"<t:{int(SEANCE.timestamp())}:F>" in embed.description
    assert "@\u200beveryone" in embed.description  # le texte saisi ne notifie personne
    champs_publies = _champs(publie)
    assert champs_publies["Décisions"] == "1. Lancer l'appel à projets\n2. Écrire à l'UNamur"
    assert champs_publies["Prochaines étapes"] == "Relancer le BEP sur la plantation"
    assert champs_publies["Présents (2)"] == "**Terrebonne** : alice · **Namur** : bob"

    # Une décision devient une action en un clic : la fenêtre arrive pré-remplie.
    fenetre = await serveur["alice"].click(publie, label="Décision 1 → action")
    valeurs = {c["custom_id"]: c for r in fenetre.modal["components"] for c in _feuilles(r)}
    assert valeurs["act:titre"]["value"] == "Lancer l'appel à projets"
    creation = await serveur["alice"].submit_modal(
        fenetre, {"act:titre": "Lancer l'appel à projets", "act:axe": "2", "act:echeance": "2027-04-30"}
    )
    assert "Action **#1** « Lancer l'appel à projets » créée depuis la décision 1" in (
        creation.followups[0].content
    )
    actions = simcord_env.bot.base.lecture(lambda s: s.exec(select(Action)).all())
    assert [(a.numero, a.titre, a.responsable_id) for a in actions] == [
        (1, "Lancer l'appel à projets", serveur["alice"].id)
    ]
    publie = await simcord_env.bot.get_channel(salon.id).fetch_message(publie.id)
    assert _champs(publie)["Décisions"].startswith("1. Lancer l'appel à projets → action **#1**")
    boutons = {b.label: b for rangee in publie.components for b in rangee.children}
    assert boutons["Décision 1 → action ✓"].disabled
    assert not boutons["Décision 2 → action"].disabled
    assert len(simcord_env.bot.base.lecture(lambda s: s.exec(select(Action)).all())) == 1

    # Le rappel de la séance suivante s'ouvre sur les suivis de celle-ci.
    await _jusqu_a(simcord_env, horloge, datetime(2027, 3, 23, 13, 0, 5, tzinfo=UTC))
    prochain = _messages(salon, "🔔 Rappel")[-1]
    premier = prochain.embeds[0].fields[0]
    assert premier.name == "Suivis de la réunion du mardi 16 mars 2027"
    assert premier.value == "Relancer le BEP sur la plantation"


async def test_modifier_met_a_jour_le_meme_message_et_garde_l_historique(
    simcord_env, serveur, horloge
) -> None:
    salon = serveur["salon"]
    await _seance_tenue(simcord_env, serveur, horloge)
    await _rediger(serveur["bob"], salon, COMPTE_RENDU)
    [publie] = _messages(salon, "📝 Compte rendu")

    fenetre = await serveur["autrice"].click(publie, label="✏️ Modifier")
    valeurs = {c["custom_id"]: c for r in fenetre.modal["components"] for c in _feuilles(r)}
    assert valeurs["cr:suites"]["value"] == "Relancer le BEP sur la plantation"
    envoi = await serveur["autrice"].submit_modal(fenetre, COMPTE_RENDU | {"cr:suites": "Relancer le BEP"})
    assert "Compte rendu mis à jour" in envoi.response.content
    [publie] = _messages(salon, "📝 Compte rendu")  # toujours un seul message
    assert _champs(publie)["Prochaines étapes"] == "Relancer le BEP"
    journal = simcord_env.bot.base.lecture(
        lambda s: s.exec(
            select(EntreeJournal).where(
                EntreeJournal.entite == "compte_rendu", EntreeJournal.champ == "suites"
            )
        ).all()
    )
    assert [(e.ancien, e.nouveau, e.auteur_id) for e in journal] == [
        (None, "Relancer le BEP sur la plantation", serveur["bob"].id),
        ("Relancer le BEP sur la plantation", "Relancer le BEP", serveur["autrice"].id),
    ]

    # Les présents s'ajustent avec une liste de membres.
    liste = await serveur["autrice"].click(publie, label="👥 Présents")
    assert liste.ephemeral
    choix = await serveur["autrice"].select(liste.response.message, [serveur["bob"], serveur["carole"]])
    assert "Présents enregistrés : 2." in choix.response.content
    [publie] = _messages(salon, "📝 Compte rendu")
    assert _champs(publie)["Présents (2)"] == "**Namur** : bob · **Ville non précisée** : carole"
    compte_rendu = simcord_env.bot.base.lecture(lambda s: s.exec(select(CompteRendu)).one())
    assert compte_rendu.presents == f"{serveur['bob'].id},{serveur['carole'].id}"

    liste = await serveur["autrice"].slash(salon, "reunion comptes-rendus")
    assert liste.response.embeds[0].title == "Comptes rendus — 1"
    assert "2 décisions · 2 présents" in liste.response.embeds[0].description
    assert f"/channels/{serveur['guild'].id}/{salon.id}/{publie.id}" in liste.response.embeds[0].description


async def test_seance_future_refusee_en_prive(simcord_env, serveur, horloge) -> None:
    refus = await serveur["autrice"].slash(serveur["salon"], "reunion compte-rendu", reunion="1")
    assert refus.ephemeral
    assert "n'a pas encore eu de séance" in refus.response.content
    future = await serveur["autrice"].slash(
        serveur["salon"], "reunion compte-rendu", reunion="1", seance="20270323T1400Z"
    )
    assert "n'a pas encore eu lieu" in future.response.content


def _feuilles(composant: dict) -> list[dict]:
    """Les champs d'une fenêtre, qu'ils soient dans une rangée ou sous une étiquette."""
    if "components" in composant:
        return [f for enfant in composant["components"] for f in _feuilles(enfant)]
    if "component" in composant:
        return _feuilles(composant["component"])
    return [composant] if "custom_id" in composant else []


async def test_la_seance_du_compte_rendu_se_choisit_parmi_les_seances_commencees(
    simcord_env, serveur, horloge
) -> None:
    await _seance_tenue(simcord_env, serveur, horloge)  # le 16 mars 2027 a eu lieu ; le 23 est à venir
    choix = await serveur["bob"].autocomplete(
        serveur["salon"], "reunion compte-rendu", "seance", "", reunion="1"
    )
    assert [c["value"] for c in choix] == ["20270316T1400Z"]
    assert choix[0]["name"].startswith("mardi 16 mars 2027 · Terrebonne 10")
    assert (
        await serveur["bob"].autocomplete(
            serveur["salon"], "reunion compte-rendu", "seance", "", reunion="pas une réunion"
        )
        == []
    )


async def test_sans_reunion_les_seances_commencees_de_tout_le_serveur(simcord_env, serveur, horloge) -> None:
    # Une seconde réunion, lundi 22 mars à 9 h à Namur (08 h UTC, semaine à 5 h) : après le mardi 16.
    await serveur["autrice"].slash(
        serveur["salon"],
        "reunion planifier",
        titre="Atelier mobilité",
        date="2027-03-22",
        heure="09:00",
        ville="namur",
        rappels="aucun",
    )
    await _seance_tenue(simcord_env, serveur, horloge)
    await _jusqu_a(simcord_env, horloge, datetime(2027, 3, 22, 9, 0, tzinfo=UTC))
    choix = await serveur["bob"].autocomplete(serveur["salon"], "reunion compte-rendu", "seance", "")
    # Les plus récentes d'abord, nommées par leur réunion, dans chaque horloge ; jamais une séance à venir.
    assert [c["value"] for c in choix] == ["2:20270322T0800Z", "1:20270316T1400Z"]
    assert choix[0]["name"] == (
        f"#2 Atelier mobilité — lundi 22 mars 2027 · Terrebonne 04{NB}h{NB}00 · Namur 09{NB}h{NB}00"
    )
    assert choix[1]["name"].startswith(f"#1 Comité de suivi — mardi 16 mars 2027 · Terrebonne 10{NB}h")
    filtre = await serveur["bob"].autocomplete(serveur["salon"], "reunion compte-rendu", "seance", "comite")
    assert [c["value"] for c in filtre] == ["1:20270316T1400Z"]
    # La réunion donnée : l'autocomplétion d'avant, sa seule séance.
    de_la_1 = await serveur["bob"].autocomplete(
        serveur["salon"], "reunion compte-rendu", "seance", "", reunion="1"
    )
    assert [c["value"] for c in de_la_1] == ["20270316T1400Z"]

    # La séance choisie sans réunion ouvre la fenêtre de cette séance-là (Bob y était présent).
    fenetre = await serveur["bob"].slash(serveur["salon"], "reunion compte-rendu", seance="1:20270316T1400Z")
    assert fenetre.modal is not None, fenetre.response.content if fenetre.response else None
    assert fenetre.modal["title"] == "Compte rendu #1 du 16 mars 2027"

    # Sans aucune option : la dernière séance commencée du serveur (l'atelier, dont l'autrice est l'auteur).
    derniere = await serveur["autrice"].slash(serveur["salon"], "reunion compte-rendu")
    assert derniere.modal is not None, derniere.response.content if derniere.response else None
    assert derniere.modal["title"] == "Compte rendu #2 du 22 mars 2027"
    # Bob n'était pas à l'atelier (ni auteur, ni présent) : refusé, comme avec la réunion donnée.
    refus = await serveur["bob"].slash(serveur["salon"], "reunion compte-rendu")
    assert refus.ephemeral
    assert refus.modal is None

    # Sept semaines plus tard, l'atelier (plus de six semaines) se retrouve encore en le cherchant.
    horloge.instant = datetime(2027, 5, 10, 12, tzinfo=UTC)
    ancien = await serveur["bob"].autocomplete(serveur["salon"], "reunion compte-rendu", "seance", "atelier")
    assert [c["value"] for c in ancien] == ["2:20270322T0800Z"]
    tous = await serveur["bob"].autocomplete(serveur["salon"], "reunion compte-rendu", "seance", "")
    assert tous[0]["value"] == "1:20270504T1400Z"  # la plus récente d'abord : le comité du 4 mai
    assert len(tous) == 9  # huit comités (16 mars → 4 mai) et l'atelier


@pytest.mark.parametrize(
    ("options", "extrait"),
    [
        ({"seance": "20270316T1400Z"}, "Choisissez la séance dans la liste proposée, ou indiquez aussi"),
        ({"seance": "x:20270316T1400Z"}, "n'est pas un numéro de réunion"),
        ({"seance": "1:pas-une-date"}, "Occurrence non reconnue"),
        ({"reunion": "2", "seance": "1:20270316T1400Z"}, "est celle de la réunion #1, pas de la réunion #2"),
        ({"seance": "9:20270316T1400Z"}, "La réunion #9 n'existe pas"),
    ],
)
async def test_seance_sans_reunion_mal_formee(simcord_env, serveur, horloge, options, extrait) -> None:
    await _seance_tenue(simcord_env, serveur, horloge)
    refus = await serveur["autrice"].slash(serveur["salon"], "reunion compte-rendu", **options)
    assert refus.ephemeral
    assert extrait in refus.response.content
    assert simcord_env.bot.base.lecture(lambda s: s.exec(select(CompteRendu)).all()) == []


async def test_sans_option_aucune_seance_commencee_sur_le_serveur(simcord_env, serveur) -> None:
    refus = await serveur["autrice"].slash(serveur["salon"], "reunion compte-rendu")
    assert refus.ephemeral
    assert "Aucune réunion de ce serveur n'a encore eu de séance" in refus.response.content
