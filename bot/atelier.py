"""L'atelier : un processus à part pour les calculs lourds (graphiques, PDF).

Un thread ne suffit pas : matplotlib et fpdf2 gardent le verrou global de Python par tranches de
dizaines de millisecondes, et la boucle d'événements du bot attendrait d'autant. Le processus est
lancé au premier appel (« forkserver » : il ne copie pas les threads du bot) et resservi ensuite.
Après son premier travail (import de matplotlib ou de fpdf2), ce qu'il a chargé est gelé hors du
ramasse-miettes : les collectes suivantes ne parcourent plus que les objets de chaque dessin.

Inoccupé pendant `INACTIVITE` secondes, il s'arrête et rend sa mémoire (~150 Mo avec matplotlib) :
les graphiques viennent par rafales (une réunion, le résumé du lundi). Le travail suivant le
relance, en payant une fois l'import (~1 s, la réponse est déjà différée).
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
INACTIVITE = 600.0  # secondes sans travail avant l'arrêt du processus


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
    """Un processus de calcul, lancé à la demande, arrêté après `inactivite` secondes sans travail."""

    def __init__(self, inactivite: float = INACTIVITE) -> None:
        self.inactivite = inactivite
        self._executeur: ProcessPoolExecutor | None = None
        self._en_cours = 0
        self._arret: asyncio.TimerHandle | None = None

    @property
    def actif(self) -> bool:
        """Vrai si le processus de l'atelier est lancé."""
        return self._executeur is not None

    async def executer(self, fonction: Callable[..., R], /, *args: Any, **kwargs: Any) -> R:
        """Exécute `fonction(*args, **kwargs)` dans le processus de l'atelier (arguments picklables)."""
        travail = partial(_travailler, partial(fonction, *args, **kwargs))
        boucle = asyncio.get_running_loop()
        if self._arret is not None:
            self._arret.cancel()
            self._arret = None
        self._en_cours += 1
        try:
            try:
                return await boucle.run_in_executor(self._demarrer(), travail)
            except BrokenProcessPool:
                # Le processus est mort (mémoire, signal) : on en relance un, une fois.
                log.warning("Le processus de l'atelier s'est arrêté ; relance")
                self.fermer()
                return await boucle.run_in_executor(self._demarrer(), travail)
        finally:
            self._en_cours -= 1
            if self._en_cours == 0 and self._executeur is not None:
                self._arret = boucle.call_later(self.inactivite, self.fermer)

    def _demarrer(self) -> ProcessPoolExecutor:
        if self._executeur is None:
            self._executeur = ProcessPoolExecutor(max_workers=1, mp_context=get_context("forkserver"))
        return self._executeur

    def fermer(self) -> None:
        """Arrête le processus de l'atelier s'il a été lancé."""
        if self._arret is not None:
            self._arret.cancel()
            self._arret = None
        if self._executeur is not None:
            self._executeur.shutdown(wait=False, cancel_futures=True)
            self._executeur = None
