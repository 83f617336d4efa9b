"""L'agenda abonnable : lu par une bibliothèque d'agenda indépendante (`ical`), relu à peu de frais.

`ical` (la bibliothèque d'agenda de Home Assistant) déroule elle-même les règles de récurrence, les
fuseaux VTIMEZONE et les EXDATE : ses séances doivent être celles que le bot montre (`occurrences`,
comme /reunion voir), dans toutes les horloges, semaines à 5 h comprises.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from itertools import takewhile

from aiohttp.test_utils import TestClient, TestServer
from ical.calendar_stream import IcsCalendarStream

from metier.page import abonner_agenda, activer_page
from metier.reunions.calendrier import lire_serie
from metier.reunions.registre import annuler_reunion, planifier_reunion
from metier.reunions.series import occurrences
from metier.serveurs import amorcer_serveur
from modeles import ModePage, Recurrence
from tests.scenarios import ALICE, MAINTENANT, SERVEUR
from tests.web.conftest import Suivi
from web.app import Services, Site

HORIZON = datetime(2028, 1, 1, tzinfo=UTC)


def _seances_du_bot(suivi: Suivi, numero: int) -> list[datetime]:
    serie = suivi.base.lecture(lire_serie, guild_id=SERVEUR, numero=numero)
    return [
        o.debut for o in occurrences(serie.reunion, MAINTENANT, HORIZON, limite=500, annulees=serie.annulees)
    ]


def _seances_de_l_agenda(contenu: str, titre: str) -> list[datetime]:
    calendrier = IcsCalendarStream.calendar_from_ics(contenu)
    debuts = (
        (e.summary, e.dtstart.astimezone(UTC)) for e in calendrier.timeline_tz(UTC).start_after(MAINTENANT)
    )  # la chronologie est rangée par début : on s'arrête à l'horizon (une série n'a pas de fin)
    return [debut for resume, debut in takewhile(lambda p: p[1] < HORIZON, debuts) if resume == titre]


def _planifier(suivi: Suivi, titre: str, jour: date, heure: time, ville: str, recurrence: Recurrence) -> int:
    return suivi.base.transaction(
        planifier_reunion,
        guild_id=SERVEUR,
        auteur_id=ALICE,
        titre=titre,
        jour=jour,
        heure=heure,
        ville_code=ville,
        duree=timedelta(hours=1),
        recurrence=recurrence,
        rappels=[],
        salon_id=None,
        lien=None,
        maintenant=MAINTENANT,
    ).reunion.numero


async def test_l_agenda_donne_les_memes_seances_que_le_bot(suivi: Suivi) -> None:
    hebdo = _planifier(
        suivi, "Point hebdomadaire", date(2026, 12, 1), time(10), "terrebonne", Recurrence.HEBDOMADAIRE
    )
    namur = _planifier(
        suivi, "Réunion à Namur", date(2027, 3, 2), time(15, 30), "namur", Recurrence.BIHEBDOMADAIRE
    )
    suivi.base.transaction(
        annuler_reunion,
        guild_id=SERVEUR,
        numero=hebdo,
        auteur_id=ALICE,
        occurrence=datetime(2027, 3, 16, 14, tzinfo=UTC),  # semaine à 5 h : 10 h à Terrebonne = 14 h UTC
        maintenant=MAINTENANT,
    )
    reponse = await suivi.client.get(f"/agenda/{suivi.agenda}.ics")
    assert reponse.status == 200
    assert reponse.content_type == "text/calendar"
    contenu = await reponse.text()

    for numero, titre in (
        (1, "Comité de suivi du protocole"),
        (hebdo, "Point hebdomadaire"),
        (namur, "Réunion à Namur"),
    ):
        attendues = _seances_du_bot(suivi, numero)
        assert attendues, titre
        assert _seances_de_l_agenda(contenu, titre) == attendues, titre
    hebdo_agenda = _seances_de_l_agenda(contenu, "Point hebdomadaire")
    assert datetime(2027, 3, 16, 14, tzinfo=UTC) not in hebdo_agenda  # la séance annulée
    assert datetime(2027, 3, 23, 14, tzinfo=UTC) in hebdo_agenda  # 10 h à Terrebonne, heure d'été


async def test_l_agenda_se_relit_a_peu_de_frais_et_change_avec_les_reunions(suivi: Suivi) -> None:
    chemin = f"/agenda/{suivi.agenda}.ics"
    premiere = await suivi.client.get(chemin)
    etiquette, modifiee = premiere.headers["ETag"], premiere.headers["Last-Modified"]
    contenu = await premiere.text()
    assert "SEQUENCE:1" in contenu  # une séance annulée (avril) dans le scénario
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H" in contenu

    # Rien n'a changé : 304, sans corps, avec l'étiquette ; même contenu au mot près.
    assert (await suivi.client.get(chemin)).headers["ETag"] == etiquette
    inchangee = await suivi.client.get(chemin, headers={"If-None-Match": etiquette})
    assert inchangee.status == 304
    assert await inchangee.read() == b""
    assert inchangee.headers["ETag"] == etiquette
    assert (await suivi.client.get(chemin, headers={"If-Modified-Since": modifiee})).status == 304

    # Une séance annulée : nouvelle étiquette, SEQUENCE augmentée, EXDATE.
    suivi.base.transaction(
        annuler_reunion,
        guild_id=SERVEUR,
        numero=1,
        auteur_id=ALICE,
        occurrence=datetime(2026, 12, 8, 15, tzinfo=UTC),
        maintenant=MAINTENANT + timedelta(hours=1),
    )
    changee = await suivi.client.get(
        chemin, headers={"If-None-Match": etiquette, "If-Modified-Since": modifiee}
    )
    assert changee.status == 200
    assert changee.headers["ETag"] != etiquette
    texte = await changee.text()
    assert "SEQUENCE:2" in texte
    assert "20261208T100000" in texte.split("EXDATE")[1].split("\n")[0]
    assert (await suivi.client.get(chemin, headers={"If-Modified-Since": modifiee})).status == 200

    # Toute la série annulée : l'événement reste, STATUS:CANCELLED, pour que l'agenda l'efface.
    suivi.base.transaction(
        annuler_reunion,
        guild_id=SERVEUR,
        numero=1,
        auteur_id=ALICE,
        occurrence=None,
        maintenant=MAINTENANT + timedelta(hours=2),
    )
    annulee = await (await suivi.client.get(chemin)).text()
    assert "STATUS:CANCELLED" in annulee
    assert "SEQUENCE:3" in annulee
    assert "UID:reunion-111-1@passerelle" in annulee  # même identifiant : l'événement est remplacé


async def test_un_agenda_vide_est_un_calendrier_valide(rempli, atelier) -> None:
    autre = 999
    rempli.transaction(amorcer_serveur, autre)
    rempli.transaction(
        activer_page, guild_id=autre, auteur_id=ALICE, mode=ModePage.PRIVEE, maintenant=MAINTENANT
    )
    jeton = rempli.transaction(abonner_agenda, guild_id=autre, membre_id=ALICE, maintenant=MAINTENANT)
    site = Site(Services(base=rempli, atelier=atelier, horloge=lambda: MAINTENANT))
    async with TestClient(TestServer(site.application())) as client:
        reponse = await client.get(f"/agenda/{jeton}.ics")
        assert reponse.status == 200
        calendrier = IcsCalendarStream.calendar_from_ics(await reponse.text())
        assert list(calendrier.timeline_tz(UTC)) == []
        assert reponse.headers["Last-Modified"] == "Mon, 01 Jan 2024 00:00:00 GMT"
