"""Réveil du bot à des instants donnés. La base reste la source de vérité de ce qui est dû.

Les réveils sont des minuteries de la boucle asyncio calculées sur l'horloge du bot (injectée :
les tests la font avancer avec le temps virtuel du simulateur). APScheduler 3 lit `datetime.now()`
en cinq endroits et ne peut pas suivre une horloge injectée ; or il ne s'agit ici que de se
réveiller à la prochaine échéance lue en base, ce qu'une minuterie fait. Au démarrage, tout ce qui
est en attente est replanifié depuis la base : un redémarrage ne perd rien.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from bot.evenements import Evenement

log = logging.getLogger(__name__)

# Une minuterie réveille au plus tard après ce délai pour relire l'horloge : si l'heure du
# système saute (NTP, mise en veille), l'écart reste borné.
REVEIL_MAX = timedelta(hours=1)


class Planificateur:
    """Réveils nommés : `planifier(cle, quand, evenement)` fait `reveiller(evenement)` à `quand`."""

    def __init__(self, horloge: Callable[[], datetime], reveiller: Callable[[Evenement], None]) -> None:
        self._horloge = horloge
        self._reveiller = reveiller
        self._minuteries: dict[str, asyncio.TimerHandle] = {}
        self._boucle: asyncio.AbstractEventLoop | None = None

    @property
    def demarre(self) -> bool:
        """Dit si le planificateur tourne."""
        return self._boucle is not None

    def demarrer(self) -> None:
        """Démarre le planificateur dans la boucle courante."""
        self._boucle = asyncio.get_running_loop()
        log.info("Planificateur démarré")

    def arreter(self) -> None:
        """Annule tous les réveils."""
        for minuterie in self._minuteries.values():
            minuterie.cancel()
        self._minuteries.clear()
        if self._boucle is not None:
            self._boucle = None
            log.info("Planificateur arrêté")

    def planifier(self, cle: str, quand: datetime, evenement: Evenement) -> None:
        """Réveille le bot à `quand` avec `evenement` (remplace un réveil de même clé)."""
        if self._boucle is None:
            raise RuntimeError("planificateur arrêté")
        self.annuler(cle)
        attente = min(max((quand - self._horloge()).total_seconds(), 0.0), REVEIL_MAX.total_seconds())
        self._minuteries[cle] = self._boucle.call_later(attente, self._echeance, cle, quand, evenement)

    def _echeance(self, cle: str, quand: datetime, evenement: Evenement) -> None:
        self._minuteries.pop(cle, None)
        if self._horloge() < quand:
            self.planifier(cle, quand, evenement)  # réveil intermédiaire : pas encore l'heure
            return
        self._reveiller(evenement)

    def annuler(self, cle: str) -> None:
        """Oublie un réveil prévu (sans erreur s'il n'existe pas)."""
        minuterie = self._minuteries.pop(cle, None)
        if minuterie is not None:
            minuterie.cancel()
