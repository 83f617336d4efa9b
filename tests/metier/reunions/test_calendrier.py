"""Export iCalendar : des VTIMEZONE justes bien après 2038, un fichier identique d'un processus à l'autre."""

import io
import os
import subprocess
import sys
from datetime import UTC, date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from dateutil.tz import tzical
from icalendar import Calendar, Component

from metier.reunions.calendrier import Serie, calendrier_ics
from modeles import Reunion
from tests.scenarios import SERVEUR

RACINE = Path(__file__).resolve().parents[3]
FUSEAUX = ("America/Toronto", "Europe/Brussels", "Australia/Sydney", "Asia/Tokyo", "Africa/Casablanca")


def _serie(numero: int, fuseau: str) -> Serie:
    reunion = Reunion(
        id=numero,
        guild_id=SERVEUR,
        numero=numero,
        titre=f"Réunion {numero}",
        ville=fuseau.rsplit("/", 1)[1].lower(),
        fuseau=fuseau,
        date_debut=date(2027, 3, 9),
        heure_locale=time(10),
        regle="FREQ=WEEKLY",
        auteur_id=1,
        cree_le=datetime(2027, 3, 1, tzinfo=UTC),
    )
    return Serie(reunion, frozenset())


def ics_des_fuseaux() -> bytes:
    """Le .ics d'une série par fuseau, dans l'ordre de `FUSEAUX` (aussi lancé dans un sous-processus)."""
    series = [_serie(numero, fuseau) for numero, fuseau in enumerate(FUSEAUX, start=1)]
    return calendrier_ics(series, maintenant=datetime(2027, 3, 1, tzinfo=UTC))


def _vtimezone(fuseau: str) -> Component:
    (vtimezone,) = [t for t in Calendar.from_ical(ics_des_fuseaux()).walk("VTIMEZONE") if t["TZID"] == fuseau]
    return vtimezone


@pytest.mark.parametrize("fuseau", FUSEAUX)
def test_vtimezone_juste_bien_apres_2038(fuseau: str) -> None:
    vtimezone = _vtimezone(fuseau)
    # dateutil déroule les règles sans borne (icalendar, en relisant, s'arrête lui-même en 2038).
    lu = tzical(io.StringIO(vtimezone.to_ical().decode())).get(fuseau)
    for annee in (2027, 2037, 2038, 2045, 2060, 2090):
        for mois in (1, 3, 4, 7, 10, 11, 12):
            instant = datetime(annee, mois, 15, 12, tzinfo=UTC)
            attendu = instant.astimezone(ZoneInfo(fuseau)).utcoffset()
            assert instant.astimezone(lu).utcoffset() == attendu, instant


def test_vtimezone_debut_d_heure_d_ete_dans_l_heure_d_avant() -> None:
    (ete,) = _vtimezone("America/Toronto").walk("DAYLIGHT")
    # RFC 5545 : l'heure murale du changement lue dans l'ancien décalage (02 h 00, pas 03 h 00).
    assert ete.decoded("DTSTART") == datetime(2026, 3, 8, 2)
    assert ete["RRULE"].to_ical() == b"FREQ=YEARLY;BYDAY=2SU;BYMONTH=3"


def test_ics_identique_quel_que_soit_pythonhashseed() -> None:
    code = (
        "import sys; from tests.metier.reunions.test_calendrier import ics_des_fuseaux;"
        "sys.stdout.buffer.write(ics_des_fuseaux())"
    )
    sorties = {
        subprocess.run(
            [sys.executable, "-c", code],
            cwd=RACINE,
            capture_output=True,
            check=True,
            timeout=120,
            env={**os.environ, "PYTHONHASHSEED": graine},
        ).stdout
        for graine in ("0", "1", "2", "3", "4")
    }
    assert len(sorties) == 1
    tzids = [str(t["TZID"]) for t in Calendar.from_ical(sorties.pop()).walk("VTIMEZONE")]
    assert tzids == sorted(FUSEAUX)
