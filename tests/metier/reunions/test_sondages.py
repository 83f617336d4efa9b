"""Vote sur des créneaux : propositions, un vote par membre, clôture, vote refusé après."""

from datetime import UTC, date, datetime

import pytest
from sqlmodel import select

from bot.base import BaseDonnees
from metier.erreurs import ErreurMetier, RefusDroits
from metier.reunions.creneaux import creneaux_communs
from metier.reunions.sondages import choisir_propositions, clore_sondage, ouvrir_sondage, voter
from modeles import VoteCreneau
from tests.scenarios import AUTEUR, NAMUR, TERREBONNE, H, utc

SERVEUR, BOB = 111, 1002
MAINTENANT = datetime(2027, 3, 20, 12, tzinfo=UTC)


def _ouvrir(base: BaseDonnees) -> int:
    creneaux = creneaux_communs([TERREBONNE, NAMUR], date(2027, 3, 22), 12, H)
    propositions = choisir_propositions(creneaux, H, TERREBONNE)
    # Semaine à 5 h : 13 h UTC = 9 h à Terrebonne, 14 h à Namur ; le lundi de Pâques (29) n'y est pas.
    assert [c.debut for c in propositions] == [utc(2027, 3, d, 13) for d in (22, 23, 24, 25, 30)]
    assert all(c.duree == H for c in propositions)
    etat = base.transaction(
        ouvrir_sondage,
        guild_id=SERVEUR,
        auteur_id=AUTEUR,
        salon_id=5,
        propositions=propositions,
        maintenant=MAINTENANT,
    )
    return etat.sondage.id


def _voter(base: BaseDonnees, sondage: int, membre: int, rang: int, maintenant: datetime = MAINTENANT):
    return base.transaction(
        voter, guild_id=SERVEUR, sondage_id=sondage, membre_id=membre, rang=rang, maintenant=maintenant
    )


def test_un_vote_par_membre_le_second_remplace_le_premier(base: BaseDonnees) -> None:
    sondage = _ouvrir(base)
    etat, remplace = _voter(base, sondage, BOB, 2)
    assert (etat.voix, remplace) == ([0, 1, 0, 0, 0], False)
    etat, remplace = _voter(base, sondage, BOB, 4)
    assert (etat.voix, remplace) == ([0, 0, 0, 1, 0], True)
    etat, _ = _voter(base, sondage, AUTEUR, 4)
    assert etat.retenue == 4
    with pytest.raises(ErreurMetier, match="n'existe pas"):
        _voter(base, sondage, BOB, 6)


def test_cloture_par_l_auteur_ou_la_coordination_puis_vote_refuse(base: BaseDonnees) -> None:
    sondage = _ouvrir(base)
    _voter(base, sondage, BOB, 1)
    with pytest.raises(RefusDroits):
        base.transaction(
            clore_sondage,
            guild_id=SERVEUR,
            sondage_id=sondage,
            membre_id=BOB,
            est_coordination=False,
            maintenant=MAINTENANT,
        )
    etat = base.transaction(
        clore_sondage,
        guild_id=SERVEUR,
        sondage_id=sondage,
        membre_id=BOB,
        est_coordination=True,
        maintenant=MAINTENANT,
    )
    assert (etat.sondage.clos, etat.retenue) == (True, 1)
    with pytest.raises(ErreurMetier, match="Ce vote est clos"):
        _voter(base, sondage, AUTEUR, 2)
    votes = base.lecture(lambda s: s.exec(select(VoteCreneau)).all())
    assert [(v.membre_id, v.rang) for v in votes] == [(BOB, 1)]  # le vote refusé n'a rien écrit


def test_vote_refuse_quand_le_premier_creneau_est_passe(base: BaseDonnees) -> None:
    sondage = _ouvrir(base)
    with pytest.raises(ErreurMetier, match="premier créneau proposé est déjà passé"):
        _voter(base, sondage, BOB, 3, maintenant=utc(2027, 3, 22, 13))
