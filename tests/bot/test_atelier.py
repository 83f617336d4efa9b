"""L'atelier (processus des calculs lourds) se relance s'il meurt."""

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
