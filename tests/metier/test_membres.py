"""Noms affichés des membres : relevés, renommés, lus par serveur ; rien d'écrit pour un nom inchangé."""

from functools import partial

from sqlmodel import Session, select

from bot.base import BaseDonnees
from metier.membres import (
    definir_ville,
    fiches_des_membres,
    membres_connus,
    noms_des_membres,
    noter_membres,
    responsables_sans_nom,
)
from metier.serveurs import amorcer_serveur
from metier.temps import Ville
from modeles import EntreeJournal, Membre, VillePartenaire
from tests.scenarios import ALICE, AUTRE_SERVEUR, BOB, NAMUR, SERVEUR, TERREBONNE, Scenario, a_utc, remplir


def _noter(base: BaseDonnees, noms: dict[int, str], quand: str, guild_id: int = SERVEUR) -> int:
    return base.transaction(partial(noter_membres, guild_id=guild_id, noms=noms, maintenant=a_utc(quand)))


def _vu_le(session: Session) -> dict[int, str]:
    return {m.membre_id: m.vu_le.isoformat() for m in session.exec(select(Membre))}


def test_un_nom_releve_puis_renomme_puis_inchange(base: BaseDonnees) -> None:
    assert _noter(base, {ALICE: "Alice Tremblay", BOB: "Bob"}, "2026-11-01T10:00") == 2
    assert _noter(base, {ALICE: "Alice T. (Terrebonne)", BOB: "Bob"}, "2026-11-02T10:00") == 1
    assert base.lecture(noms_des_membres, SERVEUR, [ALICE, BOB]) == {
        ALICE: "Alice T. (Terrebonne)",
        BOB: "Bob",
    }
    assert _noter(base, {ALICE: "Alice T. (Terrebonne)", BOB: "Bob"}, "2026-11-03T10:00") == 0
    vus = base.lecture(_vu_le)
    assert vus[ALICE].startswith("2026-11-02T10:00")  # le jour du changement, pas celui du dernier passage
    assert vus[BOB].startswith("2026-11-01T10:00")


def test_les_noms_sont_propres_a_chaque_serveur(base: BaseDonnees) -> None:
    _noter(base, {ALICE: "Alice"}, "2026-11-01T10:00")
    _noter(base, {ALICE: "Alice du jumelage voisin"}, "2026-11-01T10:00", guild_id=AUTRE_SERVEUR)
    assert base.lecture(noms_des_membres, SERVEUR, [ALICE, BOB]) == {ALICE: "Alice"}
    assert base.lecture(noms_des_membres, AUTRE_SERVEUR, [ALICE]) == {ALICE: "Alice du jumelage voisin"}


def test_un_nom_vide_n_est_pas_retenu_et_un_nom_trop_long_est_coupe(base: BaseDonnees) -> None:
    assert _noter(base, {ALICE: "  ", BOB: "B" * 150}, "2026-11-01T10:00") == 1
    noms = base.lecture(noms_des_membres, SERVEUR, [ALICE, BOB])
    assert list(noms) == [BOB]
    assert len(noms[BOB]) == 100
    assert noms[BOB].endswith("…")


def test_responsables_dont_aucun_nom_n_est_connu(base: BaseDonnees) -> None:
    def scenario(session: Session) -> None:
        remplir(session)
        Scenario(session, SERVEUR, BOB).action("2026-11-01T10:00", "Action de Bob", 1)

    base.transaction(scenario)
    assert base.lecture(responsables_sans_nom, SERVEUR) == [ALICE, BOB]
    _noter(base, {BOB: "Bob"}, "2026-11-01T10:00")
    assert base.lecture(responsables_sans_nom, SERVEUR) == [ALICE]


def _ville(base: BaseDonnees, membre_id: int, ville: Ville | None, auteur_id: int = ALICE) -> str | None:
    return base.transaction(
        partial(
            definir_ville,
            guild_id=SERVEUR,
            membre_id=membre_id,
            nom="Nom porté",
            ville=ville,
            auteur_id=auteur_id,
            maintenant=a_utc("2026-11-30T10:00"),
        )
    )


def _journal(session: Session) -> list[tuple[str, str, str | None, str | None]]:
    return [(e.entite_id, e.champ, e.ancien, e.nouveau) for e in session.exec(select(EntreeJournal))]


def test_la_ville_d_un_membre_le_nomme_et_se_journalise(base: BaseDonnees) -> None:
    base.transaction(lambda s: amorcer_serveur(s, SERVEUR))
    _noter(base, {ALICE: "Alice Tremblay", BOB: "Bob"}, "2026-11-01T10:00")
    assert _ville(base, ALICE, TERREBONNE) is None
    assert base.lecture(noms_des_membres, SERVEUR, [ALICE, BOB]) == {
        ALICE: "Alice Tremblay (Terrebonne)",
        BOB: "Bob",  # ville inconnue : le nom seul
    }
    fiche = base.lecture(fiches_des_membres, SERVEUR, [ALICE])[ALICE]
    assert (fiche.nom, fiche.ville, fiche.nom_ville) == ("Alice Tremblay", "terrebonne", "Terrebonne")
    assert _ville(base, ALICE, NAMUR) == "terrebonne"
    assert _ville(base, ALICE, NAMUR) == "namur"  # inchangée : rien de plus au journal
    assert _ville(base, ALICE, None) == "namur"
    assert base.lecture(noms_des_membres, SERVEUR, [ALICE]) == {ALICE: "Alice Tremblay"}
    assert base.lecture(_journal) == [
        (str(ALICE), "ville", None, "terrebonne"),
        (str(ALICE), "ville", "terrebonne", "namur"),
        (str(ALICE), "ville", "namur", None),
    ]


def test_la_ville_d_un_membre_jamais_vu_le_fait_connaitre(base: BaseDonnees) -> None:
    base.transaction(lambda s: amorcer_serveur(s, SERVEUR))
    _ville(base, BOB, NAMUR, auteur_id=ALICE)
    assert [(f.membre_id, f.libelle) for f in base.lecture(membres_connus, SERVEUR)] == [
        (BOB, "Nom porté (Namur)")
    ]


def test_une_ville_retiree_du_serveur_ne_nomme_plus_personne(base: BaseDonnees) -> None:
    base.transaction(lambda s: amorcer_serveur(s, SERVEUR))
    _ville(base, BOB, NAMUR)

    def retirer_namur(session: Session) -> None:
        for ville in session.exec(select(VillePartenaire).where(VillePartenaire.code == "namur")):
            session.delete(ville)

    base.transaction(retirer_namur)
    fiche = base.lecture(fiches_des_membres, SERVEUR, [BOB])[BOB]
    assert (fiche.ville, fiche.libelle) == (None, "Nom porté")
