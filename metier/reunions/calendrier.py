"""Séries de réunions avec leurs séances annulées, et leur export iCalendar (.ics, RFC 5545)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlmodel import Session, col, select

from metier.erreurs import ErreurMetier
from metier.reunions.registre import annulees_par_reunion, lire_reunion
from metier.reunions.saisie import rappels_de
from metier.temps import zone
from modeles import Reunion

PRODID = "-//Passerelle//Protocole Terrebonne-Namur//FR"


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


def uid_reunion(reunion: Reunion) -> str:
    """Identifiant iCalendar stable d'une réunion : un nouvel import met l'événement à jour."""
    return f"reunion-{reunion.guild_id}-{reunion.numero}@passerelle"


def _debut_local(reunion: Reunion, jour: date) -> datetime:
    """Heure murale de la série ce jour-là, dans le fuseau d'ancrage (comme la déroule la règle)."""
    return datetime.combine(jour, reunion.heure_locale.replace(tzinfo=None), tzinfo=zone(reunion.fuseau))


def calendrier_ics(series: Sequence[Serie], *, maintenant: datetime) -> bytes:
    """Construit le fichier .ics : un VEVENT par série, à l'heure murale de sa ville, avec ses VTIMEZONE."""
    from icalendar import Alarm, Calendar, Event, vRecur

    calendrier = Calendar()
    calendrier.add("prodid", PRODID)
    calendrier.add("version", "2.0")
    calendrier.add("calscale", "GREGORIAN")
    calendrier.add("x-wr-calname", "Réunions du protocole Terrebonne – Namur")
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
    calendrier.add_missing_timezones(first_date=date(premiere.year - 1, 1, 1))
    contenu: bytes = calendrier.to_ical()
    return contenu
