"""Rappels livrés à travers simcord en temps virtuel : à l'heure, une fois, en retard, ou sautés."""

from datetime import UTC, datetime, timedelta

import discord
import pytest
from sqlmodel import select

from bot.client import Passerelle
from metier.publications.livraisons import TypeLivraison
from modeles import Livraison, Presence, StatutLivraison
from tests.outils import redemarrer

LUNDI_MIDI = datetime(2027, 3, 15, 12, 0, tzinfo=UTC)  # semaine à 5 h : Terrebonne UTC−4, Namur UTC+1


@pytest.fixture
async def serveur(simcord_env, horloge):
    horloge.instant = LUNDI_MIDI
    guild = simcord_env.create_guild("Jumelage")
    admin = guild.create_role("Admin", permissions=discord.Permissions(manage_guild=True))
    monde = {
        "guild": guild,
        "salon": guild.create_text_channel("reunions"),
        "autre": guild.create_text_channel("coordination"),
        "alice": guild.add_member(simcord_env.create_user("alice"), roles=[admin]),
        "bob": guild.add_member(simcord_env.create_user("bob")),
    }
    await simcord_env.settle()
    return monde


async def _planifier(serveur, **options):
    options = {
        "titre": "Comité de suivi",
        "date": "2027-03-16",
        "heure": "10:00",
        "ville": "terrebonne",
    } | options
    resultat = await serveur["alice"].slash(serveur["salon"], "reunion planifier", **options)
    assert not resultat.ephemeral, resultat.response.content
    return resultat


def _rappels(salon):
    return [m for m in salon.history() if m.embeds and m.embeds[0].title.startswith("🔔 Rappel")]


def _livraisons(bot, type_livraison="rappel"):
    return bot.base.lecture(
        lambda s: s.exec(
            select(Livraison).where(Livraison.type == type_livraison).order_by(Livraison.echeance)
        ).all()
    )


async def test_rappel_publie_a_l_heure_avec_les_deux_horloges(simcord_env, serveur, horloge) -> None:
    # Mardi 16 mars 2027, 10 h à Terrebonne = 14 h UTC = 15 h à Namur (semaine à 5 h).
    await _planifier(serveur, rappels="1h")
    await simcord_env.advance_time(
        (datetime(2027, 3, 16, 12, 59, 50, tzinfo=UTC) - LUNDI_MIDI).total_seconds()
    )
    assert _rappels(serveur["salon"]) == []

    await simcord_env.advance_time(15)
    rappels = _rappels(serveur["salon"])
    assert len(rappels) == 1
    embed = rappels[0].embeds[0]
    assert embed.title == "🔔 Rappel : Comité de suivi"
    assert "Terrebonne 10\u00a0h\u00a000" in embed.description
    assert "Namur 15\u00a0h\u00a000" in embed.description
    assert "semaine à 5\u00a0h (au lieu de 6\u00a0h)" in embed.description
    assert f"<t:{int(datetime(2027, 3, 16, 14, tzinfo=UTC).timestamp())}:F>" in embed.description
    assert "Publié en retard" not in embed.description
    livraison = _livraisons(simcord_env.bot)[0]
    assert livraison.statut == StatutLivraison.ENVOYEE
    assert livraison.envoyee_le - livraison.echeance <= timedelta(seconds=1)

    await simcord_env.advance_time(3 * 3600)
    assert len(_rappels(serveur["salon"])) == 1  # jamais deux fois


async def test_ordre_du_jour_et_presences_persistantes(simcord_env, serveur, reglages, horloge) -> None:
    salon, alice = serveur["salon"], serveur["alice"]
    await alice.slash(salon, "action ajouter", titre="Forum de l'emploi", axe=2, echeance="2027-03-15")
    await alice.slash(salon, "action ajouter", titre="Plantation", axe=1, echeance="2027-03-20")
    await _planifier(serveur, rappels="1h")
    await simcord_env.advance_time(25.5 * 3600)  # mardi 13 h 30 UTC : le forum du 15 mars est en retard
    rappel = _rappels(salon)[0]
    champs = {c.name: c.value for c in rappel.embeds[0].fields}
    assert "**#1** Forum de l'emploi" in champs["Actions en retard"]
    assert "**#2** Plantation" in champs["Échéances d'ici la prochaine séance"]
    assert champs["Présences"] == "✅ 0 présent · ❌ 0 absent · ❔ 0 peut-être"

    await serveur["bob"].click(rappel, label="✅ Présent")
    await redemarrer(simcord_env, Passerelle(reglages, horloge=horloge))
    reponse = await alice.click(rappel, label="✅ Présent")
    assert reponse.followups[0].content == "Réponse notée : présent."
    await serveur["bob"].click(rappel, label="❌ Absent")  # Bob change d'avis : remplacé, pas ajouté

    rafraichi = await simcord_env.bot.get_channel(salon.id).fetch_message(rappel.id)
    champs = {c.name: c.value for c in rafraichi.embeds[0].fields}
    # Les noms de qui a répondu, sous les comptes (aucun rôle de ville ici : les noms seuls).
    assert champs["Présences"] == "✅ 1 présent · ❌ 1 absent · ❔ 0 peut-être\n✅ alice\n❌ bob"
    assert len(simcord_env.bot.base.lecture(lambda s: s.exec(select(Presence)).all())) == 2


async def test_rappel_manque_pendant_l_arret_part_une_fois_en_retard(
    simcord_env, serveur, reglages, horloge
) -> None:
    await _planifier(serveur, rappels="24h,1h")
    # Le bot s'arrête ; il repart mardi à midi UTC : le rappel de 24 h est manqué, la séance à venir.
    simcord_env.bot.planificateur.arreter()
    horloge.instant = datetime(2027, 3, 16, 12, tzinfo=UTC)
    await redemarrer(simcord_env, Passerelle(reglages, horloge=horloge))
    rappels = _rappels(serveur["salon"])
    assert len(rappels) == 1
    assert rappels[0].embeds[0].description.startswith("⏰ Publié en retard")
    statuts = [
        (livraison.cle.rsplit(":", 1)[1], livraison.statut, livraison.en_retard)
        for livraison in _livraisons(simcord_env.bot)
    ]
    assert statuts == [("1440", StatutLivraison.ENVOYEE, True), ("60", StatutLivraison.PREVUE, False)]

    await redemarrer(simcord_env, Passerelle(reglages, horloge=horloge))  # un second redémarrage
    await simcord_env.advance_time(3600)
    assert len(_rappels(serveur["salon"])) == 2  # le rappel de 1 h, à l'heure ; celui de 24 h pas redoublé
    assert "Publié en retard" not in _rappels(serveur["salon"])[-1].embeds[0].description


async def test_deux_rappels_manques_un_seul_message(simcord_env, serveur, reglages, horloge) -> None:
    await _planifier(serveur, rappels="24h,1h")
    simcord_env.bot.planificateur.arreter()
    horloge.instant = datetime(2027, 3, 16, 13, 30, tzinfo=UTC)  # les deux rappels sont manqués
    await redemarrer(simcord_env, Passerelle(reglages, horloge=horloge))
    rappels = _rappels(serveur["salon"])
    assert len(rappels) == 1
    assert "Dans 30 min" in rappels[0].embeds[0].description
    statuts = [
        (livraison.cle.rsplit(":", 1)[1], livraison.statut) for livraison in _livraisons(simcord_env.bot)
    ]
    assert statuts == [("1440", StatutLivraison.SAUTEE), ("60", StatutLivraison.ENVOYEE)]


async def test_rappel_manque_apres_le_debut_est_saute(simcord_env, serveur, reglages, horloge) -> None:
    await _planifier(serveur, rappels="1h")
    simcord_env.bot.planificateur.arreter()
    horloge.instant = datetime(2027, 3, 16, 15, tzinfo=UTC)  # la séance a commencé à 14 h
    await redemarrer(simcord_env, Passerelle(reglages, horloge=horloge))
    assert _rappels(serveur["salon"]) == []
    livraison = _livraisons(simcord_env.bot)[0]
    assert livraison.statut == StatutLivraison.SAUTEE
    assert "trop tard" in livraison.erreur


async def test_seance_annulee_pas_de_rappel(simcord_env, serveur) -> None:
    await _planifier(serveur, rappels="1h", recurrence="hebdomadaire")
    await serveur["alice"].slash(
        serveur["salon"], "reunion annuler", reunion="1", occurrence="20270316T1400Z"
    )
    await simcord_env.advance_time(26 * 3600)
    assert _rappels(serveur["salon"]) == []
    statuts = {livraison.cle.split(":")[2]: livraison.statut for livraison in _livraisons(simcord_env.bot)}
    assert statuts["20270316T1400Z"] == StatutLivraison.ANNULEE
    assert statuts["20270323T1400Z"] == StatutLivraison.PREVUE


async def test_echec_de_publication_repris_puis_signale(simcord_env, serveur) -> None:
    await serveur["alice"].slash(serveur["salon"], "config salon-rappels", salon=serveur["autre"])
    await _planifier(serveur, rappels="2h")
    simcord_env.inject_error(
        "POST",
        f"/channels/{serveur['autre'].id}/messages",
        status=403,
        code=50013,
        message="Missing Permissions",
        times=None,
    )
    await simcord_env.advance_time((datetime(2027, 3, 16, 12, 0, 1, tzinfo=UTC) - LUNDI_MIDI).total_seconds())
    livraison = _livraisons(simcord_env.bot)[0]
    assert (livraison.statut, livraison.tentatives) == (StatutLivraison.PREVUE, 1)
    assert "permission refusée" in livraison.erreur

    await simcord_env.advance_time(3600)  # 30 s, 2 min, 10 min, 30 min : quatre reprises
    livraison = _livraisons(simcord_env.bot)[0]
    assert (livraison.statut, livraison.tentatives) == (StatutLivraison.ECHEC, 5)
    signalement = serveur["salon"].last_message.content
    assert signalement.startswith("⚠️ Je n'ai pas pu publier le rappel")
    assert "après 5 essai(s) : permission refusée" in signalement


async def test_avis_de_changement_d_ecart_une_semaine_avant(simcord_env, serveur, horloge) -> None:
    await serveur["alice"].slash(serveur["salon"], "config salon-rappels", salon=serveur["autre"])
    horloge.instant = datetime(2027, 3, 1, 12, tzinfo=UTC)
    await _planifier(serveur, date="2027-03-09", recurrence="hebdomadaire", rappels="aucun")
    await simcord_env.advance_time(7 * 86400)  # l'avis part le 7 mars à 07 h UTC
    avis = [m for m in serveur["autre"].history() if m.embeds and m.embeds[0].title.startswith("🕑")]
    assert len(avis) == 1
    texte = avis[0].embeds[0].description
    assert "Le dimanche 14 mars 2027 à 03\u00a0h\u00a000, Terrebonne change d'heure" in texte
    assert "l'écart passe de 6\u00a0h à **5\u00a0h**" in texte
    seances = avis[0].embeds[0].fields[0].value
    assert "Namur 15\u00a0h\u00a000" in seances  # le mardi 16 mars, 10 h à Terrebonne
    assert "Namur 16\u00a0h\u00a000" not in seances.split("·")[0]


async def test_avis_du_retour_a_6_h_part_a_l_heure_apres_le_changement_de_namur(
    simcord_env, serveur, horloge
) -> None:
    # Namur change le 31 octobre à 01 h UTC ; l'avis de Terrebonne (7 novembre) est dû à 06 h UTC,
    # bien avant la préparation suivante.
    horloge.instant = datetime(2027, 10, 20, 12, tzinfo=UTC)
    await serveur["alice"].slash(serveur["salon"], "config salon-rappels", salon=serveur["autre"])
    fin = datetime(2027, 10, 31, 6, 0, 30, tzinfo=UTC)
    await simcord_env.advance_time((fin - horloge.instant).total_seconds())
    avis = [m for m in serveur["autre"].history() if m.embeds and m.embeds[0].title.startswith("🕑")]
    assert len(avis) == 2
    assert "Terrebonne change d'heure" in avis[-1].embeds[0].description
    assert "Publié en retard" not in avis[-1].embeds[0].description
    terrebonne = _livraisons(simcord_env.bot, "ecart")[-1]
    assert terrebonne.cle == "ecart:namur:20271107T0600Z"
    assert terrebonne.echeance == datetime(2027, 10, 31, 6, tzinfo=UTC)
    assert (terrebonne.statut, terrebonne.en_retard) == (StatutLivraison.ENVOYEE, False)
    assert terrebonne.envoyee_le - terrebonne.echeance <= timedelta(seconds=1)


async def test_un_rendu_qui_plante_n_arrete_pas_les_autres_livraisons(simcord_env, serveur, caplog) -> None:
    await _planifier(serveur, titre="Première", rappels="1h")
    await _planifier(serveur, titre="Seconde", heure="10:30", rappels="1h")
    cog = simcord_env.bot.get_cog("Rappels")
    originale = cog.publication_rappel

    async def rendu_fragile(livraison, en_retard):
        if livraison.cle.startswith("rappel:1:"):
            raise RuntimeError("bogue de rendu")
        return await originale(livraison, en_retard)

    simcord_env.bot.livreur.enregistrer(TypeLivraison.RAPPEL, rendu_fragile)
    await simcord_env.advance_time((datetime(2027, 3, 16, 13, 31, tzinfo=UTC) - LUNDI_MIDI).total_seconds())
    assert [m.embeds[0].title for m in _rappels(serveur["salon"])] == ["🔔 Rappel : Seconde"]
    assert "bogue de rendu" in caplog.text
    premiere = next(x for x in _livraisons(simcord_env.bot) if x.cle.startswith("rappel:1:"))
    # 13 h 00, puis 30 s, 2 min et 10 min plus tard : quatre essais, le prochain dans 30 min.
    assert (premiere.statut, premiere.tentatives) == (StatutLivraison.PREVUE, 4)
    assert premiere.erreur == "erreur interne : RuntimeError('bogue de rendu')"


async def test_saut_d_horloge_d_une_heure_en_avant_puis_en_arriere(simcord_env, serveur, horloge) -> None:
    """NTP corrige l'heure : en avant, le rappel dépassé part une fois (en retard) ; en arrière, pas deux."""
    await _planifier(serveur, rappels="1h")  # rappel le mardi 16 mars à 13 h UTC, séance à 14 h
    await simcord_env.advance_time((datetime(2027, 3, 16, 12, 30, tzinfo=UTC) - LUNDI_MIDI).total_seconds())
    assert _rappels(serveur["salon"]) == []
    horloge.instant = datetime(2027, 3, 16, 13, 30, tzinfo=UTC)  # l'heure saute d'une heure en avant
    await simcord_env.advance_time(600)  # le réveil suivant (au plus 10 min) voit l'échéance passée
    assert len(_rappels(serveur["salon"])) == 1
    livraison = _livraisons(simcord_env.bot)[0]
    assert livraison.statut == StatutLivraison.ENVOYEE
    assert livraison.en_retard  # parti avant la séance (14 h), marqué en retard
    assert livraison.envoyee_le <= datetime(2027, 3, 16, 13, 40, tzinfo=UTC)
    horloge.instant = datetime(2027, 3, 16, 12, 31, tzinfo=UTC)  # puis une heure en arrière
    await simcord_env.advance_time(3 * 3600)
    assert len(_rappels(serveur["salon"])) == 1  # jamais deux fois


async def test_reveil_avance_quand_la_base_dit_plus_tot(simcord_env, serveur) -> None:
    from bot.livraison import CLE_REVEIL

    await simcord_env.advance_time(3600 + 5)  # après le résumé du lundi (09 h à Terrebonne, 13 h UTC)
    await _planifier(serveur, date="2027-03-20", rappels="1h")  # samedi 20 mars, rappel à 13 h UTC
    planificateur = simcord_env.bot.planificateur
    assert planificateur.prochaine(CLE_REVEIL) == datetime(2027, 3, 20, 13, tzinfo=UTC)
    await _planifier(serveur, titre="Point rapide", rappels="1h")  # mardi 16 mars, rappel à 13 h UTC
    assert planificateur.prochaine(CLE_REVEIL) == datetime(2027, 3, 16, 13, tzinfo=UTC)
    await simcord_env.advance_time(25 * 3600)  # parti : le réveil suivant est relu en base
    assert planificateur.prochaine(CLE_REVEIL) == datetime(2027, 3, 20, 13, tzinfo=UTC)
