"""`/reunion modifier` à travers simcord : rappels replanifiés (ni doublon, ni ancienne heure),
événements Discord mis à jour, journal ancien → nouveau, deux horloges et écart de 5 h ou 6 h, refus."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import discord
import pytest
from sqlmodel import select

from metier.publications.livraisons import TypeLivraison
from modeles import EntreeJournal, Livraison, Reunion, StatutLivraison

NB = "\u00a0"
TORONTO = ZoneInfo("America/Toronto")
LUNDI_1ER_MARS_2027 = datetime(2027, 3, 1, 15, 0, tzinfo=UTC)  # 10 h à Terrebonne, 16 h à Namur


def h(texte: str) -> str:
    """« 10 h 00 » avec les espaces insécables de l'affichage."""
    return texte.replace(" h ", f"{NB}h{NB}")


@pytest.fixture
async def serveur(simcord_env, horloge):
    horloge.instant = LUNDI_1ER_MARS_2027
    guild = simcord_env.create_guild("Jumelage")
    admin = guild.create_role("Admin", permissions=discord.Permissions(manage_guild=True))
    monde = {
        "guild": guild,
        "salon": guild.create_text_channel("comite"),
        "groupe": guild.create_role("Groupe de travail", mentionable=True),
        "admin": guild.add_member(simcord_env.create_user("admin"), roles=[admin]),
        "autrice": guild.add_member(simcord_env.create_user("autrice")),
        "membre": guild.add_member(simcord_env.create_user("membre")),
    }
    await simcord_env.settle()
    resultat = await monde["autrice"].slash(
        monde["salon"],
        "reunion planifier",
        titre="Comité de suivi",
        date="2027-03-09",
        heure="10:00",
        ville="terrebonne",
        recurrence="hebdomadaire",
        rappels="24h,1h",
    )
    assert not resultat.ephemeral, resultat.response.content
    await simcord_env.settle()
    return monde


def _reunion(bot) -> Reunion:
    return bot.base.lecture(lambda s: s.exec(select(Reunion)).one())


def _rappels_prevus(bot) -> list[tuple[datetime, datetime]]:
    lignes = bot.base.lecture(
        lambda s: s.exec(
            select(Livraison).where(
                Livraison.type == TypeLivraison.RAPPEL, Livraison.statut == StatutLivraison.PREVUE
            )
        ).all()
    )
    return sorted((ligne.occurrence, ligne.echeance) for ligne in lignes)


def _journal(bot) -> dict[str, tuple[str | None, str | None]]:
    entrees = bot.base.lecture(
        lambda s: s.exec(select(EntreeJournal).where(EntreeJournal.entite == "reunion")).all()
    )
    return {e.champ: (e.ancien, e.nouveau) for e in entrees if e.ancien is not None}


def _rappels_du_salon(serveur) -> list:
    return [m for m in serveur["salon"].history() if m.embeds and m.embeds[0].title.startswith("🔔")]


def _evenements_actifs(simcord_env, serveur) -> list:
    evenements = simcord_env.backend.get_guild(serveur["guild"].id).scheduled_events.values()
    return sorted((e for e in evenements if int(e.status) == 1), key=lambda e: str(e.scheduled_start_time))


def _debut(evenement) -> datetime:
    valeur = evenement.scheduled_start_time
    return datetime.fromisoformat(valeur) if isinstance(valeur, str) else valeur


async def test_nouvelle_heure_rappels_replanifies_evenements_journal_et_deux_horloges(
    simcord_env, serveur, horloge
) -> None:
    bot = simcord_env.bot
    avant = _rappels_prevus(bot)
    assert avant[:2] == [
        (datetime(2027, 3, 9, 15, tzinfo=UTC), datetime(2027, 3, 8, 15, tzinfo=UTC)),
        (datetime(2027, 3, 9, 15, tzinfo=UTC), datetime(2027, 3, 9, 14, tzinfo=UTC)),
    ]
    ids_evenements = [e.id for e in _evenements_actifs(simcord_env, serveur)]

    resultat = await serveur["autrice"].slash(serveur["salon"], "reunion modifier", reunion="1", heure="11h")
    assert not resultat.ephemeral, resultat.response.content
    texte = resultat.response.content
    assert h("• Heure : 10 h 00 → **11 h 00** (heure de Terrebonne)") in texte
    assert h("~~mardi 9 mars 2027 · Terrebonne 10 h 00 · Namur 16 h 00~~") in texte
    assert h("**mardi 9 mars 2027 · Terrebonne 11 h 00 · Namur 17 h 00**") in texte
    assert f"écart de 6{NB}h entre Terrebonne et Namur" in texte
    assert "semaine à" not in texte.split("\n")[-1]
    seances = {c.name: c.value for c in resultat.response.embeds[0].fields}["Prochaines séances"]
    assert h("mardi 16 mars 2027 · Terrebonne 11 h 00 · Namur 16 h 00") in seances
    assert f"semaine à 5{NB}h (au lieu de 6{NB}h)" in seances

    # Les rappels : autant qu'avant, chacun une heure plus tard, aucun à l'ancienne heure.
    apres = _rappels_prevus(bot)
    assert len(set(apres)) == len(apres) >= len(avant) - 1  # le dernier peut sortir de l'horizon (35 j)
    assert {debut.astimezone(TORONTO).hour for debut, _ in apres} == {11}
    assert not {echeance for _, echeance in avant} & {echeance for _, echeance in apres}
    assert apres[:2] == [
        (datetime(2027, 3, 9, 16, tzinfo=UTC), datetime(2027, 3, 8, 16, tzinfo=UTC)),
        (datetime(2027, 3, 9, 16, tzinfo=UTC), datetime(2027, 3, 9, 15, tzinfo=UTC)),
    ]
    assert _journal(bot)["heure_locale"] == ("10:00", "11:00")

    # Les événements Discord : les mêmes, à la nouvelle heure.
    await simcord_env.settle()
    evenements = _evenements_actifs(simcord_env, serveur)
    assert [e.id for e in evenements] == ids_evenements
    assert _debut(evenements[0]) == datetime(2027, 3, 9, 16, tzinfo=UTC)
    assert h("Terrebonne 11 h 00 · Namur 17 h 00") in evenements[0].description

    # À l'ancienne heure du rappel (lundi 8, 15 h UTC), rien ; à la nouvelle, un seul.
    await simcord_env.advance_time((datetime(2027, 3, 8, 15, 0, 5, tzinfo=UTC) - horloge()).total_seconds())
    assert _rappels_du_salon(serveur) == []
    await simcord_env.advance_time(3600)
    rappels = _rappels_du_salon(serveur)
    assert len(rappels) == 1
    assert h("Terrebonne 11 h 00 · Namur 17 h 00") in rappels[0].embeds[0].description


async def test_revenir_a_l_heure_d_avant_ne_double_aucun_rappel(simcord_env, serveur, horloge) -> None:
    bot = simcord_env.bot
    avant = _rappels_prevus(bot)
    await serveur["autrice"].slash(serveur["salon"], "reunion modifier", reunion="1", heure="11:00")
    await serveur["autrice"].slash(serveur["salon"], "reunion modifier", reunion="1", heure="10:00")
    assert _rappels_prevus(bot) == avant
    titre = await serveur["admin"].slash(
        serveur["salon"], "reunion modifier", reunion="1", titre="Comité  de   pilotage"
    )
    assert "• Titre : « Comité de suivi » → **« Comité de pilotage »**" in titre.response.content
    assert _rappels_prevus(bot) == avant  # le titre seul ne déplace rien
    await simcord_env.settle()
    assert {e.name for e in _evenements_actifs(simcord_env, serveur)} == {"Comité de pilotage"}
    await simcord_env.advance_time((datetime(2027, 3, 9, 14, 0, 5, tzinfo=UTC) - horloge()).total_seconds())
    titres = [m.embeds[0].title for m in _rappels_du_salon(serveur)]
    assert titres == ["🔔 Rappel : Comité de pilotage", "🔔 Rappel : Comité de pilotage"]  # 24 h et 1 h


async def test_semaine_a_5_h_date_duree_lien_et_role(simcord_env, serveur) -> None:
    resultat = await serveur["autrice"].slash(
        serveur["salon"],
        "reunion modifier",
        reunion="1",
        date="2027-03-16",
        duree="90min",
        lien="https://visio.exemple.org/comite",
        notifier=serveur["groupe"],
    )
    assert not resultat.ephemeral, resultat.response.content
    texte = resultat.response.content
    assert "• Date de début : mardi 9 mars 2027 → **mardi 16 mars 2027**" in texte
    assert f"• Durée : 1{NB}h → **1{NB}h{NB}30**" in texte
    assert "• Lien : aucun → **« https://visio.exemple.org/comite »**" in texte
    assert f"• Rôle notifié : aucun → **{serveur['groupe'].mention}**" in texte
    assert h("**mardi 16 mars 2027 · Terrebonne 10 h 00 · Namur 15 h 00**") in texte
    assert f"écart de 5{NB}h entre Terrebonne et Namur (semaine à 5{NB}h au lieu de 6{NB}h)" in texte
    assert _rappels_prevus(simcord_env.bot)[0] == (
        datetime(2027, 3, 16, 14, tzinfo=UTC),
        datetime(2027, 3, 15, 14, tzinfo=UTC),
    )
    sans_lien = await serveur["autrice"].slash(
        serveur["salon"], "reunion modifier", reunion="1", lien="aucun"
    )
    assert "• Lien : « https://visio.exemple.org/comite » → **aucun**" in sans_lien.response.content
    assert _reunion(simcord_env.bot).lien is None


@pytest.mark.parametrize(
    ("qui", "options", "extrait"),
    [
        ("autrice", {"heure": "25:00"}, "les heures vont de 0 à 23"),
        ("autrice", {"heure": "midi et quart"}, "Heure non reconnue"),
        ("autrice", {"titre": "   "}, "Donnez un titre à la réunion"),
        ("autrice", {"duree": "13h"}, "trop longue"),
        ("autrice", {"lien": "ftp://x"}, "Lien refusé"),
        ("autrice", {"date": "2027-03-14", "heure": "02:30"}, "n'existe pas"),
        ("autrice", {"date": "2027-02-23"}, "est déjà passé"),
        ("autrice", {"date": "31/02/2027"}, "février 2027 compte 28 jours"),
        ("autrice", {}, "Dites ce qui change"),
        ("membre", {"heure": "11:00"}, "Seule la personne qui a planifié la réunion #1"),
        ("autrice", {"reunion": "7", "heure": "11:00"}, "La réunion #7 n'existe pas sur ce serveur"),
        ("autrice", {"reunion": "abc"}, "n'est pas un numéro de réunion"),
    ],
)
async def test_mauvaises_entrees_refusees_sans_rien_changer(
    simcord_env, serveur, qui, options, extrait
) -> None:
    bot = simcord_env.bot
    avant, rappels = _reunion(bot), _rappels_prevus(bot)
    resultat = await serveur[qui].slash(serveur["salon"], "reunion modifier", **({"reunion": "1"} | options))
    assert resultat.ephemeral
    assert extrait in resultat.response.content
    assert _reunion(bot) == avant
    assert _rappels_prevus(bot) == rappels
    assert _journal(bot) == {}


async def test_titre_trop_long_refuse(simcord_env, serveur) -> None:
    # Discord borne l'option à 200 caractères ; la règle la borne aussi (un client qui passerait outre).
    with pytest.raises(Exception, match="200"):
        await serveur["autrice"].slash(serveur["salon"], "reunion modifier", reunion="1", titre="x" * 201)
    assert _reunion(simcord_env.bot).titre == "Comité de suivi"


async def test_reunion_d_un_autre_serveur_et_reunion_annulee(simcord_env, serveur) -> None:
    autre = simcord_env.create_guild("Autre jumelage")
    salon = autre.create_text_channel("general")
    dame = autre.add_member(simcord_env.create_user("dame"))
    await simcord_env.settle()
    # La réunion #1 du premier serveur n'existe pas pour le second.
    ailleurs = await dame.slash(salon, "reunion modifier", reunion="1", heure="11:00")
    assert ailleurs.ephemeral
    assert "La réunion #1 n'existe pas sur ce serveur" in ailleurs.response.content
    assert _reunion(simcord_env.bot).heure_locale.hour == 10

    await serveur["autrice"].slash(serveur["salon"], "reunion annuler", reunion="1")
    annulee = await serveur["admin"].slash(serveur["salon"], "reunion modifier", reunion="1", heure="11:00")
    assert annulee.ephemeral
    assert "est annulée : elle ne peut plus être modifiée" in annulee.response.content


async def test_une_seance_unique_ne_peut_pas_passer_dans_le_passe(simcord_env, serveur) -> None:
    await serveur["autrice"].slash(
        serveur["salon"],
        "reunion planifier",
        titre="Atelier",
        date="2027-03-02",
        heure="10:00",
        ville="namur",
    )
    resultat = await serveur["autrice"].slash(
        serveur["salon"], "reunion modifier", reunion="2", date="2027-02-26"
    )
    assert resultat.ephemeral
    assert "est déjà passé" in resultat.response.content
