"""« Me le rappeler en privé » : inscription en base, message privé à l'heure de chaque rappel suivant,
une seule fois (redémarrage, processus tué), désinscription, messages privés fermés ; semaines à 5 h."""

import logging
from datetime import UTC, datetime, timedelta

import discord
import pytest
from sqlmodel import select

from bot.client import Passerelle
from metier.publications.livraisons import BAIL, TypeLivraison
from modeles import Livraison, RappelPrive, StatutLivraison
from tests.outils import redemarrer

NB = "\u00a0"
LUNDI_MIDI = datetime(2027, 3, 15, 12, 0, tzinfo=UTC)  # semaine à 5 h (Terrebonne UTC−4, Namur UTC+1)
PREMIER_RAPPEL = datetime(2027, 3, 16, 13, 0, 5, tzinfo=UTC)  # 1 h avant le mardi 16, 10 h à Terrebonne
DEUXIEME_RAPPEL = datetime(2027, 3, 23, 13, 0, 5, tzinfo=UTC)  # mardi 23 : encore à 5 h
TROISIEME_RAPPEL = datetime(2027, 3, 30, 13, 0, 5, tzinfo=UTC)  # mardi 30 : Namur a changé, 6 h
LIBELLE = "✉️ Me le rappeler en privé"


@pytest.fixture
async def serveur(simcord_env, horloge):
    horloge.instant = LUNDI_MIDI
    guild = simcord_env.create_guild("Jumelage")
    admin = guild.create_role("Admin", permissions=discord.Permissions(manage_guild=True))
    monde = {
        "guild": guild,
        "salon": guild.create_text_channel("reunions"),
        "alice": guild.add_member(simcord_env.create_user("alice"), roles=[admin]),
        "bob": guild.add_member(simcord_env.create_user("bob")),
    }
    await simcord_env.settle()
    resultat = await monde["alice"].slash(
        monde["salon"],
        "reunion planifier",
        titre="Comité @everyone",
        date="2027-03-16",
        heure="10:00",
        ville="terrebonne",
        recurrence="hebdomadaire",
        rappels="1h",
        lien="https://visio.exemple.org/comite",
    )
    assert not resultat.ephemeral, resultat.response.content
    return monde


async def _jusqu_a(simcord_env, horloge, instant: datetime) -> None:
    await simcord_env.advance_time((instant - horloge()).total_seconds())


def _dernier_rappel(serveur):
    rappels = [m for m in serveur["salon"].history() if m.embeds and m.embeds[0].title.startswith("🔔")]
    return rappels[-1]


def _prives(serveur, qui="bob"):
    return list(serveur[qui].user.dm_channel.history())


def _livraisons_privees(bot) -> list[Livraison]:
    return bot.base.lecture(
        lambda s: s.exec(
            select(Livraison).where(Livraison.type == TypeLivraison.PRIVE).order_by(Livraison.echeance)
        ).all()
    )


async def _inscrire_bob(simcord_env, serveur, horloge):
    await _jusqu_a(simcord_env, horloge, PREMIER_RAPPEL)
    reponse = await serveur["bob"].click(_dernier_rappel(serveur), label=LIBELLE)
    assert reponse.ephemeral
    return reponse


async def test_inscrit_recoit_un_message_prive_a_chaque_rappel_suivant_dans_les_deux_horloges(
    simcord_env, serveur, horloge
) -> None:
    reponse = await _inscrire_bob(simcord_env, serveur, horloge)
    texte = reponse.response.content
    assert "je vous écrirai en privé à chaque rappel de « Comité @\u200beveryone »" in texte
    # Ce qui va se passer : le prochain message (mardi 23, 13 h UTC) et sa séance dans chaque horloge.
    assert f"<t:{int(datetime(2027, 3, 23, 13, tzinfo=UTC).timestamp())}:F>" in texte
    assert f"mardi 23 mars 2027 · Terrebonne 10{NB}h{NB}00 · Namur 15{NB}h{NB}00" in texte
    assert "cliquez de nouveau sur ce bouton" in texte
    assert _prives(serveur) == []  # rien au clic : le message part à l'heure du rappel
    inscriptions = simcord_env.bot.base.lecture(lambda s: s.exec(select(RappelPrive)).all())
    assert [(i.membre_id, i.reunion_id) for i in inscriptions] == [(serveur["bob"].id, 1)]

    await _jusqu_a(simcord_env, horloge, DEUXIEME_RAPPEL - timedelta(seconds=10))
    assert _prives(serveur) == []
    await _jusqu_a(simcord_env, horloge, DEUXIEME_RAPPEL)
    [prive] = _prives(serveur)
    assert f"Terrebonne 10{NB}h{NB}00 · Namur 15{NB}h{NB}00" in prive.content
    assert f"semaine à 5{NB}h (au lieu de 6{NB}h)" in prive.content
    assert "https://visio.exemple.org/comite" in prive.content
    assert "Serveur : Jumelage" in prive.content
    assert "Publié en retard" not in prive.content
    brut = simcord_env.backend.get_message(prive.channel.id, prive.id)
    assert (brut.ping_role_ids, brut.ping_user_ids, brut.mention_everyone) == ([], [], False)
    assert len([m for m in serveur["salon"].history() if m.embeds]) >= 2  # le salon a aussi son rappel

    # La semaine suivante, Namur a changé d'heure : l'écart est revenu à 6 h.
    await _jusqu_a(simcord_env, horloge, TROISIEME_RAPPEL)
    prives = _prives(serveur)
    assert len(prives) == 2
    assert f"Terrebonne 10{NB}h{NB}00 · Namur 16{NB}h{NB}00" in prives[-1].content
    assert "semaine à" not in prives[-1].content
    assert _prives(serveur, "alice") == []  # seul l'inscrit reçoit

    await simcord_env.advance_time(3 * 3600)
    assert len(_prives(serveur)) == 2  # jamais deux fois


async def test_second_clic_ou_bouton_du_message_prive_desinscrit(simcord_env, serveur, horloge) -> None:
    await _inscrire_bob(simcord_env, serveur, horloge)
    retrait = await serveur["bob"].click(_dernier_rappel(serveur), label=LIBELLE)
    assert retrait.ephemeral
    assert "vous ne recevrez plus en privé les rappels" in retrait.response.content
    assert simcord_env.bot.base.lecture(lambda s: s.exec(select(RappelPrive)).all()) == []
    await _jusqu_a(simcord_env, horloge, DEUXIEME_RAPPEL)
    assert _prives(serveur) == []
    assert {p.statut for p in _livraisons_privees(simcord_env.bot)} == {StatutLivraison.ANNULEE}

    # Réinscrit depuis le rappel du 23, puis retiré depuis le message privé lui-même.
    await serveur["bob"].click(_dernier_rappel(serveur), label=LIBELLE)
    await _jusqu_a(simcord_env, horloge, TROISIEME_RAPPEL)
    [prive] = _prives(serveur)
    arret = await serveur["bob"].user.click(prive, label="Ne plus me le rappeler en privé")
    assert (
        "vous ne recevrez plus en privé les rappels de « Comité @\u200beveryone »" in arret.response.content
    )
    await _jusqu_a(simcord_env, horloge, TROISIEME_RAPPEL + timedelta(days=7))
    assert len(_prives(serveur)) == 1


async def test_un_redemarrage_ne_perd_ni_ne_double_le_message_prive(
    simcord_env, serveur, reglages, horloge
) -> None:
    await _inscrire_bob(simcord_env, serveur, horloge)
    # Le bot s'arrête avant le rappel du 23 et repart une demi-heure après : le message part, en retard.
    simcord_env.bot.planificateur.arreter()
    horloge.instant = DEUXIEME_RAPPEL + timedelta(minutes=30)
    await redemarrer(simcord_env, Passerelle(reglages, horloge=horloge))
    [prive] = _prives(serveur)
    assert prive.content.startswith("⏰ Publié en retard")
    assert f"Namur 15{NB}h{NB}00" in prive.content
    await redemarrer(simcord_env, Passerelle(reglages, horloge=horloge))
    await simcord_env.advance_time(3600)
    assert len(_prives(serveur)) == 1
    envoye = next(p for p in _livraisons_privees(simcord_env.bot) if p.statut == StatutLivraison.ENVOYEE)
    assert (envoye.membre_id, envoye.en_retard, envoye.tentatives) == (serveur["bob"].id, True, 1)


async def test_processus_tue_apres_la_reservation_le_message_part_une_fois_apres_le_bail(
    simcord_env, serveur, reglages, horloge
) -> None:
    await _inscrire_bob(simcord_env, serveur, horloge)
    simcord_env.bot.planificateur.arreter()

    # Un processus a réservé le message privé à l'heure, puis est mort avant d'écrire (kill -9).
    def reserve_puis_meurt(session) -> None:
        livraison = session.exec(
            select(Livraison).where(
                Livraison.type == TypeLivraison.PRIVE, Livraison.statut == StatutLivraison.PREVUE
            )
        ).first()
        livraison.tentatives, livraison.prochain_essai = 1, DEUXIEME_RAPPEL + BAIL
        session.add(livraison)

    simcord_env.bot.base.transaction(reserve_puis_meurt)
    horloge.instant = DEUXIEME_RAPPEL + timedelta(minutes=1)
    await redemarrer(simcord_env, Passerelle(reglages, horloge=horloge))
    assert _prives(serveur) == []  # la réservation court encore
    await simcord_env.advance_time(BAIL.total_seconds())
    assert len(_prives(serveur)) == 1
    await simcord_env.advance_time(3600)
    assert len(_prives(serveur)) == 1


async def test_messages_prives_fermes_sans_bruit_et_sans_echec_du_salon(
    simcord_env, serveur, horloge, caplog
) -> None:
    caplog.set_level(logging.INFO, "bot.livraison")
    await _inscrire_bob(simcord_env, serveur, horloge)
    prive = serveur["bob"].user.dm_channel
    simcord_env.inject_error(
        "POST", f"/channels/{prive.id}/messages", status=403, code=50007, message="Cannot send", times=None
    )
    salon_avant = len(serveur["salon"].history())
    await _jusqu_a(simcord_env, horloge, DEUXIEME_RAPPEL)
    assert len(serveur["salon"].history()) == salon_avant + 1  # le rappel du salon est parti
    livraisons = simcord_env.bot.base.lecture(lambda s: s.exec(select(Livraison)).all())
    salon = [
        livraison
        for livraison in livraisons
        if livraison.type == TypeLivraison.RAPPEL and livraison.occurrence.day == 23
    ]
    assert [livraison.statut for livraison in salon] == [StatutLivraison.ENVOYEE]
    [envoi] = [p for p in _livraisons_privees(simcord_env.bot) if p.occurrence.day == 23]
    assert (envoi.statut, envoi.tentatives) == (StatutLivraison.SAUTEE, 1)  # pas de reprises
    assert envoi.erreur == "messages privés refusés par le membre"
    assert "messages privés refusés" in caplog.text
    # Rien n'est signalé à la coordination : aucun « ⚠️ » dans les salons.
    assert not any("⚠️" in (m.content or "") for m in serveur["salon"].history())


async def test_refus_en_francais(simcord_env, serveur, horloge) -> None:
    await _jusqu_a(simcord_env, horloge, PREMIER_RAPPEL)
    rappel = _dernier_rappel(serveur)
    await serveur["alice"].slash(serveur["salon"], "reunion annuler", reunion="1")
    refus = await serveur["bob"].click(rappel, label=LIBELLE)
    assert refus.ephemeral
    assert "Cette réunion est annulée" in refus.response.content
    assert simcord_env.bot.base.lecture(lambda s: s.exec(select(RappelPrive)).all()) == []


async def test_le_message_prive_suit_la_reunion_modifiee(simcord_env, serveur, horloge) -> None:
    await _inscrire_bob(simcord_env, serveur, horloge)
    modifiee = await serveur["alice"].slash(serveur["salon"], "reunion modifier", reunion="1", heure="11:00")
    assert not modifiee.ephemeral, modifiee.response.content
    # La séance du jour passe de 14 h à 15 h UTC : son rappel d'une heure avant, pas encore parti, part
    # à 14 h, en privé aussi.
    await _jusqu_a(simcord_env, horloge, PREMIER_RAPPEL + timedelta(hours=1))
    [prive] = _prives(serveur)
    assert f"mardi 16 mars 2027 · Terrebonne 11{NB}h{NB}00 · Namur 16{NB}h{NB}00" in prive.content
    # À l'ancienne heure du rappel suivant, rien ; une heure plus tard, un seul message.
    await _jusqu_a(simcord_env, horloge, DEUXIEME_RAPPEL)
    assert len(_prives(serveur)) == 1
    await _jusqu_a(simcord_env, horloge, DEUXIEME_RAPPEL + timedelta(hours=1))
    prives = _prives(serveur)
    assert len(prives) == 2
    assert f"mardi 23 mars 2027 · Terrebonne 11{NB}h{NB}00 · Namur 16{NB}h{NB}00" in prives[-1].content
    en_attente = [p for p in _livraisons_privees(simcord_env.bot) if p.statut == StatutLivraison.PREVUE]
    assert len({(p.occurrence, p.membre_id) for p in en_attente}) == len(en_attente)  # aucun doublon
