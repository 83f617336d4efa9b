"""Un vrai processus du bot, dans simcord, pour les tests de redémarrage (lancé par test_redemarrage.py).

    python tests/bot/processus_bot.py planifier URL INSTANT   # planifie une réunion puis attend d'être tué
    python tests/bot/processus_bot.py reprendre URL INSTANT   # redémarre, laisse livrer, rend les messages

Simcord attribue les identifiants dans l'ordre de création : chaque processus recrée le même
serveur, le même salon et le même membre, avec les mêmes identifiants que ceux gardés en base.
"""

import asyncio
import json
import sys
from datetime import datetime

import simcord

from bot.client import Passerelle
from bot.planificateur import suivre_heure_murale
from bot.reglages import Reglages


async def principal(phase: str, url: str, instant: str) -> None:
    depart = datetime.fromisoformat(instant)
    env: simcord.Env | None = None
    repere: list[datetime] = []

    def horloge() -> datetime:
        return depart + (env.now() - repere[0]) if env is not None and repere else depart

    suivre_heure_murale(horloge)
    bot = Passerelle(Reglages(_env_file=None, database_url=url), horloge=horloge)  # type: ignore[call-arg]
    env = simcord.Env(bot)
    repere.append(env.now())
    # Le serveur existe avant le démarrage : il arrive avec READY, comme sur Discord.
    guild = env.create_guild("Jumelage")
    salon = guild.create_text_channel("reunions")
    membre = guild.add_member(env.create_user("alice"))
    await env.start()
    try:
        await env.settle()
        if phase == "planifier":
            resultat = await membre.slash(
                salon,
                "reunion planifier",
                titre="Comité",
                date="2027-03-16",
                heure="10:00",
                ville="terrebonne",
                rappels="1h",
            )
            print(json.dumps({"reponse": resultat.response.content}), flush=True)
            print("PRET", flush=True)
            await asyncio.sleep(3600)  # le test tue le processus ici, rappel en attente
        else:
            await env.advance_time(5)
            messages = [
                {"titre": m.embeds[0].title, "description": m.embeds[0].description}
                for m in salon.history()
                if m.embeds
            ]
            print(json.dumps({"messages": messages}), flush=True)
    finally:
        await env.shutdown()
        await bot.close()


if __name__ == "__main__":
    asyncio.run(principal(*sys.argv[1:4]))
