"""attachments and tracked items

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 03:52:31.158102

"""
from alembic import op
import sqlalchemy as sa

import portal.models


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('owner_type', sa.String(length=40), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('stored_name', sa.String(length=60), nullable=False),
    sa.Column('original_name', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', portal.models.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['user.id'], name=op.f('fk_attachment_uploaded_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachment')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_attachment_stored_name'))
    )
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.create_index('ix_attachment_owner', ['owner_type', 'owner_id'], unique=False)

    op.create_table('item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('court_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=30), nullable=False),
    sa.Column('kind', sa.Enum('suggestion', 'proposal', 'letter', 'concerned_case', 'referral', name='item_kind', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('origin', sa.Enum('reception', 'hearing', 'activity', 'mailbox', 'referral', 'portal', 'duty', 'other', name='item_origin', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('origin_id', sa.Integer(), nullable=True),
    sa.Column('source_body', sa.String(length=100), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('case_number', sa.String(length=60), nullable=False),
    sa.Column('state', sa.Enum('registered', 'instructed', 'assigned', 'in_progress', 'reply_drafted', 'reply_heard', 'answered', 'rated', 'closed', name='item_state', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('instruction', sa.Text(), nullable=False),
    sa.Column('instructed_by_id', sa.Integer(), nullable=True),
    sa.Column('instructed_at', portal.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('leader_id', sa.Integer(), nullable=True),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('handler_id', sa.Integer(), nullable=True),
    sa.Column('assigned_at', portal.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('deadline', sa.Date(), nullable=True),
    sa.Column('reply', sa.Text(), nullable=False),
    sa.Column('reply_heard_note', sa.Text(), nullable=False),
    sa.Column('answered_at', portal.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('rating', sa.Enum('satisfied', 'basically', 'unsatisfied', name='item_rating', native_enum=False, create_constraint=True, length=20), nullable=True),
    sa.Column('rating_comment', sa.Text(), nullable=False),
    sa.Column('rated_at', portal.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closed_at', portal.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('panel_opinion', sa.Text(), nullable=False),
    sa.Column('division_opinion', sa.Text(), nullable=False),
    sa.Column('vice_president_opinion', sa.Text(), nullable=False),
    sa.Column('division_signed_by_id', sa.Integer(), nullable=True),
    sa.Column('division_signed_at', portal.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('vice_president_signed_by_id', sa.Integer(), nullable=True),
    sa.Column('vice_president_signed_at', portal.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', portal.models.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', portal.models.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['court_id'], ['court.id'], name=op.f('fk_item_court_id_court')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_item_created_by_id_user')),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_item_department_id_department')),
    sa.ForeignKeyConstraint(['division_signed_by_id'], ['user.id'], name=op.f('fk_item_division_signed_by_id_user')),
    sa.ForeignKeyConstraint(['handler_id'], ['user.id'], name=op.f('fk_item_handler_id_user')),
    sa.ForeignKeyConstraint(['instructed_by_id'], ['user.id'], name=op.f('fk_item_instructed_by_id_user')),
    sa.ForeignKeyConstraint(['leader_id'], ['user.id'], name=op.f('fk_item_leader_id_user')),
    sa.ForeignKeyConstraint(['vice_president_signed_by_id'], ['user.id'], name=op.f('fk_item_vice_president_signed_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_item')),
    sa.UniqueConstraint('court_id', 'number', name=op.f('uq_item_court_id_number'))
    )
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_item_court_id'), ['court_id'], unique=False)
        batch_op.create_index('ix_item_court_state', ['court_id', 'state'], unique=False)
        batch_op.create_index(batch_op.f('ix_item_deadline'), ['deadline'], unique=False)
        batch_op.create_index(batch_op.f('ix_item_department_id'), ['department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_item_handler_id'), ['handler_id'], unique=False)
        batch_op.create_index('ix_item_origin', ['origin', 'origin_id'], unique=False)
        batch_op.create_index('ix_item_received', ['received_on', 'id'], unique=False)

    op.create_table('item_contact',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('contacted_at', portal.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('person', sa.String(length=60), nullable=False),
    sa.Column('deputy_id', sa.Integer(), nullable=True),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['deputy_id'], ['deputy.id'], name=op.f('fk_item_contact_deputy_id_deputy')),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_item_contact_item_id_item'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'], name=op.f('fk_item_contact_recorded_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_item_contact'))
    )
    with op.batch_alter_table('item_contact', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_item_contact_item_id'), ['item_id'], unique=False)

    op.create_table('item_deputy',
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('deputy_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['deputy_id'], ['deputy.id'], name=op.f('fk_item_deputy_deputy_id_deputy')),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_item_deputy_item_id_item'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('item_id', 'deputy_id', name=op.f('pk_item_deputy'))
    )
    with op.batch_alter_table('item_deputy', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_item_deputy_deputy_id'), ['deputy_id'], unique=False)

    op.create_table('item_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('at', portal.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=30), nullable=False),
    sa.Column('from_state', sa.String(length=20), nullable=False),
    sa.Column('to_state', sa.String(length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_item_event_item_id_item'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_item_event_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_item_event'))
    )
    with op.batch_alter_table('item_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_item_event_item_id'), ['item_id'], unique=False)



def downgrade():
    with op.batch_alter_table('item_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_item_event_item_id'))

    op.drop_table('item_event')
    with op.batch_alter_table('item_deputy', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_item_deputy_deputy_id'))

    op.drop_table('item_deputy')
    with op.batch_alter_table('item_contact', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_item_contact_item_id'))

    op.drop_table('item_contact')
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.drop_index('ix_item_received')
        batch_op.drop_index('ix_item_origin')
        batch_op.drop_index(batch_op.f('ix_item_handler_id'))
        batch_op.drop_index(batch_op.f('ix_item_department_id'))
        batch_op.drop_index(batch_op.f('ix_item_deadline'))
        batch_op.drop_index('ix_item_court_state')
        batch_op.drop_index(batch_op.f('ix_item_court_id'))

    op.drop_table('item')
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.drop_index('ix_attachment_owner')

    op.drop_table('attachment')
