"""Graphiques de `/progres` et résumé hebdomadaire, avec 10 000 actions et 100 000 mises à jour.

Comme dans le bot : données lues dans un thread (`BaseDonnees.lire`), PNG dessiné dans le processus de
l'atelier ; une sonde mesure pendant ce temps le plus long blocage de la boucle.
"""

from __future__ import annotations

import gc
import time
from datetime import UTC, datetime, timedelta
from functools import partial

from sqlmodel import Session

from bench.commun import SondeBoucle, base_de_mesure, peupler, resume
from bot.atelier import Atelier
from bot.base import BaseDonnees
from bot.client import geler_memoire
from commandes.progres import embed_resume
from metier.actions.evolution import recalculer_en_retard
from metier.graphiques import TypeGraphique, donnees_axes, preparer
from metier.publications.resume import construire_resume, resume_et_axes
from modeles import ConfigServeur
from rendu.graphiques import dessiner_png

ESSAIS = 15
SERVEUR = 1
# Un jeudi dans la période que couvre `peupler` : la semaine a ~1 000 mises à jour.
MAINTENANT = datetime(2026, 11, 19, 15, tzinfo=UTC)
BUDGET_GRAPHIQUE_MS = 150
BUDGET_BOUCLE_MS = 20
BUDGET_RESUME_MS = 500

# Le même chemin que le bot : graphiques et PDF dans le processus de l'atelier.
ATELIER = Atelier()


async def _chronometrer(travail):  # type: ignore[no-untyped-def]
    debut = time.perf_counter()
    resultat = await travail
    return resultat, time.perf_counter() - debut


async def mesurer(choix_base: str) -> None:
    """Affiche, pour chaque graphique, préparation, dessin et total ; la boucle ; le résumé."""
    with base_de_mesure(choix_base) as url:
        debut = time.perf_counter()
        peupler(url, SERVEUR)
        print(f"base peuplée en {time.perf_counter() - debut:.1f} s (10 000 actions, 100 000 mises à jour)")
        base = BaseDonnees(url)
        try:
            await _mesurer(base)
        finally:
            base.fermer()
            # Comme le bot à l'arrêt : le processus de l'atelier est rejoint, aucun ne survit à
            # la mesure (la suivante tourne dans une autre boucle d'événements).
            await ATELIER.fermer_et_attendre()


async def _mesurer(base: BaseDonnees) -> None:
    # Premier dessin à part : il paie l'import de matplotlib (~0,3 s), une fois par processus.
    donnees = await base.lire(partial(donnees_axes, guild_id=SERVEUR, maintenant=MAINTENANT))
    with SondeBoucle() as sonde:
        _, froid = await _chronometrer(ATELIER.executer(dessiner_png, donnees))
    print(
        f"premier dessin (import de matplotlib compris) : {froid * 1000:.0f} ms, "
        f"boucle bloquée au plus {sonde.retard_max * 1000:.1f} ms"
    )

    # Comme le bot, prêt : les objets déjà chargés sont gelés (voir bot.client.geler_memoire).
    geler_memoire()
    blocages = await _graphiques(base, afficher=True)
    for quand, retard in blocages.items():
        verdict = "OK" if retard * 1000 <= BUDGET_BOUCLE_MS else "DÉPASSÉ"
        print(
            f"boucle d'événements, blocage max {quand} : {retard * 1000:.1f} ms "
            f"(budget ≤ {BUDGET_BOUCLE_MS} ms : {verdict})"
        )

    durees = []
    for _ in range(ESSAIS):
        semaine, duree = await _chronometrer(
            base.lire(partial(construire_resume, guild_id=SERVEUR, maintenant=MAINTENANT))
        )
        durees.append(duree)
    print(resume("résumé hebdomadaire (construire_resume)", durees, BUDGET_RESUME_MS))
    durees = [await _resume_complet(base) for _ in range(ESSAIS)]
    print(resume("résumé à la demande (+ graphique, embed)", durees, BUDGET_RESUME_MS))
    # Le post du lundi publié en retard (le jeudi) : la semaine écoulée, graphique à sa fin, en
    # rejouant les actions modifiées depuis le lundi (le pire cas de `donnees_axes(au=…)`).
    lundi = MAINTENANT - timedelta(days=MAINTENANT.weekday())
    durees = [await _resume_complet(base, reference=lundi) for _ in range(ESSAIS)]
    print(resume("résumé publié en retard, semaine écoulée", durees, BUDGET_RESUME_MS))
    print(
        f"  semaine {semaine.numero_semaine} : {semaine.mises_a_jour.total} actions mises à jour, "
        f"{semaine.en_retard.total} en retard, {semaine.echeances.total} échéances à 14 jours, "
        f"{semaine.contributeurs.total} contributeurs"
    )

    # Juste après la migration qui l'a créé, le cumul de l'évolution n'existe pas encore : le
    # graphique rejoue alors l'historique, et le bot le construit une fois au démarrage.
    await base.ecrire(_oublier_cumul)
    durees = []
    for _ in range(3):
        _, duree = await _chronometrer(
            base.lire(partial(preparer, type_graphique="evolution", guild_id=SERVEUR, maintenant=MAINTENANT))
        )
        durees.append(duree)
    print(resume("evolution : données sans cumul", durees))
    _, duree = await _chronometrer(base.ecrire(recalculer_en_retard))
    print(
        f"cumul de l'évolution construit (une fois, au démarrage après la migration) en {duree * 1000:.0f} ms"
    )

    # Sans ce gel, les blocages viennent du ramasse-miettes (génération 2) déclenché par les
    # allocations du thread : il garde le GIL tout du long et parcourt tous les objets chargés.
    gc.unfreeze()
    blocages = await _graphiques(base, afficher=False)
    print(
        "pour comparer, sans gc.freeze() : blocage max "
        + ", ".join(f"{quand} {retard * 1000:.1f} ms" for quand, retard in blocages.items())
    )


def _oublier_cumul(session: Session) -> None:
    config = session.get(ConfigServeur, SERVEUR)
    assert config is not None
    config.evolution_a_jour = False
    session.add(config)


async def _resume_complet(base: BaseDonnees, reference: datetime | None = None) -> float:
    """Ce que fait le cog : résumé et graphique lus ensemble (`resume_et_axes`), PNG dans l'atelier, embed."""
    debut = time.perf_counter()
    semaine, axes = await base.lire(
        partial(resume_et_axes, guild_id=SERVEUR, maintenant=MAINTENANT, reference=reference)
    )
    await ATELIER.executer(dessiner_png, axes)
    embed = embed_resume(semaine, image=axes.nom_fichier)
    assert len(embed) <= 6000
    return time.perf_counter() - debut


async def _graphiques(base: BaseDonnees, *, afficher: bool) -> dict[str, float]:
    """Chronomètre chaque graphique ; rend le plus long blocage de la boucle (lecture, dessin)."""
    blocages = {"pendant la lecture des données": 0.0, "pendant le dessin": 0.0}
    for type_graphique in TypeGraphique:
        preparations, dessins, totaux = [], [], []
        for _ in range(ESSAIS):
            with SondeBoucle() as sonde_lecture:
                donnees, preparation = await _chronometrer(
                    base.lire(
                        partial(
                            preparer, type_graphique=type_graphique, guild_id=SERVEUR, maintenant=MAINTENANT
                        )
                    )
                )
            with SondeBoucle() as sonde_dessin:
                image, dessin = await _chronometrer(ATELIER.executer(dessiner_png, donnees))
            assert image.startswith(b"\x89PNG")
            for quand, sonde in zip(blocages, (sonde_lecture, sonde_dessin), strict=True):
                blocages[quand] = max(blocages[quand], sonde.retard_max)
            preparations.append(preparation)
            dessins.append(dessin)
            totaux.append(preparation + dessin)
        if afficher:
            print(resume(f"{type_graphique} : données", preparations))
            print(resume(f"{type_graphique} : dessin (atelier)", dessins))
            print(resume(f"{type_graphique} : total", totaux, BUDGET_GRAPHIQUE_MS), flush=True)
    return blocages
