"""La migration 0011 range chaque serveur dans l'édition 2024-2026 et fait des partenaires un registre."""

from datetime import UTC, date, datetime, time

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy import text

from bot.base import DOSSIER_MIGRATIONS, appliquer_migrations, creer_moteur
from metier.protocole import AXES_DU_PROTOCOLE
from tests.test_migrations import url_vide  # noqa: F401  (la fixture : une base vide, SQLite et PostgreSQL)

SERVEUR, AUTRE = 111, 222
INSTANT = datetime(2025, 3, 1, 12, tzinfo=UTC)


def _table(connexion: sa.Connection, nom: str) -> sa.Table:
    return sa.Table(nom, sa.MetaData(), autoload_with=connexion)


def _serveur_en_0008(connexion: sa.Connection, guild_id: int, villes: tuple[str, ...]) -> dict[str, int]:
    """Un serveur comme 0008 le laissait (configuration, villes, axes, objectifs) ; rend les ids des axes."""
    connexion.execute(
        _table(connexion, "config_serveur").insert(),
        {
            "guild_id": guild_id,
            "resume_jour": 0,
            "resume_heure": time(9),
            "resume_ville": villes[0],
            "prochain_numero_action": 10,
            "prochain_numero_indicateur": 1,
            "prochain_numero_reunion": 1,
            "evolution_a_jour": False,
            "cree_le": INSTANT,
            "modifie_le": INSTANT,
        },
    )
    ville_partenaire = _table(connexion, "ville_partenaire")
    for ordre, code in enumerate(villes):
        connexion.execute(
            ville_partenaire.insert(),
            {
                "guild_id": guild_id,
                "code": code,
                "nom": code.title(),
                "fuseau": "UTC",
                "couleur": "#000000",
                "ordre": ordre,
            },
        )
    axe, objectif = _table(connexion, "axe"), _table(connexion, "objectif")
    ids: dict[str, int] = {}
    for modele in AXES_DU_PROTOCOLE:
        axe_id = connexion.execute(
            axe.insert().returning(axe.c.id),
            {
                "guild_id": guild_id,
                "numero": modele.numero,
                "titre": modele.titre,
                "titre_court": modele.titre_court,
            },
        ).scalar_one()
        ids[str(modele.numero)] = axe_id
        for numero, libelle in enumerate(modele.objectifs, start=1):
            ids[f"{modele.numero}.{numero}"] = connexion.execute(
                objectif.insert().returning(objectif.c.id),
                {"guild_id": guild_id, "axe_id": axe_id, "numero": numero, "libelle": libelle},
            ).scalar_one()
    return ids


def _action(
    connexion: sa.Connection,
    guild_id: int,
    numero: int,
    axe_id: int,
    objectif_id: int | None,
    partenaires: str,
) -> int:
    action = _table(connexion, "action")
    return int(
        connexion.execute(
            action.insert().returning(action.c.id),
            {
                "guild_id": guild_id,
                "numero": numero,
                "titre": f"Action {numero}",
                "recherche": f"action {numero}",
                "axe_id": axe_id,
                "objectif_id": objectif_id,
                "ville": "toutes",
                "responsable_id": 5,
                "auteur_id": 5,
                "partenaires": partenaires,
                "statut": "en_cours",
                "avancement": 40,
                "archivee": False,
                "cree_le": INSTANT,
                "modifie_le": INSTANT,
            },
        ).scalar_one()
    )


def test_chaque_action_garde_son_axe_et_son_objectif_dans_l_edition_2024_2026(url_vide: str) -> None:  # noqa: F811
    moteur = creer_moteur(url_vide)
    appliquer_migrations(moteur, "0008")
    with moteur.begin() as connexion:
        ids = _serveur_en_0008(connexion, SERVEUR, ("terrebonne", "namur"))
        autres = _serveur_en_0008(connexion, AUTRE, ("lyon", "namur"))
        a1 = _action(connexion, SERVEUR, 1, ids["1"], ids["1.2"], "unamur, Bep; Ville de Laval")
        a2 = _action(connexion, SERVEUR, 2, ids["3"], None, "ville de laval, UQTR, UQTR")
        a3 = _action(connexion, SERVEUR, 3, ids["2"], ids["2.3"], "")
        a4 = _action(connexion, AUTRE, 1, autres["2"], autres["2.1"], "Ville de Laval, CCIM")
    appliquer_migrations(moteur)

    with moteur.connect() as connexion:
        edition = _table(connexion, "edition")
        editions = connexion.execute(sa.select(edition).order_by(edition.c.guild_id)).all()
        assert [(e.guild_id, e.titre, e.debut, e.fin, e.signee_le, e.signee_a) for e in editions] == [
            (
                g,
                "Protocole de collaboration 2024-2026",
                date(2024, 1, 1),
                date(2026, 12, 31),
                date(2023, 11, 28),
                "Namur",
            )
            for g in (SERVEUR, AUTRE)
        ]
        edition_de = {e.guild_id: e.id for e in editions}
        # Chaque axe est dans l'édition de son serveur ; chaque action a toujours le même axe et objectif.
        axes = connexion.execute(text("SELECT id, guild_id, edition_id FROM axe")).all()
        assert len(axes) == 6
        assert all(a.edition_id == edition_de[a.guild_id] for a in axes)
        actions = {
            r.id: (r.axe_id, r.objectif_id, r.partenaires)
            for r in connexion.execute(text("SELECT id, axe_id, objectif_id, partenaires FROM action"))
        }
        assert actions == {
            a1: (ids["1"], ids["1.2"], "UNamur, BEP, Ville de Laval"),
            a2: (ids["3"], None, "Ville de Laval, UQTR"),
            a3: (ids["2"], ids["2.3"], ""),
            a4: (autres["2"], autres["2.1"], "Ville de Laval, CCIM"),
        }
        bureaux = connexion.execute(
            text("SELECT guild_id, ville, bureau FROM bureau_suivi ORDER BY guild_id, id")
        ).all()
        assert [(b.guild_id, b.ville) for b in bureaux] == [
            (SERVEUR, "terrebonne"),
            (SERVEUR, "namur"),
            (AUTRE, "namur"),
        ]
        assert bureaux[0].bureau.startswith("Bureau des commissions et relations internationales")
        assert bureaux[1].bureau.startswith("Commissariat aux Relations Internationales")
        # Le registre : les quatre signataires, et chaque nom saisi qu'aucun ne reconnaît (un par serveur).
        partenaires = connexion.execute(
            text("SELECT guild_id, nom, type FROM partenaire ORDER BY guild_id, id")
        ).all()
        assert [(p.guild_id, p.nom, p.type) for p in partenaires] == [
            (SERVEUR, "UNamur", "université"),
            (SERVEUR, "BEP", "organisme public"),
            (SERVEUR, "UQTR", "université"),
            (SERVEUR, "CCIM", "chambre de commerce"),
            (SERVEUR, "Ville de Laval", "autre"),
            (AUTRE, "UNamur", "université"),
            (AUTRE, "BEP", "organisme public"),
            (AUTRE, "UQTR", "université"),
            (AUTRE, "CCIM", "chambre de commerce"),
            (AUTRE, "Ville de Laval", "autre"),
        ]
        liens = connexion.execute(
            text(
                "SELECT l.action_id, p.nom FROM action_partenaire l "
                "JOIN partenaire p ON p.id = l.partenaire_id ORDER BY l.action_id, l.ordre"
            )
        ).all()
        assert [(lien.action_id, lien.nom) for lien in liens] == [
            (a1, "UNamur"),
            (a1, "BEP"),
            (a1, "Ville de Laval"),
            (a2, "Ville de Laval"),
            (a2, "UQTR"),
            (a4, "Ville de Laval"),
            (a4, "CCIM"),
        ]
        # Deux axes de même numéro dans deux éditions du même serveur sont désormais permis…
        connexion.execute(
            text(
                "INSERT INTO edition (guild_id, titre, debut, fin, en_attente) "
                "VALUES (:g, 'Protocole 2027-2029', :d, :f, false)"
            ),
            {"g": SERVEUR, "d": date(2027, 1, 1), "f": date(2029, 12, 31)},
        )
        suivante = connexion.execute(text("SELECT max(id) FROM edition")).scalar_one()
        connexion.execute(
            text(
                "INSERT INTO axe (guild_id, edition_id, numero, titre, titre_court) "
                "VALUES (:g, :e, 1, 'x', 'x')"
            ),
            {"g": SERVEUR, "e": suivante},
        )
        connexion.rollback()
    # … et le retour à 0008 rend le schéma d'avant, actions et axes intacts.
    config = Config()
    config.set_main_option("script_location", str(DOSSIER_MIGRATIONS))
    with moteur.begin() as connexion:
        config.attributes["connection"] = connexion
        command.downgrade(config, "0008")
    with moteur.connect() as connexion:
        assert "edition" not in sa.inspect(connexion).get_table_names()
        assert connexion.execute(text("SELECT count(*) FROM axe")).scalar_one() == 6
        assert connexion.execute(
            text("SELECT partenaires FROM action WHERE id = :a"), {"a": a1}
        ).scalar_one() == ("UNamur, BEP, Ville de Laval")
    appliquer_migrations(moteur)
    moteur.dispose()
