"""Les prochaines séances dans l'onglet « Événements » du serveur, à travers simcord."""

from datetime import UTC, datetime

import discord
import pytest
from sqlmodel import select

from modeles import EvenementDiscord, Reunion

NB = "\u00a0"
LUNDI_1ER_MARS_2027 = datetime(2027, 3, 1, 15, 0, tzinfo=UTC)


@pytest.fixture
async def serveur(simcord_env, horloge):
    horloge.instant = LUNDI_1ER_MARS_2027
    guild = simcord_env.create_guild("Jumelage")
    coordination = guild.create_role("Coordination")
    monde = {
        "guild": guild,
        "salon": guild.create_text_channel("comite"),
        "coordination": coordination,
        "autrice": guild.add_member(simcord_env.create_user("autrice")),
        "admin": guild.add_member(
            simcord_env.create_user("admin"),
            roles=[guild.create_role("Admin", permissions=discord.Permissions(manage_guild=True))],
        ),
    }
    await simcord_env.settle()
    return monde


def _evenements(simcord_env, serveur) -> list:
    evenements = simcord_env.backend.get_guild(serveur["guild"].id).scheduled_events.values()
    return sorted(evenements, key=lambda e: (str(e.scheduled_start_time), e.id))


def _debut(evenement) -> datetime:
    valeur = evenement.scheduled_start_time
    return datetime.fromisoformat(valeur) if isinstance(valeur, str) else valeur


async def _comite(serveur, **options):
    valeurs = {
        "titre": "Comité de suivi",
        "date": "2027-03-09",
        "heure": "10:00",
        "ville": "terrebonne",
        "recurrence": "hebdomadaire",
        "lien": "https://visio.exemple.org/comite",
    } | options
    valeurs = {k: v for k, v in valeurs.items() if v is not None}
    resultat = await serveur["autrice"].slash(serveur["salon"], "reunion planifier", **valeurs)
    assert not resultat.ephemeral, resultat.response.content
    return resultat


def _actifs(simcord_env, serveur) -> list:
    return [e for e in _evenements(simcord_env, serveur) if int(e.status) == 1]


async def test_comite_hebdomadaire_publie_met_a_jour_et_annule_ses_evenements(simcord_env, serveur) -> None:
    await _comite(serveur)
    await simcord_env.settle()

    evenements = _actifs(simcord_env, serveur)
    assert [_debut(e) for e in evenements] == [
        datetime(2027, 3, 9, 15, tzinfo=UTC),
        datetime(2027, 3, 16, 14, tzinfo=UTC),  # semaine à 5 h
        datetime(2027, 3, 23, 14, tzinfo=UTC),
    ]
    seize = evenements[1]
    assert seize.name == "Comité de suivi"
    assert int(seize.entity_type) == 3  # externe
    assert seize.entity_metadata["location"] == "https://visio.exemple.org/comite"
    assert f"mardi 16 mars 2027 · Terrebonne 10{NB}h{NB}00 · Namur 15{NB}h{NB}00" in seize.description
    assert f"semaine à 5{NB}h (au lieu de 6{NB}h)" in seize.description
    assert len(seize.description) <= 1000
    ids = [e.id for e in evenements]

    # L'heure change (/reunion modifier) : les mêmes événements sont mis à jour (même identifiant,
    # nouvelle heure).
    modifiee = await serveur["autrice"].slash(
        serveur["salon"], "reunion modifier", reunion="1", heure="11:00"
    )
    assert not modifiee.ephemeral, modifiee.response.content
    await simcord_env.settle()
    evenements = _actifs(simcord_env, serveur)
    assert [e.id for e in evenements] == ids
    assert _debut(evenements[1]) == datetime(2027, 3, 16, 15, tzinfo=UTC)
    assert f"Terrebonne 11{NB}h{NB}00 · Namur 16{NB}h{NB}00" in evenements[1].description

    # Une séance annulée : son événement est annulé, la séance suivante publiée à sa place.
    await serveur["autrice"].slash(
        serveur["salon"], "reunion annuler", reunion="1", occurrence="20270316T1500Z"
    )
    await simcord_env.settle()
    annule = next(e for e in _evenements(simcord_env, serveur) if e.id == ids[1])
    assert int(annule.status) == 4  # annulé
    assert [_debut(e) for e in _actifs(simcord_env, serveur)] == [
        datetime(2027, 3, 9, 16, tzinfo=UTC),
        datetime(2027, 3, 23, 15, tzinfo=UTC),
        datetime(2027, 3, 30, 15, tzinfo=UTC),
    ]

    # La réunion annulée : tous ses événements le sont.
    await serveur["autrice"].slash(serveur["salon"], "reunion annuler", reunion="1")
    await simcord_env.settle()
    assert _actifs(simcord_env, serveur) == []
    assert simcord_env.bot.base.lecture(lambda s: s.exec(select(EvenementDiscord)).all()) == []


async def test_la_seance_commencee_laisse_place_a_la_suivante(simcord_env, serveur, horloge) -> None:
    await _comite(serveur, lien=None)
    await simcord_env.settle()
    assert _actifs(simcord_env, serveur)[0].entity_metadata["location"] == "Terrebonne / Namur"
    await simcord_env.advance_time((datetime(2027, 3, 9, 15, 0, 1, tzinfo=UTC) - horloge()).total_seconds())
    await simcord_env.settle()
    debuts = [_debut(e) for e in _actifs(simcord_env, serveur)]
    assert datetime(2027, 3, 30, 14, tzinfo=UTC) in debuts  # la quatrième séance est publiée


async def test_sans_la_permission_la_reunion_est_planifiee_et_on_le_dit_une_fois(
    simcord_env, serveur
) -> None:
    backend = simcord_env.backend
    role_du_bot = next(r for r in backend.get_guild(serveur["guild"].id).roles.values() if r.managed)
    permissions = discord.Permissions(role_du_bot.permissions)
    permissions.manage_events = False
    backend.edit_role(serveur["guild"].id, role_du_bot.id, {"permissions": permissions.value})
    await simcord_env.settle()

    premiere = await _comite(serveur)
    assert "permission « Gérer les événements »" in premiere.response.embeds[0].description
    seconde = await _comite(serveur, titre="Atelier")
    assert "Gérer les événements" not in (seconde.response.embeds[0].description or "")
    await simcord_env.settle()
    assert _evenements(simcord_env, serveur) == []
    assert len(simcord_env.bot.base.lecture(lambda s: s.exec(select(Reunion)).all())) == 2


async def test_debit_limite_reunion_gardee_evenement_repris(simcord_env, serveur, horloge) -> None:
    # 429 : l'événement est repris après 30 s, puis 2 min ; la réunion ne bouge pas.
    simcord_env.inject_error("POST", "/guilds/*/scheduled-events", status=429, code=0, times=5)
    await _comite(serveur)
    await simcord_env.advance_time(120)
    await simcord_env.settle()
    lignes = simcord_env.bot.base.lecture(lambda s: s.exec(select(EvenementDiscord)).all())
    # Cinq refus : deux essais perdus pour les deux premières séances, la reprise suivante à 2 min 30.
    assert sorted(ligne.tentatives for ligne in lignes) == [0, 2, 2]
    await simcord_env.advance_time(60)
    await simcord_env.settle()
    assert len(simcord_env.bot.base.lecture(lambda s: s.exec(select(Reunion)).all())) == 1
    assert len(_actifs(simcord_env, serveur)) == 3
    lignes = simcord_env.bot.base.lecture(lambda s: s.exec(select(EvenementDiscord)).all())
    assert all(ligne.event_id and ligne.erreur is None for ligne in lignes)


async def test_refus_de_discord_reunion_gardee_evenement_repris(simcord_env, serveur, horloge) -> None:
    erreur = "Discord a refusé (403) : il me faut la permission « Gérer les événements »"
    simcord_env.inject_error("POST", "/guilds/*/scheduled-events", status=403, code=50013, times=1)
    await _comite(serveur)
    await simcord_env.settle()
    assert len(_actifs(simcord_env, serveur)) == 2  # le premier a été refusé ; la réunion est gardée
    assert len(simcord_env.bot.base.lecture(lambda s: s.exec(select(Reunion)).all())) == 1
    [ligne] = [
        e
        for e in simcord_env.bot.base.lecture(lambda s: s.exec(select(EvenementDiscord)).all())
        if e.event_id is None
    ]
    assert (ligne.tentatives, ligne.erreur) == (1, erreur)

    await simcord_env.advance_time(31)
    await simcord_env.settle()
    assert len(_actifs(simcord_env, serveur)) == 3  # repris après 30 s


async def test_echecs_repetes_signales_a_la_coordination(simcord_env, serveur, horloge) -> None:
    await serveur["admin"].slash(serveur["salon"], "config role-coordination", role=serveur["coordination"])
    simcord_env.inject_error(
        "POST",
        "/guilds/*/scheduled-events",
        status=403,
        code=50013,
        message="Missing Permissions",
        times=None,
    )
    await _comite(serveur)
    for attente in (31, 121, 601, 1801):
        await simcord_env.advance_time(attente)
        await simcord_env.settle()
    signalements = [
        m for m in serveur["salon"].history() if "Je n'ai pas pu publier l'événement" in m.content
    ]
    assert len(signalements) == 3  # une fois par séance, pas à chaque essai
    assert signalements[0].content.startswith(f"⚠️ {serveur['coordination'].mention} ")
    assert "La réunion et ses rappels restent planifiés" in signalements[0].content
    brut = simcord_env.backend.get_message(serveur["salon"].id, signalements[0].id)
    assert brut.ping_role_ids == [serveur["coordination"].id]
    assert len(simcord_env.bot.base.lecture(lambda s: s.exec(select(Reunion)).all())) == 1
