"""Graphiques dans simcord après un arrêt de l'atelier et un redémarrage du bot (lancé par test_atelier.py).

    python tests/bot/scenario_atelier.py URL

Un autre processus enfant vit dans l'interpréteur pendant tout le scénario (l'atelier d'une mesure
précédente, comme `python -m bench graphiques memoire`). Avant le correctif, le lancement du
processus de l'atelier depuis la boucle tournait alors à 100 % sans fin : le test le lance à part,
avec un délai, et échoue s'il ne finit pas.
"""

import asyncio
import os
import sys
from datetime import UTC, datetime

import simcord

from bot.atelier import INACTIVITE, Atelier
from bot.client import Passerelle
from bot.planificateur import suivre_heure_murale
from bot.reglages import Reglages
from tests.outils import redemarrer

DEPART = datetime(2026, 11, 26, 15, tzinfo=UTC)


async def principal(url: str) -> None:
    autre = Atelier()
    autre_pid = await autre.executer(os.getpid)  # un enfant vivant, lancé hors de simcord
    env: simcord.Env | None = None
    repere: list[datetime] = []

    def horloge() -> datetime:
        return DEPART + (env.now() - repere[0]) if env is not None and repere else DEPART

    suivre_heure_murale(horloge)
    reglages = Reglages(_env_file=None, database_url=url)  # type: ignore[call-arg]
    bot = Passerelle(reglages, horloge=horloge)
    env = simcord.Env(bot, settle_timeout=20)  # le premier lancement importe matplotlib
    repere.append(env.now())
    guild = env.create_guild("Jumelage")
    salon = guild.create_text_channel("suivi")
    membre = guild.add_member(env.create_user("alice"))
    await env.start()

    async def graphique(etape: str) -> None:
        resultat = await membre.slash(salon, "progres graphique", type="axes")
        images = [a for a in resultat.response.attachments if a.filename.endswith(".png")]
        assert images, f"{etape} : pas d'image ({resultat.response.content})"
        print(f"{etape} : graphique reçu", flush=True)

    try:
        await env.settle()
        ajout = await membre.slash(salon, "action ajouter", titre="Plantation d'arbres", axe=1)
        assert not ajout.ephemeral, ajout.response.content
        await graphique("premier")
        await env.advance_time(INACTIVITE + 5)  # l'atelier s'arrête, inoccupé
        assert not env.bot.atelier.actif
        await graphique("après l'arrêt de l'atelier")
        await redemarrer(env, Passerelle(reglages, horloge=horloge))  # même interpréteur
        await graphique("après le redémarrage du bot")
        assert autre_pid != os.getpid()
        print("FINI", flush=True)
    finally:
        await env.shutdown()
        await env.bot.close()
        await autre.fermer_et_attendre()


if __name__ == "__main__":
    asyncio.run(principal(sys.argv[1]))
