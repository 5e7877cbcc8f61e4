"""initial schema: courts, users, deputies, audit

Revision ID: 0001
Revises: 
Create Date: 2026-11-23 03:35:21.690913

"""
from alembic import op
import sqlalchemy as sa

import portal.models


# revision identifiers, used by Alembic.
revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('court',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('level', sa.Enum('intermediate', 'basic', 'tribunal', name='court_level', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('created_at', portal.models.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', portal.models.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['parent_id'], ['court.id'], name=op.f('fk_court_parent_id_court')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_court')),
    sa.UniqueConstraint('code', name=op.f('uq_court_code'))
    )
    op.create_table('deputy',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('name_pinyin', sa.String(length=120), nullable=False),
    sa.Column('name_initials', sa.String(length=40), nullable=False),
    sa.Column('gender', sa.Enum('male', 'female', name='gender', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('kind', sa.Enum('npc', 'cppcc', name='deputy_kind', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('level', sa.Enum('national', 'provincial', 'city', 'county', 'township', name='deputy_level', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('level_rank', sa.Integer(), nullable=False),
    sa.Column('term', sa.String(length=20), nullable=False),
    sa.Column('group_name', sa.String(length=60), nullable=False),
    sa.Column('constituency', sa.String(length=60), nullable=False),
    sa.Column('work_unit', sa.String(length=100), nullable=False),
    sa.Column('post', sa.String(length=60), nullable=False),
    sa.Column('mobile', sa.String(length=20), nullable=False),
    sa.Column('email', sa.String(length=120), nullable=False),
    sa.Column('address', sa.String(length=200), nullable=False),
    sa.Column('court_roles', sa.String(length=60), nullable=False),
    sa.Column('paired_leader_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('active', 'retired', name='deputy_status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('left_on', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', portal.models.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', portal.models.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deputy'))
    )
    with op.batch_alter_table('deputy', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deputy_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_deputy_name_initials'), ['name_initials'], unique=False)
        batch_op.create_index('ix_deputy_name_mobile', ['name', 'mobile'], unique=False)
        batch_op.create_index('ix_deputy_sort_pinyin', ['name_pinyin', 'id'], unique=False)

    op.create_table('login_throttle',
    sa.Column('username', sa.String(length=60), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('locked_until', portal.models.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('username', name=op.f('pk_login_throttle'))
    )
    op.create_table('department',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('court_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', portal.models.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', portal.models.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['court_id'], ['court.id'], name=op.f('fk_department_court_id_court')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_department'))
    )
    with op.batch_alter_table('department', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_department_court_id'), ['court_id'], unique=False)

    op.create_table('user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=60), nullable=False),
    sa.Column('display_name', sa.String(length=60), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('role', sa.Enum('admin', 'liaison', 'leader', 'handler', 'deputy', name='user_role', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('court_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('deputy_id', sa.Integer(), nullable=True),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('session_token', sa.String(length=64), nullable=False),
    sa.Column('last_login_at', portal.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', portal.models.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', portal.models.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['court_id'], ['court.id'], name=op.f('fk_user_court_id_court')),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_user_department_id_department')),
    sa.ForeignKeyConstraint(['deputy_id'], ['deputy.id'], name=op.f('fk_user_deputy_id_deputy')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user')),
    sa.UniqueConstraint('deputy_id', name=op.f('uq_user_deputy_id')),
    sa.UniqueConstraint('session_token', name=op.f('uq_user_session_token')),
    sa.UniqueConstraint('username', name=op.f('uq_user_username'))
    )
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_court_id'), ['court_id'], unique=False)

    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', portal.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('actor', sa.String(length=60), nullable=False),
    sa.Column('action', sa.String(length=10), nullable=False),
    sa.Column('entity', sa.String(length=40), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=True),
    sa.Column('summary', sa.String(length=200), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.Column('ip', sa.String(length=45), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_audit_log_user_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_log_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_log_entity'), ['entity'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_log_record_id'), ['record_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_log_user_id'), ['user_id'], unique=False)

    # deputy and user refer to each other: the deputy's paired leader is added once both tables exist.
    with op.batch_alter_table('deputy', schema=None) as batch_op:
        batch_op.create_foreign_key(batch_op.f('fk_deputy_paired_leader_id_user'), 'user', ['paired_leader_id'], ['id'])

    create_search_index()


# Register search: on SQLite an FTS5 trigram index kept in step by triggers; on PostgreSQL trigram GIN
# indexes that serve ILIKE '%...%' (when the pg_trgm extension can be created).
FTS_COLUMNS = "name, name_pinyin, name_initials, work_unit, mobile"


def create_search_index():
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        op.execute(f"CREATE VIRTUAL TABLE deputy_fts USING fts5({FTS_COLUMNS}, content='deputy', "
                   "content_rowid='id', tokenize='trigram')")
        new_values = ", ".join(f"new.{c.strip()}" for c in FTS_COLUMNS.split(","))
        old_values = ", ".join(f"old.{c.strip()}" for c in FTS_COLUMNS.split(","))
        op.execute(f"CREATE TRIGGER deputy_fts_insert AFTER INSERT ON deputy BEGIN "
                   f"INSERT INTO deputy_fts(rowid, {FTS_COLUMNS}) VALUES (new.id, {new_values}); END")
        op.execute(f"CREATE TRIGGER deputy_fts_delete AFTER DELETE ON deputy BEGIN "
                   f"INSERT INTO deputy_fts(deputy_fts, rowid, {FTS_COLUMNS}) VALUES ('delete', old.id, {old_values}); END")
        op.execute(f"CREATE TRIGGER deputy_fts_update AFTER UPDATE ON deputy BEGIN "
                   f"INSERT INTO deputy_fts(deputy_fts, rowid, {FTS_COLUMNS}) VALUES ('delete', old.id, {old_values}); "
                   f"INSERT INTO deputy_fts(rowid, {FTS_COLUMNS}) VALUES (new.id, {new_values}); END")
    elif bind.dialect.name == "postgresql":
        available = bind.execute(sa.text("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")).scalar()
        if available:
            op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            for column in ("name", "work_unit", "mobile"):
                op.execute(f"CREATE INDEX ix_deputy_{column}_trgm ON deputy USING gin ({column} gin_trgm_ops)")
        op.execute("CREATE INDEX ix_deputy_pinyin_prefix ON deputy (name_pinyin varchar_pattern_ops)")
        op.execute("CREATE INDEX ix_deputy_initials_prefix ON deputy (name_initials varchar_pattern_ops)")


def drop_search_index():
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS deputy_fts_{trigger}")
        op.execute("DROP TABLE IF EXISTS deputy_fts")


def downgrade():
    drop_search_index()
    with op.batch_alter_table('deputy', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_deputy_paired_leader_id_user'), type_='foreignkey')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_log_user_id'))
        batch_op.drop_index(batch_op.f('ix_audit_log_record_id'))
        batch_op.drop_index(batch_op.f('ix_audit_log_entity'))
        batch_op.drop_index(batch_op.f('ix_audit_log_at'))

    op.drop_table('audit_log')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_court_id'))

    op.drop_table('user')
    with op.batch_alter_table('department', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_department_court_id'))

    op.drop_table('department')
    op.drop_table('login_throttle')
    with op.batch_alter_table('deputy', schema=None) as batch_op:
        batch_op.drop_index('ix_deputy_sort_pinyin')
        batch_op.drop_index('ix_deputy_name_mobile')
        batch_op.drop_index(batch_op.f('ix_deputy_name_initials'))
        batch_op.drop_index(batch_op.f('ix_deputy_kind'))

    op.drop_table('deputy')
    op.drop_table('court')
