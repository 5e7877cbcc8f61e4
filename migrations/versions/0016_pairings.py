"""pairings: a person may be paired with several court leaders (三级联动), each pairing dated

Every ``deputy.paired_leader_id`` becomes a pairing of that leader with the person, since the day the person was
registered (the earliest day the pairing can have begun; the office corrects it on the pairing page if it
knows better), and the column goes. The downgrade keeps, for each person, the leader of their latest current
pairing.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02 03:55:00

"""
from alembic import op
import sqlalchemy as sa

import portal.models


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


FTS_COLUMNS = "name, name_pinyin, name_initials, work_unit, mobile"


def _sqlite_fts_triggers():
    """SQLite's batch mode rebuilds ``deputy`` without its triggers: the search index's, as 0010 made them."""
    if op.get_bind().dialect.name != "sqlite":
        return
    new_values = ", ".join(f"new.{c.strip()}" for c in FTS_COLUMNS.split(","))
    old_values = ", ".join(f"old.{c.strip()}" for c in FTS_COLUMNS.split(","))
    for trigger in ("insert", "delete", "update"):
        op.execute(f"DROP TRIGGER IF EXISTS deputy_fts_{trigger}")
    op.execute(f"CREATE TRIGGER deputy_fts_insert AFTER INSERT ON deputy BEGIN "
               f"INSERT INTO deputy_fts(rowid, {FTS_COLUMNS}) VALUES (new.id, {new_values}); END")
    op.execute(f"CREATE TRIGGER deputy_fts_delete AFTER DELETE ON deputy BEGIN "
               f"INSERT INTO deputy_fts(deputy_fts, rowid, {FTS_COLUMNS}) VALUES ('delete', old.id, {old_values}); END")
    op.execute(f"CREATE TRIGGER deputy_fts_update AFTER UPDATE ON deputy BEGIN "
               f"INSERT INTO deputy_fts(deputy_fts, rowid, {FTS_COLUMNS}) VALUES ('delete', old.id, {old_values}); "
               f"INSERT INTO deputy_fts(rowid, {FTS_COLUMNS}) VALUES (new.id, {new_values}); END")
    op.execute("INSERT INTO deputy_fts(deputy_fts) VALUES ('rebuild')")


def upgrade():
    op.create_table('deputy_pairing',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('deputy_id', sa.Integer(), nullable=False),
    sa.Column('leader_id', sa.Integer(), nullable=False),
    sa.Column('since', sa.Date(), nullable=False),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('created_at', portal.models.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', portal.models.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['deputy_id'], ['deputy.id'], name=op.f('fk_deputy_pairing_deputy_id_deputy')),
    sa.ForeignKeyConstraint(['leader_id'], ['user.id'], name=op.f('fk_deputy_pairing_leader_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deputy_pairing'))
    )
    with op.batch_alter_table('deputy_pairing', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deputy_pairing_deputy_id'), ['deputy_id'], unique=False)
        batch_op.create_index('ix_deputy_pairing_leader', ['leader_id', 'ended_on'], unique=False)

    # The UTC day of the registration, at worst a day before the court's: close enough for a day nobody recorded.
    day = "date(created_at)" if op.get_bind().dialect.name == "sqlite" else "CAST(created_at AS DATE)"
    op.execute("INSERT INTO deputy_pairing (deputy_id, leader_id, since, created_at, updated_at) "
               f"SELECT id, paired_leader_id, {day}, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP "
               "FROM deputy WHERE paired_leader_id IS NOT NULL")

    with op.batch_alter_table('deputy', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_deputy_paired_leader_id_user'), type_='foreignkey')
        batch_op.drop_column('paired_leader_id')
    _sqlite_fts_triggers()


def downgrade():
    with op.batch_alter_table('deputy', schema=None) as batch_op:
        batch_op.add_column(sa.Column('paired_leader_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_deputy_paired_leader_id_user'), 'user', ['paired_leader_id'], ['id'])
    _sqlite_fts_triggers()
    op.execute("UPDATE deputy SET paired_leader_id = (SELECT p.leader_id FROM deputy_pairing p "
               "WHERE p.deputy_id = deputy.id AND p.ended_on IS NULL ORDER BY p.since DESC, p.id DESC LIMIT 1)")
    with op.batch_alter_table('deputy_pairing', schema=None) as batch_op:
        batch_op.drop_index('ix_deputy_pairing_leader')
        batch_op.drop_index(batch_op.f('ix_deputy_pairing_deputy_id'))
    op.drop_table('deputy_pairing')
