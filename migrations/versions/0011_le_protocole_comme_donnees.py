"""le protocole comme données : éditions, bureaux de suivi, partenaires

Révision : 0011
Précédente : 0009
Créée le : 2026-11-30 09:40:00.000000

Chaque serveur existant reçoit l'édition 2024-2026 telle que signée (Namur, 28 novembre 2023) ; ses
axes y sont rattachés, si bien que chaque action garde son axe et son objectif. Les partenaires,
jusqu'ici du texte libre sur chaque action, deviennent un registre : UNamur, BEP, UQTR et CCIM, plus
chaque nom saisi qui ne correspond à aucun (accents et casse ignorés, comme la recherche des actions).
"""

import unicodedata
from typing import Any
import re
from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0011'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Figées ici : ce que le texte signé disait le jour de cette migration (metier.protocole peut évoluer).
TITRE = "Protocole de collaboration 2024-2026"
DEBUT, FIN, SIGNE_LE, SIGNE_A = date(2024, 1, 1), date(2026, 12, 31), date(2023, 11, 28), "Namur"
BUREAUX = {
    "terrebonne": "Bureau des commissions et relations internationales de la Ville de Terrebonne",
    "namur": "Commissariat aux Relations Internationales de la Ville de Namur",
}
PARTENAIRES = (
    ("UNamur", "Université de Namur", "namur", "université"),
    ("BEP", "Bureau économique de la province de Namur", "namur", "organisme public"),
    ("UQTR", "Université du Québec à Trois-Rivières", "terrebonne", "université"),
    ("CCIM", "Chambre de commerce et d'industrie Les Moulins", "terrebonne", "chambre de commerce"),
)


def _normaliser(texte: str) -> str:
    """La clé sans accents ni casse de metier.temps.normaliser (recopiée : une migration ne bouge plus)."""
    texte = unicodedata.normalize("NFKD", texte.strip().lower())
    texte = "".join(c for c in texte if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", texte)


def _recreer_axe_sqlite(*, par_edition: bool) -> None:
    """Recrée `axe` sur SQLite avec l'unicité (edition_id, numero), ou celle d'avant (guild_id, numero).

    Ni `ALTER TABLE … RENAME` (SQLite réécrirait les références des objectifs, actions et indicateurs
    vers l'ancien nom) ni la recréation d'Alembic (elle supprime `axe` *après* l'avoir recopiée : les
    références, différées, resteraient comptées orphelines) : on recopie, supprime, recrée, puis on
    réinsère, ce qui rend à chaque objectif, action, indicateur son axe avant la fin de la transaction.
    """
    colonnes = 'id, guild_id, numero, titre, titre_court' + (', edition_id, ajoute_le' if par_edition else '')
    op.execute(f'CREATE TABLE _axe_0011 AS SELECT {colonnes} FROM axe')
    op.execute('DROP TABLE axe')
    op.create_table('axe', *_colonnes_axe(par_edition=par_edition))
    op.create_index('ix_axe_guild_id', 'axe', ['guild_id'], unique=False)
    if par_edition:
        op.create_index('ix_axe_edition_id', 'axe', ['edition_id'], unique=False)
    op.execute(f'INSERT INTO axe ({colonnes}) SELECT {colonnes} FROM _axe_0011')
    op.execute('DROP TABLE _axe_0011')


def _colonnes_axe(*, par_edition: bool) -> list[Any]:
    colonnes: list[Any] = [
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('guild_id', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column('numero', sa.Integer(), nullable=False),
        sa.Column('titre', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column('titre_court', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    ]
    if not par_edition:
        return [*colonnes, sa.UniqueConstraint('guild_id', 'numero')]
    return [
        *colonnes,
        sa.Column('edition_id', sa.Integer(), nullable=False),
        sa.Column('ajoute_le', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['edition_id'], ['edition.id'], name='fk_axe_edition_id_edition'),
        sa.UniqueConstraint('edition_id', 'numero', name='uq_axe_edition_id'),
    ]


def _differer_les_cles_etrangeres() -> None:
    """SQLite recrée `axe` (sa contrainte d'unicité change) : ses références sont vérifiées à la fin."""
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('PRAGMA defer_foreign_keys = ON')


def upgrade() -> None:
    _differer_les_cles_etrangeres()
    edition = op.create_table('edition',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('guild_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('titre', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('debut', sa.Date(), nullable=False),
    sa.Column('fin', sa.Date(), nullable=False),
    sa.Column('signee_le', sa.Date(), nullable=True),
    sa.Column('signee_a', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
    sa.Column('en_attente', sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Column('cree_le', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('guild_id', 'debut')
    )
    with op.batch_alter_table('edition', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_edition_guild_id'), ['guild_id'], unique=False)

    bureau = op.create_table('bureau_suivi',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('guild_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('edition_id', sa.Integer(), nullable=False),
    sa.Column('ville', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('bureau', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.ForeignKeyConstraint(['edition_id'], ['edition.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('edition_id', 'ville')
    )
    with op.batch_alter_table('bureau_suivi', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bureau_suivi_edition_id'), ['edition_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_bureau_suivi_guild_id'), ['guild_id'], unique=False)

    partenaire = op.create_table('partenaire',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('guild_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('nom', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('recherche', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('nom_complet', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('ville', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('type', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('cree_le', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('guild_id', 'recherche')
    )
    with op.batch_alter_table('partenaire', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_partenaire_guild_id'), ['guild_id'], unique=False)

    lien = op.create_table('action_partenaire',
    sa.Column('action_id', sa.Integer(), nullable=False),
    sa.Column('partenaire_id', sa.Integer(), nullable=False),
    sa.Column('guild_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('ordre', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['action_id'], ['action.id'], ),
    sa.ForeignKeyConstraint(['partenaire_id'], ['partenaire.id'], ),
    sa.PrimaryKeyConstraint('action_id', 'partenaire_id')
    )
    with op.batch_alter_table('action_partenaire', schema=None) as batch_op:
        batch_op.create_index('ix_action_partenaire_partenaire', ['partenaire_id'], unique=False)

    with op.batch_alter_table('axe', schema=None) as batch_op:
        batch_op.add_column(sa.Column('edition_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('ajoute_le', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
    with op.batch_alter_table('objectif', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ajoute_le', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('retire_le', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))

    # Sans clé étrangère : l'ajouter (ou l'ôter) obligerait SQLite à recréer `action`.
    op.add_column('action', sa.Column('reprise_de_id', sa.Integer(), nullable=True))

    _migrer_les_donnees(edition, bureau, partenaire, lien)

    if op.get_bind().dialect.name == 'sqlite':
        _recreer_axe_sqlite(par_edition=True)
        return
    op.alter_column('axe', 'edition_id', existing_type=sa.Integer(), nullable=False)
    op.drop_constraint('axe_guild_id_numero_key', 'axe', type_='unique')
    op.create_unique_constraint('uq_axe_edition_id', 'axe', ['edition_id', 'numero'])
    op.create_index('ix_axe_edition_id', 'axe', ['edition_id'], unique=False)
    op.create_foreign_key('fk_axe_edition_id_edition', 'axe', 'edition', ['edition_id'], ['id'])


def _migrer_les_donnees(
    edition: sa.Table, bureau: sa.Table, partenaire: sa.Table, lien: sa.Table
) -> None:
    """Une édition 2024-2026 par serveur, ses axes, ses bureaux ; le registre des partenaires."""
    connexion = op.get_bind()
    serveurs = sorted(
        set(connexion.execute(sa.text('SELECT guild_id FROM config_serveur')).scalars())
        | set(connexion.execute(sa.text('SELECT DISTINCT guild_id FROM axe')).scalars())
    )
    for guild_id in serveurs:
        edition_id = connexion.execute(
            edition.insert().values(
                guild_id=guild_id, titre=TITRE, debut=DEBUT, fin=FIN, signee_le=SIGNE_LE, signee_a=SIGNE_A,
                en_attente=False,
            ).returning(edition.c.id)
        ).scalar_one()
        connexion.execute(
            sa.text('UPDATE axe SET edition_id = :e WHERE guild_id = :g'), {'e': edition_id, 'g': guild_id}
        )
        villes = connexion.execute(
            sa.text('SELECT code FROM ville_partenaire WHERE guild_id = :g ORDER BY ordre'), {'g': guild_id}
        ).scalars()
        for ville in villes:
            if ville in BUREAUX:
                connexion.execute(
                    bureau.insert().values(
                        guild_id=guild_id, edition_id=edition_id, ville=ville, bureau=BUREAUX[ville]
                    )
                )
        registre: dict[str, int] = {}
        for nom, complet, ville, type_ in PARTENAIRES:
            registre[_normaliser(nom)] = connexion.execute(
                partenaire.insert().values(
                    guild_id=guild_id, nom=nom, recherche=_normaliser(nom), nom_complet=complet,
                    ville=ville, type=type_,
                ).returning(partenaire.c.id)
            ).scalar_one()
        noms = {ident: nom for nom, ident in ((n, registre[_normaliser(n)]) for n, *_ in PARTENAIRES)}
        actions = connexion.execute(
            sa.text("SELECT id, partenaires FROM action WHERE guild_id = :g AND partenaires <> '' ORDER BY id"),
            {'g': guild_id},
        ).all()
        for action_id, texte in actions:
            associes: list[int] = []
            for brut in texte.replace(';', ',').split(','):
                nom = ' '.join(brut.split())[:40]
                if not nom:
                    continue
                cle = _normaliser(nom)
                if cle not in registre:  # un nom inconnu devient un partenaire du registre
                    registre[cle] = connexion.execute(
                        partenaire.insert().values(
                            guild_id=guild_id, nom=nom, recherche=cle, type='autre'
                        ).returning(partenaire.c.id)
                    ).scalar_one()
                    noms[registre[cle]] = nom
                if registre[cle] not in associes:
                    associes.append(registre[cle])
            for ordre, partenaire_id in enumerate(associes):
                connexion.execute(
                    lien.insert().values(
                        action_id=action_id, partenaire_id=partenaire_id, guild_id=guild_id, ordre=ordre
                    )
                )
            connexion.execute(
                sa.text('UPDATE action SET partenaires = :p WHERE id = :a'),
                {'p': ', '.join(noms[i] for i in associes)[:300], 'a': action_id},
            )


def downgrade() -> None:
    _differer_les_cles_etrangeres()
    if op.get_bind().dialect.name == 'sqlite':
        _recreer_axe_sqlite(par_edition=False)
    else:
        op.drop_constraint('fk_axe_edition_id_edition', 'axe', type_='foreignkey')
        op.drop_index('ix_axe_edition_id', 'axe')
        op.drop_constraint('uq_axe_edition_id', 'axe', type_='unique')
        op.create_unique_constraint('axe_guild_id_numero_key', 'axe', ['guild_id', 'numero'])
        op.drop_column('axe', 'ajoute_le')
        op.drop_column('axe', 'edition_id')
    # ALTER TABLE … DROP COLUMN (SQLite ≥ 3.35) : recréer `objectif` laisserait ses actions orphelines.
    op.execute('ALTER TABLE action DROP COLUMN reprise_de_id')
    op.execute('ALTER TABLE objectif DROP COLUMN retire_le')
    op.execute('ALTER TABLE objectif DROP COLUMN ajoute_le')
    with op.batch_alter_table('action_partenaire', schema=None) as batch_op:
        batch_op.drop_index('ix_action_partenaire_partenaire')
    op.drop_table('action_partenaire')
    with op.batch_alter_table('partenaire', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_partenaire_guild_id'))
    op.drop_table('partenaire')
    with op.batch_alter_table('bureau_suivi', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bureau_suivi_guild_id'))
        batch_op.drop_index(batch_op.f('ix_bureau_suivi_edition_id'))
    op.drop_table('bureau_suivi')
    with op.batch_alter_table('edition', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_edition_guild_id'))
    op.drop_table('edition')
