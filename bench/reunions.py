"""Réunions : planifier une série (réponse avec ses séances) et délai de publication des rappels.

Les rappels sont mesurés en temps réel : 50 rappels dus dans les secondes qui viennent, publiés par
le vrai livreur ; on mesure l'écart entre leur échéance et leur publication consignée en base.
"""

from __future__ import annotations

import asyncio
import statistics
from datetime import UTC, datetime, timedelta
from functools import partial

from sqlmodel import Session, select

from bench.commun import Chronometre, base_de_mesure, bot_peuple, resume
from metier.reunions.series import occurrences
from modeles import Livraison, Reunion, StatutLivraison

RAPPELS = 50
REPETITIONS = 100


def _inserer_rappels(session: Session, guild_id: int, maintenant: datetime) -> None:
    reunion = session.exec(select(Reunion).where(Reunion.guild_id == guild_id)).first()
    assert reunion is not None
    seance = occurrences(reunion, maintenant, limite=1)[0]
    for i in range(RAPPELS):
        session.add(
            Livraison(
                guild_id=guild_id,
                type="rappel",
                cle=f"bench:{i}",
                echeance=maintenant + timedelta(seconds=3 + i * 0.2),
                limite=seance.debut,
                reunion_id=reunion.id,
                occurrence=seance.debut,
            )
        )
    session.commit()


def _delais(session: Session) -> list[float]:
    lignes = session.exec(
        select(Livraison).where(
            Livraison.statut == StatutLivraison.ENVOYEE, Livraison.cle.startswith("bench:")
        )
    ).all()
    return [(ligne.envoyee_le - ligne.echeance).total_seconds() for ligne in lignes if ligne.envoyee_le]


async def mesurer(choix_base: str) -> None:
    """Affiche le p95 de /reunion planifier et le délai des rappels (médiane, pire)."""
    with base_de_mesure(choix_base) as url:
        async with bot_peuple(url, salon="reunions") as mesure:
            bot, salon, membre = mesure.bot, mesure.salon, mesure.membre
            chronometre = Chronometre(bot)
            demain = (datetime.now(UTC) + timedelta(days=2)).date().isoformat()
            for i in range(REPETITIONS):
                await membre.slash(
                    salon,
                    "reunion planifier",
                    titre=f"Comité {i}",
                    date=demain,
                    heure="10:00",
                    ville="terrebonne",
                    recurrence="hebdomadaire",
                    rappels="aucun",
                )
            print(resume("/reunion planifier (hebdomadaire)", chronometre.relever(), 25), flush=True)

            await bot.base.ecrire(
                partial(_inserer_rappels, guild_id=mesure.guild_id, maintenant=datetime.now(UTC))
            )
            await bot.livreur.reprogrammer()
            await asyncio.sleep(3 + RAPPELS * 0.2 + 2)  # temps réel : les minuteries du bot tombent
            delais = await bot.base.lire(_delais)
            nom = "rappels publiés après échéance"
            print(
                f"{nom:<40} médiane {statistics.median(delais) * 1000:7.1f} ms   "
                f"pire {max(delais) * 1000:7.1f} ms   ({len(delais)}/{RAPPELS} publiés, budget ≤ 1 s : "
                f"{'OK' if len(delais) == RAPPELS and max(delais) <= 1 else 'DÉPASSÉ'})"
            )
