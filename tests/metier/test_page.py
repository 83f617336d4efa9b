"""Liens secrets de la page de suivi et des agendas : aléa, empreintes, renouvellement, fermeture."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

import pytest
from sqlmodel import select

from metier.erreurs import ErreurMetier
from metier.page import (
    OCTETS_JETON,
    abonner_agenda,
    acces_par_jeton,
    activer_page,
    agenda_par_jeton,
    desactiver_page,
    empreinte,
    nouveau_jeton,
    renouveler_page,
)
from metier.serveurs import amorcer_serveur
from modeles import AbonnementAgenda, ModePage, PageWeb

MAINTENANT = datetime(2026, 11, 26, 12, tzinfo=UTC)
SERVEUR, ALICE = 111, 42


def test_un_jeton_porte_au_moins_128_bits_d_alea() -> None:
    jetons = {nouveau_jeton() for _ in range(200)}
    assert len(jetons) == 200
    assert OCTETS_JETON * 8 >= 128
    for jeton in jetons:
        assert len(base64.urlsafe_b64decode(jeton + "=" * (-len(jeton) % 4))) == OCTETS_JETON
    assert empreinte("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def test_ouvrir_renouveler_fermer(base) -> None:
    base.transaction(amorcer_serveur, SERVEUR)
    ouverte = base.transaction(
        activer_page, guild_id=SERVEUR, auteur_id=ALICE, mode=ModePage.PRIVEE, maintenant=MAINTENANT
    )
    assert ouverte.jeton is not None
    acces = base.lecture(acces_par_jeton, ouverte.jeton)
    assert acces is not None
    assert (acces.guild_id, acces.publique) == (SERVEUR, False)
    [page] = base.lecture(lambda s: list(s.exec(select(PageWeb))))
    assert page.empreinte == empreinte(ouverte.jeton)  # jamais le jeton lui-même

    for faux in (
        "",
        "x",
        ouverte.jeton[:-1] + ("A" if ouverte.jeton[-1] != "A" else "B"),
        ouverte.jeton + "A",
        "é" * 32,
        "A" * 500,
    ):
        assert base.lecture(acces_par_jeton, faux) is None

    agenda = base.transaction(abonner_agenda, guild_id=SERVEUR, membre_id=ALICE, maintenant=MAINTENANT)
    assert base.lecture(agenda_par_jeton, agenda) == SERVEUR
    assert base.lecture(acces_par_jeton, agenda) is None  # un lien d'agenda n'ouvre pas la page

    nouveau = base.transaction(renouveler_page, guild_id=SERVEUR, auteur_id=ALICE, maintenant=MAINTENANT)
    assert base.lecture(acces_par_jeton, ouverte.jeton) is None
    assert base.lecture(acces_par_jeton, nouveau.jeton) is not None
    assert base.lecture(agenda_par_jeton, agenda) == SERVEUR  # l'agenda garde son propre lien

    base.transaction(desactiver_page, guild_id=SERVEUR, auteur_id=ALICE, maintenant=MAINTENANT)
    assert base.lecture(acces_par_jeton, nouveau.jeton) is None
    assert base.lecture(agenda_par_jeton, agenda) is None
    assert base.lecture(lambda s: list(s.exec(select(AbonnementAgenda)))) == []
    with pytest.raises(ErreurMetier, match="pas ouverte"):
        base.transaction(renouveler_page, guild_id=SERVEUR, auteur_id=ALICE, maintenant=MAINTENANT)
    with pytest.raises(ErreurMetier, match="/config page activer"):
        base.transaction(abonner_agenda, guild_id=SERVEUR, membre_id=ALICE, maintenant=MAINTENANT)

    rouverte = base.transaction(
        activer_page, guild_id=SERVEUR, auteur_id=ALICE, mode=ModePage.PUBLIQUE, maintenant=MAINTENANT
    )
    assert rouverte.jeton not in {ouverte.jeton, nouveau.jeton}
    acces = base.lecture(acces_par_jeton, rouverte.jeton)
    assert acces is not None
    assert acces.publique
