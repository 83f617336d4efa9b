"""L'atelier (processus des calculs lourds) : se relance s'il meurt, s'arrête quand il ne sert plus."""

import asyncio
import os
import signal

from bot.atelier import Atelier


def _pid() -> int:
    return os.getpid()


async def test_calcul_dans_un_autre_processus_puis_relance_apres_une_mort() -> None:
    atelier = Atelier()
    try:
        premier = await atelier.executer(_pid)
        assert premier != os.getpid()
        os.kill(premier, signal.SIGKILL)  # le processus de l'atelier meurt
        second = await atelier.executer(_pid)
        assert second not in (premier, os.getpid())
        assert await atelier.executer(sum, [1, 2, 3]) == 6
    finally:
        atelier.fermer()


async def test_arrete_apres_un_temps_sans_travail_puis_relance() -> None:
    atelier = Atelier(inactivite=0.2)
    try:
        premier = await atelier.executer(_pid)
        assert atelier.actif
        await asyncio.sleep(0.05)
        assert await atelier.executer(_pid) == premier  # encore là : même processus
        await asyncio.sleep(0.5)
        assert not atelier.actif  # inoccupé : arrêté, sa mémoire rendue
        assert await atelier.executer(_pid) not in (premier, os.getpid())
        assert atelier.actif
    finally:
        atelier.fermer()
    assert not atelier.actif
