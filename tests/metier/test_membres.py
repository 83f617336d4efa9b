"""Noms affichés des membres : relevés, renommés, lus par serveur ; rien d'écrit pour un nom inchangé."""

from functools import partial

from sqlmodel import Session, select

from bot.base import BaseDonnees
from metier.membres import noms_des_membres, noter_membres, responsables_sans_nom
from modeles import Membre
from tests.scenarios import ALICE, AUTRE_SERVEUR, BOB, SERVEUR, Scenario, a_utc, remplir


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
