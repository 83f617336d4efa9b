"""Comptes rendus et créneaux, sur un serveur de 10 000 actions et 100 000 mises à jour.

Mesure la première réponse de `/reunion compte-rendu` (la fenêtre), de `/reunion comptes-rendus`
et de `/reunion creneaux` sur 60 jours (jours fériés et séances du groupe compris), la lecture de ce
que montre un compte rendu (actions qui ont bougé pendant la séance, présents nommés), et le plus long
blocage de la boucle pendant les créneaux (le premier calcul des jours fériés d'un pays coûte ≈ 0,3 s).
"""

from __future__ import annotations

import time
from datetime import UTC, date, datetime
from datetime import time as heure
from functools import partial

from sqlmodel import Session

from bench.commun import Chronometre, SondeBoucle, base_de_mesure, bot_peuple, resume
from metier.reunions.comptes_rendus import contenu_compte_rendu, enregistrer_compte_rendu
from modeles import Presence, Recurrence, Reunion

MAINTENANT = datetime(2026, 11, 19, 15, tzinfo=UTC)  # jeudi ; la séance du mardi 17 a eu lieu
SEANCE = datetime(2026, 11, 17, 15, tzinfo=UTC)  # 10 h à Terrebonne, 16 h à Namur
REPETITIONS = 50


def _preparer(session: Session, guild_id: int, salon_id: int, auteur_id: int) -> int:
    reunion = Reunion(
        guild_id=guild_id,
        numero=1,
        titre="Comité de suivi",
        ville="terrebonne",
        fuseau="America/Toronto",
        date_debut=date(2025, 1, 7),
        heure_locale=heure(10),
        recurrence=Recurrence.HEBDOMADAIRE,
        regle="FREQ=WEEKLY",
        salon_id=salon_id,
        auteur_id=auteur_id,
        cree_le=datetime(2025, 1, 1, tzinfo=UTC),
    )
    session.add(reunion)
    session.flush()
    for membre in range(1, 51):
        session.add(
            Presence(
                guild_id=guild_id,
                reunion_id=reunion.id or 0,
                debut=SEANCE,
                membre_id=membre,
                reponse="present",
                ville="terrebonne" if membre % 2 else "namur",
                quand=datetime(2026, 11, 16, tzinfo=UTC),
            )
        )
    compte_rendu = enregistrer_compte_rendu(
        session,
        guild_id=guild_id,
        numero=1,
        cle="20261117T1500Z",
        auteur_id=auteur_id,
        est_coordination=True,
        points="Bilan " * 600,
        decisions="\n".join(f"Décision {i}" for i in range(1, 21)),
        suites="Relancer les partenaires",
        maintenant=MAINTENANT,
    )
    return compte_rendu.id or 0


async def mesurer(choix_base: str) -> None:
    """Affiche les p95 des trois commandes, la lecture d'un compte rendu et le blocage de la boucle."""
    with base_de_mesure(choix_base) as url:
        async with bot_peuple(url, fige_a=MAINTENANT, salon="comite") as mesure:
            bot, salon, membre = mesure.bot, mesure.salon, mesure.membre
            compte_rendu_id = await bot.base.ecrire(
                partial(_preparer, guild_id=mesure.guild_id, salon_id=salon.id, auteur_id=membre.id)
            )
            chronometre = Chronometre(bot)

            for _ in range(REPETITIONS):
                await membre.slash(salon, "reunion compte-rendu", reunion="1")
            print(resume("/reunion compte-rendu (fenêtre)", chronometre.relever(), 25), flush=True)

            for _ in range(REPETITIONS):
                await membre.slash(salon, "reunion comptes-rendus")
            print(resume("/reunion comptes-rendus", chronometre.relever(), 25), flush=True)

            lectures = []
            for _ in range(REPETITIONS):
                debut = time.perf_counter()
                await bot.base.lire(
                    partial(contenu_compte_rendu, guild_id=mesure.guild_id, compte_rendu_id=compte_rendu_id)
                )
                lectures.append(time.perf_counter() - debut)
            print(resume("lecture d'un compte rendu (publication)", lectures), flush=True)

            with SondeBoucle() as sonde:
                for _ in range(REPETITIONS):
                    await membre.slash(salon, "reunion creneaux", jours=60)
            print(resume("/reunion creneaux (60 jours)", chronometre.relever(), 25), flush=True)
            print(f"boucle bloquée au plus {sonde.retard_max * 1000:.1f} ms pendant les créneaux (≤ 20 ms)")
