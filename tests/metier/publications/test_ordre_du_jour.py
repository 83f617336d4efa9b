"""Ordre du jour automatique : ce qui a bougé, ce qui est en retard, ce qui arrive (SQLite et PostgreSQL)."""

from datetime import date
from functools import partial

from sqlmodel import Session

from bot.base import BaseDonnees
from metier.actions.registre import archiver_action
from metier.publications.ordre_du_jour import OrdreDuJour, ordre_du_jour
from metier.serveurs import amorcer_serveur
from tests.scenarios import ALICE, BOB, SERVEUR, Scenario, a_utc

# La séance précédente s'est tenue le 2 mars 2027 à 15 h UTC ; l'ordre du jour est établi le 15 mars
# pour une séance suivie d'une autre le 23 mars.
DEPUIS = a_utc("2027-03-02T15:00")
JOUR = date(2027, 3, 15)
JUSQU_AU = date(2027, 3, 23)


def _registre(session: Session) -> None:
    amorcer_serveur(session, SERVEUR)
    s = Scenario(session, SERVEUR, ALICE)
    for titre, echeance in (
        ("Forum de l'emploi vert", "2027-03-12"),  # 1 : en retard
        ("Plantation de 500 arbres", "2027-03-15"),  # 2 : due aujourd'hui, pas encore en retard
        ("Colloque universitaire", "2027-03-23"),  # 3 : due le jour de la séance suivante
        ("Échange d'étudiants", "2027-03-24"),  # 4 : après la séance suivante
        ("Compostage collectif", "2027-03-10"),  # 5 : terminée en retard
        ("Marché de Noël", "2027-03-11"),  # 6 : abandonnée
        ("Bilan carbone", "2027-03-08"),  # 7 : en retard depuis plus longtemps
        ("Action archivée", "2027-03-01"),  # 8
        ("Atelier citoyen", "2027-03-08"),  # 9 : même échéance que 7
    ):
        s.action("2027-02-01T12:00", titre, 1, echeance=echeance)
    s.avancer(2, "2027-03-01T12:00", 20)  # avant la séance précédente
    s.avancer(3, "2027-03-02T15:00", 10)  # à l'instant même où elle commençait
    s.avancer(1, "2027-03-03T12:00", 40)
    s.statut(5, "2027-03-05T12:00", "terminee")
    s.statut(6, "2027-02-20T12:00", "abandonnee")
    s.avancer(8, "2027-03-05T12:00", 50)
    archiver_action(
        session,
        guild_id=SERVEUR,
        numero=8,
        auteur_id=ALICE,
        est_coordination=True,
        maintenant=a_utc("2027-03-06"),
    )
    s.action("2027-03-10T12:00", "Nouvelle action", 2)  # 10 : créée depuis la séance
    # Un autre serveur ne se mélange jamais à cet ordre du jour.
    amorcer_serveur(session, SERVEUR + 1)
    autre = Scenario(session, SERVEUR + 1, BOB)
    autre.action("2027-02-01T12:00", "Secret d'un autre jumelage", 1, echeance="2027-03-01")
    autre.avancer(1, "2027-03-10T12:00", 30)


def _ordre(base: BaseDonnees, limite: int = 10) -> OrdreDuJour:
    return base.lecture(
        partial(ordre_du_jour, guild_id=SERVEUR, depuis=DEPUIS, jour=JOUR, jusqu_au=JUSQU_AU, limite=limite)
    )


def test_ce_qui_a_bouge_depuis_la_seance_precedente(base: BaseDonnees) -> None:
    base.transaction(_registre)
    ordre = _ordre(base)
    # La plus récemment modifiée d'abord ; ni l'archivée, ni l'action d'avant la séance, ni l'autre serveur.
    assert [(p.numero, p.titre) for p in ordre.mises_a_jour] == [
        (10, "Nouvelle action"),
        (5, "Compostage collectif"),
        (1, "Forum de l'emploi vert"),
        (3, "Colloque universitaire"),
    ]
    assert (ordre.mises_a_jour[1].avancement, ordre.mises_a_jour[2].avancement) == (100, 40)


def test_ce_qui_est_en_retard_et_ce_qui_arrive(base: BaseDonnees) -> None:
    base.transaction(_registre)
    ordre = _ordre(base)
    # En retard : échéance passée, ni terminée ni abandonnée ni archivée ; la plus ancienne d'abord.
    assert [(p.numero, p.echeance) for p in ordre.en_retard] == [
        (7, date(2027, 3, 8)),
        (9, date(2027, 3, 8)),
        (1, date(2027, 3, 12)),
    ]
    # À échéance : d'aujourd'hui au jour de la séance suivante compris.
    assert [(p.numero, p.echeance) for p in ordre.echeances] == [
        (2, date(2027, 3, 15)),
        (3, date(2027, 3, 23)),
    ]
    assert ordre.totaux == (4, 3, 2)
    assert not ordre.est_vide


def test_les_listes_sont_coupees_mais_les_totaux_comptent_tout(base: BaseDonnees) -> None:
    base.transaction(_registre)
    ordre = _ordre(base, limite=2)
    assert [p.numero for p in ordre.mises_a_jour] == [10, 5]
    assert [p.numero for p in ordre.en_retard] == [7, 9]
    assert [p.numero for p in ordre.echeances] == [2, 3]
    assert ordre.totaux == (4, 3, 2)


def test_rien_a_signaler(base: BaseDonnees) -> None:
    def registre_calme(session: Session) -> None:
        amorcer_serveur(session, SERVEUR)
        Scenario(session, SERVEUR, ALICE).action(
            "2027-02-01T12:00", "Colloque universitaire", 3, echeance="2027-06-30"
        )

    base.transaction(registre_calme)
    ordre = _ordre(base)
    assert (ordre.mises_a_jour, ordre.en_retard, ordre.echeances, ordre.totaux) == ([], [], [], (0, 0, 0))
    assert ordre.est_vide
