"""`/reunion` à travers simcord : heures des deux villes, changements d'heure, droits, annonces, .ics."""

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import discord
import pytest
from icalendar import Calendar
from sqlmodel import select

from bot.evenements import Evenement
from commandes._affichage import joindre
from metier.reunions.registre import planifier_reunion
from modeles import EntreeJournal, OccurrenceAnnulee, Recurrence, Reunion

NB = "\u00a0"
TORONTO = ZoneInfo("America/Toronto")
LUNDI_1ER_MARS_2027 = datetime(2027, 3, 1, 15, 0, tzinfo=UTC)  # 10 h à Terrebonne, 16 h à Namur


def h(texte: str) -> str:
    """« 10 h 00 », « 5 h », « 15 min » avec les espaces insécables de l'affichage."""
    texte = re.sub(r"(\d) (h|j|min)\b", rf"\1{NB}\2", texte)
    return re.sub(rf"(\d{NB}h) (\d\d)", rf"\1{NB}\2", texte)


def ts(instant: datetime) -> str:
    return f"<t:{int(instant.timestamp())}:F>"


@pytest.fixture
def serveur(simcord_env, horloge):
    """Un serveur : une autrice de réunions, un autre membre, un administrateur, un salon des rappels."""
    horloge.instant = LUNDI_1ER_MARS_2027
    guild = simcord_env.create_guild("Jumelage")
    admin_role = guild.create_role("Admin", permissions=discord.Permissions(manage_guild=True))
    return {
        "guild": guild,
        "general": guild.create_text_channel("general"),
        "rappels": guild.create_text_channel("rappels"),
        "admin": guild.add_member(simcord_env.create_user("admin"), roles=[admin_role]),
        "autrice": guild.add_member(simcord_env.create_user("autrice")),
        "membre": guild.add_member(simcord_env.create_user("membre")),
    }


@pytest.fixture
def modifications(simcord_env) -> list[int]:
    """Les `reunions_modifiees` que le bot a émis (le moteur des rappels les écoutera)."""
    recus: list[int] = []

    async def ecouter(guild_id: int) -> None:
        recus.append(guild_id)

    simcord_env.bot.add_listener(ecouter, Evenement.REUNIONS_MODIFIEES.ecouteur)
    return recus


def _reunions(bot) -> list[Reunion]:
    return bot.base.lecture(lambda s: list(s.exec(select(Reunion).order_by(Reunion.numero))))


def _annulees(bot) -> list[datetime]:
    return bot.base.lecture(lambda s: [o.debut for o in s.exec(select(OccurrenceAnnulee))])


async def _planifier(membre, ici, **options):
    valeurs = {
        "titre": "Comité de suivi",
        "date": "2027-03-09",
        "heure": "10:00",
        "ville": "terrebonne",
        "recurrence": "hebdomadaire",
    } | options
    return await membre.slash(ici, "reunion planifier", **{k: v for k, v in valeurs.items() if v is not None})


def _champs(resultat) -> dict[str, str]:
    return {c.name: c.value for c in resultat.response.embeds[0].fields}


def _ligne(texte: str, extrait: str) -> str:
    lignes = [ligne for ligne in texte.split("\n") if extrait in ligne]
    assert len(lignes) == 1, (extrait, texte)
    return lignes[0]


# --- /reunion planifier --------------------------------------------------------------------------


async def test_hebdomadaire_montre_chaque_horloge_et_la_semaine_a_5_h(simcord_env, serveur, modifications):
    resultat = await _planifier(serveur["autrice"], serveur["general"])

    assert not resultat.ephemeral
    assert "Réunion **#1** planifiée" in resultat.response.content
    embed = resultat.response.embeds[0]
    assert "Comité de suivi" in embed.title
    assert f"Chaque mardi à {h('10 h 00')}, heure de Terrebonne" in embed.description
    seances = _champs(resultat)["Prochaines séances"]
    assert len(seances.split("\n")) == 5
    le_9 = _ligne(seances, "mardi 9 mars 2027")
    assert h("Terrebonne 10 h 00 · Namur 16 h 00") in le_9
    assert ts(datetime(2027, 3, 9, 15, tzinfo=UTC)) in le_9
    assert "⚠️" not in le_9
    le_16 = _ligne(seances, "mardi 16 mars 2027")
    assert h("Terrebonne 10 h 00 · Namur 15 h 00") in le_16
    assert ts(datetime(2027, 3, 16, 14, tzinfo=UTC)) in le_16
    assert h("⚠️ semaine à 5 h (au lieu de 6 h)") in le_16
    assert "⚠️" in _ligne(seances, "mardi 23 mars 2027")
    assert "⚠️" not in _ligne(seances, "mardi 30 mars 2027")
    assert h("24 h et 1 h avant le début") in _champs(resultat)["Rappels"]
    assert "ne sera pas envoyé" not in _champs(resultat)["Rappels"]
    assert _champs(resultat)["Salon"] == serveur["general"].mention

    reunion = _reunions(simcord_env.bot)[0]
    assert (reunion.fuseau, reunion.heure_locale, reunion.regle) == (
        "America/Toronto",
        time(10),
        "FREQ=WEEKLY",
    )
    assert (reunion.salon_id, reunion.auteur_id) == (serveur["general"].id, serveur["autrice"].id)
    assert modifications == [serveur["guild"].id]


async def test_heure_inexistante_refusee_avec_la_raison(simcord_env, serveur, modifications):
    resultat = await _planifier(serveur["autrice"], serveur["general"], date="2027-03-14", heure="02:30")

    assert resultat.ephemeral
    assert "n'existe pas le dimanche 14 mars 2027 à Terrebonne" in resultat.response.content
    assert "passage à l'heure d'été" in resultat.response.content
    assert h("03 h 00 ou plus tard") in resultat.response.content
    assert _reunions(simcord_env.bot) == []
    assert modifications == []


async def test_heure_ambigue_acceptee_et_expliquee(simcord_env, serveur):
    resultat = await _planifier(
        serveur["autrice"], serveur["general"], date="2027-11-07", heure="01:30", recurrence="aucune"
    )

    assert not resultat.ephemeral
    description = resultat.response.embeds[0].description
    assert h("01 h 30 survient deux fois le dimanche 7 novembre 2027 à Terrebonne") in description
    assert "UTC−4" in description
    # La première des deux : 01 h 30 à l'heure avancée (UTC−4), soit 05 h 30 UTC.
    assert ts(datetime(2027, 11, 7, 5, 30, tzinfo=UTC)) in _champs(resultat)["Prochaine séance"]
    assert len(_reunions(simcord_env.bot)) == 1


async def test_demain_se_lit_dans_l_horloge_de_la_ville_choisie(simcord_env, serveur, horloge):
    horloge.instant = datetime(
        2026, 12, 2, 2, tzinfo=UTC
    )  # mercredi 03 h 00 à Namur, mardi 21 h à Terrebonne
    resultat = await _planifier(
        serveur["autrice"],
        serveur["general"],
        date="demain",
        heure="10:00",
        ville="namur",
        recurrence="aucune",
    )

    assert not resultat.ephemeral
    assert h("Une seule fois, le jeudi 3 décembre 2026 à 10 h 00, heure de Namur") in (
        resultat.response.embeds[0].description
    )
    assert _reunions(simcord_env.bot)[0].date_debut == date(2026, 12, 3)


async def test_heure_abregee_est_dite_comme_elle_a_ete_comprise(simcord_env, serveur):
    resultat = await _planifier(serveur["autrice"], serveur["general"], heure="8", recurrence="aucune")
    description = resultat.response.embeds[0].description

    assert h("Une seule fois, le mardi 9 mars 2027 à 08 h 00, heure de Terrebonne") in description
    assert h("ℹ️ « 8 » compris comme 08 h 00.") in description
    complete = await _planifier(serveur["autrice"], serveur["general"], heure="08:00", recurrence="aucune")
    assert "compris comme" not in complete.response.embeds[0].description


@pytest.mark.parametrize(
    ("options", "extrait"),
    [
        ({"date": "2027-02-28"}, "est déjà passé"),
        ({"date": "31/02/2027"}, "février 2027 compte 28 jours"),
        ({"heure": "24:00"}, "les heures vont de 0 à 23"),
        ({"heure": "10h75"}, "les minutes vont de 00 à 59"),
        ({"rappels": "0min"}, "au moins 1 minute avant le début"),
        ({"rappels": "-1h"}, "sans signe"),
        ({"rappels": "abc"}, "Rappel non reconnu"),
        ({"rappels": "400j"}, "au plus 30 jours"),
        ({"rappels": "1h,2h,3h,4h,5h,6h"}, "6 rappels demandés : 5 au plus"),
        ({"duree": "0"}, "au moins 1 minute"),
        ({"duree": "13h"}, "trop longue"),
        ({"lien": "ftp://x"}, "Lien refusé"),
        ({"ville": "Paris"}, "n'est pas une ville partenaire"),
    ],
)
async def test_saisies_refusees_en_francais_sans_rien_enregistrer(
    simcord_env, serveur, modifications, options, extrait
):
    resultat = await _planifier(serveur["autrice"], serveur["general"], **options)

    assert resultat.ephemeral
    assert extrait in resultat.response.content
    assert _reunions(simcord_env.bot) == []
    assert simcord_env.bot.base.lecture(lambda s: list(s.exec(select(EntreeJournal)))) == []
    assert modifications == []


async def test_salon_ou_le_bot_ne_peut_pas_publier_est_refuse(simcord_env, serveur):
    guild = serveur["guild"]
    muet = guild.create_text_channel(
        "muet", overwrites={guild.default_role: discord.PermissionOverwrite(send_messages=False)}
    )
    resultat = await _planifier(serveur["autrice"], serveur["general"], salon=muet)

    assert resultat.ephemeral
    assert "Je ne peux pas publier dans" in resultat.response.content
    assert "« Envoyer des messages »" in resultat.response.content
    assert _reunions(simcord_env.bot) == []


async def test_rappel_deja_passe_pour_la_premiere_seance_est_dit(simcord_env, serveur):
    # Lundi 10 h à Terrebonne ; la réunion commence mardi à 9 h : dans 23 h.
    resultat = await _planifier(serveur["autrice"], serveur["general"], date="2027-03-02", heure="9h")

    rappels = _champs(resultat)["Rappels"]
    assert h("Le rappel 24 h avant ne sera pas envoyé : la réunion commence dans moins de 24 h") in rappels
    assert "rappel 1 h avant" not in rappels
    assert _reunions(simcord_env.bot)[0].rappels == "1j,1h"


# --- /reunion liste et voir ----------------------------------------------------------------------


async def test_liste_la_plus_proche_d_abord_dans_chaque_horloge(simcord_env, serveur):
    await _planifier(serveur["autrice"], serveur["general"], titre="Comité mensuel", recurrence="mensuelle")
    await _planifier(
        serveur["autrice"],
        serveur["general"],
        titre="Atelier @everyone",
        date="2027-03-04",
        heure="2h",
        ville="namur",
    )

    resultat = await serveur["membre"].slash(serveur["general"], "reunion liste")

    description = resultat.response.embeds[0].description
    assert description.index("#2") < description.index("#1")
    assert "@everyone" not in description
    assert h("jeudi 4 mars 2027 · Terrebonne 20 h 00 (la veille) · Namur 02 h 00") in description
    assert "le deuxième mardi du mois" in description


async def test_voir_montre_tout(simcord_env, serveur):
    await _planifier(
        serveur["autrice"],
        serveur["general"],
        lien="https://visio.exemple.org/comite_suivi",
        rappels="2j,15min",
        duree="1 h 30",
    )

    resultat = await serveur["membre"].slash(serveur["general"], "reunion voir", reunion="1")

    champs = _champs(resultat)
    assert len(champs["Prochaines séances"].split("\n")) == 5
    assert champs["Lien"] == "https://visio.exemple.org/comite_suivi"
    assert h("2 j et 15 min avant le début") in champs["Rappels"]
    assert champs["Séances annulées"] == "aucune"
    assert champs["Planifiée par"] == serveur["autrice"].mention
    assert h("durée 1 h 30") in resultat.response.embeds[0].description


async def test_voir_une_reunion_inconnue(simcord_env, serveur):
    resultat = await serveur["membre"].slash(serveur["general"], "reunion voir", reunion="42")
    assert resultat.ephemeral
    assert "La réunion #42 n'existe pas" in resultat.response.content


def test_joindre_respecte_la_limite_et_dit_combien_manquent():
    lignes = [f"ligne {n} " + "x" * 90 for n in range(100)]

    texte = joindre(lignes, 1024)

    assert len(texte) <= 1024
    gardees = texte.split("\n")[:-1]
    assert gardees == lignes[: len(gardees)]
    assert texte.endswith(f"… et {100 - len(gardees)} autres")
    assert joindre(lignes[:3], 1024) == "\n".join(lignes[:3])


# --- /reunion annuler ----------------------------------------------------------------------------


async def test_un_membre_ne_peut_pas_annuler_la_serie_d_un_autre(simcord_env, serveur, modifications):
    await _planifier(serveur["autrice"], serveur["general"])
    modifications.clear()

    resultat = await serveur["membre"].slash(serveur["general"], "reunion annuler", reunion="1")

    assert resultat.ephemeral
    assert "Rien n'a été modifié" in resultat.response.content
    assert serveur["autrice"].mention in resultat.response.content
    assert _reunions(simcord_env.bot)[0].annulee is False
    assert _annulees(simcord_env.bot) == []
    assert modifications == []


async def test_la_coordination_peut_annuler_la_serie(simcord_env, serveur, modifications):
    await _planifier(serveur["autrice"], serveur["general"])

    resultat = await serveur["admin"].slash(serveur["general"], "reunion annuler", reunion="1")

    assert "La réunion #1 est annulée" in resultat.response.content
    assert _reunions(simcord_env.bot)[0].annulee is True
    annonce = serveur["general"].last_message
    assert annonce.content.startswith("❌ La réunion « Comité de suivi » (chaque mardi")
    assert "plus aucune séance n'aura lieu" in annonce.content
    assert modifications == [serveur["guild"].id] * 2


async def test_l_autrice_annule_une_seance_annoncee_sans_mention(simcord_env, serveur, modifications):
    await serveur["admin"].slash(serveur["general"], "config salon-rappels", salon=serveur["rappels"])
    await _planifier(serveur["autrice"], serveur["general"], titre="@everyone Comité")
    choix = await serveur["autrice"].autocomplete(
        serveur["general"], "reunion annuler", "occurrence", "", reunion="1"
    )
    assert len(choix) == 25
    assert choix[1] == {
        "name": h("mardi 16 mars 2027 · Terrebonne 10 h 00 · Namur 15 h 00"),
        "value": "20270316T1400Z",
    }

    resultat = await serveur["autrice"].slash(
        serveur["general"], "reunion annuler", reunion="1", occurrence="20270316T1400Z"
    )

    assert resultat.ephemeral
    assert f"Annonce publiée dans {serveur['rappels'].mention}" in resultat.response.content
    assert _annulees(simcord_env.bot) == [datetime(2027, 3, 16, 14, tzinfo=UTC)]
    annonce = serveur["rappels"].last_message
    assert annonce.content.startswith("❌ La réunion « @\u200beveryone Comité » du mardi 16 mars 2027")
    assert h("Terrebonne 10 h 00 · Namur 15 h 00") in annonce.content
    assert f"est annulée (par {serveur['autrice'].mention})" in annonce.content
    assert annonce.mention_everyone is False
    corps = [
        r.json
        for r in simcord_env.http_requests
        if r.method == "POST" and r.path == f"/channels/{serveur['rappels'].id}/messages"
    ]
    assert len(corps) == 1
    assert corps[0]["allowed_mentions"] == {"parse": []}
    assert modifications == [serveur["guild"].id] * 2

    vue = await serveur["membre"].slash(serveur["general"], "reunion voir", reunion="1")
    champs = _champs(vue)
    assert "16 mars 2027" not in champs["Prochaines séances"]
    assert "9 mars 2027" in champs["Prochaines séances"]
    assert "23 mars 2027" in champs["Prochaines séances"]
    assert champs["Séances annulées"] == "1"
    autre = await serveur["autrice"].autocomplete(
        serveur["general"], "reunion annuler", "occurrence", "", reunion="1"
    )
    assert "20270316T1400Z" not in [c["value"] for c in autre]


async def test_une_seance_inventee_est_refusee(simcord_env, serveur):
    await _planifier(serveur["autrice"], serveur["general"])

    resultat = await serveur["autrice"].slash(
        serveur["general"], "reunion annuler", reunion="1", occurrence="20270317T1400Z"
    )

    assert resultat.ephemeral
    assert "n'a pas de séance à cet instant" in resultat.response.content
    assert _annulees(simcord_env.bot) == []


async def test_autocompletion_des_reunions_limitee_a_25(simcord_env, serveur):
    guild_id = serveur["guild"].id
    await simcord_env.bot.configuration(guild_id)
    for n in range(30):
        simcord_env.bot.base.transaction(
            planifier_reunion,
            guild_id=guild_id,
            auteur_id=serveur["autrice"].id,
            titre=f"Atelier {n + 1}",
            jour=date(2027, 4, 1),
            heure=time(10),
            ville_code="namur",
            duree=timedelta(hours=1),
            recurrence=Recurrence.AUCUNE,
            rappels=[],
            salon_id=None,
            lien=None,
            maintenant=LUNDI_1ER_MARS_2027,
        )

    tous = await serveur["membre"].autocomplete(serveur["general"], "reunion voir", "reunion", "")
    un = await serveur["membre"].autocomplete(serveur["general"], "reunion annuler", "reunion", "#12")

    assert len(tous) == 25
    assert un[0] == {"name": "#12 Atelier 12", "value": "12"}
    assert (
        await serveur["membre"].autocomplete(
            serveur["general"], "reunion annuler", "occurrence", "", reunion="pas un numéro"
        )
        == []
    )


# --- /reunion creneaux ---------------------------------------------------------------------------


async def test_creneaux_un_jour_par_ligne_2_h_d_habitude_3_h_la_semaine_a_5_h(simcord_env, serveur, horloge):
    horloge.instant = datetime(2027, 3, 6, 12, tzinfo=UTC)  # un samedi

    resultat = await serveur["membre"].slash(
        serveur["general"], "reunion creneaux", du="2027-03-08", jours=14
    )

    description = resultat.response.embeds[0].description
    blocs = description.split("\n**")[1:]
    assert len(blocs) == 10  # dix jours ouvrés, un par ligne, dans l'ordre du calendrier
    assert blocs[0].startswith("lundi 8 mars 2027**")
    assert blocs[-1].startswith("vendredi 19 mars 2027**")
    assert all(h("(2 h)") in b for b in blocs[:5])
    assert all(h("(3 h)") in b for b in blocs[5:])
    le_16 = next(b for b in blocs if "mardi 16 mars 2027" in b)
    assert h("Terrebonne 09 h 00 → 12 h 00 · Namur 14 h 00 → 17 h 00 (3 h)") in le_16
    assert h("⚠️ semaine à 5 h (au lieu de 6 h)") in le_16
    le_9 = next(b for b in blocs if "mardi 9 mars 2027" in b)
    assert h("Terrebonne 09 h 00 → 11 h 00 · Namur 15 h 00 → 17 h 00") in le_9
    assert ts(datetime(2027, 3, 9, 14, tzinfo=UTC)) in le_9
    assert "⚠️" not in le_9
    assert "Jours fériés écartés" not in description


async def test_creneaux_sans_le_lundi_de_paques_ni_la_seance_du_groupe(simcord_env, serveur, horloge):
    # Le Comité de suivi, chaque mardi 10 h à Terrebonne ; on cherche du 22 mars au 2 avril 2027 :
    # semaine à 5 h jusqu'au 26 (Vendredi saint au Québec), lundi de Pâques le 29 en Belgique.
    horloge.instant = datetime(2027, 3, 20, 12, tzinfo=UTC)
    await _planifier(serveur["autrice"], serveur["general"], date="2027-03-23")

    resultat = await serveur["membre"].slash(
        serveur["general"], "reunion creneaux", du="2027-03-22", jours=12
    )

    description = resultat.response.embeds[0].description
    blocs = description.split("\n**")[1:]
    jours = [b.split("**")[0] for b in blocs]
    assert "lundi 29 mars 2027" not in jours
    assert "vendredi 26 mars 2027" not in jours
    assert len(jours) == 8
    le_23 = next(b for b in blocs if b.startswith("mardi 23 mars 2027"))
    # La séance du groupe (10 h – 11 h à Terrebonne) est retirée de la fenêtre commune.
    assert (
        h("Terrebonne 09 h 00 → 10 h 00 et 11 h 00 → 12 h 00 · Namur 14 h 00 → 15 h 00 et 16 h 00 → 17 h 00")
        in le_23
    )
    assert ts(datetime(2027, 3, 23, 14, tzinfo=UTC)) not in le_23
    le_30 = next(b for b in blocs if b.startswith("mardi 30 mars 2027"))
    assert h("Terrebonne 09 h 00 → 10 h 00 · Namur 15 h 00 → 16 h 00 (1 h)") in le_30
    assert "Jours fériés écartés : vendredi 26 mars 2027, Vendredi saint (Terrebonne) ; " in description
    assert "lundi 29 mars 2027, Lundi de Pâques (Namur)" in description
    assert "Séances du groupe écartées : 2 séances" in description


async def test_creneaux_au_vote_un_vote_par_membre_puis_planifier(simcord_env, serveur, horloge):
    horloge.instant = datetime(2027, 3, 20, 12, tzinfo=UTC)
    await _planifier(serveur["autrice"], serveur["general"], date="2027-03-23")
    resultat = await serveur["membre"].slash(
        serveur["general"], "reunion creneaux", du="2027-03-22", jours=12, vote=True
    )
    message = resultat.response.message
    vote = _champs(resultat)["Vote"].split("\n")
    assert len(vote) == 6  # cinq propositions, un par jour, puis la règle
    assert vote[0].startswith(h("**1.** lundi 22 mars 2027 · Terrebonne 09 h 00 · Namur 14 h 00"))
    assert vote[1].startswith(h("**2.** mardi 23 mars 2027 · Terrebonne 09 h 00 · Namur 14 h 00"))
    assert vote[4].startswith(h("**5.** mardi 30 mars 2027 · Terrebonne 09 h 00 · Namur 15 h 00"))
    assert "lundi 29 mars" not in _champs(resultat)["Vote"]
    assert all(ligne.endswith("0 voix") for ligne in vote[:5])

    premier = await serveur["membre"].click(message, label="Proposition 2")
    assert premier.followups[0].content == "Vote noté : proposition 2."
    second = await serveur["membre"].click(message, label="Proposition 3")
    assert second.followups[0].content == "Vote noté : proposition 3 (il remplace votre vote précédent)."
    await serveur["autrice"].click(message, label="Proposition 3")
    rafraichi = await simcord_env.bot.get_channel(serveur["general"].id).fetch_message(message.id)
    vote = {c.name: c.value for c in rafraichi.embeds[0].fields}["Vote"].split("\n")
    assert vote[1].endswith("0 voix")
    assert vote[2].endswith("2 voix")

    refus = await serveur["autrice"].click(message, label="🔒 Clore le vote")
    assert refus.ephemeral
    assert "Seule la personne qui a lancé ce vote" in refus.response.content
    await serveur["membre"].click(message, label="🔒 Clore le vote")
    rafraichi = await simcord_env.bot.get_channel(serveur["general"].id).fetch_message(message.id)
    assert "🔒 Vote clos. Retenu : proposition **3** (2 voix)." in rafraichi.embeds[0].fields[0].value
    assert [b.label for rangee in rafraichi.components for b in rangee.children] == [
        "📅 Planifier ce créneau"
    ]

    refus = await serveur["membre"].click(rafraichi, label="📅 Planifier ce créneau")
    assert "Seule la coordination" in refus.response.content
    fenetre = await serveur["admin"].click(rafraichi, label="📅 Planifier ce créneau")
    planifiee = await serveur["admin"].submit_modal(fenetre, {"vote:titre": "Atelier mobilité"})
    assert (
        "Réunion **#2** « Atelier mobilité » planifiée le mercredi 24 mars 2027" in planifiee.response.content
    )
    reunion = _reunions(simcord_env.bot)[1]
    assert (reunion.titre, reunion.date_debut, reunion.heure_locale, reunion.ville) == (
        "Atelier mobilité",
        date(2027, 3, 24),
        time(9),
        "terrebonne",
    )


async def test_creneaux_refuse_une_duree_trop_longue(simcord_env, serveur):
    resultat = await serveur["membre"].slash(serveur["general"], "reunion creneaux", duree="9h")
    assert resultat.ephemeral
    assert "entre 1 minute et 8" in resultat.response.content


# --- /reunion calendrier -------------------------------------------------------------------------


async def _ics(resultat) -> Calendar:
    messages = [resultat.response, *resultat.followups]
    fichiers = [a for m in messages if m is not None for a in m.attachments]
    assert len(fichiers) == 1
    assert fichiers[0].filename.endswith(".ics")
    return Calendar.from_ical(await fichiers[0].read())


async def test_calendrier_d_une_serie_avec_fuseau_regle_et_exception(simcord_env, serveur):
    await _planifier(serveur["autrice"], serveur["general"], lien="https://visio.exemple.org/c")
    await serveur["autrice"].slash(
        serveur["general"], "reunion annuler", reunion="1", occurrence="20270316T1400Z"
    )

    resultat = await serveur["membre"].slash(serveur["general"], "reunion calendrier", reunion="1")

    calendrier = await _ics(resultat)
    (evenement,) = calendrier.walk("VEVENT")
    assert evenement["DTSTART"].params["TZID"] == "America/Toronto"
    assert evenement.decoded("DTSTART") == datetime(2027, 3, 9, 10, tzinfo=TORONTO)
    assert evenement["RRULE"]["FREQ"] == ["WEEKLY"]
    exclues = [d.dt for d in evenement["EXDATE"].dts]
    assert exclues == [datetime(2027, 3, 16, 10, tzinfo=TORONTO)]
    assert evenement["EXDATE"].params["TZID"] == "America/Toronto"
    assert evenement.decoded("DURATION") == timedelta(hours=1)
    assert str(evenement["UID"]) == f"reunion-{serveur['guild'].id}-1@passerelle"
    assert str(evenement["URL"]) == "https://visio.exemple.org/c"
    assert str(evenement["SUMMARY"]) == "Comité de suivi"
    assert [str(t["TZID"]) for t in calendrier.walk("VTIMEZONE")] == ["America/Toronto"]


async def test_calendrier_du_serveur_sans_les_reunions_annulees(simcord_env, serveur):
    await _planifier(serveur["autrice"], serveur["general"], titre="Gardée")
    await _planifier(serveur["autrice"], serveur["general"], titre="Annulée", ville="namur", heure="16h")
    await serveur["autrice"].slash(serveur["general"], "reunion annuler", reunion="2")

    calendrier = await _ics(await serveur["membre"].slash(serveur["general"], "reunion calendrier"))

    assert [str(e["SUMMARY"]) for e in calendrier.walk("VEVENT")] == ["Gardée"]


async def test_calendrier_vide_est_explique(simcord_env, serveur):
    resultat = await serveur["membre"].slash(serveur["general"], "reunion calendrier")
    assert resultat.ephemeral
    assert "Aucune réunion à exporter" in resultat.response.content
