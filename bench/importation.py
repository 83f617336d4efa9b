"""Import d'un registre : 2 000 actions et 20 000 mises à jour datées, par le chemin de `/action importer`.

Comme dans le bot : lecture, essai à blanc et application tournent dans un thread (`BaseDonnees.lire`,
`BaseDonnees.ecrire`) ; une sonde mesure pendant ce temps le plus long blocage de la boucle. Les
fichiers respectent la limite de l'import (5 000 lignes chacun) : les actions, puis l'historique en
quatre fichiers, importés en une seule transaction.
"""

from __future__ import annotations

import asyncio
import random
import sys
import time
from datetime import UTC, date, datetime, timedelta

from bench.commun import SondeBoucle, base_de_mesure
from bot.atelier import Atelier
from bot.base import BaseDonnees
from bot.importation import appliquer, essayer
from metier.actions.export import ecrire_csv
from metier.importation.lecture import LIGNES_MAX
from metier.serveurs import amorcer_serveur

SERVEUR, AUTEUR = 1, 42
MAINTENANT = datetime(2026, 11, 26, 15, tzinfo=UTC)
ACTIONS, MISES_A_JOUR = 2_000, 20_000
BUDGET_S = 20
BUDGET_BOUCLE_MS = 20


def fichiers_du_registre(actions: int = ACTIONS, mises_a_jour: int = MISES_A_JOUR) -> list[tuple[str, bytes]]:
    """Les actions (un fichier) et leur historique daté (fichiers de 5 000 lignes au plus)."""
    hasard = random.Random(2026)
    debut = date(2024, 1, 2)
    lignes_actions, lignes_faits = [], []
    for rang in range(actions):
        numero = rang + 1
        cree = debut + timedelta(days=hasard.randrange(900))
        jours = sorted(
            cree + timedelta(days=1 + hasard.randrange(min(700, (date(2026, 11, 25) - cree).days - 1)))
            for _ in range(mises_a_jour // actions)
        )
        avancement = 0
        for jour in jours:
            avancement = min(100, avancement + hasard.randint(1, 12))
            lignes_faits.append((numero, jour, avancement, None, None))
        statut = "en cours"
        axe = 1 + rang % 3
        lignes_actions.append(
            (
                numero,
                f"Action {numero}",
                ("I", "II", "III")[axe - 1],
                f"{axe}.1",
                "Namur",
                "",
                "",
                statut,
                avancement,
                None,
                None,
                cree,
            )
        )
    entetes = (
        "N°",
        "Titre",
        "Axe",
        "Objectif",
        "Ville porteuse",
        "Responsable",
        "Partenaires",
        "Statut",
        "Avancement (%)",
        "Échéance",
        "Description",
        "Créée le",
    )
    fichiers = [("actions.csv", ecrire_csv(entetes, lignes_actions))]
    for morceau in range(0, len(lignes_faits), LIGNES_MAX):
        fichiers.append(
            (
                f"historique-{morceau // LIGNES_MAX + 1}.csv",
                ecrire_csv(
                    ("N°", "Date", "Avancement (%)", "Statut", "Note"),
                    lignes_faits[morceau : morceau + LIGNES_MAX],
                ),
            )
        )
    return fichiers


async def mesurer(choix_base: str) -> None:
    """Affiche la durée de l'essai à blanc, de l'import et le plus long blocage de la boucle."""
    fichiers = fichiers_du_registre()
    octets = sum(len(contenu) for _, contenu in fichiers)
    print(
        f"{len(fichiers)} fichiers CSV ({octets / 1e6:.1f} Mo) : "
        f"{ACTIONS} actions, {MISES_A_JOUR} mises à jour"
    )
    with base_de_mesure(choix_base) as url:
        base = BaseDonnees(url)
        base.transaction(amorcer_serveur, SERVEUR)
        base.fermer()
        atelier = Atelier()
        try:
            # Le lancement du processus de l'atelier (une fois par période d'activité) est mesuré à part.
            with SondeBoucle() as sonde_lancement:
                await atelier.executer(len, "")
            # Le chemin de /action importer : essai à blanc puis application, dans l'atelier.
            with SondeBoucle() as sonde:
                debut = time.perf_counter()
                apercu = await atelier.executer(
                    essayer, url, guild_id=SERVEUR, fichiers=fichiers, maintenant=MAINTENANT
                )
                essai = time.perf_counter() - debut
                debut = time.perf_counter()
                bilan = await atelier.executer(
                    appliquer,
                    url,
                    guild_id=SERVEUR,
                    fichiers=fichiers,
                    auteur_id=AUTEUR,
                    maintenant=MAINTENANT,
                )
                application = time.perf_counter() - debut
            # Le témoin : la même sonde, même durée, boucle au repos pendant qu'un autre processus occupe
            # un cœur comme l'atelier pendant l'import. Sur une machine partagée, l'écart entre les deux
            # est ce que l'import coûte à la boucle ; le reste est l'ordonnancement des processus.
            occupant = await asyncio.create_subprocess_exec(sys.executable, "-c", "while True: pass")
            try:
                with SondeBoucle() as repos:
                    await asyncio.sleep(essai + application)
            finally:
                occupant.kill()
                await occupant.wait()
        finally:
            atelier.fermer()
        assert not apercu.erreurs, apercu.erreurs[:3]
        print(f"essai à blanc (lecture + plan, dont lancement de l'atelier) {essai:6.2f} s")
        print(f"import (plan refait + écriture)       {application:6.2f} s")
        print(f"  {bilan.en_mots(applique=True)}")
        total = essai + application
        print(f"total {total:6.2f} s   budget ≤ {BUDGET_S} s : {'OK' if total <= BUDGET_S else 'DÉPASSÉ'}")
        retard = sonde.retard_max * 1000
        print(
            f"blocage max de la boucle pendant l'import {retard:6.1f} ms   budget ≤ {BUDGET_BOUCLE_MS} ms : "
            f"{'OK' if retard <= BUDGET_BOUCLE_MS else 'DÉPASSÉ'}"
        )
        print(
            "  témoin : boucle au repos, un cœur occupé par un autre processus : "
            f"{repos.retard_max * 1000:6.1f} ms"
        )
        print(f"  lancement du processus de l'atelier (à part) : {sonde_lancement.retard_max * 1000:6.1f} ms")
