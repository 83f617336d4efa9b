"""comptes rendus de séance, présences par ville, votes de créneaux, rôle des rappels, événements Discord

Révision : 0012
Précédente : 0011
Créée le : 2026-11-30 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Le compte rendu d'une séance (points, décisions, suites, présents) et les actions nées de ses
    # décisions ; la ville de qui répond à l'invitation, pour nommer les présents par ville.
    op.create_table('compte_rendu',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('guild_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('reunion_id', sa.Integer(), nullable=False),
    sa.Column('debut', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('points', sa.Text(), nullable=False),
    sa.Column('decisions', sa.Text(), nullable=False),
    sa.Column('suites', sa.Text(), nullable=False),
    sa.Column('presents', sa.Text(), nullable=False),
    sa.Column('auteur_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('salon_id', sa.BigInteger(), autoincrement=False, nullable=True),
    sa.Column('message_id', sa.BigInteger(), autoincrement=False, nullable=True),
    sa.Column('cree_le', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('modifie_le', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['reunion_id'], ['reunion.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('reunion_id', 'debut')
    )
    op.create_index(op.f('ix_compte_rendu_guild_id'), 'compte_rendu', ['guild_id'], unique=False)
    op.create_index(op.f('ix_compte_rendu_reunion_id'), 'compte_rendu', ['reunion_id'], unique=False)
    op.create_table('decision_action',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('guild_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('compte_rendu_id', sa.Integer(), nullable=False),
    sa.Column('rang', sa.Integer(), nullable=False),
    sa.Column('action_id', sa.Integer(), nullable=False),
    sa.Column('auteur_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('quand', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['action_id'], ['action.id'], ),
    sa.ForeignKeyConstraint(['compte_rendu_id'], ['compte_rendu.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('compte_rendu_id', 'rang')
    )
    op.create_index(op.f('ix_decision_action_compte_rendu_id'), 'decision_action', ['compte_rendu_id'], unique=False)
    with op.batch_alter_table('presence') as table:
        table.add_column(sa.Column('ville', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True))
    # Créneaux communs soumis au vote : un vote par membre et par sondage.
    op.create_table('sondage_creneaux',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('guild_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('auteur_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('salon_id', sa.BigInteger(), autoincrement=False, nullable=True),
    sa.Column('message_id', sa.BigInteger(), autoincrement=False, nullable=True),
    sa.Column('duree_minutes', sa.Integer(), nullable=False),
    sa.Column('propositions', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('clos', sa.Boolean(), nullable=False),
    sa.Column('cree_le', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('clos_le', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_sondage_creneaux_guild_id'), 'sondage_creneaux', ['guild_id'], unique=False)
    op.create_table('vote_creneau',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('guild_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('sondage_id', sa.Integer(), nullable=False),
    sa.Column('membre_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('rang', sa.Integer(), nullable=False),
    sa.Column('quand', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['sondage_id'], ['sondage_creneaux.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('sondage_id', 'membre_id')
    )
    op.create_index(op.f('ix_vote_creneau_sondage_id'), 'vote_creneau', ['sondage_id'], unique=False)
    # Les prochaines séances publiées comme événements Discord (onglet « Événements »).
    op.create_table('evenement_discord',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('guild_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('reunion_id', sa.Integer(), nullable=False),
    sa.Column('debut', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('event_id', sa.BigInteger(), autoincrement=False, nullable=True),
    sa.Column('empreinte', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('tentatives', sa.Integer(), nullable=False),
    sa.Column('prochain_essai', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('erreur', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('signale', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['reunion_id'], ['reunion.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('reunion_id', 'debut')
    )
    op.create_index(op.f('ix_evenement_discord_guild_id'), 'evenement_discord', ['guild_id'], unique=False)
    # Les actions mises à jour pendant une séance, lues par instant de saisie.
    op.create_index('ix_mise_a_jour_saisie', 'mise_a_jour', ['guild_id', 'saisi_le'], unique=False)
    # Rappels qui notifient : un rôle par réunion, sinon un rôle par serveur (aucun par défaut).
    with op.batch_alter_table('config_serveur') as table:
        table.add_column(sa.Column('role_rappels_id', sa.BigInteger(), autoincrement=False, nullable=True))
    with op.batch_alter_table('reunion') as table:
        table.add_column(sa.Column('role_notifier_id', sa.BigInteger(), autoincrement=False, nullable=True))


def downgrade() -> None:
    op.drop_index('ix_mise_a_jour_saisie', table_name='mise_a_jour')
    op.drop_index(op.f('ix_evenement_discord_guild_id'), table_name='evenement_discord')
    op.drop_table('evenement_discord')
    with op.batch_alter_table('reunion') as table:
        table.drop_column('role_notifier_id')
    with op.batch_alter_table('config_serveur') as table:
        table.drop_column('role_rappels_id')
    op.drop_index(op.f('ix_vote_creneau_sondage_id'), table_name='vote_creneau')
    op.drop_table('vote_creneau')
    op.drop_index(op.f('ix_sondage_creneaux_guild_id'), table_name='sondage_creneaux')
    op.drop_table('sondage_creneaux')
    with op.batch_alter_table('presence') as table:
        table.drop_column('ville')
    op.drop_index(op.f('ix_decision_action_compte_rendu_id'), table_name='decision_action')
    op.drop_table('decision_action')
    op.drop_index(op.f('ix_compte_rendu_reunion_id'), table_name='compte_rendu')
    op.drop_index(op.f('ix_compte_rendu_guild_id'), table_name='compte_rendu')
    op.drop_table('compte_rendu')
