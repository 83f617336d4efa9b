"""Fixtures de la page de suivi : un serveur rempli, sa page ouverte, servie sur un vrai port local."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

import pytest
import pytest_asyncio
from aiohttp.test_utils import TestClient, TestServer

from bot.atelier import Atelier
from bot.base import BaseDonnees
from metier.membres import noter_membres
from metier.page import abonner_agenda, activer_page
from modeles import ModePage
from tests.scenarios import ALICE, MAINTENANT, SERVEUR, remplir
from web.app import LimiteDebit, Services, Site


@pytest.fixture(scope="session")
def atelier() -> Iterator[Atelier]:
    """Le vrai processus de dessin, partagé par les tests de la page (son lancement coûte ~1 s)."""
    atelier = Atelier()
    yield atelier
    atelier.fermer()


@dataclass
class Horloge:
    """L'instant présent de la page, réglable."""

    instant = MAINTENANT

    def __call__(self):
        return self.instant


@dataclass
class Suivi:
    """Un serveur rempli avec sa page ouverte : le client HTTP, les liens, la base."""

    client: TestClient
    base: BaseDonnees
    site: Site
    horloge: Horloge
    jeton: str
    agenda: str

    @property
    def racine(self) -> str:
        return f"/p/{self.jeton}/"


def ouvrir(base: BaseDonnees, mode: ModePage = ModePage.PRIVEE) -> str:
    lien = base.transaction(activer_page, guild_id=SERVEUR, auteur_id=ALICE, mode=mode, maintenant=MAINTENANT)
    assert lien.jeton is not None
    return lien.jeton


@pytest.fixture
def rempli(base: BaseDonnees) -> BaseDonnees:
    base.transaction(remplir)
    base.transaction(noter_membres, guild_id=SERVEUR, noms={ALICE: "Alice Tremblay"}, maintenant=MAINTENANT)
    return base


async def _servir(base: BaseDonnees, atelier: Atelier, mode: ModePage) -> AsyncIterator[Suivi]:
    jeton = ouvrir(base, mode)
    agenda = base.transaction(abonner_agenda, guild_id=SERVEUR, membre_id=ALICE, maintenant=MAINTENANT)
    horloge = Horloge()
    site = Site(Services(base=base, atelier=atelier, horloge=horloge), limite=LimiteDebit(capacite=10_000))
    client = TestClient(TestServer(site.application()))
    await client.start_server()
    try:
        yield Suivi(client, base, site, horloge, jeton, agenda)
    finally:
        await client.close()


@pytest_asyncio.fixture
async def suivi(rempli: BaseDonnees, atelier: Atelier) -> AsyncIterator[Suivi]:
    """La page privée du serveur du scénario, servie sur un vrai port local."""
    async for s in _servir(rempli, atelier, ModePage.PRIVEE):
        yield s


@pytest_asyncio.fixture
async def suivi_public(rempli: BaseDonnees, atelier: Atelier) -> AsyncIterator[Suivi]:
    """La même page, ouverte en mode public."""
    async for s in _servir(rempli, atelier, ModePage.PUBLIQUE):
        yield s
