"""Lecture de lignes par lots et identifiant d'une ligne écrite, sur SQLite et PostgreSQL."""

from sqlalchemy import insert
from sqlmodel import Session, col, select

from bot.base import BaseDonnees
from metier.stockage import LOT_DE_LIGNES, ident, lire_lignes
from modeles import EntreeJournal
from tests.scenarios import ALICE, SERVEUR, a_utc

QUAND = a_utc("2026-11-26T12:00")


def _entree(numero: int) -> EntreeJournal:
    return EntreeJournal(
        guild_id=SERVEUR,
        auteur_id=ALICE,
        quand=QUAND,
        entite="action",
        entite_id=str(numero),
        champ="avancement",
        nouveau=str(numero),
    )


def test_lire_lignes_rend_toutes_les_lignes_par_dela_les_lots(base: BaseDonnees) -> None:
    nombre = 2 * LOT_DE_LIGNES + 1  # deux lots pleins et un lot d'une ligne
    lignes = [_entree(n).model_dump(exclude={"id"}) for n in range(nombre)]
    base.transaction(lambda session: session.execute(insert(EntreeJournal), lignes))
    requete = select(col(EntreeJournal.id), col(EntreeJournal.entite_id)).order_by(col(EntreeJournal.id))
    lues = base.lecture(lire_lignes, requete)
    assert [entite_id for _, entite_id in lues] == [str(n) for n in range(nombre)]
    assert len({identifiant for identifiant, _ in lues}) == nombre


def test_lire_lignes_voit_ce_que_la_session_n_a_pas_encore_ecrit(base: BaseDonnees) -> None:
    def ajouter_puis_lire(session: Session) -> list[str]:
        session.add(_entree(1))
        session.add(_entree(2))
        return [nouveau for (nouveau,) in lire_lignes(session, select(col(EntreeJournal.nouveau)))]

    assert sorted(base.transaction(ajouter_puis_lire)) == ["1", "2"]


def test_ident_exige_une_ligne_ecrite(base: BaseDonnees) -> None:
    def sans_puis_avec_flush(session: Session) -> tuple[str, int]:
        entree = _entree(1)
        session.add(entree)
        try:
            ident(entree)
        except RuntimeError as erreur:
            message = str(erreur)
        else:
            message = ""
        session.flush()
        return message, ident(entree)

    message, identifiant = base.transaction(sans_puis_avec_flush)
    assert message == "EntreeJournal n'a pas encore d'identifiant : flush() manquant"
    assert identifiant == base.lecture(lambda s: s.exec(select(EntreeJournal.id)).one())
