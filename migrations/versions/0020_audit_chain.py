"""audit chain: event type, success, hash chain, append-only triggers, the purge flag

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-02 04:00:00

Rows written before this revision are chained here, in id order, as they are found: from now on any change to
them is detected. The triggers refuse UPDATE and DELETE of audit rows; DELETE passes only while ``audit_purge``
holds a row, which ``portal.audit.purge()`` inserts and removes within its own transaction.
"""
import sqlalchemy as sa
from alembic import op
from flask import current_app

import portal.models

revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None

def upgrade():
    op.create_table('audit_purge',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_purge')))
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('event', sa.String(length=40), server_default='', nullable=False))
        batch_op.add_column(sa.Column('success', sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.add_column(sa.Column('prev_hash', sa.String(length=64), server_default='', nullable=False))
        batch_op.add_column(sa.Column('hash', sa.String(length=64), server_default='', nullable=False))
    _chain_existing_rows()
    from portal.audit import TRIGGERS

    for statement in TRIGGERS.get(op.get_bind().dialect.name, []):
        op.execute(statement)


def _chain_existing_rows():
    from portal.audit import digest

    secret = current_app.config["AUDIT_KEY"].encode()
    log = sa.table('audit_log', sa.column('id', sa.Integer), sa.column('at', portal.models.UTCDateTime()),
                   sa.column('user_id', sa.Integer), sa.column('actor', sa.String), sa.column('action', sa.String),
                   sa.column('entity', sa.String), sa.column('record_id', sa.Integer),
                   sa.column('summary', sa.String), sa.column('changes', sa.JSON), sa.column('ip', sa.String),
                   sa.column('event', sa.String), sa.column('success', sa.Boolean),
                   sa.column('prev_hash', sa.String), sa.column('hash', sa.String))
    bind = op.get_bind()
    rows = bind.execute(sa.select(log).order_by(log.c.id)).mappings().all()
    prev, updates = "", []
    for row in rows:
        row = dict(row, prev_hash=prev)
        prev = digest(row, secret)
        updates.append({"row_id": row["id"], "prev_hash": row["prev_hash"], "hash": prev})
    if updates:
        bind.execute(log.update().where(log.c.id == sa.bindparam("row_id"))
                     .values(prev_hash=sa.bindparam("prev_hash"), hash=sa.bindparam("hash")), updates)


def downgrade():
    from portal.audit import DROP_TRIGGERS

    for statement in DROP_TRIGGERS.get(op.get_bind().dialect.name, []):
        op.execute(statement)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS audit_log_refuse()")
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_column('hash')
        batch_op.drop_column('prev_hash')
        batch_op.drop_column('success')
        batch_op.drop_column('event')
    op.drop_table('audit_purge')
