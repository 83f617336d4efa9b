"""Comptes rendus de séance : droits, séances refusées, limites, journal, décisions en actions, suivis."""

from datetime import UTC, date, datetime, time

import pytest
from sqlmodel import select

from bot.base import BaseDonnees
from metier.actions.registre import creer_action, mettre_a_jour_avancement
from metier.erreurs import ErreurMetier, RefusDroits
from metier.membres import noter_membres
from metier.publications.rappels import repondre_presence
from metier.reunions.comptes_rendus import (
    action_depuis_decision,
    contenu_compte_rendu,
    decisions_de,
    enregistrer_compte_rendu,
    lister_comptes_rendus,
    modifier_presents,
    suivis_precedents,
    trouver_seance,
)
from metier.reunions.registre import annuler_reunion, planifier_reunion
from modeles import Action, EntreeJournal, Recurrence, Reunion
from tests.scenarios import AUTEUR, H

SERVEUR = 111
ALICE, BOB, CAROLE = 1001, 1002, 1003
CREE_LE = datetime(2027, 3, 1, 15, tzinfo=UTC)
# Mardi 16 mars 2027, semaine à 5 h : 10 h 00 à Terrebonne = 14 h 00 UTC = 15 h 00 à Namur.
SEANCE_5H = datetime(2027, 3, 16, 14, tzinfo=UTC)
CLE_5H = "20270316T1400Z"
APRES = datetime(2027, 3, 16, 15, 30, tzinfo=UTC)


@pytest.fixture
def comite(base: BaseDonnees) -> int:
    """Un Comité de suivi hebdomadaire, le mardi à 10 h à Terrebonne, dès le 9 mars 2027."""
    planifiee = base.transaction(
        planifier_reunion,
        guild_id=SERVEUR,
        auteur_id=AUTEUR,
        titre="Comité de suivi",
        jour=date(2027, 3, 9),
        heure=time(10),
        ville_code="terrebonne",
        duree=H,
        recurrence=Recurrence.HEBDOMADAIRE,
        rappels=[H],
        salon_id=555,
        lien=None,
        maintenant=CREE_LE,
    )
    return planifiee.reunion.numero


def _repondre(base: BaseDonnees, membre: int, reponse: str = "present", ville: str | None = None) -> None:
    reunion_id = base.lecture(lambda s: s.exec(select(Reunion.id)).one())
    base.transaction(
        repondre_presence,
        guild_id=SERVEUR,
        reunion_id=reunion_id,
        debut=SEANCE_5H,
        membre_id=membre,
        reponse=reponse,
        maintenant=datetime(2027, 3, 15, 12, tzinfo=UTC),
        ville=ville,
    )


def _rediger(base: BaseDonnees, numero: int, **options: object):
    valeurs: dict[str, object] = {
        "guild_id": SERVEUR,
        "numero": numero,
        "cle": CLE_5H,
        "auteur_id": AUTEUR,
        "est_coordination": False,
        "points": "Bilan du forum",
        "decisions": "- Lancer l'appel à projets\n- Écrire à l'UNamur",
        "suites": "Relancer le BEP",
        "maintenant": APRES,
    } | options
    return base.transaction(enregistrer_compte_rendu, **valeurs)


def test_la_seance_par_defaut_est_la_derniere_commencee(base: BaseDonnees, comite: int) -> None:
    tenue = base.lecture(trouver_seance, guild_id=SERVEUR, numero=comite, cle=None, maintenant=APRES)
    assert tenue.seance.debut == SEANCE_5H
    assert tenue.compte_rendu is None
    pendant = datetime(2027, 3, 16, 14, 10, tzinfo=UTC)  # la séance a commencé : on peut noter
    assert base.lecture(trouver_seance, guild_id=SERVEUR, numero=comite, cle=None, maintenant=pendant)


@pytest.mark.parametrize(
    ("cle", "extrait"),
    [
        ("20270323T1400Z", "n'a pas encore eu lieu"),
        ("20270316T1500Z", "pas de séance à cet instant"),
        ("hier", "Occurrence non reconnue"),
    ],
)
def test_seances_refusees_sans_rien_ecrire(base: BaseDonnees, comite: int, cle: str, extrait: str) -> None:
    with pytest.raises(ErreurMetier, match=extrait):
        _rediger(base, comite, cle=cle)
    assert (
        base.lecture(
            lambda s: s.exec(select(EntreeJournal).where(EntreeJournal.entite == "compte_rendu")).all()
        )
        == []
    )
    assert base.lecture(lister_comptes_rendus, guild_id=SERVEUR, numero=None)[1] == 0


def test_pas_encore_de_seance(base: BaseDonnees, comite: int) -> None:
    with pytest.raises(ErreurMetier, match="n'a pas encore eu de séance"):
        base.lecture(
            trouver_seance,
            guild_id=SERVEUR,
            numero=comite,
            cle=None,
            maintenant=datetime(2027, 3, 9, 13, tzinfo=UTC),
        )


def test_seance_annulee_refusee(base: BaseDonnees, comite: int) -> None:
    base.transaction(
        annuler_reunion,
        guild_id=SERVEUR,
        numero=comite,
        auteur_id=AUTEUR,
        occurrence=SEANCE_5H,
        maintenant=datetime(2027, 3, 10, tzinfo=UTC),
    )
    with pytest.raises(ErreurMetier, match="annulée"):
        _rediger(base, comite)
    # Sans séance choisie, la dernière tenue est celle d'avant (9 mars, 15 h UTC, semaine à 6 h).
    tenue = base.lecture(trouver_seance, guild_id=SERVEUR, numero=comite, cle=None, maintenant=APRES)
    assert tenue.seance.debut == datetime(2027, 3, 9, 15, tzinfo=UTC)


def test_champ_de_4001_caracteres_refuse_4000_accepte(base: BaseDonnees, comite: int) -> None:
    with pytest.raises(ErreurMetier, match="« Décisions » fait 4\xa0001 caractères : 4\xa0000 au plus"):
        _rediger(base, comite, decisions="x" * 4001)
    with pytest.raises(ErreurMetier, match="vide"):
        _rediger(base, comite, points="  ", decisions="", suites=None)
    assert base.lecture(lister_comptes_rendus, guild_id=SERVEUR, numero=None)[1] == 0
    compte_rendu = _rediger(base, comite, points="y" * 4000)
    assert len(compte_rendu.points) == 4000


def test_droits_auteur_coordination_ou_present(base: BaseDonnees, comite: int) -> None:
    with pytest.raises(RefusDroits, match="membre présent"):
        _rediger(base, comite, auteur_id=BOB)
    _repondre(base, CAROLE, "absent")
    with pytest.raises(RefusDroits):
        _rediger(base, comite, auteur_id=CAROLE)
    _repondre(base, BOB, "present", ville="namur")
    assert _rediger(base, comite, auteur_id=BOB).auteur_id == BOB
    assert _rediger(base, comite, auteur_id=ALICE, est_coordination=True, points="Complété")


def test_modification_gardee_au_journal_et_presents_repris_des_reponses(
    base: BaseDonnees, comite: int
) -> None:
    _repondre(base, BOB, "present", ville="namur")
    _repondre(base, ALICE, "present", ville="terrebonne")
    _repondre(base, CAROLE, "absent")
    premier = _rediger(base, comite)
    assert premier.presents == f"{ALICE},{BOB}"  # réponses au même instant : par identifiant
    _rediger(base, comite, points="Bilan du forum et du jumelage", maintenant=APRES + H)
    journal = base.lecture(
        lambda s: s.exec(
            select(EntreeJournal).where(EntreeJournal.entite == "compte_rendu").order_by(EntreeJournal.id)
        ).all()
    )
    assert [(e.champ, e.ancien, e.nouveau) for e in journal] == [
        ("points", None, "Bilan du forum"),
        ("decisions", None, "- Lancer l'appel à projets\n- Écrire à l'UNamur"),
        ("suites", None, "Relancer le BEP"),
        ("points", "Bilan du forum", "Bilan du forum et du jumelage"),
    ]
    assert {e.entite_id for e in journal} == {f"{comite}:{CLE_5H}"}
    assert base.lecture(lister_comptes_rendus, guild_id=SERVEUR, numero=comite)[1] == 1

    base.transaction(noter_membres, guild_id=SERVEUR, noms={BOB: "Bob", CAROLE: "Carole"}, maintenant=APRES)
    modifie = base.transaction(
        modifier_presents,
        guild_id=SERVEUR,
        compte_rendu_id=premier.id,
        auteur_id=AUTEUR,
        est_coordination=False,
        presents=[BOB, CAROLE],
        maintenant=APRES + 2 * H,
    )
    contenu = base.lecture(contenu_compte_rendu, guild_id=SERVEUR, compte_rendu_id=modifie.id)
    assert [(p.membre_id, p.nom, p.ville) for p in contenu.presents] == [
        (BOB, "Bob", "namur"),
        (CAROLE, "Carole", None),
    ]


def test_actions_qui_ont_bouge_pendant_la_seance_et_l_heure_qui_suit(base: BaseDonnees, comite: int) -> None:
    def action(titre: str) -> int:
        return base.transaction(
            creer_action, guild_id=SERVEUR, auteur_id=AUTEUR, titre=titre, axe_numero=1, maintenant=CREE_LE
        ).numero

    avant, pendant, apres, trop_tard = (
        action("Avant"),
        action("Pendant"),
        action("Après"),
        action("Trop tard"),
    )
    for numero, instant in [
        (avant, datetime(2027, 3, 16, 13, 59, tzinfo=UTC)),
        (pendant, datetime(2027, 3, 16, 14, 30, tzinfo=UTC)),
        (apres, datetime(2027, 3, 16, 15, 59, tzinfo=UTC)),
        (trop_tard, datetime(2027, 3, 16, 16, 0, tzinfo=UTC)),
    ]:
        base.transaction(
            mettre_a_jour_avancement,
            guild_id=SERVEUR,
            numero=numero,
            auteur_id=AUTEUR,
            est_coordination=True,
            pourcentage=40,
            maintenant=instant,
        )
    compte_rendu = _rediger(base, comite, maintenant=datetime(2027, 3, 16, 16, 30, tzinfo=UTC))
    contenu = base.lecture(contenu_compte_rendu, guild_id=SERVEUR, compte_rendu_id=compte_rendu.id)
    assert [(a.numero, a.avancement, a.statut) for a in contenu.actions_bougees] == [
        (pendant, 40, "en_cours"),
        (apres, 40, "en_cours"),
    ]


def test_une_decision_devient_une_action_une_seule_fois(base: BaseDonnees, comite: int) -> None:
    compte_rendu = _rediger(base, comite)
    assert decisions_de(compte_rendu.decisions) == ["Lancer l'appel à projets", "Écrire à l'UNamur"]
    action = base.transaction(
        action_depuis_decision,
        guild_id=SERVEUR,
        compte_rendu_id=compte_rendu.id,
        rang=1,
        auteur_id=BOB,
        titre="Lancer l'appel à projets",
        axe_numero=2,
        echeance="2027-04-30",
        maintenant=APRES,
    )
    assert (action.titre, action.responsable_id, action.echeance) == (
        "Lancer l'appel à projets",
        BOB,
        date(2027, 4, 30),
    )
    assert "Décision 1 de la réunion #1 « Comité de suivi » du mardi 16 mars 2027" in action.description
    with pytest.raises(ErreurMetier, match=f"déjà devenue l'action #{action.numero}"):
        base.transaction(
            action_depuis_decision,
            guild_id=SERVEUR,
            compte_rendu_id=compte_rendu.id,
            rang=1,
            auteur_id=BOB,
            titre="Encore",
            axe_numero=2,
            echeance=None,
            maintenant=APRES,
        )
    with pytest.raises(ErreurMetier, match="n'est plus dans le compte rendu"):
        base.transaction(
            action_depuis_decision,
            guild_id=SERVEUR,
            compte_rendu_id=compte_rendu.id,
            rang=3,
            auteur_id=BOB,
            titre="Trois",
            axe_numero=2,
            echeance=None,
            maintenant=APRES,
        )
    assert len(base.lecture(lambda s: s.exec(select(Action)).all())) == 1
    contenu = base.lecture(contenu_compte_rendu, guild_id=SERVEUR, compte_rendu_id=compte_rendu.id)
    assert contenu.actions_nees == {1: action.numero}


def test_suivis_du_dernier_compte_rendu_avant_la_seance(base: BaseDonnees, comite: int) -> None:
    compte_rendu = _rediger(base, comite)
    suivante = datetime(2027, 3, 23, 14, tzinfo=UTC)
    suivis = base.lecture(suivis_precedents, reunion_id=compte_rendu.reunion_id, avant=suivante)
    assert suivis is not None
    assert (suivis.debut, suivis.texte) == (SEANCE_5H, "Relancer le BEP")
    assert base.lecture(suivis_precedents, reunion_id=compte_rendu.reunion_id, avant=SEANCE_5H) is None
