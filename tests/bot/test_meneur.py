"""Plusieurs processus sur PostgreSQL : un seul meneur, repris quand il meurt ; chaque publication une fois.

Deux « livreurs », chacun avec sa boucle d'événements (un fil) et son propre moteur, sur la même
base : seul le meneur réserve et publie, avec les vraies règles de réservation. Le meneur meurt
(sa boucle s'arrête net, sa connexion est coupée par le serveur) pendant que des rappels tombent.
"""

import asyncio
import threading
import time
from datetime import UTC, datetime, timedelta
from functools import partial

import pytest
from sqlalchemy import create_engine, text
from sqlmodel import select

from bot import meneur as module_meneur
from bot.base import BaseDonnees
from bot.meneur import Meneur
from metier.publications.livraisons import consigner_envoi, livraisons_dues, reserver
from metier.serveurs import amorcer_serveur
from modeles import Livraison, StatutLivraison
from tests.conftest import URL_POSTGRES

SERVEUR = 1


@pytest.fixture
def url_pg(url_base: str) -> str:
    if url_base.startswith("sqlite"):
        pytest.skip("PostgreSQL seulement : SQLite reste à un processus")
    return url_base


@pytest.fixture(autouse=True)
def retente_courte(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(module_meneur, "RETENTE", timedelta(seconds=0.2))


def _pid_backend(meneur: Meneur) -> int:
    assert meneur._connexion is not None
    return int(meneur._connexion.execute(text("SELECT pg_backend_pid()")).scalar_one())


def _couper(pid: int) -> None:
    """Le serveur coupe une connexion, comme à la mort de son processus."""
    admin = create_engine(URL_POSTGRES, isolation_level="AUTOCOMMIT")
    with admin.connect() as connexion:
        connexion.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    admin.dispose()


async def _attendre(condition, delai: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    fin = time.monotonic() + delai
    while not condition():
        assert time.monotonic() < fin, "délai dépassé"
        await asyncio.sleep(0.05)


async def test_un_seul_meneur_repris_quand_sa_connexion_tombe(url_pg: str) -> None:
    evenements: list[str] = []
    bases = [BaseDonnees(url_pg) for _ in range(2)]

    def meneur(nom: str, base: BaseDonnees) -> Meneur:
        async def devenir() -> None:
            evenements.append(f"{nom} mène")

        return Meneur(base, devenir, lambda: evenements.append(f"{nom} perd"), nom=nom)

    a, b = meneur("a", bases[0]), meneur("b", bases[1])
    try:
        await a.demarrer()
        await b.demarrer()
        assert (a.est_meneur, b.est_meneur) == (True, False)
        await asyncio.sleep(0.5)
        assert evenements == ["a mène"]  # b réessaie sans rien prendre
        _couper(_pid_backend(a))
        await _attendre(lambda: b.est_meneur)
        assert not a.est_meneur
        assert evenements[:1] == ["a mène"]
        assert set(evenements[1:]) == {"a perd", "b mène"}
        assert "en attente" in a.decrire()
        assert "meneur" in b.decrire()
    finally:
        a.arreter()
        b.arreter()
        for base in bases:
            base.fermer()


async def test_la_cle_depend_du_schema(url_pg: str) -> None:
    """Une autre installation (un autre schéma) a son propre meneur."""
    schema = f"autre_{int(time.time() * 1000) % 10**9}"
    admin = create_engine(URL_POSTGRES, isolation_level="AUTOCOMMIT")
    with admin.connect() as connexion:
        connexion.execute(text(f'CREATE SCHEMA "{schema}"'))
    bases = [BaseDonnees(url_pg), BaseDonnees(f"{URL_POSTGRES}?options=-csearch_path%3D{schema}")]

    async def rien() -> None:
        return None

    meneurs = [Meneur(base, rien, lambda: None) for base in bases]
    try:
        for m in meneurs:
            await m.demarrer()
        assert [m.est_meneur for m in meneurs] == [True, True]
    finally:
        for m in meneurs:
            m.arreter()
        for base in bases:
            base.fermer()
        with admin.connect() as connexion:
            connexion.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


class Livreur:
    """Un processus livreur réduit à l'essentiel : s'il mène, réserve et publie ce qui est dû."""

    def __init__(self, nom: str, url: str, publications: list[tuple[int, str]]) -> None:
        self.nom, self.url, self.publications = nom, url, publications
        self.mourir_apres: int | None = None
        self.mort = threading.Event()
        self.fin = threading.Event()
        self.pid_verrou: int | None = None
        self.boucle = asyncio.new_event_loop()
        self.fil = threading.Thread(target=self.boucle.run_until_complete, args=(self._vivre(),), daemon=True)

    async def _vivre(self) -> None:
        base = BaseDonnees(self.url)

        async def rien() -> None:
            return None

        meneur = Meneur(base, rien, lambda: None, nom=self.nom)
        await meneur.demarrer()
        livrees = 0
        while not self.fin.is_set():
            if meneur.est_meneur:
                if self.pid_verrou is None:
                    self.pid_verrou = await asyncio.to_thread(_pid_backend, meneur)
                maintenant = datetime.now(UTC)
                for livraison_id in await base.lire(partial(livraisons_dues, maintenant=maintenant)):
                    prise = await base.ecrire(
                        partial(reserver, livraison_id=livraison_id, maintenant=maintenant)
                    )
                    if prise is None:
                        continue
                    self.publications.append((livraison_id, self.nom))  # « posté sur Discord »
                    await base.ecrire(
                        partial(
                            consigner_envoi,
                            livraison_id=livraison_id,
                            maintenant=datetime.now(UTC),
                            salon_id=1,
                            message_id=livraison_id,
                            en_retard=False,
                        )
                    )
                    livrees += 1
                    if self.mourir_apres is not None and livrees >= self.mourir_apres:
                        self.mort.set()
                        return  # mort nette : rien n'est rendu, la connexion du verrou reste ouverte
            await asyncio.sleep(0.05)
        meneur.arreter()
        base.fermer()


async def test_deux_livreurs_le_meneur_meurt_chaque_publication_une_fois(url_pg: str) -> None:
    base = BaseDonnees(url_pg)
    debut = datetime.now(UTC) + timedelta(seconds=1)
    nombre = 24

    def preparer(session) -> None:  # type: ignore[no-untyped-def]
        amorcer_serveur(session, SERVEUR)
        for rang in range(nombre):
            echeance = debut + timedelta(seconds=0.15 * rang)
            session.add(
                Livraison(
                    guild_id=SERVEUR,
                    type="rappel",
                    cle=f"rappel:test:{rang}",
                    echeance=echeance,
                    limite=echeance + timedelta(hours=1),
                )
            )

    await base.ecrire(preparer)
    publications: list[tuple[int, str]] = []
    a = Livreur("a", url_pg, publications)
    a.mourir_apres = 6
    a.fil.start()
    await asyncio.sleep(0.3)  # a est meneur
    b = Livreur("b", url_pg, publications)
    b.fil.start()
    try:
        await asyncio.to_thread(a.mort.wait, 20)
        assert a.mort.is_set()
        assert a.pid_verrou is not None
        _couper(a.pid_verrou)  # le processus mort : le serveur coupe sa connexion, le verrou est rendu

        def toutes_parties() -> bool:
            return len(publications) >= nombre

        await _attendre(toutes_parties, 30)
        await asyncio.sleep(0.5)  # rien ne repart ensuite
        lignes = await base.lire(lambda s: s.exec(select(Livraison)).all())
        assert len(lignes) == nombre
        assert all(ligne.statut == StatutLivraison.ENVOYEE for ligne in lignes)
        ids = [livraison_id for livraison_id, _ in publications]
        assert sorted(ids) == sorted(ligne.id for ligne in lignes)  # chacune une fois, aucune perdue
        assert {qui for _, qui in publications} == {"a", "b"}
        assert [qui for _, qui in publications[:6]] == ["a"] * 6
    finally:
        b.fin.set()
        await asyncio.to_thread(b.fil.join, 10)
        base.fermer()


async def test_connexion_coupee_le_meneur_seul_reprend_sa_place(url_pg: str) -> None:
    """PostgreSQL coupe toutes les connexions du bot (redémarrage) : il reprend le verrou et sa base."""
    evenements: list[str] = []
    base = BaseDonnees(url_pg)

    async def devenir() -> None:
        evenements.append("mène")

    seul = Meneur(base, devenir, lambda: evenements.append("perd"))
    try:
        await seul.demarrer()
        pid_pool = await base.lire(
            lambda s: s.connection().execute(text("SELECT pg_backend_pid()")).scalar_one()
        )
        admin = create_engine(URL_POSTGRES, isolation_level="AUTOCOMMIT")
        with admin.connect() as connexion:
            # Les connexions du bot : celle du verrou et celle de son pool.
            connexion.execute(
                text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid = ANY(:pids)"),
                {"pids": [_pid_backend(seul), pid_pool]},
            )
        admin.dispose()
        await _attendre(lambda: evenements == ["mène", "perd", "mène"])
        assert seul.est_meneur
        assert await base.lire(lambda s: len(s.exec(select(Livraison)).all())) == 0  # le pool se reconnecte
    finally:
        seul.arreter()
        base.fermer()
