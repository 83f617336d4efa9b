"""Le planificateur (APScheduler) : déclencheurs aux vrais changements d'heure 2024-2030, sauts d'horloge."""

import asyncio
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from bot import planificateur as module_planificateur
from bot.planificateur import OPTIONS_TACHES, Planificateur, declencheur_hebdomadaire
from metier.temps import instant_local

ZONES = ("America/Toronto", "Europe/Brussels")


def _changements_d_heure(fuseau: str) -> list[datetime]:
    """Les instants (UTC) où le fuseau change de décalage, de 2024 à 2030, lus heure par heure."""
    zone = ZoneInfo(fuseau)
    instants, instant = [], datetime(2024, 1, 1, tzinfo=UTC)
    decalage = instant.astimezone(zone).utcoffset()
    while instant.year <= 2030:
        instant += timedelta(hours=1)
        if (nouveau := instant.astimezone(zone).utcoffset()) != decalage:
            instants.append(instant)
            decalage = nouveau
    return instants


def test_quatorze_changements_d_heure_par_fuseau_de_2024_a_2030() -> None:
    for fuseau in ZONES:
        assert len(_changements_d_heure(fuseau)) == 14
    # Terrebonne avance le 2e dimanche de mars à 2 h (7 h UTC), Namur le dernier dimanche à 2 h (1 h UTC).
    assert _changements_d_heure("America/Toronto")[0] == datetime(2024, 3, 10, 7, tzinfo=UTC)
    assert _changements_d_heure("Europe/Brussels")[0] == datetime(2024, 3, 31, 1, tzinfo=UTC)


@pytest.mark.parametrize("fuseau", ZONES)
def test_lundi_9_h_reste_9_h_a_chaque_changement_d_heure(fuseau: str) -> None:
    zone = ZoneInfo(fuseau)
    declencheur = declencheur_hebdomadaire(0, time(9, 0), fuseau)
    for changement in _changements_d_heure(fuseau):
        # Le lundi qui suit chaque changement (un dimanche), et celui d'avant.
        precedent = declencheur.get_next_fire_time(None, changement - timedelta(days=7))
        suivant = declencheur.get_next_fire_time(precedent, changement)
        for instant in (precedent, suivant):
            local = instant.astimezone(zone)
            assert (local.weekday(), local.hour, local.minute) == (0, 9, 0), instant
        assert suivant.astimezone(UTC) - precedent.astimezone(UTC) == timedelta(days=7) - (
            suivant.astimezone(zone).utcoffset() - precedent.astimezone(zone).utcoffset()
        )
        assert precedent < changement < suivant
        # Le même instant que la ligne du résumé en base.
        ville = type("V", (), {"zone": zone})()
        assert suivant.astimezone(UTC) == instant_local(suivant.astimezone(zone).date(), time(9), ville)


@pytest.mark.parametrize("fuseau", ZONES)
def test_heure_inexistante_ou_repetee_une_seule_fois(fuseau: str) -> None:
    """Un déclencheur à l'heure même du changement : une fois par semaine, à l'instant de la base."""
    zone = ZoneInfo(fuseau)
    for changement in _changements_d_heure(fuseau):
        local = changement.astimezone(zone)
        heure = time(2, 30) if fuseau == "Europe/Brussels" else time(1, 30)
        declencheur = declencheur_hebdomadaire(6, heure, fuseau)  # le dimanche du changement
        depart = changement - timedelta(days=3)
        feux, precedent, maintenant = [], None, depart
        while (feu := declencheur.get_next_fire_time(precedent, maintenant)) < depart + timedelta(days=14):
            feux.append(feu.astimezone(UTC))
            precedent, maintenant = feu, feu.astimezone(UTC)
        assert len(feux) == 2, (local, feux)  # une fois la semaine du changement, une fois la suivante
        ville = type("V", (), {"zone": zone})()
        assert feux[0] == instant_local(changement.astimezone(zone).date(), heure, ville)


async def test_options_des_taches_et_fuseau_de_l_ordonnanceur() -> None:
    planificateur = Planificateur()
    planificateur.demarrer()
    try:

        async def rien() -> None:
            return None

        planificateur.planifier_date("a", datetime(2030, 1, 1, tzinfo=UTC), rien)
        ordonnanceur = planificateur._ordonnanceur
        assert ordonnanceur is not None
        assert ordonnanceur.timezone == UTC
        tache = ordonnanceur.get_job("a")
        assert (tache.misfire_grace_time, tache.coalesce, tache.max_instances) == (None, True, 1)
        assert OPTIONS_TACHES["misfire_grace_time"] is None
    finally:
        planificateur.arreter()
    assert not planificateur.demarre


async def test_saut_de_l_heure_murale_en_avant_reveil_sans_attendre_l_ancienne_duree(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """NTP avance l'heure d'une heure : la tâche due part au plus tard `REVEIL_MAX` après (ici 0,2 s)."""
    monkeypatch.setattr(module_planificateur, "REVEIL_MAX", timedelta(seconds=0.2))
    with time_machine.travel(datetime(2027, 3, 15, 12, tzinfo=UTC), tick=True) as voyage:
        planificateur = Planificateur()
        planificateur.demarrer()
        parties: list[datetime] = []

        async def publier() -> None:
            parties.append(datetime.now(UTC))

        try:
            planificateur.planifier_date("rappel", datetime(2027, 3, 15, 13, tzinfo=UTC), publier)
            await asyncio.sleep(0.5)
            assert parties == []
            voyage.shift(timedelta(hours=1))  # saut en avant : l'échéance est passée
            for _ in range(20):
                await asyncio.sleep(0.1)
                if parties:
                    break
            assert len(parties) == 1
            voyage.shift(timedelta(hours=-1))  # puis en arrière : rien ne repart
            await asyncio.sleep(0.6)
            assert len(parties) == 1
        finally:
            planificateur.arreter()
