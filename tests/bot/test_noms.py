"""Noms affichés relevés à chaque interaction, à travers simcord : nouveau, renommé, inchangé."""

import pytest
from sqlmodel import Session, select

from bot.base import BaseDonnees
from bot.client import Passerelle
from modeles import Membre


@pytest.fixture
def serveur(simcord_env):
    """Un serveur, un salon, deux membres : Alice (sans pseudo) et Bob (avec un pseudo du serveur)."""
    guild = simcord_env.create_guild("Jumelage")
    return {
        "guild": guild,
        "salon": guild.create_text_channel("suivi"),
        "alice": guild.add_member(simcord_env.create_user("alice", global_name="Alice Tremblay")),
        "bob": guild.add_member(simcord_env.create_user("bob"), nick="Bob (Namur)"),
    }


def _membres(bot: Passerelle) -> dict[int, tuple[str, str]]:
    def lire(session: Session) -> dict[int, tuple[str, str]]:
        return {m.membre_id: (m.nom, m.vu_le.isoformat()) for m in session.exec(select(Membre))}

    return bot.base.lecture(lire)


async def test_le_nom_est_releve_renomme_puis_rien_n_est_reecrit(simcord_env, serveur) -> None:
    bot, alice = simcord_env.bot, serveur["alice"]
    await alice.slash(serveur["salon"], "heure")
    await simcord_env.settle()
    ((nom, vu_le),) = _membres(bot).values()
    assert nom == "Alice Tremblay"

    simcord_env.backend.edit_member(serveur["guild"].id, alice.id, {"nick": "Alice (Terrebonne)"})
    await simcord_env.advance_time(3600)
    await alice.slash(serveur["salon"], "heure")
    await simcord_env.settle()
    ((nom, renommee_le),) = _membres(bot).values()
    assert nom == "Alice (Terrebonne)"
    assert renommee_le > vu_le

    await simcord_env.advance_time(3600)
    await alice.slash(serveur["salon"], "heure")
    await simcord_env.settle()
    assert _membres(bot) == {alice.id: ("Alice (Terrebonne)", renommee_le)}  # rien d'écrit


async def test_le_membre_choisi_en_option_est_releve_aussi(simcord_env, serveur) -> None:
    alice, bob = serveur["alice"], serveur["bob"]
    await alice.slash(
        serveur["salon"], "action ajouter", titre="Forum de l'emploi vert", axe=2, responsable=bob
    )
    await simcord_env.settle()
    noms = {membre_id: nom for membre_id, (nom, _) in _membres(simcord_env.bot).items()}
    assert noms == {alice.id: "Alice Tremblay", bob.id: "Bob (Namur)"}


async def test_un_nom_non_enregistre_ne_gene_pas_la_reponse(simcord_env, serveur, tmp_path, caplog) -> None:
    bot = simcord_env.bot
    bot.noms.base = BaseDonnees(f"sqlite:///{tmp_path / 'sans-table.db'}")  # l'écriture échouera
    try:
        resultat = await serveur["alice"].slash(serveur["salon"], "heure")
        await simcord_env.settle()
    finally:
        bot.noms.base.fermer()
    assert resultat.response.embeds[0].title == "Heure des villes partenaires"
    assert "Noms des membres" in caplog.text
    assert _membres(bot) == {}
