"""versions: a save counter on every record edited in a form (optimistic locking of edits)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 21:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

TABLES = ('deputy', 'reception', 'item', 'hearing', 'duty_session')


def upgrade():
    # Existing rows start at version 1, as new ones do. Added in place (no table copy) on SQLite as well.
    for table in TABLES:
        with op.batch_alter_table(table, schema=None, recreate='never') as batch_op:
            batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))


def downgrade():
    # SQLite (3.35+) drops a column in place; recreating the table would break the rows that refer to it.
    for table in reversed(TABLES):
        with op.batch_alter_table(table, schema=None, recreate='never') as batch_op:
            batch_op.drop_column('version')
