"""Queries and writes for the deputy register."""
import re
from dataclasses import dataclass, field

from flask_login import current_user
from sqlalchemy import Select, and_, case, func, or_, select, text
from sqlalchemy.orm import selectinload

from portal import clock, params
from portal.auth.models import Role, User
from portal.documents.register import RegisterDocument, RegisterRow
from portal.extensions import db
from portal.pagination import Page, paginate
from portal.register.models import (
    COURT_ROLES,
    Deputy,
    DeputyKind,
    DeputyLevel,
    DeputyStatus,
    Gender,
)

MOBILE_PATTERN = re.compile(r"^1[3-9]\d{9}$")
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

# The columns a deputy record is edited through, in form and spreadsheet order.
EDITABLE_FIELDS = ("name", "gender", "kind", "level", "term", "group_name", "constituency", "work_unit", "post",
                   "mobile", "email", "address", "court_roles", "paired_leader_id", "note")

SORTS = {
    "name": ("姓名拼音", lambda: [Deputy.name_pinyin, Deputy.id], False),
    "level": ("层级", lambda: [Deputy.level_rank, Deputy.name_pinyin, Deputy.id], False),
    "group": ("代表组/界别", lambda: [Deputy.group_name, Deputy.name_pinyin, Deputy.id], False),
    "updated": ("最近更新", lambda: [Deputy.updated_at, Deputy.id], True),
}


@dataclass
class RegisterFilters:
    q: str = ""
    kind: str = ""
    level: str = ""
    term: str = ""
    group: str = ""
    status: str = DeputyStatus.ACTIVE.value
    sort: str = "name"

    @classmethod
    def from_args(cls, args) -> "RegisterFilters":
        filters = cls(**{k: params.clean_query(args.get(k), 60) for k in
                         ("q", "kind", "level", "term", "group", "sort")}, status=args.get("status", "active"))
        if filters.sort not in SORTS:
            filters.sort = "name"
        if filters.status not in ("", *DeputyStatus):
            filters.status = "active"
        return filters

    def as_args(self, **overrides) -> dict:
        values = {**self.__dict__, **overrides}
        return {k: v for k, v in values.items() if v}

    def summary(self) -> str:
        """The active filters in words, for document subtitles."""
        parts = []
        if self.kind in DeputyKind.__members__.values():
            parts.append(DeputyKind(self.kind).label)
        if self.level in DeputyLevel.__members__.values():
            parts.append(DeputyLevel(self.level).label)
        parts += [p for p in (self.term, self.group) if p]
        if self.status in DeputyStatus.__members__.values():
            parts.append(DeputyStatus(self.status).label)
        if self.q:
            parts.append(f"含“{self.q}”")
        return " · ".join(parts)


def search_condition(q: str):
    """A WHERE clause finding deputies by name, pinyin or initials, work unit or phone.

    Latin letters search the pinyin keys by prefix (``zs``, ``zhang``, ``zhangsan``), an index range scan.
    Three characters or more go through the full-text index (SQLite FTS5 trigram; on PostgreSQL, ILIKE served
    by pg_trgm indexes). One or two Chinese characters cannot be trigram-matched, so they fall back to LIKE.
    """
    q = q.strip()
    if not q:
        return None
    lowered = q.lower().replace(" ", "")
    if re.fullmatch(r"[a-z]+", lowered):
        if db.engine.dialect.name == "sqlite":  # SQLite's LIKE is case-insensitive and skips the index
            upper = lowered + "\x7f"
            return or_(and_(Deputy.name_pinyin >= lowered, Deputy.name_pinyin < upper),
                       and_(Deputy.name_initials >= lowered, Deputy.name_initials < upper))
        return or_(Deputy.name_pinyin.startswith(lowered), Deputy.name_initials.startswith(lowered))
    if len(q) >= 3 and db.engine.dialect.name == "sqlite":
        phrase = '"' + q.replace('"', '""') + '"'
        matches = text("SELECT rowid FROM deputy_fts WHERE deputy_fts MATCH :phrase").bindparams(phrase=phrase)
        return Deputy.id.in_(matches.columns(rowid=db.Integer))
    pattern = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return or_(Deputy.name.ilike(pattern, escape="\\"), Deputy.work_unit.ilike(pattern, escape="\\"),
               Deputy.mobile.like(pattern, escape="\\"))


def filtered_query(filters: RegisterFilters) -> Select:
    query = select(Deputy).options(selectinload(Deputy.paired_leader))
    condition = search_condition(filters.q)
    if condition is not None:
        query = query.where(condition)
    if filters.kind in DeputyKind.__members__.values():
        query = query.where(Deputy.kind == DeputyKind(filters.kind))
    if filters.level in DeputyLevel.__members__.values():
        query = query.where(Deputy.level == DeputyLevel(filters.level))
    if filters.term:
        query = query.where(Deputy.term == filters.term)
    if filters.group:
        query = query.where(Deputy.group_name == filters.group)
    if filters.status:
        query = query.where(Deputy.status == DeputyStatus(filters.status))
    return query


def list_deputies(filters: RegisterFilters, *, cursor: str | None, per_page: int, total: int | None,
                  number: int) -> Page:
    _, keys, descending = SORTS[filters.sort]
    return paginate(filtered_query(filters), keys(), cursor=cursor, per_page=per_page, descending=descending,
                    total=total, number=number)


def all_filtered(filters: RegisterFilters) -> list[Deputy]:
    """Every deputy matching ``filters`` in the chosen order, for exports."""
    _, keys, descending = SORTS[filters.sort]
    return list(db.session.scalars(filtered_query(filters).order_by(
        *[k.desc() if descending else k.asc() for k in keys()])))


def filter_choices() -> dict:
    """The terms and groups present in the register, for the filter menus."""
    terms = db.session.scalars(select(Deputy.term).distinct().order_by(Deputy.term))
    groups = db.session.scalars(select(Deputy.group_name).where(Deputy.group_name != "").distinct()
                                .order_by(Deputy.group_name))
    return {"terms": [(t, t) for t in terms], "groups": [(g, g) for g in groups]}


def leader_choices() -> list[User]:
    """Court leaders a deputy may be paired with."""
    return list(db.session.scalars(select(User).where(User.role == Role.LEADER, User.active.is_(True))
                                   .order_by(User.court_id, User.display_name)))


def register_summary() -> dict:
    """Counts for the home page, in one aggregate query."""
    row = db.session.execute(select(
        func.count(case((and_(Deputy.kind == DeputyKind.NPC, Deputy.status == DeputyStatus.ACTIVE), 1))),
        func.count(case((and_(Deputy.kind == DeputyKind.CPPCC, Deputy.status == DeputyStatus.ACTIVE), 1))),
        func.count(case((Deputy.status == DeputyStatus.RETIRED, 1))),
        func.count(case((Deputy.paired_leader_id == current_user.id, 1))),
    )).one()
    return {"npc_active": row[0], "cppcc_active": row[1], "retired": row[2], "paired_with_me": row[3]}


@dataclass
class DeputyInput:
    """Validated values for a deputy, from the form or a spreadsheet row."""

    values: dict = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def validate_deputy(raw: dict, *, exclude_id: int | None = None,
                    existing_pairs: set[tuple[str, str]] | None = None) -> DeputyInput:
    """Check and normalise the fields of a deputy; errors are keyed by field, in Chinese.

    ``existing_pairs`` (the register's (name, mobile) pairs, from ``existing_name_mobile_pairs``) saves a
    duplicate query per row when many rows are checked at once.
    """
    result = DeputyInput()
    values, errors = result.values, result.errors
    text_limits = {"name": 40, "term": 20, "group_name": 60, "constituency": 60, "work_unit": 100, "post": 60,
                   "mobile": 20, "email": 120, "address": 200, "note": 2000}
    for key, limit in text_limits.items():
        value = params.clean_text(str(raw.get(key) or ""), multiline=key == "note").strip()
        if len(value) > limit:
            errors[key] = f"不能超过 {limit} 个字。"
        values[key] = value
    for key, label in (("name", "姓名"), ("term", "届次"), ("mobile", "手机号码")):
        if not values[key] and key not in errors:
            errors[key] = f"请填写{label}。"
    values["mobile"] = values["mobile"].replace(" ", "").replace("-", "")
    if values["mobile"] and not MOBILE_PATTERN.match(values["mobile"]):
        errors["mobile"] = "手机号码应为 11 位，以 13–19 开头。"
    if values["email"] and not EMAIL_PATTERN.match(values["email"]):
        errors["email"] = "电子邮箱格式不正确。"
    for key, enum_cls, label in (("gender", Gender, "性别"), ("kind", DeputyKind, "类别"),
                                 ("level", DeputyLevel, "层级")):
        member = raw.get(key)
        member = member if isinstance(member, enum_cls) else enum_cls.from_label(str(member or ""))
        if member is None:
            choices = "、".join(m.label for m in enum_cls)
            errors[key] = f"请选择{label}（{choices}）。" if not raw.get(key) else f"{label}应为：{choices}。"
        values[key] = member
    roles = raw.get("court_roles") or []
    if isinstance(roles, str):
        roles = [r.strip() for r in re.split(r"[、,，;；\s]+", roles) if r.strip()]
    unknown = [r for r in roles if r not in COURT_ROLES]
    if unknown:
        errors["court_roles"] = f"无法识别的法院职务：{'、'.join(unknown)}（可选：{'、'.join(COURT_ROLES)}）。"
    values["court_roles"] = "、".join(r for r in COURT_ROLES if r in roles)
    chosen_leader = raw.get("paired_leader_id") or None
    leader_id = params.parse_id(str(chosen_leader).strip()) if chosen_leader else None
    if chosen_leader:
        leader = db.session.get(User, leader_id) if leader_id else None
        if leader is None or leader.role != Role.LEADER:
            errors["paired_leader_id"] = "结对领导应为院领导账户。"
    values["paired_leader_id"] = leader_id
    if values["name"] and values["mobile"] and "mobile" not in errors and (
            (values["name"], values["mobile"]) in existing_pairs if existing_pairs is not None
            else find_duplicate(values["name"], values["mobile"], exclude_id=exclude_id)):
        errors["mobile"] = f"名册中已有同名且手机号码相同的代表委员“{values['name']}”，请勿重复登记。"
    return result


def find_duplicate(name: str, mobile: str, *, exclude_id: int | None = None) -> Deputy | None:
    query = select(Deputy).where(Deputy.name == name, Deputy.mobile == mobile)
    if exclude_id:
        query = query.where(Deputy.id != exclude_id)
    return db.session.scalar(query.limit(1))


def existing_name_mobile_pairs(names: set[str]) -> set[tuple[str, str]]:
    """The (name, mobile) pairs already in the register for these names, in one query."""
    pairs: set[tuple[str, str]] = set()
    names = sorted(names)
    for start in range(0, len(names), 500):  # stay under database parameter limits
        rows = db.session.execute(select(Deputy.name, Deputy.mobile).where(Deputy.name.in_(names[start:start + 500])))
        pairs.update((name, mobile) for name, mobile in rows)
    return pairs


def create_deputy(values: dict) -> Deputy:
    deputy = Deputy(**{k: values[k] for k in EDITABLE_FIELDS})
    deputy.refresh_keys()
    db.session.add(deputy)
    db.session.flush()
    return deputy


def update_deputy(deputy: Deputy, values: dict) -> Deputy:
    for key in EDITABLE_FIELDS:
        setattr(deputy, key, values[key])
    deputy.refresh_keys()
    db.session.flush()
    return deputy


def set_status(deputy: Deputy, status: DeputyStatus) -> None:
    """Deactivate (离任) or reinstate a deputy. Register entries are never deleted: other records refer to them."""
    deputy.status = status
    deputy.left_on = clock.today() if status == DeputyStatus.RETIRED else None
    db.session.flush()


def register_document(deputies: list[Deputy], filter_summary: str, court_name: str) -> RegisterDocument:
    """The data of the register's Word export."""
    rows = [RegisterRow(name=d.name, gender=d.gender.label, kind=d.kind.label, level=d.level.label, term=d.term,
                        group=d.group_name, work_unit_post=" ".join(p for p in (d.work_unit, d.post) if p),
                        mobile=d.mobile, status=d.status.label) for d in deputies]
    return RegisterDocument(court_name=court_name, filter_summary=filter_summary, generated_on=clock.today(),
                            rows=rows)
