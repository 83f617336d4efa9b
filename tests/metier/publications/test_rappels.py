"""Rappels de réunion : présences comptées et remplacées, contexte d'un rappel (SQLite et PostgreSQL)."""

from datetime import date, time, timedelta
from functools import partial

import pytest
from sqlmodel import Session, select

from bot.base import BaseDonnees
from metier.erreurs import ErreurMetier
from metier.publications.rappels import ContexteRappel, compter_presences, contexte_rappel, repondre_presence
from metier.reunions.registre import annuler_reunion, planifier_reunion
from metier.serveurs import amorcer_serveur
from metier.stockage import ident
from modeles import Livraison, Presence, Recurrence, Reunion
from tests.scenarios import ALICE, AUTRE_SERVEUR, BOB, SERVEUR, H, Scenario, a_utc, remplir, utc

SEANCE_DE_MARS = a_utc("2026-03-10T14:00")  # le comité du scénario : 10 h à Terrebonne
CAROLE, DAVID = 44, 45


def _comite(session: Session) -> int:
    return ident(session.exec(select(Reunion).where(Reunion.guild_id == SERVEUR)).one())


@pytest.fixture
def rempli(base: BaseDonnees) -> BaseDonnees:
    base.transaction(remplir)
    return base


def _repondre(base: BaseDonnees, membre: int, reponse: str, **options: object) -> dict[str, int]:
    valeurs: dict[str, object] = {
        "guild_id": SERVEUR,
        "reunion_id": base.lecture(_comite),
        "debut": SEANCE_DE_MARS,
        "membre_id": membre,
        "reponse": reponse,
        "maintenant": a_utc("2026-03-05T09:00"),
    }
    valeurs.update(options)
    return base.transaction(partial(repondre_presence, **valeurs))  # type: ignore[arg-type]


def test_presences_comptees_dans_l_ordre_present_absent_peut_etre(rempli: BaseDonnees) -> None:
    comptes = rempli.lecture(compter_presences, reunion_id=rempli.lecture(_comite), debut=SEANCE_DE_MARS)
    assert list(comptes.items()) == [("present", 2), ("absent", 1), ("peut_etre", 1)]
    autre_seance = rempli.lecture(
        compter_presences, reunion_id=rempli.lecture(_comite), debut=a_utc("2026-05-12T14:00")
    )
    assert autre_seance == {"present": 0, "absent": 0, "peut_etre": 0}


def test_une_reponse_changee_remplace_l_ancienne(rempli: BaseDonnees) -> None:
    assert _repondre(rempli, BOB, "absent") == {"present": 1, "absent": 2, "peut_etre": 1}
    assert _repondre(rempli, BOB, "absent") == {"present": 1, "absent": 2, "peut_etre": 1}  # redit : rien
    assert _repondre(rempli, 99, "present") == {"present": 2, "absent": 2, "peut_etre": 1}

    def de_bob(session: Session) -> list[tuple[str, object]]:
        lignes = session.exec(
            select(Presence).where(Presence.membre_id == BOB, Presence.debut == SEANCE_DE_MARS)
        )
        return [(p.reponse, p.quand) for p in lignes]

    assert rempli.lecture(de_bob) == [("absent", a_utc("2026-03-05T09:00"))]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"reponse": "oui"}, "Réponse inconnue : choisissez présent, absent ou peut-être."),
        ({"guild_id": AUTRE_SERVEUR}, "Cette réunion n'existe plus."),
        ({"debut": a_utc("2026-04-14T14:00")}, "Cette séance a été annulée : inutile d'y répondre."),
        ({"maintenant": SEANCE_DE_MARS}, "Cette séance a déjà commencé : les réponses sont closes."),
    ],
)
def test_reponse_refusee(rempli: BaseDonnees, options: dict[str, object], message: str) -> None:
    autres = {cle: valeur for cle, valeur in options.items() if cle != "reponse"}
    with pytest.raises(ErreurMetier) as erreur:
        _repondre(rempli, BOB, str(options.get("reponse", "absent")), **autres)
    assert erreur.value.message == message
    comptes = rempli.lecture(compter_presences, reunion_id=rempli.lecture(_comite), debut=SEANCE_DE_MARS)
    assert comptes == {"present": 2, "absent": 1, "peut_etre": 1}  # rien n'a changé


# --- Le contexte d'un rappel ---------------------------------------------------------------------
# Comité chaque mardi à 10 h à Terrebonne depuis le 2 mars 2027 ; la séance du 9 mars est annulée.
# Le rappel étudié part 24 h avant celle du 16 mars (14 h UTC : Terrebonne est à l'heure d'été).
SEANCE = utc(2027, 3, 16, 14)
MAINTENANT = SEANCE - 24 * H


def _semaine_du_comite(session: Session) -> int:
    """Écrit le registre et la série ; rend l'identifiant de la livraison du rappel étudié."""
    amorcer_serveur(session, SERVEUR)
    s = Scenario(session, SERVEUR, ALICE)
    for titre, echeance in (
        ("Forum de l'emploi vert", "2027-03-12"),  # 1 : en retard le 15 mars
        ("Plantation de 500 arbres", "2027-03-23"),  # 2 : le jour de la séance suivante
        ("Colloque universitaire", "2027-03-24"),  # 3 : après la séance suivante
        ("Atelier citoyen", None),  # 4
        ("Rapport annuel", "2027-03-15"),  # 5 : le jour du rappel, pas encore en retard
    ):
        s.action("2027-02-01T12:00", titre, 1, echeance=echeance)
    s.avancer(4, "2027-03-01T12:00", 10)  # avant la séance précédente
    s.avancer(2, "2027-03-05T12:00", 30)  # entre la séance du 2 mars et celle, annulée, du 9
    reunion = planifier_reunion(
        session,
        guild_id=SERVEUR,
        auteur_id=ALICE,
        titre="Comité de suivi",
        jour=date(2027, 3, 2),
        heure=time(10),
        ville_code="terrebonne",
        duree=H,
        recurrence=Recurrence.HEBDOMADAIRE,
        rappels=[24 * H],
        salon_id=None,
        lien=None,
        maintenant=a_utc("2027-02-20T12:00"),
    ).reunion
    annuler_reunion(
        session,
        guild_id=SERVEUR,
        numero=reunion.numero,
        auteur_id=ALICE,
        occurrence=utc(2027, 3, 9, 15),
        maintenant=a_utc("2027-03-03T12:00"),
    )
    for membre, debut, reponse in (
        (ALICE, SEANCE, "present"),
        (BOB, SEANCE, "peut_etre"),
        (CAROLE, SEANCE + 7 * 24 * H, "absent"),  # une autre séance
    ):
        repondre_presence(
            session,
            guild_id=SERVEUR,
            reunion_id=ident(reunion),
            debut=debut,
            membre_id=membre,
            reponse=reponse,
            maintenant=a_utc("2027-03-10T12:00"),
        )
    livraison = Livraison(
        guild_id=SERVEUR,
        type="rappel",
        cle=f"rappel:{reunion.id}:20270316T1400Z:1440",
        echeance=MAINTENANT,
        limite=SEANCE,
        reunion_id=reunion.id,
        occurrence=SEANCE,
    )
    session.add(livraison)
    session.flush()
    return ident(livraison)


def _contexte(base: BaseDonnees, livraison_id: int) -> ContexteRappel | None:
    return base.lecture(contexte_rappel, livraison_id=livraison_id, maintenant=MAINTENANT)


def test_contexte_d_un_rappel(base: BaseDonnees) -> None:
    contexte = _contexte(base, base.transaction(_semaine_du_comite))
    assert contexte is not None
    assert (contexte.reunion.titre, contexte.seance.debut, contexte.seance.fin) == (
        "Comité de suivi",
        SEANCE,
        SEANCE + H,
    )
    assert contexte.decalage == timedelta(hours=24)
    assert contexte.presences == {"present": 1, "absent": 0, "peut_etre": 1}
    assert [v.code for v in contexte.configuration.villes] == ["terrebonne", "namur"]
    ordre = contexte.ordre
    # Depuis la dernière séance tenue (le 2 mars : celle du 9 est annulée), pas depuis la création.
    assert [p.numero for p in ordre.mises_a_jour] == [2]
    assert [p.numero for p in ordre.en_retard] == [1]  # au 15 mars, jour du rappel à Terrebonne
    assert [p.numero for p in ordre.echeances] == [5, 2]  # jusqu'à la séance suivante, le 23 mars compris


def test_pas_de_contexte_pour_une_seance_annulee_ou_une_livraison_inconnue(base: BaseDonnees) -> None:
    livraison_id = base.transaction(_semaine_du_comite)
    annuler = partial(annuler_reunion, guild_id=SERVEUR, numero=1, auteur_id=ALICE, maintenant=MAINTENANT)
    base.transaction(annuler, occurrence=SEANCE)
    assert _contexte(base, livraison_id) is None
    assert _contexte(base, livraison_id + 1) is None  # livraison inconnue


def test_pas_de_contexte_pour_une_serie_annulee(base: BaseDonnees) -> None:
    livraison_id = base.transaction(_semaine_du_comite)
    base.transaction(
        partial(
            annuler_reunion,
            guild_id=SERVEUR,
            numero=1,
            auteur_id=ALICE,
            occurrence=None,
            maintenant=MAINTENANT,
        )
    )
    assert _contexte(base, livraison_id) is None


def test_premiere_seance_ordre_du_jour_depuis_la_creation(base: BaseDonnees) -> None:
    livraison_id = base.transaction(_semaine_du_comite)

    def viser_la_premiere(session: Session) -> None:
        livraison = session.get(Livraison, livraison_id)
        assert livraison is not None
        livraison.occurrence, livraison.echeance = utc(2027, 3, 2, 15), utc(2027, 3, 1, 15)
        session.add(livraison)

    base.transaction(viser_la_premiere)
    contexte = base.lecture(contexte_rappel, livraison_id=livraison_id, maintenant=utc(2027, 3, 1, 15))
    assert contexte is not None
    assert contexte.seance.debut == utc(2027, 3, 2, 15)
    # Pas de séance précédente : depuis la création de la série (20 février), sans les créations du 1er.
    assert 4 in [p.numero for p in contexte.ordre.mises_a_jour]
    assert {1, 3}.isdisjoint(p.numero for p in contexte.ordre.mises_a_jour)
    # Séance suivante tenue : le 16 mars (le 9 est annulé) ; le forum du 12 et le rapport du 15 y arrivent.
    assert [p.numero for p in contexte.ordre.echeances] == [1, 5]
    assert contexte.ordre.en_retard == []
    assert contexte.presences == {"present": 0, "absent": 0, "peut_etre": 0}
