"""La migration 0015 : les indicateurs d'un serveur déjà renouvelé rejoignent l'édition en vigueur."""

from datetime import UTC, datetime

from sqlalchemy import text
from sqlmodel import Session

from bot.base import appliquer_migrations, creer_moteur
from metier.actions.indicateurs import creer_indicateur
from metier.renouvellement import renouveler
from metier.serveurs import amorcer_serveur
from tests.test_migrations import url_vide  # noqa: F401  (la fixture : une base vide, SQLite et PostgreSQL)

SERVEUR, SEUL = 111, 222
INSTANT = datetime(2026, 11, 26, 15, tzinfo=UTC)


def _indicateur(session: Session, guild_id: int, nom: str, axe: int) -> int:
    return creer_indicateur(
        session,
        guild_id=guild_id,
        auteur_id=1,
        nom=nom,
        axe_numero=axe,
        unite="u",
        cible="10",
        maintenant=INSTANT,
    ).numero


def test_les_indicateurs_rejoignent_l_edition_en_vigueur(url_vide: str) -> None:  # noqa: F811
    moteur = creer_moteur(url_vide)
    appliquer_migrations(moteur, "0013")
    with Session(moteur) as session:
        for guild_id in (SERVEUR, SEUL):
            amorcer_serveur(session, guild_id)
        _indicateur(session, SERVEUR, "Arbres", 1)
        _indicateur(session, SERVEUR, "Vélos", 3)
        _indicateur(session, SERVEUR, "Ancien", 2)
        _indicateur(session, SEUL, "Seul", 2)
        session.commit()
        renouveler(
            session,
            guild_id=SERVEUR,
            auteur_id=1,
            titre="2027-2029",
            debut="2027-01-01",
            fin="2029-12-31",
            maintenant=INSTANT,
        )
        session.commit()
    with moteur.begin() as connexion:
        # Comme avant 0015 : le renouvellement les avait laissés sur les axes de 2024-2026 ; un archivé aussi.
        connexion.execute(
            text(
                "UPDATE indicateur SET axe_id = (SELECT a.id FROM axe a, edition e WHERE a.edition_id = e.id "
                "AND a.guild_id = indicateur.guild_id AND e.debut = '2024-01-01' AND a.numero = "
                "(SELECT n.numero FROM axe n WHERE n.id = indicateur.axe_id))"
            )
        )
        connexion.execute(text("UPDATE indicateur SET archive = :vrai WHERE nom = 'Ancien'"), {"vrai": True})
    appliquer_migrations(moteur)

    with moteur.connect() as connexion:
        lignes = connexion.execute(
            text(
                "SELECT i.guild_id, i.nom, a.numero, e.debut FROM indicateur i JOIN axe a ON a.id = i.axe_id "
                "JOIN edition e ON e.id = a.edition_id ORDER BY i.guild_id, i.numero"
            )
        ).all()
    assert [(g, nom, numero, str(debut)) for g, nom, numero, debut in lignes] == [
        (SERVEUR, "Arbres", 1, "2027-01-01"),
        (SERVEUR, "Vélos", 3, "2027-01-01"),
        (SERVEUR, "Ancien", 2, "2024-01-01"),  # archivé : il reste où il est
        (SEUL, "Seul", 2, "2024-01-01"),  # une seule édition : rien ne bouge
    ]
    moteur.dispose()
