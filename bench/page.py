"""Page de suivi : 10 000 actions, 100 000 mises à jour, trois séries de réunions depuis 2024.

La vraie application (`web.app.Site`) écoute sur un vrai port local ; un client HTTP la demande
comme un navigateur. La durée va de l'envoi de la requête à la réception du dernier octet. Une sonde
mesure pendant ce temps le plus long blocage de la boucle d'événements (celle du bot, qui sert
aussi Discord).
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as heure

import aiohttp
from aiohttp.test_utils import TestServer

from bench.commun import SondeBoucle, base_de_mesure, peupler, resume
from bot.atelier import Atelier
from bot.base import BaseDonnees
from bot.client import geler_memoire
from metier.page import abonner_agenda, activer_page
from metier.reunions.registre import planifier_reunion
from modeles import ModePage, Recurrence
from web.app import LimiteDebit, Services, Site

ESSAIS = 40
SERVEUR = 1
AUTEUR = 42
MAINTENANT = datetime(2026, 11, 19, 15, tzinfo=UTC)
BUDGET_ACCUEIL_MS = 100
BUDGET_BOUCLE_MS = 20
ATELIER = Atelier()


def _preparer(base: BaseDonnees) -> tuple[str, str]:
    for titre, ville, recurrence in (
        ("Comité de suivi", "terrebonne", Recurrence.HEBDOMADAIRE),
        ("Échanges universitaires", "namur", Recurrence.BIHEBDOMADAIRE),
        ("Comité directeur", "terrebonne", Recurrence.MENSUELLE),
    ):
        base.transaction(
            planifier_reunion,
            guild_id=SERVEUR,
            auteur_id=AUTEUR,
            titre=titre,
            jour=date(2024, 1, 9),
            heure=heure(10),
            ville_code=ville,
            duree=timedelta(hours=1),
            recurrence=recurrence,
            rappels=[],
            salon_id=None,
            lien=None,
            maintenant=datetime(2024, 1, 2, tzinfo=UTC),
        )
    page = base.transaction(
        activer_page, guild_id=SERVEUR, auteur_id=AUTEUR, mode=ModePage.PRIVEE, maintenant=MAINTENANT
    )
    agenda = base.transaction(abonner_agenda, guild_id=SERVEUR, membre_id=AUTEUR, maintenant=MAINTENANT)
    assert page.jeton is not None
    return page.jeton, agenda


async def mesurer(choix_base: str) -> None:
    """Affiche médiane et p95 de chaque page, et le plus long blocage de la boucle."""
    with base_de_mesure(choix_base) as url:
        debut = time.perf_counter()
        peupler(url, SERVEUR)
        print(f"base peuplée en {time.perf_counter() - debut:.1f} s (10 000 actions, 100 000 mises à jour)")
        base = BaseDonnees(url)
        try:
            jeton, agenda = _preparer(base)
            site = Site(
                Services(base=base, atelier=ATELIER, horloge=lambda: MAINTENANT),
                limite=LimiteDebit(capacite=100_000),
            )
            serveur = TestServer(site.application())
            await serveur.start_server()
            try:
                await _mesurer(str(serveur.make_url("/")).rstrip("/"), jeton, agenda)
            finally:
                await serveur.close()
        finally:
            base.fermer()
            ATELIER.fermer()


async def _mesurer(adresse: str, jeton: str, agenda: str) -> None:
    racine = f"{adresse}/p/{jeton}/"
    # Le retard d'une boucle à vide : ce que la machine (partagée) impose sans aucune page.
    with SondeBoucle() as sonde:
        await asyncio.sleep(3)
    print(f"boucle à vide, blocage max en 3 s : {sonde.retard_max * 1000:.1f} ms (machine, sans page)")
    async with aiohttp.ClientSession() as client:
        # Une fois à froid (gabarits compilés, matplotlib importé dans l'atelier), puis comme le bot prêt.
        for chemin in ("", "axes/1", "reunions", "rapports", "graphiques/axes.svg"):
            async with client.get(racine + chemin) as reponse:
                assert reponse.status == 200, chemin
                await reponse.read()
        geler_memoire()
        pages = {
            "accueil": (racine, BUDGET_ACCUEIL_MS),
            "axe I (page 1 de ses actions)": (racine + "axes/1", None),
            "axe I, dernière page": (racine + "axes/1?page=67", None),
            "réunions": (racine + "reunions", None),
            "rapports": (racine + "rapports", None),
            "graphique axes (SVG, en mémoire)": (racine + "graphiques/axes.svg", None),
            "agenda .ics": (f"{adresse}/agenda/{agenda}.ics", None),
        }
        blocage = 0.0
        for nom, (url, budget) in pages.items():
            durees, processeur, taille = [], [], 0
            with SondeBoucle() as sonde:
                for _ in range(ESSAIS):
                    debut, debut_cpu = time.perf_counter(), time.process_time()
                    async with client.get(url) as reponse:
                        corps = await reponse.read()
                        assert reponse.status == 200, nom
                    durees.append(time.perf_counter() - debut)
                    processeur.append(time.process_time() - debut_cpu)
                    taille = len(corps)
            blocage = max(blocage, sonde.retard_max)
            print(
                resume(nom, durees, budget)
                + f"   {taille / 1024:.0f} Kio   boucle ≤ {sonde.retard_max * 1000:.0f} ms",
                flush=True,
            )
            # Le temps de processeur du processus (tous ses threads, SQLite compris) : ce que coûte la
            # page elle-même, même quand la machine est partagée et que l'horloge murale s'allonge.
            print(resume("  dont processeur", processeur), flush=True)
        async with client.get(f"{adresse}/agenda/{agenda}.ics") as reponse:
            etiquette = reponse.headers["ETag"]
        durees = []
        for _ in range(ESSAIS):
            debut = time.perf_counter()
            entetes = {"If-None-Match": etiquette}
            async with client.get(f"{adresse}/agenda/{agenda}.ics", headers=entetes) as reponse:
                assert reponse.status == 304
            durees.append(time.perf_counter() - debut)
        print(resume("agenda .ics relu sans changement (304)", durees))
        verdict = "OK" if blocage * 1000 <= BUDGET_BOUCLE_MS else "DÉPASSÉ"
        print(
            f"boucle d'événements, blocage max pendant les pages : {blocage * 1000:.1f} ms "
            f"(budget ≤ {BUDGET_BOUCLE_MS} ms : {verdict})"
        )
