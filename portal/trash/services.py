"""Discard, restore and purge: the recycle bin's three steps.

``discard(record, kind=…, label=…, court_id=…, children=[…])`` snapshots the record's row and every row that goes
with it — the rows of tables whose foreign key to it cascades on delete (in the database or through an ORM
relationship with ``cascade="all, delete-orphan"``), recursively, and the ``children`` the caller names that no
foreign key ties to it (its attachments) — then deletes them through the ORM, so the audit trail records each
delete as it always did. Stored files are not touched: they stay until the entry is purged.

``restore(entry, user)`` inserts the rows again (SQL Core, each value turned back by its column's type) with their
own ids; an id taken in the meantime (SQLite hands out a deleted newest id again) is replaced by a new one, and
the rows referring to it follow. It refuses, with the reason in Chinese, when something the rows refer to is gone
or a unique value is taken now; the whole restore is one SAVEPOINT, so a refusal leaves nothing behind. The
restore is in the audit trail as the event ``trash.restored`` of the restored record.

``purge(entry, user)`` (the system administrator only) deletes the entry and its stored files for good; audited as
``trash.purged``. ``purge_before(day)`` does so for every entry deleted before a day (``flask --app portal trash
purge --before``).

Each area registers its kinds with ``register(kind, label, link=…, check=…, restored=…)``: where the restored
record is shown, what must still hold for it to come back, and what to bring up to date once it is back.
"""
import base64
import enum
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from functools import cache

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    Enum,
    Float,
    Integer,
    LargeBinary,
    Numeric,
    Table,
    Time,
    TypeDecorator,
    UniqueConstraint,
    exists,
    insert,
    inspect,
    or_,
    select,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import RelationshipDirection

from portal import clock, events, uploads
from portal.access import EDITOR_ROLES, current_user_id, visible_court_ids
from portal.audit import as_system, entity_label, field_label
from portal.auth.models import Duty
from portal.errors import Forbidden, NotFound, ServiceError
from portal.extensions import db
from portal.pagination import Page, paginate
from portal.trash.models import DeletedRecord

ATTACHMENT_TABLE, ATTACHMENT_AREA = "attachment", "attachments"  # portal.attachments' table and upload area

Row = dict  # {"table": name, "values": {column: value}}


@dataclass(frozen=True)
class Kind:
    """A kind of record the bin keeps: its label, and the area's steps for bringing it back.

    ``link(values)`` gives (endpoint, arguments) of the page of the restored record from its row's values (after a
    new id, if it got one); ``check(rows)`` raises ServiceError when the record cannot come back now for a reason
    of the area's own (rows decoded, before they are inserted); ``restored(rows)`` runs after they are back.
    """

    label: str
    link: Callable[[dict], tuple[str, dict] | None] | None = None
    check: Callable[[list[Row]], None] | None = None
    restored: Callable[[list[Row]], None] | None = None


KINDS: dict[str, Kind] = {}


def register(name: str, label: str, *, link=None, check=None, restored=None) -> None:
    """Declare a kind of record the bin keeps (from the area's services module, when it is imported)."""
    KINDS[name] = Kind(label, link, check, restored)


def kind_label(name: str) -> str:
    return KINDS[name].label if name in KINDS else name


# --- values as JSON and back -------------------------------------------------------------------------------------

def _encode(value):
    """A column value as JSON: dates and times ISO, enums by value, Decimal as text, bytes in base64."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return base64.b64encode(bytes(value)).decode()
    return value


def _decode(column, value):
    """A JSON value back as a value of ``column``'s type."""
    if value is None:
        return None
    kind = column.type.impl if isinstance(column.type, TypeDecorator) else column.type
    if isinstance(kind, Enum):
        return kind.enum_class(value) if kind.enum_class else value
    if isinstance(kind, JSON):
        return value
    if isinstance(kind, DateTime):
        return datetime.fromisoformat(value)
    if isinstance(kind, Date):
        return date.fromisoformat(value)
    if isinstance(kind, Time):
        return time.fromisoformat(value)
    if isinstance(kind, Numeric) and not isinstance(kind, Float):
        return Decimal(value)
    if isinstance(kind, LargeBinary):
        return base64.b64decode(value)
    return value


# --- what goes with a record ------------------------------------------------------------------------------------

def _table(name: str) -> Table:
    return db.metadata.tables[name]


@cache
def dependents(table_name: str) -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    """The tables whose rows go when a row of ``table_name`` goes, each with its (parent column, child column)
    pairs: foreign keys with ON DELETE CASCADE, and one-to-many ORM relationships that cascade deletes."""
    table = _table(table_name)
    found: dict[tuple, None] = {}
    for other in db.metadata.sorted_tables:
        for constraint in other.foreign_key_constraints:
            if constraint.referred_table is table and (constraint.ondelete or "").upper() == "CASCADE":
                found[other.name, tuple((e.column.name, e.parent.name) for e in constraint.elements)] = None
    for mapper in db.Model.registry.mappers:
        if mapper.local_table is not table:
            continue
        for relationship in mapper.relationships:
            if (relationship.cascade.delete and not relationship.viewonly and relationship.secondary is None
                    and relationship.direction is RelationshipDirection.ONETOMANY):
                pairs = tuple((local.name, remote.name) for local, remote in relationship.local_remote_pairs)
                found[relationship.mapper.local_table.name, pairs] = None
    return tuple(found)


def _collect(table: Table, values: dict, rows: list[Row], seen: set) -> None:
    key = (table.name, tuple(values[c.name] for c in table.primary_key))
    if key in seen:
        return
    seen.add(key)
    rows.append({"table": table.name, "values": values})
    for child_name, pairs in dependents(table.name):
        child = _table(child_name)
        query = select(child).where(*[child.c[column] == values[parent] for parent, column in pairs])
        for found in db.session.execute(query.order_by(*child.primary_key)).mappings():
            _collect(child, {c.name: found[c] for c in child.columns}, rows, seen)


def _row_of(obj) -> tuple[Table, dict]:
    mapper = inspect(obj).mapper
    table = mapper.local_table
    primary_key = dict(zip([c.name for c in table.primary_key], mapper.primary_key_from_instance(obj), strict=True))
    found = db.session.execute(select(table).where(*[table.c[k] == v for k, v in primary_key.items()])).mappings().one()
    return table, {c.name: found[c] for c in table.columns}


@cache
def _insert_order() -> dict[str, int]:
    return {table.name: number for number, table in enumerate(db.metadata.sorted_tables)}


def snapshot(record, children=()) -> list[Row]:
    """The rows of ``record`` and of everything that goes with it, its own first, then in an order they can be
    inserted in; values as they are in the database (not yet JSON)."""
    db.session.flush()
    rows: list[Row] = []
    seen: set = set()
    for obj in (record, *children):
        table, values = _row_of(obj)
        _collect(table, values, rows, seen)
    order = _insert_order()
    return rows[:1] + sorted(rows[1:], key=lambda row: order[row["table"]])


def discard(record, *, kind: str, label: str, court_id: int | None, children=()) -> DeletedRecord:
    """Put ``record`` (and ``children``, rows that go with it without a foreign key: its attachments) in the bin and
    delete them; their stored files stay until the entry is purged. The caller's request commits."""
    if kind not in KINDS:
        raise KeyError(f"{kind}: not a kind the recycle bin knows (portal.trash.services.register)")
    rows = snapshot(record, children)
    files = [{"area": ATTACHMENT_AREA, "name": row["values"]["stored_name"]} for row in rows
             if row["table"] == ATTACHMENT_TABLE]
    entry = DeletedRecord(court_id=court_id, kind=kind, label=label[:200], files=files,
                          rows=[{"table": row["table"], "values": {k: _encode(v) for k, v in row["values"].items()}}
                                for row in rows],
                          deleted_by_id=current_user_id(), deleted_at=clock.now())
    db.session.add(entry)
    for child in children:
        db.session.delete(child)
    db.session.delete(record)
    db.session.flush()
    return entry


# --- restoring ----------------------------------------------------------------------------------------------------

def decoded_rows(entry: DeletedRecord) -> list[Row]:
    """The entry's rows with their values as Python values of their columns' types (columns dropped since are
    left out)."""
    rows = []
    for row in entry.rows:
        table = _table(row["table"])
        rows.append({"table": table.name, "values": {k: _decode(table.c[k], v) for k, v in row["values"].items()
                                                    if k in table.c}})
    return rows


def _single_id(table: Table):
    """The table's integer primary key column when it has one alone (ids the database hands out), else None."""
    columns = list(table.primary_key)
    return columns[0] if len(columns) == 1 and isinstance(columns[0].type, Integer) else None


def _exists(table: Table, values: dict) -> bool:
    return bool(db.session.scalar(select(exists().where(*[table.c[k] == v for k, v in values.items()]))))


def _gone(table_name: str) -> ServiceError:
    return ServiceError(f"无法恢复：所属{entity_label(table_name)}已被删除。", status=409)


def _remap_and_check_references(table: Table, values: dict, present: set, ids: dict) -> None:
    """Point the row's references at the new ids of restored rows that got one; refuse when a row it refers to
    outside the entry is gone."""
    for constraint in table.foreign_key_constraints:
        pairs = [(e.parent.name, e.column) for e in constraint.elements]
        if any(values.get(local) is None for local, _ in pairs):
            continue
        referred = constraint.referred_table
        if len(pairs) == 1:
            local, column = pairs[0]
            if (referred.name, values[local]) in ids:
                values[local] = ids[referred.name, values[local]]
                continue
            if (referred.name, values[local]) in present:
                continue
        if not _exists(referred, {column.name: values[local] for local, column in pairs}):
            raise _gone(referred.name)
    if table.name == ATTACHMENT_TABLE and values.get("owner_type") in db.metadata.tables:  # owner_type/owner_id
        owner = (values["owner_type"], values["owner_id"])
        if owner in ids:
            values["owner_id"] = ids[owner]
        elif owner not in present and not _exists(_table(owner[0]), {"id": owner[1]}):
            raise _gone(owner[0])


def _unique_sets(table: Table) -> list[list[str]]:
    sets = [[c.name for c in constraint.columns] for constraint in table.constraints
            if isinstance(constraint, UniqueConstraint)]
    sets += [[c.name for c in index.columns] for index in table.indexes if index.unique]
    primary = {c.name for c in table.primary_key}
    return [names for names in sets if set(names) != primary]


def _check_unique(table: Table, values: dict) -> None:
    for names in _unique_sets(table):
        if all(values.get(n) is not None for n in names) and _exists(table, {n: values[n] for n in names}):
            fields = "、".join(field_label(table.name, n) for n in names)
            raise ServiceError(f"无法恢复：{fields}相同的{entity_label(table.name)}已存在。", status=409)


def _insert(table: Table, values: dict, ids: dict) -> None:
    """Insert the row with its own id, or with a new one when that id is taken (recorded in ``ids``)."""
    column = _single_id(table)
    if column is not None and values.get(column.name) is not None and _exists(table, {column.name: values[column.name]}):
        old = values.pop(column.name)
        new = db.session.execute(insert(table).values(**values).returning(column)).scalar_one()
        values[column.name] = ids[table.name, old] = new
        return
    if column is None and _exists(table, {c.name: values[c.name] for c in table.primary_key}):
        raise ServiceError(f"无法恢复：{entity_label(table.name)}已存在。", status=409)
    db.session.execute(insert(table).values(**values))


def _check_access(entry: DeletedRecord, user) -> None:
    if user is None:
        return
    if entry.court_id is not None and entry.court_id not in visible_court_ids(user):
        raise NotFound()


def restore(entry: DeletedRecord, user) -> tuple[str, dict] | None:
    """Put the entry's rows back and remove it from the bin; (endpoint, arguments) of the restored record's page,
    if it has one. ServiceError (status 409) when it cannot come back now."""
    _check_access(entry, user)
    if user is not None and not user.holds(*EDITOR_ROLES):
        raise Forbidden()
    kind = KINDS.get(entry.kind) or Kind(entry.kind)
    rows = decoded_rows(entry)
    if not rows:
        raise ServiceError("无法恢复：回收站中没有这条记录的内容。", status=409)
    if kind.check:
        kind.check(rows)
    present = {(row["table"], row["values"].get("id")) for row in rows}
    ids: dict = {}
    db.session.flush()
    try:
        with db.session.begin_nested():
            for row in rows:
                table = _table(row["table"])
                _remap_and_check_references(table, row["values"], present, ids)
                _check_unique(table, row["values"])
                _insert(table, row["values"], ids)
    except IntegrityError as error:
        raise ServiceError("无法恢复：记录所需的数据已变化或已存在相同的记录。", status=409) from error
    db.session.expire_all()
    if kind.restored:
        kind.restored(rows)
    root = rows[0]
    events.announce("trash.restored", _record_of(root), kind=entry.kind, label=entry.label, entry=entry.id,
                    rows=len(rows), **({"new_id": root["values"]["id"]} if ids else {}))
    db.session.delete(entry)
    db.session.flush()
    return kind.link(root["values"]) if kind.link else None


def _record_of(row: Row):
    table = _table(row["table"])
    model = next(m.class_ for m in db.Model.registry.mappers if m.local_table is table)
    return db.session.get(model, tuple(row["values"][c.name] for c in table.primary_key))


# --- purging --------------------------------------------------------------------------------------------------------

def purge(entry: DeletedRecord, user) -> None:
    """Delete the entry and its stored files for good: the system administrator's step (``user`` None: the system,
    from the command line)."""
    _check_access(entry, user)
    if user is not None and user.admin_duty != Duty.SYSTEM:
        raise Forbidden()
    events.announce("trash.purged", entry, kind=entry.kind, label=entry.label, files=len(entry.files or []))
    files = list(entry.files or [])
    db.session.delete(entry)
    db.session.flush()
    for stored in files:
        uploads.remove(stored["area"], stored["name"])


def purge_before(day: date) -> int:
    """Purge, as the system, every entry deleted before the court's day ``day``; how many. The caller commits."""
    entries = list(db.session.scalars(select(DeletedRecord).where(DeletedRecord.deleted_at < clock.start_of_day(day))
                                      .order_by(DeletedRecord.id)))
    with as_system(db.session):
        for entry in entries:
            purge(entry, None)
    return len(entries)


# --- reading ----------------------------------------------------------------------------------------------------------

def list_entries(court_ids: list[int], *, cursor: str | None, per_page: int, total: int | None,
                 number: int) -> Page:
    """The entries of these courts (and those of no court: duty terms), the latest deleted first."""
    query = select(DeletedRecord).where(or_(DeletedRecord.court_id.in_(court_ids), DeletedRecord.court_id.is_(None)))
    return paginate(query, [DeletedRecord.deleted_at, DeletedRecord.id], cursor=cursor, per_page=per_page,
                    descending=True, total=total, number=number)


def get_entry_or_404(entry_id: int, user) -> DeletedRecord:
    """An entry of a court the user sees; any other looks the same as none at all."""
    entry = db.session.get(DeletedRecord, entry_id)
    if entry is None:
        raise NotFound()
    _check_access(entry, user)
    return entry


def entries_of(kind: str, **values) -> list[DeletedRecord]:
    """The entries of ``kind`` whose own row has these values (tests, and areas that show what was deleted)."""
    found = db.session.scalars(select(DeletedRecord).where(DeletedRecord.kind == kind).order_by(DeletedRecord.id))
    return [e for e in found if all(e.rows[0]["values"].get(k) == _encode(v) for k, v in values.items())]


# --- attachments: the kind every area's files share ----------------------------------------------------------------

OWNER_PAGES: dict[str, Callable[[int], tuple[str, dict]]] = {}


def owner_page(owner_type: str, page: Callable[[int], tuple[str, dict]]) -> None:
    """Where the record owning attachments of ``owner_type`` is shown: ``page(owner_id) -> (endpoint, args)``."""
    OWNER_PAGES[owner_type] = page


def _attachment_page(values: dict) -> tuple[str, dict] | None:
    page = OWNER_PAGES.get(values.get("owner_type"))
    return page(values["owner_id"]) if page else None


register(ATTACHMENT_AREA, "附件", link=_attachment_page)
