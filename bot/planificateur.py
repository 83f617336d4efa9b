"""Réveil du bot à des instants donnés. La base reste la source de vérité de ce qui est dû."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger

log = logging.getLogger(__name__)


class Planificateur:
    """Enveloppe d'APScheduler : un travail ne porte que des identifiants et réveille le bot.

    Fuseau UTC explicite (sinon celui de l'hôte), rattrapage sans limite (sinon 1 s de grâce) :
    le travail décide lui-même, en lisant la base, s'il est encore utile.
    """

    def __init__(self, reveiller: Callable[..., None]) -> None:
        self._reveiller = reveiller
        self._ordonnanceur = AsyncIOScheduler(
            timezone=UTC,
            job_defaults={"misfire_grace_time": None, "coalesce": True, "max_instances": 1},
        )

    @property
    def demarre(self) -> bool:
        """Dit si le planificateur tourne."""
        return bool(self._ordonnanceur.running)

    def demarrer(self) -> None:
        """Démarre le planificateur dans la boucle courante."""
        self._ordonnanceur.start()
        log.info("Planificateur démarré")

    def arreter(self) -> None:
        """Arrête le planificateur sans attendre les travaux en cours."""
        if self._ordonnanceur.running:
            self._ordonnanceur.shutdown(wait=False)
            log.info("Planificateur arrêté")

    def planifier(self, cle: str, quand: datetime, evenement: str, **ids: int) -> None:
        """Réveille le bot à `quand` avec l'événement `evenement` (remplace un réveil de même clé)."""
        self._ordonnanceur.add_job(
            self._reveiller,
            DateTrigger(run_date=quand.astimezone(UTC)),
            args=(evenement,),
            kwargs=ids,
            id=cle,
            replace_existing=True,
        )

    def annuler(self, cle: str) -> None:
        """Oublie un réveil prévu (sans erreur s'il n'existe pas)."""
        if self._ordonnanceur.get_job(cle) is not None:
            self._ordonnanceur.remove_job(cle)

    def cles(self) -> list[str]:
        """Rend les clés des réveils prévus."""
        return [travail.id for travail in self._ordonnanceur.get_jobs()]
