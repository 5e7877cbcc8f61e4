"""tracked items: number counters with the court's prefix, department heads, each deputy's rating

Item numbers get their court's code in front (2026-0001 -> YLZY-2026-0001) and are taken from a counter row per
court and year; a department has a head (庭长) who signs its concerned-case reports; co-proposers rate each.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 22:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import portal.models


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

RATINGS = ('satisfied', 'basically', 'unsatisfied')


def upgrade():
    op.create_table(
        'item_counter',
        sa.Column('court_id', sa.Integer(), nullable=False),
        sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('last', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['court_id'], ['court.id'], name=op.f('fk_item_counter_court_id_court')),
        sa.PrimaryKeyConstraint('court_id', 'year', name=op.f('pk_item_counter')),
    )
    op.create_table(
        'item_rating',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('item_id', sa.Integer(), nullable=False),
        sa.Column('deputy_id', sa.Integer(), nullable=False),
        sa.Column('round', sa.Integer(), nullable=False),
        sa.Column('rating', sa.Enum(*RATINGS, name='item_deputy_rating', native_enum=False, create_constraint=True,
                                    length=20), nullable=False),
        sa.Column('comment', sa.Text(), nullable=False),
        sa.Column('rated_at', portal.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column('recorded_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_item_rating_item_id_item'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['deputy_id'], ['deputy.id'], name=op.f('fk_item_rating_deputy_id_deputy')),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'], name=op.f('fk_item_rating_recorded_by_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_item_rating')),
        sa.UniqueConstraint('item_id', 'deputy_id', 'round', name=op.f('uq_item_rating_item_id_deputy_id_round')),
    )
    with op.batch_alter_table('item_rating', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_item_rating_item_id'), ['item_id'], unique=False)
    with op.batch_alter_table('department', schema=None) as batch_op:
        batch_op.add_column(sa.Column('head_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_department_head_id_user'), 'user', ['head_id'], ['id'],
                                    ondelete='SET NULL')

    with op.batch_alter_table('item', schema=None) as batch_op:  # a court code has up to 20 characters
        batch_op.alter_column('number', existing_type=sa.String(length=30), type_=sa.String(length=40),
                              existing_nullable=False)

    # Existing numbers: the court's code in front, and each court's year counter at its highest sequence.
    connection = op.get_bind()
    court = sa.table('court', sa.column('id', sa.Integer), sa.column('code', sa.String))
    item = sa.table('item', sa.column('id', sa.Integer), sa.column('court_id', sa.Integer),
                    sa.column('number', sa.String))
    counter = sa.table('item_counter', sa.column('court_id', sa.Integer), sa.column('year', sa.Integer),
                       sa.column('last', sa.Integer))
    codes = dict(connection.execute(sa.select(court.c.id, court.c.code)).all())
    last: dict[tuple[int, int], int] = {}
    for item_id, court_id, number in connection.execute(sa.select(item.c.id, item.c.court_id, item.c.number)).all():
        head, _, sequence = number.rpartition('-')
        year = head[-4:]
        if year.isdigit() and sequence.isdigit():
            key = (court_id, int(year))
            last[key] = max(last.get(key, 0), int(sequence))
        if number[:4].isdigit():  # not yet prefixed
            connection.execute(item.update().where(item.c.id == item_id)
                               .values(number=f"{codes[court_id].upper()}-{number}"))
    if last:
        connection.execute(counter.insert(), [{'court_id': c, 'year': y, 'last': n} for (c, y), n in last.items()])


def downgrade():
    connection = op.get_bind()
    item = sa.table('item', sa.column('id', sa.Integer), sa.column('number', sa.String))
    for item_id, number in connection.execute(sa.select(item.c.id, item.c.number)).all():
        parts = number.split('-')
        if len(parts) >= 3 and parts[-2].isdigit():
            connection.execute(item.update().where(item.c.id == item_id).values(number='-'.join(parts[-2:])))
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.alter_column('number', existing_type=sa.String(length=40), type_=sa.String(length=30),
                              existing_nullable=False)
    with op.batch_alter_table('department', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_department_head_id_user'), type_='foreignkey')
        batch_op.drop_column('head_id')
    with op.batch_alter_table('item_rating', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_item_rating_item_id'))
    op.drop_table('item_rating')
    op.drop_table('item_counter')
