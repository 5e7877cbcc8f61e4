"""one person, several mandates: deputy_mandate holds kind, level, term, group, constituency and status; people
who shared a mobile number become one person, and a mobile number is unique

Revision ID: 0010
Revises: 0009

Every register row becomes a person with one mandate, then rows with the same mobile number are merged into the
person of the oldest row: their mandates (one per kind, level and term), logins, receptions, items, invitations,
opinions, duty reports and duty sessions move to that person. A merge that would put two of the same record on
one person (two invitations to one hearing, two duty reports for one year, ...) stops the upgrade with the ids
involved, so that nothing is thrown away silently; two logins of one person keep the older one linked.
"""
from alembic import op
import sqlalchemy as sa

import portal.models


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

MANDATE_COLUMNS = ("kind", "level", "term", "group_name", "constituency", "status", "left_on")
LEVELS = ("national", "provincial", "city", "county", "township")
FTS_COLUMNS = "name, name_pinyin, name_initials, work_unit, mobile"
# (table, unique columns besides deputy_id) of the records that point at a person.
REFERRING = [("item_deputy", ("item_id",)), ("reception_deputy", ("reception_id",)),
             ("hearing_invitation", ("hearing_id",)), ("hearing_opinion", None), ("item_contact", None),
             ("duty_report", ("year",)), ("duty_session_deputy", ("session_id",))]


def _enum(name, *values):
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=20)


def _sqlite_fts_triggers():
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
    bind = op.get_bind()
    op.create_table('deputy_mandate',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('deputy_id', sa.Integer(), nullable=False),
    sa.Column('kind', _enum('deputy_kind', 'npc', 'cppcc'), nullable=False),
    sa.Column('level', _enum('deputy_level', *LEVELS), nullable=False),
    sa.Column('term', sa.String(length=20), nullable=False),
    sa.Column('group_name', sa.String(length=60), nullable=False),
    sa.Column('constituency', sa.String(length=60), nullable=False),
    sa.Column('status', _enum('deputy_status', 'active', 'retired'), nullable=False),
    sa.Column('left_on', sa.Date(), nullable=True),
    sa.Column('created_at', portal.models.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', portal.models.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['deputy_id'], ['deputy.id'], name=op.f('fk_deputy_mandate_deputy_id_deputy')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deputy_mandate')),
    sa.UniqueConstraint('deputy_id', 'kind', 'level', 'term', name=op.f('uq_deputy_mandate_deputy_id_kind_level_term'))
    )
    with op.batch_alter_table('deputy_mandate', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deputy_mandate_deputy_id'), ['deputy_id'], unique=False)
        batch_op.create_index('ix_deputy_mandate_filter', ['kind', 'level', 'status'], unique=False)

    deputy = sa.table('deputy', sa.column('id'), sa.column('mobile'), sa.column('level_rank'),
                      sa.column('created_at'), sa.column('updated_at'), *[sa.column(c) for c in MANDATE_COLUMNS])
    mandate = sa.table('deputy_mandate', sa.column('deputy_id'), sa.column('created_at'), sa.column('updated_at'),
                       *[sa.column(c) for c in MANDATE_COLUMNS])
    rows = bind.execute(sa.select(deputy).order_by(deputy.c.id)).mappings().all()
    person_of: dict[int, int] = {}  # register row -> the person it becomes (the oldest row with its mobile)
    first_by_mobile: dict[str, int] = {}
    for row in rows:
        person_of[row["id"]] = first_by_mobile.setdefault(row["mobile"], row["id"])
    seats, mandates = set(), []
    for row in rows:
        key = (person_of[row["id"]], row["kind"], row["level"], row["term"])
        if key not in seats:  # the same seat registered twice is one mandate
            seats.add(key)
            mandates.append({"deputy_id": key[0], "created_at": row["created_at"], "updated_at": row["updated_at"],
                             **{c: row[c] for c in MANDATE_COLUMNS}})
    if mandates:
        op.bulk_insert(mandate, mandates)

    merged = {row: person for row, person in person_of.items() if row != person}
    if merged:
        _merge(bind, merged)
    # level_rank sorts people by their principal mandate: in office first, then the highest level
    ranks: dict[int, tuple] = {}
    for m in mandates:
        rank = (m["status"] != "active", m["kind"] != "npc", LEVELS.index(m["level"]))
        ranks[m["deputy_id"]] = min(ranks.get(m["deputy_id"], rank), rank)
    for person, rank in ranks.items():
        bind.execute(deputy.update().where(deputy.c.id == person).values(level_rank=rank[2]))

    with op.batch_alter_table('deputy', schema=None, recreate='auto') as batch_op:
        batch_op.drop_index('ix_deputy_kind')
        for enum_name in ('deputy_kind', 'deputy_level', 'deputy_status'):
            batch_op.drop_constraint(batch_op.f(f'ck_deputy_{enum_name}'), type_='check')
        for column in MANDATE_COLUMNS:
            batch_op.drop_column(column)
        batch_op.create_unique_constraint(batch_op.f('uq_deputy_mobile'), ['mobile'])
    if bind.dialect.name == "sqlite":
        _sqlite_fts_triggers()


def _merge(bind, merged: dict[int, int]) -> None:
    """Move what refers to the register rows in ``merged`` to the person each becomes, then delete the rows."""
    user = sa.table('user', sa.column('id'), sa.column('deputy_id'))
    linked = dict(bind.execute(sa.select(user.c.deputy_id, user.c.id).where(user.c.deputy_id.is_not(None))).all())
    for row, person in sorted(merged.items()):
        if row in linked:
            bind.execute(user.update().where(user.c.id == linked[row])
                         .values(deputy_id=None if person in linked else person))
            linked.setdefault(person, linked.pop(row))
    conflicts = []
    for table_name, unique in REFERRING:
        table = sa.table(table_name, sa.column('deputy_id'), *[sa.column(c) for c in unique or ()])
        for row, person in sorted(merged.items()):
            if unique:
                other = table.alias("other")
                clash = sa.exists().where(other.c.deputy_id == person,
                                          *[getattr(other.c, c) == getattr(table.c, c) for c in unique])
                found = bind.execute(sa.select(*[getattr(table.c, c) for c in unique])
                                     .where(table.c.deputy_id == row, clash)).all()
                if found:
                    conflicts.append(f"{table_name}: register rows {row} and {person} ({found[:3]})")
                    continue
            bind.execute(table.update().where(table.c.deputy_id == row).values(deputy_id=person))
    if conflicts:
        raise RuntimeError("These register rows share a mobile number but cannot be merged into one person "
                           "automatically (名册中手机号码相同的记录无法自动合并，请先人工处理): " + "; ".join(conflicts))
    deputy = sa.table('deputy', sa.column('id'))
    bind.execute(deputy.delete().where(deputy.c.id.in_(list(merged))))


def downgrade():
    """Each person gets back the columns of their principal mandate; their other mandates are dropped."""
    bind = op.get_bind()
    with op.batch_alter_table('deputy', schema=None, recreate='auto') as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_deputy_mobile'), type_='unique')
        batch_op.add_column(sa.Column('kind', _enum('deputy_kind', 'npc', 'cppcc'), nullable=False, server_default='npc'))
        batch_op.add_column(sa.Column('level', _enum('deputy_level', *LEVELS), nullable=False, server_default='city'))
        batch_op.add_column(sa.Column('term', sa.String(length=20), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('group_name', sa.String(length=60), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('constituency', sa.String(length=60), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('status', _enum('deputy_status', 'active', 'retired'), nullable=False, server_default='active'))
        batch_op.add_column(sa.Column('left_on', sa.Date(), nullable=True))
        batch_op.create_index('ix_deputy_kind', ['kind'], unique=False)
    deputy = sa.table('deputy', sa.column('id'), *[sa.column(c) for c in MANDATE_COLUMNS])
    mandate = sa.table('deputy_mandate', sa.column('id'), sa.column('deputy_id'), *[sa.column(c) for c in MANDATE_COLUMNS])
    principal: dict[int, tuple] = {}
    for m in bind.execute(sa.select(mandate)).mappings():
        rank = (m["status"] != "active", m["kind"] != "npc", LEVELS.index(m["level"]), -m["id"])
        if m["deputy_id"] not in principal or rank < principal[m["deputy_id"]][0]:
            principal[m["deputy_id"]] = (rank, {c: m[c] for c in MANDATE_COLUMNS})
    for person, (_, values) in principal.items():
        bind.execute(deputy.update().where(deputy.c.id == person).values(**values))
    with op.batch_alter_table('deputy_mandate', schema=None) as batch_op:
        batch_op.drop_index('ix_deputy_mandate_filter')
        batch_op.drop_index(batch_op.f('ix_deputy_mandate_deputy_id'))
    op.drop_table('deputy_mandate')
    if bind.dialect.name == "sqlite":
        _sqlite_fts_triggers()
