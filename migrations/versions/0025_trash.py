"""the recycle bin (回收站): deleted_record keeps what staff delete, with its dependent rows and files

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-03 09:00:00
"""
from alembic import op
import sqlalchemy as sa

from portal.models import UTCDateTime

# revision identifiers, used by Alembic.
revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'deleted_record',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('court_id', sa.Integer(), nullable=True),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('label', sa.String(length=200), nullable=False),
        sa.Column('rows', sa.JSON(), nullable=False),
        sa.Column('files', sa.JSON(), nullable=False),
        sa.Column('deleted_by_id', sa.Integer(), nullable=True),
        sa.Column('deleted_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['court_id'], ['court.id'], name=op.f('fk_deleted_record_court_id_court')),
        sa.ForeignKeyConstraint(['deleted_by_id'], ['user.id'], name=op.f('fk_deleted_record_deleted_by_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_deleted_record')),
    )
    with op.batch_alter_table('deleted_record', schema=None) as batch_op:
        batch_op.create_index('ix_deleted_record_court_deleted', ['court_id', 'deleted_at', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_deleted_record_deleted_at'), ['deleted_at'], unique=False)


def downgrade():
    with op.batch_alter_table('deleted_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deleted_record_deleted_at'))
        batch_op.drop_index('ix_deleted_record_court_deleted')
    op.drop_table('deleted_record')
