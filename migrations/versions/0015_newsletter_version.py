"""newsletter versions: an issue of 《法院工作信息》 is edited in a form (optimistic locking of edits)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 04:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    # Existing issues start at version 1, as new ones do; added in place (no table copy) on SQLite as well.
    with op.batch_alter_table('newsletter', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))


def downgrade():
    with op.batch_alter_table('newsletter', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('version')
