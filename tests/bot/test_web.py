"""Le bot sert la page de suivi lui-même : lancée avec lui, arrêtée avec lui, rien d'autre à installer."""

from __future__ import annotations

import socket

import aiohttp
import pytest
from simcord import Env

from bot.client import Passerelle
from bot.reglages import Reglages


def _port_libre() -> int:
    with socket.socket() as prise:
        prise.bind(("127.0.0.1", 0))
        return int(prise.getsockname()[1])


async def test_le_bot_sert_la_page_sur_son_port_et_la_ferme_en_s_arretant(
    reglages: Reglages, horloge
) -> None:
    port = _port_libre()
    bot = Passerelle(reglages.model_copy(update={"web_port": port}), horloge=horloge, servir_web=True)
    env = Env(bot)
    await env.start()
    try:
        async with aiohttp.ClientSession() as session:
            async with session.get(f"http://127.0.0.1:{port}/") as reponse:
                assert reponse.status == 404  # rien n'est servi sans lien secret
                assert "Page introuvable" in await reponse.text()
            async with session.get(f"http://127.0.0.1:{port}/statique/passerelle.css") as reponse:
                assert reponse.status == 200
    finally:
        await env.shutdown()
        await bot.close()
    with pytest.raises(ConnectionRefusedError), socket.create_connection(("127.0.0.1", port), timeout=2):
        pass


def test_l_adresse_des_liens() -> None:
    defaut = Reglages(_env_file=None)  # type: ignore[call-arg]
    assert (defaut.web_hote, defaut.web_port, defaut.adresse_web) == (
        "127.0.0.1",
        8080,
        "http://127.0.0.1:8080",
    )
    publique = Reglages(_env_file=None, web_url_publique="https://suivi.terrebonne.ca/passerelle/")  # type: ignore[call-arg]
    assert publique.adresse_web == "https://suivi.terrebonne.ca/passerelle"
    assert Reglages(_env_file=None, web_url_publique="  ").adresse_web == "http://127.0.0.1:8080"  # type: ignore[call-arg]
    ipv6 = Reglages(_env_file=None, web_hote="::1", web_port=9000)  # type: ignore[call-arg]
    assert ipv6.adresse_web == "http://[::1]:9000"
    with pytest.raises(ValueError, match="WEB_URL_PUBLIQUE"):
        Reglages(_env_file=None, web_url_publique="suivi.terrebonne.ca")  # type: ignore[call-arg]
    with pytest.raises(ValueError, match="web_port"):
        Reglages(_env_file=None, web_port=70000)  # type: ignore[call-arg]


async def test_un_port_deja_pris_n_empeche_pas_le_bot_de_tourner(reglages: Reglages, horloge, caplog) -> None:
    with socket.socket() as occupe:
        occupe.bind(("127.0.0.1", 0))
        occupe.listen()
        port = occupe.getsockname()[1]
        bot = Passerelle(reglages.model_copy(update={"web_port": port}), horloge=horloge, servir_web=True)
        env = Env(bot)
        await env.start()
        try:
            assert bot.pret.is_set() or not bot.is_closed()
            assert "La page de suivi ne peut pas écouter" in caplog.text
        finally:
            await env.shutdown()
            await bot.close()
