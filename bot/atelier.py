"""L'atelier : un processus à part pour les calculs lourds (graphiques, PDF).

Un thread ne suffit pas : matplotlib et fpdf2 gardent le verrou global de Python par tranches de
dizaines de millisecondes, et la boucle d'événements du bot attendrait d'autant. Le processus est
lancé (« forkserver » : il ne copie pas les threads du bot) puis resservi. Après son premier
travail, ce qu'il a chargé est gelé hors du ramasse-miettes : les collectes suivantes ne
parcourent plus que les objets de chaque dessin.

Le processus est toujours lancé depuis un fil à part (`_lancer`), jamais depuis la boucle :
- `Process.start()` commence par sonder les autres processus enfants encore vivants
  (`multiprocessing.process._cleanup` → `wait(…, timeout=0)`), sonde qui boucle tant que
  `time.monotonic()` n'avance pas. Sous simcord, l'horloge monotone du code du bot est le temps
  virtuel, figé pendant l'appel : avec un autre enfant vivant (l'atelier d'un bot précédent dans
  le même interpréteur, celui d'une mesure précédente, un processus pas encore rejoint après un
  arrêt pour inactivité), le lancement tournait à 100 % du processeur sans fin (`python -m bench
  graphiques memoire`). Le fil de lancement n'a pas le contexte du bot : il lit l'horloge réelle.
- un arrêt rejoint l'ancien processus dans un fil, et le lancement suivant attend cette jonction :
  jamais deux processus de l'atelier à la fois, ni un enfant fantôme d'une boucle à l'autre.
- le lancement préchauffe le processus (import de matplotlib et des polices) : `prechauffer()`,
  appelée quand le bot est prêt, rend le premier graphique aussi rapide que les suivants sans
  retarder ni bloquer la boucle.

Inoccupé pendant `INACTIVITE` secondes, il s'arrête et rend sa mémoire (~150 Mo avec matplotlib) :
les graphiques viennent par rafales (une réunion, le résumé du lundi). Le travail suivant le
relance (le serveur « forkserver » a préchargé matplotlib : voir `PRECHARGES`).
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from functools import partial
from multiprocessing import get_context
from typing import Any, TypeVar

from rendu.graphiques import MODULES_DU_DESSIN

R = TypeVar("R")
log = logging.getLogger(__name__)
INACTIVITE = 600.0  # secondes sans travail avant l'arrêt du processus
# Modules chargés une fois par le serveur « forkserver » : chaque processus de l'atelier en hérite
# déjà importés (copie à l'écriture), le premier dessin après un arrêt ne paie plus l'import de
# matplotlib ni celui des règles dont les données dépendent (≈ 40 Mo en propre au forkserver) ;
# `rendu.echauffement`, en dernier, y dessine une fois : ni les polices ni les données du français
# ne sont à charger au premier graphique d'un processus né après un arrêt pour inactivité.
PRECHARGES = ["__main__", "rendu.graphiques", "rendu.rapport", *MODULES_DU_DESSIN, "rendu.echauffement"]

# Le dessin cède le processeur aux interactions : sur une machine à deux cœurs, la rafale des
# résumés du lundi (un graphique par serveur) faisait attendre la boucle du bot (bench milliers).
PRIORITE = 10  # os.nice : 0 normal, 19 le plus effacé

_deja_gele = False


def _geler_une_fois() -> None:
    global _deja_gele
    if not _deja_gele:
        gc.collect()
        gc.freeze()
        _deja_gele = True


def _au_lancement(bot: int) -> None:
    """Dans le processus de l'atelier, au lancement : une priorité plus basse que celle du bot, et
    une veille qui l'arrête si le bot meurt sans l'avoir arrêté."""
    os.nice(PRIORITE)
    threading.Thread(target=_veiller_sur_le_bot, args=(bot,), name="atelier-veille", daemon=True).start()


def _veiller_sur_le_bot(bot: int) -> None:
    """Le bot tué (`kill -9`, manque de mémoire) : l'atelier s'arrête aussi, et le forkserver avec lui.

    Sans cela, ils survivaient au bot, orphelins (≈ 230 Mo) : le processus de l'atelier attend ses
    travaux sur une file dont il tient lui-même les deux bouts (il n'y lit jamais de fin), et le
    forkserver vit tant qu'un processus né de lui vit.
    """
    import select

    try:
        descripteur = os.pidfd_open(bot)  # Linux : attendre la fin du bot sans sonder
    except (AttributeError, OSError):
        while True:  # ailleurs : sonder toutes les deux secondes
            time.sleep(2)
            try:
                os.kill(bot, 0)
            except ProcessLookupError:
                os._exit(0)
            except PermissionError:
                pass
    select.select([descripteur], [], [])
    os._exit(0)


def _travailler(travail: Callable[[], R]) -> R:
    """Exécute le travail dans le processus de l'atelier ; après le premier, gèle ce qui est chargé."""
    resultat = travail()
    _geler_une_fois()
    return resultat


def _prechauffer() -> int:
    """Dans le processus de l'atelier : charge matplotlib et dessine une fois (polices, caches)."""
    import os

    from rendu.graphiques import prechauffer

    prechauffer()
    _geler_une_fois()
    return os.getpid()


def _pid_atelier() -> int:
    import os

    return os.getpid()


@dataclass(frozen=True)
class EtatAtelier:
    """Ce que `/statut` montre de l'atelier."""

    actif: bool
    pid: int | None
    travaux: int  # travaux faits depuis le démarrage du bot
    dernier_travail: float | None  # time.monotonic() du dernier travail terminé
    inactivite: float


class Atelier:
    """Un processus de calcul, lancé à la demande, arrêté après `inactivite` secondes sans travail."""

    def __init__(self, inactivite: float = INACTIVITE) -> None:
        self.inactivite = inactivite
        self._executeur: ProcessPoolExecutor | None = None
        self._lancement: Future[ProcessPoolExecutor] | None = None
        self._fermetures: list[Future[None]] = []
        self._verrou = threading.Lock()
        self._en_cours = 0
        self._arret: asyncio.TimerHandle | None = None
        self._pid: int | None = None
        self._travaux = 0
        self._dernier: float | None = None

    @property
    def actif(self) -> bool:
        """Vrai si le processus de l'atelier est lancé (ou en cours de lancement)."""
        return self._lancement is not None

    def etat(self) -> EtatAtelier:
        """L'état de l'atelier, pour `/statut`."""
        return EtatAtelier(self.actif, self._pid, self._travaux, self._dernier, self.inactivite)

    def lancer(self, *, prechauffe: bool = False) -> Future[ProcessPoolExecutor]:
        """Lance (dans un fil à part) le processus s'il ne l'est pas, préchauffé si demandé ; n'attend pas."""
        with self._verrou:
            if self._lancement is None:
                lancement: Future[ProcessPoolExecutor] = Future()
                fil = threading.Thread(
                    target=self._lancer,
                    args=(lancement, list(self._fermetures), prechauffe),
                    name="atelier-lancement",
                    daemon=True,
                )
                self._lancement = lancement
                fil.start()
            return self._lancement

    def _lancer(
        self, lancement: Future[ProcessPoolExecutor], fermetures: list[Future[None]], prechauffe: bool
    ) -> None:
        try:
            for fermeture in fermetures:
                fermeture.result()  # l'ancien processus est rejoint avant d'en lancer un autre
            contexte = get_context("forkserver")
            contexte.set_forkserver_preload(PRECHARGES)  # sans effet si le serveur tourne déjà
            executeur = ProcessPoolExecutor(
                max_workers=1, mp_context=contexte, initializer=_au_lancement, initargs=(os.getpid(),)
            )
            # Le premier travail lance le processus depuis ce fil-ci (voir l'en-tête du module).
            self._pid = executeur.submit(_prechauffer if prechauffe else _pid_atelier).result()
        except BaseException as erreur:
            lancement.set_exception(erreur)
            return
        self._executeur = executeur
        lancement.set_result(executeur)

    async def _pret(self, boucle: asyncio.AbstractEventLoop) -> ProcessPoolExecutor:
        # Attendu dans un fil (run_in_executor) plutôt que par `asyncio.wrap_future` : une
        # annulation de l'appelant n'annule pas le lancement partagé, et simcord suit l'attente.
        return await boucle.run_in_executor(None, self.lancer().result)

    def prechauffer(self) -> None:
        """Lance et préchauffe le processus en arrière-plan, puis programme son arrêt s'il reste inoccupé."""
        boucle = asyncio.get_running_loop()
        lancement = self.lancer(prechauffe=True)
        lancement.add_done_callback(lambda _: boucle.call_soon_threadsafe(self._armer_arret, boucle))

    def _armer_arret(self, boucle: asyncio.AbstractEventLoop) -> None:
        if self._en_cours == 0 and self._lancement is not None and self._arret is None:
            self._arret = boucle.call_later(self.inactivite, self.fermer)

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
                executeur = await self._pret(boucle)
                return await boucle.run_in_executor(executeur, travail)
            except BrokenProcessPool:
                # Le processus est mort (mémoire, signal) : on en relance un, une fois.
                log.warning("Le processus de l'atelier s'est arrêté ; relance")
                self.fermer()
                executeur = await self._pret(boucle)
                return await boucle.run_in_executor(executeur, travail)
        finally:
            self._en_cours -= 1
            self._travaux += 1
            self._dernier = time.monotonic()
            if self._en_cours == 0 and self._lancement is not None:
                self._arret = boucle.call_later(self.inactivite, self.fermer)

    def fermer(self) -> None:
        """Arrête le processus de l'atelier s'il a été lancé ; il est rejoint dans un fil à part."""
        if self._arret is not None:
            self._arret.cancel()
            self._arret = None
        with self._verrou:
            lancement, self._lancement = self._lancement, None
            self._executeur, self._pid = None, None
            if lancement is None:
                return
            fermeture: Future[None] = Future()
            self._fermetures = [f for f in self._fermetures if not f.done()] + [fermeture]
        threading.Thread(
            target=_rejoindre, args=(lancement, fermeture), name="atelier-arret", daemon=True
        ).start()

    async def fermer_et_attendre(self) -> None:
        """Arrête le processus et attend qu'il soit rejoint (arrêt du bot)."""
        self.fermer()
        fermetures = list(self._fermetures)
        await asyncio.to_thread(lambda: [f.result() for f in fermetures])


def _rejoindre(lancement: Future[ProcessPoolExecutor], fermeture: Future[None]) -> None:
    try:
        executeur = lancement.result()
    except BaseException:
        fermeture.set_result(None)  # jamais lancé : rien à rejoindre
        return
    try:
        executeur.shutdown(wait=True, cancel_futures=True)
    except Exception:
        log.exception("Arrêt du processus de l'atelier")
    fermeture.set_result(None)
