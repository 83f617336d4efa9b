"""Réveils du bot, confiés à APScheduler 3 (`AsyncIOScheduler`). La base reste la source de vérité.

Aucun magasin de tâches : au démarrage, le livreur relit la base et recrée les tâches (prochaine
échéance, résumé de chaque serveur, préparation, balayage). Un redémarrage ne perd donc rien, et
un magasin persistant ne ferait que doubler ce que disent les lignes `livraison`.

Trois sortes de tâches :
- `planifier_date` : une tâche `DateTrigger` (la prochaine livraison due) ;
- `planifier_hebdomadaire` : une tâche `CronTrigger` dans le fuseau d'une ville (« lundi 09 h 00 à
  Terrebonne » reste 09 h 00 là-bas à chaque changement d'heure) ;
- `planifier_intervalle` : une tâche `IntervalTrigger` (préparation deux fois par jour, balayage).

Les fonctions des tâches sont des coroutines courtes : elles s'exécutent dans la boucle du bot.

APScheduler lit l'heure murale (`datetime.now()`) ; les tests la font suivre le temps virtuel de
simcord (voir `tests/conftest.py`).
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime, time, timedelta, tzinfo
from typing import Any

from apscheduler.job import Job
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.schedulers.base import STATE_STOPPED, BaseScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from metier.temps import zone

log = logging.getLogger(__name__)

Travail = Callable[..., Coroutine[Any, Any, None]]

# APScheduler attend avec une minuterie de la boucle (horloge monotone) la durée calculée sur
# l'heure murale. Si l'heure murale saute en avant (NTP, sortie de veille), une attente longue
# serait en retard d'autant : on se réveille au plus tard toutes les 10 minutes pour relire
# l'heure (un réveil sans tâche due ne coûte rien : ni base, ni Discord). Après un saut en avant,
# une publication part donc au plus 10 minutes après son échéance (marquée en retard), jamais
# perdue ; après un saut en arrière, elle attend son heure selon la nouvelle horloge, jamais deux
# fois (la base dit ce qui est parti).
REVEIL_MAX = timedelta(minutes=10)

# Réglages communs à toutes les tâches, choisis exprès :
OPTIONS_TACHES: dict[str, Any] = {
    # Un réveil manqué (boucle occupée, machine en veille, saut d'heure) s'exécute quand même, si
    # tard soit-il : ce n'est qu'un réveil, et la base décide seule si la publication est encore
    # utile (`limite`, en retard ou sautée). Le défaut d'APScheduler (1 s) l'abandonnerait.
    "misfire_grace_time": None,
    # Plusieurs échéances manquées d'une même tâche (préparation, balayage) : une seule exécution,
    # elle traite tout ce que la base dit dû.
    "coalesce": True,
    # Jamais deux exécutions de la même tâche à la fois ; les tâches ne font qu'émettre un
    # événement ou préparer, le livreur sérialise le reste (son verrou, les réservations).
    "max_instances": 1,
}


class _Ordonnanceur(AsyncIOScheduler):  # type: ignore[misc]  # APScheduler 3 sans types
    """`AsyncIOScheduler` dont l'attente est bornée par `REVEIL_MAX` et qui s'arrête sur-le-champ."""

    def _start_timer(self, wait_seconds: float | None) -> None:
        borne = REVEIL_MAX.total_seconds()
        super()._start_timer(borne if wait_seconds is None else min(wait_seconds, borne))

    def arreter(self) -> None:
        # `AsyncIOScheduler.shutdown` se contente de programmer l'arrêt (call_soon_threadsafe) :
        # on est dans le fil de la boucle, on arrête tout de suite et on oublie la boucle.
        if self.state != STATE_STOPPED:
            BaseScheduler.shutdown(self, wait=False)
        self._stop_timer()
        self._eventloop = None


class Planificateur:
    """Tâches nommées d'APScheduler, recréées à chaque démarrage (un ordonnanceur par boucle)."""

    def __init__(self) -> None:
        self._ordonnanceur: _Ordonnanceur | None = None

    @property
    def demarre(self) -> bool:
        """Dit si le planificateur tourne."""
        return self._ordonnanceur is not None

    def demarrer(self) -> None:
        """Démarre un ordonnanceur neuf dans la boucle courante (rien n'est gardé d'une boucle à l'autre)."""
        self.arreter()
        # Fuseau de l'ordonnanceur : UTC, comme tous les instants en base. Il ne sert qu'aux
        # déclencheurs donnés sans fuseau ; le défaut d'APScheduler serait celui de la machine
        # (un serveur réglé sur Europe/Paris décalerait tout sans bruit). Les résumés portent le
        # fuseau de leur ville (`planifier_hebdomadaire`).
        self._ordonnanceur = _Ordonnanceur(timezone=UTC, job_defaults=OPTIONS_TACHES)
        self._ordonnanceur.start()
        log.info("Planificateur démarré")

    def arreter(self) -> None:
        """Arrête l'ordonnanceur et oublie ses tâches (la base les redonnera au démarrage)."""
        if self._ordonnanceur is not None:
            self._ordonnanceur.arreter()
            self._ordonnanceur = None
            log.info("Planificateur arrêté")

    def _actif(self) -> _Ordonnanceur:
        if self._ordonnanceur is None:
            raise RuntimeError("planificateur arrêté")
        return self._ordonnanceur

    def planifier_date(self, cle: str, quand: datetime, travail: Travail, *args: Any) -> None:
        """Exécute `travail(*args)` à `quand` (remplace la tâche de même clé ; tout de suite si passé)."""
        self._actif().add_job(travail, DateTrigger(run_date=quand), args=args, id=cle, replace_existing=True)

    def planifier_hebdomadaire(
        self, cle: str, jour: int, heure: time, fuseau: str, travail: Travail, *args: Any
    ) -> None:
        """Exécute `travail(*args)` chaque semaine, le jour `jour` (0 = lundi) à `heure` dans `fuseau`."""
        self._actif().add_job(
            travail,
            declencheur_hebdomadaire(jour, heure, fuseau),
            args=args,
            id=cle,
            replace_existing=True,
        )

    def planifier_intervalle(self, cle: str, periode: timedelta, travail: Travail, *args: Any) -> None:
        """Exécute `travail(*args)` toutes les `periode`, la première fois une période après maintenant."""
        self._actif().add_job(
            travail,
            IntervalTrigger(seconds=periode.total_seconds()),
            args=args,
            id=cle,
            replace_existing=True,
        )

    def prochaine(self, cle: str) -> datetime | None:
        """L'instant du prochain déclenchement de la tâche `cle`, ou None si elle n'existe pas."""
        if self._ordonnanceur is None:
            return None
        tache: Job | None = self._ordonnanceur.get_job(cle)
        quand: datetime | None = tache.next_run_time if tache is not None else None
        return quand

    def annuler(self, cle: str) -> None:
        """Oublie une tâche (sans erreur si elle n'existe pas)."""
        if self._ordonnanceur is not None and self._ordonnanceur.get_job(cle) is not None:
            self._ordonnanceur.remove_job(cle)

    def cles(self) -> list[str]:
        """Les clés des tâches prévues."""
        return [tache.id for tache in self._ordonnanceur.get_jobs()] if self._ordonnanceur else []


class _HebdomadaireUneFois(CronTrigger):  # type: ignore[misc]
    """`CronTrigger` qui ne part qu'une fois quand l'heure locale se répète (retour à l'heure normale).

    APScheduler 3.11 déclenche « dimanche 02 h 30 à Namur » deux fois le dernier dimanche d'octobre
    (02 h 30 d'été, puis 02 h 30 d'hiver). Comme `metier.temps.instant_local`, seule la première
    compte : la seconde est sautée.
    """

    def get_next_fire_time(self, previous_fire_time: datetime | None, now: datetime) -> datetime | None:
        suivant: datetime | None = super().get_next_fire_time(previous_fire_time, now)
        repetee = suivant is not None and suivant.fold == 1
        if repetee and suivant is not None and suivant.replace(fold=0).utcoffset() != suivant.utcoffset():
            suivant = super().get_next_fire_time(suivant, suivant.astimezone(UTC) + timedelta(seconds=1))
        return suivant


def declencheur_hebdomadaire(jour: int, heure: time, fuseau: str) -> CronTrigger:
    """« Chaque `jour` (0 = lundi) à `heure`, heure de `fuseau` » : suit les changements d'heure.

    `day_of_week` reçoit un nom (mon…sun), pas un nombre : APScheduler 3 compte lundi = 0 dans
    `CronTrigger` mais dimanche = 0 dans `from_crontab`, un nom n'a pas d'ambiguïté. Une heure qui
    n'existe pas (passage à l'heure d'été) est lue avec le décalage d'avant, comme
    `metier.temps.instant_local` : 02 h 30 devient 03 h 30.
    """
    return _HebdomadaireUneFois(
        day_of_week=("mon", "tue", "wed", "thu", "fri", "sat", "sun")[jour],
        hour=heure.hour,
        minute=heure.minute,
        second=0,
        timezone=zone(fuseau),
    )


# Les modules d'APScheduler qui lisent l'heure murale (`datetime.now`) : ordonnanceur, exécuteurs
# (retard toléré), déclencheurs (instant par défaut).
MODULES_APSCHEDULER = (
    "apscheduler.schedulers.base",
    "apscheduler.executors.base",
    "apscheduler.triggers.date",
    "apscheduler.triggers.interval",
)


def murale_suivant(horloge: Callable[[], datetime]) -> type[datetime]:
    """Une classe `datetime` dont `now()` rend l'instant de `horloge` : l'heure murale d'APScheduler.

    Ainsi l'ordonnanceur compare ses échéances au même instant que le bot, et ses minuteries
    (`loop.call_later`) avancent avec le temps virtuel de simcord : les deux restent d'accord.
    """

    class _Murale(datetime):
        @classmethod
        def now(cls, tz: tzinfo | None = None) -> datetime:  # type: ignore[override]
            instant = horloge()
            return instant.astimezone(tz) if tz is not None else instant.replace(tzinfo=None)

    return _Murale


def suivre_heure_murale(horloge: Callable[[], datetime]) -> None:
    """Fait lire à APScheduler l'heure de `horloge` (tests et mesures, dont l'horloge n'est pas celle du
    système) : sinon l'ordonnanceur, à l'heure réelle, jugerait échu ce que le bot voit à venir."""
    murale = murale_suivant(horloge)
    for nom in MODULES_APSCHEDULER:
        importlib.import_module(nom).datetime = murale  # type: ignore[attr-defined]
