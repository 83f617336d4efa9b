"""L'atelier : un processus à part pour les calculs lourds (graphiques, PDF).

Un thread ne suffit pas : matplotlib et fpdf2 gardent le verrou global de Python par tranches de
dizaines de millisecondes, et la boucle d'événements du bot attendrait d'autant. Le processus est
lancé au premier appel (« forkserver » : il ne copie pas les threads du bot) et resservi ensuite.
Après son premier travail (import de matplotlib ou de fpdf2), ce qu'il a chargé est gelé hors du
ramasse-miettes : les collectes suivantes ne parcourent plus que les objets de chaque dessin.
"""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import partial
from multiprocessing import get_context
from typing import Any, TypeVar

R = TypeVar("R")
log = logging.getLogger(__name__)


_deja_gele = False


def _travailler(travail: Callable[[], R]) -> R:
    """Exécute le travail dans le processus de l'atelier ; après le premier, gèle ce qui est chargé."""
    global _deja_gele
    resultat = travail()
    if not _deja_gele:
        gc.collect()
        gc.freeze()
        _deja_gele = True
    return resultat


class Atelier:
    """Un processus de calcul, lancé à la demande."""

    def __init__(self) -> None:
        self._executeur: ProcessPoolExecutor | None = None

    async def executer(self, fonction: Callable[..., R], /, *args: Any, **kwargs: Any) -> R:
        """Exécute `fonction(*args, **kwargs)` dans le processus de l'atelier (arguments picklables)."""
        travail = partial(_travailler, partial(fonction, *args, **kwargs))
        try:
            return await asyncio.get_running_loop().run_in_executor(self._demarrer(), travail)
        except BrokenProcessPool:
            # Le processus est mort (mémoire, signal) : on en relance un, une fois.
            log.warning("Le processus de l'atelier s'est arrêté ; relance")
            self.fermer()
            return await asyncio.get_running_loop().run_in_executor(self._demarrer(), travail)

    def _demarrer(self) -> ProcessPoolExecutor:
        if self._executeur is None:
            self._executeur = ProcessPoolExecutor(max_workers=1, mp_context=get_context("forkserver"))
        return self._executeur

    def fermer(self) -> None:
        """Arrête le processus de l'atelier s'il a été lancé."""
        if self._executeur is not None:
            self._executeur.shutdown(wait=False, cancel_futures=True)
            self._executeur = None
