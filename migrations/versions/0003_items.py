"""tracked items: letters' proposal date, answer day, hearing time and escalation

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import portal.models


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('proposal_due', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('reply_heard_at', portal.models.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('answered_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('escalated_at', portal.models.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_item_leader_id'), ['leader_id'], unique=False)


def downgrade():
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_item_leader_id'))
        batch_op.drop_column('escalated_at')
        batch_op.drop_column('answered_on')
        batch_op.drop_column('reply_heard_at')
        batch_op.drop_column('proposal_due')
