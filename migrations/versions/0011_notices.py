"""notices and the calendar: the outbox of SMS, email and in-portal messages, each deputy's channels, batch
notices, and each user's private calendar feed

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 01:01:02.639912

"""
from alembic import op
import sqlalchemy as sa

import portal.models


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('agenda_feed',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('created_at', portal.models.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_agenda_feed_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_agenda_feed')),
    sa.UniqueConstraint('token', name=op.f('uq_agenda_feed_token'))
    )
    op.create_table('batch',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('court_id', sa.Integer(), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('greeting', sa.Boolean(), nullable=False),
    sa.Column('filters', sa.JSON(), nullable=False),
    sa.Column('recipients', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', portal.models.UTCDateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('updated_at', portal.models.UTCDateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['court_id'], ['court.id'], name=op.f('fk_batch_court_id_court')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_batch_created_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_batch'))
    )
    with op.batch_alter_table('batch', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_batch_court_id'), ['court_id'], unique=False)
    op.create_table('notice_preference',
    sa.Column('deputy_id', sa.Integer(), nullable=False),
    sa.Column('sms', sa.Boolean(), nullable=False),
    sa.Column('email', sa.Boolean(), nullable=False),
    sa.Column('greetings', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['deputy_id'], ['deputy.id'], name=op.f('fk_notice_preference_deputy_id_deputy'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('deputy_id', name=op.f('pk_notice_preference'))
    )
    op.create_table('message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('court_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.Enum('sms', 'email', 'portal', name='message_channel', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('deputy_id', sa.Integer(), nullable=True),
    sa.Column('address', sa.String(length=120), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('link', sa.String(length=300), nullable=False),
    sa.Column('about_type', sa.String(length=40), nullable=False),
    sa.Column('about_id', sa.Integer(), nullable=True),
    sa.Column('state', sa.Enum('queued', 'sending', 'sent', 'failed', 'dead', name='message_state', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('tries', sa.Integer(), nullable=False),
    sa.Column('next_try_at', portal.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('claimed_at', portal.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('sent_at', portal.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('read_at', portal.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('answer', sa.String(length=500), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', portal.models.UTCDateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.Column('updated_at', portal.models.UTCDateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['court_id'], ['court.id'], name=op.f('fk_message_court_id_court')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_message_created_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['deputy_id'], ['deputy.id'], name=op.f('fk_message_deputy_id_deputy'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_message_user_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_message'))
    )
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_message_court_id'), ['court_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_message_deputy_id'), ['deputy_id'], unique=False)
        batch_op.create_index('ix_message_due', ['state', 'next_try_at'], unique=False)
        batch_op.create_index('ix_message_inbox', ['user_id', 'channel', 'read_at'], unique=False)



def downgrade():
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.drop_index('ix_message_inbox')
        batch_op.drop_index('ix_message_due')
        batch_op.drop_index(batch_op.f('ix_message_deputy_id'))
        batch_op.drop_index(batch_op.f('ix_message_court_id'))

    op.drop_table('message')
    op.drop_table('notice_preference')
    with op.batch_alter_table('batch', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_batch_court_id'))
    op.drop_table('batch')
    op.drop_table('agenda_feed')
