"""Séries de réunions avec leurs séances annulées, et leur export iCalendar (.ics, RFC 5545)."""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Final
from zoneinfo import ZoneInfo

from dateutil.rrule import YEARLY, rrule, weekday
from sqlmodel import Session, col, func, select

from metier.erreurs import ErreurMetier
from metier.reunions.registre import annulees_par_reunion, lire_reunion
from metier.reunions.saisie import rappels_de
from metier.temps import en_utc, zone
from modeles import EntreeJournal, Reunion

if TYPE_CHECKING:
    from icalendar import Timezone

PRODID = "-//Passerelle//Protocole Terrebonne-Namur//FR"
# Une règle annuelle tirée de zoneinfo n'est écrite que si elle tient ce nombre d'années.
ANNEES_VERIFIEES: Final = 100
JOURS_ICAL: Final = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass(frozen=True)
class Serie:
    """Une réunion et les débuts (UTC) de ses séances annulées."""

    reunion: Reunion
    annulees: frozenset[datetime]


def _series(session: Session, reunions: Sequence[Reunion]) -> list[Serie]:
    annulees = annulees_par_reunion(session, [r.id for r in reunions if r.id is not None])
    return [Serie(r, frozenset(annulees.get(r.id or 0, ()))) for r in reunions]


def lire_serie(session: Session, *, guild_id: int, numero: int) -> Serie:
    """Rend la réunion de ce numéro avec ses séances annulées."""
    return _series(session, [lire_reunion(session, guild_id=guild_id, numero=numero)])[0]


def series_a_exporter(session: Session, *, guild_id: int, numero: int | None) -> list[Serie]:
    """Rend la réunion demandée (même annulée), ou toutes les réunions non annulées du serveur."""
    if numero is not None:
        return [lire_serie(session, guild_id=guild_id, numero=numero)]
    reunions = session.exec(
        select(Reunion)
        .where(Reunion.guild_id == guild_id, col(Reunion.annulee).is_(False))
        .order_by(col(Reunion.numero))
    ).all()
    if not reunions:
        raise ErreurMetier(
            "Aucune réunion à exporter sur ce serveur : planifiez-en une avec `/reunion planifier`."
        )
    return _series(session, reunions)


def series_de_l_agenda(session: Session, *, guild_id: int) -> list[Serie]:
    """Toutes les réunions du serveur, annulées comprises : l'agenda abonné doit voir l'annulation."""
    reunions = session.exec(
        select(Reunion).where(Reunion.guild_id == guild_id).order_by(col(Reunion.numero))
    ).all()
    return _series(session, reunions)


def derniere_modification(session: Session, *, guild_id: int) -> datetime | None:
    """L'instant du dernier changement des réunions du serveur (planifiée, annulée), d'après le journal."""
    journal = session.exec(
        select(func.max(EntreeJournal.quand)).where(
            EntreeJournal.guild_id == guild_id, EntreeJournal.entite == "reunion"
        )
    ).one()
    creation = session.exec(select(func.max(Reunion.cree_le)).where(Reunion.guild_id == guild_id)).one()
    instants = [en_utc(i) for i in (journal, creation) if i is not None]
    return max(instants, default=None)


def uid_reunion(reunion: Reunion) -> str:
    """Identifiant iCalendar stable d'une réunion : un nouvel import met l'événement à jour."""
    return f"reunion-{reunion.guild_id}-{reunion.numero}@passerelle"


def _debut_local(reunion: Reunion, jour: date) -> datetime:
    """Heure murale de la série ce jour-là, dans le fuseau d'ancrage (comme la déroule la règle)."""
    return datetime.combine(jour, reunion.heure_locale.replace(tzinfo=None), tzinfo=zone(reunion.fuseau))


# --- VTIMEZONE -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Changement:
    """Un changement d'heure qui revient chaque année ; `debut` en heure murale d'avant, sans fuseau."""

    debut: datetime
    avant: timedelta
    apres: timedelta
    nom: str
    ete: bool

    @property
    def rang(self) -> int:
        """2 pour le 2e dimanche du mois, -1 pour le dernier (les 7 derniers jours du mois)."""
        if self.debut.day + 7 > monthrange(self.debut.year, self.debut.month)[1]:
            return -1
        return (self.debut.day - 1) // 7 + 1

    @property
    def byday(self) -> str:
        """« 2SU », « -1SU » : le jour de la règle annuelle (RFC 5545)."""
        return f"{self.rang}{JOURS_ICAL[self.debut.weekday()]}"


def vtimezone(nom: str, annee: int) -> Timezone:
    """Décrit le fuseau à partir de `annee`, sans date de fin : une règle annuelle par changement d'heure.

    icalendar (`add_missing_timezones`) n'écrit que des RDATE, et seulement jusqu'en 2038 ; une série
    de réunions n'a pas de fin. Un fuseau que des règles annuelles ne décrivent pas (Casablanca, qui
    suit le ramadan) garde ses RDATE, jusqu'à `ANNEES_VERIFIEES` ans.
    """
    from icalendar import Timezone, TimezoneDaylight, TimezoneStandard, vRecur

    changements = _changements_annuels(nom, annee)
    if changements is None:
        fin = date(annee + ANNEES_VERIFIEES, 1, 1)
        return Timezone.from_tzinfo(zone(nom), nom, first_date=date(annee, 1, 1), last_date=fin)
    composante = Timezone()
    composante.add("tzid", nom)
    for changement in changements:
        sous = TimezoneDaylight() if changement.ete else TimezoneStandard()
        sous.add("dtstart", changement.debut)
        if changement.avant != changement.apres:
            regle = vRecur(freq="YEARLY", bymonth=changement.debut.month, byday=changement.byday)
            sous.add("rrule", regle)
        sous.add("tzoffsetfrom", changement.avant)
        sous.add("tzoffsetto", changement.apres)
        sous.add("tzname", changement.nom)
        composante.add_component(sous)
    return composante


@lru_cache(maxsize=32)
def _changements_annuels(nom: str, annee: int) -> tuple[_Changement, ...] | None:
    """Les changements d'heure de `annee`, s'ils reviennent tels quels chaque année ; sinon None."""
    fuseau = zone(nom)
    changements = _changements(fuseau, annee)
    if not changements:
        janvier = datetime(annee, 1, 1, tzinfo=UTC)
        fixe = _decalage(fuseau, janvier)
        mois = (datetime(annee + k // 12, k % 12 + 1, 1, tzinfo=UTC) for k in range(ANNEES_VERIFIEES * 12))
        if any(_decalage(fuseau, debut) != fixe for debut in mois):
            return None
        nom_fixe = janvier.astimezone(fuseau).tzname() or nom
        return (_Changement(janvier.replace(tzinfo=None), fixe, fixe, nom_fixe, ete=False),)
    if not all(_regle_tient(fuseau, c) for c in changements):
        return None
    return changements


def _decalage(fuseau: ZoneInfo, instant: datetime) -> timedelta:
    decalage = instant.astimezone(fuseau).utcoffset()
    assert decalage is not None
    return decalage


def _changements(fuseau: ZoneInfo, annee: int) -> tuple[_Changement, ...]:
    """Les changements d'heure de l'année : repérés d'un jour à l'autre, puis à la seconde."""
    trouves = []
    jour = datetime(annee, 1, 1, tzinfo=UTC)
    while jour.year == annee:
        lendemain = jour + timedelta(days=1)
        avant = _decalage(fuseau, jour)
        if _decalage(fuseau, lendemain) != avant:
            bas, haut = jour, lendemain
            while haut - bas > timedelta(seconds=1):
                milieu = bas + (haut - bas) / 2
                bas, haut = (milieu, haut) if _decalage(fuseau, milieu) == avant else (bas, milieu)
            local = haut.astimezone(fuseau)
            trouves.append(
                _Changement(
                    debut=(haut + avant).replace(tzinfo=None),
                    avant=avant,
                    apres=_decalage(fuseau, haut),
                    nom=local.tzname() or "",
                    ete=bool(local.dst()),
                )
            )
        jour = lendemain
    return tuple(trouves)


def _regle_tient(fuseau: ZoneInfo, changement: _Changement) -> bool:
    """Vrai si la règle annuelle tirée de ce changement retombe sur les vrais changements de zoneinfo."""
    jour = weekday(changement.debut.weekday(), changement.rang)
    regle = rrule(
        YEARLY,
        dtstart=changement.debut,
        count=ANNEES_VERIFIEES,
        bymonth=changement.debut.month,
        byweekday=jour,
    )
    for debut in regle:
        instant = (debut - changement.avant).replace(tzinfo=UTC)
        if _decalage(fuseau, instant - timedelta(seconds=1)) != changement.avant:
            return False
        if _decalage(fuseau, instant) != changement.apres:
            return False
    return True


# --- Fichier .ics ---------------------------------------------------------------------------------


def calendrier_ics(series: Sequence[Serie], *, maintenant: datetime, abonnement: bool = False) -> bytes:
    """Construit le fichier .ics : un VEVENT par série, à l'heure murale de sa ville, avec ses VTIMEZONE.

    `abonnement` : un agenda que les clients relisent (Outlook, Google, Apple) ; il leur dit de le
    relire toutes les heures. `maintenant` y est l'instant de la dernière modification (DTSTAMP) :
    le même contenu donne les mêmes octets, donc la même étiquette HTTP.
    """
    from icalendar import Alarm, Calendar, Event, vDuration, vRecur

    calendrier = Calendar()
    calendrier.add("prodid", PRODID)
    calendrier.add("version", "2.0")
    calendrier.add("calscale", "GREGORIAN")
    calendrier.add("x-wr-calname", "Réunions du protocole Terrebonne – Namur")
    if abonnement:
        calendrier.add("refresh-interval", vDuration(timedelta(hours=1)), parameters={"VALUE": "DURATION"})
        calendrier.add("x-published-ttl", "PT1H")
    for serie in series:
        reunion = serie.reunion
        fuseau = zone(reunion.fuseau)
        evenement = Event()
        evenement.add("uid", uid_reunion(reunion))
        evenement.add("dtstamp", maintenant.astimezone(UTC))
        evenement.add("created", reunion.cree_le.astimezone(UTC))
        # La séance d'ancrage est dans le fuseau IANA de la ville : le client déroule la règle
        # dans ce fuseau, comme le bot (jamais par décalage fixe).
        evenement.add("dtstart", _debut_local(reunion, reunion.date_debut))
        evenement.add("duration", timedelta(minutes=reunion.duree_minutes))
        evenement.add("summary", reunion.titre)
        evenement.add("description", f"Réunion #{reunion.numero}, planifiée avec Passerelle.")
        if reunion.lien:
            evenement.add("url", reunion.lien)
        if reunion.regle:
            evenement.add("rrule", vRecur.from_ical(reunion.regle))
        if serie.annulees and reunion.regle:
            exclues = sorted(_debut_local(reunion, a.astimezone(fuseau).date()) for a in serie.annulees)
            evenement.add("exdate", exclues)
        # Un client qui réimporte le fichier ne remplace l'événement que si la séquence augmente.
        evenement.add("sequence", len(serie.annulees) + (1 if reunion.annulee else 0))
        seance_unique_annulee = reunion.regle is None and bool(serie.annulees)
        annulee = reunion.annulee or seance_unique_annulee
        evenement.add("status", "CANCELLED" if annulee else "CONFIRMED")
        for decalage in rappels_de(reunion):
            alarme = Alarm()
            alarme.add("action", "DISPLAY")
            alarme.add("description", reunion.titre)
            alarme.add("trigger", -decalage)
            evenement.add_component(alarme)
        calendrier.add_component(evenement)
    premiere = min((s.reunion.date_debut for s in series), default=maintenant.date())
    # Triés, et en tête : `add_missing_timezones` suivait l'ordre d'un ensemble (PYTHONHASHSEED).
    for position, nom in enumerate(sorted({s.reunion.fuseau for s in series})):
        calendrier.subcomponents.insert(position, vtimezone(nom, premiere.year - 1))
    contenu: bytes = calendrier.to_ical()
    return contenu
